"""A finished run's checks — the scorecard of calibration facts and the out-of-sample
validation against the annual steel series — written into its run directory, and the
Python API's :func:`run`, which runs, stores and then checks.

The runner stores a run without judging it; this module, above it, composes the two. The
series is read a block of whole runs at a time (every rule gives one statistic per run, so
blocks are scored separately and their statistics joined), so checking a large ensemble
holds one block in memory; the validation reads national and regional steel alone. When
:func:`run` computes the ensemble itself, each batch is scored in memory as it arrives
(:class:`Scoring`), while the other batches are still being computed, instead of being
read back afterwards: the same per-run statistics, so the same checks.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from angang.analysis import scorecard, validation
from angang.analysis.tables import Tables
from angang.data import load_history
from angang.errors import AngangError
from angang.model.loop import BatchResult
from angang.runner import run as run_ensemble_into
from angang.runner.ensemble import Ensemble
from angang.runner.store import read_series_blocks


def write(run_dir: Path | str) -> tuple[list[scorecard.Check], validation.Validation]:
    """Score and validate the run in ``run_dir``; write scorecard.json and validation.json."""
    run_dir = Path(run_dir)
    scoring = Scoring()
    for index, frame in enumerate(read_series_blocks(run_dir)):
        scoring(index, frame)
    return scoring.write(run_dir)


class Scoring:
    """The checks of an ensemble gathered block by block (blocks of whole runs, numbered in
    run order): each block's per-run statistics and the validation's few steel series."""

    def __init__(self, defer_errors: bool = False) -> None:
        self.history = load_history()
        #: whether a block that cannot be scored is only noted (``failed``), for a run that
        #: is still being computed, rather than raised
        self.defer_errors = defer_errors
        self.failed = False
        self.parts: dict[int, tuple[list[tuple[pd.Series, scorecard.Verdict]], pd.DataFrame]] = {}

    def __call__(self, index: int, batch: pd.DataFrame | BatchResult) -> None:
        """Score block ``index``: a long series, or a batch's record arrays (scored from
        its tables without making the long frame)."""
        if isinstance(batch, BatchResult):
            series: pd.DataFrame | Tables = Tables.of_batch(batch)
            steel = _steel(batch)
        else:
            wanted = (batch["variable"] == "steel_output") & batch["entity"].isin(
                validation.STEEL_ENTITIES
            )
            series, steel = batch, batch[wanted]  # the validation's few series
        try:
            self.parts[index] = (scorecard.verdicts(series, self.history), steel)
        except AngangError:
            if not self.defer_errors:
                raise
            # a series the facts cannot be read from: say so once the run directory is
            # written (reading it back raises the same error), not in the middle of the run
            self.failed = True

    def write(self, run_dir: Path) -> tuple[list[scorecard.Check], validation.Validation]:
        """Judge what was gathered; write scorecard.json and validation.json."""
        ordered = [self.parts[i] for i in sorted(self.parts)]
        checks = scorecard.join([found for found, _ in ordered])
        result = validation.validate(pd.concat([steel for _, steel in ordered], ignore_index=True))
        scorecard.write(checks, run_dir)
        validation.write(result, run_dir)
        return checks, result


def _steel(batch: BatchResult) -> pd.DataFrame:
    """The validation's few series of a batch (national and regional steel) as a long frame."""
    entities, arr = batch.records["steel_output"]
    keep = [j for j, e in enumerate(entities) if e in validation.STEEL_ENTITIES]
    records = {"steel_output": ([entities[j] for j in keep], arr[:, :, keep])}
    return replace(batch, records=records, snapshot=None).to_frame()


def run(scenario: str | Path, *args: Any, **options: Any) -> Ensemble:
    """Run an ensemble (:func:`angang.runner.run`, same arguments); with ``out``, write the
    run directory and then its scorecard and validation — scored batch by batch as they are
    computed, or read back from the run directory where some were not (a resumed run)."""
    out = options.get("out")
    if out is None:
        return run_ensemble_into(scenario, *args, **options)
    scoring = Scoring(defer_errors=True)
    ensemble = run_ensemble_into(scenario, *args, on_batch=scoring, **options)
    if not scoring.failed and len(scoring.parts) == ensemble.batches:
        scoring.write(Path(out))
    else:
        write(out)
    return ensemble

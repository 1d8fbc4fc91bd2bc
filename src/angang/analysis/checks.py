"""A finished run's checks — the scorecard of calibration facts and the out-of-sample
validation against the annual steel series — written into its run directory, and the
Python API's :func:`run`, which runs, stores and then checks.

The runner stores a run without judging it; this module, above it, composes the two. The
series is read a block of whole runs at a time (every rule gives one statistic per run, so
blocks are scored separately and their statistics joined), so checking a large ensemble
holds one block in memory; the validation reads national and regional steel alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from angang.analysis import scorecard, validation
from angang.runner import run as run_ensemble_into
from angang.runner.ensemble import Ensemble
from angang.runner.store import read_series_blocks


def write(run_dir: Path | str) -> tuple[list[scorecard.Check], validation.Validation]:
    """Score and validate the run in ``run_dir``; write scorecard.json and validation.json."""
    run_dir = Path(run_dir)
    steel: list[pd.DataFrame] = []

    def blocks() -> Iterator[pd.DataFrame]:
        for frame in read_series_blocks(run_dir):
            wanted = (frame["variable"] == "steel_output") & frame["entity"].isin(
                validation.STEEL_ENTITIES
            )
            steel.append(frame[wanted])  # the validation's few series, not every entity's
            yield frame

    checks = scorecard.score_batches(blocks())
    result = validation.validate(pd.concat(steel, ignore_index=True))
    scorecard.write(checks, run_dir)
    validation.write(result, run_dir)
    return checks, result


def run(scenario: str | Path, *args: Any, **options: Any) -> Ensemble:
    """Run an ensemble (:func:`angang.runner.run`, same arguments); with ``out``, write the
    run directory and then its scorecard and validation."""
    ensemble = run_ensemble_into(scenario, *args, **options)
    if options.get("out") is not None:
        write(options["out"])
    return ensemble

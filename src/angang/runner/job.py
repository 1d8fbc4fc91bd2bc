"""One batch of an ensemble as a unit of work: what a worker process or a Dask worker needs
to run it (:class:`Job`, picklable) and the function that runs it (:func:`run_job`). Both
backends (:mod:`.ensemble`'s process pool, :mod:`.cluster`'s Dask) import it from here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from angang.engine.checkpoint import Snapshot
from angang.engine.state import Params
from angang.model.loop import simulate
from angang.runner.spool import Done
from angang.scenario.schema import Scenario


@dataclass(frozen=True)
class Job:
    """One batch: everything a worker process or a Dask worker needs, picklable."""

    index: int
    scenario: Scenario
    ids: np.ndarray
    seed: int
    scale: float
    checkpoint_at: int | None = None
    start_from: Snapshot | None = None
    engine: str = "numba"


def run_job(job: Job, on_year: Callable[[int], None] | None = None) -> Done:
    """Run one batch (in whatever process or worker the backend chose)."""
    result = simulate(
        job.scenario,
        job.ids,
        job.seed,
        params=Params.repeat(job.scenario.parameters, job.ids.size),
        scale=job.scale,
        checkpoint_at=job.checkpoint_at,
        start_from=job.start_from,
        on_year=on_year,
        engine=job.engine,
    )
    # the record arrays, not the long frame: the parent builds what it writes from them
    records = replace(result, snapshot=None)
    return Done(job.index, None, result.enterprise_years, result.snapshot, records)

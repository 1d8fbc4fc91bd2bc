"""Ensembles: many runs of one scenario, executed in vectorised batches.

Run ``i`` uses the random stream ``(seed, i)`` whatever batch it falls in, so an ensemble's
first runs are the same runs as a smaller ensemble with the same seed, and the batch size
changes speed, never results.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from angang.engine.loop import make_world, simulate
from angang.engine.state import Params
from angang.errors import AngangError
from angang.scenario.loader import Loaded
from angang.scenario.schema import Scenario

DEFAULT_BATCH = 32


@dataclass(frozen=True)
class Ensemble:
    """The results of an ensemble: tidy series and what the manifest needs."""

    loaded: Loaded
    runs: int
    seed: int
    scale: float
    series: pd.DataFrame
    enterprise_years: np.ndarray  #: float (runs,): active enterprise-years per run
    enterprise_slots: int


def _batch(scenario: Scenario, ids: np.ndarray, seed: int,
           scale: float) -> tuple[pd.DataFrame, np.ndarray]:
    """One batch in a worker process: its tidy frame and enterprise-years."""
    result = simulate(scenario, ids, seed, params=Params.repeat(scenario.parameters, ids.size),
                      scale=scale)
    return result.to_frame(), result.enterprise_years


def resolve_workers(workers: int, batches: int) -> int:
    """Worker processes to use: 0 means one per core, never more than there are batches."""
    if workers < 0:
        raise AngangError(f"--workers must be 0 (all cores) or more, got {workers}.")
    wanted = workers or (os.cpu_count() or 1)
    return max(1, min(wanted, batches))


def run_ensemble(loaded: Loaded, runs: int, seed: int, batch_size: int = DEFAULT_BATCH,
                 scale: float | None = None,
                 progress: Callable[[int, int], None] | None = None,
                 workers: int = 1) -> Ensemble:
    """Run ``runs`` histories of ``loaded.scenario`` with root ``seed``, batch by batch.

    With ``workers`` > 1 (0: one per core) batches run in a pool of processes; results are
    identical whatever the number of workers, since run i always draws from stream (seed, i).
    ``progress(done, total)`` counts run-years, after every year in-process or after every
    batch with workers.
    """
    if runs < 1:
        raise AngangError(f"--runs must be at least 1, got {runs}.")
    if batch_size < 1:
        raise AngangError(f"--batch-size must be at least 1, got {batch_size}.")
    if seed < 0:
        raise AngangError(f"--seed must be a non-negative integer, got {seed}.")
    scenario = loaded.scenario
    scale = scenario.initial.scale if scale is None else scale
    if not 0 < scale <= 100:
        raise AngangError(f"--scale must be in (0, 100], got {scale}.")
    world = make_world(scenario, scale)
    years = world.timeline.years.size
    total, done = runs * years, 0
    batches = [np.arange(first, min(runs, first + batch_size))
               for first in range(0, runs, batch_size)]
    pool_size = resolve_workers(workers, len(batches))
    frames, enterprise_years = [], []
    if pool_size > 1:
        with ProcessPoolExecutor(max_workers=pool_size) as pool:
            futures = [pool.submit(_batch, scenario, ids, seed, scale) for ids in batches]
            for ids, future in zip(batches, futures, strict=True):
                frame, ey = future.result()
                frames.append(frame)
                enterprise_years.append(ey)
                done += ids.size * years
                if progress is not None:
                    progress(done, total)
    else:
        for ids in batches:

            def tick(_year: int, width: int = ids.size) -> None:
                nonlocal done
                done += width
                if progress is not None:
                    progress(done, total)

            params = Params.repeat(scenario.parameters, ids.size)
            result = simulate(scenario, ids, seed, params=params, world=world, on_year=tick)
            frames.append(result.to_frame())
            enterprise_years.append(result.enterprise_years)
    series = pd.concat(frames, ignore_index=True)
    series["variable"] = series["variable"].astype("category")
    series["entity"] = series["entity"].astype("category")
    return Ensemble(loaded, runs, seed, scale, series, np.concatenate(enterprise_years),
                    world.layout.n)

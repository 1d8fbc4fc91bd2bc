"""Ensembles: many runs of one scenario, executed in vectorised batches.

Run ``i`` uses the random stream ``(seed, i)`` whatever batch it falls in, so an ensemble's
first runs are the same runs as a smaller ensemble with the same seed, and the batch size
changes speed, never results.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from angang.engine.loop import make_world, simulate
from angang.engine.state import Params
from angang.errors import AngangError
from angang.scenario.loader import Loaded

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


def run_ensemble(loaded: Loaded, runs: int, seed: int, batch_size: int = DEFAULT_BATCH,
                 scale: float | None = None,
                 progress: Callable[[int, int], None] | None = None) -> Ensemble:
    """Run ``runs`` histories of ``loaded.scenario`` with root ``seed``, batch by batch.

    ``progress(done, total)`` is called after every simulated year of every batch, counting
    run-years, so a progress bar can follow long ensembles.
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
    frames, enterprise_years = [], []
    for first in range(0, runs, batch_size):
        ids = np.arange(first, min(runs, first + batch_size))

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

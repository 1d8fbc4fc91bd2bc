"""Ensembles and their results: in-process batches and the run directory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from angang.runner.ensemble import DEFAULT_BATCH, Ensemble, run_ensemble
from angang.scenario.loader import load


def run(scenario: str | Path, runs: int = 32, seed: int = 1, out: Path | str | None = None,
        batch_size: int = DEFAULT_BATCH, scale: float | None = None, overwrite: bool = False,
        progress: Callable[[int, int], None] | None = None, workers: int = 1) -> Ensemble:
    """Load a scenario, run an ensemble and, if ``out`` is given, write its run directory."""
    from angang.runner.store import write_run

    loaded = load(scenario)
    ensemble = run_ensemble(loaded, runs=runs, seed=seed, batch_size=batch_size, scale=scale,
                            progress=progress, workers=workers)
    if out is not None:
        write_run(Path(out), ensemble, batch_size=batch_size, overwrite=overwrite)
    return ensemble


__all__ = ["Ensemble", "run", "run_ensemble"]

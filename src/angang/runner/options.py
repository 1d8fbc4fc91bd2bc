"""How to run an ensemble, as one object checked once at the boundary.

The command line, the Python API and the dashboard each build a :class:`RunOptions`; the
ensemble, its jobs and the workers take it as it is. What it holds changes what is computed
(runs, seed, scale, the checkpoint year) or only how fast (batch size, workers, backend,
engine): results depend on the first group alone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from angang.errors import AngangError

if TYPE_CHECKING:  # the schema (pydantic) only for types: this module stays cheap to import
    from angang.scenario.schema import Scenario

DEFAULT_RUNS = 64  #: what `make run` and `angang run` use: bands steady to a few percent
DEFAULT_BATCH = 32
BACKENDS = ("local", "dask")
#: enterprise agents per cell, as a multiplier of the scenario's slots: above 0, at most 100
MAX_SCALE = 100.0


@dataclass(frozen=True)
class RunOptions:
    """An ensemble's settings. ``scale=None`` means the scenario's own; ``workers=0`` one
    process per core; ``scheduler`` a Dask scheduler's address (with ``backend="dask"``)."""

    runs: int = DEFAULT_RUNS
    seed: int = 1
    batch_size: int = DEFAULT_BATCH
    scale: float | None = None
    workers: int = 1
    backend: str = "local"
    scheduler: str | None = None
    checkpoint_at: int | None = None
    engine: str = "numba"

    def checked(self, scenario: Scenario) -> RunOptions:
        """These options with the scale resolved, or an error naming the option at fault and
        what it expects (the command line's spelling, which the API's keywords follow)."""
        from angang.model.loop import ENGINES

        if self.engine not in ENGINES:
            raise AngangError(f"--engine must be one of {', '.join(ENGINES)}, got {self.engine!r}.")
        if self.backend not in BACKENDS:
            raise AngangError(
                f"--backend must be one of {', '.join(BACKENDS)}, got {self.backend!r}."
            )
        if self.scheduler is not None and self.backend != "dask":
            raise AngangError("--scheduler needs --backend dask.")
        if self.scheduler is not None:
            from angang.runner.cluster import check_address

            check_address(self.scheduler)
        if self.runs < 1:
            raise AngangError(f"--runs must be at least 1, got {self.runs}.")
        if self.batch_size < 1:
            raise AngangError(f"--batch-size must be at least 1, got {self.batch_size}.")
        if self.seed < 0:
            raise AngangError(f"--seed must be a non-negative integer, got {self.seed}.")
        if self.workers < 0:
            raise AngangError(f"--workers must be 0 (all cores) or more, got {self.workers}.")
        scale = self.scale_for(scenario)
        if not 0 < scale <= MAX_SCALE:
            raise AngangError(
                f"--scale must be above 0 and at most {MAX_SCALE:g} (enterprise agents per "
                f"cell, a multiplier of the scenario's slots), got {scale}."
            )
        first, last = scenario.meta.start_year, scenario.meta.end_year
        if self.checkpoint_at is not None and not first < self.checkpoint_at <= last:
            raise AngangError(
                f"--checkpoint-at must be a year after {first} and no later than "
                f"{last}, got {self.checkpoint_at}."
            )
        return replace(self, scale=scale)

    def scale_for(self, scenario: Scenario) -> float:
        """The agent scale these options run ``scenario`` at: their own, or the scenario's."""
        return float(scenario.initial.scale if self.scale is None else self.scale)

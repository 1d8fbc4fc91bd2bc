"""The yearly loop: one visible schedule of pure mechanism steps, run for a batch of runs."""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from angang.engine.checkpoint import Snapshot
from angang.engine.memory import keep_freed_memory
from angang.engine.rng import CompiledStreams, Streams
from angang.engine.state import Params, State, initial_state, owned
from angang.engine.world import World, make_world
from angang.mechanisms import (
    campaigns,
    disorder,
    food,
    investment,
    labour,
    local_politics,
    ownership,
    planning,
    production,
    projects,
    regimes,
    rehabilitation,
    technology,
)
from angang.model.observe import Totals, observe, totals
from angang.scenario.schema import Scenario

Step = Callable[[State, World, Params, Streams], State]

#: The order of a simulated year. Read it top to bottom: the year's inputs, who owns what,
#: which plant is moved inland, who controls it and how much disorder that breeds, what
#: technology it has, what the harvest allows, what small plants a campaign throws up, how
#: hard people work and who is hired or keeps their job (on last year's accounts), what is
#: produced, what is reported and planned, and what is readied for next year: damaged plant
#: restored, key-point projects built, then the rest of investment.
SCHEDULE: tuple[Step, ...] = (
    planning.new_plan_year,
    regimes.step,
    ownership.step,
    investment.relocate,
    local_politics.step,
    disorder.step,
    technology.step,
    food.step,
    campaigns.step,
    labour.mobilize,
    labour.employ,
    production.step,
    planning.step,
    rehabilitation.step,
    projects.step,
    investment.step,
)
#: the engines a run can use: the NumPy reference, or the same schedule with the per-slot
#: loops compiled (:mod:`angang.model.kernels`; identical results, tested)
ENGINES = ("numba", "numpy")


def schedule(engine: str = "numba") -> tuple[Step, ...]:
    """The year's steps for ``engine``: :data:`SCHEDULE`, its loops compiled for "numba"."""
    if engine == "numpy":
        return SCHEDULE
    if engine != "numba":
        raise ValueError(f"engine: expected one of {', '.join(ENGINES)}, got {engine!r}")
    from angang.model import kernels

    compiled: dict[Step, Step] = {
        investment.step: functools.partial(
            investment.step, build=kernels.build_all, sums=kernels.investment_sums
        ),
        technology.step: kernels.technology_step,
        planning.new_plan_year: kernels.new_plan_year,
        disorder.step: kernels.disorder_step,
        labour.mobilize: kernels.mobilize,
        labour.employ: kernels.employ,
        planning.step: kernels.planning_step,
        production.step: kernels.production_step,
        rehabilitation.step: kernels.rehabilitation_step,
        local_politics.step: kernels.local_politics_step,
    }
    return tuple(compiled.get(step, step) for step in SCHEDULE)


def year_totals(engine: str = "numba") -> Callable[[State, World], Totals]:
    """The sums over plants a year's record is built from, for ``engine``: the NumPy
    :func:`~angang.model.observe.totals` or its compiled twin (the same numbers)."""
    if engine == "numpy":
        return totals
    from angang.model import kernels

    return kernels.observe_totals


@dataclass(frozen=True)
class BatchResult:
    """A batch's records: arrays (B, T, E) per variable, with their entity names."""

    run_ids: np.ndarray
    years: np.ndarray
    records: dict[str, tuple[list[str], np.ndarray]]
    enterprise_years: np.ndarray  #: float (B,): active enterprise-years per run
    snapshot: Snapshot | None = None  #: the batch at the checkpoint year, if one was asked for

    def columns(self) -> tuple[list[str], list[str], dict[str, np.ndarray]]:
        """The long form's columns, built once from the arrays: the variables' and entities'
        names (sorted: the same for every batch of a scenario) and ``run``, ``year``,
        ``variable`` and ``entity`` (codes into those names) and ``value``, in the order
        variable, run, year, entity. :meth:`to_frame` and the run directory's Parquet
        (:func:`angang.runner.files.records_table`) are both made from them."""
        names = sorted(self.records)
        entities = sorted({e for name in names for e in self.records[name][0]})
        code = {e: i for i, e in enumerate(entities)}
        runs, years, variables, ents, values = [], [], [], [], []
        for v, name in enumerate(names):
            these, arr = self.records[name]
            b, t, e = arr.shape
            runs.append(np.repeat(self.run_ids, t * e))
            years.append(np.tile(np.repeat(self.years, e), b))
            variables.append(np.full(b * t * e, v, dtype=np.int16))
            ents.append(np.tile(np.array([code[x] for x in these], dtype=np.int32), b * t))
            values.append(arr.reshape(-1))
        return (
            names,
            entities,
            {
                "run": np.concatenate(runs).astype(np.int64),
                "year": np.concatenate(years).astype(np.int64),
                "variable": np.concatenate(variables),
                "entity": np.concatenate(ents),
                "value": np.concatenate(values),
            },
        )

    def to_frame(self) -> pd.DataFrame:
        """Tidy long form: run, year, variable, entity, value. ``variable`` and ``entity``
        are categoricals (sorted categories, the same for every batch of a scenario, so
        batches concatenate as categoricals): cheap to build and filter on."""
        names, entities, columns = self.columns()
        return pd.DataFrame(
            {
                "run": columns["run"],
                "year": columns["year"],
                "variable": pd.Categorical.from_codes(columns["variable"], pd.Index(names)),
                "entity": pd.Categorical.from_codes(columns["entity"], pd.Index(entities)),
                "value": columns["value"],
            }
        )


def simulate(
    scenario: Scenario,
    run_ids: np.ndarray,
    seed: int,
    params: Params | None = None,
    scale: float | None = None,
    world: World | None = None,
    on_year: Callable[[int], None] | None = None,
    checkpoint_at: int | None = None,
    start_from: Snapshot | None = None,
    engine: str = "numba",
) -> BatchResult:
    """Run a batch of runs (ids ``run_ids`` of the ensemble with root ``seed``) to the end.

    ``checkpoint_at`` keeps a snapshot of the batch at the start of that year;
    ``start_from`` continues a snapshot (whose branching the caller has checked) instead of
    starting in the first year; ``engine`` (:data:`ENGINES`) never changes a result.
    """
    keep_freed_memory()  # each year's arrays reuse the last year's memory (engine.memory)
    steps = schedule(engine)
    sums = year_totals(engine)
    run_ids = np.asarray(run_ids, dtype=np.int64)
    world = world or make_world(scenario, scale)
    params = params or Params.repeat(scenario.parameters, run_ids.size)
    # the compiled engine draws the same numbers in compiled loops (engine.rng)
    rng = (CompiledStreams if engine == "numba" else Streams)(seed, run_ids)
    years = world.timeline.years
    rows: dict[str, list[np.ndarray]] = {}
    entities: dict[str, list[str]] = {}
    if start_from is None:
        state = initial_state(scenario, world, params, run_ids.size)
        enterprise_years = np.zeros(run_ids.size)
    else:
        if start_from.seed != seed or not np.array_equal(start_from.run_ids, run_ids):
            raise ValueError("a snapshot continues only its own runs and seed")
        state = copy.deepcopy(start_from.state_for(world))  # it may seed several branches
        enterprise_years = start_from.enterprise_years.copy()
        rng.restore(start_from.rng)
        rows = {k: list(v) for k, v in start_from.rows.items()}
        entities = dict(start_from.entities)
        years = years[years >= start_from.year]
    # the compiled engine's steps change the state's arrays in place (no earlier state is
    # kept); the reference's stay pure, and the two are tested to give the same numbers
    state = owned(state, engine == "numba")
    snapshot = None
    for year in years:
        if year == checkpoint_at:
            snapshot = Snapshot(
                int(year),
                seed,
                run_ids,
                owned(copy.deepcopy(state), False),
                rng.positions(),
                {k: list(v) for k, v in rows.items()},
                dict(entities),
                enterprise_years.copy(),
                world.projects.ids,
            )
        for step in steps:
            state = step(state, world, params, rng)
        year_sums = sums(state, world)
        for name, (ents, values) in observe(state, world, year_sums).items():
            rows.setdefault(name, []).append(values)
            entities[name] = ents
        enterprise_years += year_sums.plants[:, 0]
        if on_year is not None:
            on_year(int(year))
    records = {k: (entities[k], np.stack(v, axis=1)) for k, v in rows.items()}
    return BatchResult(run_ids, world.timeline.years, records, enterprise_years, snapshot)

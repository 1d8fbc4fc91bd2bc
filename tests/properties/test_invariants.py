"""Invariants that must hold for any seed and any parameters inside their ranges."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from angang.engine.rng import Streams
from angang.engine.state import NEW_ENTERPRISE, Params, initial_state
from angang.engine.world import make_world
from angang.model.loop import SCHEDULE, simulate
from angang.model.observe import observe
from angang.scenario import Parameters, parameter_table
from angang.scenario.schema import Scenario
from angang.testing import assert_shares_valid, assert_state_consistent

SMALL = 0.04


@st.composite
def parameters(draw: st.DrawFn) -> Parameters:
    """Any parameter vector inside the documented plausible ranges."""
    values = {
        row["name"]: draw(st.floats(row["low"], row["high"], allow_nan=False))
        for row in parameter_table()
    }
    return Parameters(**values)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params=parameters(), seed=st.integers(0, 2**32 - 1))
def test_state_invariants_hold_every_year(
    baseline: Scenario, params: Parameters, seed: int
) -> None:
    """Stocks, output, headcounts are non-negative, output ≤ capacity, shares in [0, 1]."""
    scenario = baseline.model_copy(update={"parameters": params})
    world = make_world(scenario, SMALL)
    p = Params.repeat(params, 2)
    rng = Streams(seed, np.arange(2))
    state = initial_state(scenario, world, p, 2)
    for _year in world.timeline.years:
        for step in SCHEDULE:
            state = step(state, world, p, rng)
        assert_state_consistent(state, world)
        record = observe(state, world)
        for name in ("soe_share", "heavy_share"):
            values = record[name][1]
            finite = values[np.isfinite(values)]
            # shares are ratios of sums taken in different orders: allow rounding error
            assert ((finite >= -1e-9) & (finite <= 1 + 1e-9)).all(), (name, finite)


def test_every_plant_founded_starts_as_a_new_enterprise(baseline: Scenario) -> None:
    """Whatever founds it (investment, a campaign, a key-point project, a works' founding),
    a plant in a slot that held none holds a new enterprise's values, also where a closed
    plant left others (which happens: the test requires it)."""
    world = make_world(baseline, 0.3)
    p = Params.repeat(baseline.parameters, 2)
    rng = Streams(3, np.arange(2))
    state = initial_state(baseline, world, p, 2)
    used = state.active.copy()
    founders, reused = set(), 0
    for _year in world.timeline.years:
        for step in SCHEDULE:
            before = state
            state = step(state, world, p, rng)
            opened = state.active & ~before.active
            if not opened.any():
                continue
            founders.add(step.__module__.rsplit(".", 1)[-1])
            reused += int((opened & used).sum())
            for name, value in NEW_ENTERPRISE.items():
                assert np.all(getattr(state, name)[opened] == value), (step.__module__, name)
            runs = np.nonzero(opened)[0]
            assert np.array_equal(state.director_power[opened], p.director_power_initial[runs, 0])
            used |= state.active
    assert reused > 0
    assert {"investment", "campaigns", "projects", "regimes"} <= founders, founders


def test_series_shares_lie_in_unit_interval(baseline: Scenario) -> None:
    """Every recorded share of a default run lies in [0, 1]."""
    frame = simulate(baseline, np.arange(3), seed=5, scale=SMALL).to_frame()
    assert_shares_valid(frame)
    assert (
        frame[frame["variable"].isin(["steel_output", "employment", "enterprises"])]["value"] >= 0
    ).all()


def test_first_runs_of_a_larger_ensemble_are_the_smaller_ensemble(baseline: Scenario) -> None:
    """The first 4 runs of --runs 8 --seed 7 equal --runs 4 --seed 7 exactly."""
    small = simulate(baseline, np.arange(4), seed=7, scale=SMALL).to_frame()
    large = simulate(baseline, np.arange(8), seed=7, scale=SMALL).to_frame()
    pd.testing.assert_frame_equal(small, large[large["run"] < 4].reset_index(drop=True))


@settings(max_examples=4, deadline=None)
@given(first=st.integers(0, 20), seed=st.integers(0, 10_000))
def test_a_run_depends_only_on_its_index_and_seed(
    baseline: Scenario, first: int, seed: int
) -> None:
    """Run i computed alone equals run i computed inside any batch."""
    batch = simulate(baseline, np.arange(first, first + 3), seed=seed, scale=SMALL).to_frame()
    alone = simulate(baseline, np.array([first + 1]), seed=seed, scale=SMALL).to_frame()
    pd.testing.assert_frame_equal(alone, batch[batch["run"] == first + 1].reset_index(drop=True))


def test_different_seeds_give_different_histories(baseline: Scenario) -> None:
    """Two seeds give different steel series (the model is stochastic)."""
    a = simulate(baseline, np.arange(1), seed=1, scale=SMALL).records["steel_output"][1]
    b = simulate(baseline, np.arange(1), seed=2, scale=SMALL).records["steel_output"][1]
    assert not np.array_equal(a, b)


def test_worker_processes_do_not_change_results() -> None:
    """An ensemble run on two worker processes equals the same ensemble run in-process."""
    from angang.runner.ensemble import run_ensemble
    from angang.runner.options import RunOptions
    from angang.scenario import load

    loaded = load("baseline")
    one = run_ensemble(
        loaded, RunOptions(runs=4, seed=9, batch_size=2, scale=SMALL, workers=1)
    ).series
    two = run_ensemble(
        loaded, RunOptions(runs=4, seed=9, batch_size=2, scale=SMALL, workers=2)
    ).series
    pd.testing.assert_frame_equal(one, two)

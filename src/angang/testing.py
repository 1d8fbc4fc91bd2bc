"""Assertion helpers for tests of angang and of models built on it.

``assert_state_consistent`` checks the invariants every state must hold; ``small_setup``
builds a small world and initial state from a scenario for mechanism tests.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from angang.engine.rng import Streams
from angang.engine.state import Params, State, initial_state
from angang.engine.world import World, make_world
from angang.ids import OWNERS, RULERS
from angang.scenario.loader import load_scenario
from angang.scenario.schema import Scenario

TOLERANCE = 1e-9


def assert_state_consistent(state: State, world: World) -> None:
    """Raise AssertionError naming the first broken invariant of ``state``."""
    n = world.layout.n
    checks = {
        "capacity is non-negative": (state.capacity >= 0).all(),
        "output is non-negative": (state.output >= 0).all(),
        "reported output is non-negative": (state.reported >= 0).all(),
        "targets are non-negative": (state.target >= 0).all(),
        "true output never exceeds capacity": (state.output <= state.capacity + TOLERANCE).all(),
        "workforce is non-negative": (state.workforce >= 0).all(),
        "inactive slots hold no capacity": (state.capacity[~state.active] == 0).all()
        or np.allclose(state.capacity[~state.active], 0),
        "inactive slots produce nothing": (state.output[~state.active] == 0).all(),
        "wear lies in [0, 0.9]": ((state.wear >= 0) & (state.wear <= 0.9)).all(),
        "technology lies in [0, 1]": ((state.tech >= 0) & (state.tech <= 1 + TOLERANCE)).all(),
        "director power lies in [0, 1]": (
            (state.director_power >= 0) & (state.director_power <= 1)
        ).all(),
        "owners are valid codes": ((state.owner >= 0) & (state.owner < len(OWNERS))).all(),
        "rulers are valid codes": ((state.ruler >= 0) & (state.ruler < len(RULERS))).all(),
        "levers lie in [0, 1]": ((state.levers >= 0) & (state.levers <= 1)).all(),
        "shortages lie in [0, 1]": ((state.shortage >= 0) & (state.shortage <= 1)).all(),
        "enterprise axis has N slots": state.capacity.shape[1] == n,
        "provenance shares add up to 1": np.allclose(state.provenance.sum(axis=2), 1.0),
    }
    for name, ok in checks.items():
        if not bool(ok):
            raise AssertionError(f"state of year {state.year} breaks the invariant: {name}")


def assert_shares_valid(series: pd.DataFrame) -> None:
    """Every *_share variable of a tidy series lies in [0, 1] (NaN allowed)."""
    shares = series[series["variable"].astype(str).str.endswith("_share")]
    bad = shares[(shares["value"] < -TOLERANCE) | (shares["value"] > 1 + TOLERANCE)]
    if len(bad):
        row = bad.iloc[0]
        raise AssertionError(
            f"{row['variable']} for {row['entity']} in {row['year']} is "
            f"{row['value']}, outside [0, 1]"
        )


@dataclass(frozen=True)
class Setup:
    """A small world with its parameters, random streams and initial state."""

    scenario: Scenario
    world: World
    params: Params
    rng: Streams
    state: State


def small_setup(
    scenario: str | Scenario = "baseline", runs: int = 3, seed: int = 0, scale: float = 0.05
) -> Setup:
    """A scenario at a small agent scale, ready for a mechanism's step function."""
    sc = load_scenario(scenario) if isinstance(scenario, str) else scenario
    world = make_world(sc, scale)
    params = Params.repeat(sc.parameters, runs)
    rng = Streams(seed, np.arange(runs))
    state = initial_state(sc, world, params, runs)
    return Setup(sc, world, params, rng, state)

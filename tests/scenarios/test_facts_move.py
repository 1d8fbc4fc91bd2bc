"""No calibration fact passes by construction: each moves with the mechanisms' parameters.

A fact that is an identity of the inputs (two alliance strengths, a founding capacity) would
read the same whatever the calibrated parameters are; calibration could not fit it and the
scorecard would credit the model with what the timeline already says. For every calibration
fact, moving the calibrated parameters one at a time from the bottom to the top of their
documented ranges must change the fact's statistic in at least one run.
"""

from __future__ import annotations

import numpy as np
import pytest

from angang.analysis.calibration import CALIBRATED, prior_ranges
from angang.analysis.scorecard import verdicts
from angang.data import load_history
from angang.engine.state import Params
from angang.engine.world import make_world
from angang.model.loop import simulate
from angang.scenario import load_scenario

RUNS, SCALE, SEED = 2, 0.3, 5


@pytest.fixture(scope="module")
def statistics() -> dict[str, np.ndarray]:
    """Each fact's per-run statistic at the low and at the high end of every parameter,
    stacked (2 x parameters x runs) per fact id."""
    scenario = load_scenario("baseline")
    world = make_world(scenario, SCALE)
    history = load_history()
    ranges = prior_ranges(CALIBRATED)
    stats: dict[str, list[np.ndarray]] = {}
    for name in CALIBRATED:
        for end in ranges[name]:
            params = Params.from_points(scenario.parameters, [name], np.full((RUNS, 1), end))
            frame = simulate(scenario, np.arange(RUNS), SEED, params=params, world=world).to_frame()
            for row, verdict in verdicts(frame, history):
                stats.setdefault(row["id"], []).append(verdict.stat)
    return {fact: np.stack(values) for fact, values in stats.items()}


def fixed_facts(statistics: dict[str, np.ndarray]) -> list[str]:
    """The facts whose statistic takes a single value (or none) across the sweep."""
    fixed = []
    for fact, values in statistics.items():
        finite = values[np.isfinite(values)]
        if finite.size == 0 or np.ptp(finite) <= 1e-9 * max(1.0, float(np.abs(finite).max())):
            fixed.append(fact)
    return fixed


def test_every_calibration_fact_moves_with_the_parameters(
    statistics: dict[str, np.ndarray],
) -> None:
    """Each calibration fact's statistic takes more than one value across the parameter
    sweep; a fact fixed by the inputs alone fails here by name."""
    history = load_history()
    facts = history.loc[history["use"] == "calibration", "id"].tolist()
    assert sorted(statistics) == sorted(facts)
    assert not fixed_facts(statistics), "facts that no calibrated parameter moves"


def test_an_identity_would_be_caught() -> None:
    """The check can fail: an input identity (a share fixed at 0.551 in every run, as the
    old Japan technology-share fact was) is named, a fact that moves is not."""
    identity = np.full((4, RUNS), 0.551)
    moving = np.array([[0.2, 0.3], [0.25, 0.31], [0.2, 0.3], [0.4, 0.5]])
    nan_only = np.full((4, RUNS), np.nan)
    assert fixed_facts({"identity": identity, "moving": moving, "empty": nan_only}) == [
        "identity",
        "empty",
    ]

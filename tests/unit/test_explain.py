"""Counterfactual library, comparison with common random numbers, Shapley attribution and
sensitivity analysis."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from angang.analysis import attribution, compare, outcomes, sensitivity
from angang.cli import app
from angang.errors import AngangError
from angang.scenario import builtin_names, load

COUNTERFACTUALS = (
    "no-sino-soviet-split",
    "one-chief-kept",
    "no-great-leap",
    "no-third-front",
    "no-cultural-revolution",
    "no-soviet-removals",
    "early-opening-to-japan",
    "no-korean-war",
)


@pytest.mark.parametrize("name", COUNTERFACTUALS)
def test_counterfactuals_are_built_in_and_ask_a_question(name: str) -> None:
    """Each counterfactual ships, loads, differs from the baseline and states its question."""
    assert name in builtin_names()
    loaded = load(name)
    assert loaded.scenario.meta.question
    assert loaded.content_hash != load("baseline").content_hash


def test_moved_dates_carry_their_grounds() -> None:
    """The early opening moves the rapprochement to 1965 and says why."""
    event = load("early-opening-to-japan").scenario.event("sino-us-rapprochement-1972")
    assert event.year == 1965 and "King" in event.source and "moved from 1972" in event.source


def test_outcome_specs() -> None:
    """Outcome strings parse, default to china, and bad ones are explained."""
    o = outcomes.parse("tech_provenance:china:ussr@1961-1965")
    assert (o.variable, o.entity, o.first, o.last) == ("tech_provenance", "china:ussr", 1961, 1965)
    assert outcomes.parse("soe_share").entity == "china"
    for bad in ("steel output", "no_such_var:china", "steel_output@1970-1960"):
        with pytest.raises(AngangError, match="--outcome"):
            outcomes.parse(bad)


def test_common_random_numbers_make_identical_scenarios_differ_by_nothing() -> None:
    """Comparing the baseline with itself gives exactly zero in every run."""
    result = compare.compare(
        "baseline", "baseline", ["steel_output:china@1960"], runs=3, scale=0.05
    )
    assert (result.per_run["difference"] == 0).all()


def test_comparison_finds_the_leap_and_writes_its_files(tmp_path: Path) -> None:
    """Without the Leap, reported steel in 1958-60 is lower in every run; files are written."""
    result = compare.compare(
        "baseline", "no-great-leap", ["steel_output_reported:china@1958-1960"], runs=4, scale=0.1
    )
    assert (result.per_run["difference"] < 0).all()
    compare.write(result, tmp_path)
    for name in ("comparison.json", "comparison.parquet", "comparison.duckdb", "comparison.png"):
        assert (tmp_path / name).is_file()


def test_shapley_known_answer() -> None:
    """v(S) = sum of a_i + b if players 1 and 2 are both in: phi = a1 + b/2, a2 + b/2, a3."""
    a = {"x": np.array([1.0, 2.0]), "y": np.array([3.0, 0.0]), "z": np.array([5.0, 5.0])}
    b = np.array([4.0, 2.0])

    def value(s: frozenset[str]) -> np.ndarray:
        return sum((a[p] for p in s), np.zeros(2)) + (b if {"x", "y"} <= s else 0.0)

    phi, total, exact, _ = attribution.shapley(["x", "y", "z"], value)
    assert exact
    np.testing.assert_allclose(phi["x"], a["x"] + b / 2)
    np.testing.assert_allclose(phi["y"], a["y"] + b / 2)
    np.testing.assert_allclose(phi["z"], a["z"])
    np.testing.assert_allclose(sum(phi.values()), total)


def test_sampled_shapley_keeps_efficiency() -> None:
    """Beyond the exact limit, sampled orders still add up exactly to the total."""
    players = [f"e{i}" for i in range(12)]
    weights = {p: float(i) for i, p in enumerate(players)}

    def value(s: frozenset[str]) -> np.ndarray:
        base = sum(weights[p] for p in s)
        return np.array([base + (3.0 if {"e1", "e2"} <= s else 0.0)])

    phi, total, exact, _ = attribution.shapley(players, value, samples=50, seed=3)
    assert not exact
    np.testing.assert_allclose(sum(phi.values()), total)
    assert phi["e11"][0] == pytest.approx(11.0)


def test_attribution_on_the_model_adds_up(tmp_path: Path) -> None:
    """On the real model, the events' contributions add up to the total, run by run."""
    result = attribution.attribute(
        "baseline",
        "steel_output:northeast@1975",
        ["soviet-removals-1945", "third-front-1964"],
        runs=3,
        scale=0.05,
    )
    np.testing.assert_allclose(sum(result.per_run.values()), result.total, atol=1e-6)
    summary = result.as_json()
    assert set(summary) >= {"outcome", "total", "contributions", "intervals"}
    attribution.write(result, tmp_path)
    assert (
        json.loads((tmp_path / "attribution.json").read_text())["outcome"]
        == "steel_output:northeast@1975"
    )


def test_attribution_refuses_unknown_events() -> None:
    """An event id the scenario does not have is named in the error."""
    with pytest.raises(AngangError, match="no-such-event"):
        attribution.attribute("baseline", "soe_share@1956", ["no-such-event"], runs=1, scale=0.05)


def test_morris_finds_a_planted_dominant_parameter() -> None:
    """y = 10 x0 + 0.5 x1 + 0 x2: Morris screening ranks x0 first and x2 last."""

    def model(x: np.ndarray) -> np.ndarray:
        return 10 * x[:, 0] + 0.5 * x[:, 1] + 0.0 * x[:, 2]

    frame = sensitivity.analyse(["x0", "x1", "x2"], [(0, 1)] * 3, model, trajectories=8)
    assert list(frame["parameter"]) == ["x0", "x1", "x2"]
    assert frame.loc[2, "mu_star"] == pytest.approx(0.0)


def test_sobol_on_request() -> None:
    """Sobol' total indices rank the same planted parameter first."""
    frame = sensitivity.analyse(
        ["x0", "x1"],
        [(0, 1)] * 2,
        lambda x: 5 * x[:, 0] + 0.1 * x[:, 1],
        method="sobol",
        trajectories=64,
    )
    assert frame.loc[0, "parameter"] == "x0" and frame.loc[0, "ST"] > 0.9


def test_sensitivity_of_the_model_and_cli_json(tmp_path: Path) -> None:
    """The CLI runs Morris on the model and prints the indices per parameter as JSON."""
    result = CliRunner().invoke(
        app,
        [
            "sensitivity",
            "--outcome",
            "steel_output:china@1965",
            "--parameters",
            "capital_productivity,wear_rate",
            "--trajectories",
            "2",
            "--scale",
            "0.05",
            "--out",
            str(tmp_path),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output.strip().splitlines()[-1])
    assert {r["parameter"] for r in data["indices"]} == {"capital_productivity", "wear_rate"}
    assert (tmp_path / "sensitivity.png").is_file()
    indices = pd.read_csv(tmp_path / "sensitivity.csv")
    assert indices.loc[0, "parameter"] == "capital_productivity"


def test_cli_attribute_json(tmp_path: Path) -> None:
    """`angang attribute --json` prints outcome, total, contributions and intervals."""
    result = CliRunner().invoke(
        app,
        [
            "attribute",
            "baseline",
            "--outcome",
            "steel_output:china@1960",
            "--events",
            "great-leap-forward-1958",
            "--runs",
            "2",
            "--scale",
            "0.05",
            "--out",
            str(tmp_path),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output.strip().splitlines()[-1])
    assert data["contributions"]["great-leap-forward-1958"] == pytest.approx(data["total"])

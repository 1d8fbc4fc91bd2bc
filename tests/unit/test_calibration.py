"""Calibration: ABC-SMC recovers a known parameter of a toy model; honest spread; files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from angang.analysis import calibration
from angang.scenario import load, load_scenario

pytest.importorskip("elfi")
pytestmark = pytest.mark.filterwarnings("ignore")


def toy(
    theta: np.ndarray,
    noise: np.ndarray,
    batch_size: int = 1,
    random_state: np.random.RandomState | None = None,
) -> np.ndarray:
    """Errors of a model whose output is theta (+ noise); the truth is theta = 0.3, and
    'noise' does not affect the output at all."""
    rs = random_state or np.random.RandomState(0)
    x = np.atleast_1d(theta) + rs.normal(0.0, 0.02, batch_size)
    return ((x - 0.3) / 0.05)[:, None]


@pytest.fixture(scope="module")
def posterior() -> calibration.Posterior:
    """A small ABC-SMC run on the toy model."""
    return calibration.calibrate(
        None,
        simulator=toy,
        facts=1,
        population=150,
        generations=4,
        batch_size=75,
        seed=7,
        ranges={"theta": (0.0, 1.0), "noise": (0.0, 1.0)},
    )


def test_recovers_the_known_parameter(posterior: calibration.Posterior) -> None:
    """The posterior median of theta lies near 0.3 and its interval is narrow."""
    row = posterior.summary.set_index("parameter").loc["theta"]
    assert abs(row["median"] - 0.3) < 0.05
    assert row["pinned_down"]


def test_says_when_the_data_do_not_pin_a_parameter(posterior: calibration.Posterior) -> None:
    """A parameter the output does not depend on keeps a wide interval, reported as such."""
    row = posterior.summary.set_index("parameter").loc["noise"]
    assert not row["pinned_down"] and row["interval_share_of_prior"] > 0.6


def test_weights_and_provenance(posterior: calibration.Posterior) -> None:
    """Weights sum to one; provenance names method, simulations, seed and date."""
    assert posterior.samples["weight"].sum() == pytest.approx(1.0)
    for key in ("method", "simulations", "seed", "date", "priors", "targets"):
        assert key in posterior.provenance
    assert posterior.provenance["simulations"] >= 150


def test_parameter_file_is_read_by_a_scenario(
    posterior: calibration.Posterior, tmp_path: Path
) -> None:
    """A scenario naming a parameter file takes its values and records its provenance."""
    real = calibration.Posterior(
        posterior.samples.rename(columns={"theta": "ratchet", "noise": "overreport"}),
        posterior.summary.replace({"theta": "ratchet", "noise": "overreport"}),
        posterior.provenance,
    )
    calibration.write(real, tmp_path)
    base = (
        Path(calibration.__file__).parents[1] / "scenario" / "builtin" / "baseline.toml"
    ).read_text()
    base = "\n".join(line for line in base.splitlines() if not line.startswith("parameters_file"))
    (tmp_path / "s.toml").write_text('parameters_file = "calibration.toml"\n' + base)
    loaded = load(tmp_path / "s.toml")
    expected = calibration.point_estimate(real)["ratchet"]
    assert loaded.scenario.parameters.ratchet == pytest.approx(expected, abs=1e-6)
    assert loaded.scenario.calibration is not None
    assert loaded.scenario.calibration["seed"] == 7
    assert (tmp_path / "posterior.parquet").is_file()
    assert (tmp_path / "posterior_summary.csv").is_file()


def test_engine_simulator_returns_one_error_per_fact() -> None:
    """The batched simulator maps B parameter vectors to B rows of finite errors."""
    from angang.data import load_history

    history = load_history()
    sim = calibration.batch_discrepancy(
        load_scenario("baseline"), ["capital_productivity"], 0.05, history
    )
    errors = sim(np.array([1.0, 3.0]), batch_size=2, random_state=np.random.RandomState(1))
    assert errors.shape == (2, int((history["use"] == "calibration").sum()))
    assert np.isfinite(errors).all() and not np.allclose(errors[0], errors[1])


def test_search_points_batched_together_cost_what_each_costs_alone() -> None:
    """The search runs its points' runs in one batch: each point's cost is, to the last bit,
    the cost of its runs simulated alone (a run depends on its parameters, seed and number,
    not on its batch), and the points differ."""
    scenario = load_scenario("baseline")
    names = ("capital_productivity", "heavy_bias")
    points = np.array([[1.5, 0.2], [3.0, 0.6], [2.2, 0.4]])
    together = calibration._points_cost((scenario, names, 0.05, points, 4))
    alone = [calibration._points_cost((scenario, names, 0.05, p[None, :], 4))[0] for p in points]
    assert together == alone
    assert len(set(together)) == 3


def test_unknown_parameter_is_refused() -> None:
    """Naming a parameter that does not exist is a clear error."""
    from angang.errors import AngangError

    with pytest.raises(AngangError, match="unknown parameter"):
        calibration.prior_ranges(["no_such_parameter"])

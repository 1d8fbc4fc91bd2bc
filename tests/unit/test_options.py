"""Run options: one object, checked once, the same defaults on every path."""

from __future__ import annotations

import inspect

import pytest

from angang.cli import run as cli_run
from angang.engine.world import LEVER, Levers
from angang.errors import AngangError
from angang.runner import run
from angang.runner.options import DEFAULT_RUNS, MAX_SCALE, RunOptions
from angang.scenario import load_scenario
from angang.scenario.schema import LEVERS


@pytest.fixture(scope="module")
def baseline():  # type: ignore[no-untyped-def]
    return load_scenario("baseline")


def test_checked_resolves_the_scenarios_scale(baseline) -> None:  # type: ignore[no-untyped-def]
    assert RunOptions().checked(baseline).scale == baseline.initial.scale
    assert RunOptions(scale=0.3).checked(baseline).scale == 0.3


@pytest.mark.parametrize(
    ("settings", "option"),
    [
        ({"runs": 0}, "--runs"),
        ({"seed": -1}, "--seed"),
        ({"batch_size": 0}, "--batch-size"),
        ({"workers": -2}, "--workers"),
        ({"scale": 0.0}, "--scale"),
        ({"scale": MAX_SCALE * 1.01}, "--scale"),
        ({"engine": "jax"}, "--engine"),
        ({"backend": "slurm"}, "--backend"),
        ({"scheduler": "tcp://127.0.0.1:8786"}, "--scheduler"),
        ({"checkpoint_at": 1800}, "--checkpoint-at"),
    ],
)
def test_each_bad_option_is_named(baseline, settings, option) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AngangError, match=option):
        RunOptions(**settings).checked(baseline)


def test_the_command_line_and_the_api_share_their_defaults() -> None:
    defaults = {
        name: p.default.default if hasattr(p.default, "default") else p.default
        for name, p in inspect.signature(cli_run).parameters.items()
    }
    assert defaults["runs"] == DEFAULT_RUNS == RunOptions().runs
    assert defaults["batch_size"] == RunOptions().batch_size
    assert defaults["seed"] == RunOptions().seed
    assert defaults["engine"] == RunOptions().engine


def test_run_refuses_a_setting_it_does_not_know() -> None:
    with pytest.raises(TypeError, match="runz"):
        run("baseline", runz=3)


def test_levers_enum_follows_the_schema() -> None:
    assert [lever.name.lower() for lever in Levers] == list(LEVERS)
    assert all(LEVER[lever.name.lower()] == lever for lever in Levers)

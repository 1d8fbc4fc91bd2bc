"""Shared fixtures: the baseline scenario, small worlds and a CLI runner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from angang.scenario import load_scenario
from angang.scenario.schema import Scenario

# CI runs property tests with a fixed example sequence, so a green main stays green; locally
# hypothesis explores new examples each run and remembers failures in .hypothesis/.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def baseline() -> Scenario:
    """The built-in baseline scenario, loaded once."""
    return load_scenario("baseline")


@pytest.fixture
def cli() -> CliRunner:
    """A runner for the typer app that keeps stdout and stderr apart."""
    return CliRunner()


def write(tmp_path: Path, name: str, text: str) -> Path:
    """Write a scenario file for a test and return its path."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path

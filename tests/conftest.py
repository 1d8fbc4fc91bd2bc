"""Shared fixtures: the baseline scenario, small worlds and a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from angang.scenario import load_scenario
from angang.scenario.schema import Scenario


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

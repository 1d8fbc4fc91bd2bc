"""Scenarios: the pydantic schema, TOML loading with clear errors, built-ins and patches."""

from angang.scenario.loader import Loaded, builtin_names, load, load_scenario, scenario_hash
from angang.scenario.parameters import Parameters, parameter_table
from angang.scenario.schema import Scenario

__all__ = [
    "Loaded",
    "Parameters",
    "Scenario",
    "builtin_names",
    "load",
    "load_scenario",
    "parameter_table",
    "scenario_hash",
]

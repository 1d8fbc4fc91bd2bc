"""The ODD document's generated tables are in sync with the code."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from angang import docs
from angang.engine.state import NEW_ENTERPRISE, State
from angang.scenario import parameter_table

ODD = Path(__file__).resolve().parents[2] / "docs" / "ODD.md"


def test_odd_generated_blocks_are_current() -> None:
    """Regenerating docs/ODD.md changes nothing (run `make docs` if this fails)."""
    text = ODD.read_text(encoding="utf-8")
    assert docs.render(text) == text


def test_every_state_field_and_parameter_is_documented() -> None:
    """The generated state table has a row per State field; the parameter table per parameter."""
    state_rows = docs.state_variables().count("\n| `")
    assert state_rows == len(dataclasses.fields(State))
    assert docs.parameters().count("\n| `") == len(parameter_table())


def test_a_new_enterprises_values_are_the_ones_documented() -> None:
    """docs/ODD.md's paragraph on new enterprises gives every value the code starts them with."""
    text = " ".join(ODD.read_text(encoding="utf-8").split())
    for name, value in NEW_ENTERPRISE.items():
        assert f"`{name}` {value:g}" in text, name

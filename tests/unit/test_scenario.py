"""The baseline scenario and the scenario format."""

from __future__ import annotations

from pathlib import Path

import pytest

from angang.errors import ScenarioError
from angang.ids import REGIONS, SECTORS, WORKS
from angang.scenario import builtin_names, load, load_scenario, parameter_table
from angang.scenario.schema import EVENT_KINDS, FoundingEvent, Scenario

REQUIRED_IDS = (
    "anshan-ironworks-1916",
    "manchukuo-1932",
    "showa-steelworks-1933",
    "manchukuo-five-year-plan-1937",
    "sino-japanese-war-1937",
    "soviet-occupation-1945",
    "soviet-removals-1945",
    "nationalist-takeover-1946",
    "ccp-takeover-1948",
    "prc-founding-1949",
    "greater-regions-1949",
    "korean-war-1950",
    "japanese-repatriation-1953",
    "first-five-year-plan-1953",
    "one-chief-system-1953",
    "greater-regions-abolished-1954",
    "one-chief-abandoned-1956",
    "hundred-flowers-1957",
    "anti-rightist-1957",
    "great-leap-forward-1958",
    "angang-anshan-merger-1958",
    "angang-constitution-1960",
    "sino-soviet-split-1960",
    "soviet-experts-withdrawn-1960",
    "adjustment-1961",
    "third-front-1964",
    "cultural-revolution-1966",
    "border-clashes-1969",
    "sino-us-rapprochement-1972",
    "japan-normalization-1972",
    "reform-1978",
    "baosteel-1978",
    "director-responsibility-1984",
    "grasp-large-let-go-small-1995",
)


def test_baseline_has_every_required_event(baseline: Scenario) -> None:
    """Every event id the documentation relies on exists in the baseline."""
    ids = {e.id for e in baseline.events}
    missing = [i for i in REQUIRED_IDS if i not in ids]
    assert missing == []


def test_every_event_is_sourced_and_dated_in_range(baseline: Scenario) -> None:
    """Every baseline event names a source and lies between 1900 and 2010."""
    for e in baseline.events:
        assert len(e.source.strip()) >= 10, e.id
        assert 1900 <= e.year <= 2010


def test_every_named_works_is_founded(baseline: Scenario) -> None:
    """The baseline founds each of the nine named works exactly once."""
    founded = sorted(e.work for e in baseline.events if isinstance(e, FoundingEvent))
    assert founded == sorted(WORKS)


def test_baseline_covers_all_event_kinds_but_none_unknown(baseline: Scenario) -> None:
    """The baseline uses only known kinds and exercises most of them."""
    kinds = {e.kind for e in baseline.events}  # type: ignore[attr-defined]
    assert kinds <= set(EVENT_KINDS)
    assert len(kinds) >= 9


def test_initial_conditions_cover_all_regions_and_sectors(baseline: Scenario) -> None:
    """Regions and sectors in the initial conditions are exactly the fixed ids."""
    assert tuple(baseline.initial.regions) == REGIONS
    assert set(baseline.initial.sectors) == set(SECTORS)


def test_builtins_include_baseline() -> None:
    """The baseline ships inside the package."""
    assert "baseline" in builtin_names()


def test_hash_is_stable_and_content_sensitive(tmp_path: Path) -> None:
    """Same content gives the same hash; a changed parameter changes it."""
    a = load("baseline").content_hash
    assert a == load("baseline").content_hash
    patch = tmp_path / "p.toml"
    patch.write_text('extends = "baseline"\n[parameters]\nratchet = 0.3\n')
    assert load(patch).content_hash != a


def test_parameter_table_is_generated_from_the_schema() -> None:
    """Each parameter row carries a default inside its range, a unit, a meaning and a source."""
    rows = parameter_table()
    assert len(rows) >= 20
    for row in rows:
        assert row["low"] <= row["default"] <= row["high"], row["name"]
        assert row["unit"] and row["meaning"] and row["source"]


def test_unknown_scenario_name_suggests_close_matches() -> None:
    """A misspelt built-in name is an error that proposes the right one."""
    with pytest.raises(ScenarioError, match="Did you mean baseline"):
        load_scenario("baselin")

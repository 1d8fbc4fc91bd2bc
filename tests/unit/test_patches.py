"""Counterfactual patches: extends, remove, move, change, added events and parameters."""

from __future__ import annotations

from pathlib import Path

import pytest

from angang.errors import ScenarioError
from angang.scenario import load_scenario
from angang.scenario.schema import PolicyEvent, Scenario

from ..conftest import write


def test_remove_drops_only_the_named_events(tmp_path: Path, baseline: Scenario) -> None:
    """Removing two events leaves every other event in place."""
    p = write(
        tmp_path,
        "cf.toml",
        'extends = "baseline"\n'
        'remove = ["sino-soviet-split-1960", "soviet-experts-withdrawn-1960"]\n'
        '[meta]\nname = "no-split"\n',
    )
    sc = load_scenario(p)
    ids = {e.id for e in sc.events}
    assert "sino-soviet-split-1960" not in ids and "soviet-experts-withdrawn-1960" not in ids
    assert len(sc.events) == len(baseline.events) - 2
    assert sc.meta.name == "no-split"


def test_move_and_change(tmp_path: Path) -> None:
    """Move changes an event's date; change sets its arguments and revalidates them."""
    p = write(
        tmp_path,
        "cf.toml",
        'extends = "baseline"\n'
        '[[move]]\nid = "sino-us-rapprochement-1972"\nyear = 1965\nmonth = 3\n'
        'source = "hypothesis: test"\n'
        '[[change]]\nid = "great-leap-forward-1958"\n'
        "set = { levers = { campaign_intensity = 0.5 }, until = 1959 }\n",
    )
    sc = load_scenario(p)
    moved = sc.event("sino-us-rapprochement-1972")
    assert (moved.year, moved.month) == (1965, 3)
    assert moved.source.startswith("hypothesis: test [moved from 1972")
    glf = sc.event("great-leap-forward-1958")
    assert isinstance(glf, PolicyEvent) and glf.until == 1959
    assert glf.levers["campaign_intensity"] == 0.5
    assert glf.levers["heavy_priority"] == 1.0  # the rest of the decision is kept


def test_change_to_invalid_value_names_the_patch_field(tmp_path: Path) -> None:
    """A change that breaks the event's schema is reported at change[i].set.FIELD."""
    p = write(
        tmp_path,
        "cf.toml",
        'extends = "baseline"\n'
        '[[change]]\nid = "great-leap-forward-1958"\n'
        "set = { levers = { campaign_intensity = 1.5 } }\n",
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(p)
    assert "change[0].set.levers.campaign_intensity" in str(info.value)
    assert "less than or equal to 1" in str(info.value)


def test_added_events_and_parameters(tmp_path: Path) -> None:
    """A patch can add sourced events and override parameters."""
    p = write(
        tmp_path,
        "cf.toml",
        'extends = "baseline"\n[parameters]\nratchet = 0.2\n'
        '[[events]]\nid = "early-opening-1965"\nyear = 1965\nkind = "alliance"\n'
        'ruler = "ccp"\npower = "japan"\nstrength = 0.8\nsource = "hypothesis: test"\n',
    )
    sc = load_scenario(p)
    assert sc.parameters.ratchet == 0.2
    assert sc.event("early-opening-1965").year == 1965


def test_patch_of_a_patch(tmp_path: Path) -> None:
    """A patch may extend another patch by path, relative to its own folder."""
    write(tmp_path, "a.toml", 'extends = "baseline"\nremove = ["third-front-1964"]\n')
    b = write(tmp_path, "b.toml", 'extends = "a.toml"\nremove = ["reform-1978"]\n')
    ids = {e.id for e in load_scenario(b).events}
    assert "third-front-1964" not in ids and "reform-1978" not in ids


def test_circular_extends_is_an_error(tmp_path: Path) -> None:
    """Two patches that extend each other are refused."""
    write(tmp_path, "a.toml", 'extends = "b.toml"\n')
    b = write(tmp_path, "b.toml", 'extends = "a.toml"\n')
    with pytest.raises(ScenarioError, match="circular"):
        load_scenario(b)


def test_removing_an_event_removes_what_presupposes_it(tmp_path: Path) -> None:
    """Removing reform-1978 also removes the later reform steps that require it, and says so."""
    from angang.scenario import load

    p = write(tmp_path, "cf.toml", 'extends = "baseline"\nremove = ["reform-1978"]\n')
    loaded = load(p)
    ids = {e.id for e in loaded.scenario.events}
    for dependent in (
        "director-responsibility-1984",
        "grasp-large-let-go-small-1995",
        "soe-layoffs-1997",
    ):
        assert dependent not in ids
        assert loaded.removed_with[dependent] == "reform-1978"
    assert "baosteel-1978" in ids  # does not presuppose the reform


def test_requiring_a_missing_event_is_an_error(tmp_path: Path) -> None:
    """A full scenario whose event requires an id it does not contain is refused."""
    p = write(
        tmp_path,
        "cf.toml",
        'extends = "baseline"\n[[events]]\nid = "x-1990"\n'
        'year = 1990\nkind = "purge"\nshare = 0.1\nsource = "test: hypothetical"\n'
        'requires = ["no-such-event"]\n',
    )
    with pytest.raises(ScenarioError, match="requires"):
        load_scenario(p)

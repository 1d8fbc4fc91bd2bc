"""Compiling events into yearly inputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from angang.engine.world import LEVER, compile_timeline
from angang.ids import REGIONS, RULERS, SECTORS
from angang.scenario import load_scenario
from angang.scenario.schema import Scenario

from ..conftest import write

NE = REGIONS.index("northeast")


def test_lever_reverts_after_until(baseline: Scenario) -> None:
    """The GLF's campaign lever holds through 1960 and returns to its prior value in 1961."""
    tl = compile_timeline(baseline)
    campaign = tl.levers[:, LEVER["campaign_intensity"], NE]
    assert campaign[tl.row(1957)] == 0.0
    assert campaign[tl.row(1959)] == 1.0 and campaign[tl.row(1960)] == 1.0
    assert campaign[tl.row(1961)] == 0.0


def test_month_weights_the_first_year(baseline: Scenario) -> None:
    """A lever set in May counts for 8/12 of its first year."""
    tl = compile_timeline(baseline)
    campaign = tl.levers[:, LEVER["campaign_intensity"], NE]
    assert np.isclose(campaign[tl.row(1958)], 8 / 12)


def test_rulers_follow_the_history(baseline: Scenario) -> None:
    """The Northeast passes from Manchukuo to Soviet occupation, Nationalists and the CCP."""
    tl = compile_timeline(baseline)
    ruler = [RULERS[i] for i in tl.ruler[:, NE]]
    assert ruler[tl.row(1935)] == "manchukuo"
    assert ruler[tl.row(1945)] == "ussr-occupation"
    assert ruler[tl.row(1947)] == "nationalist"
    assert ruler[tl.row(1949)] == "ccp"


def test_disruption_lasts_until_its_end_year(baseline: Scenario) -> None:
    """The civil war disrupts the Northeast 1946-48 and China proper through 1949, and stops."""
    tl = compile_timeline(baseline)
    east, ne = REGIONS.index("east"), REGIONS.index("northeast")
    light = SECTORS.index("light")
    assert tl.disruption[tl.row(1947), east, light] > 0.2
    assert tl.disruption[tl.row(1949), east, light] > 0.2
    assert tl.disruption[tl.row(1950), east, light] == 0.0
    assert tl.disruption[tl.row(1948), ne, light] > 0.2
    assert tl.disruption[tl.row(1949), ne, light] == 0.0


def test_policies_end_with_the_ruler_that_made_them(baseline: Scenario) -> None:
    """Manchukuo's Five-Year Plan investment ends with Manchukuo (1945); the Nationalists'
    inland heavy-industry drive ends in 1945 and their levers go with them in 1949."""
    tl = compile_timeline(baseline)
    sw = REGIONS.index("southwest")
    rate = tl.levers[:, LEVER["investment_rate"], :]
    assert rate[tl.row(1940), NE] == 0.4
    assert rate[tl.row(1946), NE] < 0.4
    heavy = tl.levers[:, LEVER["heavy_priority"], sw]
    assert heavy[tl.row(1940)] == 0.5 and heavy[tl.row(1947)] == 0.3
    assert heavy[tl.row(1950)] != 0.3  # the PRC's own levers, not the Nationalists'


def test_a_ruler_change_comes_before_the_same_months_decisions(baseline: Scenario) -> None:
    """The PRC's national policy of October 1949 applies to regions it takes that month."""
    tl = compile_timeline(baseline)
    sw = REGIONS.index("southwest")
    assert tl.levers[tl.row(1950), LEVER["budget_hardness"], sw] == 0.2


def test_later_event_is_not_clobbered_by_a_revert(tmp_path: Path) -> None:
    """A lever taken over by a later event keeps that event's value after the first's until."""
    p = write(
        tmp_path,
        "cf.toml",
        'extends = "baseline"\n[[events]]\nid = "calm-1959"\n'
        'year = 1959\nkind = "policy"\nlevers = { campaign_intensity = 0.3 }\n'
        'source = "test: hypothetical"\n',
    )
    tl = compile_timeline(load_scenario(p))
    campaign = tl.levers[:, LEVER["campaign_intensity"], NE]
    assert campaign[tl.row(1961)] == 0.3


def test_events_before_the_start_take_effect_at_the_start(baseline: Scenario) -> None:
    """Benxihu (1915) is among the discrete events of the first simulated year."""
    tl = compile_timeline(baseline)
    assert "benxihu-ironworks-1915" in {e.id for e in tl.discrete[tl.start]}

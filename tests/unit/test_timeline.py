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
    """The civil war disrupts 1946-48 and stops in 1949."""
    tl = compile_timeline(baseline)
    east = REGIONS.index("east")
    light = SECTORS.index("light")
    assert tl.disruption[tl.row(1947), east, light] > 0.2
    assert tl.disruption[tl.row(1949), east, light] == 0.0


def test_later_event_is_not_clobbered_by_a_revert(tmp_path: Path) -> None:
    """A lever taken over by a later event keeps that event's value after the first's until."""
    p = write(tmp_path, "cf.toml", 'extends = "baseline"\n[[events]]\nid = "calm-1959"\n'
              'year = 1959\nkind = "policy"\nlevers = { campaign_intensity = 0.3 }\n'
              'source = "test: hypothetical"\n')
    tl = compile_timeline(load_scenario(p))
    campaign = tl.levers[:, LEVER["campaign_intensity"], NE]
    assert campaign[tl.row(1961)] == 0.3


def test_events_before_the_start_take_effect_at_the_start(baseline: Scenario) -> None:
    """Benxihu (1915) is among the discrete events of the first simulated year."""
    tl = compile_timeline(baseline)
    assert "benxihu-ironworks-1915" in {e.id for e in tl.discrete[tl.start]}

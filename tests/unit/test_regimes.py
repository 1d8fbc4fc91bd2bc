"""Rulers, takeovers, shocks, foundings and experts."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from angang.engine.world import OWNER
from angang.ids import POWERS, REGIONS, WORKS
from angang.mechanisms import regimes
from angang.testing import small_setup

NE = REGIONS.index("northeast")


def _advance_to(year: int, runs: int = 2):
    """Run only the regimes step up to ``year`` (inputs without the economy)."""
    s = small_setup(runs=runs)
    state = s.state
    while state.year < year:
        state = regimes.step(state, s.world, s.params, s.rng)
    return s, state


def test_angang_is_founded_in_1916_as_a_colonial_works() -> None:
    """The Anshan Ironworks appears in 1916, colonial, with Japanese technology."""
    s, state = _advance_to(1916)
    slot = s.world.layout.work_slot[WORKS.index("angang")]
    assert state.active[:, slot].all()
    assert (state.owner[:, slot] == OWNER["colonial"]).all()
    assert np.allclose(state.provenance[:, slot, 1 + POWERS.index("japan")], 1.0)


def test_showa_expansion_adds_german_technology() -> None:
    """By 1933 part of Angang's plant is German in provenance."""
    s, state = _advance_to(1933)
    slot = s.world.layout.work_slot[WORKS.index("angang")]
    assert state.provenance[0, slot, 1 + POWERS.index("germany")] > 0.5


def test_takeovers_change_owners_with_rulers() -> None:
    """Colonial plants become Nationalist SOEs in 1946 and central SOEs under the CCP."""
    s, state = _advance_to(1946)
    slot = s.world.layout.work_slot[WORKS.index("angang")]
    assert (state.owner[:, slot] == OWNER["nationalist-soe"]).all()
    s, state = _advance_to(1949)
    assert (state.owner[:, slot] == OWNER["central-soe"]).all()


def test_soviet_removals_destroy_some_and_damage_more_of_northeast_heavy_plant() -> None:
    """The 1945 removals destroy 15% of the Northeast's heavy plant for good and put 60% of
    what is left out of service until rehabilitated; light industry and the rest of China
    are untouched."""
    s, before = _advance_to(1944)
    lay = s.world.layout
    before = replace(
        before,
        active=np.ones_like(before.active),
        reach=np.broadcast_to(lay.cell_size - lay.campaign_slots, before.reach.shape).copy(),
        capacity=np.full_like(before.capacity, 10.0),
        damaged=np.zeros_like(before.damaged),
    )
    after = regimes.step(before, s.world, s.params, s.rng)
    ne_heavy = (lay.region == NE) & lay.heavy[lay.sector]
    ne_light = (lay.region == NE) & ~lay.heavy[lay.sector]
    assert np.allclose(after.capacity[:, ne_heavy], 8.5)
    assert np.allclose(after.damaged[:, ne_heavy], 0.6)
    assert np.allclose(after.capacity[:, ne_light], 10.0)
    assert (after.damaged[:, ne_light] == 0.0).all()
    assert np.allclose(after.capacity[:, lay.region != NE], 10.0)


def test_japanese_property_is_not_taken_over_at_the_1928_unification() -> None:
    """Colonial plants stay colonial when the Nationalists unify China in 1928; they become
    Nationalist SOEs only as enemy property after 1945."""
    s, state = _advance_to(1930)
    slot = s.world.layout.work_slot[WORKS.index("angang")]
    assert (state.owner[:, slot] == OWNER["colonial"]).all()


def test_founding_adds_to_a_reserved_slot_and_nothing_settles_there_before() -> None:
    """A named works' slot holds nothing before its founding (the slot bug of issue #12) and
    its founding adds capacity rather than overwriting it."""
    from angang.model.loop import simulate

    sc = small_setup(runs=1)
    result = simulate(sc.scenario, np.arange(1), 3, world=sc.world)
    entities, capacity = result.records["steel_capacity"]
    years = list(result.years)
    for work, founded in (
        ("panzhihua", 1965),
        ("wuhan", 1955),
        ("baosteel", 1978),
        ("baotou", 1954),
        ("maanshan", 1953),
    ):
        series = capacity[0, :, entities.index(work)]
        assert (series[: years.index(founded)] == 0.0).all(), work


def test_a_founding_is_staffed_for_its_own_sector() -> None:
    """The founding capacity comes with the staff its own sector's technique needs, by
    cohort, whatever sector the layout's first slot holds (it once read slot 0's)."""
    from angang.engine.state import COHORT_SPLIT, DOMESTIC_COHORTS, technique_factor
    from angang.ids import SECTORS
    from angang.scenario.schema import FoundingEvent

    s = small_setup(runs=2)
    lay = s.world.layout
    year, event = next(
        (y, e)
        for y, events in sorted(s.world.timeline.discrete.items())
        for e in events
        if isinstance(e, FoundingEvent) and lay.work_slot[WORKS.index(e.work)] > 0
    )
    slot = lay.work_slot[WORKS.index(event.work)]
    sector = lay.sector.copy()
    sector[0] = SECTORS.index("light")  # another sector's technique in the first slot
    assert lay.labour[sector[0]] != lay.labour[lay.sector[slot]]
    world = replace(s.world, layout=replace(lay, sector=sector))
    state = s.state
    while state.year < year - 1:  # a step moves to the next year and applies its events
        state = regimes.step(state, world, s.params, s.rng)
    before = state.workforce[:, slot, :DOMESTIC_COHORTS].copy()
    after = regimes.step(state, world, s.params, s.rng).workforce[:, slot, :DOMESTIC_COHORTS]
    factor = technique_factor(s.params.labour_productivity_growth, year)
    own = lay.labour[lay.sector[slot]]
    assert np.allclose(after - before, event.capacity * own * factor * COHORT_SPLIT)

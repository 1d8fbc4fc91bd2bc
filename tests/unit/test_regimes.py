"""Rulers, takeovers, shocks, foundings and experts."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from angang.engine.state import DOMESTIC_COHORTS
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


def test_soviet_removals_halve_northeast_heavy_capacity_only() -> None:
    """The 1945 removals cut Northeast heavy capacity by half and leave light industry."""
    s, before = _advance_to(1944)
    lay = s.world.layout
    before = replace(before, active=np.ones_like(before.active),
                     capacity=np.full_like(before.capacity, 10.0))
    after = regimes.step(before, s.world, s.params, s.rng)
    ne_heavy = (lay.region == NE) & lay.heavy[lay.sector]
    ne_light = (lay.region == NE) & ~lay.heavy[lay.sector]
    assert np.allclose(after.capacity[:, ne_heavy], 5.0)
    assert np.allclose(after.capacity[:, ne_light], 10.0)
    assert np.allclose(after.capacity[:, lay.region != NE], 10.0)


def test_soviet_experts_arrive_and_leave() -> None:
    """Soviet experts are present from 1953 and gone after the 1960 withdrawal."""
    col = DOMESTIC_COHORTS + POWERS.index("ussr")
    s, state = _advance_to(1952)
    state = replace(state, active=np.ones_like(state.active),
                    capacity=np.ones_like(state.capacity))
    state = regimes.step(state, s.world, s.params, s.rng)
    assert np.isclose(state.workforce[..., col].sum(axis=1), 3000).all()
    while state.year < 1960:
        state = regimes.step(state, s.world, s.params, s.rng)
    assert state.workforce[..., col].sum() == 0.0

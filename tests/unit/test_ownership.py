"""Ownership change: nationalization and letting go of small SOEs."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from angang.engine.world import OWNER, is_soe
from angang.mechanisms import ownership
from angang.testing import small_setup

from .helpers import all_active, with_lever


def test_full_nationalization_turns_every_private_firm_into_an_soe() -> None:
    """A nationalization rate of 1 leaves no private firm; heavy ones go mostly central."""
    s = small_setup(runs=2)
    state = all_active(s.state, world=s.world)
    state = replace(state, owner=np.full_like(state.owner, OWNER["private"]))
    out = ownership.step(with_lever(state, "nationalization_rate", 1.0), s.world, s.params, s.rng)
    assert is_soe(out.owner).all()
    light = s.world.layout.sector == 6
    assert (out.owner[:, light] == OWNER["local-soe"]).all()


def test_zero_rates_change_nothing() -> None:
    """With both levers at zero, no owner changes."""
    s = small_setup(runs=2)
    state = all_active(s.state, world=s.world)
    out = ownership.step(state, s.world, s.params, s.rng)
    assert np.array_equal(out.owner, state.owner)


def test_privatization_lets_go_small_soes_but_keeps_named_works() -> None:
    """Only SOEs below their sector's median are let go, and never a named works."""
    s = small_setup(runs=2)
    state = all_active(s.state, world=s.world)
    rng = np.random.default_rng(0)
    state = replace(
        state,
        owner=np.full_like(state.owner, OWNER["local-soe"]),
        capacity=rng.uniform(1, 100, state.capacity.shape),
    )
    out = ownership.step(with_lever(state, "privatization_rate", 1.0), s.world, s.params, s.rng)
    let_go = out.owner == OWNER["private"]
    assert let_go.any()
    assert not let_go[:, s.world.layout.is_work].any()
    for s_ in range(7):
        in_sector = s.world.layout.sector == s_
        caps = state.capacity[:, in_sector]
        big = caps >= np.median(caps, axis=1, keepdims=True)
        assert not (let_go[:, in_sector] & big).any()

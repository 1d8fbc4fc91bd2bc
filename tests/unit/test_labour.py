"""Labour: campaigns and disillusion, openings and purges, lifetime jobs, layoffs, protest."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from angang.engine.state import DOMESTIC_COHORTS, labour_requirement
from angang.engine.world import OWNER
from angang.mechanisms import labour
from angang.testing import small_setup

from .helpers import all_active, with_lever, with_ruler


def _soes(hardness: float, overstaffed: float = 1.0, losing: bool = True):
    s = small_setup(runs=2)
    state = with_ruler(all_active(s.state, world=s.world), "ccp")
    state = replace(state, owner=np.full_like(state.owner, OWNER["central-soe"]), year=1990)
    need = labour_requirement(
        s.world.layout, state.capacity, 1990, s.params.labour_productivity_growth
    )
    profit = np.full_like(state.profit, -1.0 if losing else 1.0)
    state = replace(
        state, workforce=need * overstaffed, profit=profit, welfare=np.full_like(state.welfare, 0.6)
    )
    return s, with_lever(state, "budget_hardness", hardness)


def test_campaign_raises_effort_then_leaves_disillusion() -> None:
    """Commitment and effort rise in a campaign and fall below normal after it."""
    s = small_setup(runs=2)
    state = all_active(s.state, world=s.world)
    normal = labour.mobilize(state, s.world, s.params, s.rng)
    hot = with_lever(state, "campaign_intensity", 1.0)
    for _ in range(3):
        hot = labour.mobilize(hot, s.world, s.params, s.rng)
    after = labour.mobilize(with_lever(hot, "campaign_intensity", 0.0), s.world, s.params, s.rng)
    assert hot.effort.mean() > normal.effort.mean()
    assert after.commitment.mean() < normal.commitment.mean()


def test_opening_gives_voice_and_the_purge_removes_engineers() -> None:
    """Engineers with grievances speak in 1957; the Anti-Rightist purge removes some of them."""
    s = small_setup(runs=2)
    state = replace(
        all_active(s.state, world=s.world),
        year=1957,
        grievance=np.full_like(s.state.grievance, 0.6),
        opening=np.full_like(s.state.opening, 0.7),
    )
    workforce = np.zeros_like(state.workforce)
    workforce[..., :DOMESTIC_COHORTS] = [800.0, 150.0, 50.0]
    out = labour.mobilize(replace(state, workforce=workforce), s.world, s.params, s.rng)
    assert (out.workforce[..., 2] < 50.0).all()  # some engineers purged
    assert (out.workforce[..., 0] == 800.0).all()  # workers untouched


def test_soft_budget_keeps_surplus_staff_hard_budget_lays_them_off() -> None:
    """Lifetime employment under a soft budget; layoffs and lost welfare when a loss-making
    SOE faces a hard one; a profitable SOE keeps its staff even then."""
    s, soft = _soes(hardness=0.0, overstaffed=1.5)
    _, hard = _soes(hardness=1.0, overstaffed=1.5)
    _, hard_profitable = _soes(hardness=1.0, overstaffed=1.5, losing=False)
    soft_out = labour.employ(soft, s.world, s.params, s.rng)
    hard_out = labour.employ(hard, s.world, s.params, s.rng)
    profitable_out = labour.employ(hard_profitable, s.world, s.params, s.rng)
    assert soft_out.laid_off.sum() == 0.0
    assert hard_out.laid_off.sum() > 0.0
    assert profitable_out.laid_off.sum() == 0.0
    assert hard_out.welfare.mean() < profitable_out.welfare.mean() < soft_out.welfare.mean()
    assert hard_out.grievance.mean() > soft_out.grievance.mean()


def test_grievance_above_threshold_becomes_protest() -> None:
    """Mass layoffs with high grievance produce protest; content workers do not protest."""
    s, hard = _soes(hardness=1.0, overstaffed=3.0)
    angry = replace(hard, grievance=np.full_like(hard.grievance, 0.9))
    _, calm = _soes(hardness=0.0)
    assert labour.employ(angry, s.world, s.params, s.rng).protest.sum() > 0
    assert labour.employ(calm, s.world, s.params, s.rng).protest.sum() == 0


def test_closed_plants_lay_everyone_off() -> None:
    """An inactive slot keeps no staff and counts them as laid off."""
    s, state = _soes(hardness=0.0)
    before = state.workforce[..., :DOMESTIC_COHORTS].sum(axis=2)
    closed = replace(
        state, active=np.zeros_like(state.active), capacity=np.zeros_like(state.capacity)
    )
    out = labour.employ(closed, s.world, s.params, s.rng)
    assert (out.workforce == 0).all()
    assert np.allclose(out.laid_off, before)

"""Vertical bargaining: ratchet, hidden slack, over-reporting, the soft budget constraint."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from angang.engine.world import OWNER
from angang.mechanisms import planning
from angang.testing import small_setup

from .helpers import all_active, with_lever, with_ruler


def _planned(target: float, output: float, power: float = 0.5, campaign: float = 0.0):
    s = small_setup(runs=2)
    state = with_ruler(all_active(s.state, world=s.world), "ccp")
    state = with_lever(with_lever(state, "planning", 1.0), "campaign_intensity", campaign)
    ones = np.ones_like(state.capacity)
    state = replace(
        state,
        owner=np.full_like(state.owner, OWNER["central-soe"]),
        target=target * ones,
        output=output * ones,
        director_power=power * ones,
        profit=ones,
    )
    return s, state


def test_ratchet_adds_overfulfilment_to_next_target() -> None:
    """Next target = (reported + λ(reported - target)) × (1 + growth), Weitzman's rule."""
    s, state = _planned(target=50.0, output=60.0)
    out = planning.step(state, s.world, s.params, s.rng)
    lam, g = s.params.ratchet[0, 0], s.params.plan_growth[0, 0]
    expected = (60.0 + lam * 10.0) * (1 + g)
    target = planning.new_plan_year(out, s.world, s.params, s.rng).target
    assert np.allclose(target, expected)


def test_plant_built_since_the_plan_enters_the_target_at_the_achieved_rate() -> None:
    """Capacity added between planning and the new plan year (a project coming into service)
    raises the target in proportion: the ministry plans per unit of the capacity it sees."""
    s, state = _planned(target=50.0, output=60.0)
    out = planning.step(state, s.world, s.params, s.rng)
    same = planning.new_plan_year(out, s.world, s.params, s.rng).target
    doubled = planning.new_plan_year(
        replace(out, capacity=2.0 * out.capacity), s.world, s.params, s.rng
    ).target
    assert same.max() > 0 and np.allclose(doubled, 2.0 * same)
    damaged = planning.new_plan_year(
        replace(out, damaged=np.full_like(out.damaged, 0.5)), s.world, s.params, s.rng
    ).target
    assert np.allclose(damaged, 0.5 * same)  # damaged plant is not planned for


def test_no_overreporting_when_target_is_met() -> None:
    """Reported equals true output when output meets the target."""
    s, state = _planned(target=50.0, output=60.0, campaign=1.0)
    out = planning.step(state, s.world, s.params, s.rng)
    assert np.array_equal(out.reported, out.output)


def test_campaign_pressure_and_weak_directors_overreport_shortfalls() -> None:
    """Shortfalls are over-reported more in campaigns and where directors are weak."""
    s, calm = _planned(target=80.0, output=40.0, power=0.5, campaign=0.0)
    _, hot = _planned(target=80.0, output=40.0, power=0.5, campaign=1.0)
    _, hot_weak = _planned(target=80.0, output=40.0, power=0.0, campaign=1.0)
    r_calm = planning.step(calm, s.world, s.params, s.rng).reported.mean()
    r_hot = planning.step(hot, s.world, s.params, s.rng).reported.mean()
    r_weak = planning.step(hot_weak, s.world, s.params, s.rng).reported.mean()
    assert 40.0 < r_calm < r_hot < r_weak <= 80.0


def test_directors_hide_slack_in_proportion_to_power() -> None:
    """Hidden capacity share = slack_hiding × director power under full planning."""
    s, state = _planned(target=50.0, output=50.0, power=0.8)
    out = planning.step(state, s.world, s.params, s.rng)
    assert np.allclose(out.hidden, s.params.slack_hiding[0, 0] * 0.8)


def test_unplanned_firms_have_no_target() -> None:
    """Private firms get no target and report truthfully."""
    s, state = _planned(target=50.0, output=30.0)
    state = replace(state, owner=np.full_like(state.owner, OWNER["private"]))
    out = planning.step(state, s.world, s.params, s.rng)
    assert (out.next_rate == 0).all() and np.array_equal(out.reported, out.output)


def test_soft_budget_keeps_loss_makers_alive() -> None:
    """Loss-making SOEs never exit with a soft budget; many exit when it is hard."""
    s, state = _planned(target=50.0, output=50.0)
    state = replace(state, profit=-np.ones_like(state.profit))
    soft = planning.step(with_lever(state, "budget_hardness", 0.0), s.world, s.params, s.rng)
    hard = planning.step(with_lever(state, "budget_hardness", 1.0), s.world, s.params, s.rng)
    works = s.world.layout.is_work
    assert soft.active.all()
    exited = 1 - hard.active[:, ~works].mean()
    rate = s.params.soft_budget_exit[0, 0]
    assert 0.5 * rate < exited < 1.5 * rate
    assert hard.active[:, works].all()  # named works are never let fail

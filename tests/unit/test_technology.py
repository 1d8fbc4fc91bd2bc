"""Technology transfer: alliances, absorptive capacity, provenance and diffusion."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from angang.engine.state import DOMESTIC_COHORTS, Params
from angang.engine.world import OWNER
from angang.ids import POWERS, RULERS, WORKS
from angang.mechanisms import rehabilitation, technology
from angang.testing import small_setup

from .helpers import all_active, with_lever, with_ruler

CCP = RULERS.index("ccp")


def _plants(alliances: dict[str, float], experts: float = 0.0, years: int = 5):
    s = small_setup(runs=2)
    state = with_ruler(all_active(s.state, world=s.world), "ccp")
    alliance = np.zeros_like(state.alliance)
    for power, strength in alliances.items():
        alliance[:, CCP, POWERS.index(power)] = strength
    workforce = np.zeros_like(state.workforce)
    workforce[..., :DOMESTIC_COHORTS] = [800.0, 150.0, 50.0]
    workforce[..., DOMESTIC_COHORTS + POWERS.index("ussr")] = experts
    state = replace(
        state,
        alliance=alliance,
        workforce=workforce,
        year=1955,
        tech=np.full_like(state.tech, 0.3),
        owner=np.full_like(state.owner, OWNER["private"]),
    )
    # the mechanism at a stated transfer rate (its documented default), not the calibrated one
    params = Params.from_points(s.scenario.parameters, ("transfer_rate",), np.full((2, 1), 0.08))
    for _ in range(years):
        state = technology.step(state, s.world, params, s.rng)
        state = replace(state, year=state.year + 1)
    return s, state


def test_allies_transfer_technology_and_enemies_do_not() -> None:
    """An allied USSR raises technology and Soviet provenance; a hostile one does not."""
    _, allied = _plants({"ussr": 0.9})
    _, hostile = _plants({"ussr": -1.0})
    soviet = 1 + POWERS.index("ussr")
    assert allied.tech.mean() > hostile.tech.mean() + 0.02
    assert allied.provenance[..., soviet].mean() > 0.1
    assert hostile.provenance[..., soviet].max() == 0.0
    assert (allied.transfer[:, POWERS.index("ussr")] > 0).all()
    assert (hostile.transfer == 0).all()


def test_experts_raise_absorptive_capacity_and_transfer() -> None:
    """Soviet experts on site speed the transfer of Soviet technology."""
    _, without = _plants({"ussr": 0.9})
    _, with_experts = _plants({"ussr": 0.9}, experts=20.0)
    assert with_experts.tech.mean() > without.tech.mean()


def test_provenance_shares_sum_to_one() -> None:
    """Provenance stays a distribution over sources."""
    _, state = _plants({"ussr": 0.9, "japan": 0.4})
    assert np.allclose(state.provenance.sum(axis=2), 1.0)


def test_technology_never_passes_the_best_frontier() -> None:
    """Many allies and decades of transfer leave technology at or below the best frontier."""
    s, state = _plants({"ussr": 1.0, "japan": 1.0, "usa": 1.0, "germany": 1.0}, years=45)
    assert state.tech.max() <= s.world.timeline.frontier.max() + 1e-9


def test_angang_knowhow_diffuses_to_planned_soes() -> None:
    """Under planning, SOEs behind Angang catch up toward it without any foreign ally."""
    s = small_setup(runs=2)
    state = with_ruler(all_active(s.state, world=s.world), "ccp")
    state = with_lever(state, "planning", 1.0)
    slot = s.world.layout.work_slot[WORKS.index("angang")]
    tech = np.full_like(state.tech, 0.3)
    tech[:, slot] = 0.8
    state = replace(
        state,
        tech=tech,
        year=1955,
        alliance=np.zeros_like(state.alliance),
        owner=np.full_like(state.owner, OWNER["central-soe"]),
    )
    out = technology.step(state, s.world, s.params, s.rng)
    others = np.ones(s.world.layout.n, dtype=bool)
    others[slot] = False
    gained = out.tech[:, others] - 0.3
    home_only = s.params.indigenous_rate[0, 0] * 0.7
    assert (gained > home_only).all()


def test_a_staff_too_small_to_count_has_no_absorptive_capacity() -> None:
    """A campaign plant left with a vanishing staff (denormal numbers: its expected engineers
    round to zero) absorbs nothing, on both engines, instead of 0/0 (a NaN that reached the
    protest draw and stopped the run) or a division by zero in the kernel."""
    from angang.model.kernels import rehabilitation_step, technology_step

    s = small_setup(runs=2)
    state = all_active(s.state, world=s.world)
    workforce = state.workforce.copy()
    workforce[:, 0, :DOMESTIC_COHORTS] = 5e-324  # the smallest float above zero
    workforce[:, 0, DOMESTIC_COHORTS:] = 0.0
    state = replace(state, workforce=workforce, damaged=np.full_like(state.damaged, 0.5))
    capacity = technology.absorptive_capacity(state, s.params)
    assert np.isfinite(capacity).all() and (capacity[:, 0] == 0.0).all()
    for reference, compiled in (
        (technology.step, technology_step),
        (rehabilitation.step, rehabilitation_step),
    ):
        want = reference(state, s.world, s.params, s.rng)
        got = compiled(state, s.world, s.params, s.rng)
        assert np.isfinite(want.tech).all() and np.isfinite(want.damaged).all()
        assert np.array_equal(want.tech, got.tech) and np.array_equal(want.damaged, got.damaged)

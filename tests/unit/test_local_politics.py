"""Horizontal bargaining: management systems, mergers, campaigns, claims and tension."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from angang.engine.world import OWNER
from angang.ids import WORKS
from angang.mechanisms import local_politics, regimes
from angang.scenario.schema import MANAGEMENT_SYSTEMS
from angang.testing import small_setup

from .helpers import all_active, with_lever


def _soes(system: str, years: int = 12, campaign: float = 0.0, centralization: float = 0.8):
    s = small_setup(runs=2)
    state = all_active(s.state, world=s.world)
    state = replace(
        state,
        owner=np.full_like(state.owner, OWNER["central-soe"]),
        management=np.full_like(state.management, MANAGEMENT_SYSTEMS.index(system)),
        year=1990,
    )
    state = with_lever(
        with_lever(state, "campaign_intensity", campaign), "centralization", centralization
    )
    for _ in range(years):
        state = local_politics.step(state, s.world, s.params, s.rng)
    return s, state


def test_one_chief_system_empowers_directors_and_the_ministry() -> None:
    """Under one-chief, directors and the ministry hold more than under party committees."""
    _, one_chief = _soes("one-chief")
    s, committee = _soes("party-committee")
    assert one_chief.director_power.mean() > committee.director_power.mean() + 0.3
    assert one_chief.ministry_control.mean() > committee.ministry_control.mean() + 0.2
    t_one = local_politics.tension(one_chief, s.world).mean()
    t_committee = local_politics.tension(committee, s.world).mean()
    assert t_one < t_committee


def test_campaigns_mobilize_against_directors() -> None:
    """A campaign lowers director power below what the system alone prescribes."""
    _, calm = _soes("party-committee")
    _, hot = _soes("party-committee", campaign=1.0)
    assert hot.director_power.mean() < calm.director_power.mean()
    assert hot.committee_power.mean() > calm.committee_power.mean()


def test_committees_claim_more_where_they_control_more() -> None:
    """Claims on SOE resources rise as control shifts to committees."""
    _, one_chief = _soes("one-chief")
    _, revolutionary = _soes("revolutionary-committee", centralization=0.3)
    assert revolutionary.claim.mean() > one_chief.claim.mean()


def test_private_firms_are_outside_dual_control() -> None:
    """A private firm's control shares do not move and it has no tension."""
    s = small_setup(runs=2)
    state = replace(
        all_active(s.state, world=s.world), owner=np.full_like(s.state.owner, OWNER["private"])
    )
    out = local_politics.step(state, s.world, s.params, s.rng)
    assert np.array_equal(out.director_power, state.director_power)
    assert (local_politics.tension(out, s.world) == 0).all()


def test_merger_hands_angang_to_the_anshan_committee() -> None:
    """The 1958 merger lowers Angang's director power and ministry control for years."""
    s = small_setup(runs=2)
    state = s.state
    history = {}
    while state.year < 1962:
        state = regimes.step(state, s.world, s.params, s.rng)
        state = local_politics.step(state, s.world, s.params, s.rng)
        history[state.year] = state
    slot = s.world.layout.work_slot[WORKS.index("angang")]
    assert (history[1958].committee_hold[:, slot] > 0.3).all()
    assert (history[1959].ministry_control[:, slot] < history[1957].ministry_control[:, slot]).all()
    others = np.ones(s.world.layout.n, dtype=bool)
    others[slot] = False
    assert (history[1959].committee_hold[:, others] == 0).all()

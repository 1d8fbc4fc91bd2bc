"""Investment: growth, heavy priority, who builds, occupation and entry."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from angang.engine.state import NEW_ENTERPRISE, Params
from angang.engine.world import OWNER, is_soe
from angang.mechanisms import investment, production
from angang.testing import small_setup

from .helpers import all_active, with_lever, with_ruler


def _producing(ruler: str = "ccp", runs: int = 2):
    s = small_setup(runs=runs)
    state = with_ruler(all_active(s.state, 50.0, world=s.world), ruler)
    state = replace(state, active=state.active & (np.arange(state.active.shape[1]) % 3 != 0))
    state = replace(state, capacity=state.capacity * state.active)
    state = production.step(state, s.world, s.params, s.rng)
    return s, state


def test_higher_investment_rate_builds_more_capacity() -> None:
    """Capacity grows faster with a higher investment rate."""
    s, state = _producing()
    low = investment.step(with_lever(state, "investment_rate", 0.05), s.world, s.params, s.rng)
    high = investment.step(with_lever(state, "investment_rate", 0.4), s.world, s.params, s.rng)
    assert high.capacity.sum() > low.capacity.sum()


def test_heavy_priority_tilts_the_centre_to_heavy_industry() -> None:
    """The heavy share of state-built investment rises with the heavy-priority lever."""
    s, state = _producing()
    state = with_lever(with_lever(state, "centralization", 1.0), "investment_rate", 0.3)
    heavy = s.world.layout.heavy

    # the mechanism, not the calibrated strength: a heavy bias of 1 (e, at full priority)
    params = Params.from_points(s.scenario.parameters, ("heavy_bias",), np.ones((state.runs, 1)))

    def heavy_odds(priority: float) -> float:
        money, _ = investment.budgets(
            with_lever(state, "heavy_priority", priority), s.world, params
        )
        return float(money[:, :, heavy].sum() / money[:, :, ~heavy].sum())

    # odds, not shares: where shortages already draw most money to heavy goods the share sits
    # near 1 and moves little, while the tilt still multiplies heavy against light
    assert heavy_odds(1.0) > 1.5 * heavy_odds(0.0)


def test_no_investment_under_soviet_occupation() -> None:
    """Under occupation nothing is built."""
    s, state = _producing(ruler="ussr-occupation")
    out = investment.step(with_lever(state, "investment_rate", 0.5), s.world, s.params, s.rng)
    assert np.array_equal(out.capacity, state.capacity)
    assert np.array_equal(out.active, state.active)


def test_ccp_state_money_builds_soes_and_markets_build_private_firms() -> None:
    """Closed markets under the CCP found only SOEs; open ones also found private firms."""
    s, state = _producing()
    state = with_lever(state, "investment_rate", 0.4)
    state = replace(state, owner=np.full_like(state.owner, OWNER["central-soe"]))
    closed = investment.step(with_lever(state, "market_openness", 0.0), s.world, s.params, s.rng)
    new = closed.active & ~state.active
    assert new.any() and is_soe(closed.owner[new]).all()
    opened = investment.step(
        with_lever(state, "market_openness", 1.0), s.world, s.params, small_setup(runs=2).rng
    )
    new = opened.active & ~state.active
    assert (opened.owner[new] == OWNER["private"]).any()


def test_campaign_builds_lower_quality_plant() -> None:
    """New plant built in a full campaign has lower technology than in a calm year."""
    s, state = _producing()
    state = with_lever(state, "investment_rate", 0.4)
    calm = investment.step(state, s.world, s.params, s.rng)
    hot = investment.step(
        with_lever(state, "campaign_intensity", 1.0), s.world, s.params, small_setup(runs=2).rng
    )
    new_calm = calm.active & ~state.active
    new_hot = hot.active & ~state.active
    assert hot.tech[new_hot].mean() < calm.tech[new_calm].mean()


def test_security_posture_moves_the_centre_inland() -> None:
    """With a hostile USSR and USA and a high posture, inland regions get more state money
    (at a stated security bias of 1, not the calibrated one, which the record may set low)."""
    from angang.ids import POWERS, REGIONS, RULERS

    s, state = _producing()
    params = Params.from_points(s.scenario.parameters, ("security_bias",), np.ones((state.runs, 1)))
    state = with_lever(with_lever(state, "centralization", 1.0), "investment_rate", 0.3)
    alliance = state.alliance.copy()
    alliance[:, RULERS.index("ccp"), POWERS.index("ussr")] = -1.0
    alliance[:, RULERS.index("ccp"), POWERS.index("usa")] = -1.0
    state = replace(state, alliance=alliance)
    inland = [REGIONS.index("southwest"), REGIONS.index("northwest")]

    def inland_share(posture: float) -> float:
        money, _ = investment.budgets(
            with_lever(state, "security_posture", posture), s.world, params
        )
        return float(money[:, inland].sum() / money.sum())

    assert inland_share(1.0) > inland_share(0.0) + 0.1
    calm = with_lever(state, "security_posture", 0.0)
    assert (investment.threat(calm, s.world) == 0).all()
    tense = investment.threat(with_lever(state, "security_posture", 1.0), s.world)
    assert (tense[:, REGIONS.index("northeast")] == 1.0).all()
    assert (tense[:, inland] == 0.0).all()


def test_third_front_relocates_plant_but_not_named_works() -> None:
    """Threatened central heavy plant moves inland; the named works stay where they are."""
    from angang.ids import POWERS, REGIONS, RULERS

    s, state = _producing()
    state = replace(state, owner=np.full_like(state.owner, OWNER["central-soe"]))
    alliance = state.alliance.copy()
    alliance[:, RULERS.index("ccp"), POWERS.index("ussr")] = -1.0
    state = with_lever(replace(state, alliance=alliance), "security_posture", 1.0)
    moving = investment.relocate(state, s.world, s.params, s.rng)
    out = investment.step(with_lever(moving, "investment_rate", 0.0), s.world, s.params, s.rng)
    lay = s.world.layout
    ne = (lay.region == REGIONS.index("northeast")) & lay.heavy[lay.sector] & ~lay.is_work
    sw = lay.region == REGIONS.index("southwest")
    assert out.capacity[:, ne].sum() < state.capacity[:, ne].sum()
    assert out.capacity[:, sw].sum() > state.capacity[:, sw].sum()
    assert np.array_equal(out.capacity[:, lay.is_work], state.capacity[:, lay.is_work])


def test_plant_built_inland_for_safety_costs_more() -> None:
    """At a high security posture the state's money buys less plant in the interior (the Third
    Front's dispersed sites), none less on the coast; at posture 0 there is no premium."""
    from angang.ids import REGIONS

    s, state = _producing()
    params = Params.from_points(s.scenario.parameters, ("security_cost",), np.ones((state.runs, 1)))
    calm = investment.remote_cost(with_lever(state, "security_posture", 0.0), s.world, params)
    tense = investment.remote_cost(with_lever(state, "security_posture", 0.9), s.world, params)
    assert (calm == 1.0).all()
    for region in ("southwest", "northwest"):
        assert np.allclose(tense[:, REGIONS.index(region)], 1.9)
    for region in ("northeast", "east"):
        assert (tense[:, REGIONS.index(region)] == 1.0).all()


def test_a_plant_founded_in_a_closed_plants_slot_starts_as_a_new_enterprise() -> None:
    """Free slots are reused: a new plant takes a new enterprise's values, not the damage,
    director, grievance or losses the closed plant left; other slots keep theirs."""
    s, state = _producing()
    left = {name: np.where(state.active, getattr(state, name), 0.77) for name in NEW_ENTERPRISE}
    left["profit"] = np.where(state.active, state.profit, -5.0)
    state = replace(
        state, **left, director_power=np.where(state.active, state.director_power, 0.93)
    )
    state = with_lever(state, "investment_rate", 0.5)
    out = investment.step(state, s.world, s.params, s.rng)
    opened = out.active & ~state.active
    assert opened.any()
    for name, value in NEW_ENTERPRISE.items():
        field = getattr(out, name)
        assert np.all(field[opened] == value), name
        assert np.array_equal(field[~opened], getattr(state, name)[~opened]), name
    runs = np.nonzero(opened)[0]
    assert np.array_equal(out.director_power[opened], s.params.director_power_initial[runs, 0])
    assert np.array_equal(out.director_power[~opened], state.director_power[~opened])

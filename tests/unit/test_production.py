"""Production with shortages, ratchet restraint and wear."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from angang.engine.world import OWNER
from angang.ids import REGIONS, SECTORS
from angang.mechanisms import production
from angang.testing import assert_state_consistent, small_setup

from .helpers import all_active, with_lever, with_ruler

STEEL, ORE = SECTORS.index("steel"), SECTORS.index("ore")


def _setup(ruler: str = "ccp"):
    s = small_setup(runs=2)
    state = with_ruler(all_active(s.state, world=s.world, params=s.params), ruler)
    return s, state


def test_output_never_exceeds_capacity_even_in_campaigns() -> None:
    """A full campaign drives output up to, never above, capacity in service."""
    s, state = _setup()
    state = with_lever(state, "campaign_intensity", 1.0)
    out = production.step(state, s.world, s.params, s.rng)
    assert (out.output <= out.capacity + 1e-9).all()
    assert_state_consistent(out, s.world)


def test_campaign_raises_output_and_wear() -> None:
    """Over-driving raises this year's output and the wear carried into the next."""
    s, state = _setup()
    calm = production.step(state, s.world, s.params, small_setup(runs=2).rng)
    hot = production.step(
        with_lever(state, "campaign_intensity", 1.0), s.world, s.params, small_setup(runs=2).rng
    )
    assert hot.output.sum() > calm.output.sum() * 1.1
    assert hot.wear.mean() > calm.wear.mean()


def test_missing_ore_stops_steel_within_the_bloc() -> None:
    """With no ore anywhere in a ruler's bloc (and markets closed to imports), steel cannot
    be made."""
    s, state = _setup()
    state = with_lever(state, "market_openness", 0.0)
    capacity = state.capacity.copy()
    capacity[:, s.world.layout.sector == ORE] = 0.0
    out = production.step(replace(state, capacity=capacity), s.world, s.params, s.rng)
    assert out.output[:, s.world.layout.sector == STEEL].sum() == 0.0
    assert (out.shortage[:, :, ORE] == 1.0).all()


def test_shortage_does_not_cross_bloc_borders() -> None:
    """Ore in a region under another ruler does not feed a region cut off from it."""
    s, state = _setup()
    state = with_lever(state, "market_openness", 0.0)
    lay = s.world.layout
    ne = REGIONS.index("northeast")
    capacity = state.capacity.copy()
    capacity[:, (lay.sector == ORE) & (lay.region == ne)] = 0.0
    ruler = state.ruler.copy()
    ruler[:, ne] = 2  # manchukuo: its own bloc
    out = production.step(replace(state, capacity=capacity, ruler=ruler), s.world, s.params, s.rng)
    ne_steel = (lay.sector == STEEL) & (lay.region == ne)
    other_steel = (lay.sector == STEEL) & (lay.region != ne)
    assert out.output[:, ne_steel].sum() == 0.0
    assert out.output[:, other_steel].sum() > 0.0


def test_director_holds_output_near_target_under_the_ratchet() -> None:
    """A powerful director of a planned SOE keeps output near a low target; a weak one doesn't."""
    s, state = _setup()
    state = with_lever(state, "planning", 1.0)
    state = replace(
        state,
        owner=np.full_like(state.owner, OWNER["central-soe"]),
        target=np.full_like(state.target, 10.0),
    )
    strong = production.potential(
        replace(state, director_power=np.ones_like(state.target)),
        s.world,
        s.params,
        np.ones_like(state.target),
    )
    weak = production.potential(
        replace(state, director_power=np.zeros_like(state.target)),
        s.world,
        s.params,
        np.ones_like(state.target),
    )
    assert np.allclose(strong, 10.0 * (1 + s.params.target_margin))
    assert (weak > 30.0).all()


def test_worthless_small_plant_output_meets_no_demand() -> None:
    """Native steel that is worthless (small_usable 0) meets no user's demand, so it does not
    push modern steel plant down the demand cap: modern steel output is the same with or
    without small plants producing beside it, when demand binds."""
    from angang.engine.state import Params

    s, state = _setup()
    lay = s.world.layout
    params = Params.from_points(s.scenario.parameters, ("small_usable",), np.zeros((2, 1)))
    # little building and no state take, so that steel is limited by what users take
    state = with_lever(with_lever(state, "investment_rate", 0.01), "heavy_priority", 0.0)
    state = replace(state, absorption=np.zeros_like(state.absorption))
    steel = lay.sector == STEEL
    modern = steel & ~lay.campaign
    small_slots = steel & lay.campaign
    assert small_slots.any() and modern.any()
    without = replace(
        state,
        active=state.active & ~small_slots,
        capacity=state.capacity * ~small_slots,
        small=np.zeros_like(state.small),
    )
    with_small = replace(
        state,
        active=state.active | small_slots,
        capacity=np.where(small_slots, 10.0 * state.capacity[:, modern].max(), state.capacity),
        small=state.small | small_slots,
    )
    a = production.step(without, s.world, params, small_setup(runs=2).rng)
    b = production.step(with_small, s.world, params, small_setup(runs=2).rng)
    assert a.output[:, modern].sum() > 0
    assert np.allclose(a.output[:, modern], b.output[:, modern])


def test_the_states_take_is_of_materials_not_fuel_or_power() -> None:
    """A state bent on heavy industry takes more steel and cement (defence works, stockpiles):
    their demand rises with its take, while the coal and power asked of the same output and
    the same investment (inputs and households' use) do not — they follow only as inputs."""
    s, state = _setup()
    lay = s.world.layout
    # last year's output sets this year's planned investment, and so the building it needs
    state = replace(with_lever(state, "investment_rate", 0.3), output=state.capacity.copy())
    cells = np.ones((state.runs, len(REGIONS), len(SECTORS)))
    calm = production.demand(
        replace(state, absorption=np.zeros_like(state.absorption)), s.world, s.params, cells
    )
    driven = production.demand(
        replace(state, absorption=np.ones_like(state.absorption)), s.world, s.params, cells
    )
    materials = lay.construction > 0
    assert set(np.array(SECTORS)[materials]) == {"steel", "cement"}
    assert np.allclose(driven[:, :, materials], 2.0 * calm[:, :, materials])
    assert (calm[:, :, materials].sum(axis=(0, 1)) > 0).all()
    assert np.array_equal(driven[:, :, ~materials], calm[:, :, ~materials])
    assert (calm[:, :, [SECTORS.index("coal"), SECTORS.index("power")]] > 0).all()

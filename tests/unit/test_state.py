"""The State's own helpers: :func:`angang.engine.state.replace` is ``dataclasses.replace``."""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pytest

from angang.engine.state import Params, State, initial_state, owned, replace, writable
from angang.engine.world import World, make_world
from angang.scenario import load_scenario


def _state() -> State:
    scenario = load_scenario("baseline")
    world = make_world(scenario, 0.3)
    return initial_state(scenario, world, Params.repeat(scenario.parameters, 2), 2)


def test_replace_is_dataclasses_replace() -> None:
    state = _state()
    food = np.array([0.7, 0.9])
    ours = replace(state, food=food, year=1950)
    theirs = dataclasses.replace(state, food=food, year=1950)
    assert type(ours) is State
    for field in dataclasses.fields(State):
        assert getattr(ours, field.name) is getattr(theirs, field.name), field.name
    assert ours.food is food and ours.capacity is state.capacity  # the rest is shared
    assert state.food is not food and state.year != 1950  # the original is untouched
    with pytest.raises(dataclasses.FrozenInstanceError):
        ours.food = state.food  # type: ignore[misc]
    deep = copy.deepcopy(ours)  # checkpoints deep-copy states
    assert np.array_equal(deep.food, food) and deep.food is not food


def test_replace_refuses_a_field_the_state_does_not_have() -> None:
    with pytest.raises(TypeError, match="no field cohorts, foo"):
        replace(_state(), foo=1, cohorts=2)


@pytest.mark.parametrize("order", ["C", "F"])
def test_a_fields_new_enterprise_values_are_checked_in_either_memory_order(order: str) -> None:
    """The check a founding makes before copying a field (``_differs``) is NumPy's
    ``not np.all(np.take(field, at) == values)``, for C- and Fortran-ordered fields (NumPy's
    reference steps make some of the latter)."""
    from angang.engine.state import _differs

    rng = np.random.default_rng(3)
    field = np.asarray(rng.integers(0, 3, (5, 40)).astype(float), order=order)
    for _ in range(50):
        at = rng.choice(field.size, rng.integers(1, 12), replace=False)
        for values in (np.array([1.0]), rng.integers(0, 3, at.size).astype(float)):
            assert _differs(field, at, values) == (not np.all(np.take(field, at) == values))
    assert _differs(field, np.array([7]), np.array([np.nan]))  # NaN is never equal


@pytest.mark.parametrize("engine", ["numpy", "numba"])
def test_slots_no_plant_has_stood_in_keep_their_first_values(engine: str) -> None:
    """Each cell's ``reach`` covers every plant there has been, and after every step of a
    history the slots beyond it hold exactly what they held in the first year: the compiled
    kernels, which skip them, can then give what the reference gives."""
    from angang.engine.rng import CompiledStreams, Streams
    from angang.engine.state import reach_of, untouched
    from angang.model.loop import schedule

    scenario = load_scenario("baseline")
    world = make_world(scenario, 0.3)
    params = Params.repeat(scenario.parameters, 2)
    first = initial_state(scenario, world, params, 2)
    # as the loop runs them: the compiled engine changes an owned state in place
    state = owned(copy.deepcopy(first), engine == "numba")
    rng = (CompiledStreams if engine == "numba" else Streams)(3, np.arange(2))
    ever = state.active.copy()
    per_slot = [
        f.name
        for f in dataclasses.fields(State)
        if isinstance(getattr(first, f.name), np.ndarray)
        and getattr(first, f.name).shape[:2] == state.active.shape
    ]
    assert {"welfare", "owner", "damaged", "workforce", "on_site"} <= set(per_slot)
    for _ in world.timeline.years:
        for step in schedule(engine):
            state = step(state, world, params, rng)
            ever |= state.active
            assert np.array_equal(
                state.reach, np.maximum(first.reach, reach_of(world.layout, ever))
            )
            idle = untouched(state, world.layout)
            for name in per_slot:
                now, then = getattr(state, name)[idle], getattr(first, name)[idle]
                assert np.array_equal(now, then), f"{name} changed where no plant stood"
    assert 0 < untouched(state, world.layout).sum() < state.active.size  # both kinds of slot


def test_writable_is_the_field_only_where_the_state_is_owned() -> None:
    """A pure step changes a copy; a step of the owning loop changes the field itself; the
    mark survives :func:`replace` and can be taken off (a checkpoint's copy is not owned)."""
    state = _state()
    copied = writable(state, "capacity")
    assert copied is not state.capacity and np.array_equal(copied, state.capacity)
    mine = owned(state)
    assert writable(mine, "capacity") is state.capacity
    assert writable(replace(mine, food=np.ones(2)), "damaged") is state.damaged
    assert writable(owned(mine, False), "capacity") is not state.capacity


def _arrays(state: State) -> dict[str, np.ndarray]:
    return {
        f.name: getattr(state, f.name)
        for f in dataclasses.fields(State)
        if isinstance(getattr(state, f.name), np.ndarray)
    }


def _inputs(world: World, params: Params) -> list[np.ndarray]:
    """The arrays of the world (layout, timeline, projects) and of the parameters."""
    found = [v for v in vars(params)["_values"].values() if isinstance(v, np.ndarray)]
    for part in (world.layout, world.timeline, world.projects):
        found += [v for v in vars(part).values() if isinstance(v, np.ndarray)]
        found += [  # the layout's cached properties, once asked for
            v for v in getattr(part, "__dict__", {}).values() if isinstance(v, np.ndarray)
        ]
    return found


@pytest.mark.parametrize("engine", ["numpy", "numba"])
def test_steps_change_only_what_they_own(engine: str) -> None:
    """Along a history, after every step: no two fields of the state share memory, nor a
    field with the world or the parameters (a change in place reaches one field only), and a
    step given a state it does not own (the reference's) leaves that state exactly as it
    was."""
    from angang.engine.rng import CompiledStreams, Streams
    from angang.model.loop import schedule

    scenario = load_scenario("baseline")
    world = make_world(scenario, 0.3)
    params = Params.repeat(scenario.parameters, 2)
    inputs = _inputs(world, params)
    assert len(inputs) > 20
    state = owned(initial_state(scenario, world, params, 2), engine == "numba")
    rng = (CompiledStreams if engine == "numba" else Streams)(5, np.arange(2))
    for _ in world.timeline.years:
        for step in schedule(engine):
            before = copy.deepcopy(_arrays(state)) if engine == "numpy" else {}
            given = _arrays(state)
            state = step(state, world, params, rng)
            for name, array in before.items():
                assert np.array_equal(given[name], array, equal_nan=True), (step, name)
            arrays = list(_arrays(state).items())
            for i, (name, array) in enumerate(arrays):
                for other, second in arrays[i + 1 :]:
                    assert not np.shares_memory(array, second), (step, name, other)
                assert not any(np.shares_memory(array, x) for x in inputs), (step, name)

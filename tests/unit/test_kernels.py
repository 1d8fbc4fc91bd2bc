"""Every compiled kernel gives exactly what its NumPy reference gives: on states taken from
histories with parameters drawn across their ranges, as they are and perturbed into corners
(plants closed with staff still on the books, hungry years, losses, odd technology mixes),
and on whole ensembles, down to the last bit of series.parquet."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import fields, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from angang.engine.compiled import sources_digest
from angang.engine.rng import Streams
from angang.engine.state import (
    COHORT_SPLIT,
    Params,
    State,
    initial_state,
    owned,
    reach_of,
    untouched,
)
from angang.engine.world import World, make_world
from angang.mechanisms import construction, disorder, investment
from angang.model import kernels
from angang.model.kernels import shapes
from angang.model.kernels.construction import build_all
from angang.model.kernels.labour import employ
from angang.model.kernels.rehabilitation import rehabilitation_step
from angang.model.kernels.technology import technology_step
from angang.model.loop import SCHEDULE, schedule, simulate
from angang.runner import run
from angang.scenario import load_scenario, parameter_table

RUNS, SCALE, SEED = 3, 0.3, 4
YEARS = (1925, 1938, 1946, 1953, 1959, 1962, 1967, 1975, 1985, 1995)
#: (reference, compiled) for every step the compiled schedule replaces
PAIRS = [(ref, new) for ref, new in zip(SCHEDULE, schedule("numba"), strict=True) if ref is not new]


def _params(draw: int) -> Params:
    """Every parameter drawn uniformly in its range, independently for each run."""
    rng = np.random.default_rng(draw)
    rows = parameter_table()
    names = [r["name"] for r in rows]
    points = np.array([[rng.uniform(r["low"], r["high"]) for r in rows] for _ in range(RUNS)])
    return Params.from_points(load_scenario("baseline").parameters, names, points)


def _states(world: World, params: Params) -> Iterator[tuple[State, Streams]]:
    """The state at the start of each of :data:`YEARS` (reference schedule), with its
    streams where they stand."""
    scenario = load_scenario("baseline")
    rng = Streams(SEED, np.arange(RUNS))
    state = initial_state(scenario, world, params, RUNS)
    for year in world.timeline.years:
        if year in YEARS:
            yield state, rng
        for step in SCHEDULE:
            state = step(state, world, params, rng)


def _perturbed(state: State, world: World, seed: int) -> State:
    """The same state pushed into corners the history may rarely reach."""
    rng = np.random.default_rng(seed)
    shape = state.active.shape
    closed = rng.random(shape) < 0.15  # closed plants keep their staff on the books a year
    opened = rng.random(shape) < 0.05
    provenance = rng.dirichlet(np.ones(state.provenance.shape[2]), size=shape)
    keep = rng.random(shape) < 0.3
    provenance[keep] = state.provenance[keep]
    tech = np.where(rng.random(shape) < 0.5, rng.random(shape), state.tech)
    pushed = replace(
        state,
        active=(state.active & ~closed) | opened,
        capacity=state.capacity * rng.uniform(0.0, 2.0, shape) * (rng.random(shape) > 0.05),
        tech=np.where(rng.random(shape) < 0.05, 0.0, tech),
        provenance=provenance,
        workforce=state.workforce * rng.uniform(0.0, 3.0, state.workforce.shape),
        on_site=rng.uniform(0.0, 5.0, state.on_site.shape) * (rng.random(shape) < 0.1)[..., None],
        profit=rng.normal(0.0, 1.0, shape),
        claim=rng.uniform(0.0, 0.5, shape),
        fatigue=rng.uniform(0.0, 1.0, shape),
        food=rng.uniform(0.5, 1.0, state.food.shape),
        # small campaign plants with few or many peasants to work them
        small=state.small | (rng.random(shape) < 0.2),
        pulled=rng.uniform(0.0, 0.4, state.pulled.shape) * (rng.random(state.pulled.shape) < 0.8),
        owner=rng.choice(np.unique(state.owner), shape).astype(state.owner.dtype),
    )
    return _in_reach(pushed, state, world, seed)


def _in_reach(new: State, old: State, world: World, seed: int) -> State:
    """``new`` (a perturbed ``old``) made a state a history can reach: each cell's reach
    raised a few slots at random and over every active slot, and every slot no plant has
    stood in as ``old`` has it (a fresh slot's values)."""
    lay = world.layout
    rng = np.random.default_rng(seed)
    limit = lay.cell_size - lay.campaign_slots
    raised = np.minimum(old.reach + rng.integers(0, 3, old.reach.shape), limit)
    reach = np.maximum(np.maximum(old.reach, raised), reach_of(lay, new.active))
    idle = untouched(replace(new, reach=reach), lay)
    kept = {}
    for f in fields(State):
        value = getattr(new, f.name)
        if isinstance(value, np.ndarray) and value.shape[:2] == idle.shape:
            mask = idle.reshape(idle.shape + (1,) * (value.ndim - 2))
            kept[f.name] = np.where(mask, getattr(old, f.name), value)
    return replace(new, reach=reach, **kept)


def _copy_streams(rng: Streams) -> Streams:
    twin = Streams(SEED, rng.run_ids)
    twin.restore(rng.positions())
    return twin


def _assert_same(a: State, b: State, what: str) -> None:
    for f in fields(State):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype and x.shape == y.shape, f"{what}: {f.name}"
            same = np.array_equal(x, y, equal_nan=x.dtype.kind == "f")
            assert same, f"{what}: {f.name} differs in {np.sum(x != y)} of {x.size} values"
        else:
            assert x == y, f"{what}: {f.name}"


def test_the_compiled_schedule_replaces_the_heavy_loops() -> None:
    names = {getattr(ref, "__qualname__", "") for ref, _ in PAIRS}
    assert {"step", "employ"} <= names and len(PAIRS) >= 3


@pytest.mark.parametrize("draw", [0, 1])
def test_every_kernel_equals_its_reference(draw: int) -> None:
    world = make_world(load_scenario("baseline"), SCALE)
    params = _params(draw)
    checked = 0
    for state, rng in _states(world, params):
        for variant in (state, _perturbed(state, world, draw * 100 + state.year)):
            for reference, compiled in PAIRS:
                ref_rng = _copy_streams(rng)
                want = reference(variant, world, params, ref_rng)
                what = f"{getattr(reference, '__module__', reference)} in {state.year}"
                # as the compiled loop runs it (changing the state's arrays in place) and on
                # a state it does not own (changing copies)
                for given in (owned(copy.deepcopy(variant)), variant):
                    new_rng = _copy_streams(rng)
                    got = compiled(given, world, params, new_rng)
                    _assert_same(want, got, what)
                    assert ref_rng.positions() == new_rng.positions(), f"{what}: draws differ"
                checked += 1
    assert checked == len(YEARS) * 2 * len(PAIRS)


#: sums over plants a compiled step hands its reference, compared on their own (a step's
#: result could hide a difference behind a clip or a threshold)
SUMS = [
    (lambda s, w, p: investment.plant_sums(s, w, p), kernels.investment_sums),
    (lambda s, w, p: disorder.weakness_sums(s, w), lambda s, w, p: kernels.weakness_sums(s, w)),
]


@pytest.mark.parametrize("pair", range(len(SUMS)))
def test_the_sums_steps_read_equal_their_reference(pair: int) -> None:
    reference, compiled = SUMS[pair]
    world = make_world(load_scenario("baseline"), SCALE)
    params = _params(pair)
    for state, _ in _states(world, params):
        for variant in (state, _perturbed(state, world, state.year)):
            want, got = reference(variant, world, params), compiled(variant, world, params)
            pairs = (
                [(f.name, getattr(want, f.name), getattr(got, f.name)) for f in fields(want)]
                if not isinstance(want, tuple)
                else list(zip(("weak", "total"), want, got, strict=True))
            )
            for name, a, b in pairs:
                assert a.shape == b.shape and np.array_equal(a, b), f"{name} in {state.year}"


def _observed(state: State, world: World, seed: int) -> State:
    """The quantities only the record reads, pushed into corners too: targets on some plants
    and not others, reports above and below output, layoffs, protest, grievance, control."""
    rng = np.random.default_rng(seed)
    shape = state.active.shape
    pushed = replace(
        state,
        output=state.output * rng.uniform(0.0, 2.0, shape),
        reported=state.output * rng.uniform(0.5, 3.0, shape),
        target=rng.uniform(0.0, 50.0, shape) * (rng.random(shape) < 0.4),
        laid_off=rng.uniform(0.0, 100.0, shape) * (rng.random(shape) < 0.3),
        protest=rng.poisson(0.2, shape).astype(float),
        grievance=rng.random(shape),
        director_power=rng.random(shape),
        ministry_control=rng.random(shape),
        committee_power=rng.random(state.committee_power.shape),
    )
    return _in_reach(pushed, state, world, seed)


@pytest.mark.parametrize("draw", [0, 1])
def test_the_records_sums_equal_their_reference(draw: int) -> None:
    from angang.model.observe import CELL_FIELDS, observe, totals

    world = make_world(load_scenario("baseline"), SCALE)
    params = _params(draw)
    for state, _ in _states(world, params):
        perturbed = _perturbed(state, world, draw * 100 + state.year)
        shape = state.active.shape
        # most slots empty, as at full scale, where the kernel skips what they add
        rng = np.random.default_rng(state.year)
        sparse = replace(perturbed, active=perturbed.active & (rng.random(shape) < 0.15))
        assert (4 * sparse.active.sum(axis=1) < sparse.active.shape[1]).all()
        for variant in (state, perturbed, _observed(perturbed, world, state.year), sparse):
            want, got = totals(variant, world), kernels.observe_totals(variant, world)
            for f in fields(want):
                a, b = getattr(want, f.name), getattr(got, f.name)
                assert a.shape == b.shape, f"{f.name} in {state.year}"
                if f.name == "cells":
                    for i, name in enumerate(CELL_FIELDS):
                        assert np.array_equal(a[i], b[i]), f"{name} in {state.year}"
                assert np.array_equal(a, b), f"{f.name} in {state.year}"
            records = observe(variant, world), observe(variant, world, got)
            for name, (entities, values) in records[0].items():
                assert entities == records[1][name][0]
                assert np.array_equal(values, records[1][name][1], equal_nan=True), name


@pytest.mark.parametrize(
    "n", [1, 5, 7, 8, 9, 16, 23, 128, 129, 242, 243, 300, 470, 471, 926, 927, 1000, 2500, 4097]
)
def test_pairwise_sum_is_numpys(n: int) -> None:
    rng = np.random.default_rng(n)
    for _ in range(20):
        a = rng.random(n) * 10.0 ** rng.uniform(-6, 6, n)
        assert kernels.pairwise_sum(a, 0, n) == a.sum()
    a = rng.random(n + 3)
    assert kernels.pairwise_sum(a, 3, n) == a[3:].sum()


@pytest.mark.parametrize("n", [1, 7, 8, 9, 100, 128, 129, 300, 471, 1000, 4097])
def test_a_sum_that_skips_never_used_slots_is_numpys_with_their_zeros(n: int) -> None:
    """Slots no plant has stood in add +0.0 where NumPy adds them, without their (unwritten)
    values being read: here they hold NaN, which would show if they were."""
    from angang.model.kernels.sums import pairwise_sum_gap, reduceat_gap

    rng = np.random.default_rng(n)
    for _ in range(30):
        a = rng.random(n + 2) * 10.0 ** rng.uniform(-6, 6, n + 2)
        g0 = int(rng.integers(0, n + 3))
        g1 = int(rng.integers(g0, n + 3))
        zeros = a.copy()
        zeros[g0:g1] = 0.0
        unread = a.copy()
        unread[g0:g1] = np.nan
        assert pairwise_sum_gap(unread.copy(), 2, n, g0, g1) == zeros[2:].sum()
        want = np.add.reduceat(zeros, [1])[0]
        assert reduceat_gap(unread.copy(), 1, n + 2, g0, g1) == want


def test_the_records_sums_handle_an_empty_cell_as_reduceat_does() -> None:
    """No layout has an empty region x sector cell today; if one had, reduceat's sum for it
    (the next cell's first value) is what the kernel gives too. Cells 5, 9 and 10 lose their
    slots here (two empty cells in a row), and the sums of the first year's plants, pushed
    into corners, are compared."""
    from angang.model.observe import totals

    scenario = load_scenario("baseline")
    world = make_world(scenario, SCALE)
    lay = world.layout
    emptied = np.isin(lay.range_cell, [5, 9, 10]) & (
        lay.work_slot[:, None] != np.arange(lay.n)
    ).all(axis=0)
    keep = ~emptied
    sizes = np.bincount(lay.range_cell[keep], minlength=lay.cell_start.size)
    new_slot = np.cumsum(keep) - 1
    layout = replace(
        lay,
        region=lay.region[keep],
        sector=lay.sector[keep],
        committee=lay.committee[keep],
        campaign=lay.campaign[keep],
        work_slot=np.where(lay.work_slot >= 0, new_slot[lay.work_slot], -1),
        cell_start=np.concatenate([[0], np.cumsum(sizes)[:-1]]),
        cell_size=sizes,
    )
    assert (layout.cell_size[[5, 9, 10]] == 0).all() and layout.cell_size.min() == 0
    world = replace(world, layout=layout)
    state = initial_state(scenario, world, _params(0), RUNS)
    for variant in (state, _observed(_perturbed(state, world, 5), world, 6)):
        want, got = totals(variant, world), kernels.observe_totals(variant, world)
        assert np.array_equal(want.cells, got.cells)


def test_reduceat_sum_is_numpys_reduceat() -> None:
    """Cells of every size a layout has, and an empty one (reduceat then gives the first)."""
    from angang.model.kernels.sums import reduceat_sum

    rng = np.random.default_rng(7)
    sizes = [1, 2, 7, 8, 9, 16, 40, 129, 300, 0, 5, 1000]
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    n = int(np.sum(sizes)) + 1
    row = rng.random(n) * 10.0 ** rng.uniform(-6, 6, n)
    want = np.add.reduceat(row, starts)
    ends = [*starts[1:], n]
    got = [reduceat_sum(row, int(lo), int(hi)) for lo, hi in zip(starts, ends, strict=True)]
    assert np.array_equal(np.array(got), want)


def test_a_batch_is_the_same_history_in_both_engines() -> None:
    scenario = load_scenario("baseline")
    a = simulate(scenario, np.arange(4), 9, scale=0.5, engine="numpy")
    b = simulate(scenario, np.arange(4), 9, scale=0.5, engine="numba")
    assert a.records.keys() == b.records.keys()
    for name, (entities, values) in a.records.items():
        assert entities == b.records[name][0]
        assert np.array_equal(values, b.records[name][1], equal_nan=True), name
    assert np.array_equal(a.enterprise_years, b.enterprise_years)


def test_series_parquet_is_identical_whatever_the_engine(tmp_path: Path) -> None:
    files = []
    for engine in ("numpy", "numba"):
        out = tmp_path / engine
        run("no-great-leap", runs=3, seed=2, out=out, scale=0.3, batch_size=2, engine=engine)
        files.append(out / "series.parquet")
    a, b = (pd.read_parquet(f) for f in files)
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_an_unknown_engine_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="engine: expected one of numba, numpy"):
        schedule("cuda")


def test_the_kernels_load_from_numbas_cache(tmp_path: Path) -> None:
    """A second process loads the compiled kernels from the on-disk cache rather than
    compiling them again (a recursive kernel once crashed on this; the draws' kernels take
    Numba's typed list of NumPy generators)."""
    code = (
        "import numpy as np; from angang.model import kernels; from angang.engine import rng; "
        "from angang.model.kernels import construction, technology; "
        "from angang.scenario import load_scenario; from angang.model.loop import simulate; "
        "simulate(load_scenario('baseline'), np.arange(1), 1, scale=0.05, engine='numba'); "
        "kernels_ = (kernels.pairwise_sum, construction._build_all, technology._technology, "
        "rng._fill_normal); "
        "print(sum(sum(k.stats.cache_hits.values()) for k in kernels_), "
        "sum(sum(k.stats.cache_misses.values()) for k in kernels_))"
    )
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    first, second = (
        subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        ).stdout.split()[-2:]
        for _ in range(2)
    )
    assert first == ["0", "4"], first  # compiled: four misses
    assert second == ["4", "0"], second  # loaded: four hits, nothing compiled
    keyed = tmp_path / f"kernels-{sources_digest()}"
    assert any(keyed.rglob("*.nbi")), "the cache is not in the directory keyed by the sources"
    assert sorted(p.name for p in tmp_path.iterdir()) == [keyed.name]


def test_the_kernels_compile_in_the_states_short_axes() -> None:
    """The lengths the kernels compile in are the state's (cohorts, sources, powers)."""
    scenario = load_scenario("baseline")
    world = make_world(scenario, 0.05)
    state = initial_state(scenario, world, Params.repeat(scenario.parameters, 1), 1)
    assert state.workforce.shape[2] == shapes.N_COHORTS
    assert state.provenance.shape[2] == shapes.N_SOURCES
    assert state.on_site.shape[2] == shapes.N_POWERS
    assert COHORT_SPLIT.size == shapes.N_DOMESTIC


@pytest.mark.parametrize("step", [technology_step, rehabilitation_step, employ])
def test_a_kernel_refuses_arrays_of_another_length(step) -> None:  # type: ignore[no-untyped-def]
    """A compiled loop of fixed length would read past a shorter array without a word; the
    wrappers check first."""
    scenario = load_scenario("baseline")
    world = make_world(scenario, 0.05)
    params = Params.repeat(scenario.parameters, 1)
    state = initial_state(scenario, world, params, 1)
    short = replace(state, workforce=state.workforce[..., :-1].copy())
    with pytest.raises(ValueError, match="workforce has 6 values on its last axis"):
        step(short, world, params, Streams(1, np.arange(1)))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_construction_equals_its_reference_in_its_corners(seed: int) -> None:
    """Building orders the histories rarely give: more entrants than free slots, cells with
    no free slot or no plant of the builder's kind, orders with entrants and nothing added,
    every kind of builder, in one run of a batch and not the others."""
    scenario = load_scenario("baseline")
    world = make_world(scenario, SCALE)
    lay = world.layout
    params = _params(seed)
    state = _perturbed(next(iter(_states(world, params)))[0], world, seed)
    rng = np.random.default_rng(seed)
    runs, cells, regions = RUNS, lay.cell_start.size, lay.coast.size
    full = rng.random(cells) < 0.2  # every slot of the cell taken
    active = state.active | full[np.repeat(np.arange(cells), lay.cell_size)][None, :]
    added = rng.exponential(50.0, (runs, 2, cells)) * (rng.random((runs, 2, cells)) < 0.7)
    sources = rng.dirichlet(np.ones(shapes.N_POWERS), (runs, regions))
    orders = construction.Orders(
        added=added,
        count=rng.integers(0, 60, (runs, 2, cells)) * (rng.random((runs, 2, cells)) < 0.6),
        builder=rng.choice(np.unique(state.owner), (runs, 2, cells)).astype(np.int8),
        entry_share=rng.uniform(0.0, 1.0, (runs, lay.price.size)),
        quality=rng.uniform(0.5, 1.0, (runs, regions)),
        level=rng.uniform(0.0, 1.0, (runs, regions)),
        strength=rng.uniform(0.0, 1.0, (runs, regions)) * (rng.random((runs, regions)) < 0.7),
        sources=sources,
    )
    arrays = (state.capacity, active, state.owner, state.tech, state.provenance, state.small)
    want = [a.copy() for a in arrays] + [np.zeros((runs, shapes.N_POWERS))]
    got = [a.copy() for a in arrays] + [np.zeros((runs, shapes.N_POWERS))]
    construction.build_all(lay, *want, orders)
    build_all(lay, *got, orders, np.maximum(state.reach, reach_of(lay, active)))
    for name, x, y in zip(
        ("capacity", "active", "owner", "tech", "provenance", "small", "transfer"),
        want,
        got,
        strict=True,
    ):
        assert np.array_equal(x, y), f"{name} differs in {np.sum(x != y)} of {x.size} values"
    assert not np.array_equal(want[0], state.capacity)  # something was built


@pytest.mark.parametrize("scale", [0.05, 1.0, 60.0])
def test_cells_are_region_major_slot_ranges(scale: float) -> None:
    """The kernels that go a cell at a time read a cell's region as c // sectors and its
    sector as c % sectors, and its slots as one range: the layout must keep to that."""
    lay = make_world(load_scenario("baseline"), scale).layout
    cell_of = np.repeat(np.arange(lay.cell_start.size), lay.cell_size)
    assert cell_of.size == lay.n and np.array_equal(lay.cell, cell_of)
    assert np.array_equal(lay.region, cell_of // lay.price.size)
    assert np.array_equal(lay.sector, cell_of % lay.price.size)

"""Compiled planning (:mod:`angang.mechanisms.planning`): reports, targets and the budget's
exits."""

from __future__ import annotations

import numpy as np
from numba import uint64

from angang.engine.compiled import kernel
from angang.engine.rng import Streams
from angang.engine.state import Params, State, replace, writable
from angang.engine.world import FIRST_SOE, OWNER, SOE_BY_CODE, Levers, World
from angang.mechanisms import planning
from angang.model.kernels.slots import bounded, piece, span


@kernel(error_model="numpy")
def _plan(  # pragma: no cover - compiled
    active: np.ndarray,
    owner: np.ndarray,
    small: np.ndarray,
    capacity: np.ndarray,
    wear: np.ndarray,
    damaged: np.ndarray,
    output: np.ndarray,
    target: np.ndarray,
    director_power: np.ndarray,
    cell_start: np.ndarray,
    cell_size: np.ndarray,
    campaign_slots: np.ndarray,
    reach: np.ndarray,
    n_sectors: int,
    planning_lever: np.ndarray,
    campaign_lever: np.ndarray,
    slack_hiding: np.ndarray,
    small_usable: np.ndarray,
    overreport: np.ndarray,
    plan_growth: np.ndarray,
    campaign_target_boost: np.ndarray,
    ratchet: np.ndarray,
    first_soe: int,
    routine_pressure: float,
    reported: np.ndarray,
    hidden: np.ndarray,
    next_rate: np.ndarray,
) -> None:
    """:func:`angang.mechanisms.planning.step` before the budget's exits: writes
    ``reported``, ``hidden`` and ``next_rate`` (which it does not read: the state's own
    arrays or copies of them, :func:`writable`).

    A cell at a time, so that its region's levers are read once, and without a branch or a
    table lookup per slot (an SOE is an owner code from ``first_soe`` on): LLVM then does
    several slots at once, each with the reference's operations in its order. Slots no plant
    has stood in are not visited: they keep the zeros they have held since the first year
    (they report, hide and are set nothing)."""
    n_runs = active.shape[0]
    reach = bounded(reach, cell_size, campaign_slots, active.shape[1])
    for b in range(n_runs):
        usable = max(small_usable[b], 1e-9)
        for c in range(cell_start.size):
            r = c // n_sectors
            lever = planning_lever[b, r]
            campaign = campaign_lever[b, r]
            growth = 1.0 + plan_growth[b] + campaign_target_boost[b] * campaign
            lo, mid, tail, hi = span(cell_start, cell_size, campaign_slots, reach, b, c)
            # the cell's slots as views, made once (a view costs as much as a few slots)
            act, own, sml = active[b, lo:hi], owner[b, lo:hi], small[b, lo:hi]
            cap, wr, dmg = capacity[b, lo:hi], wear[b, lo:hi], damaged[b, lo:hi]
            out, tgt, pwr = output[b, lo:hi], target[b, lo:hi], director_power[b, lo:hi]
            rep, hid, nxt = reported[b, lo:hi], hidden[b, lo:hi], next_rate[b, lo:hi]
            for part in range(2):  # the slots that have held a plant, then the campaign slot
                start, stop = piece(0, mid - lo, tail - lo, hi - lo, part)
                for i in range(uint64(start), uint64(stop)):
                    soe = 1.0 if own[i] >= first_soe else 0.0
                    plan = lever * soe * (1.0 if act[i] else 0.0)
                    power = pwr[i]
                    hide = slack_hiding[b] * power * plan
                    seen = cap[i] * (1.0 - wr[i]) * (1.0 - dmg[i]) * (1.0 - hide)
                    pressure = min(
                        max(campaign * (1.0 - power) + routine_pressure * plan, 0.0), 1.0
                    )
                    # small plants report the worthless part too
                    made = out[i] / usable if sml[i] else out[i]
                    planned = 1.0 if plan > 0 else 0.0
                    gap = max(0.0, tgt[i] - made) * planned
                    report = made + overreport[b] * pressure * gap
                    ratcheted = report + ratchet[b] * (report - tgt[i]) if tgt[i] > 0 else report
                    ceiling = seen * (1.0 + campaign_target_boost[b] * campaign)
                    wanted = min(max(ratcheted * growth, 0.0), ceiling) * planned
                    rep[i] = report
                    hid[i] = hide
                    nxt[i] = wanted / seen if seen > 0 else 0.0


def planning_step(state: State, world: World, params: Params, rng: Streams) -> State:
    """The compiled :func:`angang.mechanisms.planning.step` (same results, same draws)."""
    lay = world.layout
    reported, hidden, next_rate = (
        writable(state, name) for name in ("reported", "hidden", "next_rate")
    )
    _plan(
        state.active,
        state.owner,
        state.small,
        state.capacity,
        state.wear,
        state.damaged,
        state.output,
        state.target,
        state.director_power,
        lay.cell_start,
        lay.cell_size,
        lay.campaign_slots,
        state.reach,
        lay.price.size,
        state.lever(Levers.PLANNING),
        state.lever(Levers.CAMPAIGN_INTENSITY),
        params.slack_hiding[:, 0],
        params.small_usable[:, 0],
        params.overreport[:, 0],
        params.plan_growth[:, 0],
        params.campaign_target_boost[:, 0],
        params.ratchet[:, 0],
        FIRST_SOE,
        planning.ROUTINE_PRESSURE,
        reported,
        hidden,
        next_rate,
    )
    planned = replace(state, reported=reported, hidden=hidden, next_rate=next_rate)
    return budget(planned, world, params, rng)


@kernel
def _exits(  # pragma: no cover - compiled
    draw: np.ndarray,
    owner: np.ndarray,
    profit: np.ndarray,
    active: np.ndarray,
    is_work: np.ndarray,
    region: np.ndarray,
    hardness_lever: np.ndarray,
    soft_budget_exit: np.ndarray,
    soe_by_code: np.ndarray,
    colonial: int,
    cell_start: np.ndarray,
    cell_size: np.ndarray,
    campaign_slots: np.ndarray,
    reach: np.ndarray,
    exits: np.ndarray,
) -> int:
    """:func:`angang.mechanisms.planning.budget`'s exits: writes the plants that exit into
    ``exits`` as flat indices into (B, N) and returns how many. Only the slots a plant has
    stood in are looked at (the others have no plant to close)."""
    n_runs, n_slots = draw.shape
    reach = bounded(reach, cell_size, campaign_slots, n_slots)
    found = 0
    for b in range(n_runs):
        for c in range(cell_start.size):
            lo, mid, tail, hi = span(cell_start, cell_size, campaign_slots, reach, b, c)
            for part in range(2):
                start, stop = piece(lo, mid, tail, hi, part)
                for n in range(uint64(start), uint64(stop)):
                    if profit[b, n] < 0 and active[b, n] and not is_work[n]:
                        code = owner[b, n]
                        governed = soe_by_code[code] or code == colonial
                        hard = hardness_lever[b, region[n]] if governed else 1.0
                        if draw[b, n] < soft_budget_exit[b] * hard:
                            exits[found] = b * n_slots + np.int64(n)
                            found += 1
    return found


def budget(state: State, world: World, params: Params, rng: Streams) -> State:
    """The compiled :func:`angang.mechanisms.planning.budget` (same results, same draws)."""
    lay = world.layout
    draw = rng.uniform(lay.n)
    exits = np.empty(draw.size, dtype=np.int64)  # room for all; only those written are used
    found = _exits(
        draw,
        state.owner,
        state.profit,
        state.active,
        lay.is_work,
        lay.region,
        state.lever(Levers.BUDGET_HARDNESS),
        params.soft_budget_exit[:, 0],
        SOE_BY_CODE,
        OWNER["colonial"],
        lay.cell_start,
        lay.cell_size,
        lay.campaign_slots,
        state.reach,
        exits,
    )
    if not found:
        return state
    # the few plants that exit closed in place where the loop owns the state (times 0, as the
    # reference multiplies by keep; active and small off)
    at = exits[:found]  # (run, slot) pairs as flat indices into (B, N)
    closed = {name: writable(state, name) for name in ("active", "small", *planning.CLOSED)}
    for field in closed.values():
        np.put(field, at, np.take(field, at) * 0.0 if field.dtype.kind == "f" else False)
    return replace(state, **closed)


@kernel
def _targets(  # pragma: no cover - compiled
    next_rate: np.ndarray,
    capacity: np.ndarray,
    wear: np.ndarray,
    damaged: np.ndarray,
    hidden: np.ndarray,
    cell_start: np.ndarray,
    cell_size: np.ndarray,
    campaign_slots: np.ndarray,
    reach: np.ndarray,
    target: np.ndarray,
) -> None:
    """``target = next_rate * seen_capacity``, element by element in the reference's order
    (one pass instead of seven whole-array operations), on the slots a plant has stood in;
    ``target`` is the state's own array or a copy of it (:func:`writable`), whose other
    slots keep the zeros they have held since the first year (they have no target)."""
    n_runs = target.shape[0]
    reach = bounded(reach, cell_size, campaign_slots, target.shape[1])
    for b in range(n_runs):
        for c in range(cell_start.size):
            lo, mid, tail, hi = span(cell_start, cell_size, campaign_slots, reach, b, c)
            for part in range(2):
                start, stop = piece(lo, mid, tail, hi, part)
                for n in range(uint64(start), uint64(stop)):
                    seen = capacity[b, n] * (1.0 - wear[b, n]) * (1.0 - damaged[b, n])
                    target[b, n] = next_rate[b, n] * (seen * (1.0 - hidden[b, n]))


def new_plan_year(state: State, world: World, params: Params, rng: Streams) -> State:
    """The compiled :func:`angang.mechanisms.planning.new_plan_year` (same results)."""
    lay = world.layout
    target = writable(state, "target")
    _targets(
        state.next_rate,
        state.capacity,
        state.wear,
        state.damaged,
        state.hidden,
        lay.cell_start,
        lay.cell_size,
        lay.campaign_slots,
        state.reach,
        target,
    )
    return replace(state, target=target)

"""Compiled technology transfer (:mod:`angang.mechanisms.technology`) and the absorptive
capacity it and rehabilitation share."""

from __future__ import annotations

import numpy as np
from numba import uint64

from angang.engine.compiled import kernel
from angang.engine.rng import Streams
from angang.engine.state import Params, State, replace, writable
from angang.engine.world import SOE_BY_CODE, Levers, World
from angang.ids import POWERS, WORKS
from angang.mechanisms import technology
from angang.model.kernels.shapes import N_COHORTS, N_DOMESTIC, N_POWERS, N_SOURCES, check_lengths
from angang.model.kernels.slots import bounded, piece, span


@kernel(inline="always")
def absorptive_capacity(  # pragma: no cover - compiled
    workforce: np.ndarray,
    on_site: np.ndarray,
    b: int,
    n: int,
    engineers: int,
    expert_weight: float,
    normal_engineer_share: float,
) -> float:
    """:func:`angang.mechanisms.technology.absorptive_capacity` of one plant (copied into
    its callers by Numba: called for every plant, it costs a tenth of the step otherwise)."""
    domestic = 0.0
    for k in range(N_DOMESTIC):
        domestic += workforce[b, n, k]
    staff_experts = 0.0
    for k in range(N_DOMESTIC, N_COHORTS):
        staff_experts += workforce[b, n, k]
    visiting = 0.0
    for p in range(N_POWERS):
        visiting += on_site[b, n, p]
    skilled = workforce[b, n, engineers] + expert_weight * (staff_experts + visiting)
    expected = normal_engineer_share * domestic
    ratio = skilled / expected if expected > 0 else 0.0
    return min(max(ratio, 0.0), 1.0)


@kernel
def _technology(  # pragma: no cover - compiled
    tech: np.ndarray,
    provenance: np.ndarray,
    active: np.ndarray,
    owner: np.ndarray,
    capacity: np.ndarray,
    workforce: np.ndarray,
    on_site: np.ndarray,
    region: np.ndarray,
    sector: np.ndarray,
    price: np.ndarray,
    frontier: np.ndarray,
    allied: np.ndarray,
    planning: np.ndarray,
    transfer_rate: np.ndarray,
    indigenous_rate: np.ndarray,
    expert_weight: np.ndarray,
    diffusion_rate: np.ndarray,
    soe_by_code: np.ndarray,
    angang: int,
    engineers: int,
    normal_engineer_share: float,
    cell_start: np.ndarray,
    cell_size: np.ndarray,
    campaign_slots: np.ndarray,
    reach: np.ndarray,
    transfer: np.ndarray,
) -> None:
    """:func:`angang.mechanisms.technology.step` for all runs: updates ``tech`` and
    ``provenance`` in place (the state's own arrays or copies of them, :func:`writable`) and
    writes ``transfer`` (zeroed by the caller). A slot's old values are read before its new
    ones are written, Angang's (which every plant's diffusion reads) before any; an empty
    slot, and one no plant has stood in (:mod:`angang.model.kernels.slots`), keeps what it
    holds."""
    n_runs = tech.shape[0]
    reach = bounded(reach, cell_size, campaign_slots, tech.shape[1])
    foreign = np.zeros(N_POWERS)
    gained = np.zeros(N_SOURCES)
    lead_mix = np.zeros(N_SOURCES)  # Angang's provenance at the start of the year
    for b in range(n_runs):
        lead = 0.0
        if angang >= 0:
            lead = tech[b, angang] * active[b, angang]
            for p in range(N_SOURCES):
                lead_mix[p] = provenance[b, angang, p]
        for c in range(cell_start.size):
            lo, mid, tail, hi = span(cell_start, cell_size, campaign_slots, reach, b, c)
            for part in range(2):  # the slots that have held a plant, then the campaign slot
                start, stop = piece(lo, mid, tail, hi, part)
                for n in range(uint64(start), uint64(stop)):
                    if not active[b, n]:  # an empty slot learns nothing and keeps what it had
                        continue
                    t = tech[b, n]
                    absorb = absorptive_capacity(
                        workforce,
                        on_site,
                        b,
                        n,
                        engineers,
                        expert_weight[b],
                        normal_engineer_share,
                    )
                    r = region[n]
                    best_gap = 0.0
                    total = 0.0
                    for p in range(N_POWERS):
                        gap = max(0.0, frontier[p] - t)
                        best_gap = max(best_gap, gap) if p > 0 else gap
                        foreign[p] = transfer_rate[b] * allied[b, r, p] * absorb * gap
                        total += foreign[p]
                    scale = best_gap / total if total > best_gap else 1.0
                    shrink = min(1.0, scale)
                    for p in range(N_POWERS):
                        foreign[p] = foreign[p] * shrink
                    home = indigenous_rate[b] * absorb * (1.0 - t)
                    diffused = 0.0
                    if angang >= 0 and n != uint64(angang) and soe_by_code[owner[b, n]]:
                        diffused = diffusion_rate[b] * planning[b, r] * max(0.0, lead - t)
                    foreign_sum = 0.0
                    for p in range(N_POWERS):
                        foreign_sum += foreign[p]
                    tech[b, n] = min(max(t + foreign_sum + home + diffused, 0.0), 1.0)
                    mix0 = lead_mix[0] if angang >= 0 else 1.0
                    gained[0] = home + diffused * mix0
                    for p in range(N_POWERS):
                        mix = lead_mix[p + 1] if angang >= 0 else 0.0
                        gained[p + 1] = foreign[p] + diffused * mix
                    mass = 0.0
                    for p in range(N_SOURCES):
                        mass += t * provenance[b, n, p] + gained[p]
                    if mass > 0:  # (else the plant keeps its provenance)
                        for p in range(N_SOURCES):
                            provenance[b, n, p] = (t * provenance[b, n, p] + gained[p]) / mass
                    value = capacity[b, n] * price[sector[n]]
                    for p in range(N_POWERS):
                        transfer[b, p] += foreign[p] * value


def technology_step(state: State, world: World, params: Params, rng: Streams) -> State:
    """The compiled :func:`angang.mechanisms.technology.step` (same results)."""
    del rng  # technology draws nothing
    lay = world.layout
    frontier = world.timeline.frontier[world.timeline.row(state.year)]
    check_lengths(
        workforce=state.workforce,
        provenance=state.provenance,
        on_site=state.on_site,
        frontier=frontier,
    )
    slot = int(lay.work_slot[WORKS.index("angang")])
    tech, provenance = writable(state, "tech"), writable(state, "provenance")
    transfer = np.zeros((state.runs, len(POWERS)))
    _technology(
        tech,
        provenance,
        state.active,
        state.owner,
        state.capacity,
        state.workforce,
        state.on_site,
        lay.region,
        lay.sector,
        lay.price,
        frontier,
        np.maximum(0.0, state.relations()),
        state.lever(Levers.PLANNING),
        params.transfer_rate[:, 0],
        params.indigenous_rate[:, 0],
        params.expert_weight[:, 0],
        params.diffusion_rate[:, 0],
        SOE_BY_CODE,
        slot,
        technology.ENGINEERS,
        technology.NORMAL_ENGINEER_SHARE,
        lay.cell_start,
        lay.cell_size,
        lay.campaign_slots,
        state.reach,
        transfer,
    )
    return replace(state, tech=tech, provenance=provenance, transfer=transfer)

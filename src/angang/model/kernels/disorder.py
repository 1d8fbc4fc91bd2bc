"""Compiled :func:`angang.mechanisms.disorder.contest`'s sums over SOE plant by cell."""

from __future__ import annotations

import numpy as np
from numba import uint64

from angang.engine.compiled import kernel
from angang.engine.rng import Streams
from angang.engine.state import Params, State
from angang.engine.world import FIRST_SOE, World
from angang.mechanisms import disorder
from angang.model.kernels.slots import bounded, piece, span
from angang.model.kernels.sums import reduceat_gap


@kernel
def _weights(  # pragma: no cover - compiled
    capacity: np.ndarray,
    owner: np.ndarray,
    active: np.ndarray,
    director_power: np.ndarray,
    cell_start: np.ndarray,
    cell_size: np.ndarray,
    campaign_slots: np.ndarray,
    reach: np.ndarray,
    first_soe: int,
    cells: np.ndarray,
) -> None:
    """Writes ``cells`` (2, B, C): by cell, SOE capacity weighted by its directors' weakness
    and SOE capacity, with the reference's products and ``reduceat`` sums (slots no plant
    has stood in add their zeros unread)."""
    n_runs, n_slots = capacity.shape
    reach = bounded(reach, cell_size, campaign_slots, n_slots)
    rows = np.empty((2, n_slots))
    for b in range(n_runs):
        for c in range(cell_start.size):
            lo, mid, tail, hi = span(cell_start, cell_size, campaign_slots, reach, b, c)
            for part in range(2):  # the slots that have held a plant, then the campaign slot
                start, stop = piece(lo, mid, tail, hi, part)
                for n in range(uint64(start), uint64(stop)):
                    held = active[b, n] and owner[b, n] >= first_soe
                    weight = capacity[b, n] * (1.0 if held else 0.0)
                    rows[0, n] = (1.0 - director_power[b, n]) * weight
                    rows[1, n] = weight
            cells[0, b, c] = reduceat_gap(rows[0], lo, hi, mid, tail)
            cells[1, b, c] = reduceat_gap(rows[1], lo, hi, mid, tail)


def weakness_sums(state: State, world: World) -> tuple[np.ndarray, np.ndarray]:
    """The compiled :func:`angang.mechanisms.disorder.weakness_sums` (same results)."""
    lay = world.layout
    cells = np.empty((2, state.runs, lay.cell_start.size))
    _weights(
        state.capacity,
        state.owner,
        state.active,
        state.director_power,
        lay.cell_start,
        lay.cell_size,
        lay.campaign_slots,
        state.reach,
        FIRST_SOE,
        cells,
    )
    weak, total = cells.reshape(2, state.runs, lay.coast.size, lay.price.size).sum(axis=3)
    return weak, total


def disorder_step(state: State, world: World, params: Params, rng: Streams) -> State:
    """The compiled :func:`angang.mechanisms.disorder.step` (same results, same draws)."""
    return disorder.step(state, world, params, rng, sums=weakness_sums)

"""Compiled :func:`angang.mechanisms.investment.plant_sums`: what investment reads from the
plants, formed and summed by cell in one pass over the slots."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
from numba import uint64

from angang.engine.compiled import kernel
from angang.engine.state import Params, State
from angang.engine.world import OWNER, Levers, World
from angang.ids import RULERS
from angang.mechanisms.investment import PlantSums
from angang.model.kernels.slots import bounded, piece, span
from angang.model.kernels.sums import reduceat_gap

PRIVATE = OWNER["private"]
OCCUPATION = RULERS.index("ussr-occupation")


@kernel
def _plant_sums(  # pragma: no cover - compiled
    output: np.ndarray,
    capacity: np.ndarray,
    active: np.ndarray,
    owner: np.ndarray,
    profit: np.ndarray,
    ruler: np.ndarray,
    openness: np.ndarray,
    reinvestment: np.ndarray,
    price: np.ndarray,
    sector: np.ndarray,
    region: np.ndarray,
    cell_start: np.ndarray,
    cell_size: np.ndarray,
    campaign_slots: np.ndarray,
    reach: np.ndarray,
    occupation: int,
    cells: np.ndarray,
) -> None:
    """Writes ``cells`` (6, B, C): output value, capital value, profit, private
    reinvestment, capacity and plants (active) by cell, with
    :func:`angang.mechanisms.investment.plant_sums`' arithmetic (slots no plant has stood
    in add their zeros unread)."""
    n_runs, n_slots = output.shape
    reach = bounded(reach, cell_size, campaign_slots, n_slots)
    n_cells = cell_start.size
    n_fields = cells.shape[0]
    per_slot = np.empty((n_fields, n_slots))
    for b in range(n_runs):
        for c in range(n_cells):
            lo, mid, tail, hi = span(cell_start, cell_size, campaign_slots, reach, b, c)
            for part in range(2):  # the slots that have held a plant, then the campaign slot
                start, stop = piece(lo, mid, tail, hi, part)
                for n in range(uint64(start), uint64(stop)):
                    price_n = price[sector[n]]
                    r = region[n]
                    live = 1.0 if active[b, n] else 0.0
                    value = output[b, n] * price_n
                    private_value = value * (1.0 if owner[b, n] == PRIVATE else 0.0) * live
                    free = 0.0 if ruler[b, r] == occupation else 1.0
                    per_slot[0, n] = value
                    per_slot[1, n] = capacity[b, n] * live * price_n
                    per_slot[2, n] = profit[b, n]
                    per_slot[3, n] = reinvestment[b] * openness[b, r] * private_value * free
                    per_slot[4, n] = capacity[b, n] * live
                    per_slot[5, n] = live
        for f in range(n_fields):
            row = per_slot[f]
            for c in range(n_cells):
                lo, mid, tail, hi = span(cell_start, cell_size, campaign_slots, reach, b, c)
                cells[f, b, c] = reduceat_gap(row, lo, hi, mid, tail)


def investment_sums(state: State, world: World, params: Params) -> PlantSums:
    """The compiled :func:`angang.mechanisms.investment.plant_sums` (same results)."""
    lay = world.layout
    cells = np.empty((len(fields(PlantSums)), state.runs, lay.cell_start.size))
    _plant_sums(
        state.output,
        state.capacity,
        state.active,
        state.owner,
        state.profit,
        state.ruler,
        state.lever(Levers.MARKET_OPENNESS),
        params.private_reinvestment[:, 0],
        lay.price,
        lay.sector,
        lay.region,
        lay.cell_start,
        lay.cell_size,
        lay.campaign_slots,
        state.reach,
        OCCUPATION,
        cells,
    )
    return PlantSums(*cells.reshape(-1, state.runs, lay.coast.size, lay.price.size))

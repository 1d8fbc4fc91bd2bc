"""Construction: how investment becomes plant, and whose technology the new plant embodies.

Part of a cell's new capacity founds new enterprises in free slots, the rest extends existing
plants of the same kind of owner (state or private) in proportion to their size. New plant
embodies the technology its builder can get: a share of its equipment, as large as the
ruler's strongest alliance, is imported from allied powers at their frontier (German plant
for Manchukuo, Soviet for the First Five-Year Plan, Japanese for Baosteel) and carries
their provenance; the rest is built at home at the cell's level. Plant thrown up in a
campaign is of lower quality. Imported technology is recorded as transferred, by source
power, weighted by the value of the capacity it equips. Used by :mod:`.investment` for new
building and for plant relocated inland.

References
----------
Hirata, *Making Mao's Steelworks* (2024), Introduction ('Geopolitics of Technology
Transfers'; Angang rebuilt with Soviet technology in the 1950s).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from angang.engine.state import State
from angang.engine.world import OWNER, Layout, World

FIRST_PLANT_TECH = 0.3  #: technology of the first plant in a cell that has none to copy


@dataclass(frozen=True)
class Offer:
    """Technology on offer from allies in each region: level, strength and source mix."""

    level: np.ndarray  #: float (B, R): alliance-weighted frontier of allied powers
    strength: np.ndarray  #: float (B, R): the strongest alliance, [0, 1]
    sources: np.ndarray  #: float (B, R, P): share of the offer by power


def offer(state: State, world: World) -> Offer:
    """What allied powers can supply to each region this year."""
    frontier = world.timeline.frontier[world.timeline.row(state.year)]  # (P,)
    allied = np.maximum(0.0, state.relations())  # (B, R, P)
    weight = allied.sum(axis=2)
    level = np.divide(
        (allied * frontier).sum(axis=2), weight, out=np.zeros_like(weight), where=weight > 0
    )
    mass = allied * frontier
    total = mass.sum(axis=2, keepdims=True)
    sources = np.divide(mass, total, out=np.zeros_like(mass), where=total > 0)
    return Offer(level, allied.max(axis=2), sources)


@dataclass
class Cell:
    """Views (B, size[, 1+P]) of one cell's plant arrays, modified in place; ``reserved``
    (size,) marks the slots kept for named works, which nothing else may take, ``campaign``
    (size,) the slot kept for small campaign plants, which take no other."""

    capacity: np.ndarray
    active: np.ndarray
    owner: np.ndarray
    tech: np.ndarray
    provenance: np.ndarray
    small: np.ndarray
    reserved: np.ndarray
    campaign: np.ndarray


def cell(
    layout: Layout,
    c: int,
    capacity: np.ndarray,
    active: np.ndarray,
    owner: np.ndarray,
    tech: np.ndarray,
    provenance: np.ndarray,
    small: np.ndarray,
) -> Cell:
    """Views of cell ``c``'s slots in the (B, N[, 1+P]) plant arrays, which the caller has
    copied from the state and will write back."""
    span = slice(layout.cell_start[c], layout.cell_start[c] + layout.cell_size[c])
    return Cell(
        capacity[:, span],
        active[:, span],
        owner[:, span],
        tech[:, span],
        provenance[:, span],
        small[:, span],
        layout.is_work[span],
        layout.campaign[span],
    )


@dataclass(frozen=True)
class Orders:
    """A year's building, cell by cell: index ``k`` 0 is the state's money, 1 private money;
    ``c`` a region x sector cell (region ``c // S``, sector ``c % S``)."""

    added: np.ndarray  #: float (B, 2, C): capacity to add, sector units, >= 0
    count: np.ndarray  #: int (B, 2, C): new enterprises to open (0 where nothing is added)
    builder: np.ndarray  #: int8 (B, 2, C): owner code of what is built
    entry_share: np.ndarray  #: float (B, S): share of new capacity that founds new plants
    quality: np.ndarray  #: float (B, R): technology of new plant relative to its source
    level: np.ndarray  #: float (B, R): the allies' technology on offer
    strength: np.ndarray  #: float (B, R): the strongest alliance
    sources: np.ndarray  #: float (B, R, P): the offer's mix by power


def build_all(
    layout: Layout,
    capacity: np.ndarray,
    active: np.ndarray,
    owner: np.ndarray,
    tech: np.ndarray,
    provenance: np.ndarray,
    small: np.ndarray,
    transfer: np.ndarray,
    orders: Orders,
    reach: np.ndarray | None = None,
) -> None:
    """Carry out ``orders`` on the plant arrays in place, cell by cell, the state's money
    before private money, and add the technology imported, by value, to ``transfer`` (B, P).
    The reference for the compiled :func:`angang.model.kernels.build_all`, which is also
    given the state's ``reach`` so as to skip the slots no plant has stood in (here every
    slot is looked at)."""
    n_sectors = layout.price.size
    for c in range(layout.cell_start.size):
        r, s = divmod(c, n_sectors)
        plants = cell(layout, c, capacity, active, owner, tech, provenance, small)
        for k in (0, 1):
            gained = build(
                plants,
                orders.added[:, k, c],
                orders.count[:, k, c],
                orders.builder[:, k, c],
                orders.entry_share[:, s],
                orders.quality[:, r],
                orders.level[:, r],
                orders.strength[:, r],
                orders.sources[:, r],
            )
            transfer += gained * layout.price[s]


def build(
    cell: Cell,
    added: np.ndarray,
    count: np.ndarray,
    builder: np.ndarray,
    entry_share: np.ndarray,
    quality: np.ndarray,
    tech_offer: np.ndarray,
    strength: np.ndarray,
    sources: np.ndarray,
) -> np.ndarray:
    """Add ``added`` (B,) capacity to a cell; return the technology gained by source (B, P).

    ``count`` (B,) new enterprises are opened where slots are free; ``builder`` (B,) is the
    owner code of what is built; ``quality`` (B,) scales the new plant's technology down in
    campaigns; ``tech_offer``, ``strength`` (B,) and ``sources`` (B, P) describe what allies
    supply to the region.
    """
    if not (added > 0).any():  # nothing to build in this cell this year (often the case)
        return np.zeros((added.size, sources.shape[-1]))
    mean_tech, mean_prov = _mean(cell)
    # a share (the alliance's strength) of the new equipment comes from allies, at their
    # frontier or the cell's own level if that is higher; the rest is built at home
    imported = np.maximum(tech_offer, mean_tech)
    new_tech = np.clip(((1.0 - strength) * mean_tech + strength * imported) * quality, 0.0, 1.0)
    blend = ((1.0 - strength) * mean_tech)[:, None] * mean_prov
    blend[:, 1:] += (strength * imported)[:, None] * sources
    total = blend.sum(axis=1, keepdims=True)
    new_prov = np.divide(blend, total, out=mean_prov.copy(), where=total > 0)
    built = place(cell, added, count, builder, entry_share, new_tech, new_prov, small=False)
    return (strength * imported * quality * built)[:, None] * sources


def place(
    cell: Cell,
    added: np.ndarray,
    count: np.ndarray,
    builder: np.ndarray,
    entry_share: np.ndarray,
    new_tech: np.ndarray,
    new_prov: np.ndarray,
    small: bool,
) -> np.ndarray:
    """Put ``added`` (B,) capacity of technology ``new_tech`` (B,) and provenance ``new_prov``
    (B, 1+P) into a cell: up to ``count`` new enterprises in free slots take ``entry_share``
    of it, plants of the same kind (owner type, small or modern) the rest in proportion to
    their size. Returns the capacity placed (B,)."""
    private_builder = builder == OWNER["private"]
    same_kind = (
        cell.active
        & ((cell.owner == OWNER["private"]) == private_builder[:, None])
        & (cell.small == small)
    )
    has_kin = same_kind.any(axis=1)
    count = np.where(~has_kin & (added > 0), np.maximum(count, 1), count)
    free = ~cell.active & ~cell.reserved[None, :] & (cell.campaign == small)[None, :]
    new = free & (np.cumsum(free, axis=1) <= count[:, None])
    opened = new.sum(axis=1)
    entry = np.where(opened > 0, np.where(has_kin, entry_share * added, added), 0.0)
    each = np.divide(entry, opened, out=np.zeros_like(entry), where=opened > 0)
    cell.capacity += new * each[:, None]
    cell.active |= new
    cell.small[new] = small
    cell.owner[new] = np.broadcast_to(builder[:, None], cell.owner.shape)[new]
    cell.tech[new] = np.broadcast_to(new_tech[:, None], cell.tech.shape)[new]
    cell.provenance[new] = np.broadcast_to(new_prov[:, None, :], cell.provenance.shape)[new]
    rest = added - entry
    # with no plant of the builder's kind and no free slot, the money extends whatever plant
    # the cell has, so that nothing invested is lost at small agent scales (small campaign
    # plants, which cost no money, are then simply not built)
    fallback = np.zeros_like(cell.active) if small else cell.active
    kin = np.where((has_kin | (opened > 0))[:, None], same_kind, fallback)
    base = cell.capacity * kin
    kin_total = base.sum(axis=1)
    extra = np.divide(
        base * rest[:, None],
        kin_total[:, None],
        out=np.zeros_like(base),
        where=kin_total[:, None] > 0,
    )
    grown = cell.capacity + extra
    w_new = np.divide(extra, grown, out=np.zeros_like(extra), where=grown > 0)
    cell.tech[...] = (1.0 - w_new) * cell.tech + w_new * new_tech[:, None]
    cell.provenance[...] = (1.0 - w_new)[..., None] * cell.provenance + w_new[..., None] * new_prov[
        :, None, :
    ]
    cell.capacity += extra
    return entry + np.where(kin_total > 0, rest, 0.0)


def _mean(cell: Cell) -> tuple[np.ndarray, np.ndarray]:
    """Capacity-weighted technology (B,) and provenance (B, 1+P) of a cell's active plants."""
    weight = cell.capacity * cell.active
    total = weight.sum(axis=1)
    tech = np.divide(
        (weight * cell.tech).sum(axis=1),
        total,
        out=np.full(total.shape, FIRST_PLANT_TECH),
        where=total > 0,
    )
    mass = ((weight * cell.tech)[..., None] * cell.provenance).sum(axis=1)
    norm = mass.sum(axis=1, keepdims=True)
    domestic = np.zeros_like(mass)
    domestic[:, 0] = 1.0
    return tech, np.divide(mass, norm, out=domestic, where=norm > 0)

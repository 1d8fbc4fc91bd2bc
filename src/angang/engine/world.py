"""The static world a scenario defines: the enterprise slot layout and the compiled timeline.

Nothing here changes during a run or differs between runs of an ensemble. Slots are laid out
cell by cell (region × sector), so that every cell is one contiguous range of the enterprise
axis; per-cell sums are then ``np.add.reduceat`` over fixed boundaries, which gives each run
the same floating-point result whatever the batch it is computed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from functools import cached_property

import numpy as np

from angang.ids import COMMITTEES, OWNERS, POWERS, REGIONS, RULERS, SECTORS, SOE_OWNERS, WORKS
from angang.scenario.schema import (
    LEVER_DEFAULTS,
    LEVERS,
    MANAGEMENT_SYSTEMS,
    AllianceEvent,
    EventBase,
    ExpansionEvent,
    ExpertsEvent,
    FoundingEvent,
    ManagementEvent,
    MergerEvent,
    OpeningEvent,
    PolicyEvent,
    ProjectEvent,
    PurgeEvent,
    RulerEvent,
    Scenario,
    ShockEvent,
)

R, S, P = len(REGIONS), len(SECTORS), len(POWERS)
L = len(LEVERS)
#: sectors in which campaigns throw up small plants: native furnaces, small pits and kilns,
#: workshops (not power stations, not consumer goods) — Riskin, 'Small Industry and the
#: Chinese Model of Development' (1971)
SMALL_PLANT_SECTORS = ("steel", "ore", "coal", "cement", "machinery")
LEVER = {name: i for i, name in enumerate(LEVERS)}


class Levers(IntEnum):
    """The policy levers by name, for the mechanisms: ``state.lever(Levers.PLANNING)``. A
    misspelt lever is an AttributeError at import and a type error, not a KeyError mid-run;
    the values are the positions in ``State.levers`` (the scenario schema's order, checked
    below)."""

    CENTRALIZATION = 0
    CAMPAIGN_INTENSITY = 1
    INVESTMENT_RATE = 2
    HEAVY_PRIORITY = 3
    SECURITY_POSTURE = 4
    MARKET_OPENNESS = 5
    BUDGET_HARDNESS = 6
    NATIONALIZATION_RATE = 7
    PRIVATIZATION_RATE = 8
    PLANNING = 9
    MOBILIZATION = 10


if tuple(lever.name.lower() for lever in Levers) != LEVERS:  # pragma: no cover
    raise ImportError(f"engine.world.Levers is out of step with the schema's LEVERS: {LEVERS}")


@dataclass(frozen=True)
class Layout:
    """Where each enterprise slot sits. Arrays have shape (N,) unless stated."""

    region: np.ndarray  #: int64 (N,), index into REGIONS
    sector: np.ndarray  #: int64 (N,), index into SECTORS
    committee: np.ndarray  #: int64 (N,), index into COMMITTEES (Anshan for Angang)
    work_slot: np.ndarray  #: int64 (W,), slot of each named works, -1 if never founded
    cell_start: np.ndarray  #: int64 (R*S,), first slot of each region×sector cell
    cell_size: np.ndarray  #: int64 (R*S,), number of slots in each cell
    heavy: np.ndarray  #: bool (S,), heavy-industry sectors
    price: np.ndarray  #: float (S,), million 1952 yuan per unit
    capital_output: np.ndarray  #: float (S,)
    labour: np.ndarray  #: float (S,), persons per unit of capacity at 1952 technique
    inputs: np.ndarray  #: float (S, S): units of input k per unit of output s, [s, k]
    construction: np.ndarray  #: float (S,): units used per million yuan invested
    final_use: np.ndarray  #: float (S,): units used outside industry per million yuan of
    #: industrial output
    entry: np.ndarray  #: float (S,): how readily new capacity founds new enterprises
    campaign: np.ndarray  #: bool (N,): the slot each cell keeps for its small campaign plant
    coast: np.ndarray  #: float (R,): 1 where a region is open to a hostile sea power
    border: np.ndarray  #: float (R,): 1 where a region borders the Soviet Union

    @property
    def n(self) -> int:
        """Number of enterprise slots."""
        return int(self.region.size)

    @property
    def inland(self) -> np.ndarray:
        """float (R,): 1 where a region is neither on a hostile coast nor on the Soviet
        border (the Third Front's interior)."""
        return 1.0 - np.maximum(self.coast, self.border)

    @property
    def used(self) -> np.ndarray:
        """bool (S,): goods whose output is limited by what others use of them — other
        sectors, building, households (machinery and light industry, final goods, are not)."""
        return (self.inputs.sum(axis=0) + self.construction + self.final_use) > 0

    @cached_property
    def cell(self) -> np.ndarray:
        """int64 (N,): each slot's region×sector cell, the index into a (B, R*S) array of
        cells (computed once: a gather from cells to slots happens several times a year)."""
        return self.region * self.price.size + self.sector

    @property
    def materials(self) -> np.ndarray:
        """bool (S,): goods building uses (steel, cement): what a state bent on heavy industry
        takes beyond its inputs and building (defence works, stockpiles, exports)."""
        return self.construction > 0

    @cached_property
    def is_work(self) -> np.ndarray:
        """bool (N,): slot holds a named works (computed once, read-only: several steps
        read it every year, and at full scale it is 100,000 slots)."""
        mask = np.zeros(self.n, dtype=bool)
        mask[self.work_slot[self.work_slot >= 0]] = True
        mask.flags.writeable = False
        return mask

    @cached_property
    def slot_price(self) -> np.ndarray:
        """float (N,): each slot's sector's price (computed once, read-only: an output's
        value is taken several times a year, and the lookup costs more than the product)."""
        price = self.price[self.sector]
        price.flags.writeable = False
        return price

    @cached_property
    def position(self) -> np.ndarray:
        """int64 (N,): each slot's place in its cell, from 0 (read-only)."""
        position = np.arange(self.n) - np.repeat(self.cell_start, self.cell_size)
        position.flags.writeable = False
        return position

    @cached_property
    def range_cell(self) -> np.ndarray:
        """int64 (N,): the cell whose range of slots (``cell_start``, ``cell_size``) holds each
        slot (read-only; :attr:`cell` by another road, in every layout built here)."""
        cells = np.repeat(np.arange(self.cell_start.size), self.cell_size)
        cells.flags.writeable = False
        return cells

    @cached_property
    def campaign_slots(self) -> np.ndarray:
        """int64 (R*S,): 1 where a cell ends in the slot kept for its campaign plant, else 0
        (read-only: the kernels step over a cell's never-used slots to reach it)."""
        ends = self.cell_start + self.cell_size - 1
        kept = (self.cell_size > 0) & self.campaign[np.maximum(ends, 0)]
        if kept.sum() != self.campaign.sum():
            raise ValueError("layout: a cell's campaign slot must be its last slot")
        kept = kept.astype(np.int64)
        kept.flags.writeable = False
        return kept

    @cached_property
    def sector_slots(self) -> tuple[np.ndarray, ...]:
        """int (M_s,) for each sector: its slots, in order (computed once, for the steps that
        look at one sector at a time)."""
        return tuple(np.flatnonzero(self.sector == s) for s in range(self.price.size))

    @cached_property
    def plain_slots(self) -> tuple[np.ndarray, ...]:
        """int (M_s,) for each sector: its slots that do not hold a named works, in order."""
        return tuple(slots[~self.is_work[slots]] for slots in self.sector_slots)


def build_layout(scenario: Scenario, scale: float | None = None) -> Layout:
    """Lay out slots: per cell, its named works first, then synthetic enterprises, then (in
    the sectors campaigns build in) one slot kept for small campaign plants, which modern
    plant never takes and which takes nothing else."""
    ini = scenario.initial
    scale = ini.scale if scale is None else scale
    work_cell: dict[str, tuple[int, int]] = {}
    for e in scenario.events:
        if isinstance(e, FoundingEvent):
            work_cell[e.work] = (REGIONS.index(e.region), SECTORS.index(e.sector))
    region: list[int] = []
    sector: list[int] = []
    committee: list[int] = []
    campaign: list[bool] = []
    work_slot = np.full(len(WORKS), -1, dtype=np.int64)
    cell_start, cell_size = [], []
    for r, rname in enumerate(REGIONS):
        for s, sname in enumerate(SECTORS):
            start = len(region)
            for w, wname in enumerate(WORKS):
                if work_cell.get(wname) == (r, s):
                    work_slot[w] = len(region)
                    region.append(r)
                    sector.append(s)
                    committee.append(COMMITTEES.index("anshan") if wname == "angang" else r)
            synthetic = max(
                1, round(ini.sector(sname).slots * scale), ini.region(rname).enterprises_of(sname)
            )
            small = int(sname in SMALL_PLANT_SECTORS)
            region += [r] * (synthetic + small)
            sector += [s] * (synthetic + small)
            committee += [r] * (synthetic + small)
            campaign += [False] * (len(region) - start - small) + [True] * small
            cell_start.append(start)
            cell_size.append(len(region) - start)
    specs = [ini.sector(s) for s in SECTORS]
    inputs = np.zeros((S, S))
    for s, spec in enumerate(specs):
        for k, coef in spec.inputs.items():
            inputs[s, SECTORS.index(k)] = coef
    return Layout(
        region=np.asarray(region, dtype=np.int64),
        sector=np.asarray(sector, dtype=np.int64),
        committee=np.asarray(committee, dtype=np.int64),
        work_slot=work_slot,
        cell_start=np.asarray(cell_start, dtype=np.int64),
        cell_size=np.asarray(cell_size, dtype=np.int64),
        heavy=np.asarray([sp.heavy for sp in specs]),
        price=np.asarray([sp.price for sp in specs]),
        capital_output=np.asarray([sp.capital_output for sp in specs]),
        labour=np.asarray([sp.labour for sp in specs]),
        inputs=inputs,
        construction=np.asarray([sp.construction for sp in specs]),
        final_use=np.asarray([sp.final_use for sp in specs]),
        entry=np.asarray([sp.entry for sp in specs]),
        campaign=np.asarray(campaign, dtype=bool),
        coast=np.array([float("coast" in ini.region(r).exposure) for r in REGIONS]),
        border=np.array([float("border" in ini.region(r).exposure) for r in REGIONS]),
    )


@dataclass(frozen=True)
class Timeline:
    """Events compiled to yearly inputs. Year t is row ``t - start``; T = end - start + 1.

    Continuous inputs (levers, alliances, disruption) are averaged over the year, so an event
    in month m counts for (13 - m) / 12 of its first year. Discrete events (rulers,
    foundings, expansions, destruction, experts, mergers, purges, management systems) take
    effect in their year; events dated before the start year take effect at the start.
    """

    start: int
    end: int
    levers: np.ndarray  #: float (T, L, R), lever values
    alliance: np.ndarray  #: float (T, len(RULERS), P), -1 hostile .. 1 allied
    disruption: np.ndarray  #: float (T, R, S), share of utilization lost
    opening: np.ndarray  #: float (T, R), intensity of political opening
    ruler: np.ndarray  #: int (T, R), index into RULERS
    management: np.ndarray  #: int (T, R), index into MANAGEMENT_SYSTEMS
    frontier: np.ndarray  #: float (T, P), each power's technology frontier
    discrete: dict[int, list[EventBase]] = field(default_factory=dict)  #: year -> events

    @property
    def years(self) -> np.ndarray:
        """int (T,): the simulated years."""
        return np.arange(self.start, self.end + 1)

    def row(self, year: int) -> int:
        """Row of ``year`` in the yearly arrays."""
        return year - self.start


DISCRETE = (
    FoundingEvent,
    ExpansionEvent,
    ShockEvent,
    ExpertsEvent,
    MergerEvent,
    PurgeEvent,
    ProjectEvent,
)


def compile_timeline(scenario: Scenario) -> Timeline:
    """Turn the scenario's events into yearly input arrays and per-year discrete events."""
    start, end = scenario.meta.start_year, scenario.meta.end_year
    T = end - start + 1
    lever0 = np.array([scenario.initial.lever(n, LEVER_DEFAULTS[n]) for n in LEVERS])
    levers = np.broadcast_to(lever0[:, None], (L, R)).copy()
    setter = np.full((L, R), -1)  # the ruler whose decision set each lever in each region
    alliance = np.zeros((len(RULERS), P))
    opening = np.zeros(R)
    ruler = np.array([RULERS.index(scenario.initial.region(r).ruler) for r in REGIONS])
    management = np.full(R, MANAGEMENT_SYSTEMS.index(scenario.initial.management))
    out_lev = np.zeros((T, L, R))
    out_all = np.zeros((T, len(RULERS), P))
    out_dis = np.zeros((T, R, S))
    out_open = np.zeros((T, R))
    out_rul = np.zeros((T, R), dtype=np.int64)
    out_man = np.zeros((T, R), dtype=np.int64)
    discrete: dict[int, list[EventBase]] = {}
    reverts: dict[int, list[tuple[str, int, float, str]]] = {}
    owner_of: dict[tuple[str, int], str] = {}
    events = scenario.sorted_events()
    for t, year in enumerate(range(start, end + 1)):
        # levers reverting after an event's `until` year, unless another event took them over
        for lever, r, value, eid in reverts.pop(year, []):
            if owner_of.get((lever, r)) == eid:
                levers[LEVER[lever], r] = value
        begin_lev, begin_all, begin_open = levers.copy(), alliance.copy(), opening.copy()
        weight_lev = np.ones((L, R))
        weight_all = np.ones((len(RULERS), P))
        weight_open = np.ones(R)
        this_year = [e for e in events if max(e.year, start) == year]
        for e in this_year:
            frac = (13 - (e.month or 1)) / 12 if e.year >= start else 1.0
            regions = [REGIONS.index(x) for x in getattr(e, "regions", [])]
            if isinstance(e, PolicyEvent):
                for lever, value in e.levers.items():
                    i = LEVER[lever]
                    for r in regions:
                        if e.until is not None:
                            reverts.setdefault(e.until + 1, []).append(
                                (lever, r, float(levers[i, r]), e.id)
                            )
                        owner_of[(lever, r)] = e.id
                        levers[i, r] = value
                        setter[i, r] = ruler[r]
                        weight_lev[i, r] = min(weight_lev[i, r], frac)
            elif isinstance(e, AllianceEvent):
                i, p = RULERS.index(e.ruler), POWERS.index(e.power)
                alliance[i, p] = e.strength
                weight_all[i, p] = min(weight_all[i, p], frac)
            elif isinstance(e, OpeningEvent):
                for r in regions:
                    opening[r] = e.intensity
                    weight_open[r] = min(weight_open[r], frac)
            elif isinstance(e, RulerEvent):
                incoming = RULERS.index(e.ruler)
                for r in regions:
                    # policies end with the ruler that made them (DESIGN.md, section 1.5)
                    ended = (setter[:, r] >= 0) & (setter[:, r] != incoming)
                    levers[ended, r] = lever0[ended]
                    setter[ended, r] = -1
                    weight_lev[ended, r] = np.minimum(weight_lev[ended, r], frac)
                    for k in np.flatnonzero(ended):
                        owner_of.pop((LEVERS[int(k)], r), None)
                ruler[regions] = incoming
            elif isinstance(e, ManagementEvent):
                management[regions] = MANAGEMENT_SYSTEMS.index(e.system)
            if isinstance(e, (*DISCRETE, RulerEvent, ManagementEvent)):
                discrete.setdefault(year, []).append(e)
        out_lev[t] = begin_lev * (1 - weight_lev) + levers * weight_lev
        out_all[t] = begin_all * (1 - weight_all) + alliance * weight_all
        out_open[t] = begin_open * (1 - weight_open) + opening * weight_open
        out_rul[t], out_man[t] = ruler, management
        opening = _close_openings(events, year, opening)
        out_dis[t] = _disruption(events, year, start)
    years = np.arange(start, end + 1)
    paths = [scenario.initial.frontier[p].path for p in POWERS]  # type: ignore[index]
    frontier = np.stack(
        [np.interp(years, [float(y) for y, _ in path], [v for _, v in path]) for path in paths],
        axis=1,
    )
    return Timeline(
        start, end, out_lev, out_all, out_dis, out_open, out_rul, out_man, frontier, discrete
    )


def _close_openings(events: list[EventBase], year: int, opening: np.ndarray) -> np.ndarray:
    """Openings last through their `until` year (default: their own year) and then close."""
    closed = opening.copy()
    for e in events:
        if isinstance(e, OpeningEvent) and (e.until or e.year) == year:
            closed[[REGIONS.index(x) for x in e.regions]] = 0.0
    return closed


def _disruption(events: list[EventBase], year: int, start: int) -> np.ndarray:
    """Share of utilization lost in each cell this year: independent shocks combine."""
    kept = np.ones((R, S))
    for e in events:
        if not isinstance(e, ShockEvent) or e.disruption == 0.0:
            continue
        last = e.until if e.until is not None else e.year
        if not (max(e.year, start) <= year <= last):
            continue
        frac = (13 - (e.month or 1)) / 12 if year == e.year else 1.0
        rows = [REGIONS.index(x) for x in e.regions]
        cols = [SECTORS.index(x) for x in e.sectors]
        kept[np.ix_(rows, cols)] *= 1 - e.disruption * frac
    return 1 - kept


OWNER = {name: i for i, name in enumerate(OWNERS)}
SOE_CODES = np.array([OWNER[o] for o in SOE_OWNERS])


#: bool by owner code: whether the owner is a state-owned enterprise's
SOE_BY_CODE = np.isin(np.arange(len(OWNERS)), SOE_CODES)
#: the state-owned codes are the last ones, from this one on: a compiled loop compares a
#: plant's code with it instead of looking the code up, and so can do several plants at once
FIRST_SOE = int(np.flatnonzero(SOE_BY_CODE)[0])
if not np.array_equal(SOE_BY_CODE, np.arange(len(OWNERS)) >= FIRST_SOE):
    raise ImportError("angang.ids.OWNERS: the state-owned owners must come last")


def is_soe(owner: np.ndarray) -> np.ndarray:
    """bool, same shape: the owner code is a state-owned enterprise's (a comparison with
    :data:`FIRST_SOE`, which the check above makes the same as looking the code up in
    :data:`SOE_BY_CODE`, at a fraction of a gather's cost)."""
    return owner >= FIRST_SOE


@dataclass(frozen=True)
class Projects:
    """The scenario's key-point projects, one row each (J,), in the order they start."""

    ids: tuple[str, ...]
    start: np.ndarray  #: int (J,): first year of construction
    region: np.ndarray  #: int (J,)
    sector: np.ndarray  #: int (J,)
    slot: np.ndarray  #: int (J,): the named works' slot, -1 for a group of new enterprises
    capacity: np.ndarray  #: float (J,): planned capacity, sector units
    build_years: np.ndarray  #: float (J,)
    count: np.ndarray  #: int (J,): projects in the group
    partner: np.ndarray  #: int (J,): index into POWERS, -1 if built at home
    experts: np.ndarray  #: float (J,): the partner's experts on site while it is built
    technology: np.ndarray  #: float (J,)

    @property
    def size(self) -> int:
        """J, the number of projects."""
        return len(self.ids)


def compile_projects(scenario: Scenario, layout: Layout, start: int) -> Projects:
    """The project events as arrays; a project dated before the start year starts then."""
    events = [e for e in scenario.sorted_events() if isinstance(e, ProjectEvent)]

    def col(values: list[float], dtype: type = float) -> np.ndarray:
        return np.asarray(values, dtype=dtype).reshape(len(events))

    return Projects(
        ids=tuple(e.id for e in events),
        start=col([max(e.year, start) for e in events], int),
        region=col([REGIONS.index(e.region) for e in events], int),
        sector=col([SECTORS.index(e.sector) for e in events], int),
        slot=col([layout.work_slot[WORKS.index(e.work)] if e.work else -1 for e in events], int),
        capacity=col([e.capacity for e in events]),
        build_years=col([e.build_years for e in events]),
        count=col([e.count for e in events], int),
        partner=col([POWERS.index(e.partner) if e.partner else -1 for e in events], int),
        experts=col([e.experts * e.count for e in events]),
        technology=col([e.technology for e in events]),
    )


@dataclass(frozen=True)
class World:
    """The static inputs of a run: where the slots are, what the timeline sets each year, and
    the key-point projects."""

    layout: Layout
    timeline: Timeline
    projects: Projects


def make_world(scenario: Scenario, scale: float | None = None) -> World:
    """The static inputs of a scenario at a given agent scale."""
    layout = build_layout(scenario, scale)
    return World(
        layout,
        compile_timeline(scenario),
        compile_projects(scenario, layout, scenario.meta.start_year),
    )

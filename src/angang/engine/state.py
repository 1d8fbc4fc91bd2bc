"""The simulation state: a frozen dataclass of arrays whose leading axis is the run.

B is the number of runs in the batch, N the enterprise slots, R the regions, S the sectors,
C the party committees, K the workforce cohorts, P the foreign powers, L the policy levers.
Every mechanism returns a new State built with :func:`replace`. It changes an array in place
only where the state is :func:`owned` (the compiled engine's loop, which keeps no earlier
state); everywhere else it changes a copy (:func:`writable`), so the reference's steps are pure.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from angang.engine.compiled import kernel
from angang.ids import COHORTS, COMMITTEES, OWNERS, POWERS, RULERS
from angang.scenario.parameters import Parameters
from angang.scenario.schema import MANAGEMENT_SYSTEMS, Scenario

from .world import OWNER, Layout, Levers, World

K = len(COHORTS)
DOMESTIC_COHORTS = 3  #: workers, skilled, engineers; the rest are foreign experts by power
COHORT_SPLIT = np.array([0.80, 0.15, 0.05])  #: shares of a domestic workforce, by cohort

#: What an enterprise starts with, in 1916 and whenever a plant is founded later, whatever a
#: closed plant left in its slot: no war damage, no hidden slack and no accounts yet, control
#: shared evenly between the ministry and the local committee, ordinary effort, middling
#: commitment, a little welfare, no grievance, campaign fatigue or voice, no claim of a
#: committee on it. (Its director's power is the parameter ``director_power_initial``; its
#: capacity, owner and technology are its founder's; it takes on the staff a plant closed
#: the same year left, and lays off at its first hiring those it does not need.)
#: Assumptions: no source gives a new plant's attitudes (docs/ODD.md, §5).
NEW_ENTERPRISE: dict[str, float] = {
    "damaged": 0.0,
    "hidden": 0.0,
    "profit": 0.0,
    "ministry_control": 0.5,
    "effort": 1.0,
    "commitment": 0.5,
    "welfare": 0.2,
    "grievance": 0.0,
    "fatigue": 0.0,
    "voice": 0.0,
    "committee_hold": 0.0,
    "claim": 0.0,
}


class Params:
    """Parameters as arrays with one value per run, shaped (B, 1) to broadcast over agents.

    Calibration and sensitivity analysis give each run of a batch its own parameters; an
    ordinary ensemble repeats the scenario's values.
    """

    def __init__(self, values: dict[str, np.ndarray]):
        self._values = values

    @classmethod
    def repeat(cls, parameters: Parameters, runs: int) -> Params:
        """Every run gets the scenario's parameter values."""
        return cls({k: np.full((runs, 1), float(v)) for k, v in parameters.model_dump().items()})

    @classmethod
    def per_run(cls, rows: list[Parameters]) -> Params:
        """Run i gets ``rows[i]``."""
        names = Parameters.model_fields
        return cls({k: np.array([[float(getattr(p, k))] for p in rows]) for k in names})

    @classmethod
    def from_points(
        cls, base: Parameters, names: list[str] | tuple[str, ...], points: np.ndarray
    ) -> Params:
        """Run i gets ``base`` with ``names`` set to row i of ``points`` (B, len(names)),
        each row validated against the parameters' ranges."""
        defaults = base.model_dump()
        rows = [
            Parameters(**{**defaults, **dict(zip(names, map(float, row), strict=True))})
            for row in np.atleast_2d(points)
        ]
        return cls.per_run(rows)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def take(self, index: np.ndarray) -> Params:
        """The parameters of a subset of runs."""
        return Params({k: v[index] for k, v in self._values.items()})


@dataclass(frozen=True)
class State:
    """Everything that changes during a run. Shapes lead with B, the runs of the batch."""

    year: int  #: the year the state describes
    active: np.ndarray  #: bool (B, N): the slot holds a living enterprise
    owner: np.ndarray  #: int8 (B, N): index into OWNERS
    capacity: np.ndarray  #: float (B, N): rated yearly capacity, sector units
    tech: np.ndarray  #: float (B, N): technology level in (0, 1], 1 = world frontier
    provenance: np.ndarray  #: float (B, N, 1+P): share of the plant's technology by source
    wear: np.ndarray  #: float (B, N): share of capacity out of service through wear, [0, 0.9]
    damaged: np.ndarray  #: float (B, N): share of capacity out of service through war damage,
    #: removals or neglect until rehabilitated, [0, 1]
    small: np.ndarray  #: bool (B, N): a small plant thrown up in a campaign (native furnaces,
    #: small pits), labour-hungry and of low technology
    output: np.ndarray  #: float (B, N): true output this year, sector units
    reported: np.ndarray  #: float (B, N): output reported to the ministry, sector units
    target: np.ndarray  #: float (B, N): the ministry's target for this year (0 = unplanned)
    next_rate: np.ndarray  #: float (B, N): next year's target per unit of the capacity seen
    hidden: np.ndarray  #: float (B, N): share of capacity the director hides
    profit: np.ndarray  #: float (B, N): profit this year, million 1952 yuan
    director_power: np.ndarray  #: float (B, N): director's share of control vs the secretary
    ministry_control: np.ndarray  #: float (B, N): the ministry's (vertical line's) share of
    #: control over the enterprise; the rest is the local committee's (horizontal line)
    workforce: np.ndarray  #: float (B, N, K): persons by cohort (COHORTS)
    effort: np.ndarray  #: float (B, N): work effort, 1 = ordinary
    commitment: np.ndarray  #: float (B, N): ideological commitment, [0, 1]
    welfare: np.ndarray  #: float (B, N): danwei welfare, [0, 1]
    grievance: np.ndarray  #: float (B, N): grievance, [0, 1]
    fatigue: np.ndarray  #: float (B, N): disillusion accumulated in campaigns, >= 0
    voice: np.ndarray  #: float (B, N): share of engineers who spoke out in an opening, [0, 1]
    laid_off: np.ndarray  #: float (B, N): persons laid off this year
    protest: np.ndarray  #: float (B, N): protest incidents this year (count)
    committee_hold: np.ndarray  #: float (B, N): a committee's hold over a merged works, [0, 1]
    claim: np.ndarray  #: float (B, N): local committee's claim on the SOE's resources, [0, 1]
    committee_power: np.ndarray  #: float (B, C): local committees' claim on SOEs, [0, 1]
    ruler: np.ndarray  #: int (B, R): index into RULERS
    management: np.ndarray  #: int (B, R): index into MANAGEMENT_SYSTEMS
    levers: np.ndarray  #: float (B, L, R): the centre's policy levers this year
    alliance: np.ndarray  #: float (B, len(RULERS), P): relations of regimes to powers
    disruption: np.ndarray  #: float (B, R, S): share of utilization lost to war and disorder
    opening: np.ndarray  #: float (B, R): intensity of a political opening this year
    shortage: np.ndarray  #: float (B, R, S): share of input demand for sector s unmet
    balance: np.ndarray  #: float (B, R, S): demand over what capacity could make of each
    #: good in its bloc (1 for final goods), [0, 3]
    input_demand: np.ndarray  #: float (B, R, S): each region's plants' needs of each input
    #: at the output they wanted this year, sector units
    absorption: np.ndarray  #: float (B, R): the state's extra take of steel and cement
    #: per unit of their use (defence works, stockpiles, exports), following its priority with a lag
    #: (:func:`angang.mechanisms.production.absorb`); none before the first year
    building_met: np.ndarray  #: float (B, R): share of this year's planned building its bloc
    #: has the materials for (steel, cement), [0, 1]
    investment: np.ndarray  #: float (B, R, S): investment this year, million 1952 yuan
    threat: np.ndarray  #: float (B, R): military threat to each region, [0, 1]
    relocating: np.ndarray  #: float (B, R, S): plant in transit to the interior, sector units
    transfer: np.ndarray  #: float (B, P): technology transferred this year by source power,
    #: capacity-value-weighted technology points
    progress: np.ndarray  #: float (B, J): share of each key-point project built, [0, 1]
    committed: np.ndarray  #: float (B, R, S): central money spent on key-point projects
    #: this year, million 1952 yuan
    on_site: np.ndarray  #: float (B, N, P): project experts of each power at each plant
    disorder: np.ndarray  #: float (B, R): political disorder (factional fighting), [0, 1]
    pulled: np.ndarray  #: float (B,): share of farm labour pulled into campaigns this year
    agri_damage: np.ndarray  #: float (B,): harvest lost to last years' campaigns, [0, 1]
    food: np.ndarray  #: float (B,): food supply against normal needs (1 = normal)
    reach: np.ndarray  #: int64 (B, R*S): how many of each cell's first slots have ever held
    #: a plant; the slots from there to the cell's campaign slot never have, and every step
    #: leaves them as they are (:func:`untouched`), so the compiled kernels skip them

    @property
    def runs(self) -> int:
        """B, the number of runs in the batch."""
        return int(self.active.shape[0])

    def lever(self, lever: Levers) -> np.ndarray:
        """float (B, R): one lever's value in each region."""
        return self.levers[:, lever, :]

    def relations(self) -> np.ndarray:
        """float (B, R, P): each region's ruler's alliance with each foreign power (-1 enemy,
        1 ally)."""
        rulers = self.ruler[:, :, None].repeat(self.alliance.shape[2], axis=2)
        return np.take_along_axis(self.alliance, rulers, axis=1)

    def blocs(self) -> np.ndarray:
        """float (B, R, R): 1 where two regions are under the same ruler (a trading bloc)."""
        return (self.ruler[:, :, None] == self.ruler[:, None, :]).astype(float)


FIELDS = frozenset(f.name for f in dataclasses.fields(State))


def replace(state: State, /, **changes: Any) -> State:
    """``dataclasses.replace(state, **changes)``: a new State sharing every array not
    changed. The same object, made without running the dataclass's ``__init__`` with all
    its fields again (mechanisms call this about twenty times a simulated year; it costs a
    fifteenth of ``dataclasses.replace``)."""
    unknown = changes.keys() - FIELDS
    if unknown:
        raise TypeError(f"State has no field {', '.join(sorted(unknown))}")
    new = object.__new__(State)
    new.__dict__.update(state.__dict__)
    new.__dict__.update(changes)
    return new


def owned(state: State, own: bool = True) -> State:
    """``state`` marked as the only holder of its arrays (``own``) or not. The yearly loop
    that keeps no earlier state hands its steps an owned state, and they change its arrays in
    place (:func:`writable`) instead of copying a whole array for the few slots a founding,
    a closure or a relocation touches. No two fields of a state share memory (tested), so a
    change in place reaches one field only."""
    new = replace(state)
    new.__dict__["_owned"] = own
    return new


def writable(state: State, name: str) -> np.ndarray:
    """The array of field ``name`` to change: the field itself where ``state`` is
    :func:`owned`, else a copy (what a pure step was given stays as it was). A step that
    reads a field's old values after changing it must copy it itself."""
    array = getattr(state, name)
    return array if state.__dict__.get("_owned", False) else array.copy()


def initial_state(scenario: Scenario, world: World, params: Params, runs: int) -> State:
    """The state at the start year: the scenario's regions, sectors and owners, no works yet.

    A region-sector's start capacity is split evenly over its initial enterprises; owners
    are assigned to enterprises in order so that capacity shares match the region's owner
    shares as closely as whole enterprises allow.
    """
    layout, timeline, projects = world.layout, world.timeline, world.projects.size
    n = layout.n
    active = np.zeros(n, dtype=bool)
    capacity = np.zeros(n)
    owner = np.zeros(n, dtype=np.int8)
    is_work = layout.is_work
    for r, rspec in enumerate(scenario.initial.regions.values()):
        for s, sname in enumerate(scenario.initial.sectors):
            cell = r * len(scenario.initial.sectors) + s
            first = layout.cell_start[cell]
            slots = np.arange(first, first + layout.cell_size[cell])
            slots = slots[~is_work[slots] & ~layout.campaign[slots]]
            count = min(rspec.enterprises_of(sname), slots.size)
            if count == 0:
                continue
            chosen = slots[:count]
            active[chosen] = True
            capacity[chosen] = rspec.capacity_of(sname) / count
            owner[chosen] = _owners_in_order(rspec.owner_shares(), count)
    tech0 = scenario.initial.technology
    provenance = np.zeros((n, 1 + len(POWERS)))
    provenance[:, 0] = 1.0
    t0 = timeline.row(timeline.start)
    B = runs

    def rep(a: np.ndarray) -> np.ndarray:
        return np.repeat(a[None], B, axis=0)

    labour = labour_requirement(layout, capacity, timeline.start, params.labour_productivity_growth)
    return State(
        year=timeline.start - 1,
        active=rep(active),
        owner=rep(owner),
        capacity=rep(capacity),
        tech=np.full((B, n), tech0),
        provenance=rep(provenance),
        wear=np.zeros((B, n)),
        small=np.zeros((B, n), dtype=bool),
        output=np.zeros((B, n)),
        reported=np.zeros((B, n)),
        target=np.zeros((B, n)),
        next_rate=np.zeros((B, n)),
        director_power=np.broadcast_to(params.director_power_initial, (B, n)).copy(),
        workforce=labour,
        laid_off=np.zeros((B, n)),
        protest=np.zeros((B, n)),
        committee_power=np.full((B, len(COMMITTEES)), 0.3),
        ruler=rep(timeline.ruler[t0]),
        management=rep(timeline.management[t0]),
        levers=rep(timeline.levers[t0]),
        alliance=rep(timeline.alliance[t0]),
        disruption=rep(timeline.disruption[t0]),
        opening=rep(timeline.opening[t0]),
        shortage=np.zeros((B, len(layout.cell_start) // len(layout.price), len(layout.price))),
        balance=np.ones((B, len(layout.coast), len(layout.price))),
        input_demand=np.zeros((B, len(layout.coast), len(layout.price))),
        absorption=np.zeros((B, len(layout.coast))),
        building_met=np.ones((B, len(layout.coast))),
        investment=np.zeros((B, len(layout.cell_start) // len(layout.price), len(layout.price))),
        threat=np.zeros((B, len(layout.coast))),
        relocating=np.zeros((B, len(layout.coast), len(layout.price))),
        transfer=np.zeros((B, len(POWERS))),
        progress=np.zeros((B, projects)),
        committed=np.zeros((B, len(layout.coast), len(layout.price))),
        on_site=np.zeros((B, n, len(POWERS))),
        disorder=np.zeros((B, len(layout.coast))),
        pulled=np.zeros(B),
        agri_damage=np.zeros(B),
        food=np.ones(B),
        reach=rep(reach_of(layout, active[None, :]).reshape(-1)),
        **{name: np.full((B, n), value) for name, value in NEW_ENTERPRISE.items()},
    )


def plant_arrays(state: State) -> tuple[np.ndarray, ...]:
    """What a step that founds or extends plants changes: ``active``, always a copy (what
    :func:`start_new_enterprises` compares with the state's own), then ``capacity``,
    ``owner``, ``tech``, ``provenance`` and ``small``, :func:`writable`."""
    changed = (
        writable(state, name) for name in ("capacity", "owner", "tech", "provenance", "small")
    )
    return (state.active.copy(), *changed)


def start_new_enterprises(before: State, after: State, params: Params, layout: Layout) -> State:
    """``after`` with the plants founded since ``before`` (active now, not then) set to a new
    enterprise's values (:data:`NEW_ENTERPRISE`): a slot is reused when its plant has closed,
    and the new plant must not inherit the old one's damage, director, grievance or losses.
    Each cell's ``reach`` grows to cover the slots used. ``after.active`` must be a new
    array (the founding step's copy), ``before.active`` the one it started from."""
    opened = after.active & ~before.active
    if not opened.any():
        return after
    at = np.flatnonzero(opened)  # (run, slot) pairs as flat indices into (B, N)
    reach = writable(after, "reach")
    _grow_reach(reach, at, layout.range_cell, layout.position, layout.campaign)
    values = {name: np.array([value]) for name, value in NEW_ENTERPRISE.items()}
    values["director_power"] = params.director_power_initial[at // opened.shape[1], 0]
    fresh: dict[str, Any] = {}  # replace() takes any field by name
    for name, value in values.items():
        if not _differs(getattr(after, name), at, value):
            continue  # already a new enterprise's (a slot never used): no copy needed
        fresh[name] = writable(after, name)
        np.put(fresh[name], at, value)
    return replace(after, reach=reach, **fresh)


def reach_of(layout: Layout, plants: np.ndarray) -> np.ndarray:
    """int64 (B, R*S): per cell, 1 + the place of the last slot where ``plants`` (bool
    (B, N)) is true, 0 where it is true nowhere; campaign slots do not count."""
    reach = np.zeros((plants.shape[0], layout.cell_start.size), dtype=np.int64)
    _grow_reach(reach, np.flatnonzero(plants), layout.range_cell, layout.position, layout.campaign)
    return reach


@kernel
def _grow_reach(  # pragma: no cover - compiled
    reach: np.ndarray, at: np.ndarray, cell: np.ndarray, position: np.ndarray, campaign: np.ndarray
) -> None:
    """Raise ``reach`` (B, C) over the slots at the flat indices ``at`` into (B, N) (not the
    campaign slots): ``np.maximum.at``, which is slow, as a loop."""
    slots = cell.size
    for i in range(at.size):
        b, n = at[i] // slots, at[i] % slots
        if not campaign[n]:
            reach[b, cell[n]] = max(reach[b, cell[n]], position[n] + 1)


def untouched(state: State, layout: Layout) -> np.ndarray:
    """bool (B, N): the slots no plant has ever stood in (beyond their cell's ``reach``, not
    the campaign slot). Nobody works there, so nothing about them changes: the steps leave
    them as they are, and the compiled kernels need not look at them."""
    return (layout.position >= state.reach[:, layout.range_cell]) & ~layout.campaign


@kernel
def _differs(field: np.ndarray, at: np.ndarray, values: np.ndarray) -> bool:  # pragma: no cover
    """Whether ``field`` (B, N) differs anywhere at the flat indices ``at`` from ``values``
    (one value, or one for each index): ``not np.all(np.take(field, at) == values)``,
    stopping at the first difference and without the temporaries (it is asked about a dozen
    fields whenever plants are founded, thousands of slots at a time in a large batch)."""
    slots = field.shape[1]  # a flat index is row-major, whatever the field's memory order
    one = values.size == 1
    for i in range(at.size):
        if field[at[i] // slots, at[i] % slots] != values[0 if one else i]:
            return True
    return False


def _owners_in_order(shares: dict[str, float], count: int) -> np.ndarray:
    """Owner index for each of ``count`` equal enterprises, matching shares by rounding."""
    out = np.zeros(count, dtype=np.int8)
    cumulative, given = 0.0, 0
    for name, share in shares.items():
        cumulative += share
        upto = min(count, round(cumulative * count))
        out[given:upto] = OWNER[name]
        given = upto
    if given < count:
        out[given:] = OWNER[next(iter(shares))]
    return out


def labour_requirement(
    layout: Layout,
    capacity: np.ndarray,
    year: int,
    growth: np.ndarray,
    small: np.ndarray | None = None,
    small_labour: np.ndarray | None = None,
) -> np.ndarray:
    """Domestic workforce (B, N, K) needed to run ``capacity`` with the technique of ``year``;
    small campaign plants (``small``, bool (B, N)) need ``small_labour`` times as many hands."""
    total = labour_persons(layout, capacity, year, growth, small, small_labour)
    out = np.zeros((*total.shape, K))
    out[..., :DOMESTIC_COHORTS] = total[..., None] * COHORT_SPLIT
    return out


def labour_persons(
    layout: Layout,
    capacity: np.ndarray,
    year: int,
    growth: np.ndarray,
    small: np.ndarray | None = None,
    small_labour: np.ndarray | None = None,
) -> np.ndarray:
    """(B, N): the persons :func:`labour_requirement` splits among the domestic cohorts."""
    persons = capacity * layout.labour[layout.sector]  # (N,) or (B, N)
    if small is not None and small_labour is not None:
        persons = persons * np.where(small, small_labour, 1.0)
    return persons * technique_factor(growth, year)


def technique_factor(growth: np.ndarray, year: int) -> np.ndarray:
    """(B, 1): persons per unit of capacity in ``year`` relative to 1952's technique."""
    return (1.0 + growth) ** (1952 - year)


def labour_total(
    layout: Layout,
    capacity: np.ndarray,
    year: int,
    growth: np.ndarray,
    small: np.ndarray | None = None,
    small_labour: np.ndarray | None = None,
) -> np.ndarray:
    """(B, N): ``labour_requirement(...)[..., :DOMESTIC_COHORTS].sum(axis=2)`` — the cohorts'
    shares of the persons needed, added in cohort order (the same numbers, without building
    the cohort array)."""
    persons = labour_persons(layout, capacity, year, growth, small, small_labour)
    total = persons * COHORT_SPLIT[0]
    for share in COHORT_SPLIT[1:]:
        total += persons * share
    return total


__all__ = ["MANAGEMENT_SYSTEMS", "OWNERS", "RULERS", "Params", "State", "initial_state"]

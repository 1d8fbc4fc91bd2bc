"""A Mesa reference for the benchmark: angang's yearly enterprise step written the way a Mesa
user would write it — one Python object per enterprise, a synchronous update in phases — so
that `make bench` can put angang's throughput beside what a user would otherwise pick.

What both sides run (the "enterprise core"): from the baseline's state at the start of a year
(one run, copied to every run of the ensemble), for each following year, with the enterprise
population fixed except for exits: the year's levers, alliances and disruption from the
compiled timeline; technology transfer from allied frontiers, indigenous learning and
diffusion from Angang (`mechanisms.technology.step`); production with capacity retirement,
damaged plant out of service, the harvest's hold on light industry, yearly shocks, ratchet
restraint, the input-output shortage cascade within trading blocs with imports filling part of
a gap, the cut to what users take, wear and profit under private competition
(`mechanisms.production.step`); vertical bargaining
— reports, hidden slack, over-reporting, the ratchet, soft-budget exits
(`mechanisms.planning.step`); and labour — hiring, hoarding, layoffs, welfare, grievance and
protest (`mechanisms.labour.employ`). Founding, investment, ownership and local politics are
held fixed on both sides. angang runs its own mechanism functions on arrays; this file ports
the same equations to scalar Python, agent by agent. Random draws differ (each side has its
own streams), so the two agree in distribution, not run by run: `tests/bench/` checks that.
"""

from __future__ import annotations

import dataclasses
import math

import mesa
import numpy as np

from angang.engine.checkpoint import Snapshot
from angang.engine.rng import CompiledStreams, Streams
from angang.engine.state import COHORT_SPLIT, DOMESTIC_COHORTS, Params, State, owned, replace
from angang.engine.world import LEVER, OWNER, SOE_CODES, World, make_world
from angang.ids import POWERS, SECTORS, WORKS
from angang.mechanisms import labour, planning, production, technology
from angang.model.loop import SCHEDULE, schedule, simulate
from angang.scenario import load_scenario
from angang.scenario.schema import Scenario

K = DOMESTIC_COHORTS
P = len(POWERS)
SOE = {int(c) for c in SOE_CODES}
PRIVATE, COLONIAL = OWNER["private"], OWNER["colonial"]


# --- the common start and angang's side -----------------------------------------------------


def start(scale: float, year: int = 1953) -> tuple[Scenario, World, State]:
    """The baseline's state at the start of ``year`` in run 0, at agent scale ``scale``."""
    scenario = load_scenario("baseline")
    world = make_world(scenario, scale)
    snap: Snapshot | None = simulate(
        scenario, np.arange(1), 1, world=world, checkpoint_at=year
    ).snapshot
    assert snap is not None
    return scenario, world, snap.state


def _context(state: State, world: World) -> State:
    """The next year's continuous inputs (what regimes.step sets, without discrete events)."""
    year = state.year + 1
    t = world.timeline.row(year)
    tl = world.timeline
    return replace(
        state,
        year=year,
        levers=np.broadcast_to(tl.levers[t], state.levers.shape).copy(),
        alliance=np.broadcast_to(tl.alliance[t], state.alliance.shape).copy(),
        disruption=np.broadcast_to(tl.disruption[t], state.disruption.shape).copy(),
    )


def angang_core(
    scenario: Scenario,
    world: World,
    state: State,
    runs: int,
    years: int,
    seed: int,
    engine: str = "numba",
) -> dict[str, np.ndarray]:
    """The enterprise core on arrays, ``runs`` at once (compiled kernels unless ``engine`` is
    "numpy"); outcomes per run."""
    batch = State(
        **{
            f.name: (np.repeat(v, runs, axis=0) if isinstance(v, np.ndarray) else v)
            for f in dataclasses.fields(State)
            for v in [getattr(state, f.name)]
        }
    )
    batch = owned(batch, engine == "numba")  # as the yearly loop runs it
    params = Params.repeat(scenario.parameters, runs)
    rng = (CompiledStreams if engine == "numba" else Streams)(seed, np.arange(runs))
    compiled = dict(zip(SCHEDULE, schedule(engine), strict=True))
    steps = [compiled[s] for s in (technology.step, production.step, planning.step, labour.employ)]
    new_plan_year = compiled[planning.new_plan_year]
    for _ in range(years):
        batch = new_plan_year(batch, world, params, rng)
        batch = _context(batch, world)
        for step in steps:
            batch = step(batch, world, params, rng)
    return outcomes_of_arrays(batch, world)


def outcomes_of_arrays(state: State, world: World) -> dict[str, np.ndarray]:
    steel = world.layout.sector == SECTORS.index("steel")
    weight = state.capacity * state.active
    return {
        "steel": (state.output * steel).sum(axis=1),
        "output_value": (state.output * world.layout.slot_price).sum(axis=1),
        "tech": (weight * state.tech).sum(axis=1) / weight.sum(axis=1),
        "employment": (state.workforce[..., :K].sum(axis=2) * state.active).sum(axis=1),
        "enterprises": state.active.sum(axis=1).astype(float),
        "reported": (state.reported * steel).sum(axis=1),
    }


# --- the Mesa side ------------------------------------------------------------------------


class Enterprise(mesa.Agent):
    """One enterprise, its plant, its bargaining position and its workforce, as scalars."""

    def __init__(self, model: CoreModel, slot: int, state: State):
        super().__init__(model)
        lay = model.world.layout
        self.region, self.sector = int(lay.region[slot]), int(lay.sector[slot])
        self.heavy = bool(lay.heavy[self.sector])
        self.is_angang = slot == model.angang_slot
        self.is_work = bool(lay.is_work[slot])
        get = lambda name: float(getattr(state, name)[0, slot])  # noqa: E731
        self.owner = int(state.owner[0, slot])
        for name in (
            "capacity",
            "tech",
            "wear",
            "effort",
            "director_power",
            "target",
            "next_rate",
            "output",
            "reported",
            "hidden",
            "profit",
            "welfare",
            "grievance",
            "claim",
            "fatigue",
            "laid_off",
            "protest",
            "damaged",
        ):
            setattr(self, name, get(name))
        self.provenance = [float(x) for x in state.provenance[0, slot]]
        self.workforce = [float(x) for x in state.workforce[0, slot]]

    # technology (mechanisms.technology.step), computed from last year's values, then applied
    def learn(self) -> None:
        m, p = self.model, self.model.p
        domestic = sum(self.workforce[:K])
        skilled = self.workforce[technology.ENGINEERS] + p.expert_weight * sum(self.workforce[K:])
        absorb = (
            min(1.0, max(0.0, skilled / (technology.NORMAL_ENGINEER_SHARE * domestic)))
            if domestic > 0
            else 0.0
        )
        allied = m.allied[self.region]
        gaps = [max(0.0, f - self.tech) for f in m.frontier]
        foreign = [p.transfer_rate * a * absorb * g for a, g in zip(allied, gaps, strict=True)]
        total, best = sum(foreign), max(gaps)
        if total > best:
            foreign = [f * best / total for f in foreign]
        home = p.indigenous_rate * absorb * (1.0 - self.tech)
        diffused = 0.0
        if m.lead is not None and self.owner in SOE and not self.is_angang:
            diffused = (
                p.diffusion_rate
                * m.levers[LEVER["planning"]][self.region]
                * max(0.0, m.lead - self.tech)
            )
        gained = [home + diffused * m.lead_mix[0]] + [
            f + diffused * x for f, x in zip(foreign, m.lead_mix[1:], strict=True)
        ]
        weighted = [self.tech * v + g for v, g in zip(self.provenance, gained, strict=True)]
        mass = sum(weighted)
        self._tech = min(1.0, max(0.0, self.tech + sum(foreign) + home + diffused))
        self._provenance = [w / mass for w in weighted] if mass > 0 else self.provenance

    def adopt(self) -> None:
        self.tech, self.provenance = self._tech, self._provenance

    # production (mechanisms.production.step): first what the plant would make ...
    def plan_output(self) -> None:
        m, p = self.model, self.model.p
        self.capacity *= 1.0 - p.depreciation
        sigma = p.output_noise
        shock = math.exp(sigma * m.rng.standard_normal() - 0.5 * sigma**2)
        util = self._utilization()
        yield_ = self.tech**p.tech_elasticity * self.effort * shock
        # damaged plant stays out of service (rehabilitation does not run in the core); light
        # industry is short of farm inputs after a poor harvest
        farm = 1.0 if self.heavy else 1.0 - p.agri_input * (1.0 - m.food)
        wanted = (
            self.capacity
            * (1.0 - self.wear)
            * (1.0 - self.damaged)
            * min(1.0, util * yield_)
            * farm
        )
        planned = m.levers[LEVER["planning"]][self.region] * (self.target > 0)
        excess = max(0.0, wanted - self.target * (1.0 + p.target_margin))
        self.wanted = wanted - planned * self.director_power * excess
        m.wanted_cells[self.region][self.sector] += self.wanted

    def _utilization(self) -> float:
        m, p = self.model, self.model.p
        return (
            p.utilization_normal * (1.0 - m.disruption[self.region][self.sector])
            + p.campaign_overdrive * m.levers[LEVER["campaign_intensity"]][self.region]
        )

    # ... then, after the model's shortage cascade, what it makes, its wear and profit
    def produce(self) -> None:
        m = self.model
        self.output = self.wanted * m.met[self.region][self.sector]
        m.sector_output[self.sector] += self.output
        if self.owner == PRIVATE:
            m.private_output[self.sector] += self.output

    def account(self) -> None:
        m, p = self.model, self.model.p
        lay = m.world.layout
        overdrive = max(0.0, self._utilization() - p.utilization_normal)
        self.wear = min(
            production.MAX_WEAR,
            max(
                0.0, self.wear * (1.0 - p.repair_rate) + p.wear_rate + p.overdrive_wear * overdrive
            ),
        )
        share = (
            m.private_output[self.sector] / m.sector_output[self.sector]
            if m.sector_output[self.sector] > 0
            else 0.0
        )
        private = self.owner == PRIVATE
        cut = (
            0.0
            if private
            else (p.competition * share * m.levers[LEVER["market_openness"]][self.region])
        )
        base_price = float(lay.price[self.sector])
        need = self._need()
        have = sum(self.workforce[:K])
        overstaff = max(0.0, have - need) / need if need > 0 else 0.0
        unit_cost = p.variable_cost_share * (1.0 + 0.5 * (1.0 - self.tech)) + p.social_cost * (
            overstaff + self.welfare
        )
        self.profit = base_price * (1.0 - cut) * self.output - base_price * (
            unit_cost * self.output + p.fixed_cost_share * self.capacity
        )

    def _need(self) -> float:
        m, p = self.model, self.model.p
        persons = self.capacity * float(m.world.layout.labour[self.sector])
        return persons * (1.0 + p.labour_productivity_growth) ** (1952 - m.year)

    def _seen(self) -> float:
        """The capacity the ministry sees (mechanisms.planning.seen_capacity)."""
        return self.capacity * (1.0 - self.wear) * (1.0 - self.damaged) * (1.0 - self.hidden)

    # vertical bargaining (mechanisms.planning.step)
    def bargain(self) -> None:
        m, p = self.model, self.model.p
        soe = self.owner in SOE
        plan = m.levers[LEVER["planning"]][self.region] * soe
        campaign = m.levers[LEVER["campaign_intensity"]][self.region]
        power = self.director_power
        self.hidden = p.slack_hiding * power * plan
        seen = self._seen()
        pressure = min(1.0, max(0.0, campaign * (1.0 - power) + planning.ROUTINE_PRESSURE * plan))
        gap = max(0.0, self.target - self.output) * (plan > 0)
        self.reported = self.output + p.overreport * pressure * gap
        growth = 1.0 + p.plan_growth + p.campaign_target_boost * campaign
        ratcheted = (
            self.reported + p.ratchet * (self.reported - self.target)
            if self.target > 0
            else self.reported
        )
        ceiling = seen * (1.0 + p.campaign_target_boost * campaign)
        next_target = min(max(0.0, ratcheted * growth), ceiling) * (plan > 0)
        self.next_rate = next_target / seen if seen > 0 else 0.0
        hard = (
            m.levers[LEVER["budget_hardness"]][self.region]
            if soe or self.owner == COLONIAL
            else 1.0
        )
        exits = self.profit < 0 and not self.is_work and m.rng.random() < p.soft_budget_exit * hard
        if exits:
            self.remove()  # its staff are laid off below, as in angang
            m.closed.append(self)

    # labour (mechanisms.labour.employ)
    def employ(self, active: bool = True) -> None:
        m, p = self.model, self.model.p
        hard = m.levers[LEVER["budget_hardness"]][self.region]
        soe = self.owner in SOE and active
        need = [self._need() * share for share in COHORT_SPLIT]
        current = self.workforce[:K]
        slack = (1.0 - hard) * labour.STAFFING_SLACK + self.claim
        wanted = [n * (1.0 + slack if soe else 1.0) for n in need]
        kept = [c * (1.0 - p.attrition) for c in current]
        distress = self.profit < 0 and soe
        speed = hard * p.layoff_speed * distress if soe else 1.0
        fired = [speed * max(0.0, k - w) for k, w in zip(kept, wanted, strict=True)]
        if active:
            domestic = [max(w, k - f) for w, k, f in zip(wanted, kept, fired, strict=True)]
            self.laid_off = sum(fired)
            self.workforce = domestic + self.workforce[K:]
        else:
            domestic = [0.0] * K
            self.laid_off = sum(current)
            self.workforce = [0.0] * len(self.workforce)
        cut = hard * (0.3 + 0.7 * distress)
        target = (
            min(1.0, max(0.0, (1.0 - cut) * p.welfare_level + self.claim))
            if soe
            else labour.PRIVATE_WELFARE
        )
        welfare = self.welfare + labour.WELFARE_ADJUSTMENT * (target - self.welfare)
        before = sum(current)
        share = self.laid_off / before if before > 0 else 0.0
        self.grievance = min(
            1.0,
            max(
                0.0,
                self.grievance * (1.0 - p.grievance_decay)
                + p.grievance_layoff * share
                + p.grievance_welfare * max(0.0, self.welfare - welfare)
                + p.colonial_grievance * (self.owner == COLONIAL)
                + labour.FATIGUE_GRIEVANCE * self.fatigue,
            ),
        )
        self.welfare = welfare
        people = sum(domestic) + self.laid_off
        rate = p.protest_rate * people / 1e4 * max(0.0, self.grievance - p.protest_threshold)
        self.protest = float(m.rng.poisson(min(rate, 1e6)))


class CoreModel(mesa.Model):
    """The enterprise core with one agent per active enterprise, updated in phases."""

    def __init__(self, scenario: Scenario, world: World, state: State, seed: int):
        super().__init__(seed=seed)
        self.world, self.year = world, state.year
        self.p = scenario.parameters
        self.angang_slot = int(world.layout.work_slot[WORKS.index("angang")])
        self.ruler = [int(r) for r in state.ruler[0]]
        self.food = float(state.food[0])  # national: food is shared out by the state
        self.absorption = [float(x) for x in state.absorption[0]]  # production.absorb
        # the mix of investment is fixed in the core (investment does not run); light plant
        # takes less steel and cement to build (production.demand)
        mix = state.investment[0].sum(axis=0)
        total = float(mix.sum())
        heavy = world.layout.heavy
        self.light_share = float(mix[~heavy].sum()) / total if total > 0 else 0.0
        for slot in np.flatnonzero(state.active[0]):
            Enterprise(self, int(slot), state)
        self.closed: list[Enterprise] = []

    def step(self) -> None:
        tl, R, S = self.world.timeline, len(self.ruler), len(SECTORS)
        for a in self.agents:  # the target set last year comes into force
            a.target = a.next_rate * a._seen()
        self.year += 1
        t = tl.row(self.year)
        self.levers, self.disruption = tl.levers[t].tolist(), tl.disruption[t].tolist()
        self.frontier = tl.frontier[t].tolist()
        self.allied = [
            [max(0.0, float(x)) for x in tl.alliance[t][self.ruler[r]]] for r in range(R)
        ]
        lead = next((a for a in self.agents if a.is_angang), None)
        self.lead = lead.tech if lead is not None else None
        self.lead_mix = lead.provenance if lead is not None else [1.0] + [0.0] * P
        self.agents.do("learn")
        self.agents.do("adopt")
        price = self.world.layout.price
        self.last_value = [0.0] * R  # last year's output by region, million yuan
        for a in self.agents:
            self.last_value[a.region] += a.output * float(price[a.sector])
        self.wanted_cells = [[0.0] * S for _ in range(R)]
        p, lv = self.p, self.levers
        for r in range(R):  # production.absorb: the extra take follows the levers with a lag
            target = (
                p.priority_absorption
                * lv[LEVER["heavy_priority"]][r]
                * (1.0 - lv[LEVER["market_openness"]][r])
            )
            self.absorption[r] += p.absorption_adjust * (target - self.absorption[r])
        self.agents.do("plan_output")
        self._shortages()
        self.sector_output, self.private_output = [0.0] * S, [0.0] * S
        self.agents.do("produce")
        self.agents.do("account")
        self.closed = []
        self.agents.do("bargain")
        self.agents.do("employ")
        for a in self.closed:
            a.employ(active=False)

    def _shortages(self) -> None:
        """The input-output cascade of production.step, on region x sector sums."""
        lay, p = self.world.layout, self.p
        R, S = len(self.ruler), len(SECTORS)
        supply = [row[:] for row in self.wanted_cells]
        self.met = [[1.0] * S for _ in range(R)]
        blocs = [[q for q in range(R) if self.ruler[q] == self.ruler[r]] for r in range(R)]
        # production.import_reach: imports fill a share of a gap, as far as markets are open
        # or an industrial ally supplies
        imports = [
            p.import_share
            * max(self.levers[LEVER["market_openness"]][r], min(1.0, max(self.allied[r])))
            for r in range(R)
        ]
        for s in production.ORDER:
            for k in np.flatnonzero(lay.inputs[s]):
                need = float(lay.inputs[s][k])
                for r in range(R):
                    demand = sum(self.wanted_cells[q][s] * need for q in blocs[r])
                    own = sum(supply[q][k] for q in blocs[r]) * (1.0 + p.input_buffer)
                    avail = own + imports[r] * max(0.0, demand - own)
                    met = min(1.0, avail / demand) if demand > 0 else 1.0
                    self.met[r][s] = min(self.met[r][s], met)
            for r in range(R):
                supply[r][s] = self.wanted_cells[r][s] * self.met[r][s]
        # production.demand: a good others use is made only as far as they take it
        used = self._use()
        for r in range(R):
            for k in np.flatnonzero(lay.used):
                asked = sum(used[q][k] for q in blocs[r])
                made = sum(supply[q][k] for q in blocs[r])
                if made > 0:
                    self.met[r][k] *= min(1.0, asked * (1.0 + p.stock_margin) / made)

    def _use(self) -> list[list[float]]:
        """What each region would use of each good (production.demand), from the plants'
        wanted output, this year's planned building and use outside industry."""
        lay, p = self.world.layout, self.p
        R, S = len(self.ruler), len(SECTORS)
        out = []
        for r in range(R):
            wanted = self.wanted_cells[r]
            planned = self.levers[LEVER["investment_rate"]][r] * self.last_value[r]
            building = planned * (1.0 - (1.0 - p.light_plant_materials) * self.light_share)
            value = sum(w * float(lay.price[s]) for s, w in enumerate(wanted))
            drive = 1.0 + self.absorption[r]
            row = []
            for k in range(S):
                use = (
                    sum(wanted[s] * float(lay.inputs[s][k]) for s in range(S))
                    + building * float(lay.construction[k])
                    + value * float(lay.final_use[k])
                )
                row.append(use * (drive if lay.heavy[k] else 1.0))
            out.append(row)
        return out

    def outcomes(self) -> dict[str, float]:
        steel = SECTORS.index("steel")
        agents = list(self.agents)
        price = self.world.layout.price
        weight = sum(a.capacity for a in agents)
        return {
            "steel": sum(a.output for a in agents if a.sector == steel),
            "output_value": sum(a.output * float(price[a.sector]) for a in agents),
            "tech": sum(a.capacity * a.tech for a in agents) / weight,
            "employment": sum(sum(a.workforce[:K]) for a in agents),
            "enterprises": float(len(agents)),
            "reported": sum(a.reported for a in agents if a.sector == steel),
        }


def mesa_core(
    scenario: Scenario, world: World, state: State, runs: int, years: int, seed: int
) -> dict[str, np.ndarray]:
    """The enterprise core in Mesa, one model per run; outcomes per run."""
    rows = []
    for i in range(runs):
        model = CoreModel(scenario, world, state, seed=seed * 100_003 + i)
        for _ in range(years):
            model.step()
        rows.append(model.outcomes())
    return {k: np.array([r[k] for r in rows]) for k in rows[0]}

"""What a run records each year, and the one place every variable's unit and meaning live.

``angang variables`` prints :data:`VARIABLES`; a test checks that every recorded variable is
registered here and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from angang.engine.aggregate import by_region_sector, sum_short
from angang.engine.state import DOMESTIC_COHORTS, State
from angang.engine.world import World, is_soe
from angang.ids import COMMITTEES, NATION, POWERS, REGIONS, SECTORS, WORKS
from angang.mechanisms.local_politics import tension
from angang.scenario.schema import LEVERS


@dataclass(frozen=True)
class Variable:
    """A recorded variable: its unit, the entities it is recorded for, what it means."""

    unit: str
    entities: str
    meaning: str


REGION_LIST = "china, " + ", ".join(REGIONS)
VARIABLES: dict[str, Variable] = {
    "steel_output": Variable(
        "kt", f"{REGION_LIST}, " + ", ".join(WORKS), "true crude steel output (thousand tonnes)"
    ),
    "steel_output_reported": Variable(
        "kt",
        f"{REGION_LIST}, " + ", ".join(WORKS),
        "crude steel output as reported upward (over-reporting included)",
    ),
    "steel_capacity": Variable(
        "kt/yr", f"{REGION_LIST}, " + ", ".join(WORKS), "rated crude steel capacity"
    ),
    "industrial_output": Variable(
        "million 1952 yuan", REGION_LIST, "gross value of true industrial output"
    ),
    "sector_output": Variable(
        "the sector's unit in the scenario (baseline: kt; power GWh; machinery and light "
        "million 1952 yuan)",
        "SCOPE:SECTOR, SCOPE = china or a region",
        "true output of a sector",
    ),
    "soe_share": Variable("share", "china", "share of industrial output value produced by SOEs"),
    "heavy_share": Variable("share", "china", "share of industrial output value in heavy industry"),
    "plan_target": Variable(
        "kt", "china, angang", "the ministry's steel target for the year (planned SOEs only)"
    ),
    "plan_fulfillment": Variable(
        "ratio", "china, angang", "reported steel output over target (NaN where unplanned)"
    ),
    "employment": Variable(
        "persons",
        f"{REGION_LIST}, angang",
        "industrial workforce: workers, skilled workers and engineers",
    ),
    "foreign_experts": Variable(
        "persons",
        "china:POWER",
        "foreign experts present, by power: on the staff of plants, "
        "and on site with key-point projects",
    ),
    "investment": Variable("million 1952 yuan", REGION_LIST, "investment in new capacity"),
    "enterprises": Variable("count", "china", "active enterprise agents"),
    "soe_output_share": Variable(
        "share", ", ".join(REGIONS), "the region's share of national SOE output value"
    ),
    "heavy_output_share": Variable(
        "share", ", ".join(REGIONS), "the region's share of national heavy-industry output value"
    ),
    "sector_share": Variable(
        "share", "REGION:SECTOR", "the region's share of national output of the sector"
    ),
    "investment_share": Variable(
        "share", ", ".join(REGIONS), "the region's share of national investment"
    ),
    "threat": Variable(
        "0-1",
        ", ".join(REGIONS),
        "military threat: security posture times exposure to hostile powers",
    ),
    "tech_level": Variable(
        "0-1 (1 = world best practice of 2000)",
        f"{REGION_LIST}, angang",
        "technology level, capacity-value-weighted over plants",
    ),
    "tech_provenance": Variable(
        "share",
        "angang:SOURCE, china:SOURCE (SOURCE = domestic or a power)",
        "share of the technology in place by its source",
    ),
    "tech_transfer_share": Variable(
        "share",
        ", ".join(POWERS),
        "the power's share of the year's transferred technology (NaN in a year with no transfer)",
    ),
    "director_power": Variable(
        "0-1",
        "angang, china (SOE output-weighted)",
        "the director's share of power against the party secretary",
    ),
    "ministry_control": Variable(
        "0-1",
        "angang, china (SOE output-weighted)",
        "the ministry's (vertical line's) share of control",
    ),
    "tiao_kuai_tension": Variable(
        "0-1",
        "angang, china (SOE output-weighted)",
        "tension where control is contested between the ministry and the local committee",
    ),
    "committee_power": Variable(
        "0-1", ", ".join(COMMITTEES), "a party committee's strength in bargaining over SOEs"
    ),
    "grievance": Variable(
        "0-1", f"{REGION_LIST}, angang (workforce-weighted)", "workers' grievance"
    ),
    "layoffs": Variable("persons", f"{REGION_LIST}, angang", "workers laid off in the year"),
    "protest": Variable("incidents", f"{REGION_LIST}, angang", "protest incidents in the year"),
    "lever": Variable(
        "0-1",
        "china:LEVER (output-weighted mean over regions)",
        "the centre's policy levers, for reading results against the timeline",
    ),
}


#: the per-slot quantities summed over each region x sector cell (:class:`Totals`)
CELL_FIELDS = (
    "output",
    "reported",
    "capacity",  #: in service or idle, of active plant
    "employment",  #: domestic staff
    "soe_value",  #: output value of SOEs (the weight of the political means)
    "tech_weighted",  #: technology times its weight (capacity value)
    "tech_weight",
    "director_weighted",  #: director's power times SOE output value
    "ministry_weighted",
    "tension_weighted",
    "grievance_weighted",  #: grievance times the people it is felt by
    "grievance_weight",  #: staff and laid-off workers
    "laid_off",
    "protest",
)


@dataclass(frozen=True)
class Totals:
    """The year's sums over plants, from which the record is built (:func:`totals`, or the
    compiled :func:`angang.model.kernels.observe_totals`, which gives the same numbers)."""

    cells: np.ndarray  #: (F, B, R, S): each of :data:`CELL_FIELDS` summed by cell
    soe_value: np.ndarray  #: (B, 1): SOE output value, summed over all slots
    steel_target: np.ndarray  #: (B, 1): the steel targets of planned SOEs
    planned_reported: np.ndarray  #: (B, 1): steel reported by plants with a target
    plants: np.ndarray  #: (B, 1): active plants (a count, as floats)
    experts: np.ndarray  #: (B, P): foreign experts on plants' staff and on project sites
    provenance: np.ndarray  #: (B, 1+P): technology by source, weighted by capacity value

    def cell(self, name: str) -> np.ndarray:
        """(B, R, S): the cell sums of ``name`` (one of :data:`CELL_FIELDS`)."""
        return self.cells[CELL_FIELDS.index(name)]


def totals(state: State, world: World) -> Totals:
    """The year's sums over plants: each run's row summed on its own, in a fixed order."""
    lay = world.layout
    price = lay.slot_price
    soe_value = state.output * price * is_soe(state.owner)
    capacity = state.capacity * state.active
    tech_weight = capacity * price
    domestic = sum_short(state.workforce[..., :DOMESTIC_COHORTS])
    people = domestic + state.laid_off
    per_slot = {
        "output": state.output,
        "reported": state.reported,
        "capacity": capacity,
        "employment": domestic,
        "soe_value": soe_value,
        "tech_weighted": state.tech * tech_weight,
        "tech_weight": tech_weight,
        "director_weighted": state.director_power * soe_value,
        "ministry_weighted": state.ministry_control * soe_value,
        "tension_weighted": tension(state, world) * soe_value,
        "grievance_weighted": state.grievance * people,
        "grievance_weight": people,
        "laid_off": state.laid_off,
        "protest": state.protest,
    }
    target = state.target * (lay.sector == SECTORS.index("steel"))
    # sums over the slots (an outer axis) by einsum, which adds in the same order as
    # ndarray.sum there, three times as fast
    return Totals(
        cells=np.stack([by_region_sector(per_slot[name], lay) for name in CELL_FIELDS]),
        soe_value=soe_value.sum(axis=1, keepdims=True),
        steel_target=target.sum(axis=1, keepdims=True),
        planned_reported=(state.reported * (target > 0)).sum(axis=1, keepdims=True),
        plants=state.active.sum(axis=1, keepdims=True).astype(float),
        experts=np.einsum("bnk->bk", state.workforce[..., DOMESTIC_COHORTS:])
        + np.einsum("bnp->bp", state.on_site),
        provenance=np.einsum("bn,bnp->bp", tech_weight * state.tech, state.provenance),
    )


def observe(
    state: State, world: World, sums: Totals | None = None
) -> dict[str, tuple[list[str], np.ndarray]]:
    """The year's record: variable -> (entities, float array (B, E)); ``sums`` are the
    year's :func:`totals` (computed here if not given)."""
    sums = sums if sums is not None else totals(state, world)
    lay = world.layout
    steel = SECTORS.index("steel")
    out = sums.cell("output")  # (B, R, S)
    value = out * lay.price
    regional_value = value.sum(axis=2)
    total_value = regional_value.sum(axis=1, keepdims=True)
    works = lay.work_slot

    def named(x: np.ndarray) -> np.ndarray:
        picked = x[:, np.maximum(works, 0)]
        return np.where(works >= 0, picked, 0.0)

    def scopes(regional: np.ndarray, per_work: np.ndarray | None = None) -> np.ndarray:
        parts = [regional.sum(axis=1, keepdims=True), regional]
        if per_work is not None:
            parts.append(per_work)
        return np.concatenate(parts, axis=1)

    # each run's row summed on its own (a sum over two axes at once is ordered by the batch)
    heavy_value = value[:, :, lay.heavy].reshape(state.runs, -1).sum(axis=1)[:, None]
    safe_total = np.where(total_value > 0, total_value, np.nan)
    angang = lay.work_slot[WORKS.index("angang")]
    if angang >= 0:
        steel_slot = lay.sector[angang] == steel
        ang_target = state.target[:, angang : angang + 1] * steel_slot
        ang_reported = state.reported[:, angang : angang + 1]
        ang_staff = sum_short(state.workforce[:, angang : angang + 1, :DOMESTIC_COHORTS])
    else:
        ang_target = ang_reported = ang_staff = np.zeros((state.runs, 1))
    employment = sums.cell("employment").sum(axis=2)
    sector_entities = [f"{NATION}:{s}" for s in SECTORS] + [
        f"{r}:{s}" for r in REGIONS for s in SECTORS
    ]
    weights = regional_value / np.where(total_value > 0, total_value, 1.0)
    lever_mean = np.einsum("blr,br->bl", state.levers, weights)
    scope_entities = [NATION, *REGIONS]
    record = {
        "steel_output": ([*scope_entities, *WORKS], scopes(out[:, :, steel], named(state.output))),
        "steel_output_reported": (
            [*scope_entities, *WORKS],
            scopes(sums.cell("reported")[:, :, steel], named(state.reported)),
        ),
        "steel_capacity": (
            [*scope_entities, *WORKS],
            scopes(sums.cell("capacity")[:, :, steel], named(state.capacity) * named(state.active)),
        ),
        "industrial_output": (scope_entities, scopes(regional_value)),
        "sector_output": (
            sector_entities,
            np.concatenate([out.sum(axis=1), out.reshape(state.runs, -1)], 1),
        ),
        "soe_share": ([NATION], sums.soe_value / safe_total),
        "heavy_share": ([NATION], heavy_value / safe_total),
        "plan_target": ([NATION, "angang"], np.concatenate([sums.steel_target, ang_target], 1)),
        "plan_fulfillment": (
            [NATION, "angang"],
            np.concatenate(
                [
                    _ratio(sums.planned_reported, sums.steel_target),
                    _ratio(ang_reported, ang_target),
                ],
                1,
            ),
        ),
        "employment": ([*scope_entities, "angang"], scopes(employment, ang_staff)),
        "foreign_experts": ([f"{NATION}:{p}" for p in POWERS], sums.experts),
        "investment": (scope_entities, scopes(state.investment.sum(axis=2))),
        "enterprises": ([NATION], sums.plants),
        "lever": ([f"{NATION}:{name}" for name in LEVERS], lever_mean),
    }
    record.update(_structure(state, world, sums))
    record.update(_technology(state, world, sums))
    record.update(_politics_and_labour(state, world, sums))
    return record


def _weighted(num: np.ndarray, den: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted means from cell sums of x times its weight (``num``) and of the weight
    (``den``), both (B, R, S): national (B, 1) and regional (B, R)."""
    num, den = num.sum(axis=2), den.sum(axis=2)
    national = _ratio(num.sum(axis=1, keepdims=True), den.sum(axis=1, keepdims=True))
    return national, _ratio(num, den)


def _structure(state: State, world: World, sums: Totals) -> dict[str, tuple[list[str], np.ndarray]]:
    lay = world.layout
    out = sums.cell("output")
    soe_value = sums.cell("soe_value").sum(axis=2)
    national_sector = out.sum(axis=1, keepdims=True)  # (B, 1, S)
    sector_share = _ratio(out, np.broadcast_to(national_sector, out.shape))
    invest = state.investment.sum(axis=2)
    heavy_value = (out * lay.price)[:, :, lay.heavy].sum(axis=2)  # (B, R)
    return {
        "heavy_output_share": (
            list(REGIONS),
            _ratio(heavy_value, heavy_value.sum(axis=1, keepdims=True)),
        ),
        "soe_output_share": (
            list(REGIONS),
            _ratio(soe_value, soe_value.sum(axis=1, keepdims=True)),
        ),
        "sector_share": (
            [f"{r}:{s}" for r in REGIONS for s in SECTORS],
            sector_share.reshape(state.runs, -1),
        ),
        "investment_share": (list(REGIONS), _ratio(invest, invest.sum(axis=1, keepdims=True))),
        "threat": (list(REGIONS), state.threat.copy()),
    }


def _technology(
    state: State, world: World, sums: Totals
) -> dict[str, tuple[list[str], np.ndarray]]:
    lay = world.layout
    national, regional = _weighted(sums.cell("tech_weighted"), sums.cell("tech_weight"))
    angang = lay.work_slot[WORKS.index("angang")]
    sources = ["domestic", *POWERS]
    china = _ratio(sums.provenance, sums.provenance.sum(axis=1, keepdims=True))
    if angang >= 0:
        ang_tech = state.tech[:, angang : angang + 1]
        ang_prov = state.provenance[:, angang, :]
    else:
        ang_tech = np.full((state.runs, 1), np.nan)
        ang_prov = np.full((state.runs, len(sources)), np.nan)
    transfer = state.transfer
    return {
        "tech_level": (
            [NATION, *REGIONS, "angang"],
            np.concatenate([national, regional, ang_tech], axis=1),
        ),
        "tech_provenance": (
            [f"angang:{x}" for x in sources] + [f"{NATION}:{x}" for x in sources],
            np.concatenate([ang_prov, china], axis=1),
        ),
        "tech_transfer_share": (
            list(POWERS),
            _ratio(transfer, transfer.sum(axis=1, keepdims=True)),
        ),
    }


def _politics_and_labour(
    state: State, world: World, sums: Totals
) -> dict[str, tuple[list[str], np.ndarray]]:
    lay = world.layout
    angang = lay.work_slot[WORKS.index("angang")]
    weight = sums.cell("soe_value")

    def at_angang(x: np.ndarray, missing: float) -> np.ndarray:
        return x[:, angang : angang + 1] if angang >= 0 else np.full((state.runs, 1), missing)

    def angang_and_china(x: np.ndarray, weighted: str) -> np.ndarray:
        national, _ = _weighted(sums.cell(weighted), weight)
        return np.concatenate([at_angang(x, np.nan), national], axis=1)

    g_nat, g_reg = _weighted(sums.cell("grievance_weighted"), sums.cell("grievance_weight"))

    def totals_of(name: str, x: np.ndarray) -> np.ndarray:
        regional = sums.cell(name).sum(axis=2)
        return np.concatenate(
            [regional.sum(axis=1, keepdims=True), regional, at_angang(x, 0.0)], axis=1
        )

    if angang >= 0:
        strain = tension(state, world, slice(angang, angang + 1))
    else:
        strain = np.full((state.runs, 1), np.nan)
    scopes = [NATION, *REGIONS, "angang"]
    return {
        "director_power": (
            ["angang", NATION],
            angang_and_china(state.director_power, "director_weighted"),
        ),
        "ministry_control": (
            ["angang", NATION],
            angang_and_china(state.ministry_control, "ministry_weighted"),
        ),
        "tiao_kuai_tension": (
            ["angang", NATION],
            np.concatenate([strain, _weighted(sums.cell("tension_weighted"), weight)[0]], axis=1),
        ),
        "committee_power": (list(COMMITTEES), state.committee_power.copy()),
        "grievance": (
            scopes,
            np.concatenate([g_nat, g_reg, at_angang(state.grievance, np.nan)], axis=1),
        ),
        "layoffs": (scopes, totals_of("laid_off", state.laid_off)),
        "protest": (scopes, totals_of("protest", state.protest)),
    }


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    return np.divide(num, den, out=np.full(num.shape, np.nan), where=den > 0)

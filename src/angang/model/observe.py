"""What a run records each year, and the one place every variable's unit and meaning live.

``angang variables`` prints :data:`VARIABLES`; a test checks that every recorded variable is
registered here and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from angang.engine.aggregate import by_region_sector, sum_short
from angang.engine.state import DOMESTIC_COHORTS, State
from angang.engine.world import Layout, World, is_soe
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


def observe(state: State, world: World) -> dict[str, tuple[list[str], np.ndarray]]:
    """The year's record: variable -> (entities, float array (B, E))."""
    lay = world.layout
    price = lay.price[lay.sector]
    steel = SECTORS.index("steel")
    out = by_region_sector(state.output, lay)  # (B, R, S)
    rep = by_region_sector(state.reported, lay)
    cap = by_region_sector(state.capacity * state.active, lay)
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

    soe = is_soe(state.owner)
    soe_value = (state.output * price * soe).sum(axis=1, keepdims=True)
    # each run's row summed on its own (a sum over two axes at once is ordered by the batch)
    heavy_value = value[:, :, lay.heavy].reshape(state.runs, -1).sum(axis=1)[:, None]
    safe_total = np.where(total_value > 0, total_value, np.nan)
    target = state.target * (lay.sector == steel)
    angang = lay.work_slot[WORKS.index("angang")]
    china_target = target.sum(axis=1, keepdims=True)
    planned_reported = (state.reported * (target > 0)).sum(axis=1, keepdims=True)
    ang_target = named(target)[:, :1] if angang >= 0 else np.zeros((state.runs, 1))
    ang_reported = named(state.reported)[:, :1] if angang >= 0 else np.zeros((state.runs, 1))
    domestic = sum_short(state.workforce[..., :DOMESTIC_COHORTS])
    employment = by_region_sector(domestic, lay).sum(axis=2)
    # sums over the slots (an outer axis) by einsum, which adds in the same order as
    # ndarray.sum there, three times as fast
    experts = np.einsum("bnk->bk", state.workforce[..., DOMESTIC_COHORTS:]) + np.einsum(
        "bnp->bp", state.on_site
    )
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
            scopes(rep[:, :, steel], named(state.reported)),
        ),
        "steel_capacity": (
            [*scope_entities, *WORKS],
            scopes(cap[:, :, steel], named(state.capacity * state.active)),
        ),
        "industrial_output": (scope_entities, scopes(regional_value)),
        "sector_output": (
            sector_entities,
            np.concatenate([out.sum(axis=1), out.reshape(state.runs, -1)], 1),
        ),
        "soe_share": ([NATION], soe_value / safe_total),
        "heavy_share": ([NATION], heavy_value / safe_total),
        "plan_target": ([NATION, "angang"], np.concatenate([china_target, ang_target], 1)),
        "plan_fulfillment": (
            [NATION, "angang"],
            np.concatenate(
                [_ratio(planned_reported, china_target), _ratio(ang_reported, ang_target)], 1
            ),
        ),
        "employment": ([*scope_entities, "angang"], scopes(employment, named(domestic)[:, :1])),
        "foreign_experts": ([f"{NATION}:{p}" for p in POWERS], experts),
        "investment": (scope_entities, scopes(state.investment.sum(axis=2))),
        "enterprises": ([NATION], state.active.sum(axis=1, keepdims=True).astype(float)),
        "lever": ([f"{NATION}:{name}" for name in LEVERS], lever_mean),
    }
    record.update(_structure(state, world, out, soe))
    record.update(_technology(state, world))
    record.update(_politics_and_labour(state, world, soe))
    return record


def _weighted(x: np.ndarray, w: np.ndarray, lay: Layout) -> tuple[np.ndarray, np.ndarray]:
    """Weighted means of x (B, N) by w: national (B, 1) and regional (B, R)."""
    num = by_region_sector(x * w, lay).sum(axis=2)
    den = by_region_sector(w, lay).sum(axis=2)
    national = _ratio(num.sum(axis=1, keepdims=True), den.sum(axis=1, keepdims=True))
    return national, _ratio(num, den)


def _structure(
    state: State, world: World, out: np.ndarray, soe: np.ndarray
) -> dict[str, tuple[list[str], np.ndarray]]:
    lay = world.layout
    soe_value = by_region_sector(state.output * lay.price[lay.sector] * soe, lay).sum(axis=2)
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


def _technology(state: State, world: World) -> dict[str, tuple[list[str], np.ndarray]]:
    lay = world.layout
    weight = state.capacity * state.active * lay.price[lay.sector]
    national, regional = _weighted(state.tech, weight, lay)
    angang = lay.work_slot[WORKS.index("angang")]
    sources = ["domestic", *POWERS]
    china = np.einsum("bn,bnp->bp", weight * state.tech, state.provenance)  # (B, 1+P)
    china = _ratio(china, china.sum(axis=1, keepdims=True))
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
    state: State, world: World, soe: np.ndarray
) -> dict[str, tuple[list[str], np.ndarray]]:
    lay = world.layout
    angang = lay.work_slot[WORKS.index("angang")]
    weight = state.output * lay.price[lay.sector] * soe
    strain = tension(state, world)

    def angang_and_china(x: np.ndarray) -> np.ndarray:
        national, _ = _weighted(x, weight, lay)
        ang = x[:, angang : angang + 1] if angang >= 0 else np.full((state.runs, 1), np.nan)
        return np.concatenate([ang, national], axis=1)

    people = sum_short(state.workforce[..., :DOMESTIC_COHORTS])
    g_nat, g_reg = _weighted(state.grievance, people + state.laid_off, lay)

    def totals(x: np.ndarray) -> np.ndarray:
        regional = by_region_sector(x, lay).sum(axis=2)
        ang = x[:, angang : angang + 1] if angang >= 0 else np.zeros((state.runs, 1))
        return np.concatenate([regional.sum(axis=1, keepdims=True), regional, ang], axis=1)

    ang_g = (
        state.grievance[:, angang : angang + 1] if angang >= 0 else np.full((state.runs, 1), np.nan)
    )
    scopes = [NATION, *REGIONS, "angang"]
    return {
        "director_power": (["angang", NATION], angang_and_china(state.director_power)),
        "ministry_control": (["angang", NATION], angang_and_china(state.ministry_control)),
        "tiao_kuai_tension": (["angang", NATION], angang_and_china(strain)),
        "committee_power": (list(COMMITTEES), state.committee_power.copy()),
        "grievance": (scopes, np.concatenate([g_nat, g_reg, ang_g], axis=1)),
        "layoffs": (scopes, totals(state.laid_off)),
        "protest": (scopes, totals(state.protest)),
    }


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    return np.divide(num, den, out=np.full(num.shape, np.nan), where=den > 0)

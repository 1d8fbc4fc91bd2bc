"""What a run records each year, and the one place every variable's unit and meaning live.

``angang variables`` prints :data:`VARIABLES`; a test checks that every recorded variable is
registered here and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from angang.engine.aggregate import by_region_sector
from angang.engine.state import State
from angang.engine.world import World, is_soe
from angang.ids import NATION, POWERS, REGIONS, SECTORS, WORKS
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
        "kt", f"{REGION_LIST}, " + ", ".join(WORKS),
        "true crude steel output (thousand tonnes)"),
    "steel_output_reported": Variable(
        "kt", f"{REGION_LIST}, " + ", ".join(WORKS),
        "crude steel output as reported upward (over-reporting included)"),
    "steel_capacity": Variable(
        "kt/yr", f"{REGION_LIST}, " + ", ".join(WORKS), "rated crude steel capacity"),
    "industrial_output": Variable(
        "million 1952 yuan", REGION_LIST, "gross value of true industrial output"),
    "sector_output": Variable(
        "the sector's unit in the scenario (baseline: kt; power GWh; machinery and light "
        "million 1952 yuan)", "SCOPE:SECTOR, SCOPE = china or a region",
        "true output of a sector"),
    "soe_share": Variable("share", "china", "share of industrial output value produced by SOEs"),
    "heavy_share": Variable("share", "china", "share of industrial output value in heavy industry"),
    "plan_target": Variable("kt", "china, angang",
                            "the ministry's steel target for the year (planned SOEs only)"),
    "plan_fulfillment": Variable("ratio", "china, angang",
                                 "reported steel output over target (NaN where unplanned)"),
    "employment": Variable("persons", f"{REGION_LIST}, angang",
                           "industrial workforce: workers, skilled workers and engineers"),
    "foreign_experts": Variable("persons", "china:POWER", "foreign experts present, by power"),
    "investment": Variable("million 1952 yuan", REGION_LIST, "investment in new capacity"),
    "enterprises": Variable("count", "china", "active enterprise agents"),
    "lever": Variable("0-1", "china:LEVER (output-weighted mean over regions)",
                      "the centre's policy levers, for reading results against the timeline"),
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
    heavy_value = value[:, :, lay.heavy].sum(axis=(1, 2))[:, None]
    safe_total = np.where(total_value > 0, total_value, np.nan)
    target = state.target * (lay.sector == steel)
    angang = lay.work_slot[WORKS.index("angang")]
    china_target = target.sum(axis=1, keepdims=True)
    planned_reported = (state.reported * (target > 0)).sum(axis=1, keepdims=True)
    ang_target = named(target)[:, :1] if angang >= 0 else np.zeros((state.runs, 1))
    ang_reported = named(state.reported)[:, :1] if angang >= 0 else np.zeros((state.runs, 1))
    domestic = state.workforce[..., :3].sum(axis=2)
    employment = by_region_sector(domestic, lay).sum(axis=2)
    experts = state.workforce[..., 3:].sum(axis=1)
    sector_entities = [f"{NATION}:{s}" for s in SECTORS] + [
        f"{r}:{s}" for r in REGIONS for s in SECTORS]
    weights = regional_value / np.where(total_value > 0, total_value, 1.0)
    lever_mean = np.einsum("blr,br->bl", state.levers, weights)
    scope_entities = [NATION, *REGIONS]
    return {
        "steel_output": ([*scope_entities, *WORKS],
                         scopes(out[:, :, steel], named(state.output))),
        "steel_output_reported": ([*scope_entities, *WORKS],
                                  scopes(rep[:, :, steel], named(state.reported))),
        "steel_capacity": ([*scope_entities, *WORKS],
                           scopes(cap[:, :, steel], named(state.capacity * state.active))),
        "industrial_output": (scope_entities, scopes(regional_value)),
        "sector_output": (sector_entities,
                          np.concatenate([out.sum(axis=1), out.reshape(state.runs, -1)], 1)),
        "soe_share": ([NATION], soe_value / safe_total),
        "heavy_share": ([NATION], heavy_value / safe_total),
        "plan_target": ([NATION, "angang"], np.concatenate([china_target, ang_target], 1)),
        "plan_fulfillment": ([NATION, "angang"], np.concatenate([
            _ratio(planned_reported, china_target), _ratio(ang_reported, ang_target)], 1)),
        "employment": ([*scope_entities, "angang"],
                       scopes(employment, named(domestic)[:, :1])),
        "foreign_experts": ([f"{NATION}:{p}" for p in POWERS],
                            experts),
        "investment": (scope_entities, scopes(state.investment.sum(axis=2))),
        "enterprises": ([NATION], state.active.sum(axis=1, keepdims=True).astype(float)),
        "lever": ([f"{NATION}:{name}" for name in LEVERS], lever_mean),
    }


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    return np.divide(num, den, out=np.full(num.shape, np.nan), where=den > 0)

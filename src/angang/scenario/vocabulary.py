"""The scenario format's vocabulary: the names of regions, sectors, powers, owners, rulers,
works, committees, levers and management systems (checked against :mod:`angang.ids`), the
bounds a scenario must keep, and the strict base model every part of a scenario is."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from angang.ids import COMMITTEES, OWNERS, POWERS, REGIONS, RULERS, SECTORS, WORKS

Region = Literal["northeast", "north", "east", "central-south", "southwest", "northwest"]
Sector = Literal["steel", "ore", "coal", "power", "cement", "machinery", "light"]
Power = Literal["japan", "ussr", "usa", "germany"]
Owner = Literal["private", "colonial", "nationalist-soe", "central-soe", "local-soe"]
Ruler = Literal["beiyang", "nationalist", "manchukuo", "japan-occupied", "ussr-occupation", "ccp"]
Work = Literal[
    "angang",
    "benxi",
    "shougang",
    "taiyuan",
    "wuhan",
    "baotou",
    "maanshan",
    "panzhihua",
    "baosteel",
]
Committee = Literal[
    "northeast", "north", "east", "central-south", "southwest", "northwest", "anshan"
]
Lever = Literal[
    "centralization",
    "campaign_intensity",
    "investment_rate",
    "heavy_priority",
    "security_posture",
    "market_openness",
    "budget_hardness",
    "nationalization_rate",
    "privatization_rate",
    "planning",
    "mobilization",
]
LEVERS: tuple[str, ...] = Lever.__args__  # type: ignore[attr-defined]
ManagementSystem = Literal[
    "colonial-company",
    "one-chief",
    "party-committee",
    "revolutionary-committee",
    "director-responsibility",
]
MANAGEMENT_SYSTEMS: tuple[str, ...] = ManagementSystem.__args__  # type: ignore[attr-defined]

#: Lever values before any event sets them: a market economy with little state direction.
LEVER_DEFAULTS: dict[str, float] = {
    "centralization": 0.1,
    "campaign_intensity": 0.0,
    "investment_rate": 0.05,
    "heavy_priority": 0.1,
    "security_posture": 0.1,
    "market_openness": 0.8,
    "budget_hardness": 1.0,
    "nationalization_rate": 0.0,
    "privatization_rate": 0.0,
    "planning": 0.0,
    "mobilization": 0.0,
}

Year = Annotated[int, Field(ge=1900, le=2010)]
#: bounds that keep a scenario within what one run can hold (docs: README, "Bad input"):
#: a region's capacity in one sector (sector units; the whole world's steel of 2000 is
#: about 850,000 kt), the enterprise agents it starts with, a works' capacity, experts
MAX_CAPACITY = 1e7
MAX_ENTERPRISES = 10_000
MAX_EXPERTS = 1_000_000
Share = Annotated[float, Field(ge=0.0, le=1.0)]
EventId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", min_length=3, max_length=80)]

# The literals above must agree with the fixed ids; a mismatch is a programming error.
for _lit, _ids in (
    (Region, REGIONS),
    (Sector, SECTORS),
    (Power, POWERS),
    (Owner, OWNERS),
    (Ruler, RULERS),
    (Work, WORKS),
    (Committee, COMMITTEES),
):
    if tuple(_lit.__args__) != tuple(_ids):  # type: ignore[attr-defined]
        raise RuntimeError(f"schema literal {_lit} disagrees with angang.ids")


class Strict(BaseModel):
    """Base model: unknown keys are errors and instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

"""The scenario format: metadata, parameters, initial conditions and a timeline of sourced events.

Every model forbids unknown keys, so a typo in a scenario file is an error, never silently
ignored. Events set inputs only (levers, rulers, alliances, shocks, foundings, experts,
mergers, openings, purges); no event kind can set an output the model is judged on.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from angang.ids import COMMITTEES, LOCALITIES, OWNERS, POWERS, REGIONS, RULERS, SECTORS, WORKS
from angang.scenario.parameters import Parameters

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


class Meta(Strict):
    """What the scenario is and which question it asks."""

    name: EventId = Field(description="short id used on the command line")
    title: str = Field(min_length=3)
    description: str = Field(min_length=3)
    question: str | None = Field(None, description="the historical question a counterfactual asks")
    start_year: Year = 1916
    end_year: Year = 2000

    @model_validator(mode="after")
    def _span(self) -> Meta:
        if self.end_year <= self.start_year:
            raise ValueError(
                f"end_year ({self.end_year}) must be after start_year ({self.start_year})"
            )
        return self


class SectorSpec(Strict):
    """A sector's unit, price and technical coefficients (a coarse input-output table)."""

    unit: str
    price: float = Field(gt=0, le=1e4, description="million 1952 yuan per unit of output")
    capital_output: float = Field(
        gt=0, le=100, description="yuan of capital per yuan of yearly output"
    )
    labour: float = Field(
        ge=0, le=1e5, description="persons per unit of yearly capacity, 1952 technique"
    )
    heavy: bool
    slots: int = Field(ge=0, le=1000, description="enterprise slots per region at scale 1")
    inputs: dict[Sector, Annotated[float, Field(ge=0, le=100)]] = Field(
        default_factory=dict, description="units of each input per unit of output"
    )
    construction: float = Field(
        0.0,
        ge=0,
        le=100,
        description="units used per million 1952 yuan invested (building and equipment)",
    )
    final_use: float = Field(
        0.0,
        ge=0,
        le=100,
        description="units used outside modelled "
        "industry (households, transport) per million 1952 yuan of "
        "industrial output",
    )
    entry: float = Field(
        1.0,
        ge=0,
        le=1,
        description="how readily new capacity founds new "
        "enterprises rather than extending the existing (1: as readily as "
        "the calibrated entry share says; below 1 for plant with large "
        "economies of scale on one site)",
    )
    source: str = Field(min_length=3)


class RegionSpec(Strict):
    """A region's exposure, first ruler and industry at the start year."""

    exposure: Literal["coast", "border", "coast-border", "inland"]
    ruler: Ruler
    capacity: dict[Sector, Annotated[float, Field(ge=0, le=MAX_CAPACITY)]]
    enterprises: dict[Sector, Annotated[int, Field(ge=0, le=MAX_ENTERPRISES)]]
    owners: dict[Owner, Share] = Field(description="share of start-year capacity by owner")
    source: str = Field(min_length=3)

    def capacity_of(self, sector: str) -> float:
        """Start-year capacity of ``sector`` (0 if not given)."""
        return float(cast(dict[str, float], self.capacity).get(sector, 0.0))

    def enterprises_of(self, sector: str) -> int:
        """Start-year enterprise count of ``sector`` (0 if not given)."""
        return int(cast(dict[str, int], self.enterprises).get(sector, 0))

    def owner_shares(self) -> dict[str, float]:
        """Start-year capacity shares by owner."""
        return dict(cast(dict[str, float], self.owners))

    @field_validator("owners")
    @classmethod
    def _owners_sum(cls, v: dict[str, float]) -> dict[str, float]:
        total = sum(v.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"owner shares must add up to 1, got {total:.3f}")
        return v


class FrontierPath(Strict):
    """A power's technology frontier: (year, level) anchor points, interpolated linearly."""

    path: list[tuple[Year, Share]] = Field(min_length=1)
    source: str = Field(min_length=3)

    @field_validator("path")
    @classmethod
    def _increasing_years(cls, v: list[tuple[int, float]]) -> list[tuple[int, float]]:
        years = [y for y, _ in v]
        if years != sorted(set(years)):
            raise ValueError("anchor years must be strictly increasing")
        return v


class Initial(Strict):
    """Initial conditions: sectors, regions, the technology level and the agent scale."""

    scale: float = Field(
        1.0, gt=0, le=100, description="multiplier on enterprise slots (agents per cell)"
    )
    technology: Share = Field(0.3, description="technology level of plant at the start year")
    management: ManagementSystem = Field(
        "colonial-company", description="management system at the start year"
    )
    levers: dict[Lever, Share] = Field(
        default_factory=dict, description="lever values at the start year (others: defaults)"
    )
    sectors: dict[Sector, SectorSpec]
    regions: dict[Region, RegionSpec]
    frontier: dict[Power, FrontierPath] = Field(
        description="each power's technology frontier path (1 = world best practice of 2000)"
    )

    def sector(self, name: str) -> SectorSpec:
        """The spec of sector ``name`` (a validated sector id)."""
        return self.sectors[name]  # type: ignore[index]

    def region(self, name: str) -> RegionSpec:
        """The spec of region ``name`` (a validated region id)."""
        return self.regions[name]  # type: ignore[index]

    def lever(self, name: str, default: float) -> float:
        """The start value of lever ``name``."""
        return float(self.levers.get(name, default))  # type: ignore[call-overload]

    @model_validator(mode="after")
    def _complete(self) -> Initial:
        for what, have, want in (
            ("sectors", self.sectors, SECTORS),
            ("regions", self.regions, REGIONS),
            ("frontier", self.frontier, POWERS),
        ):
            missing = [x for x in want if x not in have]
            if missing:
                raise ValueError(
                    f"initial.{what} must define every one of {list(want)}; missing {missing}"
                )
        return self


class EventBase(Strict):
    """Fields shared by every event: a stable id, a date, a source."""

    id: EventId
    title: str | None = Field(
        None,
        min_length=3,
        max_length=120,
        description="the event's name as a historian writes it (the narrative and figures use "
        "it; without one, the id is spelt out)",
    )
    year: Year
    month: Annotated[int, Field(ge=1, le=12)] | None = None
    source: str = Field(min_length=3, description="the seed's chapter or another citable work")
    note: str | None = None
    requires: list[EventId] = Field(
        default_factory=list,
        description="events this one presupposes; removing one of them removes this one too",
    )

    @property
    def when(self) -> float:
        """Fractional year at which the event takes effect (month 1 = start of the year)."""
        return self.year + ((self.month or 1) - 1) / 12.0


def _all_regions() -> list[Region]:
    return cast(list[Region], list(REGIONS))


def _all_sectors() -> list[Sector]:
    return cast(list[Sector], list(SECTORS))


AllRegions: Any = Field(default_factory=_all_regions)


class RulerEvent(EventBase):
    """A region changes hands: a new regime rules it from this date."""

    kind: Literal["ruler"]
    regions: list[Region] = Field(min_length=1)
    ruler: Ruler


class AllianceEvent(EventBase):
    """A regime's relation to a foreign power: 1 close ally, 0 none, -1 open hostility."""

    kind: Literal["alliance"]
    ruler: Ruler
    power: Power
    strength: Annotated[float, Field(ge=-1.0, le=1.0)]


class PolicyEvent(EventBase):
    """One decision sets one or more policy levers in some regions, optionally until a year."""

    kind: Literal["policy"]
    levers: dict[Lever, Share] = Field(min_length=1, description="lever -> value in [0, 1]")
    regions: list[Region] = AllRegions
    until: Year | None = Field(None, description="last year the value holds; then it reverts")


class ManagementEvent(EventBase):
    """The management system inside SOEs changes (who runs the enterprise)."""

    kind: Literal["management"]
    system: ManagementSystem
    regions: list[Region] = AllRegions


class ShockEvent(EventBase):
    """War damage, removals or disorder: capacity destroyed or damaged, utilization disrupted."""

    kind: Literal["shock"]
    regions: list[Region] = Field(min_length=1)
    sectors: list[Sector] = Field(default_factory=_all_sectors)
    destruction: Share = Field(0.0, description="share of capacity destroyed for good")
    damage: Share = Field(
        0.0,
        description="share of the capacity left put out of service "
        "until rehabilitated (equipment removed or wrecked, plant idle)",
    )
    disruption: Share = Field(0.0, description="share of utilization lost while it lasts")
    until: Year | None = Field(None, description="last year of the disruption (default: year)")
    removed_by: Power | None = Field(None, description="the power that carried equipment off")


class FoundingEvent(EventBase):
    """A named works is founded with a rated capacity and installed technology."""

    kind: Literal["founding"]
    work: Work
    region: Region
    locality: Literal["anshan"] | None = None
    sector: Sector = "steel"
    capacity: float = Field(
        ge=0, le=MAX_CAPACITY, description="rated yearly capacity at founding, sector units"
    )
    owner: Owner
    technology: Share = Field(description="technology level of the installed plant")
    technology_from: Power | None = Field(None, description="the power whose technology it is")

    @model_validator(mode="after")
    def _locality(self) -> FoundingEvent:
        if self.locality is not None and LOCALITIES[self.locality] != self.region:
            raise ValueError(
                f"locality {self.locality} lies in {LOCALITIES[self.locality]}, not {self.region}"
            )
        return self


class ExpansionEvent(EventBase):
    """A construction project adds rated capacity and new technology to a founded works."""

    kind: Literal["expansion"]
    work: Work
    capacity: float = Field(
        gt=0, le=MAX_CAPACITY, description="rated yearly capacity added, sector units"
    )
    technology: Share = Field(description="technology level of the new plant")
    technology_from: Power | None = None


class ProjectEvent(EventBase):
    """A key-point construction project (or a sourced group of them) the centre funds first:
    planned capacity enters service when construction, paid year by year, is complete."""

    kind: Literal["project"]
    work: Work | None = Field(
        None,
        description="the named works it builds or extends; "
        "None for a group of projects building new enterprises",
    )
    region: Region
    sector: Sector = "steel"
    capacity: float = Field(
        gt=0,
        le=MAX_CAPACITY,
        description="planned yearly capacity of the whole project or group, sector units",
    )
    build_years: Annotated[int, Field(ge=1, le=15)] = Field(
        description="planned years of construction at full funding"
    )
    count: Annotated[int, Field(ge=1, le=1000)] = Field(
        1, description="projects in the group (each a new enterprise when work is None)"
    )
    partner: Power | None = Field(
        None,
        description="the foreign power that designs and equips "
        "it; its plant carries that power's technology",
    )
    experts: Annotated[int, Field(ge=0, le=10_000)] = Field(
        0, description="the partner's experts on site per project while it is built"
    )
    technology: Share = Field(description="technology level of the plant as designed")


class ExpertsEvent(EventBase):
    """Foreign experts arrive at or are withdrawn from the enterprises of some regions."""

    kind: Literal["experts"]
    power: Power
    action: Literal["arrive", "withdraw"]
    count: int = Field(
        0, ge=0, le=MAX_EXPERTS, description="experts arriving (ignored on withdraw)"
    )
    regions: list[Region] = AllRegions


class MergerEvent(EventBase):
    """A works comes under a local committee: a merger with the city government, or a
    committee's campaign to take it over, hands the committee a share of control."""

    kind: Literal["merger"]
    work: Work
    committee: Committee
    control: Share = Field(description="share of control passed to the committee")


class OpeningEvent(EventBase):
    """A political opening lets engineers and workers voice grievances."""

    kind: Literal["opening"]
    intensity: Share
    regions: list[Region] = AllRegions
    until: Year | None = None


class PurgeEvent(EventBase):
    """A purge removes a share of those who voiced grievances, or of managers and engineers."""

    kind: Literal["purge"]
    share: Share
    regions: list[Region] = AllRegions
    target: Literal["voice", "managers"] = Field(
        "voice",
        description="voice: those who spoke out in an opening (Anti-Rightist); "
        "managers: directors and engineers as a class (Cultural Revolution)",
    )


Event = Annotated[
    RulerEvent
    | AllianceEvent
    | PolicyEvent
    | ManagementEvent
    | ShockEvent
    | FoundingEvent
    | ExpansionEvent
    | ProjectEvent
    | ExpertsEvent
    | MergerEvent
    | OpeningEvent
    | PurgeEvent,
    Field(discriminator="kind"),
]
EVENT_KINDS: tuple[str, ...] = (
    "ruler",
    "alliance",
    "policy",
    "management",
    "shock",
    "founding",
    "expansion",
    "project",
    "experts",
    "merger",
    "opening",
    "purge",
)
#: at one date, changes of ruler come first: a new regime's decisions of the same month
#: apply to the regions it now rules
KIND_ORDER = {"ruler": 0}


class Scenario(Strict):
    """A complete, validated scenario: what the engine runs."""

    meta: Meta
    parameters: Parameters = Field(default_factory=Parameters)
    initial: Initial
    events: list[Event]
    calibration: dict[str, Any] | None = Field(
        None, description="provenance of the parameter file the scenario reads, if any"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        seen: set[str] = set()
        founded: dict[str, FoundingEvent] = {}
        for e in self.events:
            if e.id in seen:
                raise ValueError(f"event id {e.id!r} is used twice; ids must be unique")
            seen.add(e.id)
            if isinstance(e, FoundingEvent):
                if e.work in founded:
                    raise ValueError(f"works {e.work!r} is founded twice (event {e.id!r})")
                founded[e.work] = e
        for e in self.events:
            missing = [r for r in e.requires if r not in seen]
            if missing:
                raise ValueError(
                    f"event {e.id!r} requires {missing}, which the scenario does not contain"
                )
            if (
                isinstance(e, ExpansionEvent | MergerEvent | ProjectEvent)
                and e.work is not None
                and e.work not in founded
            ):
                raise ValueError(
                    f"event {e.id!r} names works {e.work!r}, which no founding event creates"
                )
            if isinstance(e, ProjectEvent) and e.work is not None:
                site = founded[e.work]
                if (site.region, site.sector) != (e.region, e.sector):
                    raise ValueError(
                        f"project {e.id!r} builds {e.sector} in {e.region}, but "
                        f"works {e.work!r} makes {site.sector} in {site.region}"
                    )
        return self

    def event(self, event_id: str) -> EventBase:
        """The event with this id (the caller has checked that it exists)."""
        return next(e for e in self.events if e.id == event_id)

    def sorted_events(self) -> list[EventBase]:
        """Events in the order they take effect (a change of ruler first within a month)."""
        return sorted(self.events, key=lambda e: (e.when, KIND_ORDER.get(e.kind, 1), e.id))  # type: ignore[attr-defined]


class Move(Strict):
    """Patch: move an event to another date, saying on what grounds."""

    id: EventId
    year: Year
    month: Annotated[int, Field(ge=1, le=12)] | None = None
    source: str = Field(min_length=3, description="why the new date (a work, or 'hypothesis')")


class Change(Strict):
    """Patch: change some of an event's arguments (revalidated against its kind)."""

    id: EventId
    set: dict[str, object] = Field(min_length=1)

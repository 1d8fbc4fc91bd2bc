"""The scenario format: metadata, parameters, initial conditions and a timeline of sourced events.

Every model forbids unknown keys, so a typo in a scenario file is an error, never silently
ignored. Events set inputs only (levers, rulers, alliances, shocks, foundings, experts,
mergers, openings, purges); no event kind can set an output the model is judged on.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, cast

from pydantic import Field, field_validator, model_validator

from angang.ids import POWERS, REGIONS, SECTORS
from angang.scenario.events import (
    EVENT_KINDS,
    KIND_ORDER,
    AllianceEvent,
    Event,
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
    ShockEvent,
)
from angang.scenario.parameters import Parameters
from angang.scenario.vocabulary import (
    LEVER_DEFAULTS,
    LEVERS,
    MANAGEMENT_SYSTEMS,
    MAX_CAPACITY,
    MAX_ENTERPRISES,
    MAX_EXPERTS,
    Committee,
    EventId,
    Lever,
    ManagementSystem,
    Owner,
    Power,
    Region,
    Ruler,
    Sector,
    Share,
    Strict,
    Work,
    Year,
)


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


#: the format's names, wherever they are defined (vocabulary, events, or here)
__all__ = [
    "EVENT_KINDS",
    "KIND_ORDER",
    "LEVERS",
    "LEVER_DEFAULTS",
    "MANAGEMENT_SYSTEMS",
    "MAX_CAPACITY",
    "MAX_ENTERPRISES",
    "MAX_EXPERTS",
    "AllianceEvent",
    "Change",
    "Committee",
    "Event",
    "EventBase",
    "EventId",
    "ExpansionEvent",
    "ExpertsEvent",
    "FoundingEvent",
    "FrontierPath",
    "Initial",
    "Lever",
    "ManagementEvent",
    "ManagementSystem",
    "MergerEvent",
    "Meta",
    "Move",
    "OpeningEvent",
    "Owner",
    "PolicyEvent",
    "Power",
    "ProjectEvent",
    "PurgeEvent",
    "Region",
    "RegionSpec",
    "Ruler",
    "RulerEvent",
    "Scenario",
    "Sector",
    "SectorSpec",
    "Share",
    "ShockEvent",
    "Strict",
    "Work",
    "Year",
]

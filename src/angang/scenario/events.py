"""The timeline's events: each sets inputs only (a ruler, an alliance, policy levers, a
management system, a shock, a founding, an expansion, a key-point project, experts, a merger,
an opening, a purge), each with a date and a source; none can set an output the model is
judged on."""

from __future__ import annotations

from typing import Annotated, Any, Literal, cast

from pydantic import Field, model_validator

from angang.ids import LOCALITIES, REGIONS, SECTORS
from angang.scenario.vocabulary import (
    MAX_CAPACITY,
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

"""One-line, plain-words descriptions of what an event sets (for timelines and reports)."""

from __future__ import annotations

from collections.abc import Sequence

from angang.ids import REGIONS
from angang.scenario.schema import (
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
    ShockEvent,
)


def _where(regions: Sequence[str]) -> str:
    return "all regions" if sorted(regions) == sorted(REGIONS) else ", ".join(regions)


def describe_event(e: EventBase) -> str:
    """What the event changes, e.g. 'campaign_intensity = 1 in all regions until 1960'."""
    if isinstance(e, PolicyEvent):
        until = f" until {e.until}" if e.until else ""
        values = ", ".join(f"{k} = {v:g}" for k, v in e.levers.items())
        return f"{values} in {_where(e.regions)}{until}"
    if isinstance(e, RulerEvent):
        return f"{e.ruler} rules {_where(e.regions)}"
    if isinstance(e, AllianceEvent):
        return f"{e.ruler}–{e.power} relation = {e.strength:+g}"
    if isinstance(e, ManagementEvent):
        return f"management system: {e.system} in {_where(e.regions)}"
    if isinstance(e, ShockEvent):
        parts = []
        if e.destruction:
            parts.append(f"{e.destruction:.0%} of capacity destroyed")
        if e.damage:
            parts.append(f"{e.damage:.0%} put out of service until rehabilitated")
        if e.disruption:
            parts.append(f"{e.disruption:.0%} of utilization lost until {e.until or e.year}")
        by = f" (removed by {e.removed_by})" if e.removed_by else ""
        return f"{'; '.join(parts)} in {_where(e.regions)}{by}"
    if isinstance(e, FoundingEvent):
        return (
            f"{e.work} founded in {e.locality or e.region} ({e.owner}), {e.capacity:g} "
            f"{e.sector} capacity, technology {e.technology:g}"
            + (f" from {e.technology_from}" if e.technology_from else "")
        )
    if isinstance(e, ExpansionEvent):
        return f"{e.work} +{e.capacity:g} capacity, technology {e.technology:g}" + (
            f" from {e.technology_from}" if e.technology_from else ""
        )
    if isinstance(e, ProjectEvent):
        group = f"{e.count} projects building " if e.count > 1 else "building "
        site = e.work or f"new {e.sector} enterprises in {e.region}"
        partner = f", designed and equipped by {e.partner}" if e.partner else ""
        experts = f" ({e.experts} experts each on site)" if e.experts else ""
        return (
            f"{group}{e.capacity:g} {e.sector} capacity at {site} over {e.build_years} "
            f"years{partner}{experts}"
        )
    if isinstance(e, ExpertsEvent):
        n = f"{e.count} " if e.action == "arrive" else ""
        return f"{n}{e.power} experts {e.action} ({_where(e.regions)})"
    if isinstance(e, MergerEvent):
        return f"{e.control:.0%} of control over {e.work} to the {e.committee} committee"
    if isinstance(e, OpeningEvent):
        return f"political opening, intensity {e.intensity:g}, in {_where(e.regions)}"
    if isinstance(e, PurgeEvent):
        whom = "those who spoke out" if e.target == "voice" else "managers and engineers"
        return f"purge of {e.share:.0%} of {whom}, in {_where(e.regions)}"
    return ""


#: words an id spells in lower case that a title writes otherwise
_SPELLING = {
    "ccp": "CCP",
    "prc": "PRC",
    "ussr": "USSR",
    "us": "US",
    "smr": "SMR",
    "soe": "SOE",
    "soes": "SOEs",
    "frg": "FRG",
    "lt": "LT",
    "glf": "GLF",
}


def event_title(e: EventBase) -> str:
    """The event's title; without one, its id spelt out ('great-leap-forward-1958' reads
    'Great leap forward'), never the bare id."""
    if e.title:
        return e.title
    words = [w for w in e.id.split("-") if not (w.isdigit() and len(w) == 4)] or [e.id]
    spelt = [_SPELLING.get(w, w) for w in words]
    return " ".join([spelt[0][:1].upper() + spelt[0][1:], *spelt[1:]])

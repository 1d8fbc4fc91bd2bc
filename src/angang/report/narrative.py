"""A narrative of a simulated history, written from the results, period by period.

The periods are the history's own (Hirata 2024's chapters). For each, the text reports what
the ensemble median did — steel, the Northeast's share, ownership, the largest moves among
the system's indicators — and names the events of the period, the decisions with the most
levers first. Nothing here is hand-written about outcomes: change the scenario and the
narrative changes with the results.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from angang.report.figures import band
from angang.scenario.describe import describe_event
from angang.scenario.schema import EventBase, PolicyEvent, Scenario, ShockEvent

PERIODS = (
    (1916, 1931, "Japanese enterprise in Manchuria, warlord China"),
    (1932, 1945, "Manchukuo and the war"),
    (1945, 1949, "Soviet occupation, Nationalist restructuring, civil war"),
    (1949, 1957, "Reconstruction and the First Five-Year Plan"),
    (1958, 1961, "The Great Leap Forward"),
    (1962, 1965, "Adjustment"),
    (1966, 1976, "The Third Front and the Cultural Revolution"),
    (1977, 1991, "Reform"),
    (1992, 2000, "Markets and the rust belt"),
)
#: indicators whose largest moves the narrative reports: (variable, entity, words, scale)
INDICATORS = (
    ("soe_share", "china", "the SOE share of output", "share"),
    ("heavy_share", "china", "the heavy-industry share", "share"),
    ("tech_provenance", "china:ussr", "the Soviet share of technology", "share"),
    ("tech_provenance", "china:japan", "the Japanese share of technology", "share"),
    ("director_power", "china", "directors' power in SOEs", "share"),
    ("tiao_kuai_tension", "china", "tiao-kuai tension", "share"),
    ("investment_share", "southwest", "the Southwest's share of investment", "share"),
    ("grievance", "china", "workers' grievance", "share"),
)


@dataclass(frozen=True)
class Paragraph:
    """One period of the narrative."""

    first: int
    last: int
    title: str
    text: str
    events: list[str]


def _at(series: pd.DataFrame, variable: str, entity: str, year: int) -> float:
    b = band(series, variable, entity)
    return float(b["median"].get(year, float("nan")))


def _weight(e: EventBase) -> float:
    """How much an event is likely to dominate its period: changes of regime and
    destruction first, then decisions by the number of levers they set."""
    if isinstance(e, ShockEvent):
        return 10 + 10 * e.destruction + 5 * e.disruption
    if isinstance(e, PolicyEvent):
        return 8 + len(e.levers)
    return {
        "ruler": 12,
        "founding": 9,
        "alliance": 7,
        "management": 7,
        "experts": 6,
        "merger": 6,
    }.get(e.kind, 5)  # type: ignore[attr-defined]


def narrate(series: pd.DataFrame, scenario: Scenario) -> list[Paragraph]:
    """The narrative of the ensemble median, one paragraph per period."""
    out = []
    years = set(series["year"].unique())
    for first, last, title in PERIODS:
        if first not in years or last not in years:
            continue
        s0, s1 = (
            _at(series, "steel_output", "china", first),
            _at(series, "steel_output", "china", last),
        )
        ne0 = _at(series, "sector_share", "northeast:steel", first)
        ne1 = _at(series, "sector_share", "northeast:steel", last)
        moves = []
        for variable, entity, words, _ in INDICATORS:
            a, b = _at(series, variable, entity, first), _at(series, variable, entity, last)
            if pd.notna(a) and pd.notna(b):
                moves.append((abs(b - a), words, a, b))
        moves.sort(reverse=True)
        moved = "; ".join(
            f"{w} {'rose' if b > a else 'fell'} from {a:.0%} to {b:.0%}"
            for _, w, a, b in moves[:2]
            if _ > 0.02
        )
        events = sorted(
            (e for e in scenario.events if first <= e.year <= last),
            key=lambda e: (-_weight(e), e.year),
        )[:4]
        named = "; ".join(f"{e.id} ({describe_event(e)})" for e in events)
        text = (
            f"National steel went from {s0:,.0f} to {s1:,.0f} kt (median of the runs)"
            + (
                f", the Northeast's share of it from {ne0:.0%} to {ne1:.0%}"
                if pd.notna(ne0) and pd.notna(ne1)
                else ""
            )
            + ". "
            + (f"The largest moves: {moved}. " if moved else "")
            + (
                f"The period's main events: {named}."
                if named
                else "No event of the timeline falls in this period."
            )
        )
        out.append(Paragraph(first, last, title, text, [e.id for e in events]))
    return out

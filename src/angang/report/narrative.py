"""A narrative of a simulated history, written from the results, period by period.

The periods are the history's own (Hirata 2024's chapters). For each, the prose says what the
ensemble median did to national steel — its peak and trough and their years, the size of a
fall, with the 5–95% band of the runs — and sets it beside the official figures where the
dataset has them; then where the steel was made (the Northeast, Angang), the largest moves of
the system's indicators (each in its own unit) and the period's main events, named by their
titles and linked to the timeline. Every sentence points to the figure that shows it. Nothing
here is hand-written about outcomes: change the scenario and the narrative changes with the
results.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from angang.analysis.summary import quantiles
from angang.data import load_history
from angang.scenario.describe import event_title
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
#: indicators whose largest moves the narrative reports: (variable, entity, words, unit, figure)
INDICATORS = (
    ("soe_share", "china", "the SOE share of industrial output", "share", "shares"),
    ("heavy_share", "china", "the heavy-industry share of industrial output", "share", "shares"),
    (
        "tech_provenance",
        "china:ussr",
        "the Soviet share of technology in place",
        "share",
        "technology",
    ),
    (
        "tech_provenance",
        "china:japan",
        "the Japanese share of technology in place",
        "share",
        "technology",
    ),
    ("tech_level", "china", "the technology level", "index", "technology"),
    ("director_power", "angang", "the power of Angang's director", "index", "power"),
    (
        "tiao_kuai_tension",
        "china",
        "tension between ministries and local committees",
        "index",
        "power",
    ),
    ("investment_share", "southwest", "the Southwest's share of investment", "share", "investment"),
    ("investment_share", "northeast", "the Northeast's share of investment", "share", "investment"),
    ("grievance", "china", "workers' grievance", "index", "labour"),
)
#: a move smaller than this (in the indicator's own unit) is not worth a sentence
NOTABLE = {"share": 0.03, "index": 0.05}
#: a fall from the peak counts as a turning point when the trough is this far below it
TURN = 0.10


@dataclass(frozen=True)
class Link:
    """An event named by its title, linked to its row in the timeline."""

    event: str
    title: str


@dataclass(frozen=True)
class FigureRef:
    number: int


Piece = str | Link | FigureRef


@dataclass(frozen=True)
class Paragraph:
    """One period of the narrative, as pieces of prose, event links and figure references."""

    first: int
    last: int
    title: str
    pieces: list[Piece] = field(default_factory=list)
    events: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The prose as plain text (events by title, figures by number)."""
        return "".join(
            p if isinstance(p, str) else p.title if isinstance(p, Link) else str(p.number)
            for p in self.pieces
        )

    @property
    def html(self) -> str:
        """The prose as HTML: text escaped, events linked to the timeline's rows, figures to
        themselves."""
        out = []
        for p in self.pieces:
            if isinstance(p, Link):
                out.append(f"<a href='#event-{html.escape(p.event)}'>{html.escape(p.title)}</a>")
            elif isinstance(p, FigureRef):
                # "(Figures 2, 3 and 4)": the word is in the text before the first number
                out.append(f"<a href='#figure-{p.number}'>{p.number}</a>")
            else:
                out.append(html.escape(p))
        return "".join(out)


def plain(x: float, sign: bool = False) -> str:
    """A number without a unit as a reader takes it in: thousands separated at 1,000 and
    above, three significant figures below (``10,450``, ``0.274``, ``+12.5``), never an
    exponent. The terminal's tables and the dashboard's headlines use it."""
    plus = "+" if sign else ""
    return f"{x:{plus},.0f}" if abs(x) >= 1000 else f"{x:{plus}.3g}"


def number(value: float, unit: str) -> str:
    """A value as a reader takes it in, by its unit: steel in kt or Mt, shares in percent,
    0–1 indices to two decimals, counts with thousands separated (in millions from a
    million)."""
    if not np.isfinite(value):
        return "n/a"
    if unit == "kt":
        return f"{value / 1000:.3g} Mt" if abs(value) >= 1000 else f"{value:,.0f} kt"
    if unit == "share":
        return f"{value:.0%}"
    if unit == "index":
        return f"{value:.2f}"
    if abs(value) >= 1e6:  # persons, incidents: a count in millions reads as one
        return f"{value / 1e6:.3g} million"
    return f"{value:,.0f}"


def _year(label: object) -> int:
    """A year from a pandas index label."""
    return int(label)  # type: ignore[call-overload]


def _weight(e: EventBase) -> float:
    """How much an event is likely to dominate its period: changes of regime and
    destruction first, then decisions by the number of levers they set."""
    if isinstance(e, ShockEvent):
        return 10 + 10 * e.destruction + 5 * e.disruption
    if isinstance(e, PolicyEvent):
        return 8 + len(e.levers)
    return {
        "ruler": 12,
        "project": 9,
        "founding": 9,
        "alliance": 7,
        "management": 7,
        "experts": 6,
        "merger": 6,
    }.get(e.kind, 5)  # type: ignore[attr-defined]


class _Writer:
    """Builds one paragraph's pieces."""

    def __init__(self, figures: dict[str, int]) -> None:
        self.pieces: list[Piece] = []
        self.figures = figures

    def say(self, *parts: Piece) -> None:
        self.pieces.extend(parts)

    def see(self, *keys: str) -> None:
        """Close a sentence with the figures that show it, where the report has them."""
        refs = [self.figures[k] for k in keys if k in self.figures]
        if not refs:
            self.say(". ")
            return
        numbers = sorted(set(refs))
        self.say(" (Figure " if len(numbers) == 1 else " (Figures ")
        for i, n in enumerate(numbers):
            sep = () if not i else (" and ",) if i == len(numbers) - 1 else (", ",)
            self.say(*sep, FigureRef(n))
        self.say("). ")


def _official(history: pd.DataFrame) -> pd.Series:
    """The official national steel series (kt) by year, where the dataset has a year."""
    rows = history[
        (history["quantity"] == "steel_output")
        & (history["entity"] == "china")
        & history["year_end"].isna()
    ]
    return rows.set_index("year")["value"].astype(float)


def _steel(w: _Writer, steel: pd.DataFrame, official: pd.Series, first: int, last: int) -> None:
    """Steel over the period: its path, its turning points and the record beside them."""
    med = steel["median"].loc[first:last]
    a, b = med.loc[first], med.loc[last]
    peak, trough = _year(med.idxmax()), _year(med.idxmin())
    before = first - 1 if first - 1 in steel.index else first

    def band(year: int) -> str:
        return (
            f" (5–95% of runs: {number(steel['low'].loc[year], 'kt')}–"
            f"{number(steel['high'].loc[year], 'kt')})"
        )

    interior_peak = first < peak < last and med.loc[peak:].min() < (1 - TURN) * med.loc[peak]
    if interior_peak:
        after = med.loc[peak:]
        low_year = _year(after.idxmin())
        fall = 1 - after.min() / med.loc[peak]
        w.say(
            f"National steel rose from {number(a, 'kt')} in {first} to a peak of "
            f"{number(med.loc[peak], 'kt')} in {peak}{band(peak)}, "
            f"{med.loc[peak] / steel['median'].loc[before]:.1f}× {before}, then fell by "
            f"{fall:.0%} to a trough of {number(after.min(), 'kt')} in {low_year}"
        )
        if low_year != last:
            w.say(f", and stood at {number(b, 'kt')} in {last}")
        w.see("steel")
        if peak in official.index and before in official.index:
            window = official.loc[first:last]
            rec_peak = _year(window.idxmax()) if len(window) else peak
            w.say(
                f"The official figures peak in {rec_peak} at "
                f"{number(official.loc[rec_peak], 'kt')}, "
                f"{official.loc[rec_peak] / official.loc[before]:.1f}× {before}"
            )
            rec_after = official.loc[rec_peak:last]
            if len(rec_after) > 1:
                rec_low = _year(rec_after.idxmin())
                w.say(
                    f", and fall by {1 - rec_after.min() / official.loc[rec_peak]:.0%} to {rec_low}"
                )
            w.say(". ")
        return
    interior_trough = (
        first < trough < last and med.loc[:trough].max() > (1 + TURN) * med.loc[trough]
    )
    if interior_trough:
        high = _year(med.loc[:trough].idxmax())
        start = (
            f"National steel fell from {number(a, 'kt')} in {first}"
            if high == first
            else f"National steel rose from {number(a, 'kt')} in {first} to "
            f"{number(med.loc[high], 'kt')} in {high}, then fell"
        )
        w.say(
            f"{start} to a trough of {number(med.loc[trough], 'kt')} in {trough}"
            f"{band(trough)}, {1 - med.loc[trough] / med.loc[high]:.0%} below {high}, "
            f"and recovered to {number(b, 'kt')} by {last}"
        )
        w.see("steel")
    else:
        years = last - first
        rate = (b / a) ** (1 / years) - 1 if a > 0 and b > 0 and years else float("nan")
        verb = "grew" if b >= a else "fell"
        pace = f", {rate:+.1%} a year," if np.isfinite(rate) else ""
        w.say(
            f"National steel {verb} from {number(a, 'kt')} in {first} to "
            f"{number(b, 'kt')} in {last}{pace} with no turning point between{band(last)}"
        )
        w.see("steel")
    if last in official.index:
        ratio = b / official.loc[last]
        w.say(
            f"The official figure for {last} is {number(official.loc[last], 'kt')}; the "
            f"model's median is {ratio:.2f} times it. "
        )


def _where(w: _Writer, series: pd.DataFrame, first: int, last: int) -> None:
    """Where the steel was made: the Northeast's and Angang's shares."""
    ne = quantiles(series, "sector_share", "northeast:steel")["median"]
    china = quantiles(series, "steel_output", "china")["median"]
    angang = quantiles(series, "steel_output", "angang")["median"]
    if first not in ne.index or last not in ne.index:
        return
    share = (angang / china.where(china > 0)).reindex(ne.index)
    w.say(
        f"The Northeast made {number(ne.loc[first], 'share')} of it in {first} and "
        f"{number(ne.loc[last], 'share')} in {last}"
    )
    if np.isfinite(share.loc[first]) or np.isfinite(share.loc[last]):
        w.say(
            f"; Angang alone {number(share.loc[first], 'share')} and "
            f"{number(share.loc[last], 'share')}"
        )
    w.see("regions", "angang", "map")


def _moves(w: _Writer, series: pd.DataFrame, first: int, last: int) -> None:
    """The largest moves among the indicators, each in its own unit."""
    moves = []
    for variable, entity, words, unit, figure in INDICATORS:
        b = quantiles(series, variable, entity)["median"]
        if first in b.index and last in b.index and np.isfinite(b.loc[[first, last]]).all():
            x, y = float(b.loc[first]), float(b.loc[last])
            if abs(y - x) >= NOTABLE[unit]:
                moves.append((abs(y - x) / NOTABLE[unit], words, unit, figure, x, y))
    moves.sort(key=lambda m: -m[0])
    for _, words, unit, figure, x, y in moves[:3]:
        scale = " (0–1)" if unit == "index" else ""
        w.say(
            f"{words[0].upper()}{words[1:]} {'rose' if y > x else 'fell'} from "
            f"{number(x, unit)} to {number(y, unit)}{scale}"
        )
        w.see(figure)


def _reports(w: _Writer, series: pd.DataFrame, first: int, last: int) -> None:
    """Where reported steel ran ahead of usable steel: native steel from campaign plants and
    inflated reports (:mod:`angang.mechanisms.planning`), at the year it was largest."""
    true = quantiles(series, "steel_output", "china")["median"].loc[first:last]
    reported = quantiles(series, "steel_output_reported", "china")["median"].loc[first:last]
    ratio = (reported / true.where(true > 0)).dropna()
    if len(ratio) and ratio.max() >= 1.05:
        year = _year(ratio.idxmax())
        w.say(
            f"Reported steel ran {ratio.max() - 1:.0%} above the usable steel in {year} "
            f"({number(reported.loc[year], 'kt')} against {number(true.loc[year], 'kt')}): "
            "reports inflated to meet targets and, in a campaign, the small furnaces' "
            "native steel"
        )
        w.see("steel")


def _experts_and_labour(w: _Writer, series: pd.DataFrame, first: int, last: int) -> None:
    """Foreign experts at their peak, layoffs and protest where the period has them."""
    experts = pd.concat(
        [
            quantiles(series, "foreign_experts", f"china:{p}")["median"]
            for p in ("japan", "ussr", "usa", "germany")
        ],
        axis=1,
    ).sum(axis=1)
    window = experts.loc[first:last]
    if len(window) and window.max() >= 100:
        top = _year(window.idxmax())
        w.say(
            f"Foreign experts in Chinese plants numbered {number(window.max(), 'persons')} at "
            f"their most, in {top}, and {number(window.loc[last], 'persons')} in {last}"
        )
        w.see("experts")
    layoffs = quantiles(series, "layoffs", "china")["median"].loc[first:last]
    protest = quantiles(series, "protest", "china")["median"].loc[first:last]
    if len(layoffs) and layoffs.max() >= 10_000:
        w.say(
            f"Layoffs reached {number(layoffs.max(), 'persons')} a year in "
            f"{_year(layoffs.idxmax())}"
            + (
                f", and protest {number(protest.max(), 'incidents')} incidents a year in "
                f"{_year(protest.idxmax())}"
                if len(protest) and protest.max() >= 1
                else ""
            )
        )
        w.see("labour")


def _events(w: _Writer, scenario: Scenario, first: int, last: int) -> list[str]:
    events = sorted(
        (e for e in scenario.events if first <= e.year <= last),
        key=lambda e: (-_weight(e), e.year),
    )[:4]
    if not events:
        w.say("No event of the timeline falls in this period.")
        return []
    w.say("The period's main events: ")
    for i, e in enumerate(sorted(events, key=lambda e: e.when)):
        w.say(*(("; ",) if i else ()), Link(e.id, event_title(e)), f" ({e.year})")
    w.say(".")
    return [e.id for e in events]


def narrate(
    series: pd.DataFrame, scenario: Scenario, figures: dict[str, int] | None = None
) -> list[Paragraph]:
    """The narrative of the ensemble median, one paragraph per period. ``figures`` maps the
    report's figure keys (steel, angang, regions, map, shares, technology, power, experts,
    labour, investment) to their numbers, for the references."""
    figures = figures or {}
    years = set(series["year"].unique())
    steel = quantiles(series, "steel_output", "china")
    official = _official(load_history())
    out = []
    for first, last, title in PERIODS:
        if first not in years or last not in years:
            continue
        w = _Writer(figures)
        _steel(w, steel, official, first, last)
        _where(w, series, first, last)
        _reports(w, series, first, last)
        _experts_and_labour(w, series, first, last)
        _moves(w, series, first, last)
        ids = _events(w, scenario, first, last)
        out.append(Paragraph(first, last, title, w.pieces, ids))
    return out

"""The figures that carry the report's argument, each with a caption that says what to see.
The report numbers them and the narrative refers to them by key; the dashboard shows the same
ones with the unedited base dashed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from angang.analysis.summary import quantiles
from angang.data import load_history
from angang.ids import POWERS, REGIONS
from angang.report import figures
from angang.scenario.schema import ManagementEvent, Scenario

#: years the map of where the steel was made shows: the Manchukuo peak, the First Plan's
#: start, the eve of reform and the end
MAP_YEARS = (1943, 1952, 1978, 2000)
SOURCES = ("domestic", *POWERS)
#: the management systems' names where a strip of a few years must hold them
SYSTEM_LABELS = {
    "colonial-company": "colonial co.",
    "one-chief": "1-chief",
    "party-committee": "party cttee",
    "revolutionary-committee": "rev. cttee",
    "director-responsibility": "director resp.",
}


@dataclass(frozen=True)
class Panel:
    """One figure: a key the narrative refers to, a title, a caption and the SVG."""

    key: str
    title: str
    caption: str
    svg: str


def _record(quantity: str, entity: str) -> pd.DataFrame:
    history = load_history()
    return history[
        (history["quantity"] == quantity)
        & (history["entity"] == entity)
        & history["year_end"].isna()
    ]


def with_angang_share(series: pd.DataFrame) -> pd.DataFrame:
    """The series with Angang's share of national steel added as variable 'angang_share'."""
    steel = series[series["variable"] == "steel_output"].pivot_table(
        index=["run", "year"], columns="entity", values="value", observed=True
    )
    ratio = (steel["angang"] / steel["china"]).rename("value").reset_index()
    ratio["variable"], ratio["entity"] = "angang_share", "angang"
    return pd.concat([series, ratio], ignore_index=True)


def steel_shares(series: pd.DataFrame, years: tuple[int, ...]) -> list[dict[str, float]]:
    """Each region's median share of national steel in each of ``years``."""
    out = []
    for year in years:
        shares = {}
        for region in REGIONS:
            b = quantiles(series, "sector_share", f"{region}:steel")["median"]
            shares[region] = float(b.get(year, np.nan))
        out.append(shares)
    return out


def map_panel(series: pd.DataFrame, years: tuple[int, ...] = MAP_YEARS) -> Panel:
    """The tile map of where the steel was made, for the report and the dashboard."""
    present = tuple(y for y in years if y in set(series["year"].unique()))
    return Panel(
        "map",
        "Where the steel was made",
        "Each region's share of national crude steel in "
        + ", ".join(str(y) for y in present)
        + " (ensemble median), on a schematic map of the six greater administrative regions of "
        "1949–54. See the Northeast's dominance under Manchukuo and in the First Plan, and how "
        "far it held by 1978 and 2000.",
        figures.tile_map(
            steel_shares(series, present), [str(y) for y in present], "Share of national steel"
        ),
    )


def map_against(
    series: pd.DataFrame, base: pd.DataFrame, year: int, labels: tuple[str, str]
) -> str:
    """The map of one year for an edited scenario beside its unedited base (the dashboard's
    map, with its year slider)."""
    (edited,) = steel_shares(series, (year,))
    (unedited,) = steel_shares(base, (year,))
    return figures.tile_map(
        [edited, unedited],
        [f"{labels[0]}, {year}", f"{labels[1]}, {year}"],
        "Share of national steel",
    )


def management_spans(
    scenario: Scenario | None, region: str = "northeast"
) -> list[tuple[float, float, str]]:
    """The management systems a region's SOEs ran under, as (from, to, name) spans: each
    management event's system holds until the next one there, or the end."""
    if scenario is None:
        return []
    changes = [
        (e.when, e.system)
        for e in scenario.sorted_events()
        if isinstance(e, ManagementEvent) and region in e.regions
    ]
    end = float(scenario.meta.end_year)
    return [
        (when, changes[i + 1][0] if i + 1 < len(changes) else end, SYSTEM_LABELS[system])
        for i, (when, system) in enumerate(changes)
    ]


def panels(
    series: pd.DataFrame,
    against: pd.DataFrame | None = None,
    labels: tuple[str, str] = ("", ""),
    scenario: Scenario | None = None,
) -> list[Panel]:
    """The report's figures in order; with ``against`` (another scenario run with the same
    seeds), each overlays it dashed and difference panels (B − A) follow. ``scenario`` adds
    its management systems to the Angang panel."""
    kw = {"against": against, "labels": labels}
    shared = with_angang_share(series)
    other = with_angang_share(against) if against is not None else None
    out = [
        Panel(
            "steel",
            "National and Angang steel",
            "Crude steel, China and Angang, on a log scale: the median of the runs (line) and "
            "their 5–95% band (shade); dots are the official national figures; the third line "
            "is China's steel as reported up the plan hierarchy. See the civil-war collapse of "
            "1949, the Leap's peak and fall (and reports running ahead of usable steel), the "
            "1967–68 dip and the reform era's growth.",
            figures.lines(
                series,
                [
                    ("steel_output", "china", "China"),
                    ("steel_output", "angang", "Angang"),
                    ("steel_output_reported", "china", "China, as reported"),
                ],
                "Crude steel output (log scale)",
                log=True,
                history=_record("steel_output", "china"),
                **kw,  # type: ignore[arg-type]
            ),
        ),
        Panel(
            "angang",
            "Angang",
            "Angang in five panels: its steel, its share of China's steel, its director's power "
            "against the ministry's control (with the management systems of the Northeast's "
            "SOEs along the bottom), its employment, and the technology in place in it by "
            "source. See the share of about half in the early 1950s, who ran the works under "
            "each system, and whose technology Angang ran on in each period.",
            figures.panels_of(
                shared,
                [
                    ("Angang's steel", [("steel_output", "angang", "steel")], "log"),
                    (
                        "Angang's share of China's steel",
                        [("angang_share", "angang", "share")],
                        "linear",
                    ),
                    (
                        "The director and the ministry",
                        [
                            ("director_power", "angang", "director's power"),
                            ("ministry_control", "angang", "ministry's control"),
                        ],
                        "linear",
                    ),
                    ("Employment", [("employment", "angang", "employment")], "linear"),
                ],
                against=other,
                labels=labels,
                stacked_spec=(
                    "tech_provenance",
                    [(f"angang:{s}", s) for s in SOURCES],
                    "Technology in place at Angang, by source",
                ),
                strips={2: management_spans(scenario)},
            ),
        ),
        map_panel(series),
        Panel(
            "regions",
            "Steel by region",
            "Each region's share of national steel, one panel per region on a common scale. "
            "See the Northeast's early lead, the interior's rise with the Third Front and the "
            "East's with Baosteel.",
            figures.small_multiples(
                series,
                "sector_share",
                [(f"{r}:steel", r) for r in REGIONS],
                "Share of national steel",
                **kw,  # type: ignore[arg-type]
            ),
        ),
        Panel(
            "shares",
            "SOE and heavy-industry shares",
            "The SOE share and the heavy-industry share of industrial output; dots are the "
            "record's heavy-industry shares. See nationalization in 1955–56, the heavy tilt of "
            "the Leap and how far reform moves each.",
            figures.lines(
                series,
                [
                    ("soe_share", "china", "SOE share"),
                    ("heavy_share", "china", "heavy-industry share"),
                ],
                "Shares of industrial output",
                history=_record("heavy_share", "china"),
                **kw,  # type: ignore[arg-type]
            ),
        ),
        Panel(
            "technology",
            "Technology and its sources",
            "Above, the technology level (1 is the world's best practice in 2000) in China, "
            "the Northeast and Angang; below, the technology in place in China by the power "
            "that supplied it. See the Japanese base, the Soviet layer of the 1950s and the "
            "turn to Japan and the West after 1962 and 1972.",
            figures.panels_of(
                series,
                [
                    (
                        "Technology level",
                        [
                            ("tech_level", "china", "China"),
                            ("tech_level", "northeast", "Northeast"),
                            ("tech_level", "angang", "Angang"),
                        ],
                        "linear",
                    )
                ],
                against=against,
                labels=labels,
                stacked_spec=(
                    "tech_provenance",
                    [(f"china:{s}", s) for s in SOURCES],
                    "Technology in place in China, by source",
                ),
            ),
        ),
        Panel(
            "power",
            "The vertical and horizontal lines",
            "Angang's director and its ministry, the Anshan party committee, and the tension "
            "between ministries and local committees in China (0–1 indices). See power move "
            "from the ministry to the committee in 1958 and the Cultural Revolution, and back "
            "with the director responsibility system.",
            figures.lines(
                series,
                [
                    ("director_power", "angang", "Angang director"),
                    ("ministry_control", "angang", "Angang ministry control"),
                    ("committee_power", "anshan", "Anshan committee"),
                    ("tiao_kuai_tension", "china", "tiao-kuai tension (China)"),
                ],
                "Directors, ministries and committees",
                **kw,  # type: ignore[arg-type]
            ),
        ),
        Panel(
            "experts",
            "Foreign experts",
            "Foreign experts working in Chinese plants, by country. See the Japanese engineers "
            "kept after 1945, the Soviet advisers of the 1950s and their withdrawal in 1960.",
            figures.lines(
                series,
                [("foreign_experts", f"china:{p}", p) for p in POWERS],
                "Foreign experts in Chinese plants",
                **kw,  # type: ignore[arg-type]
            ),
        ),
        Panel(
            "labour",
            "Grievance, protest and layoffs",
            "Workers' grievance (a 0–1 index), protest incidents and layoffs a year, each on "
            "its own axis (the last two on a log scale that keeps zero, so that the late 1990s "
            "show beside 1961–62). See the layoffs of 1961–62 and of the late 1990s, and the "
            "protest in the rust belt that follows the second.",
            figures.panels_of(
                series,
                [
                    (
                        "Grievance",
                        [("grievance", "china", "China"), ("grievance", "northeast", "Northeast")],
                        "linear",
                    ),
                    ("Protest (symmetric log scale)", [("protest", "china", "China")], "symlog"),
                    ("Layoffs (symmetric log scale)", [("layoffs", "china", "China")], "symlog"),
                ],
                against=against,
                labels=labels,
            ),
        ),
        Panel(
            "investment",
            "Investment by region",
            "Each region's share of national investment, one panel per region. See the "
            "Northeast's share in the First Plan, the Southwest's in the Third Front and the "
            "coast's after reform.",
            figures.small_multiples(
                series,
                "investment_share",
                [(r, r) for r in REGIONS],
                "Share of national investment",
                **kw,  # type: ignore[arg-type]
            ),
        ),
    ]
    if against is not None:
        out.append(
            Panel(
                "difference",
                f"{labels[1] or 'B'} minus {labels[0] or 'A'}",
                "The difference between the two scenarios run by run (run i of each draws the "
                "same random numbers), its median and 5–95% band: what the change does, net of "
                "chance. Zero is marked.",
                figures.differences(
                    against,
                    series,
                    [
                        ("steel_output", "china", "China's steel"),
                        ("sector_share", "northeast:steel", "the Northeast's share of steel"),
                        ("soe_share", "china", "the SOE share"),
                        ("director_power", "angang", "Angang's director's power"),
                    ],
                    f"{labels[1] or 'B'} − {labels[0] or 'A'}, paired runs",
                ),
            )
        )
    return out

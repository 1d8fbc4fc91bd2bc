"""The self-contained HTML report of a run: scenario, timeline, parameters, figures, scorecard,
validation and narrative — one file, figures embedded as SVG, nothing fetched from outside.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pandas as pd

from angang.analysis import scorecard, validation
from angang.data import load_history
from angang.ids import POWERS, REGIONS
from angang.report import figures
from angang.report.narrative import narrate
from angang.runner.store import read_manifest, read_scenario, read_series
from angang.scenario.describe import describe_event
from angang.scenario.parameters import parameter_table
from angang.scenario.schema import Scenario

REPORT = "report.html"
#: events marked on the time axis of every figure
MARKED = (
    "manchukuo-1932",
    "soviet-removals-1945",
    "ccp-takeover-1948",
    "first-five-year-plan-1953",
    "great-leap-forward-1958",
    "sino-soviet-split-1960",
    "third-front-1964",
    "cultural-revolution-1966",
    "sino-us-rapprochement-1972",
    "reform-1978",
    "grasp-large-let-go-small-1995",
)
CSS = """
body{font-family:Georgia,serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h1,h2,h3{font-family:Helvetica,Arial,sans-serif}table{border-collapse:collapse;font-size:.8rem}
td,th{border-bottom:1px solid #ddd;padding:.2rem .4rem;text-align:left;vertical-align:top}
.pass{color:#009E73}.fail{color:#D55E00}figure{margin:1rem 0}svg{max-width:100%;height:auto}
.small{font-size:.8rem;color:#555}@media print{figure{page-break-inside:avoid}}
"""


def _markers(scenario: Scenario) -> list[tuple[int, str]]:
    ids = {e.id: e for e in scenario.events}
    return [(ids[i].year, i) for i in MARKED if i in ids]


def panels(
    series: pd.DataFrame, scenario: Scenario, against: pd.DataFrame | None, labels: tuple[str, str]
) -> list[tuple[str, str]]:
    """The report's figures as (title, SVG); the dashboard shows the same ones."""
    history = load_history()
    steel = history[(history["quantity"] == "steel_output") & (history["entity"] == "china")]
    m = _markers(scenario)
    kw: dict[str, Any] = {"markers": m, "against": against, "labels": labels}
    with_share = _with_angang_share(series)
    other = _with_angang_share(against) if against is not None else None
    out = [
        (
            "National and Angang steel",
            figures.lines(
                series,
                [("steel_output", "china", "China"), ("steel_output", "angang", "Angang")],
                "Crude steel output (log scale); dots: official national figures",
                "kt",
                log=True,
                history=steel,
                **kw,
            ),
        ),
        (
            "Angang's share of national steel",
            figures.lines(
                with_share,
                [("angang_share", "angang", "Angang")],
                "Angang's share of China's steel",
                "share",
                markers=m,
                against=other,
                labels=labels,
            ),
        ),
        (
            "Regional shares of SOE output",
            figures.lines(
                series,
                [("soe_output_share", r, r) for r in REGIONS],
                "Each region's share of national SOE output",
                "share",
                markers=m,
            ),
        ),
        (
            "SOE and heavy-industry shares",
            figures.lines(
                series,
                [
                    ("soe_share", "china", "SOE share"),
                    ("heavy_share", "china", "heavy-industry share"),
                ],
                "Shares of industrial output",
                "share",
                **kw,
            ),
        ),
        (
            "Technology level",
            figures.lines(
                series,
                [
                    ("tech_level", "china", "China"),
                    ("tech_level", "northeast", "Northeast"),
                    ("tech_level", "angang", "Angang"),
                ],
                "Technology (1 = world best practice of 2000)",
                "0-1",
                **kw,
            ),
        ),
        (
            "Technology provenance",
            figures.stacked(
                series,
                "tech_provenance",
                [(f"china:{s}", s) for s in ("domestic", *POWERS)],
                "Technology in place in China by source",
                "share",
                markers=m,
            ),
        ),
        (
            "Director and committee power, tension",
            figures.lines(
                series,
                [
                    ("director_power", "angang", "Angang director"),
                    ("ministry_control", "angang", "Angang ministry control"),
                    ("committee_power", "anshan", "Anshan committee"),
                    ("tiao_kuai_tension", "china", "tiao-kuai tension (China)"),
                ],
                "The vertical and horizontal lines",
                "0-1",
                **kw,
            ),
        ),
        (
            "Foreign experts",
            figures.lines(
                series,
                [("foreign_experts", f"china:{p}", p) for p in POWERS],
                "Foreign experts in Chinese plants",
                "persons",
                markers=m,
            ),
        ),
        (
            "Employment, grievance and protest",
            figures.lines(
                series,
                [
                    ("grievance", "china", "grievance (0-1)"),
                    ("grievance", "northeast", "grievance, Northeast"),
                ],
                "Grievance",
                "0-1",
                **kw,
            )
            + figures.lines(
                series,
                [
                    ("protest", "china", "protest incidents"),
                    ("layoffs", "china", "layoffs (persons)"),
                ],
                "Protest and layoffs",
                "count",
                markers=m,
                log=False,
            ),
        ),
        (
            "Investment by region",
            figures.lines(
                series,
                [("investment_share", r, r) for r in REGIONS],
                "Each region's share of national investment",
                "share",
                markers=m,
            ),
        ),
    ]
    return out


def _with_angang_share(series: pd.DataFrame) -> pd.DataFrame:
    """The series with Angang's share of national steel added as variable 'angang_share'."""
    steel = series[series["variable"] == "steel_output"].pivot_table(
        index=["run", "year"], columns="entity", values="value", observed=True
    )
    ratio = (steel["angang"] / steel["china"]).rename("value").reset_index()
    ratio["variable"], ratio["entity"] = "angang_share", "angang"
    return pd.concat([series, ratio], ignore_index=True)


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def build(run_dir: Path, against: Path | None = None) -> Path:
    """Write ``report.html`` into ``run_dir`` (overlaying ``against`` if given)."""
    run_dir = Path(run_dir)
    manifest = read_manifest(run_dir)
    series = read_series(run_dir)
    scenario = read_scenario(run_dir)
    other = read_series(against) if against is not None else None
    other_name = read_scenario(against).meta.name if against is not None else ""
    labels = (scenario.meta.name, other_name) if against is not None else ("", "")
    esc = html.escape
    parts = [f"<h1>{esc(scenario.meta.title)}</h1>", f"<p>{esc(scenario.meta.description)}</p>"]
    if scenario.meta.question:
        parts.append(f"<p><b>Question:</b> {esc(scenario.meta.question)}</p>")
    parts.append(
        f"<p class='small'>angang {esc(manifest['angang_version'])}; {manifest['runs']}"
        f" runs, seed {manifest['seed']}, scale {manifest['scale']}; scenario sha256 "
        f"{esc(manifest['scenario']['sha256'][:12])}; created "
        f"{esc(manifest['created'])}"
        + (f"; compared with <b>{esc(other_name)}</b> (dashed)" if other_name else "")
        + ". Figures show the ensemble median and its 5–95% band.</p>"
    )
    # judged afresh from the verified series, not read back from files anyone could edit
    checks, checked = scorecard.score(series), validation.validate(series)
    parts.append(_shortcomings(checks, checked))
    parts.append("<h2>Narrative</h2>")
    for p in narrate(series, scenario):
        parts.append(f"<h3>{p.first}–{p.last}: {esc(p.title)}</h3><p>{esc(p.text)}</p>")
    parts.append("<h2>Figures</h2>")
    for title, svg in panels(series, scenario, other, labels):
        parts.append(f"<figure><figcaption><b>{esc(title)}</b></figcaption>{svg}</figure>")
    parts.append(_scorecard(checks))
    parts.append(_validation(checked))
    parts.append(
        "<h2>Timeline</h2>"
        + _table(
            ["date", "event", "what it sets", "source"],
            [
                [
                    f"{e.year}" + (f"-{e.month:02d}" if e.month else ""),
                    esc(e.id),
                    esc(describe_event(e)),
                    esc(e.source),
                ]
                for e in scenario.sorted_events()
            ],
        )
    )
    calibrated = set((scenario.calibration or {}).get("parameters", []))
    parts.append(
        "<h2>Parameters</h2><p class='small'>Calibrated parameters come from "
        + esc(str((scenario.calibration or {}).get("file", "no parameter file")))
        + "; the others are the schema's defaults.</p>"
        + _table(
            ["parameter", "value", "range", "unit", "provenance", "meaning"],
            [
                [
                    esc(r["name"]),
                    f"{getattr(scenario.parameters, r['name']):.4g}",
                    f"{r['low']:g}–{r['high']:g}",
                    esc(r["unit"]),
                    "calibrated" if r["name"] in calibrated else esc(r["source"]),
                    esc(r["meaning"]),
                ]
                for r in parameter_table()
            ],
        )
    )
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>"
        f"{esc(scenario.meta.title)}</title><style>{CSS}</style></head><body>"
        + "\n".join(parts)
        + "</body></html>\n"
    )
    path = run_dir / REPORT
    path.write_text(page, encoding="utf-8")
    return path


def _shortcomings(checks: list[scorecard.Check], checked: validation.Validation) -> str:
    """What this run does not reproduce, said first: every failed validation check and
    scorecard fact, with the model's value against the record's."""
    failed = [c for c in checked.checks if not c.passed]
    facts = [c for c in checks if not c.passed]
    if not failed and not facts:
        return (
            "<h2>What this run does not reproduce</h2><p>Every validation check and "
            "every fact of the scorecard passes.</p>"
        )
    items = [
        f"<li>{html.escape(c.name)}: {html.escape(c.test)}; the model gives "
        f"{c.value:.3g}" + ("" if c.record is None else f", the record {c.record:.3g}") + "</li>"
        for c in failed
    ]
    items += [
        f"<li>{html.escape(c.id)}: target {html.escape(c.target)}, the model gives "
        f"{scorecard.fact_value(c)}</li>"
        for c in facts
    ]
    return (
        "<h2>What this run does not reproduce</h2><p>Read the narrative and the figures "
        f"with these in mind: {len(failed)} of {len(checked.checks)} validation checks and "
        f"{len(facts)} of {len(checks)} facts of the scorecard fail.</p><ul>"
        + "".join(items)
        + "</ul>"
    )


def _scorecard(checks: list[scorecard.Check]) -> str:
    rows = [
        [
            html.escape(c.id),
            html.escape(c.target),
            f"{c.median:.4g} ({c.low:.4g}–{c.high:.4g})",
            html.escape(c.tolerance),
            f"<span class='{'pass' if c.passed else 'fail'}'>"
            f"{'pass' if c.passed else 'fail'}</span>",
            html.escape(c.source),
        ]
        for c in checks
    ]
    passed = sum(c.passed for c in checks)
    return f"<h2>Scorecard: {passed} of {len(checks)} facts pass</h2>" + _table(
        ["fact", "target", "model (median, 5–95%)", "tolerance", "", "source"], rows
    )


def _validation(v: validation.Validation) -> str:
    return (
        "<h2>Out-of-sample validation</h2><p>"
        + html.escape(v.verdict)
        + "</p>"
        + _table(
            ["check", "test", "model", "record", ""],
            [
                [
                    html.escape(c.name),
                    html.escape(c.test),
                    f"{c.value:.3g}",
                    "" if c.record is None else f"{c.record:.3g}",
                    f"<span class='{'pass' if c.passed else 'fail'}'>"
                    f"{'pass' if c.passed else 'fail'}</span>",
                ]
                for c in v.checks
            ],
        )
    )

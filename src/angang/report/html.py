"""The self-contained HTML report of a run: scenario, what it does not reproduce, narrative,
figures, scorecard, validation, timeline and parameters — one file, figures embedded as SVG,
nothing fetched from outside. The page is ``templates/report.html.j2`` (Jinja2, autoescaped);
this module gathers what it shows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from angang.analysis import scorecard, validation
from angang.report.narrative import narrate
from angang.report.panels import Panel, panels
from angang.runner.store import read_manifest, read_scenario, read_series
from angang.scenario.describe import describe_event, event_title
from angang.scenario.parameters import parameter_table
from angang.scenario.schema import Scenario

REPORT = "report.html"
TEMPLATES = Path(__file__).with_name("templates")


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a name the template misspells is an error
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _events(scenario: Scenario) -> list[dict[str, str]]:
    return [
        {
            "id": e.id,
            "title": event_title(e),
            "date": f"{e.year}" + (f"-{e.month:02d}" if e.month else ""),
            "what": describe_event(e),
            "source": e.source,
        }
        for e in scenario.sorted_events()
    ]


def _parameters(scenario: Scenario) -> list[dict[str, str]]:
    calibrated = set((scenario.calibration or {}).get("parameters", []))
    return [
        {
            "name": r["name"],
            "value": f"{getattr(scenario.parameters, r['name']):.4g}",
            "range": f"{r['low']:g}–{r['high']:g}",
            "unit": r["unit"],
            "provenance": "calibrated" if r["name"] in calibrated else r["source"],
            "meaning": r["meaning"],
        }
        for r in parameter_table()
    ]


def render(run_dir: Path, against: Path | None = None) -> tuple[str, list[Panel], list[Any]]:
    """The report's HTML, its figures and its narrative (for the tests that read them)."""
    manifest = read_manifest(run_dir)
    series = read_series(run_dir)
    scenario = read_scenario(run_dir)
    other = read_series(against) if against is not None else None
    other_name = read_scenario(against).meta.name if against is not None else ""
    labels = (scenario.meta.name, other_name) if against is not None else ("", "")
    figures = panels(series, other, labels, scenario)
    numbers = {f.key: i for i, f in enumerate(figures, start=1)}
    story = narrate(series, scenario, numbers)
    # judged afresh from the verified series, not read back from files anyone could edit
    checks, checked = scorecard.score(series), validation.validate(series)
    page = (
        _environment()
        .get_template("report.html.j2")
        .render(
            scenario=scenario,
            manifest=manifest,
            other_name=other_name,
            checks=checks,
            checked=checked,
            failed_checks=[c for c in checked.checks if not c.passed],
            failed_facts=[c for c in checks if not c.passed],
            fact_value=scorecard.fact_value,
            narrative=story,
            panels=figures,
            events=_events(scenario),
            parameters=_parameters(scenario),
            calibration_file=str((scenario.calibration or {}).get("file", "no parameter file")),
        )
    )
    return page, figures, story


def build(run_dir: Path, against: Path | None = None) -> Path:
    """Write ``report.html`` into ``run_dir`` (overlaying ``against`` if given)."""
    run_dir = Path(run_dir)
    page, _, _ = render(run_dir, against)
    path = run_dir / REPORT
    path.write_text(page, encoding="utf-8")
    return path

"""The HTML report: self-contained, every figure present, a narrative driven by the events."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from angang.cli import app
from angang.runner import run


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A small baseline run and a small no-great-leap run, each with its report."""
    root = tmp_path_factory.mktemp("report")
    base, other = root / "base", root / "noleap"
    run("baseline", runs=2, seed=3, scale=0.05, out=base)
    run("no-great-leap", runs=2, seed=3, scale=0.05, out=other)
    result = CliRunner().invoke(app, ["report", str(base)])
    assert result.exit_code == 0, result.output
    return base, other


def test_report_is_self_contained(runs: tuple[Path, Path]) -> None:
    """No script, stylesheet, image or link is fetched from anywhere."""
    text = (runs[0] / "report.html").read_text()
    assert text.startswith("<!DOCTYPE html>")
    for pattern in (
        r"<script",
        r"<link",
        r"<img",
        r"\bsrc=",
        r"href=\"https?:",
        r"url\(\s*['\"]?https?:",
        r"@import",
    ):
        assert not re.search(pattern, text, re.IGNORECASE), pattern


def test_report_has_every_figure_and_section(runs: tuple[Path, Path]) -> None:
    """All figures are embedded as SVG, each with a numbered caption, with the scorecard,
    validation, timeline and parameters."""
    page = (runs[0] / "report.html").read_text()
    text = html.unescape(page)
    assert text.count("<svg") == text.count("<figcaption>") == 10
    for title in (
        "National and Angang steel",
        "Angang",
        "Where the steel was made",
        "Steel by region",
        "SOE and heavy-industry shares",
        "Technology and its sources",
        "The vertical and horizontal lines",
        "Foreign experts",
        "Grievance, protest and layoffs",
        "Investment by region",
        "Scorecard",
        "Out-of-sample validation",
        "Timeline",
        "Parameters",
        "Narrative",
    ):
        assert title in text, title
    for n in range(1, 11):
        assert f'<figure id="figure-{n}">' in page and f"Figure {n}. " in text


def test_report_says_first_what_the_run_does_not_reproduce(runs: tuple[Path, Path]) -> None:
    """Before the narrative, the report lists every failed validation check and fact by name
    (a tiny ensemble at scale 0.05 fails several), with its count."""
    from angang.analysis import scorecard, validation
    from angang.runner.store import read_series

    text = html.unescape((runs[0] / "report.html").read_text())
    section = text[text.index("What this run does not reproduce") : text.index("<h2>Narrative")]
    series = read_series(runs[0])
    failed = [c.name for c in validation.validate(series).checks if not c.passed]
    facts = [c.id for c in scorecard.score(series) if not c.passed]
    assert failed or facts
    for name in failed + facts:
        assert f"<li>{name}:" in section, name
    assert f"{len(facts)} of " in section and f"{len(failed)} of " in section


def test_facts_are_stated_in_their_own_terms() -> None:
    """A rank fact's statistic is a share of years, a growth fact's a yearly rate, a level's
    a number with thousands separated."""
    from angang.analysis.scorecard import Check, fact_value

    def check(target: str, median: float) -> Check:
        return Check("x", "x", "s", target, "t", "r", median, median / 2, median, False)

    assert fact_value(check("rank 1 among regions", 0.556)).startswith("that rank in 56% of")
    assert fact_value(check("45.0% a year", 0.348)).startswith("34.8% a year")
    assert fact_value(check("1349", 2547.0)).startswith("2,547 (")
    assert fact_value(check("0.41", 0.312)).startswith("0.312 (")


def test_narrative_names_the_events_of_each_period(runs: tuple[Path, Path]) -> None:
    """The Leap's paragraph names the Leap by its title, linked to its row of the timeline;
    the 1945-49 paragraph the Soviet occupation or removals."""
    text = (runs[0] / "report.html").read_text()
    leap = text[text.index("1958–1961") : text.index("1962–1965")]
    assert "<a href='#event-great-leap-forward-1958'>The Great Leap Forward</a>" in leap
    assert '<tr id="event-great-leap-forward-1958">' in text
    war = text[text.index("1945–1949") : text.index("1949–1957")]
    assert "#event-soviet-removals-1945" in war or "#event-soviet-occupation-1945" in war


def test_comparison_mode_overlays_a_second_run(runs: tuple[Path, Path]) -> None:
    """`--against` names the other scenario and draws it."""
    base, other = runs
    result = CliRunner().invoke(app, ["report", str(base), "--against", str(other)])
    assert result.exit_code == 0, result.output
    text = (base / "report.html").read_text()
    assert "compared with <b>no-great-leap</b>" in text
    # the overlay's difference panel: B - A over the paired runs, with its caption
    assert text.count("<figcaption>") == 11
    assert "no-great-leap minus baseline" in html.unescape(text)


def test_report_of_a_missing_run_is_a_clear_error(tmp_path: Path) -> None:
    """A folder that is not a run directory is named in the error."""
    result = CliRunner().invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 2 and "not a finished run directory" in result.output

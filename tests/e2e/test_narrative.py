"""The narrative reads as history: events by title (ids only inside links), the turning points
named, every figure captioned and referred to, and a counterfactual told differently."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from angang.analysis.summary import quantiles
from angang.report.html import render
from angang.report.narrative import TURN, Paragraph
from angang.runner import run
from angang.runner.store import read_scenario, read_series

LINK = re.compile(r"<a href='#[^']*'>.*?</a>")


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, list[Paragraph]]]:
    """The baseline's and no-great-leap's reports (same seeds), as HTML and paragraphs."""
    root = tmp_path_factory.mktemp("narrative")
    out = {}
    for name in ("baseline", "no-great-leap"):
        run(name, runs=4, seed=2, scale=0.1, out=root / name)
        page, _, story = render(root / name)
        out[name] = (page, story)
    out["dirs"] = root  # type: ignore[assignment]
    return out


def test_no_event_id_in_the_prose_outside_links(reports) -> None:  # type: ignore[no-untyped-def]
    for name in ("baseline", "no-great-leap"):
        _, story = reports[name]
        ids = {e.id for e in read_scenario(reports["dirs"] / name).events}
        for p in story:
            prose = html.unescape(LINK.sub("", p.html))
            found = [i for i in ids if i in prose]
            assert not found, (name, p.first, found)
            # and the links are named by title: no id as a link's text either
            for text in re.findall(r"<a href='#event-[^']*'>(.*?)</a>", p.html):
                assert html.unescape(text) not in ids


def test_every_period_names_its_peak_and_trough(reports) -> None:  # type: ignore[no-untyped-def]
    series = read_series(reports["dirs"] / "baseline")
    steel = quantiles(series, "steel_output", "china")["median"]
    _, story = reports["baseline"]
    named = 0
    for p in story:
        med = steel.loc[p.first : p.last]
        peak, trough = int(med.idxmax()), int(med.idxmin())
        if p.first < peak < p.last and med.loc[peak:].min() < (1 - TURN) * med.loc[peak]:
            assert "a peak of" in p.text and f"in {peak}" in p.text, (p.first, p.text)
            assert "trough" in p.text, p.text
            named += 1
        elif p.first < trough < p.last and med.loc[:trough].max() > (1 + TURN) * med.loc[trough]:
            assert "a trough of" in p.text and f"in {trough}" in p.text, (p.first, p.text)
            named += 1
    assert named >= 2  # the Leap's peak and the Cultural Revolution's dip at least


def test_every_figure_has_a_caption_and_is_referred_to(reports) -> None:  # type: ignore[no-untyped-def]
    page, story = reports["baseline"]
    figures = re.findall(r'<figure id="figure-(\d+)">(.*?)</figure>', page, re.S)
    assert len(figures) == 10
    prose = " ".join(p.html for p in story)
    for number, body in figures:
        assert "<figcaption>" in body and f"Figure {number}." in body
        assert f"href='#figure-{number}'" in prose, f"figure {number} is never referred to"


def test_the_leap_is_told_differently_without_it(reports) -> None:  # type: ignore[no-untyped-def]
    with_leap = {p.first: p for p in reports["baseline"][1]}
    without = {p.first: p for p in reports["no-great-leap"][1]}
    assert with_leap[1958].text != without[1958].text
    assert "The Great Leap Forward" in with_leap[1958].text
    assert "The Great Leap Forward" not in without[1958].text
    # before the Leap the two histories are the same runs, and told the same
    assert with_leap[1932].text == without[1932].text
    # the Leap's reports ran ahead of its usable steel; without the campaign they do not
    assert "Reported steel ran" in with_leap[1958].text
    assert "Reported steel ran" not in with_leap[1932].text


def test_numbers_are_written_by_their_unit() -> None:
    from angang.report.narrative import number

    assert number(18660.0, "kt") == "18.7 Mt"
    assert number(158.0, "kt") == "158 kt"
    assert number(0.556, "share") == "56%"
    assert number(0.7412, "index") == "0.74"
    assert number(123456.0, "persons") == "123,456"
    assert number(66495353.0, "persons") == "66.5 million"


def test_markup_in_titles_and_sources_is_escaped_in_the_report(tmp_path: Path) -> None:
    """Text from a scenario file is data in the page: a title or source holding HTML prints
    as written and runs nothing."""
    path = tmp_path / "markup.toml"
    path.write_text(
        'extends = "baseline"\n'
        "[meta]\n"
        'name = "markup-report"\n'
        'title = "<script>alert(1)</script> [bold]x[/bold]"\n'
        'description = "a scenario whose text looks like markup"\n'
        "[[events]]\n"
        'id = "markup-event-1958"\n'
        'title = "<b>Bold</b> & :china:"\n'
        "year = 1958\n"
        'kind = "policy"\n'
        "levers = { planning = 0.5 }\n"
        'source = "[hirata2024] <img src=x onerror=alert(1)>"\n',
        encoding="utf-8",
    )
    run(str(path), runs=1, seed=1, scale=0.05, out=tmp_path / "r")
    page, _, _ = render(tmp_path / "r")
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>Bold" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; [bold]x[/bold]" in page
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; :china:" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_the_angang_panel_shows_the_management_systems() -> None:
    from angang.report.panels import management_spans
    from angang.scenario import load_scenario

    spans = management_spans(load_scenario("baseline"))
    names = [name for _, _, name in spans]
    assert names[:3] == ["1-chief", "party cttee", "rev. cttee"]
    assert names[-1] == "director resp."
    assert all(a < b for a, b, _ in spans)  # each system holds until the next
    assert all(spans[i][1] == spans[i + 1][0] for i in range(len(spans) - 1))

"""The terminal prints data as written: no id cut, no markup or emoji read into it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from angang.cli import app

#: emoji and pictographs rich would substitute for ``:name:`` codes
EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf]")
ANGANG = [sys.executable, "-m", "angang.cli"]


def _plain(text: str) -> str:
    return " ".join(text.split())


def test_no_scenario_name_is_cut_in_80_columns_or_a_pipe() -> None:
    env = {**os.environ, "COLUMNS": "80"}
    shown = subprocess.run(
        [*ANGANG, "scenarios"], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert shown.count("early-opening-to-japan") == 1
    assert "…" not in shown


def test_every_help_keeps_its_text_and_shows_no_emoji() -> None:
    group = typer.main.get_command(app)
    runner = CliRunner()
    seen_years = False
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        result = runner.invoke(app, [name, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0, (name, result.output)
        assert not EMOJI.search(result.output), name
        shown = _plain(result.output)
        for param in command.params:
            text = getattr(param, "help", None)
            if text:
                # markup eats bracketed syntax such as [@YEARS]: every help text whole
                assert _plain(text) in shown, (name, param.name, text)
                seen_years |= "[@YEARS]" in text
    assert seen_years  # the syntax this guards is still documented somewhere


@pytest.fixture
def marked_up(tmp_path: Path) -> Path:
    """A scenario whose title, event note and source look like rich markup and emoji codes."""
    path = tmp_path / "markup.toml"
    path.write_text(
        'extends = "baseline"\n'
        "[meta]\n"
        'name = "markup-test"\n'
        'title = "[bold]Bold[/bold] :china: title"\n'
        'description = "a scenario whose text looks like markup"\n'
        'question = "Does [red]this[/red] print as written? :flag_for_china:"\n'
        "[[events]]\n"
        'id = "markup-event-1960"\n'
        "year = 1960\n"
        'kind = "policy"\n'
        "levers = { planning = 0.5 }\n"
        'note = "[link=http://example.com]click[/link]"\n'
        'source = "[hirata2024] Hirata [i]2024[/i] :china:"\n',
        encoding="utf-8",
    )
    return path


def test_timeline_prints_markup_in_titles_and_sources_as_written(marked_up: Path) -> None:
    for columns in ("80", "300"):
        result = CliRunner().invoke(app, ["timeline", str(marked_up)], env={"COLUMNS": columns})
        assert result.exit_code == 0, result.output
        shown = _plain(result.output.replace("│", " "))
        assert "[bold]Bold[/bold] :china: title" in shown
        assert "markup-event-1960" in shown
        assert "[hirata2024] Hirata [i]2024[/i] :china:" in _plain(shown)
        assert not EMOJI.search(result.output)


def test_compare_prints_outcome_ids_as_written(tmp_path: Path) -> None:
    """`tech_provenance:china:ussr` is an outcome, not the emoji code :china:."""
    result = CliRunner().invoke(
        app,
        [
            "compare",
            "baseline",
            "no-great-leap",
            "--runs",
            "2",
            "--scale",
            "0.05",
            "--outcome",
            "tech_provenance:china:ussr@1961-1965",
            "--out",
            str(tmp_path / "c"),
        ],
        env={"COLUMNS": "80"},
    )
    assert result.exit_code == 0, result.output
    assert "tech_provenance:china:ussr@1961-1965" in result.output
    assert not EMOJI.search(result.output)

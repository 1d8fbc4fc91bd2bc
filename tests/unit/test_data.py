"""The historical dataset: integrity, sources, and clear errors for malformed rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from angang.cli import app
from angang.data import COLUMNS, load_history, load_sources
from angang.errors import AngangError

HERE = Path(__file__).resolve().parents[2] / "src" / "angang" / "data"


def test_every_row_is_sourced_and_well_formed() -> None:
    """All rows load, cite a known source with a page, and have unique ids."""
    frame = load_history()
    keys = {s["id"] for s in load_sources()}
    assert set(frame["source"]) <= keys
    assert frame["id"].is_unique
    assert (frame["page"].str.len() > 3).all()
    assert set(frame["use"]) == {"calibration", "validation"}


def test_benchmark_steel_is_for_calibration_and_the_rest_for_validation() -> None:
    """Only the benchmark years of national steel (the pre-1949 peak of 1943 and seven years
    from 1949) may inform calibration; the annual series between them is held out."""
    frame = load_history()
    steel = frame[(frame["quantity"] == "steel_output") & (frame["entity"] == "china")]
    calibration = set(steel.loc[steel["use"] == "calibration", "year"])
    assert calibration == {1943, 1949, 1952, 1957, 1965, 1978, 1990, 2000}
    assert len(steel) == 53 and set(steel["year"]) == {1943, *range(1949, 2001)}


def _bad(tmp_path: Path, old: str, new: str) -> Path:
    text = (HERE / "history.csv").read_text()
    assert old in text
    path = tmp_path / "history.csv"
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        (
            "steel-1952,1952,,steel_output,china,1349",
            "steel-1952,1952,,steel_output,china,lots",
            "value",
        ),
        ("steel-1952,1952,", "steel-1952,1852,", "year"),
        (",calibration,zggyjjtjzl1985,", ",calibration,nosuchbook,", "source"),
        (",calibration,hirata2024,", ",calibrate,hirata2024,", "use"),
    ],
)
def test_malformed_rows_name_file_line_and_field(
    tmp_path: Path, old: str, new: str, field: str
) -> None:
    """A bad value, year, source or use is refused with the file, line and field."""
    with pytest.raises(AngangError) as info:
        load_history(_bad(tmp_path, old, new))
    message = str(info.value)
    assert "history.csv, line" in message and f"field `{field}`" in message


def test_missing_column_is_refused(tmp_path: Path) -> None:
    """A file without the page column is refused with the expected columns."""
    path = tmp_path / "h.csv"
    path.write_text(",".join(c for c in COLUMNS if c != "page") + "\n")
    with pytest.raises(AngangError, match="missing column"):
        load_history(path)


def test_cli_lists_the_data_and_the_bibliography(cli: CliRunner) -> None:
    """`angang data` lists the figures; `--cite` prints every source."""
    listed = cli.invoke(app, ["data"], env={"COLUMNS": "250"})
    assert listed.exit_code == 0 and "steel-1960" in listed.output
    cited = cli.invoke(app, ["data", "--cite"], env={"COLUMNS": "250"})
    assert cited.exit_code == 0
    for source in load_sources():
        assert f"[{source['id']}]" in cited.output


def test_every_built_in_event_cites_the_one_bibliography() -> None:
    """The dataset and the timelines share one bibliography: each event of every built-in
    scenario cites at least one of its keys, and every key cited exists."""
    from angang.data import cited_keys, load_sources
    from angang.scenario import builtin_names, load_scenario

    keys = {item["id"] for item in load_sources()}
    for name in builtin_names():
        for event in load_scenario(name).events:
            cited = cited_keys(event.source)
            assert cited, (name, event.id, event.source)
            assert set(cited) <= keys, (name, event.id, set(cited) - keys)


def test_bibtex_export(cli: CliRunner) -> None:
    """`angang data --cite --format bibtex` writes one entry per source, with its key."""
    from angang.data import load_sources

    result = cli.invoke(app, ["data", "--cite", "--format", "bibtex"])
    assert result.exit_code == 0, result.output
    assert result.output.count("\n@") + result.output.startswith("@") == len(load_sources())
    assert "@book{hirata2024," in result.output and "title = {Making Mao" in result.output
    bad = cli.invoke(app, ["data", "--cite", "--format", "ris"])
    assert bad.exit_code == 2 and "bibtex" in bad.output

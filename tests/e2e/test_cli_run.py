"""The command line end to end: run, timeline, scenarios, validate, variables."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from angang.cli import app
from angang.model.observe import VARIABLES
from angang.scenario.schema import Scenario


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small baseline ensemble written by the CLI."""
    out = tmp_path_factory.mktemp("runs") / "base"
    result = CliRunner().invoke(
        app,
        [
            "run",
            "baseline",
            "--runs",
            "3",
            "--seed",
            "7",
            "--scale",
            "0.05",
            "--batch-size",
            "2",
            "--out",
            str(out),
        ],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "national steel" in result.output
    return out


def test_run_directory_holds_manifest_parquet_and_duckdb(run_dir: Path) -> None:
    """The run directory has its files (the resolved scenario among them), and nothing
    partial or locked is left beside it."""
    assert {p.name for p in run_dir.iterdir()} == {
        "manifest.json",
        "series.parquet",
        "results.duckdb",
        "scorecard.json",
        "validation.json",
        "scenario.json",
        "report.html",
    }
    assert not [p for p in run_dir.parent.iterdir() if p.name.startswith(".")]


def test_manifest_records_what_reproduces_the_run(run_dir: Path) -> None:
    """Version, scenario name and hash, parameters, seed, runs and enterprise-years."""
    m = json.loads((run_dir / "manifest.json").read_text())
    assert m["scenario"]["name"] == "baseline" and len(m["scenario"]["sha256"]) == 64
    assert m["seed"] == 7 and m["runs"] == 3 and m["batch_size"] == 2
    assert m["parameters"]["ratchet"] == 0.5
    assert m["enterprise_years_per_run"]["mean"] > 1000
    assert m["angang_version"] and m["created"]


def test_series_is_tidy_and_matches_duckdb(run_dir: Path) -> None:
    """series.parquet has the five tidy columns and DuckDB holds the same rows."""
    series = pd.read_parquet(run_dir / "series.parquet")
    assert list(series.columns) == ["run", "year", "variable", "entity", "value"]
    assert set(series["run"]) == {0, 1, 2}
    assert series["year"].min() == 1916 and series["year"].max() == 2000
    con = duckdb.connect(str(run_dir / "results.duckdb"), read_only=True)
    (n,) = con.execute("select count(*) from series").fetchone()  # type: ignore[misc]
    steel = con.execute(
        "select value from series where variable='steel_output' and "
        "entity='china' and year=1957 and run=0"
    ).fetchone()
    events = con.execute("select count(*) from events").fetchone()
    types = dict(con.execute("select column_name, column_type from (describe series)").fetchall())
    by_name = con.execute(
        "select variable::varchar, entity::varchar, count(*), count(value), sum(value) "
        "from series group by all order by all"
    ).df()
    con.close()
    assert n == len(series)
    assert types["run"] == "INTEGER" and types["year"] == "SMALLINT"
    assert types["variable"].startswith("ENUM(") and types["entity"].startswith("ENUM(")
    # every variable and entity with the same number of rows, values and missing values
    want = (
        series.astype({"variable": str, "entity": str})
        .groupby(["variable", "entity"])["value"]
        .agg(["size", "count", "sum"])
        .reset_index()
    )
    assert by_name.iloc[:, :4].to_numpy().tolist() == want.iloc[:, :4].to_numpy().tolist()
    assert np.allclose(by_name.iloc[:, 4].to_numpy(float), want["sum"].to_numpy(), rtol=1e-12)
    expected = series.query(
        "variable == 'steel_output' and entity == 'china' and year == 1957 and run == 0"
    )["value"].item()
    assert steel is not None and steel[0] == pytest.approx(expected)
    assert events is not None and events[0] >= 80


def test_scorecard_is_written_with_the_run(run_dir: Path, cli: CliRunner) -> None:
    """scorecard.json holds one object per calibration fact; `angang score` rewrites it."""
    checks = json.loads((run_dir / "scorecard.json").read_text())
    keys = {"id", "description", "source", "target", "tolerance", "median", "low", "high", "passed"}
    assert checks and all(keys <= set(c) for c in checks)
    assert {"soe-share-1949", "steel-1957", "northeast-steel-share-1952"} <= {
        c["id"] for c in checks
    }
    result = cli.invoke(app, ["score", str(run_dir)], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "facts pass" in result.output
    # read back block by block: what the run scored batch by batch as they came
    assert json.loads((run_dir / "scorecard.json").read_text()) == checks
    history = cli.invoke(app, ["validate-history", str(run_dir)])
    assert history.exit_code == 0 and "held-out years" in history.output
    assert json.loads((run_dir / "validation.json").read_text())["years"]


def test_every_recorded_variable_is_documented(run_dir: Path) -> None:
    """Each variable in the results has a unit in the registry, and vice versa."""
    recorded = set(pd.read_parquet(run_dir / "series.parquet")["variable"].astype(str))
    assert recorded == set(VARIABLES)


def test_cli_run_equals_the_python_api(run_dir: Path) -> None:
    """The CLI passes seed, runs, scale and batch size through to the library unchanged."""
    from angang.runner import run
    from angang.runner.store import read_series

    api = run("baseline", runs=3, seed=7, scale=0.05, batch_size=2).table
    cli = read_series(run_dir)  # the CLI streams the series to disk batch by batch
    pd.testing.assert_frame_equal(api.reset_index(drop=True), cli, check_categorical=False)
    assert set(pd.read_parquet(run_dir / "series.parquet").columns) == set(cli.columns)


def test_timeline_shows_every_event_with_its_source(cli: CliRunner, baseline: Scenario) -> None:
    """`angang timeline baseline` lists every event id and source."""
    result = cli.invoke(app, ["timeline", "baseline"], env={"COLUMNS": "400"})
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    for e in baseline.events:
        assert e.id in text, e.id
    assert "Pauley" in text and "Meyskens" in text


def test_variables_and_parameters_listings(cli: CliRunner) -> None:
    """`angang variables` lists every variable; --parameters lists the schema's parameters."""
    result = cli.invoke(app, ["variables"], env={"COLUMNS": "300"})
    assert result.exit_code == 0
    for name in VARIABLES:
        assert name in result.output
    params = cli.invoke(app, ["variables", "--parameters"], env={"COLUMNS": "300"})
    assert params.exit_code == 0 and "ratchet" in params.output and "Weitzman" in params.output


def test_scenarios_and_validate(cli: CliRunner) -> None:
    """Built-ins are listed and the baseline validates."""
    listed = cli.invoke(app, ["scenarios"], env={"COLUMNS": "200"})
    assert listed.exit_code == 0 and "baseline" in listed.output
    ok = cli.invoke(app, ["validate", "baseline"])
    assert ok.exit_code == 0 and "ok" in ok.output


def test_interrupted_write_leaves_nothing_that_looks_complete(tmp_path: Path, monkeypatch) -> None:
    """A failure while writing never creates the target; the hidden spool keeps the computed
    batches (and no manifest), and --resume finishes the run from them."""
    from angang.runner import run, store

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(store, "_write_database", boom)
        with pytest.raises(KeyboardInterrupt):
            run("baseline", runs=1, seed=1, scale=0.05, out=tmp_path / "r")
    assert [p.name for p in tmp_path.iterdir()] == [".r.partial"]
    assert not (tmp_path / ".r.partial" / store.MANIFEST).exists()
    run("baseline", runs=1, seed=1, scale=0.05, out=tmp_path / "r", resume=True)
    assert [p.name for p in tmp_path.iterdir()] == ["r"]
    assert (tmp_path / "r" / store.MANIFEST).is_file()
    assert not list((tmp_path / "r").glob("batch-*"))


def test_calibrate_saves_the_search_before_abc_and_records_it(tmp_path: Path) -> None:
    """A search then ABC on one parameter: the optimum is saved as soon as the search ends,
    and the parameter file holds the search's estimate, the posterior's interval and the search."""
    import tomllib

    from angang.scenario.parameters import parameter_table

    out = tmp_path / "cal"
    result = CliRunner().invoke(
        app,
        [
            "calibrate",
            "--parameters",
            "capital_productivity",
            "--search-iterations",
            "1",
            "--population",
            "8",
            "--generations",
            "2",
            "--batch-size",
            "8",
            "--scale",
            "0.1",
            "--workers",
            "1",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    optimum = json.loads((out / "search.json").read_text())
    (row,) = [r for r in parameter_table() if r["name"] == "capital_productivity"]
    low, high = row["low"], row["high"]
    assert set(optimum) == {"capital_productivity"}
    assert low <= optimum["capital_productivity"] <= high
    written = tomllib.loads((out / "calibration.toml").read_text())
    provenance = written["provenance"]
    assert provenance["search"]["optimum"]["capital_productivity"] == pytest.approx(
        optimum["capital_productivity"], abs=1e-5
    )
    # after a search the installed point is the search's estimate, inside the ABC window;
    # the posterior's interval lies in that window too
    assert written["parameters"]["capital_productivity"] == pytest.approx(
        optimum["capital_productivity"], abs=1e-5
    )
    window_lo, window_hi = provenance["priors"]["capital_productivity"]
    lo, hi = provenance["interval_5_95"]["capital_productivity"]
    assert window_lo <= lo <= hi <= window_hi
    assert window_lo <= written["parameters"]["capital_productivity"] <= window_hi
    assert "search's estimate" in provenance["point_estimate"]

"""Commands that run the model and show a run: run, score, report, dashboard."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

from angang.cli.app import app
from angang.errors import AngangError
from angang.terminal import (
    KEYS,
    Table,
    console_at,
    out,
    progress,
    report_cascade,
    user_errors,
    warn,
)


@app.command()
@user_errors
def run(
    scenario: Annotated[
        str, typer.Argument(help="built-in scenario name or a .toml file")
    ] = "baseline",
    runs: Annotated[int, typer.Option(help="number of runs in the ensemble")] = 64,
    seed: Annotated[int, typer.Option(help="root seed; run i uses stream (seed, i)")] = 1,
    out_dir: Annotated[Path | None, typer.Option("--out", help="run directory to write")] = None,
    batch_size: Annotated[int, typer.Option(help="runs per vectorised pass")] = 32,
    workers: Annotated[
        int, typer.Option(help="processes running batches in parallel (0: one per core)")
    ] = 0,
    scale: Annotated[
        float | None, typer.Option(help="enterprise agents per cell, multiplier")
    ] = None,
    overwrite: Annotated[bool, typer.Option(help="replace an existing run directory")] = False,
    quiet: Annotated[bool, typer.Option(help="no progress bar or summary")] = False,
    backend: Annotated[
        str, typer.Option(help="local (this machine) or dask (a Dask cluster)")
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Dask scheduler address (tcp://HOST:8786); without it --backend dask starts a "
            "LocalCluster on loopback"
        ),
    ] = None,
    checkpoint_at: Annotated[
        int | None,
        typer.Option(help="save every run's state at the start of this year, to branch from"),
    ] = None,
    from_checkpoint: Annotated[
        Path | None,
        typer.Option(
            help="start from the checkpoint in this parent run directory (its runs, seed, scale "
            "and batch size apply); refused if the scenario differs before that year"
        ),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option(
            help="continue an interrupted run of --out, computing only the missing batches"
        ),
    ] = False,
    engine: Annotated[
        str,
        typer.Option(
            help="numba (compiled kernels) or numpy (the readable reference): same results"
        ),
    ] = "numba",
    report: Annotated[
        bool, typer.Option("--report/--no-report", help="write report.html into the run directory")
    ] = True,
) -> None:
    """Run an ensemble and write a run directory (manifest, Parquet, DuckDB, scorecard,
    validation and report.html)."""
    from angang.analysis.checks import run as run_api
    from angang.runner.options import RunOptions

    if resume and out_dir is None:
        raise AngangError("--resume needs --out: the run directory to continue.")
    target = out_dir or Path("runs") / f"{Path(scenario).stem}-seed{seed}-n{runs}"
    with progress(quiet) as bar:
        task = bar.add_task("simulating", total=1)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        options = RunOptions(
            runs=runs,
            seed=seed,
            batch_size=batch_size,
            scale=scale,
            workers=workers,
            backend=backend,
            scheduler=scheduler,
            checkpoint_at=checkpoint_at,
            engine=engine,
        )
        result = run_api(
            scenario,
            options,
            out=target,
            overwrite=overwrite,
            progress=advance,
            from_checkpoint=from_checkpoint,
            resume=resume,
            keep_series=False,
            notice=warn,
        )
    if from_checkpoint is not None and not quiet:
        out.print(
            f"branched from {from_checkpoint} at {result.branched_from['year']}: "  # type: ignore[index]
            f"{result.runs} runs, seed {result.seed}, scale {result.scale}"
        )
    if not quiet:
        report_cascade(result.loaded.removed_with)
        _summary(result, target)
        _print_scorecard(target)
    if report:
        from angang.report.html import build

        with progress(quiet, counted=False) as bar:
            bar.add_task("writing report.html", total=None)
            page = build(target)
        out.print(f"wrote {target} (open {page} in a browser)")
    else:
        out.print(f"wrote {target} (no report: `angang report {target}` writes it)")


def _summary(result: Any, run_dir: Path) -> None:
    import pandas as pd

    from angang.analysis.summary import benchmark_table
    from angang.runner.store import SERIES

    table = Table(
        title=f"{result.loaded.scenario.meta.title}: ensemble of {result.runs} runs (median, 5-95%)"
    )
    series = pd.read_parquet(
        run_dir / SERIES,
        filters=[  # only what the table shows
            ("variable", "in", ["steel_output", "soe_share", "heavy_share"])
        ],
    )
    frame = benchmark_table(series)
    for col in frame.columns:
        table.add_column(str(col), justify="right")
    for _, row in frame.iterrows():
        table.add_row(*[str(v) for v in row])
    console_at(132).print(table)


def _print_scorecard(run_dir: Path) -> None:

    from angang.analysis.scorecard import Check, fact_value

    checks = [Check(**c) for c in json.loads((run_dir / "scorecard.json").read_text())]
    table = Table(
        title=f"scorecard: {sum(c.passed for c in checks)} of {len(checks)} facts "
        "pass (ensemble median, 5-95% over the runs)"
    )
    for col in ("fact", "target", "model", "tolerance", ""):
        table.add_column(col, overflow="fold", key=col in KEYS)
    for c in checks:
        mark = Text("pass", style="green") if c.passed else Text("fail", style="red")
        # the model in the fact's own terms (a rank fact's share of years, a growth rate)
        model = fact_value(c).replace(" over the runs", "")
        table.add_row(c.id, c.target, model, c.tolerance, mark)
    console_at(160).print(table)


@app.command()
@user_errors
def score(run_dir: Annotated[Path, typer.Argument(help="a finished run directory")]) -> None:
    """Check the historical facts against a run's ensemble; write scorecard.json."""
    from angang.analysis import scorecard
    from angang.runner.store import read_series_blocks

    # 64 whole runs at a time, so that scoring a large ensemble does not hold it all
    scorecard.write(scorecard.score_batches(read_series_blocks(run_dir)), run_dir)
    _print_scorecard(run_dir)


@app.command()
@user_errors
def report(
    run_dir: Annotated[Path, typer.Argument(help="a finished run directory")],
    against: Annotated[Path | None, typer.Option(help="a second run to overlay (dashed)")] = None,
) -> None:
    """Write report.html: figures, scorecard, validation, narrative, timeline, parameters."""
    from angang.report.html import build

    path = build(run_dir, against)
    out.print(f"wrote {path}")


@app.command()
@user_errors
def dashboard(
    host: Annotated[
        str, typer.Option(help="address to listen on (loopback by default)")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8765,
) -> None:
    """Start the interactive dashboard in the browser (a Solara app)."""
    from angang.dashboard.serve import serve

    serve(host, port, say=out.print, warn=warn)

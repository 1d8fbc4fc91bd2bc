"""The ``angang`` command line: a thin shell over the Python API."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table as RichTable
from rich.text import Text

from angang.errors import AngangError

app = typer.Typer(
    help="angang: simulate China's state-directed industrialization through Angang, 1916-2000.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # help text is plain: `[@YEARS]` is syntax, not a markup tag
)
# what the tables and messages print is data (ids, titles, sources, paths): never read as
# markup or emoji codes (``:china:``), so it prints as written
out = Console(emoji=False, markup=False, highlight=False)
err = Console(stderr=True, emoji=False)


def _console(width: int) -> Console:
    """A console at least ``width`` wide (wide tables), as plain as :data:`out`."""
    return Console(width=max(out.width, width), emoji=False, markup=False, highlight=False)


WIDE = 120  #: terminal columns below which long tables print as blocks
#: columns that hold ids and names: printed whole
KEYS = frozenset({"fact", "parameter", "outcome", "event", "id", "name", "variable"})


class Table(RichTable):
    """A table of data: every cell, header and title printed as written (no markup, no emoji),
    long cells wrapped rather than cut, and the ``key`` columns (ids, names) as wide as their
    longest entry, so that an id is never cut or folded, whatever the terminal's width or in a
    pipe."""

    def __init__(self, *args: Any, title: str | Text | None = None, **kwargs: Any) -> None:
        super().__init__(*args, title=Text(title) if isinstance(title, str) else title, **kwargs)
        self._keys: set[int] = set()

    def add_column(self, header: Any = "", *args: Any, key: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("overflow", "fold")  # wrap, never cut with an ellipsis
        if key:
            self._keys.add(len(self.columns))
            kwargs.update(no_wrap=True, min_width=len(str(header)))
        super().add_column(Text(header) if isinstance(header, str) else header, *args, **kwargs)

    def add_row(self, *cells: Any, **kwargs: Any) -> None:
        texts = [c if isinstance(c, Text) else Text(str(c)) for c in cells]
        for i in self._keys & set(range(len(texts))):
            column = self.columns[i]
            column.min_width = max(column.min_width or 0, texts[i].cell_len)
        super().add_row(*texts, **kwargs)


F = TypeVar("F", bound=Callable[..., Any])


def user_errors(fn: F) -> F:
    """Print an AngangError as one paragraph and exit 2, with no traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except AngangError as e:
            # the message quotes user input (ids, paths, patterns): never read it as markup
            err.print(f"[bold red]error:[/] {escape(str(e))}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


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
    with _progress(quiet) as bar:
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
            notice=_warn,
        )
    if from_checkpoint is not None and not quiet:
        out.print(
            f"branched from {from_checkpoint} at {result.branched_from['year']}: "  # type: ignore[index]
            f"{result.runs} runs, seed {result.seed}, scale {result.scale}"
        )
    if not quiet:
        _report_cascade(result.loaded.removed_with)
        _summary(result, target)
        _print_scorecard(target)
    if report:
        from angang.report.html import build

        with _progress(quiet, counted=False) as bar:
            bar.add_task("writing report.html", total=None)
            page = build(target)
        out.print(f"wrote {target} (open {page} in a browser)")
    else:
        out.print(f"wrote {target} (no report: `angang report {target}` writes it)")


def _warn(text: str) -> None:
    err.print(f"[bold yellow]warning:[/] {escape(text)}", highlight=False, soft_wrap=True)


def _progress(quiet: bool, counted: bool = True) -> Progress:
    """A progress bar on stderr: run-years done of the total, or (``counted=False``, for work
    in parts of unequal size) a percentage."""
    done = (MofNCompleteColumn(), TextColumn("run-years")) if counted else (TaskProgressColumn(),)
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        *done,
        TimeRemainingColumn(),
        console=err,
        disable=quiet,
        transient=True,
    )


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
    _console(132).print(table)


def _print_scorecard(run_dir: Path) -> None:
    import json

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
    _console(160).print(table)


@app.command()
@user_errors
def score(run_dir: Annotated[Path, typer.Argument(help="a finished run directory")]) -> None:
    """Check the historical facts against a run's ensemble; write scorecard.json."""
    from angang.analysis import scorecard
    from angang.runner.store import read_series

    scorecard.write(scorecard.score(read_series(run_dir)), run_dir)
    _print_scorecard(run_dir)


@app.command("validate-history")
@user_errors
def validate_history(
    run_dir: Annotated[Path, typer.Argument(help="a finished run directory")],
) -> None:
    """Compare the run with the annual steel series kept out of calibration."""
    from angang.analysis import validation
    from angang.runner.store import read_series

    result = validation.validate(read_series(run_dir))
    validation.write(result, run_dir)
    out.print(escape(result.verdict), highlight=False)
    for c in result.checks:
        record = f"; record {c.record:.3g}" if c.record is not None else ""
        out.print(
            escape(
                f"  {'pass' if c.passed else 'FAIL'} {c.name}: {c.value:.3g}{record} — {c.test}"
            ),
            highlight=False,
        )


@app.command()
@user_errors
def calibrate(
    scenario: Annotated[str, typer.Argument(help="scenario to calibrate")] = "baseline",
    parameters: Annotated[
        str | None,
        typer.Option(help="comma-separated parameters to fit (default: the standard set)"),
    ] = None,
    population: Annotated[int, typer.Option(help="particles per ABC-SMC generation")] = 200,
    generations: Annotated[
        int,
        typer.Option(
            help="ABC-SMC generations (after a search: rejection ABC keeping the best "
            "0.5^(G-1) of the draws)"
        ),
    ] = 4,
    scale: Annotated[
        float | None,
        typer.Option(help="agent scale of the calibration runs (default: the scenario's own)"),
    ] = None,
    batch_size: Annotated[int, typer.Option(help="runs per vectorised pass")] = 50,
    seed: Annotated[int, typer.Option(help="root seed of the calibration")] = 1,
    search_iterations: Annotated[
        int,
        typer.Option(
            help="CMA-ES iterations before ABC-SMC (0: none; priors then span the ranges)"
        ),
    ] = 0,
    search_width: Annotated[
        float, typer.Option(help="after a search, the ABC priors' width as a share of each range")
    ] = 0.2,
    workers: Annotated[int, typer.Option(help="processes for the search (0: one per core)")] = 0,
    out_dir: Annotated[Path, typer.Option("--out", help="where to write the posterior")] = Path(
        "runs/calibration"
    ),
    write_baseline: Annotated[
        bool, typer.Option(help="also install the parameter file as the baseline's calibration")
    ] = False,
) -> None:
    """Fit the global parameters to the calibration facts by ABC-SMC (ELFI)."""
    import shutil
    from importlib import resources

    from angang.analysis import calibration
    from angang.scenario import load_scenario

    names = (
        tuple(x.strip() for x in parameters.split(",") if x.strip())
        if parameters
        else calibration.CALIBRATED
    )
    calibration.prior_ranges(names)  # fail early on unknown names
    if generations < 2 or population < 2:
        raise AngangError(
            f"--generations {generations}, --population {population}: expected at least 2 of "
            "each (ABC-SMC's first round is plain rejection; the posterior comes from the later "
            "ones)."
        )
    if not 0 < search_width <= 1:
        raise AngangError(f"--search-width: expected a share in (0, 1], got {search_width}.")
    sc = load_scenario(scenario)
    err.print(
        escape(
            f"calibrating {', '.join(names)} at scale "
            f"{scale if scale is not None else sc.initial.scale}: "
            + (f"{search_iterations} search iterations, then " if search_iterations else "")
            + f"{generations} generations of {population} particles; "
            "this takes minutes."
        ),
        highlight=False,
    )
    import os

    with _progress(quiet=search_iterations == 0) as bar:
        task = bar.add_task("searching", total=search_iterations or 1)
        posterior = calibration.calibrate(
            sc,
            names,
            population=population,
            generations=generations,
            scale=scale,
            batch_size=batch_size,
            seed=seed,
            search_iterations=search_iterations,
            search_width=search_width,
            workers=workers or (os.cpu_count() or 1),
            progress=lambda done, total: bar.update(task, completed=done, total=total),
            found=lambda optimum: _save_search(optimum, out_dir),
        )
    path = calibration.write(posterior, out_dir)
    table = Table(title=f"posterior ({posterior.provenance['simulations']} simulations)")
    for col in ("parameter", "prior", "median", "5-95%", "pinned down by the data?"):
        table.add_column(col, key=col in KEYS)
    for _, r in posterior.summary.iterrows():
        table.add_row(
            r["parameter"],
            f"{r['prior_low']:g}-{r['prior_high']:g}",
            f"{r['median']:.3g}",
            f"{r['low']:.3g}-{r['high']:.3g}",
            "yes" if r["pinned_down"] else "no: the facts do not constrain it",
        )
    out.print(table)
    if write_baseline:
        target = Path(
            str(resources.files("angang.scenario") / "builtin" / "parameters" / "calibration.toml")
        )
        shutil.copyfile(path, target)
        out.print(f"installed {target}")
    out.print(f"wrote {out_dir}")


def _save_search(optimum: dict[str, float], out_dir: Path) -> None:
    """The search's optimum, written before ABC-SMC starts (``search.json``)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "search.json").write_text(json.dumps(optimum, indent=1))
    err.print(escape(f"search done; its optimum is in {out_dir / 'search.json'}"), highlight=False)


@app.command("compare")
@user_errors
def compare_cmd(
    a: Annotated[str, typer.Argument(help="first scenario (name or file)")],
    b: Annotated[str, typer.Argument(help="second scenario (name or file)")],
    outcome: Annotated[
        list[str] | None,
        typer.Option(help="VARIABLE[:ENTITY][@YEARS], repeatable (default: a standard set)"),
    ] = None,
    runs: Annotated[int, typer.Option(help="runs per scenario")] = 16,
    seed: Annotated[int, typer.Option(help="root seed shared by both (common random numbers)")] = 1,
    scale: Annotated[float | None, typer.Option(help="agent scale")] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="where to write the comparison")] = Path(
        "runs/compare"
    ),
) -> None:
    """Compare two scenarios run with the same seeds; report B - A per outcome."""
    from angang.analysis import compare as comparison
    from angang.model.observe import VARIABLES
    from angang.report.narrative import plain

    with _progress(False, counted=False) as bar:
        task = bar.add_task("simulating both", total=1)
        result = comparison.compare(
            a,
            b,
            outcome,
            runs=runs,
            seed=seed,
            scale=scale,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    comparison.write(result, out_dir)
    table = Table(title=f"{b} minus {a} ({runs} runs each, common random numbers)")
    for col in ("outcome", "unit", a, b, "difference (mean)", "5-95%"):
        table.add_column(col, key=col in KEYS)
    for _, r in result.summary.iterrows():
        variable = str(r["outcome"]).split(":")[0]
        table.add_row(
            r["outcome"],
            VARIABLES[variable].unit if variable in VARIABLES else "",
            plain(r["a_mean"]),
            plain(r["b_mean"]),
            plain(r["difference_mean"], sign=True),
            f"{plain(r['difference_low'], sign=True)} to {plain(r['difference_high'], sign=True)}",
        )
    _console(140).print(table)
    out.print(f"wrote {out_dir} (comparison.json, .parquet, .duckdb, .png)")


@app.command("attribute")
@user_errors
def attribute_cmd(
    scenario: Annotated[str, typer.Argument(help="scenario whose events are attributed")],
    outcome: Annotated[str, typer.Option(help="VARIABLE[:ENTITY]@YEAR[-YEAR]")],
    events: Annotated[str, typer.Option(help="comma-separated event ids")],
    runs: Annotated[int, typer.Option(help="runs per coalition")] = 16,
    seed: Annotated[int, typer.Option(help="root seed shared by all coalitions")] = 1,
    scale: Annotated[float | None, typer.Option(help="agent scale")] = None,
    samples: Annotated[int, typer.Option(help="sampled orders beyond 10 events")] = 200,
    out_dir: Annotated[Path, typer.Option("--out", help="where to write the attribution")] = Path(
        "runs/attribute"
    ),
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """Shapley attribution of an outcome to events (by removing them)."""
    import json as jsonlib

    from angang.analysis import attribution

    ids = [e.strip() for e in events.split(",") if e.strip()]
    with _progress(quiet=as_json) as bar:
        task = bar.add_task("coalitions", total=2 ** len(ids) if len(ids) <= 10 else None)
        result = attribution.attribute(
            scenario,
            outcome,
            ids,
            runs=runs,
            seed=seed,
            scale=scale,
            samples=samples,
            progress=lambda k: bar.advance(task, k),
        )
    attribution.write(result, out_dir)
    summary = result.as_json()
    if as_json:
        print(jsonlib.dumps(summary))
        return
    table = Table(
        title=f"{summary['outcome']}: total {summary['total']:+.4g} "
        f"(all named events minus none; {'exact' if result.exact else 'sampled'})"
    )
    for col in ("event", "contribution (mean)", "5-95% over runs"):
        table.add_column(col, key=col in KEYS)
    for e in ids:
        lo, hi = summary["intervals"][e]  # type: ignore[index]
        table.add_row(
            e,
            f"{summary['contributions'][e]:+.4g}",  # type: ignore[index]
            f"{lo:+.4g} to {hi:+.4g}",
        )
    out.print(table)
    out.print(f"wrote {out_dir}")


@app.command("sensitivity")
@user_errors
def sensitivity_cmd(
    outcome: Annotated[str, typer.Option(help="VARIABLE[:ENTITY][@YEARS]")],
    scenario: Annotated[str, typer.Option(help="scenario")] = "baseline",
    parameters: Annotated[
        str | None, typer.Option(help="comma-separated parameters (default: all)")
    ] = None,
    method: Annotated[str, typer.Option(help="morris (screening) or sobol")] = "morris",
    trajectories: Annotated[
        int, typer.Option(help="Morris trajectories, or the Sobol base sample size")
    ] = 10,
    scale: Annotated[float, typer.Option(help="agent scale")] = 0.15,
    seed: Annotated[int, typer.Option(help="seed of the sample and of the runs")] = 1,
    out_dir: Annotated[Path, typer.Option("--out", help="where to write the indices")] = Path(
        "runs/sensitivity"
    ),
    as_json: Annotated[bool, typer.Option("--json", help="print the indices as JSON")] = False,
) -> None:
    """Global sensitivity of an outcome to the parameters (SALib)."""
    import json as jsonlib

    from angang.analysis import sensitivity as sa

    names = [x.strip() for x in parameters.split(",")] if parameters else None
    result = sa.sensitivity(
        scenario, outcome, names, method=method, trajectories=trajectories, scale=scale, seed=seed
    )
    sa.write(result, out_dir)
    if as_json:
        print(
            jsonlib.dumps(
                {
                    "outcome": result.outcome,
                    "method": result.method,
                    "indices": result.indices.to_dict(orient="records"),
                }
            )
        )
        return
    table = Table(title=f"{result.method} indices of {result.outcome} ({result.evaluations} runs)")
    for col in result.indices.columns:
        table.add_column(str(col), key=col in KEYS)
    for _, r in result.indices.iterrows():
        table.add_row(*[f"{v:.3g}" if isinstance(v, float) else str(v) for v in r])
    out.print(table)
    out.print(f"wrote {out_dir}")


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
def data(
    cite: Annotated[bool, typer.Option(help="print the bibliography instead")] = False,
    format_: Annotated[
        str, typer.Option("--format", help="with --cite: text, bibtex or csl (CSL-JSON)")
    ] = "text",
) -> None:
    """List the historical dataset (or, with --cite, the bibliography of the dataset and the
    built-in timelines)."""
    import json as jsonlib

    from angang.data import DATA_VERSION, format_citation, load_history, load_sources, to_bibtex

    if format_ not in ("text", "bibtex", "csl"):
        raise AngangError(f"--format: expected text, bibtex or csl, got {format_!r}.")
    if cite:
        items = load_sources()
        if format_ == "bibtex":
            sys.stdout.write(to_bibtex(items))
        elif format_ == "csl":
            sys.stdout.write(jsonlib.dumps(items, ensure_ascii=False, indent=2) + "\n")
        else:
            for item in items:
                out.print(f"[{item['id']}] {format_citation(item)}")
        return
    frame = load_history()
    table = Table(title=f"historical dataset v{DATA_VERSION}: {len(frame)} figures")
    for col in ("id", "years", "quantity", "entity", "value", "unit", "use", "source"):
        table.add_column(col, overflow="fold", key=col in KEYS)
    for _, r in frame.iterrows():
        years = f"{r['year']}" + (f"-{r['year_end']}" if not pd_isna(r["year_end"]) else "")
        table.add_row(
            r["id"],
            years,
            r["quantity"],
            r["entity"],
            f"{r['value']:g}",
            r["unit"],
            r["use"],
            f"{r['source']}, {r['page']}",
        )
    out.print(table)


def pd_isna(value: Any) -> bool:
    """True for pandas' missing values."""
    import pandas as pd

    return bool(pd.isna(value))


@app.command()
@user_errors
def scenarios() -> None:
    """List the built-in scenarios."""
    from angang.scenario import builtin_names, load

    table = Table(title="built-in scenarios")
    for col in ("name", "title", "events", "question"):
        table.add_column(col, key=col in KEYS)
    for name in builtin_names():
        sc = load(name).scenario
        table.add_row(name, sc.meta.title, str(len(sc.events)), sc.meta.question or "")
    out.print(table)


@app.command()
@user_errors
def timeline(
    scenario: Annotated[
        str, typer.Argument(help="built-in scenario name or a .toml file")
    ] = "baseline",
) -> None:
    """Show a scenario's events with their dates, what they set and their sources."""
    from angang.scenario import load
    from angang.scenario.describe import describe_event

    sc = load(scenario).scenario
    table = Table(title=f"{sc.meta.title} — {len(sc.events)} events", show_lines=False)
    for col in ("date", "id", "kind", "what it sets", "source"):
        table.add_column(col, overflow="fold", key=col in KEYS)
    rows = []
    for e in sc.sorted_events():
        date = f"{e.year}-{e.month:02d}" if e.month else str(e.year)
        what = describe_event(e) + (f" [requires {', '.join(e.requires)}]" if e.requires else "")
        rows.append((date, e.id, e.kind, what, e.source))  # type: ignore[attr-defined]
    if out.width >= WIDE:
        for row in rows:
            table.add_row(*row)
        out.print(table)
        return
    # too narrow for five columns: one block per event, nothing cut
    out.print(f"{sc.meta.title} — {len(sc.events)} events")
    for date, id_, kind, what, source in rows:
        out.print(f"\n{date}  {id_}  ({kind})")
        out.print(Padding(Text(what), (0, 0, 0, 4)))
        out.print(Padding(Text(source, style="dim"), (0, 0, 0, 4)))


@app.command()
@user_errors
def validate(path: Annotated[str, typer.Argument(help="a scenario .toml file or name")]) -> None:
    """Check a scenario file and report the first problems found, with file and line."""
    from angang.scenario import load

    loaded = load(path)
    sc = loaded.scenario
    out.print(
        f"[green]ok[/]: {loaded.origin} — scenario '{sc.meta.name}', {len(sc.events)} "
        f"events, sha256 {loaded.content_hash[:12]}"
    )
    _report_cascade(loaded.removed_with)


def _report_cascade(removed_with: dict[str, str]) -> None:
    """Tell the user which events went with the ones they removed."""
    for dependent, required in removed_with.items():
        out.print(f"also removed: {dependent} (it requires {required})")


@app.command()
@user_errors
def variables(
    parameters: Annotated[bool, typer.Option(help="list the model's parameters instead")] = False,
) -> None:
    """List every recorded variable with its unit (or, with --parameters, the parameters)."""
    if parameters:
        from angang.scenario import parameter_table

        table = Table(title="parameters (global; defaults, units and plausible ranges)")
        for col in ("name", "default", "range", "unit", "meaning", "source"):
            table.add_column(col, overflow="fold", key=col in KEYS)
        for row in parameter_table():
            table.add_row(
                row["name"],
                f"{row['default']:g}",
                f"{row['low']:g}-{row['high']:g}",
                row["unit"],
                row["meaning"],
                row["source"],
            )
        out.print(table)
        return
    from angang.model.observe import VARIABLES

    table = Table(title="recorded variables (series.parquet: run, year, variable, entity, value)")
    for col in ("variable", "unit", "entities", "meaning"):
        table.add_column(col, overflow="fold", key=col in KEYS)
    for name, var in VARIABLES.items():
        table.add_row(name, var.unit, var.entities, var.meaning)
    out.print(table)


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

    serve(host, port, say=out.print, warn=_warn)


def main() -> None:
    """Entry point of the ``angang`` script."""
    try:
        app()
    except KeyboardInterrupt:
        err.print(
            "interrupted; nothing partial was left looking complete. Batches already "
            "finished are kept: rerun with --resume to continue."
        )
        sys.exit(130)


if __name__ == "__main__":
    main()

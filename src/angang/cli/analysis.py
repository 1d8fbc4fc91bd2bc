"""Commands that ask the model a question across many runs: calibrate, compare, attribute,
sensitivity."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from angang.cli.app import app
from angang.errors import AngangError
from angang.terminal import KEYS, Table, console_at, err, out, progress, user_errors


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

    with progress(quiet=search_iterations == 0) as bar:
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

    with progress(False, counted=False) as bar:
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
    console_at(140).print(table)
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
    with progress(quiet=as_json) as bar:
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

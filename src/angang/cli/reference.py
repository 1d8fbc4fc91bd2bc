"""Commands that look things up: the historical dataset, the scenarios, their timelines and
variables, and checks of a scenario or dataset file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.padding import Padding
from rich.text import Text

from angang.cli.app import app
from angang.errors import AngangError
from angang.terminal import KEYS, WIDE, Table, out, report_cascade, user_errors


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
    report_cascade(loaded.removed_with)


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

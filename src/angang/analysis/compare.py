"""Compare two scenarios with common random numbers.

Both ensembles run with the same root seed, so run i of A and run i of B draw the same random
numbers wherever their histories agree; the difference B - A, run by run, is then the effect
of what the scenarios change, not noise. Each outcome is reported as the mean difference
with a 5-95% interval over runs.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from angang.analysis.outcomes import Outcome, parse, summarize
from angang.analysis.summary import quantiles
from angang.engine.checkpoint import latest_branch_year
from angang.runner import run, run_branched
from angang.runner.store import write_tables
from angang.scenario.loader import load

DEFAULT_OUTCOMES = (
    "steel_output:china@1958-1960",
    "steel_output:northeast@1975",
    "tech_provenance:china:ussr@1961-1965",
    "director_power:angang@1957-1960",
    "investment_share:southwest@1965-1975",
    "protest:china@1990-1999",
)


@dataclass(frozen=True)
class Comparison:
    """Per-run outcomes of two scenarios and their differences."""

    a: str
    b: str
    runs: int
    seed: int
    per_run: pd.DataFrame  #: run, outcome, a, b, difference
    summary: pd.DataFrame  #: per outcome: a, b and difference (mean, median, 5-95%)
    trajectories: pd.DataFrame  #: scenario, variable, entity, year, median, low, high


def compare(
    a: str,
    b: str,
    outcomes: list[str] | None = None,
    runs: int = 16,
    seed: int = 1,
    scale: float | None = None,
    batch_size: int = 32,
    progress: Callable[[int, int], None] | None = None,
) -> Comparison:
    """Run two ensembles with the same seeds and compare outcomes. B starts from a checkpoint
    of A at the latest year they share, when there is one (same numbers, less work).
    ``progress(done, total)`` counts the run-years of both ensembles."""
    specs = [parse(o) for o in (outcomes or DEFAULT_OUTCOMES)]
    options: dict[str, Any] = {"runs": runs, "seed": seed, "scale": scale, "batch_size": batch_size}
    first = load(a).scenario
    year = latest_branch_year(first, load(b).scenario, scale)
    with tempfile.TemporaryDirectory(prefix="angang-compare-") as tmp:
        useful = year is not None and year > first.meta.start_year + 1
        checkpoint = Path(tmp) / "a" if useful else None
        extra: dict[str, Any] = (
            {"checkpoint_at": year, "out": checkpoint} if checkpoint is not None else {}
        )
        first_half, second_half = _halves(progress)
        series = {a: run(a, progress=first_half, **options, **extra).table}
        series[b] = run_branched(b, checkpoint, progress=second_half, **options).table
    rows, summary, traj = [], [], []
    for o in specs:
        va, vb = o.per_run(series[a]), o.per_run(series[b])
        diff = vb - va
        rows.append(
            pd.DataFrame(
                {
                    "run": va.index,
                    "outcome": o.label,
                    "a": va.to_numpy(),
                    "b": vb.reindex(va.index).to_numpy(),
                    "difference": diff.reindex(va.index).to_numpy(),
                }
            )
        )
        summary.append(
            {
                "outcome": o.label,
                **{f"a_{k}": v for k, v in summarize(va.to_numpy()).items()},
                **{f"b_{k}": v for k, v in summarize(vb.to_numpy()).items()},
                **{f"difference_{k}": v for k, v in summarize(diff.to_numpy()).items()},
            }
        )
        traj.extend(_trajectories(o, series, (a, b)))
    return Comparison(
        a,
        b,
        runs,
        seed,
        pd.concat(rows, ignore_index=True),
        pd.DataFrame(summary),
        pd.DataFrame(traj),
    )


def _halves(
    progress: Callable[[int, int], None] | None,
) -> tuple[Callable[[int, int], None] | None, Callable[[int, int], None] | None]:
    """Two progress callbacks, for A and B, that report to one bar as two equal halves (B
    may branch from A's checkpoint and count fewer run-years; its half still fills the bar)."""
    if progress is None:
        return None, None
    scale = 1000

    def first(done: int, total: int) -> None:
        progress(scale * done // max(total, 1), 2 * scale)

    def second(done: int, total: int) -> None:
        progress(scale + scale * done // max(total, 1), 2 * scale)

    return first, second


def _trajectories(
    o: Outcome, series: dict[str, pd.DataFrame], names: tuple[str, str]
) -> list[dict[str, Any]]:
    out = []
    for name in names:
        table = quantiles(series[name], o.variable, o.entity)
        for year, median, low, high in zip(
            table.index, table["median"], table["low"], table["high"], strict=True
        ):
            out.append(
                {
                    "scenario": name,
                    "outcome": o.label,
                    "year": int(year),
                    "median": float(median),
                    "low": float(low),
                    "high": float(high),
                }
            )
    return out


def write(result: Comparison, out: Path) -> Path:
    """Write comparison.json, comparison.parquet, comparison.duckdb and comparison.png."""
    out.mkdir(parents=True, exist_ok=True)
    result.per_run.to_parquet(out / "comparison.parquet", index=False)
    meta = {
        "a": result.a,
        "b": result.b,
        "runs": result.runs,
        "seed": result.seed,
        "common_random_numbers": "run i of both scenarios uses SeedSequence(seed, (i,))",
    }
    (out / "comparison.json").write_text(
        json.dumps({**meta, "outcomes": result.summary.to_dict(orient="records")}, indent=2) + "\n"
    )
    write_tables(
        out / "comparison.duckdb",
        {"per_run": result.per_run, "summary": result.summary, "trajectories": result.trajectories},
    )
    figure(result, out / "comparison.png")
    return out


def figure(result: Comparison, path: Path) -> None:
    """One panel per outcome: median and 5-95% band of each scenario over time. Drawn
    without pyplot, so that calling it from a notebook leaves the user's backend alone."""
    from matplotlib.figure import Figure

    outcomes = list(result.summary["outcome"])
    cols = 2
    rows = int(np.ceil(len(outcomes) / cols))
    fig = Figure(figsize=(11, 3.2 * rows))
    axes = fig.subplots(rows, cols, squeeze=False)
    colours = {result.a: "#0072B2", result.b: "#D55E00"}  # Okabe-Ito, colour-blind safe
    for ax, label in zip(axes.flat, outcomes, strict=False):
        t = result.trajectories[result.trajectories["outcome"] == label]
        for name in (result.a, result.b):
            s = t[t["scenario"] == name]
            ax.plot(s["year"], s["median"], color=colours[name], label=name)
            ax.fill_between(s["year"], s["low"], s["high"], color=colours[name], alpha=0.2)
        spec = parse(label)
        if spec.first is not None:  # the years the outcome averages over
            ax.axvspan(spec.first - 0.5, (spec.last or spec.first) + 0.5, color="0.85")
        positive = t["median"][t["median"] > 0]
        if len(positive) and positive.max() / max(positive.min(), 1e-12) > 100:
            ax.set_yscale("log")
        ax.set_title(label, fontsize=9)
        ax.set_xlabel("year")
    for ax in list(axes.flat)[len(outcomes) :]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)

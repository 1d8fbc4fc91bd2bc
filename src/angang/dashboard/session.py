"""What the dashboard computes, apart from its widgets: a small ensemble of the user's scenario,
the same ensemble of the unedited base (same seeds, so every difference is the edit's), the
report's figures with the base behind, a table of headline numbers and the CSV export.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from angang.analysis.summary import quantiles
from angang.dashboard.edits import Edits
from angang.errors import AngangError
from angang.report.panels import Panel
from angang.runner.ensemble import run_ensemble
from angang.runner.options import RunOptions
from angang.scenario.loader import Loaded

MAX_RUNS = 64
MAX_SCALE = 2.0  #: the dashboard keeps to scales that answer in seconds (the runner allows 100)
#: (variable, entity, year, label) shown as numbers above the figures
HEADLINES = (
    ("steel_output", "china", 1936, "China's steel, 1936 (kt)"),
    ("steel_output", "china", 1959, "China's steel, 1959 (kt)"),
    ("steel_output", "china", 1962, "China's steel, 1962 (kt)"),
    ("steel_output", "china", 1978, "China's steel, 1978 (kt)"),
    ("steel_output", "china", 2000, "China's steel, 2000 (kt)"),
    ("steel_output", "angang", 1957, "Angang's steel, 1957 (kt)"),
    ("soe_output_share", "northeast", 1975, "Northeast share of SOE output, 1975"),
    ("heavy_share", "china", 1970, "Heavy-industry share, 1970"),
)


@dataclass(frozen=True)
class Settings:
    runs: int = 8
    seed: int = 1
    scale: float = 0.3

    def check(self) -> None:
        if not 1 <= self.runs <= MAX_RUNS:
            raise AngangError(
                f"Runs: expected a whole number from 1 to {MAX_RUNS} (the "
                f"dashboard runs small ensembles; use `angang run` for more), got "
                f"{self.runs}."
            )
        if self.seed < 0:
            raise AngangError(f"Seed: expected a non-negative whole number, got {self.seed}.")
        if not 0 < self.scale <= MAX_SCALE:
            raise AngangError(
                f"Scale: expected above 0 and at most {MAX_SCALE:g} enterprise agents per cell "
                f"(the dashboard runs small ensembles; use `angang run --scale` for more), got "
                f"{self.scale}."
            )


@dataclass(frozen=True)
class Outcome:
    name: str
    base_name: str
    series: pd.DataFrame
    base: pd.DataFrame
    headlines: pd.DataFrame
    figures: list[Panel]

    def csv(self) -> str:
        """Both ensembles, tidy, with a ``scenario`` column: what spreadsheets and pandas read."""
        both = pd.concat(
            [
                self.series.assign(scenario=self.name),
                self.base.assign(scenario=f"{self.base_name} (unedited)"),
            ]
        )
        return both[["scenario", "run", "year", "variable", "entity", "value"]].to_csv(index=False)


@lru_cache(maxsize=8)
def _base_series(
    base: str, text: str | None, content_hash: str, settings: Settings
) -> pd.DataFrame:
    """The unedited base, cached: moving a slider does not rerun it."""
    del content_hash  # part of the cache key only (a built-in may change between versions)
    return _ensemble(Edits(base=base, text=text).load(), settings, None)


def _ensemble(
    loaded: Loaded, s: Settings, progress: Callable[[int, int], None] | None
) -> pd.DataFrame:
    options = RunOptions(runs=s.runs, seed=s.seed, scale=s.scale)
    return run_ensemble(loaded, options, progress=progress).table


def headlines(series: pd.DataFrame, base: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for variable, entity, year, label in HEADLINES:
        a = quantiles(series, variable, entity)["median"].get(year, float("nan"))
        b = quantiles(base, variable, entity)["median"].get(year, float("nan"))
        rows.append(
            {
                "quantity": label,
                "edited": a,
                "base": b,
                "change %": 100 * (a - b) / b if b else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def simulate(
    edits: Edits, settings: Settings, progress: Callable[[float], None] | None = None
) -> Outcome:
    """Run the user's scenario and its unedited base; ``progress`` gets 0-100."""
    from angang.report.panels import panels

    settings.check()
    loaded = edits.load()
    unedited = Edits(base=edits.base, text=edits.text).load()
    report: Callable[[int, int], None] | None = None
    if progress is not None:

        def report(done: int, total: int) -> None:
            progress(95.0 * done / total)

    series = _ensemble(loaded, settings, report)
    base = _base_series(edits.base, edits.text, unedited.content_hash, settings)
    figs = panels(
        series, base, (loaded.scenario.meta.name, f"{edits.base} (unedited)"), loaded.scenario
    )
    if progress is not None:
        progress(100.0)
    return Outcome(
        loaded.scenario.meta.name, edits.base, series, base, headlines(series, base), figs
    )


def strip(edits: Edits) -> str:
    """The timeline as a strip: one mark per event at its (possibly moved) year, one row per
    kind; events switched off (or removed with one) are hollow grey."""
    from matplotlib.figure import Figure

    from angang.report.figures import PALETTE, svg

    events = Edits(base=edits.base, text=edits.text).load().scenario.sorted_events()
    kept = {e.id for e in edits.load().scenario.events}
    kinds = sorted({str(getattr(e, "kind", "")) for e in events})
    fig = Figure(figsize=(10, 0.28 * len(kinds) + 0.8))
    ax = fig.add_subplot()
    for e in events:
        year = edits.moves.get(e.id, (e.year, ""))[0]
        row = kinds.index(str(getattr(e, "kind", "")))
        if e.id in kept:
            ax.scatter(
                [year], [row], s=40, marker="|", linewidths=2, color=PALETTE[row % len(PALETTE)]
            )
        else:
            ax.scatter([year], [row], s=24, marker="o", facecolors="none", edgecolors="0.5")
    ax.set_yticks(range(len(kinds)), kinds)
    ax.set_xlim(1914, 2001)
    ax.set_ylim(-0.7, len(kinds) - 0.3)
    ax.set_title("The timeline by kind of event (hollow: switched off)", loc="left")
    return svg(fig)

"""The scorecard: every calibration fact of the historical dataset checked against an ensemble.

For each fact a statistic is computed run by run (a value in a year, a decade mean, the share
of years a condition holds, the slope of a trend), and the ensemble's median and 5-95% range
are compared with the target within a stated tolerance. Each kind of fact has one rule here,
with the tolerance and the reason for it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from angang.analysis.tables import Tables, wide
from angang.data import load_history
from angang.errors import AngangError

SCORECARD = "scorecard.json"
LOW, HIGH = 0.05, 0.95
MOST_YEARS = 0.5  #: "most years" means more than half of them
RANK_YEARS = 0.8  #: a ranking "holds" over a period if it holds in 80% of its years
#: calibration reads an error beyond ten tolerances as ten (a missing statistic counts as
#: ten): a fact missed by far still pulls — at three, national steel four times too high
#: weighed no more than twice too high, and the search let the 1990s explode — but cannot
#: swamp the others
DISTANCE_CAP = 10.0


@dataclass(frozen=True)
class Check:
    """One fact checked against the ensemble."""

    id: str
    description: str
    source: str
    target: str
    tolerance: str
    tolerance_reason: str
    median: float
    low: float
    high: float
    passed: bool


def fact_value(check: Check) -> str:
    """The model's median and 5-95% band in the fact's own terms: a rank or 'most years'
    fact's statistic is the share of years it holds, a growth fact's a yearly rate."""
    if check.target.startswith("rank") or check.target.endswith("in most years"):
        held = "that rank" if check.target.startswith("rank") else "so"
        return (
            f"{held} in {check.median:.0%} of the years "
            f"({check.low:.0%}–{check.high:.0%} over the runs)"
        )
    if "% a year" in check.target:
        return f"{check.median:.1%} a year ({check.low:.1%}–{check.high:.1%} over the runs)"
    if abs(check.median) >= 1000:
        return f"{check.median:,.0f} ({check.low:,.0f}–{check.high:,.0f} over the runs)"
    return f"{check.median:.3g} ({check.low:.3g}–{check.high:.3g} over the runs)"


def _years(row: pd.Series) -> list[int]:
    last = row["year_end"] if not pd.isna(row["year_end"]) else row["year"]
    return list(range(int(row["year"]), int(last) + 1))


def _band(stat: np.ndarray) -> tuple[float, float, float]:
    clean = stat[np.isfinite(stat)]
    if clean.size == 0:
        return float("nan"), float("nan"), float("nan")
    return (
        float(np.median(clean)),
        float(np.quantile(clean, LOW)),
        float(np.quantile(clean, HIGH)),
    )


# --- rules: each turns a fact into a per-run statistic and how to judge it ------------------


@dataclass(frozen=True)
class Verdict:
    """A fact's per-run statistic, how it is judged, and its distance for calibration."""

    stat: np.ndarray  #: float (runs,)
    target: str
    tolerance: str
    reason: str
    passes: Callable[[float], bool]
    #: per-run error in units of the tolerance: 0 inside it, 1 at its edge
    distance: Callable[[np.ndarray], np.ndarray]


Rule = Callable[[pd.Series, Tables], Verdict]


def _level(tolerance: float, reason: str, relative: bool = False) -> Rule:
    """Mean over the fact's years within ± tolerance (absolute, or relative to the target)."""

    def rule(row, series):
        table = _table_for(row, series)
        stat = table.reindex(columns=_years(row)).mean(axis=1).to_numpy()
        target = row["value"]
        if not relative:
            return _within(stat, target, tolerance, reason)
        width = tolerance * target

        def distance(x: np.ndarray) -> np.ndarray:
            ratio = np.maximum(x, 1e-9) / target
            return np.abs(np.log(ratio)) / np.log(1.0 + tolerance)

        unit = str(row["unit"]).split(";")[0].strip()  # kt, persons: levels with a unit
        return Verdict(
            stat,
            f"{target:,.0f} {unit}",
            f"±{tolerance:.0%} of target",
            reason,
            lambda m: abs(m - target) <= width,
            distance,
        )

    return rule


def _within(
    stat: np.ndarray,
    target: float,
    tolerance: float,
    reason: str,
    shown: str | None = None,
    band: str | None = None,
) -> Verdict:
    """A statistic within ± an absolute tolerance of the target; the error in tolerances."""
    return Verdict(
        stat,
        shown or f"{target:g}",
        band or f"±{tolerance:g}",
        reason,
        lambda m: abs(m - target) <= tolerance,
        lambda x: np.abs(x - target) / tolerance,
    )


def _at_least(reason: str) -> Rule:
    def rule(row, series):
        stat = _table_for(row, series).reindex(columns=_years(row)).mean(axis=1).to_numpy()
        target = row["value"]
        return Verdict(
            stat,
            f">= {target:g}",
            "none (a bound)",
            reason,
            lambda m: m >= target,
            lambda x: np.maximum(0.0, target - x) / 0.05,
        )

    return rule


def _most_years(reason: str) -> Rule:
    def rule(row, series):
        table = _table_for(row, series).reindex(columns=_years(row))
        stat = (table > row["value"]).mean(axis=1).to_numpy()
        return Verdict(
            stat,
            f"> {row['value']:g} in most years",
            f"share of years > {MOST_YEARS:g}",
            reason,
            lambda m: m > MOST_YEARS,
            lambda x: np.maximum(0.0, MOST_YEARS + 0.05 - x) / 0.2,
        )

    return rule


def _rank(variable: str, group: str, reason: str) -> Rule:
    def rule(row, series):
        ranks = series.ranks(variable, _group(group), row["entity"])
        years = _years(row)
        stat = (ranks.reindex(columns=years) == row["value"]).mean(axis=1).to_numpy()
        return Verdict(
            stat,
            f"rank {int(row['value'])} among {group}",
            f"share of years >= {RANK_YEARS:g}",
            reason,
            lambda m: m >= RANK_YEARS,
            lambda x: np.maximum(0.0, RANK_YEARS - x) / 0.2,
        )

    return rule


def _falling(reason: str) -> Rule:
    def rule(row, series):
        region = wide(series, "industrial_output", row["entity"])
        china = wide(series, "industrial_output", "china")
        years = _years(row)
        share = (region / china).reindex(columns=years).to_numpy()
        x = np.asarray(years, dtype=float) - np.mean(years)
        # row by row (a matrix product may order its sums by the number of runs)
        slope = ((share - share.mean(axis=1, keepdims=True)) * x).sum(axis=1) / (x @ x)
        return Verdict(
            slope,
            "falling (negative slope)",
            "sign only",
            reason,
            lambda m: m < 0,
            lambda x: np.maximum(0.0, x) / 0.002,
        )

    return rule


def _growth(tolerance: float, reason: str, part: str | None = None) -> Rule:
    """Compound yearly growth from the fact's first to its last year, within ± tolerance (a
    rate). ``part`` "heavy" or "light" takes that part of industrial output."""

    def rule(row, series):
        table = _output_table(row, series, part)
        first, last = int(row["year"]), int(row["year_end"])
        ratio = (table[last] / table[first]).to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            stat = ratio ** (1.0 / (last - first)) - 1.0
        target = row["value"]
        return _within(
            stat, target, tolerance, reason, f"{target:.1%} a year", f"±{tolerance:.0%} a year"
        )

    return rule


def _at_most(reason: str, later_years: bool = False) -> Rule:
    """The ratio of output in the last year (or the highest of the later years) to the first
    year's is at most (strictly below, for a bound of 1) the target."""

    def rule(row, series):
        table = _output_table(row, series, None)
        first, last = int(row["year"]), int(row["year_end"])
        later = range(first + 1, last + 1) if later_years else [last]
        stat = (table[list(later)].max(axis=1) / table[first]).to_numpy()
        target = row["value"]
        ok = (lambda m: m < target) if target == 1 else (lambda m: m <= target)
        return Verdict(
            stat,
            f"ratio {'<' if target == 1 else '<='} {target:g}",
            "none (a bound)",
            reason,
            ok,
            lambda x: np.maximum(0.0, x - target + 0.02) / 0.02,
        )

    return rule


def _output_table(row: pd.Series, series: pd.DataFrame, part: str | None) -> pd.DataFrame:
    """Gross industrial output (run x year), or its heavy or light part."""
    total = wide(series, "industrial_output", row["entity"])
    if part is None:
        return total
    heavy = wide(series, "heavy_share", row["entity"])
    return total * (heavy if part == "heavy" else 1.0 - heavy)


def _ratio_of(numerator: str, reason: str, tolerance: float) -> Rule:
    """One variable over another for the same entity in the fact's year, within ± tolerance."""

    def rule(row, series):
        num = wide(series, numerator, row["entity"])
        den = wide(series, "steel_output", row["entity"])
        stat = (num / den).reindex(columns=_years(row)).mean(axis=1).to_numpy()
        return _within(stat, row["value"], tolerance, reason)

    return rule


def joint(series: pd.DataFrame, variable: str, entity: str) -> pd.DataFrame:
    """Like :func:`wide`, for an entity that may join regions with '+' ("southwest+northwest":
    the western belt of the statistics), summed."""
    parts = [wide(series, variable, name) for name in entity.split("+")]
    return sum(parts[1:], parts[0])


def _share_of_output(tolerance: float, reason: str) -> Rule:
    """A region's (or joined regions') share of national industrial output, mean over the
    fact's years."""

    def rule(row, series):
        share = joint(series, "industrial_output", row["entity"]) / wide(
            series, "industrial_output", "china"
        )
        stat = share.reindex(columns=_years(row)).mean(axis=1).to_numpy()
        return _within(stat, row["value"], tolerance, reason)

    return rule


def _interior_at_most(reason: str) -> Rule:
    """The Southwest's and Northwest's joint share of national steel at most the target."""

    def rule(row, series):
        share = joint(series, "steel_output", "southwest+northwest") / wide(
            series, "steel_output", "china"
        )
        stat = share.reindex(columns=_years(row)).mean(axis=1).to_numpy()
        target = row["value"]
        return Verdict(
            stat,
            f"<= {target:g}",
            "none (a bound)",
            reason,
            lambda m: m <= target,
            lambda x: np.maximum(0.0, x - target) / 0.05,
        )

    return rule


def _group(name: str) -> list[str]:
    from angang.ids import POWERS, REGIONS

    return list(REGIONS) if name == "regions" else list(POWERS)


def _table_for(row: pd.Series, series: pd.DataFrame) -> pd.DataFrame:
    if row["quantity"] == "steel_share":
        return wide(series, "steel_output", row["entity"]) / wide(series, "steel_output", "china")
    return joint(series, row["quantity"], row["entity"])


SHARE_REASON = (
    "the model has six regions and seven coarse sectors; a share within this "
    "band reads as the same historical picture"
)
RULES: dict[str, Rule] = {
    "soe_share": _level(
        0.05,
        "five points: the statistics' own definitions (joint "
        "state-private firms) move the share by a few points",
    ),
    "heavy_share": _level(
        0.08,
        "the light/heavy split moves with prices and statistical "
        "coverage by several points; eight reads as the same structure",
    ),
    "steel_share": _level(0.10, "the source says 'about half'"),
    "sector_share": _level(0.08, SHARE_REASON),
    "soe_output_share": _level(0.07, "'about 30 percent', read from a figure"),
    "heavy_output_share": _level(0.05, "the source gives a range of 30-40 percent"),
    "soe_output_rank": _rank("soe_output_share", "regions", "the source states a ranking"),
    "tech_transfer_share": _level(0.10, "'about a third', and measured on imports, not technology"),
    "tech_transfer_rank": _rank("tech_transfer_share", "powers", "the source states a ranking"),
    "industrial_output_share": _share_of_output(0.08, SHARE_REASON),
    "interior_steel_share": _interior_at_most(
        "the source gives the coastal share; the interior regions are part of the rest"
    ),
    "industrial_output_growth": _growth(
        0.10, "official growth rates of the period are themselves uncertain by several points"
    ),
    "heavy_output_growth": _growth(0.08, "as for growth rates generally", "heavy"),
    "light_output_growth": _growth(0.06, "as for growth rates generally", "light"),
    "industrial_output_fall": _at_most("the source gives a direction and a size in words"),
    "industrial_output_dip": _at_most("the source says output fell and stayed below", True),
    "reported_over_true": _ratio_of(
        "steel_output_reported", "the claimed and the usable figures are themselves rounded", 0.15
    ),
    "foreign_experts": _level(
        0.5, "head counts depend on who is counted (civilian, military, short stays)", relative=True
    ),
    "industrial_output_share_trend": _falling("the source states a direction"),
    "steel_output": _level(
        0.30,
        "official output is precise, but one enterprise agent stands "
        "for a group of works and sectors are coarse; within 30% a series "
        "reads as right on a log scale",
        relative=True,
    ),
}
#: facts whose wording asks for another rule than their quantity's
BY_ID = {
    "soe-share-1956": _at_least("the source says 'over 80 percent'"),
    "east-steel-share-1976": _at_least("the source gives one city of the region"),
    "northeast-investment-share-1953-1957": _at_least(
        "the source gives one province of the region"
    ),
    "heavy-share-1960-1976": _most_years("the source says 'most of the time'"),
}


def verdicts(
    series: pd.DataFrame | Tables, history: pd.DataFrame | None = None
) -> list[tuple[pd.Series, Verdict]]:
    """Each calibration fact of the dataset with its verdict on ``series`` (a long series,
    or its tables: :meth:`Tables.of_batch` for a batch's record arrays)."""
    history = load_history() if history is None else history
    tables = series if isinstance(series, Tables) else Tables(series)
    out = []
    for _, row in history[history["use"] == "calibration"].iterrows():
        rule = BY_ID.get(row["id"]) or RULES.get(row["quantity"])
        if rule is None:
            raise AngangError(
                f"history.csv: fact {row['id']!r} has quantity "
                f"{row['quantity']!r}, for which the scorecard has no rule; "
                f"expected one of {sorted(RULES)}."
            )
        out.append((row, rule(row, tables)))
    return out


def distances(series: pd.DataFrame | Tables, history: pd.DataFrame | None = None) -> np.ndarray:
    """float (runs, facts): each run's error on each fact in units of its tolerance, at most
    DISTANCE_CAP."""
    columns = []
    for _, v in verdicts(series, history):
        d = v.distance(np.asarray(v.stat, dtype=float))
        columns.append(np.where(np.isfinite(d), np.minimum(d, DISTANCE_CAP), DISTANCE_CAP))
    return np.stack(columns, axis=1)


def score(series: pd.DataFrame, history: pd.DataFrame | None = None) -> list[Check]:
    """Check every calibration fact of the dataset against the ensemble's series."""
    return _checks(verdicts(series, history))


def score_batches(
    batches: Iterable[pd.DataFrame], history: pd.DataFrame | None = None
) -> list[Check]:
    """The same checks from an ensemble read one batch of runs at a time: every rule gives
    a per-run statistic, so the batches' statistics are joined before they are judged."""
    history = load_history() if history is None else history
    return join([verdicts(frame, history) for frame in batches])


def join(parts: list[list[tuple[pd.Series, Verdict]]]) -> list[Check]:
    """The checks of an ensemble from the verdicts of its batches (in run order): each
    fact's per-run statistics joined, then judged."""
    if not parts:
        raise AngangError("the ensemble has no batches to score.")
    joined = [
        (
            row,
            replace(
                v,
                stat=np.concatenate([np.asarray(p[i][1].stat, dtype=float) for p in parts]),
            ),
        )
        for i, (row, v) in enumerate(parts[0])
    ]
    return _checks(joined)


def _checks(found: list[tuple[pd.Series, Verdict]]) -> list[Check]:
    checks = []
    for row, v in found:
        stat, target, tolerance, reason, ok = v.stat, v.target, v.tolerance, v.reason, v.passes
        median, low, high = _band(np.asarray(stat, dtype=float))
        page = f", {row['page']}" if row["page"] else ""
        checks.append(
            Check(
                id=row["id"],
                description=row["note"] or row["quantity"],
                source=f"{row['source']}{page}",
                target=target,
                tolerance=tolerance,
                tolerance_reason=reason,
                median=median,
                low=low,
                high=high,
                passed=bool(np.isfinite(median) and ok(median)),
            )
        )
    return checks


def write(checks: list[Check], run_dir: Path) -> Path:
    """Write ``scorecard.json`` (a list of check objects) into ``run_dir``."""
    path = Path(run_dir) / SCORECARD
    path.write_text(json.dumps([asdict(c) for c in checks], indent=2) + "\n")
    return path

"""Out-of-sample validation against the annual national steel series.

Calibration may use only the benchmark years (rows with ``use = calibration``); the annual
series between them (``use = validation``) is kept out of it, and this module says how well
the ensemble median follows it: correlation of log levels and of year-on-year log changes on
the validation years, and the turning points historians know — the late-1950s peak and
early-1960s collapse, the late-1960s dip and the post-1978 acceleration.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from angang.analysis.scorecard import wide
from angang.data import load_history

VALIDATION = "validation.json"


@dataclass(frozen=True)
class TurningPoint:
    """A turning point of the record, whether the record and the ensemble median show it."""

    name: str
    test: str
    in_record: bool
    in_model: bool


@dataclass(frozen=True)
class Validation:
    """How the ensemble median compares with the annual series it was not fitted to."""

    years: list[int]
    correlation_levels: float
    correlation_changes: float
    median_abs_log_error: float
    turning_points: list[TurningPoint]
    verdict: str


def _turning_points(s: pd.Series) -> dict[str, tuple[str, bool]]:
    """Named tests on an annual series indexed by year."""
    v = s.loc

    def growth(a: int, b: int) -> float:
        return float(np.log(v[b] / v[a]) / (b - a))

    peak = v[1957:1961].max()
    return {
        "late-1950s peak and early-1960s collapse": (
            "the 1957-1961 peak exceeds 1957 by 50% and 1962 falls 30% below it",
            bool(peak > 1.5 * v[1957] and v[1962] < 0.7 * peak)),
        "late-1960s dip": ("1967 or 1968 is below 1966",
                           bool(min(v[1967], v[1968]) < v[1966])),
        "post-1978 acceleration": ("growth 1978-1990 exceeds growth 1965-1977",
                                   growth(1978, 1990) > growth(1965, 1977)),
    }


def validate(series: pd.DataFrame, history: pd.DataFrame | None = None) -> Validation:
    """Compare the median national steel series with the held-out annual record."""
    history = load_history() if history is None else history
    record = history[(history["quantity"] == "steel_output") & (history["entity"] == "china")]
    record_series = record.set_index("year")["value"].sort_index()
    held_out = sorted(record.loc[record["use"] == "validation", "year"].astype(int))
    model = wide(series, "steel_output", "china").median(axis=0)
    years = [y for y in held_out if y in model.index]
    m, r = np.log(model[years].to_numpy()), np.log(record_series[years].to_numpy())
    level_corr = float(np.corrcoef(m, r)[0, 1])
    changes = [y for y in years if y - 1 in model.index and y - 1 in record_series.index]
    dm = np.log(model[changes].to_numpy() / model[[y - 1 for y in changes]].to_numpy())
    dr = np.log(record_series[changes].to_numpy()
                / record_series[[y - 1 for y in changes]].to_numpy())
    change_corr = float(np.corrcoef(dm, dr)[0, 1])
    error = float(np.median(np.abs(m - r)))
    points = []
    for name, (test, in_record) in _turning_points(record_series).items():
        points.append(TurningPoint(name, test, in_record, _turning_points(model)[name][1]))
    shown = sum(p.in_model for p in points)
    verdict = (f"On {len(years)} held-out years the median follows the record's levels with "
               f"correlation {level_corr:.2f} (log scale) and its year-on-year changes with "
               f"{change_corr:.2f}; the typical gap is a factor of {np.exp(error):.2f}. It "
               f"shows {shown} of {len(points)} turning points.")
    return Validation(years, level_corr, change_corr, error, points, verdict)


def write(result: Validation, run_dir: Path) -> Path:
    """Write ``validation.json`` into ``run_dir``."""
    path = Path(run_dir) / VALIDATION
    path.write_text(json.dumps(asdict(result), indent=2) + "\n")
    return path

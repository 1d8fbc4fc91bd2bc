"""Out-of-sample validation against the annual national steel series, and the geography of steel.

Calibration may use only the benchmark years (rows with ``use = calibration``); the annual
series between them (``use = validation``) is kept out of it, and this module says how well
the ensemble follows it: the correlation of log levels and of year-on-year log changes on the
held-out years, and named checks of the turning points historians know — the civil-war
collapse of 1949, the Great Leap's peak and the collapse after it, the Cultural Revolution's
dip of 1967-68 and the growth of the reform era. It also checks where the steel is made: the
Northeast's and Angang's dominance in the first half of the 1950s, and that the interior
never made the bulk of it. Each check has a name, the model's value (from ensemble medians)
and the bound it must meet.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from angang.analysis.tables import wide
from angang.data import load_history

VALIDATION = "validation.json"
#: the steel series the validation reads (of the variable ``steel_output``)
STEEL_ENTITIES = ("china", "northeast", "southwest", "northwest", "angang")


@dataclass(frozen=True)
class Check:
    """One named check: what it tests, the model's value, the bound, and whether it holds."""

    name: str
    test: str
    value: float
    record: float | None  #: the record's own value of the statistic, where it has one
    passed: bool


@dataclass(frozen=True)
class Validation:
    """How the ensemble median compares with the annual series it was not fitted to."""

    years: list[int]
    correlation_levels: float
    correlation_changes: float
    median_abs_log_error: float
    checks: list[Check]
    verdict: str


def _cagr(s: pd.Series, a: int, b: int) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        return float((s[b] / s[a]) ** (1.0 / (b - a)) - 1.0)


def _turning_points(model: pd.Series, record: pd.Series) -> list[Check]:
    """Named checks on the median national steel series (kt, indexed by year)."""
    m, r = model, record
    window = range(1957, 1962)
    peak_year = max(window, key=lambda y: float(m[y]))
    record_peak = max(window, key=lambda y: float(r[y]))
    peak = float(m[peak_year])
    growth, growth_record = _cagr(m, 1978, 2000), _cagr(r, 1978, 2000)
    gap = 100.0 * (growth - growth_record)
    return [
        Check(
            "civil-war-collapse-1949",
            "national steel in 1949 between 100 and 250 kt",
            float(m[1949]),
            float(r[1949]),
            bool(100.0 <= m[1949] <= 250.0),
        ),
        Check(
            "leap-peak-year",
            "the 1957-61 peak falls in 1959 or 1960",
            float(peak_year),
            float(record_peak),
            peak_year in (1959, 1960),
        ),
        Check(
            "leap-peak-over-1957",
            "the peak is at least 2.5 times 1957",
            peak / float(m[1957]),
            float(r[record_peak] / r[1957]),
            bool(peak >= 2.5 * m[1957]),
        ),
        Check(
            "leap-collapse-1962",
            "1962 is at most 0.6 of the peak",
            float(m[1962]) / peak,
            float(r[1962] / r[record_peak]),
            bool(m[1962] <= 0.6 * peak),
        ),
        Check(
            "cultural-revolution-dip-1967",
            "1967 below 1966",
            float(m[1967] / m[1966]),
            float(r[1967] / r[1966]),
            bool(m[1967] < m[1966]),
        ),
        Check(
            "cultural-revolution-dip-1968",
            "1968 below 1966",
            float(m[1968] / m[1966]),
            float(r[1968] / r[1966]),
            bool(m[1968] < m[1966]),
        ),
        Check(
            "reform-growth-1978-2000",
            "compound growth 1978-2000 within 1.5 points of the record's (value: model minus "
            "record, points)",
            gap,
            100.0 * growth_record,
            bool(abs(gap) <= 1.5),
        ),
    ]


def _geography(series: pd.DataFrame) -> list[Check]:
    """Where the steel is made, from the median of each run's shares."""
    china = wide(series, "steel_output", "china")

    def share(*entities: str) -> pd.Series:
        part = sum(wide(series, "steel_output", e) for e in entities)
        with np.errstate(divide="ignore", invalid="ignore"):
            return (part / china).median(axis=0)

    ne, interior, angang = share("northeast"), share("southwest", "northwest"), share("angang")
    first = int(china.columns.min())
    return [
        Check(
            "northeast-dominance-1949-1955",
            "the Northeast makes at least 0.6 of national "
            "steel in every year 1949-1955 (value: the lowest year)",
            float(ne.loc[1949:1955].min()),
            None,
            bool(ne.loc[1949:1955].min() >= 0.6),
        ),
        Check(
            "interior-never-dominant",
            f"the Southwest and Northwest together never make "
            f"more than 0.25 of it, {first}-{int(china.columns.max())} (value: the highest "
            "year)",
            float(interior.max()),
            None,
            bool(interior.max() <= 0.25),
        ),
        Check(
            "angang-dominance-1949-1956",
            "Angang makes at least 0.45 of it in every year 1949-1956 (value: the lowest year)",
            float(angang.loc[1949:1956].min()),
            None,
            bool(angang.loc[1949:1956].min() >= 0.45),
        ),
    ]


def validate(series: pd.DataFrame, history: pd.DataFrame | None = None) -> Validation:
    """Compare the median national steel series with the held-out annual record."""
    history = load_history() if history is None else history
    record = history[(history["quantity"] == "steel_output") & (history["entity"] == "china")]
    record_series = record.set_index("year")["value"].sort_index()
    held_out = sorted(record.loc[record["use"] == "validation", "year"].astype(int))
    model = wide(series, "steel_output", "china").median(axis=0)
    years = [y for y in held_out if y in model.index]
    with np.errstate(divide="ignore", invalid="ignore"):
        m, r = np.log(model[years].to_numpy()), np.log(record_series[years].to_numpy())
        level_corr = float(np.corrcoef(m, r)[0, 1])
        changes = [y for y in years if y - 1 in model.index and y - 1 in record_series.index]
        dm = np.log(model[changes].to_numpy() / model[[y - 1 for y in changes]].to_numpy())
        dr = np.log(
            record_series[changes].to_numpy() / record_series[[y - 1 for y in changes]].to_numpy()
        )
        change_corr = float(np.corrcoef(dm, dr)[0, 1])
        error = float(np.median(np.abs(m - r)))
    checks = [
        Check(
            "log-level-correlation",
            "correlation of log levels on the held-out years at least 0.98",
            level_corr,
            None,
            bool(level_corr >= 0.98),
        ),
        Check(
            "growth-correlation",
            "correlation of year-on-year log changes at least 0.7",
            change_corr,
            None,
            bool(change_corr >= 0.7),
        ),
        *_turning_points(model, record_series),
        *_geography(series),
    ]
    passed = sum(c.passed for c in checks)
    verdict = (
        f"On {len(years)} held-out years the median follows the record's levels with "
        f"correlation {level_corr:.2f} (log scale) and its year-on-year changes with "
        f"{change_corr:.2f}; the typical gap is a factor of {np.exp(error):.2f}. "
        f"{passed} of {len(checks)} named checks hold."
    )
    return Validation(years, level_corr, change_corr, error, checks, verdict)


def write(result: Validation, run_dir: Path) -> Path:
    """Write ``validation.json`` into ``run_dir``."""
    path = Path(run_dir) / VALIDATION
    path.write_text(json.dumps(asdict(result), indent=2) + "\n")
    return path

"""Outcomes: what a comparison, an attribution or a sensitivity analysis is about.

An outcome is written ``VARIABLE[:ENTITY][@YEARS]``, e.g. ``steel_output:china@1958-1960``
(the mean over 1958-60 of national steel) or ``tech_provenance:china:ussr@1965``. The entity
defaults to ``china``; the years to the whole run. Its value is computed run by run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from angang.errors import AngangError
from angang.model.observe import VARIABLES

SPEC = re.compile(
    r"^(?P<var>[a-z_]+)(?::(?P<ent>[a-z0-9:_-]+))?"
    r"(?:@(?P<y0>\d{4})(?:-(?P<y1>\d{4}))?)?$"
)


@dataclass(frozen=True)
class Outcome:
    """A variable of one entity, averaged over a span of years."""

    variable: str
    entity: str
    first: int | None
    last: int | None

    @property
    def label(self) -> str:
        """The outcome written back in the command-line form."""
        years = ""
        if self.first is not None:
            years = f"@{self.first}" + (f"-{self.last}" if self.last != self.first else "")
        return f"{self.variable}:{self.entity}{years}"

    def per_run(self, series: pd.DataFrame) -> pd.Series:
        """The outcome's value in each run of a tidy series (indexed by run)."""
        sub = series[(series["variable"] == self.variable) & (series["entity"] == self.entity)]
        if sub.empty:
            raise AngangError(
                f"outcome {self.label}: the results hold no {self.variable!r} "
                f"for entity {self.entity!r}; see `angang variables`."
            )
        if self.first is not None:
            sub = sub[(sub["year"] >= self.first) & (sub["year"] <= (self.last or self.first))]
            if sub.empty:
                raise AngangError(f"outcome {self.label}: no simulated year in that span.")
        return sub.groupby("run", observed=True)["value"].mean()


def parse(spec: str) -> Outcome:
    """Parse ``VARIABLE[:ENTITY][@YEAR[-YEAR]]``; errors name what was expected."""
    match = SPEC.match(spec.strip())
    if not match:
        raise AngangError(
            f"--outcome {spec!r}: expected VARIABLE[:ENTITY][@YEAR[-YEAR]], "
            "e.g. steel_output:northeast@1975."
        )
    variable = match["var"]
    if variable not in VARIABLES:
        raise AngangError(
            f"--outcome {spec!r}: unknown variable {variable!r}; "
            f"expected one of {', '.join(VARIABLES)}."
        )
    first = int(match["y0"]) if match["y0"] else None
    last = int(match["y1"]) if match["y1"] else first
    if first is not None and last is not None and last < first:
        raise AngangError(f"--outcome {spec!r}: the span ends before it starts.")
    return Outcome(variable, match["ent"] or "china", first, last)


def summarize(values: np.ndarray) -> dict[str, float]:
    """Mean, median and 5-95% of per-run values."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return {
            "mean": float("nan"),
            "median": float("nan"),
            "low": float("nan"),
            "high": float("nan"),
        }
    return {
        "mean": float(v.mean()),
        "median": float(np.median(v)),
        "low": float(np.quantile(v, 0.05)),
        "high": float(np.quantile(v, 0.95)),
    }

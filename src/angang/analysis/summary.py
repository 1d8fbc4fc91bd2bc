"""Short summaries of an ensemble for the terminal."""

from __future__ import annotations

import pandas as pd

BENCHMARK_YEARS = (1936, 1943, 1949, 1952, 1957, 1960, 1965, 1978, 1990, 2000)
ROWS = (
    ("national steel (kt)", "steel_output", "china", "{:,.0f}"),
    ("Angang steel (kt)", "steel_output", "angang", "{:,.0f}"),
    ("Northeast share of steel", "steel_share_northeast", "", "{:.0%}"),
    ("SOE share of output", "soe_share", "china", "{:.0%}"),
    ("heavy-industry share", "heavy_share", "china", "{:.0%}"),
)


def quantiles(series: pd.DataFrame, variable: str, entity: str) -> pd.DataFrame:
    """Median and 5-95% band by year of one variable and entity across runs."""
    sub = series[(series["variable"] == variable) & (series["entity"] == entity)]
    grouped = sub.groupby("year", observed=True)["value"]
    return pd.DataFrame(
        {"median": grouped.median(), "low": grouped.quantile(0.05), "high": grouped.quantile(0.95)}
    )


def _northeast_share(series: pd.DataFrame) -> pd.DataFrame:
    steel = series[series["variable"] == "steel_output"]
    wide = steel.pivot_table(index=["run", "year"], columns="entity", values="value", observed=True)
    share = (wide["northeast"] / wide["china"]).rename("value").reset_index()
    share["variable"], share["entity"] = "steel_share_northeast", ""
    return share


def benchmark_table(series: pd.DataFrame) -> pd.DataFrame:
    """Benchmark years as rows, quantities as columns: 'median (5%-95%)' across runs."""
    extra = _northeast_share(series)
    both = pd.concat([series[["run", "year", "variable", "entity", "value"]], extra])
    both["variable"] = both["variable"].astype(str)
    both["entity"] = both["entity"].astype(str)
    present = set(series["year"].unique())
    table = pd.DataFrame({"year": [y for y in BENCHMARK_YEARS if y in present]})
    for label, variable, entity, fmt in ROWS:
        q = quantiles(both, variable, entity)
        table[label] = [
            f"{fmt.format(q.at[y, 'median'])} ({fmt.format(q.at[y, 'low'])}-"
            f"{fmt.format(q.at[y, 'high'])})"
            if y in q.index
            else ""
            for y in table["year"]
        ]
    return table

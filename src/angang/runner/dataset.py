"""Results as an ``xarray.Dataset``: one data variable per recorded variable, over the
dimensions ``run``, ``year`` and ``entity`` — for labelled selection and reduction
(``ds.steel_output.sel(entity="china").median("run")``), NetCDF and Zarr.

The entities are the union of all variables' (regions, works, ``china:ussr``, ...); a
variable is NaN at an entity it is not recorded for. Each variable carries its unit and
meaning from the registry (:data:`angang.model.observe.VARIABLES`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import xarray as xr

from angang.model.observe import VARIABLES

DIMENSIONS = ["run", "year", "entity"]


def to_dataset(series: pd.DataFrame, attrs: dict[str, Any] | None = None) -> xr.Dataset:
    """The tidy series (run, year, variable, entity, value) as a Dataset; ``attrs`` become
    the dataset's attributes (scenario, seed, runs...)."""
    frame = series[["run", "year", "variable", "entity", "value"]].astype(
        {"variable": str, "entity": str}
    )
    wide = frame.set_index([*DIMENSIONS, "variable"])["value"].unstack("variable")
    dataset = xr.Dataset.from_dataframe(wide)
    for name in dataset.data_vars:
        if name in VARIABLES:
            dataset[name].attrs.update(
                unit=VARIABLES[str(name)].unit, meaning=VARIABLES[str(name)].meaning
            )
    dataset.attrs.update(attrs or {})
    return dataset


def to_series(dataset: xr.Dataset) -> pd.DataFrame:
    """Back to the tidy long table, in the run directory's order (run, year, variable,
    entity); the cells a variable does not record (NaN from the union of entities) are
    left out, so a round trip gives ``series.parquet``'s rows back where they hold values."""
    long = (
        dataset.to_dataframe()
        .reset_index()
        .melt(id_vars=DIMENSIONS, var_name="variable", value_name="value")
    )
    long = long.dropna(subset=["value"])
    return long[["run", "year", "variable", "entity", "value"]].sort_values(
        ["run", "year", "variable", "entity"], ignore_index=True
    )

"""Results as an xarray Dataset round-trip to the run directory's series.parquet."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from angang.runner import run
from angang.runner.dataset import to_series
from angang.runner.store import read_series


def test_the_dataset_round_trips_to_series_parquet(tmp_path: Path) -> None:
    ensemble = run("baseline", runs=3, seed=4, scale=0.05, batch_size=2, out=tmp_path / "r")
    ds = ensemble.to_xarray()
    assert list(ds.dims) == ["run", "year", "entity"]
    assert ds.sizes["run"] == 3 and ds.attrs["scenario"] == "baseline"
    assert ds["steel_output"].attrs["unit"] == "kt"
    stored = read_series(tmp_path / "r").astype({"variable": str, "entity": str})
    held = stored.dropna(subset=["value"]).sort_values(
        ["run", "year", "variable", "entity"], ignore_index=True
    )
    back = to_series(ds)
    pd.testing.assert_frame_equal(
        back.astype({"run": held["run"].dtype, "year": held["year"].dtype}),
        held,
        check_exact=True,
    )
    # what the parquet file leaves empty (a ratio with no target) is empty in the dataset
    empty = stored[stored["value"].isna()].head(20)
    for row in empty.itertuples():
        cell = ds[row.variable].sel(run=row.run, year=row.year, entity=row.entity)
        assert np.isnan(float(cell))
    # a labelled selection a historian would write
    china = ds["steel_output"].sel(entity="china").median("run")
    assert float(china.sel(year=1960)) > float(china.sel(year=1957))

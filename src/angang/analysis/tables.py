"""A long series as (run × year) tables, one variable and entity at a time: indexed once by
variable and entity, each table made once and exactly as pandas' ``pivot_table`` makes it —
or, for a batch just computed, sliced from its record arrays (the same tables)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from angang.errors import AngangError
from angang.model.loop import BatchResult


def wide(series: pd.DataFrame | Tables, variable: str, entity: str) -> pd.DataFrame:
    """A (run × year) table of one variable for one entity."""
    if isinstance(series, Tables):
        return series.wide(variable, entity)
    sub = series[(series["variable"] == variable) & (series["entity"] == entity)]
    return _pivot(sub, variable, entity)


def _pivot(sub: pd.DataFrame, variable: str, entity: str) -> pd.DataFrame:
    """``sub.pivot_table(index="run", columns="year", values="value")``: a run or year with
    no value at all is left out. Placed directly where each (run, year) appears once, as it
    does in a series (pandas' grouping took most of the scorecard's time); averaged by
    pandas otherwise."""
    if sub.empty:
        raise _missing(variable, entity)
    runs, row = np.unique(sub["run"].to_numpy(), return_inverse=True)
    years, column = np.unique(sub["year"].to_numpy(), return_inverse=True)
    cell = row * years.size + column
    if np.unique(cell).size < cell.size:
        return sub.pivot_table(index="run", columns="year", values="value", observed=True)
    grid = np.full((runs.size, years.size), np.nan)
    grid[row, column] = sub["value"].to_numpy()
    return _grid_frame(grid, runs, years)


def _missing(variable: str, entity: str) -> AngangError:
    return AngangError(
        f"the results hold no variable {variable!r} for entity {entity!r}; "
        "were they made by an older angang? Rerun the ensemble."
    )


def _grid_frame(grid: np.ndarray, runs: np.ndarray, years: np.ndarray) -> pd.DataFrame:
    """A (run × year) grid of values as the frame :func:`_pivot` gives."""
    seen = ~np.isnan(grid)
    rows, columns = seen.any(axis=1), seen.any(axis=0)
    # built as the transpose of a (year x run) frame, so that its memory is laid out as
    # pivot_table lays it out, and means over years add in the same order
    return pd.DataFrame(
        np.ascontiguousarray(grid[rows][:, columns].T),
        index=pd.Index(years[columns], name="year"),
        columns=pd.Index(runs[rows], name="run"),
    ).T


def _rows_by_key(series: pd.DataFrame) -> dict[tuple[str, str], np.ndarray]:
    """(variable, entity) -> the positions of its rows, in order (from the categories'
    integer codes where the columns are categorical, as a series read back is)."""
    variable, entity = series["variable"], series["entity"]
    categorical = isinstance(variable.dtype, pd.CategoricalDtype) and isinstance(
        entity.dtype, pd.CategoricalDtype
    )
    if not categorical:
        groups = series.groupby(["variable", "entity"], observed=True, sort=False).indices
        return {(str(k[0]), str(k[1])): np.asarray(v) for k, v in groups.items()}  # type: ignore[index]
    v = variable.cat.codes.to_numpy(np.int64)
    e = entity.cat.codes.to_numpy(np.int64)
    valid = np.flatnonzero((v >= 0) & (e >= 0))
    width = len(entity.cat.categories)
    key = v[valid] * width + e[valid]
    if len(variable.cat.categories) * width <= np.iinfo(np.uint16).max:
        key = key.astype(np.uint16)  # NumPy sorts 16-bit keys by radix sort, in one pass
    by_key = np.argsort(key, kind="stable")
    keys, starts = np.unique(key[by_key], return_index=True)
    names, entities = variable.cat.categories, entity.cat.categories
    return {
        (str(names[k // width]), str(entities[k % width])): rows
        for k, rows in zip(keys, np.split(valid[by_key], starts[1:]), strict=True)
    }


class Tables:
    """A long series indexed once by variable and entity, each (run × year) table made the
    first time a rule asks for it: the rules ask for the same few tables hundreds of
    times, and finding them anew in the whole series each time was most of the scoring."""

    def __init__(self, series: pd.DataFrame | None = None, batch: BatchResult | None = None):
        """Of a long ``series``, or of a ``batch``'s record arrays (:meth:`of_batch`)."""
        self._series = series
        self._batch = batch
        self._rows: dict[tuple[str, str], np.ndarray] | None = None
        #: (variable, entity) -> its array (B, T, E) and the entity's place in it
        self._columns: dict[tuple[str, str], tuple[np.ndarray, int]] = {}
        if batch is not None:
            for name, (entities, arr) in batch.records.items():
                self._columns.update({(name, e): (arr, j) for j, e in enumerate(entities)})
        elif series is not None:
            self._rows = _rows_by_key(series)
        else:
            raise ValueError("Tables: give a series or a batch")
        self._tables: dict[tuple[str, str], pd.DataFrame] = {}

    @classmethod
    def of_batch(cls, batch: BatchResult) -> Tables:
        """A batch's tables straight from its record arrays, each (run × year) table a slice
        of one: no long frame to make and index (the same tables, tested)."""
        return cls(batch=batch)

    @property
    def series(self) -> pd.DataFrame:
        """The long series (made from the batch's arrays the first time it is asked for)."""
        if self._series is None:
            if self._batch is None:  # (__init__ takes one or the other)
                raise ValueError("Tables: give a series or a batch")
            self._series = self._batch.to_frame()
        return self._series

    def _keys(self) -> dict[tuple[str, str], Any]:
        return self._columns if self._batch is not None else self._row_index()

    def _row_index(self) -> dict[tuple[str, str], np.ndarray]:
        if self._rows is None:
            self._rows = _rows_by_key(self.series)
        return self._rows

    def wide(self, variable: str, entity: str) -> pd.DataFrame:
        """:func:`wide` of the series (the same table each time: do not change it)."""
        key = (variable, entity)
        if key not in self._tables:
            if self._batch is not None:
                if key not in self._columns:
                    raise _missing(variable, entity)
                arr, j = self._columns[key]
                runs = np.asarray(self._batch.run_ids, dtype=np.int64)
                years = np.asarray(self._batch.years, dtype=np.int64)
                self._tables[key] = _grid_frame(arr[:, :, j], runs, years)
            else:
                rows = self._row_index().get(key)
                sub = self.series.iloc[rows] if rows is not None else self.series.iloc[:0]
                self._tables[key] = _pivot(sub, variable, entity)
        return self._tables[key]

    def stacked(
        self, variable: str, entities: list[str]
    ) -> tuple[np.ndarray, pd.Index, pd.Index] | None:
        """The (run × year) tables of ``variable`` for ``entities`` as one float array
        (entity, run, year), with their runs and years — where every entity has a table, the
        tables share their runs and years, and no value is missing (as in a model's series);
        else None (the caller then works on the rows, :meth:`of`)."""
        if any((variable, e) not in self._keys() for e in entities):
            return None
        tables = [self.wide(variable, e) for e in entities]
        runs, years = tables[0].index, tables[0].columns
        if not all(t.index.equals(runs) and t.columns.equals(years) for t in tables):
            return None
        values = np.stack([t.to_numpy() for t in tables])
        if np.isnan(values).any():
            return None
        return values, runs, years

    def ranks(self, variable: str, entities: list[str], entity: str) -> pd.DataFrame:
        """(run × year): ``entity``'s rank among ``entities`` by ``variable``, 1 the largest,
        tied values sharing the mean of their ranks (pandas' ``rank``). Counted on the
        stacked tables where a model's series gives them (pandas' long pivot and ranking took
        a third of the scorecard's time), else ranked by pandas."""
        stacked = self.stacked(variable, entities) if entity in entities else None
        if stacked is None:
            table = (
                self.of(variable, entities)
                .pivot_table(index=["run", "year"], columns="entity", values="value", observed=True)
                .reindex(columns=entities)
            )
            return table.rank(axis=1, ascending=False)[entity].unstack("year")
        values, runs, years = stacked
        own = values[entities.index(entity)]
        above = (values > own).sum(axis=0)
        tied = (values == own).sum(axis=0)  # itself among them
        return pd.DataFrame(1.0 + above + (tied - 1) / 2.0, index=runs, columns=years)

    def of(self, variable: str, entities: list[str]) -> pd.DataFrame:
        """The rows of ``variable`` for ``entities``, in the series' order."""
        index = self._row_index()
        rows = [index[(variable, e)] for e in entities if (variable, e) in index]
        if not rows:
            return self.series.iloc[:0]
        return self.series.iloc[np.sort(np.concatenate(rows))]

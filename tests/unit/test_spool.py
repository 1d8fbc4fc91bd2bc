"""The spool's series stream: series.parquet written while an ensemble runs, one row group per
batch in batch order whatever order the batches finish in, and never left half-written."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from angang.model.loop import simulate
from angang.runner import run
from angang.runner import store as store_module
from angang.runner.files import SERIES, SPOOLED, read_series_batch, records_table, series_table
from angang.runner.spool import Done, SeriesStream, Spool, batch_stem
from angang.runner.store import read_series

SMALL = dict(runs=6, seed=5, scale=0.05, batch_size=2)


def _batches(tmp_path: Path) -> tuple[Spool, list[pa.Table]]:
    """Three saved batches of a small ensemble, with their tables."""
    frames = run("baseline", **SMALL).series
    spool = Spool(tmp_path / "spool", {})
    spool.open(False, [np.arange(0, 2), np.arange(2, 4), np.arange(4, 6)])
    tables = []
    for i in range(3):
        frame = frames[frames["run"] // 2 == i].reset_index(drop=True)
        table = series_table(frame)
        spool.save(Done(i, frame, np.zeros(2), None), table)
        tables.append(table)
    return spool, tables


def test_a_batch_table_made_from_its_arrays_is_the_table_of_its_frame() -> None:
    """What a worker returns (the record arrays) becomes the same Parquet table as its long
    frame did: the same rows in the same order, the same dictionaries, and a missing value
    (NaN) a null, as pandas' NaN becomes in Arrow."""
    from angang.scenario import load_scenario

    batch = simulate(load_scenario("baseline"), np.arange(3, 6), 2, scale=0.05)
    direct, via_frame = records_table(batch), series_table(batch.to_frame())
    assert direct["value"].null_count > 0  # the series has missing values to compare
    assert direct.schema.equals(via_frame.schema)
    assert direct.equals(via_frame)


def test_batches_finishing_out_of_order_are_written_in_batch_order(tmp_path: Path) -> None:
    spool, tables = _batches(tmp_path)
    path = tmp_path / "spool" / SERIES
    stream = SeriesStream(spool, path, 3)
    stream.add(2, tables[2])  # waits for 0 and 1 (and is read back from the spool then)
    assert stream.written == 0
    stream.add(0, tables[0])
    assert stream.written == 1
    stream.add(1)  # not at hand: read from the spool
    assert stream.close()
    written = pq.ParquetFile(path)
    assert written.num_row_groups == 3
    for i in range(3):
        assert written.read_row_group(i).equals(tables[i])
        assert read_series_batch(batch_stem(spool.folder, i).with_suffix(SPOOLED)).equals(tables[i])


def test_a_stream_missing_a_batch_removes_its_file(tmp_path: Path) -> None:
    spool, tables = _batches(tmp_path)
    path = tmp_path / "spool" / SERIES
    stream = SeriesStream(spool, path, 3)
    stream.add(0, tables[0])
    stream.add(2, tables[2])
    assert not stream.close()
    assert not path.exists()


def test_a_run_directorys_series_is_written_while_the_batches_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The end of a run does not encode series.parquet again (it would fail here), and the
    file holds one row group per batch, the same rows as the ensemble's own series."""

    def refused(*_: object) -> None:
        raise AssertionError("series.parquet written again at the end of the run")

    monkeypatch.setattr(store_module, "_write_series", refused)
    for keep in (True, False):
        out = tmp_path / f"r{keep}"
        ensemble = run("baseline", out=out, keep_series=keep, **SMALL)
        written = pq.ParquetFile(out / SERIES)
        assert written.num_row_groups == 3
        # runs and years bound each row group (readers skip by them); names carry no bounds
        group = written.metadata.row_group(1)
        bounds = {
            group.column(i).path_in_schema: group.column(i).statistics
            for i in range(group.num_columns)
        }
        assert (bounds["run"].min, bounds["run"].max) == (2, 3)
        assert bounds["year"].has_min_max and bounds["value"].has_min_max
        assert bounds["variable"] is None or not bounds["variable"].has_min_max
        got = read_series(out)
        expected = run("baseline", **SMALL).series
        assert got.astype({"variable": str, "entity": str}).equals(
            expected.astype({"variable": str, "entity": str})
        )
        assert ensemble.series_written
        if keep:  # the batches are joined when the series is first read, not before
            assert "series" not in vars(ensemble) and ensemble.frames
            assert ensemble.series is not None
            assert ensemble.series.astype({"variable": str, "entity": str}).equals(
                expected.astype({"variable": str, "entity": str})
            )
            assert not ensemble.frames  # the joined copy replaced them
        else:
            assert ensemble.series is None

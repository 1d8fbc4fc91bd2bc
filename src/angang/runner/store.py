"""The run directory: manifest.json, series.parquet and results.duckdb, written atomically.
What the run is checked against (scorecard.json, validation.json) is written beside them by
the caller (:mod:`angang.analysis.checks`): storing a run does not score it.

Everything is first written to a hidden ``.NAME.partial-*`` sibling and renamed into place
only when complete (the manifest last), so an interrupted run never leaves a directory that
looks finished.
"""

from __future__ import annotations

import json
import platform
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import ValidationError

import angang
from angang.errors import AngangError
from angang.runner.ensemble import CHECKPOINT, Ensemble
from angang.runner.files import (
    SERIES,
    SERIES_SCHEMA,
    read_json,
    read_series_batch,
    save_snapshot,
    series_table,
    series_writer,
    sha256,
    write_series_table,
)
from angang.runner.spool import IDENTITY, Spool, batch_stem
from angang.scenario.schema import Scenario

MANIFEST = "manifest.json"
DATABASE = "results.duckdb"
SCENARIO = "scenario.json"  #: the resolved scenario the run ran, as JSON
#: what angang writes into a run directory; --overwrite replaces only a directory holding
#: nothing else, so it cannot delete a user's own files
RUN_FILES = frozenset(
    {
        SERIES,
        MANIFEST,
        DATABASE,
        SCENARIO,
        "scorecard.json",
        "validation.json",
        "report.html",
        CHECKPOINT,
        f"{DATABASE}.wal",
    }
)


def manifest_of(ensemble: Ensemble, batch_size: int) -> dict[str, Any]:
    """What a reader needs to know to trust and reproduce the run."""
    sc = ensemble.loaded.scenario
    ey = ensemble.enterprise_years
    return {
        "angang_version": angang.__version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "scenario": {
            "name": sc.meta.name,
            "title": sc.meta.title,
            "origin": ensemble.loaded.origin,
            "sha256": ensemble.loaded.content_hash,
            "removed_with": ensemble.loaded.removed_with,
        },
        "parameters": sc.parameters.model_dump(),
        "calibration": sc.calibration,
        "seed": ensemble.seed,
        "runs": ensemble.runs,
        "batch_size": batch_size,
        "scale": ensemble.scale,
        "years": [sc.meta.start_year, sc.meta.end_year],
        "enterprise_slots": ensemble.enterprise_slots,
        "enterprise_years_per_run": {
            "mean": float(ey.mean()),
            "min": float(ey.min()),
            "max": float(ey.max()),
        },
        "random_streams": "run i uses numpy SeedSequence(seed, spawn_key=(i,))",
        "checkpoint_at": ensemble.checkpoint_at,
        "branched_from": ensemble.branched_from,
        "platform": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "pandas": pd.__version__,
            "machine": platform.machine(),
        },
        "files": {
            "series": SERIES,
            "database": DATABASE,
            "scorecard": "scorecard.json",
            "validation": "validation.json",
        },
    }


def spool_of(out: Path) -> Path:
    """Where the batches of a run headed for ``out`` are kept until it is complete; an
    interrupted run leaves them there for ``--resume``."""
    out = Path(out)
    return out.parent / f".{out.name}.partial"


def check_target(out: Path, overwrite: bool) -> None:
    """Refuse to replace a finished run directory unless asked to, and refuse to replace
    anything that is not one (a file, a folder of other files) even when asked."""
    out = Path(out)
    if not out.exists() and not out.is_symlink():
        return
    if not out.is_dir() or out.is_symlink():
        raise AngangError(
            f"{out}: exists and is not a directory; --out must name a run "
            "directory (new, or one angang wrote)."
        )
    if not overwrite:
        raise AngangError(
            f"{out}: the output directory already exists; pass --overwrite to "
            "replace it or choose another --out."
        )
    entries = {p.name for p in out.iterdir()}
    if not entries:
        return
    foreign = sorted(entries - RUN_FILES)
    if foreign or MANIFEST not in entries:
        shown = ", ".join(foreign[:5]) + (" ..." if len(foreign) > 5 else "")
        raise AngangError(
            f"{out}: --overwrite replaces only a run directory angang wrote, and this one "
            + (f"holds other files ({shown})" if foreign else f"has no {MANIFEST}")
            + "; nothing was touched. Choose another --out, or move those files away."
        )


def check_spool(spool: Path) -> None:
    """Refuse to delete a folder in the spool's place that angang did not make."""
    if spool.is_dir() and not spool.is_symlink() and (spool / IDENTITY).is_file():
        return
    raise AngangError(
        f"{spool}: is in the place of an interrupted run's batches but is not "
        "one; move it away and run again."
    )


def write_run(
    out: Path,
    ensemble: Ensemble,
    batch_size: int,
    overwrite: bool = False,
    partial: Path | None = None,
) -> Path:
    """Write the run directory ``out`` atomically and return it. ``partial`` is the folder
    the batches were spooled in (it becomes the run directory); by default a fresh one."""
    out = Path(out)
    check_target(out, overwrite)
    out.parent.mkdir(parents=True, exist_ok=True)
    spooled = partial is not None
    if partial is None:
        partial = out.parent / f".{out.name}.partial-{uuid.uuid4().hex[:8]}"
        partial.mkdir()
    try:
        manifest = manifest_of(ensemble, batch_size)
        if spooled:  # what an interrupted write may have left
            left = (DATABASE, MANIFEST, SCENARIO, "scorecard.json", "validation.json")
            for name in left if ensemble.series_written else (SERIES, *left):
                (partial / name).unlink(missing_ok=True)
            shutil.rmtree(partial / CHECKPOINT, ignore_errors=True)
        if not (spooled and ensemble.series_written):
            _write_series(partial / SERIES, ensemble)
        (partial / SCENARIO).write_text(ensemble.loaded.scenario.model_dump_json(indent=1))
        manifest["checksums"] = {name: sha256(partial / name) for name in (SERIES, SCENARIO)}
        if ensemble.snapshots:
            _write_checkpoint(partial / CHECKPOINT, ensemble, batch_size)
        _write_database(partial / DATABASE, ensemble, manifest)
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        if spooled:
            Spool(partial, {}).clear()
        if out.exists():
            old = out.parent / f".{out.name}.old-{uuid.uuid4().hex[:8]}"
            out.rename(old)
            partial.rename(out)
            shutil.rmtree(old)
        else:
            partial.rename(out)
    except BaseException:
        if not spooled:  # a spool keeps its batches, so --resume loses nothing
            shutil.rmtree(partial, ignore_errors=True)
        raise
    return out


def _write_checkpoint(folder: Path, ensemble: Ensemble, batch_size: int) -> None:
    """Each batch's snapshot, the resolved scenario and what a branch must match."""
    folder.mkdir()
    digests = {}
    for i, snap in enumerate(ensemble.snapshots):
        path = batch_stem(folder, i).with_suffix(".npz")
        save_snapshot(path, snap)
        digests[path.name] = sha256(path)
    (folder / "scenario.json").write_text(ensemble.loaded.scenario.model_dump_json())
    (folder / "checkpoint.json").write_text(
        json.dumps(
            {
                "year": ensemble.checkpoint_at,
                "seed": ensemble.seed,
                "runs": ensemble.runs,
                "batch_size": batch_size,
                "scale": ensemble.scale,
                "scenario": ensemble.loaded.scenario.meta.name,
                "scenario_sha256": ensemble.loaded.content_hash,
                "sha256": digests,
                "format": "per batch, an .npz of the state's arrays, the records so far and the "
                "random streams' positions (JSON); read with allow_pickle=False",
            },
            indent=1,
        )
    )


def _write_series(path: Path, ensemble: Ensemble) -> None:
    """series.parquet: from memory, or batch by batch from the spool (one row group each),
    so that writing a large ensemble holds one batch at a time."""
    if ensemble.series is not None:
        write_series_table(path, series_table(ensemble.series))
        return
    with series_writer(path) as writer:
        for batch in ensemble.batch_files():
            writer.write_table(read_series_batch(batch))


def _write_database(path: Path, ensemble: Ensemble, manifest: dict[str, Any]) -> None:
    sc = ensemble.loaded.scenario
    runs = pd.DataFrame(
        {
            "run": np.arange(ensemble.runs),
            "seed": ensemble.seed,
            "enterprise_years": ensemble.enterprise_years,
        }
    )
    params = pd.DataFrame(
        [{"name": k, "value": float(v)} for k, v in sc.parameters.model_dump().items()]
    )
    events = pd.DataFrame(
        [
            {
                "id": e.id,
                "year": e.year,
                "month": e.month,
                "kind": e.kind,  # type: ignore[attr-defined]
                "source": e.source,
            }
            for e in sc.sorted_events()
        ],
        columns=["id", "year", "month", "kind", "source"],
    )
    meta = pd.DataFrame(
        {"key": list(manifest), "value": [json.dumps(v) for v in manifest.values()]}
    )
    con = duckdb.connect(str(path))
    try:
        con.execute("SET preserve_insertion_order = false")  # lets DuckDB stream the file
        con.execute("SET memory_limit = '512MB'")  # beyond this it spills to disk
        # the names as ENUMs (stored as small codes, compared with text as usual) and the
        # runs and years as the integers they are: a fifth less work to load than text and
        # 64-bit integers, and a smaller file
        source = [str(path.parent / SERIES)]
        for column in ("variable", "entity"):
            con.execute(
                f"CREATE TYPE {column}_name AS ENUM "
                f"(SELECT DISTINCT {column} FROM read_parquet(?) ORDER BY {column})",
                source,
            )
        con.execute(
            "CREATE TABLE series (run INTEGER, year SMALLINT, variable variable_name, "
            "entity entity_name, value DOUBLE)"
        )
        con.execute("INSERT INTO series SELECT * FROM read_parquet(?)", source)
        for name, frame in (
            ("runs", runs),
            ("parameters", params),
            ("events", events),
            ("manifest", meta),
        ):
            con.register("frame_view", frame)
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM frame_view")
            con.unregister("frame_view")
    finally:
        con.close()


def write_tables(path: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Write DataFrames as tables of a DuckDB file (replacing tables of the same name)."""
    con = duckdb.connect(str(path))
    try:
        for name, frame in tables.items():
            con.register("frame_view", frame)
            con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM frame_view")
            con.unregister("frame_view")
    finally:
        con.close()


def read_manifest(run_dir: Path) -> dict[str, Any]:
    """A finished run directory's manifest, checked to be one angang wrote."""
    path = Path(run_dir) / MANIFEST
    if not Path(run_dir).is_dir() or not path.is_file():
        raise AngangError(
            f"{run_dir}: not a finished run directory (expected {MANIFEST} and {SERIES})."
        )
    manifest = read_json(path, "rerun the ensemble")
    if not isinstance(manifest, dict) or not isinstance(manifest.get("checksums"), dict):
        raise AngangError(
            f"{path}: not a manifest angang wrote (no checksums); it was made by "
            "an older angang or edited. Rerun the ensemble."
        )
    return manifest


def _verified(run_dir: Path, name: str, manifest: dict[str, Any]) -> Path:
    path = Path(run_dir) / name
    if not path.is_file():
        raise AngangError(f"{run_dir}: not a finished run directory (no {name}).")
    if sha256(path) != manifest["checksums"].get(name):
        raise AngangError(
            f"{path}: does not match the SHA-256 recorded in {MANIFEST}; it was "
            "changed or damaged after the run. Rerun the ensemble."
        )
    return path


def read_scenario(run_dir: Path) -> Scenario:
    """The resolved scenario a finished run ran, checked against the manifest."""
    manifest = read_manifest(run_dir)
    path = _verified(run_dir, SCENARIO, manifest)
    try:
        return Scenario.model_validate_json(path.read_text(encoding="utf-8"))
    except (ValidationError, UnicodeDecodeError) as err:
        raise AngangError(
            f"{path}: not a scenario angang can read ({type(err).__name__}); rerun the ensemble."
        ) from None


def read_series(run_dir: Path) -> pd.DataFrame:
    """The tidy series of a finished run directory, checked against the manifest's checksum
    and the expected columns before anything is computed from it."""
    path = _verified(run_dir, SERIES, read_manifest(run_dir))
    try:
        table = pq.read_table(path)
    except Exception as err:  # pyarrow raises several types for a damaged file
        raise _unreadable(path, err) from None
    _check_columns(path, table.schema)
    return _categorical(table.select(SERIES_SCHEMA.names).to_pandas())


def _unreadable(path: Path, err: Exception) -> AngangError:
    return AngangError(
        f"{path}: cannot be read as Parquet ({err}); the file is damaged. Rerun the ensemble."
    )


def _check_columns(path: Path, schema: pa.Schema) -> None:
    """Refuse a series file without the expected columns and types."""
    for name in SERIES_SCHEMA.names:
        if name not in schema.names:
            expected = ", ".join(SERIES_SCHEMA.names)
            raise AngangError(f"{path}: has no column {name!r}; expected the columns {expected}.")
        got, want = schema.field(name).type, SERIES_SCHEMA.field(name).type
        if pa.types.is_dictionary(got):
            got = got.value_type
        if pa.types.is_dictionary(want):
            want = want.value_type
        if got != want and not (pa.types.is_string(want) and pa.types.is_large_string(got)):
            raise AngangError(f"{path}: column {name!r} holds {got}, expected {want}.")


def read_series_blocks(run_dir: Path, runs: int = 64) -> Iterator[pd.DataFrame]:
    """The tidy series of a finished run directory about ``runs`` whole runs at a time (each
    frame holds every row of its runs), checked like :func:`read_series`: for reading an
    ensemble too large to hold in memory at once. Row groups are read together when their
    ranges of runs overlap, so a run is never split between frames."""
    path = _verified(run_dir, SERIES, read_manifest(run_dir))
    try:
        parquet = pq.ParquetFile(path)
    except Exception as err:  # pyarrow raises several types for a damaged file
        raise _unreadable(path, err) from None
    _check_columns(path, parquet.schema_arrow)
    try:
        spans = {
            g: _run_span(parquet, g)
            for g in range(parquet.num_row_groups)
            if parquet.metadata.row_group(g).num_rows > 0
        }
    except Exception as err:  # pyarrow raises several types for a damaged file
        raise _unreadable(path, err) from None
    block: list[int] = []
    first = last = 0
    for group in sorted(spans, key=lambda g: spans[g]):
        low, high = spans[group]
        if block and low > last and last - first + 1 >= runs:
            yield _read_groups(parquet, block)
            block = []
        if block:
            last = max(last, high)
        else:
            first, last = low, high
        block.append(group)
    if block:
        yield _read_groups(parquet, block)


def _run_span(parquet: pq.ParquetFile, group: int) -> tuple[int, int]:
    """The first and last run a row group holds (from its statistics, else by reading it)."""
    column = parquet.schema_arrow.get_field_index("run")
    stats = parquet.metadata.row_group(group).column(column).statistics
    if stats is not None and stats.has_min_max:
        return int(stats.min), int(stats.max)
    ids = parquet.read_row_group(group, columns=["run"]).column("run").to_numpy()
    return int(ids.min()), int(ids.max())


def _read_groups(parquet: pq.ParquetFile, groups: list[int]) -> pd.DataFrame:
    return _categorical(parquet.read_row_groups(groups).select(SERIES_SCHEMA.names).to_pandas())


def _categorical(series: pd.DataFrame) -> pd.DataFrame:
    """``variable`` and ``entity`` as categories (a streamed file stores plain strings):
    filtering on them is then a comparison of integer codes, many times faster."""
    for column in ("variable", "entity"):
        if series[column].dtype != "category":
            series[column] = series[column].astype("category")
    return series

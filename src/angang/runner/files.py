"""Files a run writes and later trusts: checksums, atomic JSON, the run lock, and snapshots in a
data format.

Everything a user (or a browser, or another process) could hand back to angang — spooled
batches, checkpoints, run directories — is data: NumPy arrays read with
``allow_pickle=False``, Parquet and JSON, each checked against a SHA-256 written when it was
made. Nothing here unpickles, so a crafted file can at worst be refused, never executed.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from angang.engine.checkpoint import Snapshot
from angang.engine.state import State
from angang.errors import AngangError
from angang.model.loop import BatchResult

SNAPSHOT_FORMAT = "angang-snapshot-2"  #: 2: the state has each cell's reach
SERIES = "series.parquet"  #: a run directory's long series

#: the columns of series.parquet (and of a spooled batch): ``variable`` and ``entity`` are
#: dictionary-encoded, so that pandas reads them back as categoricals without converting
#: strings; DuckDB reads them as text, Arrow-based readers as dictionaries
SERIES_SCHEMA = pa.schema(
    [
        ("run", pa.int64()),
        ("year", pa.int64()),
        ("variable", pa.dictionary(pa.int32(), pa.string())),
        ("entity", pa.dictionary(pa.int32(), pa.string())),
        ("value", pa.float64()),
    ]
)
#: the columns Parquet stores as dictionaries (the values are rarely repeated: trying costs
#: half the time of writing them)
DICTIONARY_COLUMNS = ["variable", "entity"]
#: the columns whose smallest and largest value each row group records: the runs and years a
#: reader can skip row groups by (the names' statistics cannot skip anything, every row group
#: holding every variable, and cost a fifth to a third of the time of writing a batch)
STATISTICS_COLUMNS = ["run", "year", "value"]


def series_writer(path: Path) -> pq.ParquetWriter:
    """A Parquet writer of series tables (:data:`SERIES_SCHEMA`), one row group a table."""
    return pq.ParquetWriter(
        path,
        SERIES_SCHEMA,
        use_dictionary=DICTIONARY_COLUMNS,
        write_statistics=STATISTICS_COLUMNS,
    )


def series_table(series: pd.DataFrame | pa.Table) -> pa.Table:
    """A long series (run, year, variable, entity, value), a frame or a table, as
    :data:`SERIES_SCHEMA`."""
    if isinstance(series, pd.DataFrame):
        series = pa.Table.from_pandas(series, preserve_index=False)
    return series.select(SERIES_SCHEMA.names).cast(SERIES_SCHEMA)


def records_table(batch: BatchResult) -> pa.Table:
    """A batch's series as :data:`SERIES_SCHEMA`, straight from its record arrays: the same
    table as :func:`series_table` of its frame, without making the frame (a worker returns
    the arrays, a third of the frame's size)."""
    names, entities, columns = batch.columns()
    return pa.table(
        {
            "run": columns["run"],
            "year": columns["year"],
            "variable": pa.DictionaryArray.from_arrays(
                columns["variable"].astype(np.int32), pa.array(names, pa.string())
            ),
            "entity": pa.DictionaryArray.from_arrays(
                columns["entity"], pa.array(entities, pa.string())
            ),
            # a missing value (NaN) is a null, as pandas' NaN becomes in Arrow
            "value": pa.array(columns["value"], pa.float64(), from_pandas=True),
        },
        schema=SERIES_SCHEMA,
    )


def write_series_table(path: Path, table: pa.Table) -> None:
    """Write one series table as a Parquet file (one row group)."""
    with series_writer(path) as writer:
        writer.write_table(table)


#: a spooled batch's file: Arrow's IPC file format with LZ4-compressed buffers, which angang
#: writes in a quarter of the time Parquet takes (6.6 against 24 ms for a batch of 32
#: default-scale runs; read back and checked in 3 ms), on the parent process that the workers
#: share the cores with; the file is a tenth smaller. Only angang reads a spool; the run
#: directory's series.parquet is for other tools.
SPOOLED = ".arrow"
SPOOL_COMPRESSION = "lz4"


def write_series_batch(path: Path, table: pa.Table) -> None:
    """Write a spooled batch's series table (:data:`SPOOLED`)."""
    options = pa.ipc.IpcWriteOptions(compression=SPOOL_COMPRESSION)
    with (
        pa.OSFile(str(path), "wb") as sink,
        pa.ipc.new_file(sink, table.schema, options=options) as w,
    ):
        w.write_table(table)


def read_series_batch(path: Path) -> pa.Table:
    """A spooled batch's series table, checked in full (every offset and dictionary index in
    range) before anything reads its values; raises pyarrow's errors for a damaged file."""
    with pa.OSFile(str(path), "rb") as source:
        table = pa.ipc.open_file(source).read_all()
    table.validate(full=True)
    if not table.schema.equals(SERIES_SCHEMA):
        raise pa.ArrowInvalid(f"not a series table: its columns are {table.schema}")
    return table


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def write_json(path: Path, data: Any) -> None:
    """Write JSON so that a reader sees the old file or the new one, never half of one."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(data, indent=1) + "\n")
    os.replace(tmp, path)


def read_json(path: Path, what: str) -> Any:
    """A JSON file angang wrote, or a clear error saying it is damaged."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AngangError(f"{path}: missing; {what}.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise AngangError(
            f"{path}: not readable JSON ({err}); the file is damaged or was edited. {what}."
        ) from None


# --- the run lock -----------------------------------------------------------------------------


class RunLock:
    """``.DIR.lock`` beside a run directory: at most one angang process writes a run at a time.

    The lock names the process that holds it (pid, host, start time), so a second run is told
    who is writing, and a lock left by a process that died is taken over.
    """

    def __init__(self, out: Path):
        self.path = Path(out).parent / f".{Path(out).name}.lock"
        self.held = False

    def __enter__(self) -> RunLock:
        me = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                self._refuse_or_clear()
                continue
            except OSError as err:
                raise AngangError(
                    f"{self.path.parent}: cannot write there "
                    f"({err.strerror or err}); choose another --out."
                ) from None
            with os.fdopen(fd, "w") as f:
                json.dump(me, f)
            self.held = True
            return self
        raise AngangError(f"{self.path}: could not take the run lock; try again.")

    def _refuse_or_clear(self) -> None:
        try:
            holder = json.loads(self.path.read_text())
            pid, host = int(holder["pid"]), str(holder["host"])
        except (OSError, ValueError, KeyError, TypeError):
            holder, pid, host = {}, -1, ""
        if host == socket.gethostname() and _alive(pid):
            raise AngangError(
                f"{self.path.parent / self.path.name[1:-5]}: another angang run is writing it "
                f"(process {pid} on {host}, started {holder.get('started', '?')}). Wait for it "
                f"to finish, stop it, or choose another --out."
            )
        if host and host != socket.gethostname():
            raise AngangError(
                f"{self.path}: a run on host {host} (process {pid}) holds this directory's "
                "lock. If that run is over, delete the lock file and run again."
            )
        self.path.unlink(missing_ok=True)  # its process is gone: a stale lock

    def __exit__(self, *exc: object) -> None:
        if self.held:
            self.path.unlink(missing_ok=True)
            self.held = False


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- snapshots as NumPy arrays and JSON -------------------------------------------------------


def save_snapshot(path: Path, snap: Snapshot) -> None:
    """Write a snapshot as an ``.npz`` of plain arrays with its metadata as JSON text."""
    arrays: dict[str, np.ndarray] = {
        "run_ids": snap.run_ids,
        "enterprise_years": snap.enterprise_years,
    }
    for f in fields(State):
        if f.name != "year":
            arrays[f"state.{f.name}"] = getattr(snap.state, f.name)
    for name, rows in snap.rows.items():
        arrays[f"rows.{name}"] = np.stack(rows) if rows else np.zeros((0, snap.run_ids.size, 0))
    meta = {
        "format": SNAPSHOT_FORMAT,
        "year": snap.year,
        "seed": snap.seed,
        "state_year": snap.state.year,
        "rng": snap.rng,
        "entities": snap.entities,
        "rows": list(snap.rows),
        "projects": list(snap.project_ids),
    }
    arrays["meta"] = np.array(json.dumps(meta))
    with open(path, "wb") as handle:
        np.savez(handle, allow_pickle=False, **arrays)


def load_snapshot(path: Path) -> Snapshot:
    """Read a snapshot written by :func:`save_snapshot`; anything else is refused."""
    try:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"][()]))
            if meta.get("format") != SNAPSHOT_FORMAT:
                raise ValueError(f"format {meta.get('format')!r}, expected {SNAPSHOT_FORMAT}")
            run_ids = np.asarray(z["run_ids"], dtype=np.int64)
            values = {
                f.name: np.asarray(z[f"state.{f.name}"]) for f in fields(State) if f.name != "year"
            }
            state = State(year=int(meta["state_year"]), **values)
            rows = {name: list(np.asarray(z[f"rows.{name}"], dtype=float)) for name in meta["rows"]}
            snap = Snapshot(
                int(meta["year"]),
                int(meta["seed"]),
                run_ids,
                state,
                _positions(meta["rng"], run_ids.size),
                rows,
                {k: [str(e) for e in v] for k, v in meta["entities"].items()},
                np.asarray(z["enterprise_years"], dtype=float),
                tuple(str(p) for p in meta.get("projects", [])),
            )
    except AngangError:
        raise
    except Exception as err:  # numpy, zipfile and json raise many kinds for a damaged file
        raise AngangError(
            f"{path}: not a snapshot angang can read ({type(err).__name__}: {err})."
        ) from None
    _check_shapes(snap, path)
    return snap


def _positions(rng: Any, runs: int) -> list[dict[str, object]]:
    """Random-stream positions: one PCG64 state (plain integers) per run."""
    if not isinstance(rng, list) or len(rng) != runs:
        raise ValueError("one random-stream position per run is expected")
    for p in rng:
        state = p.get("state") if isinstance(p, dict) else None
        if (
            not isinstance(p, dict)
            or p.get("bit_generator") != "PCG64"
            or not isinstance(state, dict)
            or not all(isinstance(state.get(k), int) for k in ("state", "inc"))
            or not all(isinstance(p.get(k), int) for k in ("has_uint32", "uinteger"))
        ):
            raise ValueError("a random-stream position is not a PCG64 state")
    return rng


def _check_shapes(snap: Snapshot, path: Path) -> None:
    runs = snap.run_ids.size
    for f in fields(State):
        value = getattr(snap.state, f.name)
        if f.name != "year" and (
            value.ndim == 0 or value.shape[0] != runs or value.dtype.kind not in "biuf"
        ):
            raise AngangError(
                f"{path}: state.{f.name} has shape {value.shape} and type "
                f"{value.dtype}; expected numbers with {runs} runs first."
            )
    if snap.enterprise_years.shape != (runs,):
        raise AngangError(f"{path}: enterprise_years does not have one value per run.")

"""The spool: each finished batch saved at once, so an interrupted ensemble resumes by computing
only the batches that are missing.

A batch is an Arrow IPC file of its series, a NumPy file of its enterprise-years and, when the
run keeps a checkpoint, a snapshot (:mod:`angang.runner.files`). ``index.json`` lists the batches
that are complete with each file's SHA-256, and is replaced atomically after a batch's files are
written, so a batch is either listed with matching files or not there at all. On resume every
listed batch is checked — its checksums, and that its series holds exactly its own runs — before
anything is computed; a batch that fails is named and recomputed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from angang.engine.checkpoint import Snapshot
from angang.errors import AngangError
from angang.model.loop import BatchResult
from angang.runner.files import (
    SPOOLED,
    load_snapshot,
    read_json,
    read_series_batch,
    save_snapshot,
    series_writer,
    sha256,
    write_json,
    write_series_batch,
)

IDENTITY = "spool.json"
INDEX = "index.json"


def batch_stem(folder: Path, index: int) -> Path:
    """A batch's files in a spool or checkpoint folder: batch-NNNNN.arrow, .npy, .npz."""
    return Path(folder) / f"batch-{index:05d}"


@dataclass(frozen=True)
class Done:
    """A finished batch."""

    index: int
    frame: pd.DataFrame | None  #: its long series, if kept in memory (or read from the spool)
    enterprise_years: np.ndarray
    snapshot: Snapshot | None
    #: a batch computed now: its record arrays as the worker returns them (a third of the
    #: long frame's size to send; the parent makes the Parquet table and the scorecard's
    #: tables from them, and a frame only if the series is kept)
    records: BatchResult | None = None


class Spool:
    """A folder holding each finished batch as it completes."""

    def __init__(self, folder: Path, identity: dict[str, object]):
        self.folder = Path(folder)
        self.identity = identity
        self.index: dict[str, dict[str, object]] = {}

    def open(
        self, resume: bool, batches: list[np.ndarray], notice: Callable[[str], None] | None = None
    ) -> set[int]:
        """Prepare the folder; return the indices of batches already done and sound.

        ``batches`` holds each batch's run ids, against which saved batches are checked.
        """
        meta = self.folder / IDENTITY
        if not resume:
            try:
                self.folder.mkdir(parents=True)
            except OSError as err:
                raise AngangError(
                    f"{self.folder}: cannot be created ({err.strerror or err}); "
                    "choose another --out."
                ) from None
            write_json(meta, self.identity)
            write_json(self.folder / INDEX, {})
            return set()
        if not meta.is_file():
            raise AngangError(f"{self.folder}: nothing to resume (no {IDENTITY}).")
        saved = read_json(meta, "pass --overwrite to start the run over")
        saved = saved if isinstance(saved, dict) else {}
        differs = [k for k in self.identity if saved.get(k) != self.identity[k]]
        if differs:
            raise AngangError(
                f"{self.folder}: the interrupted run differs from this one in "
                f"{', '.join(differs)} (it had "
                + ", ".join(f"{k}={saved.get(k)!r}" for k in differs)
                + "); resume it with the same scenario and options, or pass --overwrite to "
                "start over."
            )
        return self._sound(batches, notice or (lambda _: None))

    def _sound(self, batches: list[np.ndarray], notice: Callable[[str], None]) -> set[int]:
        """Check every listed batch; drop (and delete) those that fail, saying why."""
        path = self.folder / INDEX
        try:
            listed = read_json(path, "")
        except AngangError:
            listed = None
        if not isinstance(listed, dict):
            notice(f"{path} is missing or damaged; every batch is recomputed.")
            listed = {}
        good: dict[str, dict[str, object]] = {}
        for key, entry in listed.items():
            problem = self._problem(key, entry, batches)
            if problem is None:
                good[key] = entry
            else:
                notice(f"{self.folder.name}: batch {key} {problem}; recomputing it.")
        for stray in self.folder.glob("batch-*"):  # files of batches not (or no longer) listed
            number = stray.name.split(".")[0].removeprefix("batch-")
            if not number.isdigit() or str(int(number)) not in good:
                stray.unlink()
        self.index = good
        write_json(path, good)
        return {int(k) for k in good}

    def _problem(self, key: str, entry: object, batches: list[np.ndarray]) -> str | None:
        """Why a listed batch cannot be trusted, or None if it can."""
        if not key.isdigit() or int(key) >= len(batches) or not isinstance(entry, dict):
            return "is not a batch of this run"
        ids = batches[int(key)]
        files = entry.get("files")
        if not isinstance(files, dict) or not files:
            return "lists no files"
        for name, digest in files.items():
            file = self.folder / str(name)
            if Path(str(name)).name != str(name) or not file.is_file():
                return f"is missing {name}"
            if sha256(file) != digest:
                return f"has a file that does not match its checksum ({name}: damaged or altered)"
        series = batch_stem(self.folder, int(key)).with_suffix(SPOOLED)
        try:
            runs = np.unique(read_series_batch(series).column("run").to_numpy())
            years = np.load(series.with_suffix(".npy"), allow_pickle=False)
        except Exception as err:  # pyarrow and numpy raise many kinds for a damaged file
            return f"cannot be read ({type(err).__name__})"
        if not np.array_equal(runs, ids) or years.shape != ids.shape:
            return (
                f"holds runs {runs.min() if runs.size else '-'}-"
                f"{runs.max() if runs.size else '-'}, not its own runs {ids[0]}-{ids[-1]}"
            )
        return None

    def save(self, done: Done, table: pa.Table) -> None:
        """Write a batch's files, then list it (with their checksums) in the index.
        ``table`` is its series as :data:`~angang.runner.files.SERIES_SCHEMA`."""
        stem = batch_stem(self.folder, done.index)
        written = [stem.with_suffix(SPOOLED), stem.with_suffix(".npy")]
        try:
            write_series_batch(written[0], table)
            np.save(written[1], done.enterprise_years)
            if done.snapshot is not None:
                written.append(stem.with_suffix(".npz"))
                save_snapshot(written[2], done.snapshot)
            self.index[str(done.index)] = {"files": {p.name: sha256(p) for p in written}}
            write_json(self.folder / INDEX, self.index)
        except OSError as err:
            raise AngangError(
                f"{self.folder}: cannot save batch {done.index} "
                f"({err.strerror or err}); free some space and rerun with "
                "--resume."
            ) from None

    def load(self, index: int, keep: bool = True) -> Done:
        """A batch checked by :meth:`open`: its series (if ``keep``), years and snapshot."""
        stem = batch_stem(self.folder, index)
        snap = stem.with_suffix(".npz")
        try:
            frame = read_series_batch(stem.with_suffix(SPOOLED)).to_pandas() if keep else None
            years = np.load(stem.with_suffix(".npy"), allow_pickle=False)
        except Exception as err:  # a file damaged since it was checked
            raise AngangError(
                f"{stem}: a saved batch cannot be read ({err}); resume again to recompute it."
            ) from None
        return Done(index, frame, years, load_snapshot(snap) if snap.is_file() else None)

    def clear(self) -> None:
        """Remove the spool's own files (what remains is the finished run directory)."""
        for p in self.folder.glob("batch-*"):
            p.unlink()
        for name in (IDENTITY, INDEX):
            (self.folder / name).unlink(missing_ok=True)


class SeriesStream:
    """The run directory's ``series.parquet``, written in the spool folder while the ensemble
    runs: each saved batch becomes one row group, in batch order, as soon as the batches
    before it are written. The file is then complete when the last batch is saved, and the
    end of a run, when one core would otherwise wait, does not encode the series again.

    A batch that finishes before an earlier one is read back from the spool when its turn
    comes (the stream holds no batch in memory). :meth:`close` removes a file that does not
    hold every batch (an interrupted or failed run)."""

    def __init__(self, spool: Spool, path: Path, batches: int):
        self.spool, self.path, self.batches = spool, Path(path), batches
        self.written = 0
        self.saved: set[int] = set()
        self.path.unlink(missing_ok=True)  # what an interrupted run may have left
        self.writer = series_writer(self.path)

    def add(self, index: int, table: pa.Table | None = None) -> None:
        """Batch ``index`` is saved in the spool; ``table`` is its series if at hand."""
        self.saved.add(index)
        while self.written in self.saved:
            if self.written != index or table is None:
                table = read_series_batch(
                    batch_stem(self.spool.folder, self.written).with_suffix(SPOOLED)
                )
            self.writer.write_table(table)
            self.saved.discard(self.written)
            self.written += 1
            table = None

    def close(self) -> bool:
        """Finish the file; whether it holds every batch (if not, it is removed)."""
        self.writer.close()
        if self.written < self.batches:
            self.path.unlink(missing_ok=True)
            return False
        return True

"""Ensembles: many runs of one scenario, executed in vectorised batches.

Run ``i`` uses the random stream ``(seed, i)`` whatever batch it falls in, so an ensemble's
first runs are the same runs as a smaller ensemble with the same seed, and the batch size,
the number of workers and the backend change speed, never results.

Batches run in this process, on a local pool of processes, or as tasks on a Dask cluster
(:mod:`angang.runner.cluster`). With a spool folder every finished batch is saved there at
once, so an interrupted ensemble resumes by computing only the batches that are missing.
A checkpoint keeps each batch's state at the start of a year; a child scenario that changes
nothing before that year branches from it instead of simulating the shared years again.
"""

from __future__ import annotations

import functools
import itertools
import os
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from pydantic import ValidationError

from angang.engine.checkpoint import Snapshot, branch_differences
from angang.engine.world import make_world
from angang.errors import AngangError
from angang.model.loop import BatchResult
from angang.runner.files import SERIES, SPOOLED, load_snapshot, read_json, records_table, sha256
from angang.runner.job import Job, run_job
from angang.runner.limits import check_size
from angang.runner.options import RunOptions
from angang.runner.spool import Done, SeriesStream, Spool, batch_stem
from angang.scenario.loader import Loaded
from angang.scenario.schema import Scenario

if TYPE_CHECKING:
    import xarray as xr

CHECKPOINT = "checkpoint"  #: sub-folder of a run directory holding its snapshots


@dataclass(frozen=True)
class Ensemble:
    """The results of an ensemble: tidy series and what the manifest needs."""

    loaded: Loaded
    runs: int
    seed: int
    scale: float
    #: each batch's series in run order, joined into :attr:`series` when it is first read
    #: (None when streamed to disk, ``keep_series=False``)
    frames: list[pd.DataFrame] | None = field(repr=False, compare=False)
    enterprise_years: np.ndarray  #: float (runs,): active enterprise-years per run
    enterprise_slots: int
    snapshots: list[Snapshot] = field(default_factory=list)  #: one per batch, if checkpointed
    checkpoint_at: int | None = None
    branched_from: dict[str, object] | None = None  #: the parent run and year, if branched
    spool: Path | None = None  #: where the batches' series wait to be written
    batches: int = 0
    #: the spool folder's series.parquet holds every batch, written while the batches ran
    series_written: bool = False

    @functools.cached_property
    def series(self) -> pd.DataFrame | None:
        """The tidy series (run, year, variable, entity, value; the two names categorical),
        or None when streamed to disk. Joined from the batches on first use, and only then:
        a run written to its directory need not hold a second copy it may never read."""
        if self.frames is None:
            return None
        series = pd.concat(self.frames, ignore_index=True)
        self.frames.clear()  # the joined copy replaces them
        series["variable"] = series["variable"].astype("category")
        series["entity"] = series["entity"].astype("category")
        return series

    @property
    def table(self) -> pd.DataFrame:
        """The tidy series, for an ensemble that kept it in memory (the default)."""
        if self.series is None:
            raise AngangError(
                "this ensemble streamed its series to disk; read it with "
                "angang.runner.store.read_series(RUN_DIR)."
            )
        return self.series

    def to_xarray(self) -> xr.Dataset:
        """The series as an ``xarray.Dataset`` over ``run``, ``year`` and ``entity``, one
        data variable per recorded variable (:mod:`angang.runner.dataset`)."""
        from angang.runner.dataset import to_dataset

        return to_dataset(
            self.table,
            {
                "scenario": self.loaded.scenario.meta.name,
                "runs": self.runs,
                "seed": self.seed,
                "scale": self.scale,
            },
        )

    def batch_files(self) -> list[Path]:
        """The spooled batches' series files in run order, for an ensemble that streamed."""
        if self.spool is None:
            raise AngangError("this ensemble kept its series in memory and has no spool.")
        return [batch_stem(self.spool, i).with_suffix(SPOOLED) for i in range(self.batches)]


def resolve_workers(workers: int, batches: int) -> int:
    """Worker processes to use: 0 means one per core, never more than there are batches
    (``workers`` is checked with the other run options, :meth:`RunOptions.checked`)."""
    wanted = workers or (os.cpu_count() or 1)
    return max(1, min(wanted, batches))


# --- branching ------------------------------------------------------------------------------


class BranchRefused(AngangError):
    """A child scenario differs from the parent before the checkpoint year."""


@dataclass(frozen=True)
class Branch:
    """A parent run directory's checkpoint, to start a child scenario from."""

    run_dir: Path
    year: int
    seed: int
    runs: int
    batch_size: int
    scale: float
    parent: Scenario

    digests: dict[str, str] = field(default_factory=dict)  #: snapshot file -> SHA-256

    @classmethod
    def read(cls, run_dir: Path) -> Branch:
        folder = Path(run_dir) / CHECKPOINT
        meta_path = folder / "checkpoint.json"
        if not meta_path.is_file():
            raise AngangError(
                f"{run_dir}: no checkpoint (expected {meta_path}); make one with "
                "`angang run PARENT --checkpoint-at YEAR --out DIR`."
            )
        meta = read_json(meta_path, "make the checkpoint again")
        try:
            parent = Scenario.model_validate_json((folder / "scenario.json").read_text())
            return cls(
                Path(run_dir),
                int(meta["year"]),
                int(meta["seed"]),
                int(meta["runs"]),
                int(meta["batch_size"]),
                float(meta["scale"]),
                parent,
                {str(k): str(v) for k, v in dict(meta["sha256"]).items()},
            )
        except (OSError, ValidationError, KeyError, TypeError, ValueError) as err:
            raise AngangError(
                f"{folder}: the checkpoint's description cannot be read "
                f"({type(err).__name__}); make the checkpoint again."
            ) from None

    def snapshot(self, index: int) -> Snapshot:
        path = batch_stem(self.run_dir / CHECKPOINT, index).with_suffix(".npz")
        if not path.is_file() or self.digests.get(path.name) != sha256(path):
            raise AngangError(
                f"{path}: missing, or not the file the checkpoint recorded "
                "(its SHA-256 differs); make the checkpoint again."
            )
        return load_snapshot(path)

    def check(self, child: Scenario) -> None:
        diffs = branch_differences(
            (self.parent, make_world(self.parent, self.scale)),
            (child, make_world(child, self.scale)),
            self.year,
        )
        if diffs:
            raise BranchRefused(
                f"--from-checkpoint {self.run_dir}: scenario '{child.meta.name}' cannot start "
                f"from the checkpoint at {self.year}, because before {self.year} "
                + "; ".join(diffs)
                + ". Run it in full, or checkpoint the parent at an earlier "
                "year (before its first changed event)."
            )


# --- the ensemble ---------------------------------------------------------------------------


def _tick(on_year: Callable[[int], None], width: int, _year: int) -> None:
    on_year(width)


def _execute(
    jobs: list[Job],
    backend: str,
    workers: int,
    scheduler: str | None,
    on_year: Callable[[int], None],
) -> Iterator[tuple[Done, bool]]:
    """Finished batches as they come, each with whether its years were already counted
    (in-process batches report every simulated year through ``on_year(runs)``)."""
    if backend == "dask":
        from angang.runner.cluster import run_on_dask

        for result in run_on_dask(jobs, scheduler, workers):
            yield result, False
        return
    pool_size = resolve_workers(workers, len(jobs))
    if pool_size == 1:
        for job in jobs:
            yield run_job(job, functools.partial(_tick, on_year, job.ids.size)), True
        return
    # a bounded window of batches in flight: finished results are handed on and dropped,
    # so the parent's memory does not grow with the number of batches
    waiting = iter(jobs)
    with ProcessPoolExecutor(max_workers=pool_size) as pool:
        running = {pool.submit(run_job, job) for job in itertools.islice(waiting, 2 * pool_size)}
        while running:
            finished, running = wait(running, return_when=FIRST_COMPLETED)
            running |= {
                pool.submit(run_job, job) for job in itertools.islice(waiting, len(finished))
            }
            for future in finished:
                yield future.result(), False
            del finished


def run_ensemble(
    loaded: Loaded,
    options: RunOptions,
    progress: Callable[[int, int], None] | None = None,
    branch: Branch | None = None,
    spool: Path | None = None,
    resume: bool = False,
    keep_series: bool = True,
    notice: Callable[[str], None] | None = None,
    on_batch: Callable[[int, BatchResult], None] | None = None,
) -> Ensemble:
    """Run ``options.runs`` histories of ``loaded.scenario``, batch by batch.

    ``options`` (:class:`RunOptions`, checked here against the scenario) says how: more than
    one worker (0: one per core) runs batches on a local process pool; backend "dask" runs
    them on a Dask cluster. Results are identical whatever the batch size, workers, backend
    or engine, since run i always draws from (seed, i). ``progress(done, total)`` counts
    run-years as batches finish. ``branch`` starts every batch from a parent's checkpoint
    (its runs, seed, scale and batch size then apply). ``spool`` saves batches as they
    finish; ``resume`` reuses those saved. ``keep_series=False`` (with a spool) keeps no
    series in memory, so memory does not grow with the number of runs; the run directory
    is then written from the spool. ``notice(text)`` hears of saved batches that failed
    their checks and are recomputed; ``on_batch(index, records)`` is handed each batch
    computed now (not one resumed from the spool) as its record arrays
    (:class:`~angang.model.loop.BatchResult`), in the order they finish.
    """
    if not keep_series and spool is None:
        raise ValueError("keep_series=False needs a spool to keep the series in")
    scenario = loaded.scenario
    if branch is not None:
        branch.check(scenario)
        options = replace(
            options,
            runs=branch.runs,
            seed=branch.seed,
            batch_size=branch.batch_size,
            scale=branch.scale,
        )
    options = options.checked(scenario)
    runs, seed, batch_size = options.runs, options.seed, options.batch_size
    scale, checkpoint_at = options.scale_for(scenario), options.checkpoint_at
    world = make_world(scenario, scale)
    processes = (
        1 if options.backend == "dask" else resolve_workers(options.workers, -(-runs // batch_size))
    )
    check_size(
        runs, batch_size, world.layout.n, processes, spool.parent if spool is not None else None
    )
    years = world.timeline.years.size
    batches = [
        np.arange(start, min(runs, start + batch_size)) for start in range(0, runs, batch_size)
    ]
    jobs = [
        Job(
            i,
            scenario,
            ids,
            seed,
            scale,
            checkpoint_at,
            branch.snapshot(i) if branch is not None else None,
            options.engine,
        )
        for i, ids in enumerate(batches)
    ]
    store = None
    finished: dict[int, Done] = {}
    if spool is not None:
        store = Spool(
            spool,
            {
                "scenario": loaded.content_hash,
                "runs": runs,
                "seed": seed,
                "batch_size": batch_size,
                "scale": scale,
                "checkpoint_at": checkpoint_at,
                "branch": str(branch.run_dir) if branch else None,
            },
        )
        finished = {
            i: store.load(i, keep_series) for i in sorted(store.open(resume, batches, notice))
        }
    total = runs * years
    done = sum(batches[i].size for i in finished) * years
    if progress is not None:
        progress(done, total)
    todo = [job for job in jobs if job.index not in finished]

    def count(run_years: int) -> None:
        nonlocal done
        done += run_years
        if progress is not None:
            progress(done, total)

    # with a spool, series.parquet is written as the batches are saved (spool.SeriesStream)
    stream = None if store is None else SeriesStream(store, store.folder / SERIES, len(batches))
    written = False
    try:
        if stream is not None:
            for i in sorted(finished):
                stream.add(i)
        for result, counted in _execute(
            todo, options.backend, options.workers, options.scheduler, count
        ):
            records = result.records
            if records is None:  # run_job returns every batch as its record arrays
                raise AngangError(
                    f"batch {result.index} came back without its record arrays: the workers "
                    "run another version of angang than this process; install the same "
                    "version on them and rerun with --resume."
                )
            if store is not None and stream is not None:
                table = records_table(records)
                store.save(result, table)
                stream.add(result.index, table)
                del table
            if on_batch is not None:
                on_batch(result.index, records)
            # the long frame is made only to be kept
            kept = records.to_frame() if keep_series else None
            result = replace(result, frame=kept, records=None)
            del records
            finished[result.index] = result
            if not counted:
                count(batches[result.index].size * years)
    finally:
        if stream is not None:
            written = stream.close()
    ordered = [finished[i] for i in range(len(batches))]
    frames = [d.frame for d in ordered if d.frame is not None] if keep_series else None
    snapshots = [d.snapshot for d in ordered if d.snapshot is not None]
    branched = (
        {"run_dir": str(branch.run_dir), "year": branch.year, "parent": branch.parent.meta.name}
        if branch is not None
        else None
    )
    return Ensemble(
        loaded,
        runs,
        seed,
        scale,
        frames,
        np.concatenate([d.enterprise_years for d in ordered]),
        world.layout.n,
        snapshots,
        checkpoint_at,
        branched,
        spool,
        len(batches),
        written,
    )

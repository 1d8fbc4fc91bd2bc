"""Ensembles and their results: batches in-process, on a process pool or a Dask cluster; the
run directory."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from angang.errors import AngangError
from angang.runner.ensemble import Branch, BranchRefused, Ensemble, run_ensemble
from angang.runner.files import RunLock
from angang.runner.options import RunOptions
from angang.scenario.loader import load


def run(
    scenario: str | Path,
    options: RunOptions | None = None,
    *,
    out: Path | str | None = None,
    overwrite: bool = False,
    progress: Callable[[int, int], None] | None = None,
    from_checkpoint: Path | str | None = None,
    resume: bool = False,
    keep_series: bool = True,
    notice: Callable[[str], None] | None = None,
    on_batch: Callable[[int, Any], None] | None = None,
    **settings: Any,
) -> Ensemble:
    """Load a scenario, run an ensemble and, if ``out`` is given, write its run directory.

    How to run it is ``options`` (:class:`RunOptions`), or its fields as keywords
    (``run("baseline", runs=8, seed=2, scale=0.3)``), or both (the keywords win).
    With ``out``, finished batches are kept in a hidden spool beside it until the run is
    complete; ``resume=True`` continues an interrupted run from them. ``keep_series=False``
    (with ``out``) holds no series in memory: read it back with ``store.read_series(out)``.
    While it runs, ``.OUT.lock`` beside ``out`` names the process writing it, and a second run
    into the same ``out`` is refused. ``notice(text)`` hears of saved batches recomputed on
    resume because they failed their checks; ``on_batch(index, records)`` is handed each
    batch's record arrays as it is computed (:func:`angang.runner.ensemble.run_ensemble`).
    """
    unknown = sorted(set(settings) - {f.name for f in fields(RunOptions)})
    if unknown:
        raise TypeError(f"run() got unknown settings {unknown}; RunOptions has no such fields")
    options = replace(options or RunOptions(), **settings)
    if not keep_series and out is None:
        raise AngangError("keep_series=False needs out: the run directory to stream to.")
    if resume and out is None:
        raise AngangError("--resume needs --out: the run directory to continue.")
    loaded = load(scenario)
    branch = Branch.read(Path(from_checkpoint)) if from_checkpoint is not None else None
    context = dict(
        progress=progress,
        branch=branch,
        resume=resume,
        keep_series=keep_series,
        notice=notice,
        on_batch=on_batch,
    )
    if out is None:
        return run_ensemble(loaded, options, **context)  # type: ignore[arg-type]
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with RunLock(out):
            return _run_into(out, loaded, branch, overwrite, options, context)
    except OSError as err:  # a folder that cannot be written, a full disk
        raise AngangError(
            f"{err.filename or out}: cannot write there "
            f"({err.strerror or err}); batches already finished are kept for "
            "--resume."
        ) from None


def _run_into(
    out: Path,
    loaded: Any,
    branch: Branch | None,
    overwrite: bool,
    options: RunOptions,
    context: dict[str, Any],
) -> Ensemble:
    """Run with the lock held: spool, compute, write the run directory."""
    from angang.runner.store import check_spool, check_target, spool_of, write_run

    spool = spool_of(out)
    resume = context["resume"]
    if resume and not spool.is_dir():
        raise AngangError(f"{out}: no interrupted run to resume (no {spool.name} beside it).")
    check_target(out, overwrite)  # before computing anything
    if not resume and (spool.exists() or spool.is_symlink()):
        check_spool(spool)
        if not overwrite:
            raise AngangError(
                f"{out}: an interrupted run of it exists ({spool}); pass "
                "--resume to continue it, or --overwrite to start over."
            )
        shutil.rmtree(spool)
    ensemble = run_ensemble(loaded, options, spool=spool, **context)
    write_run(
        out,
        ensemble,
        batch_size=options.batch_size if branch is None else branch.batch_size,
        overwrite=overwrite,
        partial=spool,
    )
    return ensemble


def run_branched(scenario: str | Path, checkpoint: Path | None, **settings: Any) -> Ensemble:
    """Run from ``checkpoint`` where the scenario allows it, in full otherwise: the same
    numbers either way (branching is exact), only faster. For compare and attribute."""
    if checkpoint is not None:
        try:
            return run(scenario, from_checkpoint=checkpoint, progress=settings.get("progress"))
        except BranchRefused:
            pass
    return run(scenario, **settings)


__all__ = ["Ensemble", "RunOptions", "run", "run_branched", "run_ensemble"]

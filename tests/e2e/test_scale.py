"""Scale: checkpoint-and-branch equals full runs, resume equals an uninterrupted run, the Dask
backend (a LocalCluster on loopback) equals the local one, also when a worker dies."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pandas as pd
import pytest

from angang.analysis import checks
from angang.errors import AngangError
from angang.runner import ensemble as ensemble_module
from angang.runner import run
from angang.runner.store import read_series

SMALL = dict(runs=4, seed=3, scale=0.1, batch_size=2)


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    key = ["run", "year", "variable", "entity"]
    a = a.astype({"variable": str, "entity": str}).sort_values(key).reset_index(drop=True)
    b = b.astype({"variable": str, "entity": str}).sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_exact=True)


@pytest.fixture(scope="module")
def parent(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("parent") / "baseline"
    run("baseline", out=out, checkpoint_at=1958, **SMALL)
    return out


@pytest.mark.parametrize("child", ["no-great-leap", "no-third-front", "baseline"])
def test_a_branched_run_equals_the_full_run(parent: Path, tmp_path: Path, child: str) -> None:
    branched = run(child, out=tmp_path / "b", from_checkpoint=parent, **SMALL)
    full = run(child, **SMALL)
    _same(branched.series, full.series)
    assert (branched.enterprise_years == full.enterprise_years).all()
    assert branched.branched_from == {"run_dir": str(parent), "year": 1958, "parent": "baseline"}


def test_branching_is_refused_when_an_earlier_event_differs(parent: Path) -> None:
    with pytest.raises(AngangError, match=r"cannot start from the checkpoint at 1958.*1945"):
        run("no-soviet-removals", from_checkpoint=parent, **SMALL)
    with pytest.raises(AngangError, match="no checkpoint"):
        run("baseline", from_checkpoint=parent.parent, **SMALL)


def test_a_checkpoint_year_outside_the_history_is_refused() -> None:
    with pytest.raises(AngangError, match="--checkpoint-at"):
        run("baseline", checkpoint_at=1800, **SMALL)


def test_an_interrupted_run_resumes_with_only_the_missing_batches(
    tmp_path: Path, monkeypatch
) -> None:
    out = tmp_path / "r"
    calls: list[int] = []
    real = ensemble_module.run_job

    def counting(job, on_year=None):
        calls.append(job.index)
        return real(job, on_year)

    monkeypatch.setattr(ensemble_module, "run_job", counting)

    def stop_in_second_batch(done: int, total: int) -> None:
        if done > total // 2 + 10:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run("baseline", out=out, progress=stop_in_second_batch, **SMALL)
    assert not out.exists() and calls == [0, 1]
    with pytest.raises(AngangError, match="--resume"):
        run("baseline", out=out, **SMALL)
    with pytest.raises(AngangError, match="seed"):
        run("baseline", out=out, resume=True, **{**SMALL, "seed": 4})
    calls.clear()
    resumed = run("baseline", out=out, resume=True, **SMALL)
    assert calls == [1]
    _same(read_series(out), run("baseline", **SMALL).series)
    _same(resumed.series, read_series(out))


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None, processes=True
    ) as c:
        yield c


def test_the_dask_backend_equals_the_local_one(cluster) -> None:
    on_dask = run("baseline", backend="dask", scheduler=cluster.scheduler_address, **SMALL)
    _same(on_dask.series, run("baseline", **SMALL).series)


def test_a_batch_lost_with_a_killed_worker_is_rerun(cluster) -> None:
    from distributed import Client

    with Client(cluster.scheduler_address) as client:
        pids = list(client.run(os.getpid).values())
    killed: list[int] = []

    def kill_once(done: int, total: int) -> None:
        if not killed and 0 < done < total:
            os.kill(pids[0], signal.SIGKILL)  # its batch goes with it; the nanny restarts it
            killed.append(pids[0])

    settings = {**SMALL, "runs": 8, "batch_size": 1}
    result = run(
        "baseline",
        backend="dask",
        scheduler=cluster.scheduler_address,
        progress=kill_once,
        **settings,
    )
    assert killed
    _same(result.series, run("baseline", **settings).series)


def test_a_bad_scheduler_address_is_a_clear_error() -> None:
    import dask

    with (
        dask.config.set({"distributed.comm.timeouts.connect": "2s"}),
        pytest.raises(AngangError, match="cannot reach a Dask scheduler"),
    ):
        run("baseline", backend="dask", scheduler="tcp://127.0.0.1:9", **SMALL)
    with pytest.raises(AngangError, match="--scheduler needs --backend dask"):
        run("baseline", scheduler="tcp://127.0.0.1:9", **SMALL)


def test_compare_branches_and_gets_the_numbers_of_full_runs() -> None:
    from angang.analysis.compare import compare
    from angang.analysis.outcomes import parse

    outcome = "steel_output:china@1962"
    result = compare("baseline", "no-great-leap", [outcome], runs=2, seed=5, scale=0.1)
    full = run("no-great-leap", runs=2, seed=5, scale=0.1).series
    expected = parse(outcome).per_run(full).sort_index().to_numpy()
    assert (result.per_run.sort_values("run")["b"].to_numpy() == expected).all()


def test_a_streamed_run_writes_the_same_directory(tmp_path: Path) -> None:
    """keep_series=False (what `angang run` does) holds no series in memory and writes the
    same series and database as an in-memory run, and the same scorecard once checked."""
    import json

    import duckdb

    kept = run("baseline", out=tmp_path / "kept", **SMALL)
    streamed = run("baseline", out=tmp_path / "streamed", keep_series=False, **SMALL)
    assert not (tmp_path / "kept" / "scorecard.json").exists()  # storing does not score
    checks.write(tmp_path / "kept")
    checks.write(tmp_path / "streamed")
    assert streamed.series is None
    with pytest.raises(AngangError, match="read_series"):
        streamed.table  # noqa: B018
    _same(read_series(tmp_path / "streamed"), kept.table)
    for name in ("scorecard.json", "validation.json"):
        assert json.loads((tmp_path / "streamed" / name).read_text()) == json.loads(
            (tmp_path / "kept" / name).read_text()
        )
    with duckdb.connect(str(tmp_path / "streamed" / "results.duckdb"), read_only=True) as con:
        rows = con.execute("SELECT count(*) FROM series").fetchone()
        types = {row[0]: row[1] for row in con.execute("DESCRIBE series").fetchall()}
    assert rows is not None and rows[0] == len(kept.table)
    # names stored once per row group: pandas reads categoricals, DuckDB holds them as ENUMs
    for folder in ("kept", "streamed"):
        frame = read_series(tmp_path / folder)
        assert all(isinstance(frame[c].dtype, pd.CategoricalDtype) for c in ("variable", "entity"))
    assert types["variable"].startswith("ENUM('") and types["entity"].startswith("ENUM('")
    assert (types["run"], types["year"], types["value"]) == ("INTEGER", "SMALLINT", "DOUBLE")


def test_the_process_pool_refills_its_window_and_equals_one_process() -> None:
    """More batches than the pool keeps in flight (2 per worker): all of them come back,
    in any order, and the ensemble equals the in-process one."""
    settings = {**SMALL, "runs": 10, "batch_size": 1}
    pooled = run("baseline", workers=2, **settings)
    _same(pooled.table, run("baseline", workers=1, **settings).table)
    assert sorted(pooled.table["run"].unique()) == list(range(10))


def test_the_api_run_writes_its_checks_beside_the_run(tmp_path: Path) -> None:
    """`angang.run(out=...)` composes storing (the runner) and checking (the analysis)."""
    import json

    import angang

    angang.run("baseline", out=tmp_path / "r", **SMALL)
    checks_ = json.loads((tmp_path / "r" / "scorecard.json").read_text())
    assert len(checks_) >= 30 and all("passed" in c for c in checks_)
    written = json.loads((tmp_path / "r" / "validation.json").read_text())
    assert written["checks"]
    # checking reads only the steel series the validation needs: the same verdicts as on all
    from angang.analysis import validation

    whole = validation.validate(read_series(tmp_path / "r"))
    assert [c["value"] for c in written["checks"]] == [c.value for c in whole.checks]


@pytest.mark.parametrize("workers", [1, 2])
def test_batches_scored_as_they_come_give_the_checks_read_back(
    tmp_path: Path, workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`angang.run(out=...)` scores each batch as it is computed (out of order, on a pool);
    the scorecard and validation are those of reading the finished run back, to the bit."""
    import json

    import angang

    calls = []
    original = checks.Scoring.__call__

    def counted(self: checks.Scoring, index: int, frame: pd.DataFrame) -> None:
        calls.append(index)
        original(self, index, frame)

    out = tmp_path / "r"
    settings = {**SMALL, "runs": 7, "batch_size": 2, "workers": workers}
    monkeypatch.setattr(checks.Scoring, "__call__", counted)
    angang.run("baseline", out=out, keep_series=False, **settings)
    assert sorted(calls) == [0, 1, 2, 3]  # every batch scored in memory, none read back
    scored = {name: (out / name).read_text() for name in ("scorecard.json", "validation.json")}
    checks.write(out)  # the same from the run directory
    for name, text in scored.items():
        assert json.loads((out / name).read_text()) == json.loads(text), name


@pytest.mark.parametrize("streamed", [True, False])
def test_series_blocks_hold_whole_runs_and_all_of_them(tmp_path: Path, streamed: bool) -> None:
    """Checking reads series.parquet a block of runs at a time: each run in exactly one
    block, every row once, whether the file was written batch by batch or from memory."""
    from angang.runner.store import read_series_blocks

    out = tmp_path / "r"
    run("baseline", out=out, runs=10, seed=3, scale=0.1, batch_size=3, keep_series=not streamed)
    frames = list(read_series_blocks(out, runs=4))
    runs = [set(f["run"].unique()) for f in frames]
    assert len(frames) > 1 or not streamed
    assert sorted(r for block in runs for r in block) == list(range(10))
    _same(pd.concat(frames, ignore_index=True), read_series(out))


def test_a_batch_that_cannot_be_scored_leaves_checking_to_the_finished_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A series the facts cannot be read from fails after the run directory is written (as
    checking a finished run does), not halfway through the ensemble."""
    import angang

    def unreadable(*args: object, **kwargs: object) -> None:
        raise AngangError("the results hold no variable 'steel_output' for entity 'china'")

    monkeypatch.setattr(checks.scorecard, "verdicts", unreadable)
    with pytest.raises(AngangError, match="no variable 'steel_output'"):
        angang.run("baseline", out=tmp_path / "r", **SMALL)
    assert (tmp_path / "r" / "series.parquet").is_file()  # the run itself was stored
    assert not (tmp_path / "r" / "scorecard.json").exists()


def test_a_batch_returned_without_its_arrays_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker that returns a batch without its record arrays (another angang's, say) is
    named in a clear error, not passed on to be written or scored."""
    import numpy as np

    from angang.runner.spool import Done

    def old_worker(job, on_year=None):  # type: ignore[no-untyped-def]
        return Done(job.index, None, np.zeros(job.ids.size), None)

    monkeypatch.setattr(ensemble_module, "run_job", old_worker)
    with pytest.raises(AngangError, match="batch 0 came back without its record arrays"):
        run("baseline", out=tmp_path / "r", keep_series=False, **SMALL)

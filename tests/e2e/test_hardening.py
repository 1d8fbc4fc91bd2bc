"""Hardening (issue #11): each reproduction from the attack on angang's files and options, as a
test. Destructive options touch only what angang wrote; files handed back to angang are data,
checked before they are trusted; every user error exits 2 with one paragraph."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import pytest
from typer.testing import CliRunner

from angang.cli import app
from angang.errors import AngangError
from angang.runner import ensemble as ensemble_module
from angang.runner import run
from angang.runner.files import RunLock, read_series_batch, sha256, write_series_batch
from angang.runner.store import read_series
from angang.scenario.loader import load_text

from ..conftest import write

SMALL = [
    "--runs",
    "4",
    "--scale",
    "0.1",
    "--batch-size",
    "2",
    "--workers",
    "1",
    "--quiet",
    "--no-report",
]
SMALL_API = dict(runs=4, seed=3, scale=0.1, batch_size=2)
BASE = Path(__file__).resolve().parents[2] / "src/angang/scenario/builtin/baseline.toml"


def _fails(cli: CliRunner, args: list[str], *expected: str) -> str:
    result = cli.invoke(app, args)
    message = " ".join(result.output.split())
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for piece in expected:
        assert piece in message, (piece, message)
    return message


# --- data loss ----------------------------------------------------------------------------------


def test_overwrite_refuses_a_directory_angang_did_not_write(cli: CliRunner, tmp_path: Path) -> None:
    """`--overwrite` on a folder of the user's own files leaves it exactly as it was."""
    docs = tmp_path / "mydocs"
    docs.mkdir()
    (docs / "ch1.txt").write_text("thesis")
    _fails(
        cli,
        ["run", *SMALL, "--out", str(docs), "--overwrite"],
        "mydocs",
        "holds other files (ch1.txt)",
        "nothing was touched",
    )
    assert [p.name for p in docs.iterdir()] == ["ch1.txt"]
    assert (docs / "ch1.txt").read_text() == "thesis"
    assert not list(tmp_path.glob(".mydocs*"))


def test_overwrite_refuses_a_file(cli: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "afile.txt"
    target.write_text("keep me")
    _fails(cli, ["run", *SMALL, "--out", str(target), "--overwrite"], "is not a directory")
    assert target.read_text() == "keep me"


def test_overwrite_replaces_a_run_directory(cli: CliRunner, tmp_path: Path) -> None:
    """...and still does its job on a directory angang wrote (plus its report)."""
    out = tmp_path / "r"
    assert cli.invoke(app, ["run", *SMALL, "--out", str(out)]).exit_code == 0
    (out / "report.html").write_text("<html></html>")
    result = cli.invoke(app, ["run", *SMALL, "--seed", "9", "--out", str(out), "--overwrite"])
    assert result.exit_code == 0, result.output
    assert json.loads((out / "manifest.json").read_text())["seed"] == 9


# --- code execution and file reading -----------------------------------------------------------


class Payload:
    """Unpickling this writes a marker file: proof that a pickle was executed."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (Path.write_text, (self.marker, "pwned"))


def test_no_pickle_is_read_from_checkpoints_or_spools(tmp_path: Path) -> None:
    """A pickle payload planted as a checkpoint snapshot or a spooled batch is never
    executed: the formats are NumPy and JSON, read with allow_pickle=False."""
    marker = tmp_path / "marker"
    parent = tmp_path / "parent"
    run("baseline", out=parent, checkpoint_at=1958, **SMALL_API)
    snapshot = parent / "checkpoint" / "batch-00000.npz"
    assert snapshot.is_file()
    snapshot.write_bytes(pickle.dumps(Payload(marker)))
    with pytest.raises(AngangError, match=r"batch-00000\.npz"):
        run("no-great-leap", from_checkpoint=parent, **SMALL_API)
    # even with the checksum forged to match, the file is refused as data
    meta = json.loads((parent / "checkpoint" / "checkpoint.json").read_text())
    meta["sha256"]["batch-00000.npz"] = sha256(snapshot)
    (parent / "checkpoint" / "checkpoint.json").write_text(json.dumps(meta))
    with pytest.raises(AngangError, match="not a snapshot angang can read"):
        run("no-great-leap", from_checkpoint=parent, **SMALL_API)
    assert not marker.exists()
    src = Path(__file__).resolve().parents[2] / "src"
    found = subprocess.run(
        ["grep", "-rnE", r"pickle\.loads?\(|allow_pickle=True", str(src)],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    assert found == ""


def _interrupted(out: Path, monkeypatch: pytest.MonkeyPatch, **options: object) -> None:
    """Run until the first two batches of four are saved, then stop."""

    def stop(done: int, total: int) -> None:
        if done > total // 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run("baseline", out=out, progress=stop, **{**SMALL_API, "runs": 8, **options})


def _resume_counting(
    out: Path, monkeypatch: pytest.MonkeyPatch, **options: object
) -> tuple[list[int], list[str]]:
    calls: list[int] = []
    notices: list[str] = []
    real = ensemble_module.run_job

    def counting(job, on_year=None):  # type: ignore[no-untyped-def]
        calls.append(job.index)
        return real(job, on_year)

    monkeypatch.setattr(ensemble_module, "run_job", counting)
    run(
        "baseline",
        out=out,
        resume=True,
        notice=notices.append,
        **{**SMALL_API, "runs": 8, **options},
    )
    return calls, notices


@pytest.mark.parametrize("damage", ["swap", "double", "truncate", "index", "pickle", "schema"])
def test_a_swapped_altered_or_truncated_batch_is_found_on_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    """Resume checks every saved batch before computing anything, names the bad one and
    recomputes it: the result equals an uninterrupted run."""
    out = tmp_path / "r"
    _interrupted(out, monkeypatch)
    spool = tmp_path / ".r.partial"
    first, second = spool / "batch-00000.arrow", spool / "batch-00001.arrow"
    assert first.is_file() and second.is_file()
    if damage == "swap":
        shutil.copyfile(first, second)
    elif damage == "double":
        table = read_series_batch(second)
        doubled = pc.multiply(table.column("value"), 2.0)
        write_series_batch(second, table.set_column(4, "value", doubled))
    elif damage == "truncate":
        second.write_bytes(second.read_bytes()[:100])
    else:  # the index rewritten to vouch for another file: a swapped one (its runs differ),
        # a pickle payload or a table of other columns (neither is read as a batch)
        if damage == "index":
            shutil.copyfile(first, second)
        elif damage == "pickle":
            second.write_bytes(pickle.dumps(Payload(tmp_path / "marker")))
        else:
            table = read_series_batch(second)
            write_series_batch(second, table.drop_columns(["entity"]))
        index = json.loads((spool / "index.json").read_text())
        index["1"]["files"]["batch-00001.arrow"] = sha256(second)
        (spool / "index.json").write_text(json.dumps(index))
    calls, notices = _resume_counting(out, monkeypatch)
    assert sorted(calls) == [1, 2, 3]
    assert len(notices) == 1 and "batch 1" in notices[0], notices
    if damage in ("pickle", "schema"):
        assert "cannot be read" in notices[0], notices
    assert not (tmp_path / "marker").exists()
    expected = run("baseline", **{**SMALL_API, "runs": 8}).series
    got = read_series(out)
    key = ["run", "year", "variable", "entity"]
    pd.testing.assert_frame_equal(
        got.astype({"variable": str, "entity": str}).sort_values(key).reset_index(drop=True),
        expected.astype({"variable": str, "entity": str}).sort_values(key).reset_index(drop=True),
        check_exact=True,
    )


def test_extends_and_parameter_files_from_pasted_text_stay_in_the_package(tmp_path: Path) -> None:
    """Text handed in (the dashboard's paste box) may extend only built-ins and read only the
    built-ins' parameter files; nothing of another file is echoed."""
    secret = tmp_path / "secret.toml"
    secret.write_text('api_token = "hunter2"\n[parameters]\npassword = "x"\n')
    for text, expected in (
        (f'extends = "{secret}"\n', "may extend only a built-in"),
        ('extends = "../x.toml"\n', "may extend only a built-in"),
        (
            'extends = "baseline"\nparameters_file = "../../../../../../etc/passwd"\n',
            "leads outside",
        ),
        (f'extends = "baseline"\nparameters_file = "{secret}"\n', "absolute path"),
    ):
        with pytest.raises(AngangError, match=expected) as caught:
            load_text(text, "<dashboard>")
        assert "hunter2" not in str(caught.value) and "api_token" not in str(caught.value)


def test_a_parameter_file_that_is_not_one_is_refused_without_quoting_it(
    cli: CliRunner, tmp_path: Path
) -> None:
    """On the command line, paths are relative to the scenario file; a file that is not a
    parameter file is refused as a whole, naming no key or value of it."""
    (tmp_path / "creds.toml").write_text('api_token = "hunter2"\n')
    p = write(tmp_path, "s.toml", 'extends = "baseline"\nparameters_file = "creds.toml"\n')
    message = _fails(cli, ["validate", str(p)], "creds.toml", "is not an angang parameter file")
    assert "hunter2" not in message and "api_token" not in message
    p = write(tmp_path, "t.toml", 'extends = "baseline"\nparameters_file = "/etc/passwd"\n')
    _fails(cli, ["validate", str(p)], "absolute path")


def test_a_scenario_too_large_for_the_machine_is_refused(cli: CliRunner, tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "big.toml",
        'extends = "baseline"\n[initial.regions.north]\nenterprises = { coal = 1000000000 }\n',
    )
    _fails(cli, ["validate", str(p)], "enterprises.coal", "less than or equal to 10000")
    p = write(
        tmp_path,
        "wide.toml",
        'extends = "baseline"\n[initial]\nscale = 100\n'
        + "".join(
            f"[initial.sectors.{s}]\nslots = 1000\n"
            for s in ("steel", "ore", "coal", "power", "cement", "machinery", "light")
        ),
    )
    _fails(
        cli,
        ["run", str(p), "--runs", "64", "--out", str(tmp_path / "w")],
        "enterprise slots",
        "available",
    )
    _fails(
        cli,
        ["run", "--runs", "1000000000", "--out", str(tmp_path / "r")],
        "--runs: at most 1,000,000",
    )
    assert not (tmp_path / "w").exists() and not (tmp_path / "r").exists()


# --- tampered results ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("finished") / "run"
    run("baseline", out=out, keep_series=False, **SMALL_API)
    return out


@pytest.mark.parametrize("command", ["score", "validate-history", "report"])
@pytest.mark.parametrize(
    "damage", ["manifest-not-json", "values-doubled", "column-dropped", "column-as-string"]
)
def test_score_report_and_validate_history_verify_the_run(
    cli: CliRunner, tmp_path: Path, finished: Path, command: str, damage: str
) -> None:
    run_dir = tmp_path / "run"
    shutil.copytree(finished, run_dir)
    series = run_dir / "series.parquet"
    manifest = json.loads((run_dir / "manifest.json").read_text())
    if damage == "manifest-not-json":
        (run_dir / "manifest.json").write_text("{not json")
        _fails(cli, [command, str(run_dir)], "manifest.json", "not readable JSON")
        return
    frame = pd.read_parquet(series)
    if damage == "values-doubled":
        frame["value"] *= 2
        frame.to_parquet(series, index=False)
        _fails(cli, [command, str(run_dir)], "series.parquet", "does not match the SHA-256")
        return
    frame = (
        frame.drop(columns=["entity"])
        if damage == "column-dropped"
        else frame.astype({"value": str})
    )
    frame.to_parquet(series, index=False)
    from angang.runner.files import sha256

    manifest["checksums"]["series.parquet"] = sha256(series)  # a forger fixes the checksum
    (run_dir / "manifest.json").write_text(json.dumps(manifest))
    expected = "no column 'entity'" if damage == "column-dropped" else "column 'value' holds"
    _fails(cli, [command, str(run_dir)], expected)


def test_a_second_run_into_the_same_directory_is_told_who_writes_it(
    cli: CliRunner, tmp_path: Path
) -> None:
    """The lock names the running process; --overwrite does not break it; a lock whose
    process is gone is taken over."""
    out = tmp_path / "r"
    with RunLock(out):
        message = _fails(
            cli,
            ["run", *SMALL, "--out", str(out)],
            f"another angang run is writing it (process {os.getpid()}",
        )
        _fails(cli, ["run", *SMALL, "--out", str(out), "--overwrite"], "another angang run")
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    import socket

    (tmp_path / ".r.lock").write_text(json.dumps({"pid": int(dead), "host": socket.gethostname()}))
    assert cli.invoke(app, ["run", *SMALL, "--out", str(out)]).exit_code == 0
    assert not (tmp_path / ".r.lock").exists()
    assert "r" in message


# --- one paragraph instead of a traceback -------------------------------------------------------


@pytest.mark.parametrize(
    ("patch", "expected"),
    [
        ("move = 5", "field `move`: expected an array of tables"),
        ("change = 5", "field `change`: expected an array of tables"),
        ("events = 5", "field `events`: expected an array of tables"),
        ("meta = 5", "field `meta`: expected a table"),
        ("parameters = 5", "field `parameters`: expected a table"),
        ("remove = 5", "field `remove`: expected a list of event ids"),
        ("extends = 5", "field `extends`: expected a built-in scenario name"),
        ("[initial.sectors.steel]\nprice = inf", "finite number"),
        ("[initial.regions.north]\ncapacity = { coal = inf }", "finite number"),
        ("[initial.sectors.light]\nlabour = nan", "finite number"),
        (
            '[[move]]\nid = "great-leap-forward-1958"\nyear = 1905\nsource = "hypothesis"',
            "move[0].year`: expected a year the scenario simulates (1916-2000), got 1905",
        ),
        (
            '[[move]]\nid = "reform-1978"\nyear = 2005\nsource = "hypothesis"',
            "expected a year the scenario simulates",
        ),
        (
            '[[events]]\nid = "évent-1950"\nyear = 1950\nkind = "purge"\nshare = 0.1\n'
            'source = "a test"',
            "'^[a-z0-9][a-z0-9-]*$'",
        ),
    ],
)
def test_malformed_patches_are_one_paragraph(
    cli: CliRunner, tmp_path: Path, patch: str, expected: str
) -> None:
    text = patch if patch.startswith("extends") else f'extends = "baseline"\n{patch}'
    p = write(tmp_path, "cf.toml", text + "\n")
    _fails(cli, ["validate", str(p)], "cf.toml", expected)
    _fails(cli, ["run", str(p), *SMALL, "--out", str(tmp_path / "x")], expected)


def test_self_extension_deep_nesting_and_encoding(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "dir").mkdir()
    p = write(tmp_path / "dir", "x.toml", 'extends = "../dir/x.toml"\n')
    _fails(cli, ["validate", str(p)], "circular extends")
    for deep in (
        "[" * 20_000 + "]" * 20_000,
        "{a=" * 20_000 + "1" + "}" * 20_000,
        "[" * 40 + "]" * 40,
    ):
        p = write(tmp_path, "deep.toml", f'extends = "baseline"\nx = {deep}\n')
        _fails(cli, ["validate", str(p)], "deep.toml", "deep")
    p = tmp_path / "latin1.toml"
    p.write_bytes('extends = "baseline"\n# Sh\xf4wa\n'.encode("latin-1"))
    _fails(cli, ["validate", str(p)], "latin1.toml", "is not UTF-8 text")


def test_a_history_without_events_or_without_capacity_runs(cli: CliRunner, tmp_path: Path) -> None:
    """What `validate` accepts runs: no events at all, or no capacity anywhere."""
    import re

    ids = re.findall(r'^id = "([^"]+)"', BASE.read_text(), re.M)
    p = write(
        tmp_path,
        "none.toml",
        'extends = "baseline"\nremove = [' + ", ".join(f'"{i}"' for i in ids) + "]\n",
    )
    assert cli.invoke(app, ["validate", str(p)]).exit_code == 0
    result = cli.invoke(app, ["run", str(p), *SMALL, "--out", str(tmp_path / "none")])
    assert result.exit_code == 0, result.output
    zero = (
        'extends = "baseline"\n'
        + "".join(
            f"[initial.regions.{r}]\ncapacity = {{}}\n"
            for r in ("northeast", "north", "east", "central-south", "southwest", "northwest")
        )
        + "[parameters]\ncapital_productivity = 0.2\n"
    )
    p = write(tmp_path, "zero.toml", zero)
    assert cli.invoke(app, ["validate", str(p)]).exit_code == 0
    result = cli.invoke(app, ["run", str(p), *SMALL, "--out", str(tmp_path / "zero")])
    assert result.exit_code == 0, result.output
    assert np.isfinite(read_series(tmp_path / "zero")["value"]).any()


def test_output_that_cannot_be_written_and_bad_scheduler_addresses(
    cli: CliRunner, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    _fails(cli, ["run", *SMALL, "--out", str(blocker / "run")], "cannot write there")
    if os.geteuid() != 0:  # root writes anywhere; the case above covers the same path
        locked = tmp_path / "ro"
        locked.mkdir(mode=0o500)
        _fails(cli, ["run", *SMALL, "--out", str(locked / "run")], "cannot write there")
    for address in ("foo://127.0.0.1:8786", "tcp://127.0.0.1:notaport"):
        _fails(
            cli,
            [
                "run",
                *SMALL,
                "--backend",
                "dask",
                "--scheduler",
                address,
                "--out",
                str(tmp_path / "d"),
            ],
            "--scheduler: expected an address",
        )


# --- results do not depend on how the work was split ---------------------------------------------


def test_every_variable_is_identical_across_batch_sizes_and_workers() -> None:
    """Batch sizes 1, 3, 8 and 32 and one or two worker processes: bit-identical series."""
    reference = None
    for batch_size, workers in ((1, 1), (3, 1), (8, 1), (32, 1), (3, 2), (1, 2)):
        series = run(
            "baseline", runs=9, seed=11, scale=0.1, batch_size=batch_size, workers=workers
        ).series
        key = ["run", "year", "variable", "entity"]
        table = (
            series.astype({"variable": str, "entity": str}).sort_values(key).reset_index(drop=True)
        )
        if reference is None:
            reference = table
            assert set(table["variable"]) >= {"steel_output", "protest", "tech_provenance"}
            continue
        pd.testing.assert_frame_equal(table, reference, check_exact=True)

"""Bad input: each case exits non-zero with one paragraph naming file, line or field, and
what was expected — never a Python traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from angang.cli import app

from ..conftest import write

BASE = Path(__file__).resolve().parents[2] / "src/angang/scenario/builtin/baseline.toml"


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    """The baseline with one piece of text replaced, saved as a new file beside a copy of
    its parameter file."""
    text = BASE.read_text()
    assert old in text, old
    (tmp_path / "parameters").mkdir(exist_ok=True)
    write(
        tmp_path / "parameters",
        "calibration.toml",
        (BASE.parent / "parameters" / "calibration.toml").read_text(),
    )
    return write(tmp_path, "broken.toml", text.replace(old, new, 1))


def _fails(cli: CliRunner, args: list[str], *expected: str) -> str:
    result = cli.invoke(app, args)
    message = result.output  # stdout and stderr together
    assert result.exit_code == 2, message
    assert "Traceback" not in message
    for piece in expected:
        assert piece in " ".join(message.split()), (piece, message)
    return message


def test_toml_syntax_error(tmp_path: Path, cli: CliRunner) -> None:
    """A TOML syntax error names the file and the line."""
    p = _broken(tmp_path, 'name = "baseline"', 'name = "baseline')
    line = BASE.read_text().splitlines().index('name = "baseline"') + 1
    _fails(cli, ["validate", str(p)], "broken.toml", f"line {line}:", "not valid TOML")


def test_unknown_event_kind(tmp_path: Path, cli: CliRunner) -> None:
    """An unknown kind is named with the list of valid kinds and the event's id."""
    p = _broken(tmp_path, 'kind = "purge"', 'kind = "purges"')
    _fails(
        cli,
        ["validate", str(p)],
        "unknown event kind",
        "expected one of ruler",
        "anti-rightist-1957",
        "line",
    )


def test_unknown_id_in_remove(tmp_path: Path, cli: CliRunner) -> None:
    """An unknown id in remove names the field and suggests the id meant."""
    p = write(tmp_path, "cf.toml", 'extends = "baseline"\nremove = ["third-front-1965"]\n')
    _fails(
        cli,
        ["run", str(p), "--runs", "1", "--no-report"],
        "cf.toml",
        "line 2",
        "remove[0]",
        "third-front-1965",
        "Did you mean third-front-1964",
    )


def test_parameter_out_of_range(tmp_path: Path, cli: CliRunner) -> None:
    """A parameter outside its plausible range names the parameter, bound and value."""
    p = write(tmp_path, "cf.toml", 'extends = "baseline"\n[parameters]\nratchet = 1.7\n')
    _fails(
        cli, ["validate", str(p)], "parameters.ratchet", "less than or equal to 1", "1.7", "line 3"
    )


def test_unknown_parameter_is_a_typo(tmp_path: Path, cli: CliRunner) -> None:
    """A misspelt parameter is never silently ignored."""
    p = write(tmp_path, "cf.toml", 'extends = "baseline"\n[parameters]\nrachet = 0.5\n')
    _fails(cli, ["validate", str(p)], "parameters.rachet", "unknown key")


def test_missing_source(tmp_path: Path, cli: CliRunner) -> None:
    """An event without a source is refused, naming the event."""
    p = write(
        tmp_path,
        "cf.toml",
        'extends = "baseline"\n[[events]]\nid = "x-1960"\n'
        'year = 1960\nkind = "purge"\nshare = 0.1\n',
    )
    _fails(cli, ["validate", str(p)], "source", "Field required", "x-1960")


def test_year_out_of_range(tmp_path: Path, cli: CliRunner) -> None:
    """A year outside 1900-2010 is refused with the bound."""
    p = _broken(
        tmp_path,
        'year = 1958\nmonth = 5\nkind = "policy"',
        'year = 2058\nmonth = 5\nkind = "policy"',
    )
    _fails(
        cli,
        ["validate", str(p)],
        "year",
        "less than or equal to 2010",
        "2058",
        "great-leap-forward-1958",
    )


def test_missing_parameter_file(tmp_path: Path, cli: CliRunner) -> None:
    """A scenario naming a parameter file that is not there says which file it looked for."""
    p = write(tmp_path, "s.toml", BASE.read_text())
    _fails(
        cli, ["validate", str(p)], "parameters_file", "no such parameter file", "calibration.toml"
    )


def test_unknown_scenario_name(cli: CliRunner) -> None:
    """An unknown built-in name lists the built-ins."""
    _fails(cli, ["timeline", "no-such-scenario"], "unknown scenario name", "baseline")


def test_missing_file(cli: CliRunner, tmp_path: Path) -> None:
    """A path that does not exist is named."""
    _fails(cli, ["validate", str(tmp_path / "nope.toml")], "nope.toml", "no such scenario file")


def test_bad_run_options(cli: CliRunner, tmp_path: Path) -> None:
    """Nonsense ensemble options are refused before anything runs."""
    _fails(cli, ["run", "--runs", "0", "--out", str(tmp_path / "x")], "--runs")
    _fails(cli, ["run", "--runs", "1", "--scale", "0", "--out", str(tmp_path / "x")], "--scale")
    assert not (tmp_path / "x").exists()


def test_existing_output_is_not_clobbered(cli: CliRunner, tmp_path: Path) -> None:
    """Writing over an existing run directory needs --overwrite."""
    (tmp_path / "done").mkdir()
    (tmp_path / "done" / "keep.txt").write_text("precious")
    _fails(
        cli,
        ["run", "--runs", "1", "--scale", "0.05", "--no-report", "--out", str(tmp_path / "done")],
        "already exists",
        "--overwrite",
    )
    assert (tmp_path / "done" / "keep.txt").read_text() == "precious"


@pytest.mark.slow
def test_real_script_prints_no_traceback(tmp_path: Path) -> None:
    """The installed entry point itself turns a user error into one paragraph and exit 2."""
    p = write(tmp_path, "cf.toml", 'extends = "baseline"\nremove = ["no-such-event"]\n')
    proc = subprocess.run(
        [sys.executable, "-m", "angang.cli", "validate", str(p)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "no-such-event" in proc.stderr


def test_dashboard_warns_off_loopback_and_refuses_a_bad_port(cli: CliRunner) -> None:
    result = cli.invoke(app, ["dashboard", "--host", "0.0.0.0", "--port", "0"])
    assert result.exit_code == 2
    assert "not loopback" in result.stderr and "--port: expected 1 to 65535" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["run", "--resume"], "--resume needs --out"),
        (
            ["run", "--scheduler", "tcp://127.0.0.1:9", "--out", "x"],
            "--scheduler needs --backend dask",
        ),
        (["run", "--backend", "mpi", "--out", "x"], "--backend must be one of local, dask"),
        (["run", "--from-checkpoint", "no-such-dir", "--out", "x"], "no checkpoint"),
    ],
)
def test_scale_options_are_checked(
    cli: CliRunner, tmp_path: Path, monkeypatch, args: list[str], expected: str
) -> None:
    monkeypatch.chdir(tmp_path)
    _fails(cli, args, expected)

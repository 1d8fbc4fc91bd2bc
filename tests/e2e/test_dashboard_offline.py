"""The dashboard server calls nothing outside this machine, binds where it is told, says
plainly when its port is taken, and treats every loopback address as loopback."""

from __future__ import annotations

import os
import socket
import sys
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from angang.cli import app
from angang.dashboard.browser import dashboard_server
from angang.dashboard.serve import is_loopback

pytest.importorskip("solara")
OFFLINE = Path(__file__).resolve().parents[1] / "support" / "offline"


def offline_env(log: Path) -> dict[str, str]:
    """An environment in which any outbound lookup or connection is logged and fails."""
    path = os.pathsep.join([str(OFFLINE), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return {**os.environ, "PYTHONPATH": path, "ANGANG_OUTBOUND_LOG": str(log)}


def test_the_guard_itself_refuses_and_logs(tmp_path: Path) -> None:
    """The guard is live: a lookup of a public name fails and is logged (else the test below
    could pass by not guarding anything)."""
    import subprocess

    log = tmp_path / "outbound.log"
    probe = (
        "import socket\ntry:\n socket.getaddrinfo('pypi.org', 443)\nexcept OSError as e:\n print(e)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        env=offline_env(log),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "refused by the test" in out and "pypi.org" in log.read_text()


@pytest.mark.slow
def test_the_dashboard_makes_no_outbound_connection(tmp_path: Path) -> None:
    """Start the server where every outbound connection fails loudly, load its page and
    assets: nothing was attempted (Solara's version check and telemetry are off in code)."""
    log = tmp_path / "outbound.log"
    with dashboard_server(env=offline_env(log)) as url:
        with urllib.request.urlopen(url, timeout=30) as reply:
            page = reply.read().decode()
        assert "solara" in page.lower()
    assert not log.exists(), log.read_text()


def test_every_loopback_address_is_loopback() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.0.0.2", "::1", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "10.0.0.5", "example.org", "::"))


def test_no_loopback_warning_for_127_0_0_2_and_a_taken_port_fails_first(cli: CliRunner) -> None:
    """A port already in use is refused before the 'dashboard on ...' line is printed."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.2", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli.invoke(app, ["dashboard", "--host", "127.0.0.2", "--port", str(port)])
    assert result.exit_code == 2
    assert "not loopback" not in result.output
    assert "dashboard on" not in result.output
    assert "another program" in result.output and str(port) in result.output

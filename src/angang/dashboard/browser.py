"""Driving the dashboard and the report in a real browser: the browser tests and the script that
makes README's screenshots both use these.

Chromium is Debian's (``/usr/bin/chromium``, installed by ``make test``), driven by Playwright;
Playwright's own browser download is not used. The flags keep Chromium off the network.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("ANGANG_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def dashboard_server(
    port: int | None = None, timeout: float = 90.0, env: dict[str, str] | None = None
) -> Iterator[str]:
    """Start ``angang dashboard`` on loopback; yield its URL; stop it afterwards. ``env``
    replaces the server's environment (the tests use it to forbid outbound connections)."""
    port = port or free_port()
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "angang.cli", "dashboard", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        try:
            yield _wait_for(proc, log, f"http://127.0.0.1:{port}/", timeout)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def _wait_for(proc: subprocess.Popen[bytes], log: Any, url: str, timeout: float) -> str:
    """Poll ``url`` until it answers 200; fail with the server's output if it dies first."""
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"the dashboard exited: {log.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return url
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the dashboard did not answer on {url} in {timeout} s")
        time.sleep(0.5)


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Debian Chromium under Playwright, with a fresh profile."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        raise RuntimeError(
            f"no Chromium at {CHROMIUM}; `make test` installs Debian's "
            "chromium, or set ANGANG_CHROMIUM"
        )
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as pw:
        browser = pw.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1400, "height": 1000},
            accept_downloads=True,
        )
        try:
            yield browser
        finally:
            browser.close()

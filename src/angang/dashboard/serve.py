"""Starting the dashboard server: checks the address, then becomes the Solara server process
(so that stopping it stops the server)."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable

from angang.errors import AngangError

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def serve(host: str, port: int, say: Callable[[str], None],
          warn: Callable[[str], None]) -> None:
    """Replace this process with ``solara run angang.dashboard.app`` on ``host:port``."""
    if importlib.util.find_spec("solara") is None:
        raise AngangError("the dashboard needs Solara, which is not installed. Install it with "
                          "`pip install 'angang[dashboard]'` (make run and make test do).")
    if host not in LOOPBACK:
        warn(f"listening on {host}, not loopback: anyone who can reach this machine on that "
             "address can use the dashboard and run simulations on it.")
    if not 0 < port < 65536:
        raise AngangError(f"--port: expected 1 to 65535, got {port}.")
    say(f"angang dashboard on http://{'localhost' if host in LOOPBACK else host}:{port} "
        "(Ctrl-C stops it)")
    cmd = [sys.executable, "-m", "solara", "run", "angang.dashboard.app", "--host", host,
           "--port", str(port), "--production", "--no-open", "--log-level", "warning"]
    sys.stdout.flush()
    os.execv(sys.executable, cmd)

"""Starting the dashboard server: checks the address and the port, then becomes the Solara
server process (so that stopping it stops the server).

The dashboard calls nothing outside this machine: Solara's check for a newer version on the
package index is switched off on its command line and its usage telemetry by its settings'
environment variable, both here in code, so no user has to know to ask.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import os
import socket
import sys
from collections.abc import Callable

from angang.errors import AngangError

#: Solara's settings that would otherwise reach out: usage telemetry (Mixpanel) and the
#: public IP lookup that goes with it
NO_OUTBOUND = {"SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}


def is_loopback(host: str) -> bool:
    """True for an address only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_port(host: str, port: int) -> None:
    """Refuse a port outside 1-65535 or one something else already listens on."""
    if not 0 < port < 65536:
        raise AngangError(f"--port: expected 1 to 65535, got {port}.")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as err:
        raise AngangError(f"--host {host}: not an address of this machine ({err}).") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as err:
            raise AngangError(
                f"--port {port}: cannot listen on {host}:{port} "
                f"({err.strerror or err}); another program (perhaps another "
                "dashboard) uses it. Choose another --port."
            ) from None


def command(host: str, port: int) -> list[str]:
    """The Solara command line the dashboard process becomes."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        "angang.dashboard.app",
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-open",
        "--no-check-version",
        "--log-level",
        "warning",
    ]


def serve(host: str, port: int, say: Callable[[str], None], warn: Callable[[str], None]) -> None:
    """Replace this process with ``solara run angang.dashboard.app`` on ``host:port``."""
    if importlib.util.find_spec("solara") is None:
        raise AngangError(
            "the dashboard needs Solara, which is not installed. Install it with "
            "`pip install 'angang[dashboard]'` (make run and make test do)."
        )
    if not is_loopback(host):
        warn(
            f"listening on {host}, not loopback: anyone who can reach this machine on that "
            "address can use the dashboard and run simulations on it."
        )
    check_port(host, port)
    shown = "localhost" if host in ("127.0.0.1", "::1", "localhost") else host
    say(f"angang dashboard on http://{shown}:{port} (Ctrl-C stops it)")
    sys.stdout.flush()
    os.execve(sys.executable, command(host, port), {**os.environ, **NO_OUTBOUND})

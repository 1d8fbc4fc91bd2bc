"""Loaded by every Python process whose PYTHONPATH starts with this folder: any attempt to
reach beyond this machine — a name lookup or a connection to a non-loopback address — is
written to $ANGANG_OUTBOUND_LOG and fails loudly, so a test can prove that a process
(the dashboard server) calls nothing outside the machine."""

from __future__ import annotations

import ipaddress
import os
import socket
import traceback

_LOG = os.environ.get("ANGANG_OUTBOUND_LOG", "")
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


def _local(host: object) -> bool:
    if host is None:
        return True
    name = host.decode() if isinstance(host, bytes) else str(host)
    if name in _LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(name.split("%")[0])
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def _refuse(what: str) -> None:
    if _LOG:
        with open(_LOG, "a") as log:
            log.write(f"{what}\n{''.join(traceback.format_stack(limit=12))}\n")
    raise OSError(f"outbound network access refused by the test: {what}")


_getaddrinfo = socket.getaddrinfo
_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex


def getaddrinfo(host, *args, **kwargs):  # type: ignore[no-untyped-def]
    if not _local(host):
        _refuse(f"name lookup of {host!r}")
    return _getaddrinfo(host, *args, **kwargs)


def _check(sock: socket.socket, address: object) -> None:
    if (
        sock.family in (socket.AF_INET, socket.AF_INET6)
        and isinstance(address, tuple)
        and not _local(address[0])
    ):
        _refuse(f"connection to {address!r}")


def connect(self, address):  # type: ignore[no-untyped-def]
    _check(self, address)
    return _connect(self, address)


def connect_ex(self, address):  # type: ignore[no-untyped-def]
    _check(self, address)
    return _connect_ex(self, address)


socket.getaddrinfo = getaddrinfo
socket.socket.connect = connect  # type: ignore[method-assign]
socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]

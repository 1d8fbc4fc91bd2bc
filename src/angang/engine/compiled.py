"""Compiled code: Numba's ``njit`` with an on-disk cache keyed by the source of every
compiled function and of every module it reads, so that a cache can never run code older
than the source.

Numba keys a cached function by its own file alone (its modification time and size). A
kernel that calls a compiled helper in another file (NumPy's pairwise sum, absorptive
capacity), or reads a constant of another module (the number of foreign powers, an owner's
code: Numba compiles a global's value in), would keep running its cached machine code after
that file changed — a silently stale history, or a loop over the wrong number of powers.
Every compiled function in angang is declared with :func:`kernel`, which puts Numba's cache
in a directory named by a hash of every file that declares compiled functions and every
angang module those import, at any depth: a change to any of them starts a fresh cache
(and the stale ones of the package's own cache are removed).
"""

from __future__ import annotations

import ast
import hashlib
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any, Literal, TypeVar

import numba
from numba import njit

F = TypeVar("F", bound=Callable[..., Any])

#: Numba's configuration (typed loosely: its attributes are set from the environment).
NUMBA_CONFIG: Any = numba.config
PACKAGE = Path(__file__).resolve().parents[1]
#: How a file declares compiled functions; the files that contain it are the cache's key.
DECLARES_KERNELS = "from angang.engine.compiled import kernel"
PREFIX = "kernels-"


def compiled_sources(root: Path = PACKAGE) -> list[Path]:
    """Every file under ``root`` (the ``angang`` package) that declares compiled functions,
    every angang module those import at any depth, and this file."""
    here = root / "engine" / "compiled.py"
    todo = [path for path in root.rglob("*.py") if DECLARES_KERNELS in _text(path)]
    seen: set[Path] = {here} if here.exists() else set()
    while todo:
        path = todo.pop()
        if path not in seen:
            seen.add(path)
            todo += _imported_files(path, root)
    return sorted(seen)


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _imported_files(path: Path, root: Path) -> list[Path]:
    """The files of the angang modules ``path`` imports, absolute or relative, a name
    imported from a package counting as its module when it is one."""
    package = [root.name, *path.parent.relative_to(root).parts]
    names: list[str] = []
    for node in ast.walk(ast.parse(_text(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            stem = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*stem, *([node.module] if node.module else [])])
            names.append(module)
            names += [f"{module}.{alias.name}" for alias in node.names]
    files = []
    for name in names:
        parts = name.split(".")
        if parts[0] != root.name:
            continue
        base = root.joinpath(*parts[1:])
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.is_file():
                files.append(candidate)
    return files


def sources_digest(root: Path = PACKAGE) -> str:
    """A hash of the compiled sources' names and contents (16 hex digits)."""
    digest = hashlib.sha256()
    for path in compiled_sources(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@cache
def cache_dir() -> Path:
    """Where the kernels' cache lives: ``kernels-<digest>`` under Numba's own cache directory
    (``NUMBA_CACHE_DIR``) if one is set, else under the package's ``__pycache__``. In the
    package's own ``__pycache__`` caches of other digests are stale (older sources of this
    checkout) and removed; a shared ``NUMBA_CACHE_DIR`` may hold other checkouts' caches in
    use, and is left as it is."""
    if NUMBA_CONFIG.CACHE_DIR:
        return Path(NUMBA_CONFIG.CACHE_DIR) / f"{PREFIX}{sources_digest()}"
    base = PACKAGE / "__pycache__"
    here = base / f"{PREFIX}{sources_digest()}"
    if base.is_dir():
        for stale in base.glob(f"{PREFIX}*"):
            if stale != here and stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
    return here


@contextmanager
def _numba_cache_dir(path: Path) -> Iterator[None]:
    """Numba picks a function's cache directory when it is declared, from
    ``numba.config.CACHE_DIR``; set it for the declaration only. (If the directory cannot be
    written, Numba falls back to its own places.)"""
    before = NUMBA_CONFIG.CACHE_DIR
    NUMBA_CONFIG.CACHE_DIR = os.fspath(path)
    try:
        yield
    finally:
        NUMBA_CONFIG.CACHE_DIR = before


def kernel(
    function: F | None = None,
    /,
    *,
    signature: str | None = None,
    inline: Literal["never", "always"] = "never",
    error_model: Literal["python", "numpy"] = "python",
) -> Any:
    """``numba.njit(cache=True)`` with the cache in :func:`cache_dir`: ``@kernel``, or
    ``@kernel(signature="float64(float64[::1])")`` to compile one signature when declared,
    or ``@kernel(inline="always")`` for a small helper Numba should copy into its callers
    (its arguments' signs are then known there; never for a recursive one).
    ``error_model="numpy"``: a division by zero gives inf or nan, as in the NumPy reference,
    instead of raising — without the check, LLVM can do several slots at once."""

    def declare(function: F) -> Any:
        with _numba_cache_dir(cache_dir()):
            if signature is None:
                return njit(cache=True, inline=inline, error_model=error_model)(function)
            return njit(signature, cache=True, inline=inline, error_model=error_model)(function)

    return declare if function is None else declare(function)

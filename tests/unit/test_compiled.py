"""The compiled kernels' cache is keyed by the source of every compiled function and of the
modules it reads: Numba keys a function by its own file alone, so a change to a helper in
another file (a pairwise sum) or to a constant it compiles in (the number of powers) would
leave the kernels running old machine code."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from angang.engine import compiled
from angang.engine.compiled import PACKAGE, compiled_sources, sources_digest


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A copy of angang's sources to edit."""
    root = tmp_path / "angang"
    shutil.copytree(PACKAGE, root, ignore=shutil.ignore_patterns("__pycache__", "data"))
    return root


def test_the_key_covers_the_kernels_and_the_modules_they_read() -> None:
    names = {p.relative_to(PACKAGE).as_posix() for p in compiled_sources()}
    declaring = {"engine/compiled.py", "engine/aggregate.py", "model/kernels/sums.py"}
    read = {"ids.py", "engine/state.py", "mechanisms/construction.py", "model/kernels/shapes.py"}
    assert declaring | read <= names
    assert not names & {"model/loop.py", "cli/running.py", "report/figures.py"}


def test_a_change_to_a_shared_helper_changes_the_key(package: Path) -> None:
    before = sources_digest(package)
    sums = package / "model" / "kernels" / "sums.py"
    sums.write_text(sums.read_text().replace("BLOCK = 128", "BLOCK = 64"))
    assert sources_digest(package) != before


def test_a_change_to_a_constant_the_kernels_compile_in_changes_the_key(package: Path) -> None:
    before = sources_digest(package)
    ids = package / "ids.py"
    ids.write_text(ids.read_text() + "\nEXTRA = 1\n")
    assert sources_digest(package) != before


def test_a_change_outside_the_kernels_keeps_the_key(package: Path) -> None:
    before = sources_digest(package)
    loop = package / "model" / "loop.py"
    loop.write_text(loop.read_text() + "\n# a comment\n")
    assert sources_digest(package) == before


def test_every_compiled_function_is_declared_through_the_keyed_cache() -> None:
    """No module calls Numba's ``njit`` or ``jit`` itself (its cache would be keyed by its
    own file only); ``angang.engine.compiled`` is the one place."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path == Path(compiled.__file__):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("numba"):
                offenders += [f"{path.name}: {a.name}" for a in node.names if "jit" in a.name]
            if isinstance(node, ast.Attribute) and node.attr in {"njit", "jit"}:
                offenders.append(f"{path.name}: .{node.attr}")
    assert not offenders, offenders


def test_stale_caches_are_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In the package's own cache, other digests are this checkout's older sources."""
    package = tmp_path / "angang"
    stale = package / "__pycache__" / "kernels-0000000000000000"
    other = package / "__pycache__" / "unrelated"
    stale.mkdir(parents=True)
    other.mkdir()
    monkeypatch.setattr(compiled.NUMBA_CONFIG, "CACHE_DIR", "")
    monkeypatch.setattr(compiled, "PACKAGE", package)
    monkeypatch.setattr(compiled, "sources_digest", lambda: "1111111111111111")
    compiled.cache_dir.cache_clear()
    try:
        here = compiled.cache_dir()
    finally:
        compiled.cache_dir.cache_clear()
    assert here == package / "__pycache__" / "kernels-1111111111111111"
    assert not stale.exists() and other.exists()


def test_a_shared_numba_cache_keeps_other_checkouts_caches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two checkouts may share NUMBA_CACHE_DIR; neither deletes the other's kernels."""
    theirs = tmp_path / "kernels-0000000000000000"
    theirs.mkdir()
    monkeypatch.setattr(compiled.NUMBA_CONFIG, "CACHE_DIR", str(tmp_path))
    compiled.cache_dir.cache_clear()
    try:
        here = compiled.cache_dir()
    finally:
        compiled.cache_dir.cache_clear()
    assert here == tmp_path / f"kernels-{sources_digest()}"
    assert theirs.exists()

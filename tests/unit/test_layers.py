"""The layers import one way (DESIGN.md §4): the engine imports no mechanism and no model,
the mechanisms no model, none of the three the runner, the analysis or the interfaces, and
the runner neither the analysis nor the interfaces; no module imports itself round a loop."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import angang

ROOT = Path(angang.__file__).parent
ABOVE = (
    "angang.runner",
    "angang.analysis",
    "angang.report",
    "angang.dashboard",
    "angang.cli",
    "angang.terminal",
)
FORBIDDEN = {
    "engine": ("angang.mechanisms", "angang.model", *ABOVE),
    "mechanisms": ("angang.model", *ABOVE),
    "model": ABOVE,
    # the runner stores runs; what judges them (scorecard, validation) sits above it
    "runner": (
        "angang.analysis",
        "angang.report",
        "angang.dashboard",
        "angang.cli",
        "angang.terminal",
    ),
}


def imported(path: Path, text: str | None = None) -> set[str]:
    """Every module a file (or ``text`` read as that file) imports, relative imports
    resolved."""
    package = "angang." + ".".join(path.relative_to(ROOT).parent.parts)
    names = set()
    for node in ast.walk(ast.parse(path.read_text() if text is None else text)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                names.add(f"{base}.{node.module}" if node.module else base)
            elif node.module:
                names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layers_import_one_way(layer: str) -> None:
    wrong = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in (ROOT / layer).rglob("*.py")
        for name in imported(path)
        if name.startswith(FORBIDDEN[layer])
    }
    assert not wrong, sorted(wrong)


def test_the_check_sees_an_upward_import() -> None:
    probe = ROOT / "engine" / "probe.py"  # never written: the text is parsed as if it were
    assert "angang.model.loop" in imported(probe, "from angang.model.loop import simulate\n")
    assert "angang.engine.world" in imported(probe, "from .world import Layout\n")
    assert "angang.mechanisms" in imported(probe, "from ..mechanisms import labour\n")


def _graph() -> dict[str, set[str]]:
    """angang's modules and the angang modules each imports (at the top or inside a
    function), packages resolved to their __init__ module."""
    modules = {
        "angang." + ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in ROOT.rglob("*.py")
    }
    graph = {}
    for path in ROOT.rglob("*.py"):
        name = "angang." + ".".join(path.relative_to(ROOT).with_suffix("").parts)
        name = name.removesuffix(".__init__")
        graph[name] = {m for m in imported(path) if m in modules and m != name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Import cycles (each found once, from its first module in sorted order)."""
    found, done = [], set()

    def visit(node: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt in path:
                cycle = path[path.index(nxt) :]
                if min(cycle) == cycle[0] and frozenset(cycle) not in done:
                    done.add(frozenset(cycle))
                    found.append([*cycle, nxt])
            elif len(path) < 12:
                visit(nxt, [*path, nxt])

    for start in sorted(graph):
        visit(start, [start])
    return found


def test_no_import_cycles_between_modules() -> None:
    cycles = _cycles(_graph())
    assert not cycles, cycles


def test_the_cycle_check_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]

"""Fuzzing the scenario files users hand in: the built-in scenarios and patches, mutated — wrong
types, NaN, ±inf, huge and negative numbers, unicode, deep nesting, paths, missing and extra
keys — must each either validate *and* run, or be refused with exit status 2 and one
paragraph. Never a traceback (README, "Bad input": a file that `validate` accepts runs)."""

from __future__ import annotations

import copy
import hashlib
import json
import math
import os
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from angang.cli import app
from angang.scenario import builtin_names, load

BUILTIN = resources.files("angang.scenario") / "builtin"
SOURCES = {
    name: tomllib.loads((BUILTIN / f"{name}.toml").read_text(encoding="utf-8"))
    for name in builtin_names()
}
#: cases per CI run (the issue asks for at least 1,000); override with ANGANG_FUZZ_CASES
CASES = int(os.environ.get("ANGANG_FUZZ_CASES", "1000"))
DOC_FIELDS = {"source", "note", "title", "description", "question"}

WEIRD = st.one_of(
    st.sampled_from([0, -1, 1, 2, 10**6, 10**12, 2**63 - 1, -(2**63)]),
    st.sampled_from([math.nan, math.inf, -math.inf, 1e308, -1e308, 1e-308, -0.5, 0.5, 1.5]),
    st.sampled_from(
        [
            "",
            "baseline",
            "no-great-leap",
            "../baseline.toml",
            "/etc/passwd",
            "../../../../../../etc/passwd",
            "parameters/calibration.toml",
            "mutated.toml",
            "nul\x00byte",
            "é",
            "鞍钢",
            "🙂" * 3,
            "[bold]x[/]",
            ":china:",
            "a" * 300,
            "great-leap-forward-1958",
            "steel",
            "northeast",
        ]
    ),
    st.text(max_size=12),
    st.booleans(),
    st.sampled_from([[], [1], ["x"], [{}], {}, {"x": 1}, {"id": "x"}]),
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path in a parsed TOML document."""
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


def _parent(doc: Any, path: tuple[Any, ...]) -> Any:
    for key in path[:-1]:
        doc = doc[key]
    return doc


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, str]:
    """(label, TOML text): a built-in scenario with one to three mutations."""
    name = draw(st.sampled_from(sorted(SOURCES)))
    doc = copy.deepcopy(SOURCES[name])
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3]))):
        paths = _paths(doc)
        op = draw(
            st.sampled_from(["scale"] * 6 + ["replace"] * 3 + ["delete", "extra", "top", "deep"])
        )
        numbers = [
            p
            for p in paths
            if isinstance(_parent(doc, p)[p[-1]], int | float)
            and not isinstance(_parent(doc, p)[p[-1]], bool)
        ]
        if op == "scale" and numbers:  # plausible-looking numbers that stress the engine
            path = draw(st.sampled_from(numbers))
            parent = _parent(doc, path)
            factor = draw(st.sampled_from([0.5, 2, 0, 10, -1, 1000, 1e6]))
            value = parent[path[-1]] * factor
            parent[path[-1]] = type(parent[path[-1]])(value) if abs(value) < 1e18 else value
        elif op in ("replace", "delete", "extra") and paths:
            path = draw(st.sampled_from(paths))
            parent = _parent(doc, path)
            if op == "replace":
                parent[path[-1]] = copy.deepcopy(draw(WEIRD))
            elif op == "delete":
                del parent[path[-1]]
            elif isinstance(parent, dict):
                parent[draw(st.sampled_from(["typo", "id", "kind", "year", "é"]))] = copy.deepcopy(
                    draw(WEIRD)
                )
        elif op == "top":
            key = draw(
                st.sampled_from(
                    [
                        "extends",
                        "parameters_file",
                        "remove",
                        "move",
                        "change",
                        "events",
                        "meta",
                        "parameters",
                        "initial",
                        "calibration",
                        "unknown",
                    ]
                )
            )
            doc[key] = copy.deepcopy(draw(WEIRD))
        else:
            doc["deep"] = 0
    try:
        text = tomli_w.dumps(doc)
    except (TypeError, ValueError):  # a value TOML cannot hold (a NUL in a key, say)
        text = json.dumps(doc, default=str)
    if "deep" in doc:
        depth = draw(st.sampled_from([20, 2_000, 20_000]))
        nest = draw(
            st.sampled_from([("[" * depth) + ("]" * depth), ("{a=" * depth) + "1" + ("}" * depth)])
        )
        text = text.replace("deep = 0", f"deep = {nest}")
    return name, text


def _inputs_key(path: Path) -> str | None:
    """A hash of what the engine reads (documentation fields left out), to run each distinct
    input once."""
    try:
        scenario = load(path).scenario
    except Exception:
        return None
    dump = scenario.model_dump(mode="json")

    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k not in DOC_FIELDS}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    return hashlib.sha256(json.dumps(strip(dump), sort_keys=True).encode()).hexdigest()


def _clean(result: Any) -> bool:
    """Exit status 0 or 2, no traceback, no exception other than the CLI's own exit."""
    return (
        result.exit_code in (0, 2)
        and "Traceback" not in result.output
        and (result.exception is None or isinstance(result.exception, SystemExit))
    )


@pytest.mark.slow
@settings(
    max_examples=CASES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(case=mutated())
def test_a_mutated_scenario_validates_and_runs_or_exits_2(
    case: tuple[str, str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    name, text = case
    folder = tmp_path_factory.mktemp("fuzz", numbered=True)
    (folder / "parameters").mkdir()
    (folder / "parameters" / "calibration.toml").write_text(
        (BUILTIN / "parameters" / "calibration.toml").read_text(encoding="utf-8")
    )
    path = folder / "mutated.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    cli = CliRunner()
    checked = cli.invoke(app, ["validate", str(path)])
    assert _clean(checked), (name, text[:400], checked.output)
    if checked.exit_code != 0:
        assert "error:" in checked.output, checked.output
        return
    key = _inputs_key(path)
    if key in RAN:
        return
    ran = cli.invoke(
        app,
        [
            "run",
            str(path),
            "--no-report",
            "--runs",
            "1",
            "--scale",
            "0.05",
            "--batch-size",
            "1",
            "--workers",
            "1",
            "--out",
            str(folder / "run"),
            "--quiet",
        ],
    )
    assert ran.exit_code == 0 and _clean(ran), (name, text[:400], ran.output)
    RAN.add(key)


RAN: set[str | None] = set()

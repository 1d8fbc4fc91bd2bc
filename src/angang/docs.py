"""Generated parts of the documentation, so that nothing is written twice.

``python -m angang.docs docs/ODD.md`` fills every block between
``<!-- BEGIN GENERATED: NAME -->`` and ``<!-- END GENERATED: NAME -->`` with a table built from
the code: the parameters (from the scenario schema), the state variables (from
:class:`angang.engine.state.State`), the schedule (from :data:`angang.model.loop.SCHEDULE`),
the recorded variables and the policy levers. A test checks the committed file is in sync.
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Callable
from pathlib import Path

from angang.engine.state import State
from angang.model.loop import SCHEDULE
from angang.model.observe import VARIABLES
from angang.scenario.parameters import parameter_table
from angang.scenario.schema import EVENT_KINDS, LEVER_DEFAULTS, LEVERS

BLOCK = re.compile(
    r"(<!-- BEGIN GENERATED: (\w+) -->\n)(.*?)(<!-- END GENERATED: \2 -->)", re.DOTALL
)


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def parameters() -> str:
    """The parameter table: name, default, range, unit, meaning, source."""
    return _table(
        ["parameter", "default", "range", "unit", "meaning", "source"],
        [
            [
                f"`{r['name']}`",
                f"{r['default']:g}",
                f"{r['low']:g}–{r['high']:g}",
                r["unit"],
                r["meaning"],
                r["source"],
            ]
            for r in parameter_table()
        ],
    )


def state_variables() -> str:
    """The state table, read from the ``#:`` comments of the State dataclass."""
    rows = []
    lines = inspect.getsource(State).splitlines()
    for i, line in enumerate(lines):
        match = re.match(r"\s+(\w+): [\w.\[\], ]+\s+#: (.*)", line)
        if not match:
            continue
        doc = match.group(2)
        for follow in lines[i + 1 :]:
            more = re.match(r"\s+#: (.*)", follow)
            if not more:
                break
            doc += " " + more.group(1)
        rows.append([f"`{match.group(1)}`", doc])
    return _table(["state variable", "shape, type, unit and meaning"], rows)


def schedule() -> str:
    """The yearly schedule, in order, with each step's one-line summary."""
    rows = []
    for i, step in enumerate(SCHEDULE, 1):
        doc = (inspect.getdoc(step) or "").splitlines()[0]
        rows.append([i, f"`{step.__module__.split('.')[-1]}.{step.__name__}`", doc])
    return _table(["#", "step", "what it does"], rows)


def outputs() -> str:
    """The recorded variables with units and entities."""
    return _table(
        ["variable", "unit", "entities", "meaning"],
        [[f"`{k}`", v.unit, v.entities, v.meaning] for k, v in VARIABLES.items()],
    )


def levers() -> str:
    """Policy levers with their value before any event sets them, and the event kinds."""
    table = _table(
        ["lever", "value before any event"],
        [[f"`{name}`", f"{LEVER_DEFAULTS[name]:g}"] for name in LEVERS],
    )
    kinds = ", ".join(f"`{k}`" for k in EVENT_KINDS)
    return table + f"\nEvent kinds: {kinds}.\n"


GENERATORS: dict[str, Callable[[], str]] = {
    "parameters": parameters,
    "state": state_variables,
    "schedule": schedule,
    "outputs": outputs,
    "levers": levers,
}


def render(text: str) -> str:
    """``text`` with every generated block refreshed."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(2)
        if name not in GENERATORS:
            raise KeyError(
                f"unknown generated block {name!r}; expected one of {sorted(GENERATORS)}"
            )
        return match.group(1) + GENERATORS[name]() + match.group(4)

    return BLOCK.sub(fill, text)


def main(argv: list[str]) -> int:
    """Refresh the generated blocks of each file named on the command line."""
    for name in argv:
        path = Path(name)
        path.write_text(render(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

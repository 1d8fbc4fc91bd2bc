"""User-facing errors: one paragraph naming the file, the field and what was expected."""

from __future__ import annotations


class AngangError(Exception):
    """An error caused by the user's input; the CLI prints it without a traceback."""


class ScenarioError(AngangError):
    """A scenario file or patch is malformed, refers to something unknown, or is out of range."""

    def __init__(self, source: str, field: str | None, problem: str, line: int | None = None):
        self.source = source
        self.field = field
        self.problem = problem
        self.line = line
        where = source if line is None else f"{source}, line {line}"
        what = f" field `{field}`:" if field else ""
        super().__init__(f"{where}:{what} {problem}")

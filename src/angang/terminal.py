"""The terminal: plain consoles, data tables that never cut an id, one-paragraph errors,
warnings and progress bars, shared by the command line's commands."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table as RichTable
from rich.text import Text

from angang.errors import AngangError

# what the tables and messages print is data (ids, titles, sources, paths): never read as
# markup or emoji codes (``:china:``), so it prints as written
out = Console(emoji=False, markup=False, highlight=False)
err = Console(stderr=True, emoji=False)


def console_at(width: int) -> Console:
    """A console at least ``width`` wide (wide tables), as plain as :data:`out`."""
    return Console(width=max(out.width, width), emoji=False, markup=False, highlight=False)


WIDE = 120  #: terminal columns below which long tables print as blocks
#: columns that hold ids and names: printed whole
KEYS = frozenset({"fact", "parameter", "outcome", "event", "id", "name", "variable"})


class Table(RichTable):
    """A table of data: every cell, header and title printed as written (no markup, no emoji),
    long cells wrapped rather than cut, and the ``key`` columns (ids, names) as wide as their
    longest entry, so that an id is never cut or folded, whatever the terminal's width or in a
    pipe."""

    def __init__(self, *args: Any, title: str | Text | None = None, **kwargs: Any) -> None:
        super().__init__(*args, title=Text(title) if isinstance(title, str) else title, **kwargs)
        self._keys: set[int] = set()

    def add_column(self, header: Any = "", *args: Any, key: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("overflow", "fold")  # wrap, never cut with an ellipsis
        if key:
            self._keys.add(len(self.columns))
            kwargs.update(no_wrap=True, min_width=len(str(header)))
        super().add_column(Text(header) if isinstance(header, str) else header, *args, **kwargs)

    def add_row(self, *cells: Any, **kwargs: Any) -> None:
        texts = [c if isinstance(c, Text) else Text(str(c)) for c in cells]
        for i in self._keys & set(range(len(texts))):
            column = self.columns[i]
            column.min_width = max(column.min_width or 0, texts[i].cell_len)
        super().add_row(*texts, **kwargs)


F = TypeVar("F", bound=Callable[..., Any])


def user_errors(fn: F) -> F:
    """Print an AngangError as one paragraph and exit 2, with no traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except AngangError as e:
            # the message quotes user input (ids, paths, patterns): never read it as markup
            err.print(f"[bold red]error:[/] {escape(str(e))}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def warn(text: str) -> None:
    err.print(f"[bold yellow]warning:[/] {escape(text)}", highlight=False, soft_wrap=True)


def progress(quiet: bool, counted: bool = True) -> Progress:
    """A progress bar on stderr: run-years done of the total, or (``counted=False``, for work
    in parts of unequal size) a percentage."""
    done = (MofNCompleteColumn(), TextColumn("run-years")) if counted else (TaskProgressColumn(),)
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        *done,
        TimeRemainingColumn(),
        console=err,
        disable=quiet,
        transient=True,
    )


def report_cascade(removed_with: dict[str, str]) -> None:
    """Tell the user which events went with the ones they removed."""
    for dependent, required in removed_with.items():
        out.print(f"also removed: {dependent} (it requires {required})")

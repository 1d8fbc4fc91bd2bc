"""The ``angang`` command line's application and entry point."""

from __future__ import annotations

import sys

import typer

from angang.terminal import err

app = typer.Typer(
    help="angang: simulate China's state-directed industrialization through Angang, 1916-2000.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # help text is plain: `[@YEARS]` is syntax, not a markup tag
)


def main() -> None:
    """Entry point of the ``angang`` script."""
    try:
        app()
    except KeyboardInterrupt:
        err.print(
            "interrupted; nothing partial was left looking complete. Batches already "
            "finished are kept: rerun with --resume to continue."
        )
        sys.exit(130)

"""The ``angang`` command line: a thin shell over the Python API. Its commands live in
:mod:`.running`, :mod:`.analysis` and :mod:`.reference` (each registers its own on the
application, in this order, which is the order of ``angang --help``); the terminal's tables,
errors and progress bars in :mod:`angang.terminal`."""

# isort: off
from angang.cli import running  # noqa: F401 (registers its commands)
from angang.cli import analysis  # noqa: F401
from angang.cli import reference  # noqa: F401

# isort: on
from angang.cli.app import app, main
from angang.cli.running import run

__all__ = ["app", "main", "run"]

"""angang: an agent-based simulation of China's state-directed industrialization, 1916-2000.

The Python API: :func:`run` an ensemble, :func:`compare` two scenarios, :func:`attribute` an
outcome to events, :func:`sensitivity` of an outcome to the parameters. They load lazily, so
``import angang`` stays cheap.
"""

from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("angang")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

_API = {
    "run": ("angang.analysis.checks", "run"),
    "compare": ("angang.analysis.compare", "compare"),
    "attribute": ("angang.analysis.attribution", "attribute"),
    "sensitivity": ("angang.analysis.sensitivity", "sensitivity"),
}


def __getattr__(name: str) -> Any:
    if name in _API:
        from importlib import import_module

        module, attr = _API[name]
        return getattr(import_module(module), attr)
    raise AttributeError(f"module 'angang' has no attribute {name!r}")


__all__ = ["__version__", "attribute", "compare", "run", "sensitivity"]

"""angang: an agent-based simulation of China's state-directed industrialization, 1916-2000."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("angang")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]

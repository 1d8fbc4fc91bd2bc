"""The lengths of the state's short axes, as constants the kernels compile in.

A loop over the foreign powers, the provenance of technology or the cohorts of a workforce
whose length Numba knows when it compiles is unrolled: the compiled code has no loop left,
only the same scalar operations in the same order (no packed instructions: inspected), so
the same numbers; technology transfer's kernel took half the time. The kernels' wrappers
check the arrays they pass against these lengths with :func:`check_lengths`, because a
compiled loop reads past a shorter array without a word.
"""

from __future__ import annotations

import numpy as np

from angang.engine.state import DOMESTIC_COHORTS, K
from angang.ids import POWERS

N_POWERS = len(POWERS)  #: foreign powers (on-site experts, transfer, alliances)
N_SOURCES = 1 + N_POWERS  #: where technology came from: home, then each power
N_COHORTS = K  #: a workforce's cohorts: the domestic ones, then experts by power
N_DOMESTIC = DOMESTIC_COHORTS  #: workers, skilled workers, engineers


def check_lengths(**arrays: np.ndarray) -> None:
    """Each named array's last axis has the length the kernels compile in:
    ``workforce`` N_COHORTS, ``provenance`` N_SOURCES, ``on_site``, ``frontier`` and an
    offer's ``sources`` N_POWERS, ``split`` (the domestic cohorts' shares) N_DOMESTIC."""
    expected = {
        "workforce": N_COHORTS,
        "provenance": N_SOURCES,
        "on_site": N_POWERS,
        "frontier": N_POWERS,
        "sources": N_POWERS,
        "split": N_DOMESTIC,
    }
    for name, array in arrays.items():
        if array.shape[-1] != expected[name]:
            raise ValueError(
                f"compiled kernel: {name} has {array.shape[-1]} values on its last axis; "
                f"the kernels were compiled for {expected[name]}"
            )

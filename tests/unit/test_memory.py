"""engine.memory: freed arrays are reused instead of coming back as fresh pages."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from angang.engine import memory

#: a year's worth of making and dropping (runs, slots) arrays, counting the page faults
CHURN = """
import resource, sys
import numpy as np
from angang.engine.memory import keep_freed_memory
tuned = keep_freed_memory() if sys.argv[1] == "tune" else False
kept = [np.ones(100_000) for _ in range(3)]
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(50):
    x = np.ones(1_000_000); y = x * 2.0; z = np.ones(300_000); del x, y, z
print(tuned, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _churn(mode: str, **env: str) -> tuple[bool, int]:
    # without settings of malloc's own from this process (Dask's nanny sets one in it)
    clean = {k: v for k, v in os.environ.items() if k not in memory.USER_SETTINGS}
    out = subprocess.run(
        [sys.executable, "-c", CHURN, mode],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return out[0] == "True", int(out[1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc only")
def test_freed_arrays_are_reused_instead_of_faulting_in_fresh_pages() -> None:
    tuned, faults = _churn("tune")
    untuned, default = _churn("none")
    assert tuned and not untuned
    # 50 x 13 MB of new arrays: about 3,000 pages each time by default, nearly none kept
    assert default > 20_000
    assert faults < default / 10


def test_the_users_own_malloc_settings_are_left_alone() -> None:
    tuned, _ = _churn("tune", MALLOC_TRIM_THRESHOLD_="1000000")
    assert not tuned


def test_it_is_done_once_a_process() -> None:
    first = memory.keep_freed_memory()
    assert memory.keep_freed_memory() is first

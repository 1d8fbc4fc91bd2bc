"""The C allocator's handling of freed memory, tuned for a simulation's year-on-year arrays.

Every step of a year makes new (runs, slots) arrays and drops the old ones. glibc's malloc
hands memory that large back to the kernel when it is freed (it maps each such array on its
own, or trims the top of its heap), so the next year's arrays arrive as fresh pages: about
40,000 page faults a full-scale history, a tenth of its time. Asking malloc to keep freed
memory for reuse — arrays up to 32 MiB from its heap, up to 64 MiB of free heap kept — makes
those faults disappear and costs no peak memory (a full-scale history's largest resident set
is the same). Settings the user gives glibc (``MALLOC_MMAP_THRESHOLD_``,
``MALLOC_TRIM_THRESHOLD_``) are left alone, and so is any other C library.
"""

from __future__ import annotations

import ctypes
import os
import sys

#: glibc's mallopt parameters (malloc.h)
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
#: arrays up to this size come from malloc's heap, not from a mapping of their own
MMAP_THRESHOLD = 32 << 20
#: free memory at the top of the heap that malloc keeps rather than returns
TRIM_THRESHOLD = 64 << 20
#: the environment variables by which a user sets the same in glibc
USER_SETTINGS = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")

_done: bool | None = None


def keep_freed_memory() -> bool:
    """Ask glibc's malloc to keep freed memory for reuse (once a process); True if it now
    does. Does nothing outside Linux with glibc, or where the user set malloc's thresholds."""
    global _done
    if _done is None:
        _done = _tune()
    return _done


def _tune() -> bool:
    if not sys.platform.startswith("linux") or any(v in os.environ for v in USER_SETTINGS):
        return False
    try:
        libc = ctypes.CDLL(None)  # the C library this process runs on
        libc.gnu_get_libc_version  # noqa: B018 - only glibc has it (and this mallopt)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    # both: setting either turns off malloc's own adaptation of the other, and either alone
    # makes more faults, not fewer (measured: a trim threshold alone maps every large array
    # on its own, a mapping threshold alone trims the heap after each year's arrays)
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )

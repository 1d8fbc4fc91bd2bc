"""What an ensemble may ask of this machine, checked before anything is computed.

A scenario's size is bounded by its schema (enterprises per cell, slots per region, the agent
scale); what a run then needs grows with the enterprise slots, the runs per batch, the worker
processes and the number of runs. These checks turn a request the machine cannot hold into a
clear error at the start instead of a MemoryError (or a full disk) at the end.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from angang.errors import AngangError

#: the most runs one ensemble may have (10,000 is the largest measured; see README)
MAX_RUNS = 1_000_000
#: memory per enterprise slot per run of a batch (state, records in flight, temporaries),
#: an upper bound read off `make bench` (peak RSS over slots x runs, all scales)
BYTES_PER_SLOT_RUN = 4_000
#: memory per run of a batch for its records and their tidy table, whatever the scale
BYTES_PER_RUN = 4_000_000
#: disk per run: its share of the spooled batch, series.parquet and results.duckdb
DISK_PER_RUN = 1_000_000
#: share of the available memory a run may plan to use
MEMORY_SHARE = 0.8


def available_memory() -> int:
    """Bytes of memory available to new processes (Linux's MemAvailable, else all RAM)."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))


def _gb(n: float) -> str:
    return f"{n / 1e9:.1f} GB"


def check_size(runs: int, batch_size: int, slots: int, processes: int, out: Path | None) -> None:
    """Refuse an ensemble this machine cannot hold in memory (or on disk, with ``out``)."""
    if runs > MAX_RUNS:
        raise AngangError(
            f"--runs: at most {MAX_RUNS:,} runs in one ensemble, got {runs:,}; "
            "split it into ensembles with different seeds."
        )
    per_run = slots * BYTES_PER_SLOT_RUN + BYTES_PER_RUN
    budget = MEMORY_SHARE * available_memory()
    batch = min(batch_size, runs)
    if per_run > budget:
        raise AngangError(
            f"the scenario has {slots:,} enterprise slots at this scale: one run needs about "
            f"{_gb(per_run)} and this machine has {_gb(budget / MEMORY_SHARE)} available. "
            "Lower --scale, or the scenario's enterprises and slots."
        )
    if processes * batch * per_run > budget:
        fits = max(1, int(budget // (processes * per_run)))
        raise AngangError(
            f"--batch-size {batch} on {processes} process(es): {slots:,} enterprise slots need "
            f"about {_gb(processes * batch * per_run)} at once, and this machine has "
            f"{_gb(budget / MEMORY_SHARE)} available. Use --batch-size {fits} or fewer "
            "(results do not depend on it), or fewer --workers."
        )
    if out is not None:
        parent = next((p for p in (Path(out), *Path(out).parents) if p.exists()), Path("."))
        free = shutil.disk_usage(parent).free
        if runs * DISK_PER_RUN > free:
            raise AngangError(
                f"--out {out}: {runs:,} runs need about {_gb(runs * DISK_PER_RUN)} of disk and "
                f"{parent} has {_gb(free)} free. Free some space, or run fewer runs."
            )

"""The Dask backend: batches as tasks on a Dask cluster (``distributed``).

With a scheduler address angang uses an existing cluster — one started by hand, by
``dask-jobqueue`` on SLURM/PBS, or by ``dask-kubernetes``; without one it starts a
``LocalCluster`` on loopback with one single-threaded worker process per core. Each batch is
one task; a task lost with a dead worker is rescheduled by the scheduler (and retried twice
more if it fails), and since run i always draws from stream (seed, i), a rerun batch gives
the same numbers.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from angang.errors import AngangError

if TYPE_CHECKING:
    from angang.runner.job import Job
    from angang.runner.spool import Done

RETRIES = 2
#: a scheduler address: a protocol Dask speaks, a host and an optional port number
ADDRESS = re.compile(
    r"^(tcp|tls|inproc|ucx|ws|wss)://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)"
    r"(:(\d{1,5}))?$"
)


def check_address(scheduler: str) -> None:
    """Refuse an address Dask could not parse, before any cluster is contacted."""
    match = ADDRESS.match(scheduler)
    if match is None or (match.group(4) is not None and not 0 < int(match.group(4)) < 65536):
        raise AngangError(
            f"--scheduler: expected an address such as tcp://10.0.0.5:8786 "
            f"(protocol tcp, tls, inproc, ucx, ws or wss; a port from 1 to 65535), "
            f"got {scheduler!r}."
        )


def run_on_dask(jobs: list[Job], scheduler: str | None, workers: int) -> Iterator[Done]:
    """Submit every batch; yield them as they finish."""
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise AngangError(
            "--backend dask needs dask.distributed, which is not installed. "
            "Install it with `pip install 'angang[cluster]'`."
        ) from None
    from angang.runner.job import run_job

    if scheduler is not None:
        check_address(scheduler)
    if not jobs:
        return
    cluster = None
    try:
        if scheduler is None:
            cluster = LocalCluster(
                n_workers=workers or (os.cpu_count() or 1),
                threads_per_worker=1,
                host="127.0.0.1",
                dashboard_address=None,
                processes=True,
            )
            client = Client(cluster)
        else:
            client = Client(scheduler)  # waits distributed.comm.timeouts.connect
    except (OSError, ValueError, TypeError) as err:
        if cluster is not None:
            cluster.close()
        raise AngangError(
            f"--scheduler {scheduler}: cannot reach a Dask scheduler there "
            f"({err}). Start one (e.g. `dask scheduler`, or a dask-jobqueue "
            "cluster) and pass its address, e.g. tcp://10.0.0.5:8786."
        ) from None
    try:
        queue = as_completed(
            [
                client.submit(
                    run_job,
                    job,
                    key=f"angang-batch-{job.index:05d}-{job.seed}-{id(jobs):x}",
                    retries=RETRIES,
                    pure=False,
                )
                for job in jobs
            ]
        )
        for future in queue:  # only the queue holds the futures: each is dropped once read
            result = future.result()
            future.release()
            yield result
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

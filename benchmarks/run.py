"""Engine throughput and memory on named configurations; prints a table and saves it.

Each configuration runs in a fresh subprocess so that its peak resident memory is its own.
Usage: ``python benchmarks/run.py [--configs small,default] [--runs N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

#: name -> (agent scale, batch sizes to try)
CONFIGS = {
    "small": (0.2, (8, 32)),
    "default": (1.0, (8, 32)),
}
HERE = Path(__file__).resolve().parent


def measure(scale: float, batch: int, runs: int) -> dict[str, float]:
    """Run one ensemble in this process and return its throughput and peak memory."""
    import numpy as np

    from angang.engine.loop import make_world, simulate
    from angang.scenario import load_scenario

    scenario = load_scenario("baseline")
    world = make_world(scenario, scale)
    start = time.perf_counter()
    enterprise_years = 0.0
    for first in range(0, runs, batch):
        ids = np.arange(first, min(runs, first + batch))
        result = simulate(scenario, ids, seed=1, world=world)
        enterprise_years += float(result.enterprise_years.sum())
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"slots": world.layout.n, "seconds": seconds, "runs_per_s": runs / seconds,
            "enterprise_years_per_s": enterprise_years / seconds, "peak_rss_mib": peak_kib / 1024}


def machine() -> str:
    """A one-line description of the machine the benchmark ran on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--configs", default=",".join(CONFIGS))
    parser.add_argument("--runs", type=int, default=64)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        scale, batch = json.loads(args.child)
        print(json.dumps(measure(scale, batch, args.runs)))
        return
    rows = []
    for name in args.configs.split(","):
        scale, batches = CONFIGS[name]
        for batch in batches:
            out = subprocess.run([sys.executable, __file__, "--runs", str(args.runs), "--child",
                                  json.dumps([scale, batch])], capture_output=True, text=True,
                                 check=True)
            rows.append({"config": name, "batch": batch, **json.loads(out.stdout)})
    header = (f"angang benchmark — {datetime.now(UTC):%Y-%m-%d} — {machine()} — "
              f"{args.runs} full histories (1916-2000) per row")
    lines = [header, "",
             "| config | slots | batch | runs/s | enterprise-years/s | peak RSS (MiB) |",
             "|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['config']} | {r['slots']} | {r['batch']} | {r['runs_per_s']:.1f} | "
                     f"{r['enterprise_years_per_s']:,.0f} | {r['peak_rss_mib']:.0f} |")
    text = "\n".join(lines)
    print(text)
    (HERE / "results" / "latest.md").write_text(text + "\n")


if __name__ == "__main__":
    main()

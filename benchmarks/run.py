"""Engine throughput and memory on named configurations; prints a table and saves it.

Each configuration runs in a fresh subprocess so that its peak resident memory is its own.
Configurations: ``small`` (a few hundred enterprise agents), ``default`` (the baseline's own
scale), ``full`` (about 100,000 agents, the historical order of magnitude of Chinese
industrial enterprises). Then two whole-system measurements: an ensemble on all cores, and a
counterfactual branched from a checkpoint against the same run from 1916.
Usage: ``python benchmarks/run.py [--configs small,default,full]``.
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

#: name -> (agent scale, batch sizes to try, full histories per row)
CONFIGS = {
    "small": (0.2, (8, 32), 32),
    "default": (1.0, (8, 32, 64), 64),
    "full": (60.0, (1, 2), 2),
}
#: issue #7's targets on a 2-core machine, printed beside the measurements
TARGETS = (
    "at default scale >= 200 full histories/s and >= 10 million enterprise-years/s; "
    "a full-scale history in < 5 s; >= 100x a Mesa reference; a 10,000-run "
    "default-scale ensemble within 2 GB"
)
HERE = Path(__file__).resolve().parent


def measure(scale: float, batch: int, runs: int) -> dict[str, float]:
    """Run one ensemble in this process and return its throughput and peak memory."""
    import numpy as np

    from angang.engine.world import make_world
    from angang.model.loop import simulate
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
    return {
        "slots": world.layout.n,
        "seconds": seconds,
        "runs_per_s": runs / seconds,
        "enterprise_years_per_s": enterprise_years / seconds,
        "peak_rss_mib": peak_kib / 1024,
    }


def whole_system(runs: int = 64) -> list[str]:
    """An ensemble on all cores, and a branched counterfactual against a full one."""
    import tempfile

    from angang.runner import run

    lines = []
    start = time.perf_counter()
    run("baseline", runs=runs, seed=1, workers=0)
    seconds = time.perf_counter() - start
    lines.append(
        f"Ensemble, `angang.run('baseline', runs={runs}, workers=0)` on "
        f"{os.cpu_count()} cores: {seconds:.1f} s, {runs / seconds:.1f} histories/s."
    )
    with tempfile.TemporaryDirectory() as tmp:
        run("baseline", runs=runs, seed=1, workers=0, checkpoint_at=1958, out=Path(tmp) / "parent")
        start = time.perf_counter()
        run("no-great-leap", runs=runs, seed=1, workers=0)
        full = time.perf_counter() - start
        start = time.perf_counter()
        run("no-great-leap", workers=0, from_checkpoint=Path(tmp) / "parent")
        branched = time.perf_counter() - start
    lines.append(
        f"Counterfactual `no-great-leap`, {runs} runs: {full:.1f} s from 1916, "
        f"{branched:.1f} s branched from the baseline's checkpoint at 1958 "
        f"({full / branched:.1f}x faster; identical results, tested)."
    )
    return lines


def mesa_ratio(scale: float = 1.0, years: int = 25) -> list[str]:
    """angang's enterprise core against the Mesa reference, same start, same scale."""
    import mesa

    sys.path.insert(0, str(HERE.parent))
    from benchmarks.mesa_reference import angang_core, mesa_core, start

    scenario, world, state = start(scale, 1953)
    agents = int(state.active.sum())
    rates = {}
    for name, fn, runs in (("angang", angang_core, 64), ("mesa", mesa_core, 4)):
        began = time.perf_counter()
        fn(scenario, world, state, runs, years, 1)
        seconds = time.perf_counter() - began
        rates[name] = (runs * years * agents / seconds, runs / seconds)
    ratio = rates["angang"][0] / rates["mesa"][0]
    return [
        f"Enterprise core (technology, production with shortages, bargaining, labour) "
        f"from the baseline's 1953 state, {years} years, {agents:,} enterprises (default "
        f"scale): angang {rates['angang'][0]:,.0f} enterprise-years/s (64 runs in one "
        f"batch); Mesa {mesa.__version__} reference {rates['mesa'][0]:,.0f} "
        f"enterprise-years/s (one agent object per enterprise); ratio {ratio:.0f}x."
    ]


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
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        scale, batch, runs = json.loads(args.child)
        print(json.dumps(measure(scale, batch, runs)))
        return
    rows = []
    for name in args.configs.split(","):
        scale, batches, runs = CONFIGS[name]
        for batch in batches:
            out = subprocess.run(
                [sys.executable, __file__, "--child", json.dumps([scale, batch, runs])],
                capture_output=True,
                text=True,
                check=True,
            )
            rows.append({"config": name, "batch": batch, "runs": runs, **json.loads(out.stdout)})
    header = f"angang benchmark — {datetime.now(UTC):%Y-%m-%d} — {machine()}"
    lines = [
        header,
        "",
        "Engine, one process, full histories 1916-2000 of the calibrated baseline:",
        "",
        "| config | slots | batch | runs | runs/s | s per history | enterprise-years/s "
        "| peak RSS (MiB) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['config']} | {r['slots']:,} | {r['batch']} | {r['runs']} | "
            f"{r['runs_per_s']:.2f} | {1 / r['runs_per_s']:.2f} | "
            f"{r['enterprise_years_per_s']:,.0f} | {r['peak_rss_mib']:.0f} |"
        )
    lines += ["", *whole_system(), "", *mesa_ratio(), "", f"Targets (issue #7): {TARGETS}."]
    text = "\n".join(lines)
    print(text)
    (HERE / "results" / "latest.md").write_text(text + "\n")


if __name__ == "__main__":
    main()

"""Engine throughput and memory on named configurations; prints a table and saves it.

Each configuration runs in a fresh subprocess so that its peak resident memory is its own.
Configurations: ``small`` (a few hundred enterprise agents), ``default`` (the baseline's own
scale), ``full`` (about 100,000 agents, the historical order of magnitude of Chinese
industrial enterprises); each with the compiled engine, and ``default`` also with the NumPy
reference. Then whole-system measurements: the marginal rate of a 544-run over a 32-run
ensemble on all cores, from scenario to series.parquet; a counterfactual branched from a
checkpoint against the same run from 1916; the enterprise core against a Mesa reference;
and, with ``--big``, the peak memory of a 10,000-run ensemble.
Usage: ``python benchmarks/run.py [--configs small,default,full] [--big]``.
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
from typing import Any

#: name -> (agent scale, batch sizes to try, full histories per row, engines)
CONFIGS = {
    "small": (0.2, (8, 32), 32, ("numba",)),
    "default": (1.0, (8, 32, 64), 64, ("numba", "numpy")),
    "full": (60.0, (1, 2), 2, ("numba",)),
}
#: issue #13's targets on a 2-core machine, printed beside the measurements
TARGETS = (
    ">= 100 full histories/s at default scale on both cores, scenario to series.parquet "
    "(marginal rate of 544 over 32 runs); >= 100x the Mesa reference; a full-scale history "
    "in < 1 s with its cost per active enterprise-year within 2x of the default scale's; a "
    "10,000-run default-scale ensemble under 2 GB"
)
HERE = Path(__file__).resolve().parent
REPEATS = 3  #: timings of each side of the Mesa comparison, of which the median counts


def measure(scale: float, batch: int, runs: int, engine: str) -> dict[str, float]:
    """Run one ensemble in this process and return its throughput and peak memory."""
    import numpy as np

    from angang.engine.world import make_world
    from angang.model.loop import simulate
    from angang.scenario import load_scenario

    scenario = load_scenario("baseline")
    world = make_world(scenario, scale)
    simulate(scenario, np.arange(1), seed=1, world=make_world(scenario, 0.05), engine=engine)
    start = time.perf_counter()  # after the kernels are loaded (compiled once, then cached)
    enterprise_years = 0.0
    for first in range(0, runs, batch):
        ids = np.arange(first, min(runs, first + batch))
        result = simulate(scenario, ids, seed=1, world=world, engine=engine)
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
    """The marginal rate of a large ensemble written to disk, and a branched counterfactual
    against a full one, on all cores."""
    import tempfile

    import numpy as np

    from angang import run

    lines = []
    timings: dict[int, list[float]] = {32: [], 544: []}
    with tempfile.TemporaryDirectory() as tmp:
        for repeat in range(REPEATS):  # the median of a few: one timing varies by a tenth
            for n in timings:
                out = Path(tmp) / f"r{n}-{repeat}"
                start = time.perf_counter()
                run("baseline", runs=n, seed=1, workers=0, out=out, keep_series=False)
                timings[n].append(time.perf_counter() - start)
    seconds = {n: float(np.median(t)) for n, t in timings.items()}
    marginal = (544 - 32) / (seconds[544] - seconds[32])
    lines.append(
        "Ensembles to disk (`angang.run('baseline', runs=N, workers=0, out=..., "
        "keep_series=False)`, as `angang run` does: scenario to "
        f"series.parquet, results.duckdb, scorecard and validation) on {os.cpu_count()} cores: "
        f"32 runs {seconds[32]:.1f} s, 544 runs {seconds[544]:.1f} s; marginal rate "
        f"{marginal:.1f} histories/s ({marginal / (os.cpu_count() or 1):.1f} per core; medians "
        f"of {REPEATS} timings)."
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


def big_ensemble(runs: int = 10_000) -> list[str]:
    """Peak memory of a large default-scale ensemble streamed to disk, in a fresh process:
    the parent's peak and its largest worker's (together an upper bound of the total)."""
    import tempfile

    code = (
        "import resource, sys, time, json; from pathlib import Path; "
        "from angang import run; t = time.perf_counter(); "
        f"run('baseline', runs={runs}, seed=1, workers=0, out=Path(sys.argv[1]) / 'big', "
        "keep_series=False); "
        "print(json.dumps([time.perf_counter() - t, "
        "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
        "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))"
    )
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            [sys.executable, "-c", code, tmp], capture_output=True, text=True, check=True
        )
        size = sum(f.stat().st_size for f in (Path(tmp) / "big").iterdir() if f.is_file())
    seconds, parent, child = json.loads(out.stdout.strip().splitlines()[-1])
    return [
        f"{runs:,}-run default-scale ensemble to disk on {os.cpu_count()} cores: "
        f"{seconds:.0f} s ({runs / seconds:.1f} histories/s); peak memory {parent / 1024:.0f} MiB "
        f"in the parent and {child / 1024:.0f} MiB in its largest worker ("
        f"{(parent + child * (os.cpu_count() or 1)) / 1024:.0f} MiB at most together); run "
        f"directory {size / 2**20:,.0f} MiB."
    ]


def mesa_ratio(scale: float = 1.0, years: int = 25) -> list[str]:
    """angang's enterprise core against the Mesa reference, same start, same scale."""
    import mesa
    import numpy as np

    sys.path.insert(0, str(HERE.parent))
    from benchmarks.mesa_reference import angang_core, mesa_core, start

    scenario, world, state = start(scale, 1953)
    agents = int(state.active.sum())
    rates = {}
    for name, fn, runs in (("angang", angang_core, 64), ("mesa", mesa_core, 4)):
        seconds = []
        for _ in range(REPEATS):  # the median of a few: single timings vary by a tenth
            began = time.perf_counter()
            fn(scenario, world, state, runs, years, 1)
            seconds.append(time.perf_counter() - began)
        median = float(np.median(seconds))
        rates[name] = (runs * years * agents / median, runs / median)
    ratio = rates["angang"][0] / rates["mesa"][0]
    return [
        f"Enterprise core (technology, production with shortages, bargaining, labour) "
        f"from the baseline's 1953 state, {years} years, {agents:,} enterprises (default "
        f"scale): angang {rates['angang'][0]:,.0f} enterprise-years/s (64 runs in one "
        f"batch); Mesa {mesa.__version__} reference {rates['mesa'][0]:,.0f} "
        f"enterprise-years/s (one agent object per enterprise); ratio {ratio:.0f}x "
        f"(median of {REPEATS} timings each)."
    ]


def where_the_time_goes(scale: float = 1.0, runs: int = 64) -> list[str]:
    """Seconds in each step of the year (and in the record) for one batch, compiled engine:
    where a speed-up has to come from."""
    from collections import Counter

    import numpy as np

    from angang.engine.rng import CompiledStreams
    from angang.engine.state import Params, initial_state, owned
    from angang.engine.world import make_world
    from angang.model.loop import SCHEDULE, schedule, simulate, year_totals
    from angang.model.observe import observe
    from angang.scenario import load_scenario

    scenario = load_scenario("baseline")
    world = make_world(scenario, scale)
    simulate(scenario, np.arange(1), 1, world=world)  # the kernels loaded
    params, rng = Params.repeat(scenario.parameters, runs), CompiledStreams(1, np.arange(runs))
    state = owned(initial_state(scenario, world, params, runs))  # as the loop runs it
    # each compiled step named after the reference step it stands for
    names = [f"{ref.__module__.rsplit('.', 1)[-1]}.{ref.__name__}" for ref in SCHEDULE]
    steps, sums = list(zip(names, schedule("numba"), strict=True)), year_totals("numba")
    spent: Counter[str] = Counter()
    began = time.perf_counter()
    for _ in world.timeline.years:
        for name, step in steps:
            start = time.perf_counter()
            state = step(state, world, params, rng)
            spent[name] += time.perf_counter() - start
        start = time.perf_counter()
        observe(state, world, sums(state, world))
        spent["observe (the record)"] += time.perf_counter() - start
    total = time.perf_counter() - began
    lines = [
        f"Where the time goes: one batch of {runs} default-scale histories, compiled engine, "
        f"{total:.2f} s in all:",
        "",
        "| step | s | share |",
        "|---|---:|---:|",
    ]
    for name, seconds in spent.most_common():
        lines.append(f"| {name} | {seconds:.3f} | {seconds / total:.0%} |")
    inside = _seconds_in_kernels(scenario, world, runs)
    lines += [
        "",
        f"Inside compiled kernels (the random draws' among them): {inside:.2f} s of the "
        f"{total:.2f} s ({inside / total:.0%}); with no Python or NumPy between them, one "
        f"core would still make at most {runs / inside:.0f} histories/s.",
    ]
    return lines


def _seconds_in_kernels(scenario: Any, world: Any, runs: int) -> float:
    """Seconds a batch spends inside compiled functions called from Python, by the profiler
    (which counts a compiled call as one call: its own time is the machine code's)."""
    import cProfile
    import importlib
    import pkgutil
    import pstats

    import numpy as np
    from numba.core.registry import CPUDispatcher

    import angang.engine
    import angang.model
    from angang.model.loop import simulate

    compiled = set()
    modules = [
        info.name
        for package in (angang.engine, angang.model)  # every compiled function lives there
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")
    ]
    for name in modules:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, CPUDispatcher):
                code = value.py_func.__code__
                compiled.add((code.co_filename, code.co_name))
    profile = cProfile.Profile()
    profile.runcall(simulate, scenario, np.arange(runs), 1, world=world)
    stats: dict[Any, Any] = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    return sum(row[2] for (file, _, name), row in stats.items() if (file, name) in compiled)


def _cost_per_enterprise_year(rows: list[dict[str, Any]]) -> list[str]:
    """Full scale's cost per active enterprise-year against the default scale's (best
    batch of each, compiled engine)."""
    best: dict[str, float] = {}
    for r in rows:
        if r["engine"] == "numba":
            best[r["config"]] = max(best.get(r["config"], 0.0), r["enterprise_years_per_s"])
    if "full" not in best or "default" not in best:
        return []
    return [
        "",
        f"Cost per active enterprise-year, full scale against default scale: "
        f"{best['default'] / best['full']:.1f}x.",
    ]


def per_history_cost(rows: list[dict[str, Any]]) -> tuple[float, float]:
    """A default-scale batch's seconds as a cost per batch plus a cost per history, fitted by
    least squares to the compiled engine's rows (one per batch size): ``(per batch,
    per history)``. The cost per batch is the Python and NumPy calls a year makes whatever the
    batch's size; the cost per history is what no batch size removes, so ``1 / per history``
    is about what one core could make with no cost per batch (a little more in small batches,
    whose state stays in the cache)."""
    import numpy as np

    points = [(r["batch"], r["batch"] / r["runs_per_s"]) for r in _default_compiled(rows)]
    if len({batch for batch, _ in points}) < 2:
        raise ValueError("per_history_cost: needs default-scale rows of two batch sizes or more")
    batch, seconds = np.array(points, dtype=float).T
    per_history, per_batch = np.polyfit(batch, seconds, 1)
    return float(per_batch), float(per_history)


def _default_compiled(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of the default scale on the compiled engine."""
    return [r for r in rows if r["config"] == "default" and r["engine"] == "numba"]


def _batch_and_history(rows: list[dict[str, Any]]) -> list[str]:
    """The fit of :func:`per_history_cost`, as a line of the report (none where the run
    measured fewer than two batch sizes at default scale, as with ``--configs full``)."""
    try:
        per_batch, per_history = per_history_cost(rows)
    except ValueError:
        return []
    sizes = sorted({r["batch"] for r in _default_compiled(rows)})
    return [
        "",
        f"A default-scale batch of B histories, compiled engine, takes about {per_batch:.3f} s "
        f"+ B x {1000 * per_history:.1f} ms (least squares over batches "
        f"{', '.join(map(str, sizes))}): with no cost per batch at all, one core would make "
        f"about {1 / per_history:.1f} histories/s.",
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
    parser.add_argument("--big", action="store_true", help="also a 10,000-run ensemble")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        scale, batch, runs, engine = json.loads(args.child)
        print(json.dumps(measure(scale, batch, runs, engine)))
        return
    # one throwaway ensemble first: it compiles every kernel a history reaches and caches it
    # on disk (the children's own warm-up, a tiny history, would miss some paths, and the
    # first row would count their compiling)
    subprocess.run(
        [sys.executable, __file__, "--child", json.dumps([1.0, 8, 8, "numba"])],
        capture_output=True,
        check=True,
    )
    rows = []
    for name in args.configs.split(","):
        scale, batches, runs, engines = CONFIGS[name]
        for engine in engines:
            for batch in batches:
                out = subprocess.run(
                    [sys.executable, __file__, "--child", json.dumps([scale, batch, runs, engine])],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                rows.append(
                    {
                        "config": name,
                        "engine": engine,
                        "batch": batch,
                        "runs": runs,
                        **json.loads(out.stdout),
                    }
                )
    header = f"angang benchmark — {datetime.now(UTC):%Y-%m-%d} — {machine()}"
    lines = [
        header,
        "",
        "Engine, one process, full histories 1916-2000 of the calibrated baseline:",
        "",
        "| config | engine | slots | batch | runs | runs/s | s per history | "
        "enterprise-years/s | peak RSS (MiB) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['config']} | {r['engine']} | {r['slots']:,} | {r['batch']} | {r['runs']} | "
            f"{r['runs_per_s']:.2f} | {1 / r['runs_per_s']:.2f} | "
            f"{r['enterprise_years_per_s']:,.0f} | {r['peak_rss_mib']:.0f} |"
        )
    lines += [*_cost_per_enterprise_year(rows), *_batch_and_history(rows)]
    lines += ["", *whole_system(), "", *mesa_ratio()]
    lines += ["", *where_the_time_goes()]
    if args.big:
        lines += ["", *big_ensemble()]
    lines += ["", f"Targets (issue #13): {TARGETS}."]
    text = "\n".join(lines)
    print(text)
    (HERE / "results" / "latest.md").write_text(text + "\n")


if __name__ == "__main__":
    main()

"""Global sensitivity analysis of outcomes to the parameters, with SALib.

Parameters vary over their documented plausible ranges (the scenario schema). Morris
elementary-effects screening is the default (Morris, *Technometrics* 33 (1991); mu* of
Campolongo et al. 2007): cheap, and it ranks which parameters drive an outcome. Sobol'
indices (Saltelli's sampling; Sobol' 2001) are available on request and cost far more runs.
Every sample point is one run of the batched engine, each with its own parameters.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from angang.analysis.calibration import prior_ranges
from angang.analysis.outcomes import parse
from angang.engine.state import Params
from angang.engine.world import make_world
from angang.errors import AngangError
from angang.model.loop import simulate
from angang.scenario.loader import load_scenario
from angang.scenario.parameters import parameter_table

Model = Callable[[np.ndarray], np.ndarray]  #: (points, parameters) -> (points,)


@dataclass(frozen=True)
class Sensitivity:
    """Indices per parameter for one outcome."""

    outcome: str
    method: str
    indices: pd.DataFrame  #: parameter and the method's indices, most influential first
    evaluations: int


def analyse(
    names: Sequence[str],
    bounds: Sequence[tuple[float, float]],
    model: Model,
    method: str = "morris",
    trajectories: int = 10,
    seed: int = 1,
) -> pd.DataFrame:
    """Sample, evaluate ``model`` on all points at once, and analyse with SALib."""
    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    problem = {"num_vars": len(names), "names": list(names), "bounds": [list(b) for b in bounds]}
    if method == "morris":
        x = morris_sample.sample(problem, trajectories, seed=seed)
        y = np.asarray(model(x), dtype=float)
        res = morris_analyze.analyze(problem, x, y, seed=seed)
        frame = pd.DataFrame(
            {
                "parameter": names,
                "mu_star": res["mu_star"],
                "mu_star_conf": res["mu_star_conf"],
                "sigma": res["sigma"],
            }
        )
        return frame.sort_values("mu_star", ascending=False, ignore_index=True)
    if method == "sobol":
        x = sobol_sample.sample(problem, trajectories, seed=seed)
        y = np.asarray(model(x), dtype=float)
        res = sobol_analyze.analyze(problem, y, seed=seed)
        frame = pd.DataFrame(
            {
                "parameter": names,
                "S1": res["S1"],
                "S1_conf": res["S1_conf"],
                "ST": res["ST"],
                "ST_conf": res["ST_conf"],
            }
        )
        return frame.sort_values("ST", ascending=False, ignore_index=True)
    raise AngangError(f"--method {method!r}: expected 'morris' or 'sobol'.")


def sensitivity(
    scenario: str,
    outcome: str,
    parameters: Sequence[str] | None = None,
    method: str = "morris",
    trajectories: int = 10,
    scale: float = 0.15,
    seed: int = 1,
    batch_size: int = 64,
) -> Sensitivity:
    """Sensitivity of ``outcome`` to ``parameters`` (default: all) of ``scenario``."""
    spec = parse(outcome)
    sc = load_scenario(scenario)
    names = list(parameters or [r["name"] for r in parameter_table()])
    ranges = prior_ranges(names)
    world = make_world(sc, scale)
    count = 0

    def model(x: np.ndarray) -> np.ndarray:
        nonlocal count
        out = []
        for first in range(0, len(x), batch_size):
            points = x[first : first + batch_size]
            ids = np.arange(first, first + len(points))
            params = Params.from_points(sc.parameters, tuple(names), points)
            frame = simulate(sc, ids, seed, params=params, world=world).to_frame()
            out.append(spec.per_run(frame).reindex(ids).to_numpy())
            count += len(points)
        return np.concatenate(out)

    indices = analyse(names, [ranges[n] for n in names], model, method, trajectories, seed)
    return Sensitivity(spec.label, method, indices, count)


def write(result: Sensitivity, out: Path) -> Path:
    """Write sensitivity.json, sensitivity.csv and a bar chart of the indices."""
    out.mkdir(parents=True, exist_ok=True)
    from angang.runner.store import write_tables

    result.indices.to_csv(out / "sensitivity.csv", index=False)
    write_tables(out / "sensitivity.duckdb", {"indices": result.indices})
    (out / "sensitivity.json").write_text(
        json.dumps(
            {
                "outcome": result.outcome,
                "method": result.method,
                "evaluations": result.evaluations,
                "indices": result.indices.to_dict(orient="records"),
            },
            indent=2,
        )
        + "\n"
    )
    from matplotlib.figure import Figure  # not pyplot: a notebook's backend is left alone

    key = "mu_star" if result.method == "morris" else "ST"
    top = result.indices.head(15)[::-1]
    fig = Figure(figsize=(7, 0.35 * len(top) + 1.2))
    ax = fig.add_subplot()
    ax.barh(top["parameter"], top[key], color="#009E73")
    ax.set_xlabel(f"{key} ({result.method}) of {result.outcome}")
    fig.tight_layout()
    fig.savefig(out / "sensitivity.png", dpi=110)
    return out

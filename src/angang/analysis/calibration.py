"""Calibration: fit the global parameters to the calibration facts, in two stages.

1. **Search** (optional, ``search_iterations``): CMA-ES (Hansen, 'The CMA Evolution Strategy: A
   Tutorial', arXiv:1604.00772; the ``cma`` package) over the parameters' documented ranges,
   minimizing each point's mean discrepancy over a few runs. It finds the region of the
   parameter space where the model reproduces the facts; it gives no uncertainty.
2. **ABC-SMC** around it: sequential Monte Carlo approximate Bayesian computation (Beaumont et
   al., 'Adaptive approximate Bayesian computation', *Biometrika* 96 (2009); Del Moral et al.
   2012), as implemented by ELFI (Lintusaari et al., *JMLR* 19 (2018)), whose simulators take a
   whole batch of parameter vectors at once — exactly what angang's engine runs. Priors are
   uniform: over each parameter's documented range, or, after a search, over a window of
   ``search_width`` of that range centred on the search's estimate (clipped to the range).

The discrepancy of a run is the Euclidean norm of its errors on *every* calibration fact of
the historical dataset, each in units of that fact's tolerance and read as at most ten
(:func:`.scorecard.distances`); the annual steel series between the benchmark years is never
used. Simulations run at the scenario's own agent scale unless told otherwise. The parameter
file installed holds the **search's estimate** (after a search) or the **posterior median**
(without one) of each parameter, stated in its provenance, with the posterior's 5-95%
interval; parameters not calibrated keep their defaults; none is per-year. After a search the
rejection step rarely narrows a parameter much below its window, and the median of a flat
posterior is only the window's centre — pushed off the search's estimate wherever the window
is clipped at a range's bound — so the estimate is the point and the posterior its spread.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from angang.analysis.scorecard import distances
from angang.analysis.tables import Tables
from angang.data import DATA_VERSION, load_history
from angang.engine.state import Params
from angang.engine.world import make_world
from angang.errors import AngangError
from angang.model.loop import simulate
from angang.runner.options import RunOptions
from angang.scenario.parameters import parameter_table
from angang.scenario.schema import Scenario

#: parameters fitted by default: those that set growth and its sectoral and regional
#: direction, the sources of technology, and the strength of the mechanisms behind the
#: turning points (campaigns, famine, disorder, rehabilitation) — what the facts speak to
CALIBRATED = (
    "capital_productivity",
    "heavy_bias",
    "security_bias",
    "security_cost",
    "allocation_elasticity",
    "return_bias",
    "demand_elasticity",
    "priority_absorption",
    "absorption_adjust",
    "import_share",
    "private_reinvestment",
    "light_plant_materials",
    "transfer_rate",
    "entry_share",
    "rehab_rate",
    "small_plant_rate",
    "small_usable",
    "small_scrap",
    "campaign_overdrive",
    "overdrive_wear",
    "project_rush",
    "partner_loss",
    "labour_pull",
    "food_loss",
    "sent_down",
    "hunger_effort",
    "agri_input",
    "factional_rate",
    "disorder_loss",
    "disorder_persistence",
    "local_replication",
)
PINNED = 0.5  #: a 90% posterior interval narrower than this share of the prior is 'pinned'
SEARCH_RUNS = 6  #: runs per point in the search (common random numbers: the same seeds)


@dataclass(frozen=True)
class Posterior:
    """Accepted samples with weights, their summary and the run's provenance."""

    samples: pd.DataFrame  #: one row per accepted particle: parameters, weight, discrepancy
    summary: pd.DataFrame  #: per parameter: prior range, median, 5-95%, pinned down or not
    provenance: dict[str, Any]


def prior_ranges(names: Sequence[str]) -> dict[str, tuple[float, float]]:
    """(low, high) of each named parameter, from the scenario schema."""
    rows = {r["name"]: (float(r["low"]), float(r["high"])) for r in parameter_table()}
    unknown = [n for n in names if n not in rows]
    if unknown:
        raise AngangError(
            f"--parameters: unknown parameter(s) {unknown}; expected names from "
            "`angang variables --parameters`."
        )
    return {n: rows[n] for n in names}


def batch_discrepancy(
    scenario: Scenario, names: Sequence[str], scale: float | None, history: pd.DataFrame
) -> Callable[..., np.ndarray]:
    """A batched simulator: parameter arrays (B,) -> errors on each fact, (B, facts)."""
    world = make_world(scenario, scale)

    def simulator(
        *values: np.ndarray, batch_size: int = 1, random_state: np.random.RandomState | None = None
    ) -> np.ndarray:
        points = np.stack(
            [np.broadcast_to(np.atleast_1d(v), (batch_size,)) for v in values], axis=1
        )
        params = Params.from_points(scenario.parameters, tuple(names), points)
        rs = random_state or np.random.RandomState(0)
        seed = int(rs.randint(0, 2**31 - 1))
        batch = simulate(scenario, np.arange(batch_size), seed, params=params, world=world)
        return distances(Tables.of_batch(batch), history)

    return simulator


# --- stage 1: the search ----------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _points_cost(
    args: tuple[Scenario, tuple[str, ...], float | None, np.ndarray, int],
) -> list[float]:
    """Mean squared discrepancy of each parameter point (a row of ``points``) over the same
    SEARCH_RUNS runs (a worker). The points' runs go in one batch: a run's history depends
    only on its parameters, seed and number, never on its batch, so each point's cost is what
    it would be alone — and a batch of a few runs costs mostly the Python of its years."""
    scenario, names, scale, points, seed = args
    key = (id(scenario), scale)
    if _WORKER.get("key") != key:
        _WORKER.update(key=key, world=make_world(scenario, scale), history=load_history())
    count = len(points)
    params = Params.from_points(scenario.parameters, names, np.repeat(points, SEARCH_RUNS, axis=0))
    ids = np.tile(np.arange(SEARCH_RUNS), count)  # every point on the same runs
    batch = simulate(scenario, ids, seed, params=params, world=_WORKER["world"])
    # the rows told apart for the scorecard's tables (each point's runs share their numbers)
    batch = replace(batch, run_ids=np.arange(ids.size))
    d = distances(Tables.of_batch(batch), _WORKER["history"])
    return [
        float((d[i * SEARCH_RUNS : (i + 1) * SEARCH_RUNS] ** 2).sum(axis=1).mean())
        for i in range(count)
    ]


def _costs(
    pool: ProcessPoolExecutor,
    scenario: Scenario,
    names: Sequence[str],
    scale: float | None,
    points: Sequence[np.ndarray],
    seed: int,
    workers: int,
) -> list[float]:
    """Each point's cost (:func:`_points_cost`), the points shared among the workers in
    contiguous groups, one batch each; in the points' order."""
    groups = np.array_split(np.asarray(points, dtype=float), max(1, min(workers, len(points))))
    jobs = [(scenario, tuple(names), scale, group, seed) for group in groups if len(group)]
    return [cost for part in pool.map(_points_cost, jobs) for cost in part]


def search(
    scenario: Scenario,
    names: Sequence[str],
    iterations: int,
    scale: float | None,
    seed: int,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, float]:
    """CMA-ES over the parameters' ranges (scaled to [0, 1]); its estimate of the optimum.

    The estimate is the search distribution's final mean (``xfavorite``), not the single best
    point evaluated: with a few runs per point the best evaluation is mostly the luckiest
    (Hansen, 'The CMA Evolution Strategy: A Tutorial', on noisy functions). It is kept only
    if it does at least as well as the starting point on the same runs."""
    try:
        import cma
    except ImportError:
        raise AngangError(
            "the calibration search needs the optional dependency cma: "
            "pip install 'angang[calibrate]'."
        ) from None
    ranges = prior_ranges(names)
    lo = np.array([r[0] for r in ranges.values()])
    hi = np.array([r[1] for r in ranges.values()])
    start = np.array(
        [
            (float(getattr(scenario.parameters, n)) - ranges[n][0]) / (ranges[n][1] - ranges[n][0])
            for n in names
        ]
    )
    es = cma.CMAEvolutionStrategy(
        np.clip(start, 0.02, 0.98), 0.15, {"bounds": [0, 1], "seed": seed, "verbose": -9}
    )
    with ProcessPoolExecutor(max(1, workers)) as pool:
        for it in range(iterations):
            unit = es.ask()
            points = [lo + (hi - lo) * np.clip(u, 0.0, 1.0) for u in unit]
            costs = _costs(pool, scenario, names, scale, points, seed, workers)
            es.tell(unit, costs)
            if progress is not None:
                progress(it + 1, iterations)
        # a search must never return a point worse, on its own measure, than the one it
        # began from (the installed calibration)
        first = lo + (hi - lo) * start
        mean = lo + (hi - lo) * np.clip(es.result.xfavorite, 0.0, 1.0)
        start_cost, mean_cost = _costs(pool, scenario, names, scale, [first, mean], seed, workers)
    best = mean if mean_cost <= start_cost else first
    return {n: float(v) for n, v in zip(names, best, strict=True)}


def window(centre: dict[str, float], width: float) -> dict[str, tuple[float, float]]:
    """Priors of ``width`` times each parameter's range, centred on ``centre``, clipped."""
    out = {}
    for name, (lo, hi) in prior_ranges(list(centre)).items():
        half = 0.5 * width * (hi - lo)
        a, b = max(lo, centre[name] - half), min(hi, centre[name] + half)
        out[name] = (a, b) if b > a else (lo, hi)
    return out


# --- stage 2: ABC-SMC -------------------------------------------------------------------------


def calibrate(
    scenario: Scenario,
    names: Sequence[str] = CALIBRATED,
    population: int = 300,
    generations: int = 6,
    scale: float | None = None,
    batch_size: int = 50,
    seed: int = 1,
    simulator: Callable[..., np.ndarray] | None = None,
    ranges: dict[str, tuple[float, float]] | None = None,
    facts: int | None = None,
    search_iterations: int = 0,
    search_width: float = 0.2,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
    found: Callable[[dict[str, float]], None] | None = None,
) -> Posterior:
    """Search (optionally), then run ABC-SMC (``generations`` rounds of ``population``
    particles) and return the weighted posterior with its provenance. ``found`` receives the
    search's optimum as soon as it is known (the CLI saves it: an interrupted ABC loses nothing).

    ``simulator``, ``ranges`` and ``facts`` replace angang's own simulator, the schema's
    prior ranges and the number of facts, for toy models with known answers.
    """
    try:
        import elfi
    except ImportError:
        raise AngangError(
            "calibration needs the optional dependency ELFI: pip install 'angang[calibrate]'."
        ) from None
    # the same scale check as every ensemble's (resolved to the scenario's own when None)
    if simulator is None:
        scale = RunOptions(scale=scale, seed=seed, workers=workers).checked(scenario).scale
    optimum: dict[str, float] | None = None
    if search_iterations > 0 and simulator is None:
        optimum = search(scenario, names, search_iterations, scale, seed, workers, progress)
        if found is not None:
            found(optimum)
        ranges = window(optimum, search_width)
    ranges = ranges or prior_ranges(names)
    history = load_history()
    sim = simulator or batch_discrepancy(scenario, list(ranges), scale, history)
    k = facts or int((history["use"] == "calibration").sum())
    model = elfi.ElfiModel()
    priors = [
        elfi.Prior("uniform", lo, hi - lo, model=model, name=n) for n, (lo, hi) in ranges.items()
    ]
    errors = elfi.Simulator(sim, *priors, observed=np.zeros((1, k)), name="errors")
    elfi.Distance("euclidean", errors, name="d")
    if optimum:
        # in a narrow window of many parameters SMC's Gaussian proposals mostly fall outside
        # the priors (ELFI then loops on them for hours); rejection keeps the same budget —
        # the best 0.5 ** (generations - 1) of the draws — with no proposals at all
        rejection = elfi.Rejection(model["d"], batch_size=batch_size, seed=seed)
        result = rejection.sample(population, quantile=0.5 ** (generations - 1), bar=False)
        weights = np.ones(population)
    else:
        smc = elfi.SMC(model["d"], batch_size=batch_size, seed=seed)
        result = smc.sample(population, quantiles=[0.5] * max(0, generations - 1), bar=False)
        weights = np.asarray(result.weights)
    samples = pd.DataFrame({n: np.asarray(result.samples[n]) for n in ranges})
    samples["weight"] = weights / np.sum(weights)
    samples["discrepancy"] = np.asarray(result.discrepancies)
    search_runs = (search_iterations * _population_of_cma(len(ranges)) + 1) * SEARCH_RUNS
    return Posterior(
        samples,
        summarize(samples, ranges),
        {
            "method": "CMA-ES search over the documented ranges, then rejection ABC (ELFI "
            "Rejection: the best 0.5 ** (generations - 1) of uniform draws) on a window around "
            "the search's estimate (the CMA-ES distribution's final mean)"
            if optimum
            else "ABC-SMC (ELFI SMC; Beaumont et al. 2009) with "
            "uniform priors over the documented ranges",
            "distance": "Euclidean norm of the errors on every calibration fact, each in units of "
            "its tolerance and capped at ten",
            "targets": "calibration rows of angang.data history.csv",
            "data_version": DATA_VERSION,
            "parameters": list(ranges),
            "priors": {n: list(r) for n, r in ranges.items()},
            "search": (
                {
                    "iterations": search_iterations,
                    "runs_per_point": SEARCH_RUNS,
                    "window": search_width,
                    "simulations": search_runs,
                    "optimum": {n: round(v, 6) for n, v in optimum.items()},
                }
                if optimum
                else None
            ),
            "simulations": int(result.n_sim) + (search_runs if optimum else 0),
            "population": population,
            "generations": generations,
            "scale": (
                scale
                if scale is not None
                else scenario.initial.scale
                if scenario is not None
                else None
            ),
            "batch_size": batch_size,
            "seed": seed,
            "final_threshold": float(np.max(result.discrepancies)),
            "date": dt.date.today().isoformat(),
        },
    )


def _population_of_cma(dimensions: int) -> int:
    """CMA-ES's default population size (4 + 3 ln n)."""
    return 4 + int(3 * np.log(dimensions))


def summarize(samples: pd.DataFrame, ranges: dict[str, tuple[float, float]]) -> pd.DataFrame:
    """Weighted median and 5-95% of each parameter, and whether the data pin it down."""
    rows = []
    w = samples["weight"].to_numpy()
    for name, (lo, hi) in ranges.items():
        x = samples[name].to_numpy()
        order = np.argsort(x)
        cdf = np.cumsum(w[order])
        q = {p: float(x[order][np.searchsorted(cdf, p * cdf[-1])]) for p in (0.05, 0.5, 0.95)}
        width = (q[0.95] - q[0.05]) / (hi - lo)
        rows.append(
            {
                "parameter": name,
                "prior_low": lo,
                "prior_high": hi,
                "median": q[0.5],
                "low": q[0.05],
                "high": q[0.95],
                "interval_share_of_prior": width,
                "pinned_down": bool(width < PINNED),
            }
        )
    return pd.DataFrame(rows)


def write(posterior: Posterior, out: Path) -> Path:
    """Write samples (Parquet and CSV), the summary (CSV) and a parameter file (TOML)."""
    out.mkdir(parents=True, exist_ok=True)
    posterior.samples.to_parquet(out / "posterior.parquet", index=False)
    posterior.samples.to_csv(out / "posterior.csv", index=False)
    posterior.summary.to_csv(out / "posterior_summary.csv", index=False)
    (out / "calibration.toml").write_text(parameter_file(posterior))
    return out / "calibration.toml"


def _search_estimate(posterior: Posterior) -> dict[str, float]:
    """The search's estimate recorded in the provenance ({} without a search)."""
    return dict((posterior.provenance.get("search") or {}).get("optimum") or {})


def point_estimate(posterior: Posterior) -> dict[str, float]:
    """The search's estimate of each parameter where a search ran, else the (weighted)
    posterior median (see the module's docstring for why)."""
    optimum = _search_estimate(posterior)
    return {
        str(r["parameter"]): round(float(optimum.get(r["parameter"], r["median"])), 6)
        for _, r in posterior.summary.iterrows()
    }


def parameter_file(posterior: Posterior) -> str:
    """A TOML parameter file: the point estimates, the posterior's intervals and the
    provenance."""
    import tomli_w

    params = point_estimate(posterior)
    intervals = {
        str(r["parameter"]): [round(float(r["low"]), 6), round(float(r["high"]), 6)]
        for _, r in posterior.summary.iterrows()
    }
    provenance = {
        **{k: v for k, v in posterior.provenance.items() if v is not None},
        "point_estimate": "the search's estimate of each parameter (the CMA-ES distribution's "
        "final mean); the interval is the posterior's around it"
        if _search_estimate(posterior)
        else "the weighted posterior median of each parameter",
        "interval_5_95": intervals,
    }
    head = (
        "# Written by `angang calibrate`. The baseline reads [parameters] from here by\n"
        "# default (its own [parameters] table, if any, takes precedence).\n"
    )
    return head + tomli_w.dumps({"parameters": params, "provenance": provenance})

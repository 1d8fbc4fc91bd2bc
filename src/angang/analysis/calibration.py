"""Calibration: fit the global parameters to the calibration facts by ABC-SMC.

The method is sequential Monte Carlo approximate Bayesian computation (Beaumont et al.,
'Adaptive approximate Bayesian computation', *Biometrika* 96 (2009); Del Moral et al. 2012),
as implemented by ELFI (Lintusaari et al., 'ELFI: Engine for Likelihood-Free Inference',
*JMLR* 19 (2018)). ELFI is used rather than pyabc because its simulators take a whole batch
of parameter vectors at once, which is exactly what angang's engine runs: a batch of B runs,
each with its own parameters, in one vectorised pass.

Priors are uniform over each calibrated parameter's documented plausible range. The
discrepancy of a run is the Euclidean norm of its errors on the calibration facts of the
historical dataset, each in units of that fact's tolerance (see :mod:`.scorecard`); the
annual steel series between the benchmark years is never used. Parameters not calibrated
keep their defaults; no parameter is per-year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from angang.analysis.scorecard import distances
from angang.data import DATA_VERSION, load_history
from angang.engine.loop import simulate
from angang.engine.state import Params
from angang.engine.world import make_world
from angang.errors import AngangError
from angang.scenario.parameters import parameter_table
from angang.scenario.schema import Scenario

#: parameters fitted by default: those that set growth, its sectoral and regional direction,
#: and the sources of technology — what the calibration facts speak to
CALIBRATED = ("capital_productivity", "heavy_bias", "security_bias", "allocation_elasticity",
              "return_bias", "transfer_rate")
PINNED = 0.5  #: a 90% posterior interval narrower than this share of the prior is 'pinned'


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
        raise AngangError(f"--parameters: unknown parameter(s) {unknown}; expected names from "
                          "`angang variables --parameters`.")
    return {n: rows[n] for n in names}


def batch_discrepancy(scenario: Scenario, names: Sequence[str], scale: float,
                      history: pd.DataFrame) -> Callable[..., np.ndarray]:
    """A batched simulator: parameter arrays (B,) -> errors on each fact, (B, facts)."""
    world = make_world(scenario, scale)

    def simulator(*values: np.ndarray, batch_size: int = 1,
                  random_state: np.random.RandomState | None = None) -> np.ndarray:
        points = np.stack([np.broadcast_to(np.atleast_1d(v), (batch_size,)) for v in values],
                          axis=1)
        params = Params.from_points(scenario.parameters, tuple(names), points)
        rs = random_state or np.random.RandomState(0)
        seed = int(rs.randint(0, 2**31 - 1))
        frame = simulate(scenario, np.arange(batch_size), seed, params=params,
                         world=world).to_frame()
        return distances(frame, history)

    return simulator


def calibrate(scenario: Scenario, names: Sequence[str] = CALIBRATED, population: int = 300,
              generations: int = 6, scale: float = 0.3, batch_size: int = 50, seed: int = 1,
              simulator: Callable[..., np.ndarray] | None = None,
              ranges: dict[str, tuple[float, float]] | None = None,
              facts: int | None = None) -> Posterior:
    """Run ABC-SMC (``generations`` rounds of ``population`` particles) and return the
    weighted posterior with its provenance.

    ``simulator``, ``ranges`` and ``facts`` replace angang's own simulator, the schema's
    prior ranges and the number of facts, for toy models with known answers.
    """
    try:
        import elfi
    except ImportError:
        raise AngangError("calibration needs the optional dependency ELFI: "
                          "pip install 'angang[calibrate]'.") from None
    ranges = ranges or prior_ranges(names)
    history = load_history()
    sim = simulator or batch_discrepancy(scenario, list(ranges), scale, history)
    k = facts or int((history["use"] == "calibration").sum())
    model = elfi.ElfiModel()
    priors = [elfi.Prior("uniform", lo, hi - lo, model=model, name=n)
              for n, (lo, hi) in ranges.items()]
    errors = elfi.Simulator(sim, *priors, observed=np.zeros((1, k)), name="errors")
    elfi.Distance("euclidean", errors, name="d")
    smc = elfi.SMC(model["d"], batch_size=batch_size, seed=seed)
    result = smc.sample(population, quantiles=[0.5] * max(0, generations - 1), bar=False)
    samples = pd.DataFrame({n: np.asarray(result.samples[n]) for n in ranges})
    samples["weight"] = np.asarray(result.weights) / np.sum(result.weights)
    samples["discrepancy"] = np.asarray(result.discrepancies)
    return Posterior(samples, summarize(samples, ranges), {
        "method": "ABC-SMC (ELFI SMC; Beaumont et al. 2009), Euclidean distance on errors in "
                  "units of each fact's tolerance",
        "targets": "calibration rows of angang.data history.csv",
        "data_version": DATA_VERSION,
        "parameters": list(ranges), "priors": {n: list(r) for n, r in ranges.items()},
        "simulations": int(result.n_sim), "population": population,
        "generations": generations, "scale": scale, "batch_size": batch_size, "seed": seed,
        "final_threshold": float(np.max(result.discrepancies)),
        "date": dt.date.today().isoformat(),
    })


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
        rows.append({"parameter": name, "prior_low": lo, "prior_high": hi, "median": q[0.5],
                     "low": q[0.05], "high": q[0.95], "interval_share_of_prior": width,
                     "pinned_down": bool(width < PINNED)})
    return pd.DataFrame(rows)


def write(posterior: Posterior, out: Path) -> Path:
    """Write samples (Parquet and CSV), the summary (CSV) and a parameter file (TOML)."""
    out.mkdir(parents=True, exist_ok=True)
    posterior.samples.to_parquet(out / "posterior.parquet", index=False)
    posterior.samples.to_csv(out / "posterior.csv", index=False)
    posterior.summary.to_csv(out / "posterior_summary.csv", index=False)
    (out / "calibration.toml").write_text(parameter_file(posterior))
    return out / "calibration.toml"


def point_estimate(posterior: Posterior) -> dict[str, float]:
    """The accepted particle closest to the record.

    Marginal medians of a wide posterior need not fit jointly; the closest accepted particle
    is one parameter vector the model has actually been run with and found close.
    """
    best = posterior.samples.iloc[int(np.argmin(posterior.samples["discrepancy"].to_numpy()))]
    return {str(r["parameter"]): round(float(best[r["parameter"]]), 6)
            for _, r in posterior.summary.iterrows()}


def parameter_file(posterior: Posterior) -> str:
    """A TOML parameter file: the point estimate and the calibration's provenance."""
    import tomli_w

    params = point_estimate(posterior)
    provenance = {**posterior.provenance, "point_estimate": "the accepted particle with the "
                  "smallest distance (see posterior_summary.csv for medians and intervals)"}
    head = ("# Written by `angang calibrate`. The baseline reads [parameters] from here by\n"
            "# default (its own [parameters] table, if any, takes precedence).\n")
    return head + tomli_w.dumps({"parameters": params, "provenance": provenance})

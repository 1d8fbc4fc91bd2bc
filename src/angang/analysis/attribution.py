"""Attribution of an outcome to events by Shapley values over event removals.

The players are the named events of a scenario. The value of a coalition S is the outcome
of the scenario with the named events outside S removed (events that require a removed
event go with it), computed run by run with common random numbers. An event's Shapley value
is its average marginal contribution over all orders in which the events could be added, so
the values add up exactly to v(all events) - v(none): the efficiency property. Up to
``EXACT_LIMIT`` events every coalition is run; beyond that, orders are sampled (Castro,
Gómez and Tejada, 'Polynomial calculation of the Shapley value based on sampling',
*Computers & Operations Research* 36 (2009)), which keeps efficiency exact per sample.
"""

from __future__ import annotations

import itertools
import json
import math
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from angang.analysis.outcomes import parse, summarize
from angang.engine.checkpoint import latest_branch_year
from angang.errors import AngangError
from angang.runner import run, run_branched
from angang.scenario.loader import load
from angang.scenario.schema import Scenario

EXACT_LIMIT = 10
Value = Callable[[frozenset[str]], np.ndarray]


@dataclass(frozen=True)
class Attribution:
    """Per-run Shapley values of each event, with the total they add up to."""

    outcome: str
    events: list[str]
    per_run: dict[str, np.ndarray]  #: event -> (runs,)
    total: np.ndarray  #: (runs,) v(all) - v(none)
    exact: bool
    coalitions: int

    def as_json(self) -> dict[str, object]:
        """outcome, total, contributions (means), intervals (5-95%), as the CLI prints."""
        return {
            "outcome": self.outcome,
            "total": float(np.mean(self.total)),
            "contributions": {e: float(np.mean(v)) for e, v in self.per_run.items()},
            "intervals": {
                e: [summarize(v)["low"], summarize(v)["high"]] for e, v in self.per_run.items()
            },
            "exact": self.exact,
            "coalitions_run": self.coalitions,
        }


def shapley(
    players: Sequence[str], value: Value, samples: int = 200, seed: int = 0
) -> tuple[dict[str, np.ndarray], np.ndarray, bool, int]:
    """Shapley values of ``players`` for a vector-valued game ``value`` (one entry per run).

    Returns (values per player, total, exact?, number of coalitions evaluated).
    """
    players = list(players)
    cache: dict[frozenset[str], np.ndarray] = {}

    def v(s: frozenset[str]) -> np.ndarray:
        if s not in cache:
            cache[s] = np.asarray(value(s), dtype=float)
        return cache[s]

    n = len(players)
    full: frozenset[str] = frozenset(players)
    empty: frozenset[str] = frozenset()
    phi = {p: np.zeros_like(v(full)) for p in players}
    if n <= EXACT_LIMIT:
        for p in players:
            others = [q for q in players if q != p]
            for k in range(n):
                weight = math.factorial(k) * math.factorial(n - k - 1) / math.factorial(n)
                for combo in itertools.combinations(others, k):
                    coalition = frozenset(combo)
                    phi[p] = phi[p] + weight * (v(coalition | {p}) - v(coalition))
        return phi, v(full) - v(empty), True, len(cache)
    rng = np.random.default_rng(seed)
    for _ in range(samples):
        grown: frozenset[str] = frozenset()
        for p in rng.permutation(players):
            phi[p] = phi[p] + (v(grown | {p}) - v(grown)) / samples
            grown = grown | {p}
    return phi, v(full) - v(empty), False, len(cache)


def attribute(
    scenario: str,
    outcome: str,
    events: Sequence[str],
    runs: int = 16,
    seed: int = 1,
    scale: float | None = None,
    samples: int = 200,
    progress: Callable[[int], None] | None = None,
) -> Attribution:
    """Shapley attribution of ``outcome`` to ``events`` of ``scenario`` (a name or a file)."""
    spec = parse(outcome)
    loaded = load(scenario)
    ids = {e.id for e in loaded.scenario.events}
    unknown = [e for e in events if e not in ids]
    if unknown:
        raise AngangError(
            f"--events: {unknown} are not events of {loaded.origin}; see "
            f"`angang timeline {scenario}`."
        )
    if len(set(events)) != len(events) or not events:
        raise AngangError("--events: name one or more distinct event ids.")
    folder = Path(tempfile.mkdtemp(prefix="angang-attribute-"))
    parent = str(Path(loaded.origin).resolve()) if Path(loaded.origin).is_file() else scenario
    counter = iter(range(10**9))
    checkpoint = _checkpoint(loaded.scenario, parent, events, folder, runs, seed, scale)

    def value(present: frozenset[str]) -> np.ndarray:
        removed = [e for e in events if e not in present]
        path = folder / f"coalition-{next(counter)}.toml"
        path.write_text(f"extends = {json.dumps(parent)}\nremove = {json.dumps(removed)}\n")
        series = run_branched(path, checkpoint, runs=runs, seed=seed, scale=scale).table
        if progress is not None:
            progress(1)
        return spec.per_run(series).sort_index().to_numpy()

    phi, total, exact, n = shapley(list(events), value, samples=samples, seed=seed)
    return Attribution(spec.label, list(events), phi, total, exact, n)


def _checkpoint(
    scenario: Scenario,
    parent: str,
    events: Sequence[str],
    folder: Path,
    runs: int,
    seed: int,
    scale: float | None,
) -> Path | None:
    """Run the full scenario once with a checkpoint at the latest year all coalitions share
    (where removing every attributed event first changes something), or None if none."""
    path = folder / "all-removed.toml"
    path.write_text(f"extends = {json.dumps(parent)}\nremove = {json.dumps(list(events))}\n")
    year = latest_branch_year(scenario, load(path).scenario, scale)
    if year is None or year <= scenario.meta.start_year + 1:
        return None
    out = folder / "checkpoint"
    run(parent, runs=runs, seed=seed, scale=scale, checkpoint_at=year, out=out)
    return out


def write(result: Attribution, out: Path) -> Path:
    """Write attribution.json, per-run values (Parquet) and the DuckDB tables."""
    import pandas as pd

    from angang.runner.store import write_tables

    out.mkdir(parents=True, exist_ok=True)
    (out / "attribution.json").write_text(json.dumps(result.as_json(), indent=2) + "\n")
    per_run = pd.DataFrame({**{e: v for e, v in result.per_run.items()}, "total": result.total})
    per_run.index.name = "run"
    per_run = per_run.reset_index()
    per_run.to_parquet(out / "attribution.parquet", index=False)
    summary = pd.DataFrame(
        [{"event": e, "outcome": result.outcome, **summarize(v)} for e, v in result.per_run.items()]
    )
    write_tables(out / "attribution.duckdb", {"per_run": per_run, "summary": summary})
    return out

"""Political disorder: factional fighting grows out of the politics of the enterprise, not out
of a production campaign.

When the centre mobilizes the masses against authority (the ``mobilization`` lever: the
Cultural Revolution of 1966, the campaigns of 1974 and 1976), factions form where authority is
contested: where local committees are strong and directors weak (:mod:`.local_politics`), and
where purges have removed managers and engineers (:mod:`.labour`). Disorder in a region grows
with mobilization times that contest, with its own luck each year (a lognormal draw per run and
region), and fades as a share of it persists. It costs production (strikes, fighting, broken
transport), construction and rehabilitation. Revolutionary committees and military control
restore order only as far as they restore authority: by raising director power and lowering
mobilization.

References
----------
Hirata, *Making Mao's Steelworks* (2024), Introduction and ch. 7 outline (power passed from
national SOEs to local cadres and the military).
MacFarquhar and Schoenhals, *Mao's Last Revolution* (2006).
Library of Congress, *China: A Country Study* (1987), 'Trends in industrial production' (output
fell in 1967 and stayed below 1966 in 1968; order restored, it recovered in 1969).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from angang.engine.aggregate import by_region_sector
from angang.engine.rng import Streams
from angang.engine.state import Params, State, replace
from angang.engine.world import Levers, World, is_soe
from angang.ids import COMMITTEES, REGIONS

REGIONAL = [COMMITTEES.index(r) for r in REGIONS]  #: the regional committees, region order


#: sums SOE plant by region: (weighted by its directors' weakness, all of it), (B, R) each
Sums = Callable[[State, World], tuple[np.ndarray, np.ndarray]]


def weakness_sums(state: State, world: World) -> tuple[np.ndarray, np.ndarray]:
    """(B, R) each: SOE capacity weighted by its directors' weakness, and SOE capacity (or
    the compiled :func:`angang.model.kernels.disorder.weakness_sums`, the same numbers)."""
    lay = world.layout
    weight = state.capacity * (is_soe(state.owner) & state.active)
    weak = by_region_sector((1.0 - state.director_power) * weight, lay).sum(axis=2)
    total = by_region_sector(weight, lay).sum(axis=2)
    return weak, total


def contest(state: State, world: World, sums: Sums = weakness_sums) -> np.ndarray:
    """(B, R) in [0, 1]: how contested authority over SOEs is in each region — the regional
    committee's strength times the weakness of directors (SOE capacity-weighted)."""
    weak, total = sums(state, world)
    weakness = np.divide(weak, total, out=np.zeros_like(total), where=total > 0)
    committees = state.committee_power[:, REGIONAL]
    return np.clip(committees * weakness, 0.0, 1.0)


def step(
    state: State, world: World, params: Params, rng: Streams, sums: Sums = weakness_sums
) -> State:
    """This year's disorder in each region.

    ``sums`` is :func:`weakness_sums`, or its compiled twin, which :mod:`angang.model.loop`
    passes."""
    regions = state.disorder.shape[1]
    sigma = params.disorder_noise
    luck = np.exp(sigma * rng.normal(regions) - 0.5 * sigma**2)
    push = (
        params.factional_rate
        * state.lever(Levers.MOBILIZATION)
        * contest(state, world, sums)
        * luck
    )
    disorder = np.clip(params.disorder_persistence * state.disorder + push, 0.0, 1.0)
    return replace(state, disorder=disorder)

"""Damaged capacity and its rehabilitation: plant wrecked, stripped or left idle is restored by
engineers and experts where there is order.

War, the Soviet removals of 1945-46 and the civil war put much of Manchuria's plant out of
service without destroying the furnaces and buildings themselves (:mod:`.regimes` moves it to
``State.damaged``). It comes back at a yearly rate that grows with the plant's absorptive
capacity — its engineers and the foreign experts present (Japanese engineers retained in
1946-53, Soviet designers from 1950) — and falls with disruption and political disorder. No
occupying power rehabilitates what it is carrying off. This is how Angang, producing a sixth of
its wartime peak in 1949, passed it by 1952.

References
----------
Hirata, *Making Mao's Steelworks* (2024), Introduction and the outlines of chs. 2-3 (removals;
reconstruction with Japanese and Nationalist engineers; Soviet design).
Pauley, *Report on Japanese Assets in Manchuria to the President of the United States* (1946).
"""

from __future__ import annotations

import numpy as np

from angang.engine.rng import Streams
from angang.engine.state import Params, State, replace
from angang.engine.world import World
from angang.ids import RULERS
from angang.mechanisms.technology import absorptive_capacity

OCCUPIER = RULERS.index("ussr-occupation")


def step(state: State, world: World, params: Params, rng: Streams) -> State:
    """Restore a share of each plant's damaged capacity."""
    lay = world.layout
    order = (1.0 - state.disruption[:, lay.region, lay.sector]) * (
        1.0 - state.disorder[:, lay.region]
    )
    occupied = (state.ruler == OCCUPIER)[:, lay.region]
    rate = params.rehab_rate * absorptive_capacity(state, params) * order * ~occupied
    return replace(state, damaged=state.damaged * (1.0 - np.clip(rate, 0.0, 1.0)))

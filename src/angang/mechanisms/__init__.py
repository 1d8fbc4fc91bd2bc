"""The model's mechanisms, one module each, every one a pure ``step(state, world, params, rng)``.

Working: :mod:`.regimes` (rulers, shocks, foundings, experts), :mod:`.ownership`,
:mod:`.production` (with shortages), :mod:`.planning` (vertical bargaining and the soft
budget), :mod:`.investment` (a simple allocation rule). Planned and documented but not yet
modelled: :mod:`.local_politics`, :mod:`.technology`, :mod:`.labour`.
"""

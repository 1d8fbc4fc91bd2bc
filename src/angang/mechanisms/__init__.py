"""The model's mechanisms, one module each, every one a pure ``step(state, world, params, rng)``.

:mod:`.regimes` (rulers, shocks, foundings, experts), :mod:`.ownership`,
:mod:`.local_politics` (tiaotiao vs kuaikuai), :mod:`.technology` (transfer and provenance),
:mod:`.labour` (mobilization, employment, grievance, protest), :mod:`.production` (with
shortages), :mod:`.planning` (vertical bargaining and the soft budget) and
:mod:`.investment` (with security and the Third Front). The yearly order is
:data:`angang.model.loop.SCHEDULE`.
"""

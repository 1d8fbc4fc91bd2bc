"""Technology transfer and geopolitics — not modelled yet.

Planned for the issue 'The whole system': each power's frontier path, movement of plant
technology toward the frontier of the powers its ruler is allied with, absorptive capacity
(engineers, experts, trainees), slow indigenous learning, diffusion from Angang through staff
transfers, and provenance by source. Until then technology changes only through foundings,
expansions and the capacity-weighted mixing of new plant in :mod:`.investment`.
No step function is defined, so nothing in the schedule pretends to model this.
"""

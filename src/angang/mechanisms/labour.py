"""Labour and mobilization — not modelled yet.

Planned for the issue 'The whole system': cohorts with effort, skill, commitment, welfare
and grievance; lifetime employment and danwei welfare; campaigns and disillusion; voice in
the Hundred Flowers and removal in the Anti-Rightist purge; reform-era layoffs and protest.
Until then the domestic workforce is the labour requirement of capacity (see
:mod:`.production`), foreign experts arrive and leave with timeline events
(:mod:`.regimes`), and effort, commitment, welfare and grievance keep their initial values.
No step function is defined, so nothing in the schedule pretends to model this.
"""

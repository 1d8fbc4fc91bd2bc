"""Horizontal bargaining (tiaotiao vs kuaikuai) — not modelled yet.

Planned for the issue 'The whole system': local party committees (six regions plus the
Anshan City Committee) claim SOE resources and contest control with the ministry; the
director/secretary balance follows the management-system and centralization levers; a
tiao-kuai tension index. Until then ``State.director_power`` keeps its initial value except
where a merger event hands a committee control, and ``State.ministry_control`` and
``State.committee_power`` keep their initial values.
No step function is defined, so nothing in the schedule pretends to model this.
"""

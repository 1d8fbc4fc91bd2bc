"""Checkpoint and branch: counterfactual histories share everything before their first changed
event, so a child scenario may start from its parent's saved ensemble state instead of 1916.

A snapshot holds, for one batch of runs, the state at the start of a year, the position of each
run's random stream and the records of the years already simulated. Branching is allowed only
when nothing the engine reads before that year differs between parent and child: the slot
layout, the initial conditions, the parameters, every compiled yearly input and every discrete
event before the year. Then the branched runs equal full runs of the child exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np

from angang.engine.state import State
from angang.engine.world import World, make_world
from angang.scenario.schema import Scenario

_IGNORED = {"source", "note", "requires"}  # documentation and patch bookkeeping, not inputs


@dataclass(frozen=True)
class Snapshot:
    """One batch at the start of ``year`` (the first year still to simulate)."""

    year: int
    seed: int
    run_ids: np.ndarray
    state: State
    rng: list[dict[str, object]]  #: each run's bit-generator state
    rows: dict[str, list[np.ndarray]]  #: records of the years before ``year``
    entities: dict[str, list[str]]
    enterprise_years: np.ndarray
    project_ids: tuple[str, ...] = ()  #: the order of ``state.progress``'s columns

    def state_for(self, world: World) -> State:
        """The snapshot's state with its projects' progress in ``world``'s order: a branch may
        drop or add projects that start later (they have made no progress yet)."""
        ids = world.projects.ids
        if ids == self.project_ids:
            return self.state
        progress = np.zeros((self.state.runs, len(ids)))
        for j, pid in enumerate(ids):
            if pid in self.project_ids:
                progress[:, j] = self.state.progress[:, self.project_ids.index(pid)]
        return replace(self.state, progress=progress)


def _event_inputs(world: World, year: int) -> list[tuple[int, list[dict[str, object]]]]:
    out = []
    for y in sorted(k for k in world.timeline.discrete if k < year):
        events = [
            {k: v for k, v in e.model_dump(mode="json").items() if k not in _IGNORED}
            for e in world.timeline.discrete[y]
        ]
        out.append((y, sorted(events, key=lambda d: str(d["id"]))))
    return out


def branch_differences(
    parent: tuple[Scenario, World], child: tuple[Scenario, World], year: int
) -> list[str]:
    """What the child changes before ``year``; empty when it may start from the parent's
    snapshot at ``year``."""
    (ps, pw), (cs, cw) = parent, child
    diffs = []
    if ps.parameters != cs.parameters:
        changed = [
            k for k, v in ps.parameters.model_dump().items() if getattr(cs.parameters, k) != v
        ]
        diffs.append(f"parameters differ ({', '.join(changed)})")
    if ps.initial != cs.initial:
        diffs.append("initial conditions differ")
    for f in fields(pw.layout):
        if not np.array_equal(getattr(pw.layout, f.name), getattr(cw.layout, f.name)):
            diffs.append(
                f"the enterprise layout differs ({f.name}: a works is founded in "
                "another place, or the scale differs)"
            )
            break
    pt, ct = pw.timeline, cw.timeline
    if pt.start != ct.start:
        diffs.append("the start year differs")
        return diffs
    rows = year - pt.start
    for name in ("levers", "alliance", "disruption", "opening", "ruler", "management", "frontier"):
        a, b = getattr(pt, name)[:rows], getattr(ct, name)[:rows]
        if a.shape != b.shape or not np.array_equal(a, b):
            first = int(np.argmax([not np.array_equal(x, y) for x, y in zip(a, b, strict=False)]))
            diffs.append(f"yearly input '{name}' differs from {pt.start + first}")
    pe, ce = _event_inputs(pw, year), _event_inputs(cw, year)
    if pe != ce:
        years = sorted(
            {y for y, ev in pe if (y, ev) not in ce} | {y for y, ev in ce if (y, ev) not in pe}
        )
        diffs.append(f"events before {year} differ (in {', '.join(map(str, years))})")
    return diffs


def latest_branch_year(parent: Scenario, child: Scenario, scale: float | None = None) -> int | None:
    """The latest year at which ``child`` may start from a checkpoint of ``parent``, or None if
    they differ from the start. (Differences before a year are differences before every later
    year, so a binary search finds it.)"""
    pw, cw = (parent, make_world(parent, scale)), (child, make_world(child, scale))
    low, high = parent.meta.start_year + 1, parent.meta.end_year
    if branch_differences(pw, cw, low):
        return None
    while low < high:
        mid = (low + high + 1) // 2
        if branch_differences(pw, cw, mid):
            high = mid - 1
        else:
            low = mid
    return low

"""A counterfactual applied to its parent: sections merged, events removed (with the events
that require them), moved, changed and added, each checked as it is applied."""

from __future__ import annotations

import copy
import difflib
import re
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from angang.errors import ScenarioError
from angang.scenario.messages import from_validation, line_of
from angang.scenario.schema import Change, Event, Move

_EVENT = TypeAdapter(Event)
#: where a patched scenario carries the events removed with the ones it removed (popped on load)
CASCADE_KEY = "__removed_with__"


def apply_patch(
    parent: dict[str, Any], patch: dict[str, Any], origin: str, parent_origin: str, text: str
) -> dict[str, Any]:
    out = copy.deepcopy(parent)
    if "calibration" in patch:
        out["calibration"] = patch["calibration"]
    for section in ("meta", "parameters", "initial"):
        if section in patch:
            out[section] = _deep_merge(out.get(section, {}), patch[section])
    if "name" not in patch.get("meta", {}):  # a patch is named after its file unless it says
        meta = dict(out.get("meta", {}))
        meta["name"] = _slug(Path(origin).stem)
        meta["title"] = f"{meta.get('title', parent_origin)} — modified by {Path(origin).name}"
        out["meta"] = meta
    events: list[dict[str, Any]] = out.get("events", [])
    ids = [e.get("id") for e in events]

    def known(event_id: object, field: str, index: int) -> int:
        if isinstance(event_id, str) and event_id in ids:
            return ids.index(event_id)
        close = difflib.get_close_matches(str(event_id), [str(i) for i in ids], n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise ScenarioError(
            origin,
            f"{field}[{index}]",
            f"no event with id {event_id!r} in {parent_origin}.{hint}",
            line_of(text, (field,)),
        )

    removed = patch.get("remove", [])
    if not isinstance(removed, list):
        raise ScenarioError(
            origin, "remove", "expected a list of event ids.", line_of(text, ("remove",))
        )
    drop = {known(event_id, "remove", i) for i, event_id in enumerate(removed)}
    for i, item in enumerate(patch.get("move", [])):
        move = _validated(Move, item, origin, text, ("move", i))
        j = known(move.id, "move", i)
        _check_move(move, out.get("meta"), origin, text, i)
        old = events[j]
        events[j] = {
            **old,
            "year": move.year,
            "source": f"{move.source} [moved from {old.get('year')}; originally "
            f"{old.get('source')}]",
        }
        if move.month is not None:
            events[j]["month"] = move.month
    for i, item in enumerate(patch.get("change", [])):
        change = _validated(Change, item, origin, text, ("change", i))
        j = known(change.id, "change", i)
        for key in ("id", "kind"):
            if key in change.set:
                raise ScenarioError(
                    origin,
                    f"change[{i}].set.{key}",
                    f"an event's {key} cannot be changed; remove the event and "
                    "add a new one instead.",
                    line_of(text, ("change", i)),
                )
        candidate = _deep_merge(events[j], change.set)
        try:
            _EVENT.validate_python(candidate)
        except ValidationError as err:
            raise from_validation(err, origin, text, prefix=("change", i, "set")) from None
        events[j] = candidate
    removed_with = dict(out.pop(CASCADE_KEY, {}))
    removed_ids = {ids[j] for j in drop} | set(removed_with)
    while True:  # events that presuppose a removed event go with it
        more = {
            str(e.get("id")): next(r for r in _requires(e) if r in removed_ids)
            for j, e in enumerate(events)
            if j not in drop and any(r in removed_ids for r in _requires(e))
        }
        if not more:
            break
        removed_with.update(more)
        removed_ids |= set(more)
        drop |= {j for j, e in enumerate(events) if str(e.get("id")) in more}
    kept = [e for j, e in enumerate(events) if j not in drop]
    out["events"] = kept + list(patch.get("events", []))
    if removed_with:
        out[CASCADE_KEY] = removed_with
    return out


def _requires(event: dict[str, Any]) -> list[str]:
    """An event's ``requires`` ids (validation reports one that is not a list of ids)."""
    value = event.get("requires", [])
    return [r for r in value if isinstance(r, str)] if isinstance(value, list) else []


def _check_move(move: Move, meta: Any, origin: str, text: str, index: int) -> None:
    """A moved event must fall inside the simulated span, or it would silently take effect
    at the first year (or never)."""
    meta = meta if isinstance(meta, dict) else {}
    first, last = meta.get("start_year", 1916), meta.get("end_year", 2000)
    if isinstance(first, int) and isinstance(last, int) and not first <= move.year <= last:
        raise ScenarioError(
            origin,
            f"move[{index}].year",
            f"expected a year the scenario simulates ({first}-{last}), got {move.year}.",
            line_of(text, ("move", index)),
        )


def _slug(text: str) -> str:
    """A valid scenario name made from a file name."""
    slug = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")
    return slug if len(slug) >= 3 else f"scenario-{slug}".rstrip("-")


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _validated(model: Any, item: Any, origin: str, text: str, loc: tuple[Any, ...]) -> Any:
    try:
        return model.model_validate(item)
    except ValidationError as err:
        raise from_validation(err, origin, text, prefix=loc) from None


# --- validation and error messages --------------------------------------------------------------

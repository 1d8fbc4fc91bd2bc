"""A scenario file's problems as one paragraph each: the file, the line where the field can be
found, the field and what was expected (from pydantic's errors or the loader's own checks)."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from angang.errors import ScenarioError
from angang.scenario.schema import EVENT_KINDS


def from_validation(
    err: ValidationError, origin: str, text: str, prefix: tuple[Any, ...] = (), events: Any = None
) -> ScenarioError:
    """Turn pydantic's errors into one paragraph naming field, line, expectation and value."""
    parts = []
    first_line = None
    for e in err.errors()[:4]:
        loc = _drop_tags((*prefix, *e["loc"]))
        field = _format_loc(loc)
        if loc and loc[0] == "events" and len(loc) > 1 and isinstance(events, list):
            idx = loc[1]
            if isinstance(idx, int) and idx < len(events) and isinstance(events[idx], dict):
                field += f" (event id {events[idx].get('id')!r})"
        got = e.get("input")
        shown = "" if isinstance(got, dict | list) or got is None else f" (got {got!r})"
        message = e["msg"]
        if e["type"] == "extra_forbidden":
            message = "unknown key (a typo?); it is not part of the scenario format"
        elif e["type"] == "union_tag_invalid":
            message = f"unknown event kind; expected one of {', '.join(EVENT_KINDS)}"
        parts.append(f"field `{field}`: {message}{shown}" if field else f"{message}{shown}")
        if first_line is None:
            first_line = line_of(text, loc)
    more = len(err.errors()) - len(parts)
    tail = f" (and {more} more)" if more > 0 else ""
    where = origin if first_line is None else f"{origin}, line {first_line}"
    error = ScenarioError(origin, None, "", first_line)
    error.args = (f"{where}: " + "; ".join(parts) + tail + ".",)
    return error


def _drop_tags(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop the event-kind tags pydantic inserts after an index (events[3].policy.value)."""
    out: list[Any] = []
    for part in loc:
        after_index = bool(out) and (isinstance(out[-1], int) or out[-1] == "set")
        if not (after_index and part in EVENT_KINDS):
            out.append(part)
    return tuple(out)


def _format_loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """Best-effort line number (1-based) of a location such as ('events', 3, 'year')."""
    lines = text.splitlines()
    pos = 0
    found = None
    keys = list(loc)
    i = 0
    while i < len(keys):
        key = keys[i]
        nxt = keys[i + 1] if i + 1 < len(keys) else None
        if isinstance(key, str) and isinstance(nxt, int):
            header = re.compile(rf"^\s*\[\[\s*(?:[\w.-]+\.)?{re.escape(key)}\s*\]\]")
            hits = [n for n in range(pos, len(lines)) if header.match(lines[n])]
            if nxt < len(hits):
                pos = found = hits[nxt]
            else:
                inline = _find_key(lines, key, pos)
                return None if inline is None else inline + 1
            i += 2
            continue
        if isinstance(key, str):
            hit = _find_key(lines, key, pos)
            if hit is None:
                break
            pos = found = hit
        i += 1
    return None if found is None else found + 1


def _find_key(lines: list[str], key: str, start: int) -> int | None:
    pattern = re.compile(
        rf"^\s*(\[+\s*([\w.-]+\.)?{re.escape(key)}\s*\]+|\"?{re.escape(key)}\"?\s*=)"
    )
    for n in range(start, len(lines)):
        if pattern.match(lines[n]):
            return n
    return None

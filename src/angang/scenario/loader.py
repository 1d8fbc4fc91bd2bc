"""Load scenarios from TOML: built-ins by name, files by path, counterfactual patches on a parent.

A counterfactual is a file that says ``extends = "baseline"`` and then removes events
(``remove = [ids]``), moves them (``[[move]]``), changes their arguments (``[[change]]``),
adds events (``[[events]]``) or overrides parameters. Every problem becomes a
:class:`~angang.errors.ScenarioError` naming the file, the line where it can be found, the
field and what was expected.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from angang.errors import ScenarioError
from angang.scenario.schema import EVENT_KINDS, Change, Event, Move, Scenario

PATCH_KEYS = ("extends", "meta", "parameters", "initial", "remove", "move", "change", "events",
              "parameters_file")
FULL_KEYS = ("meta", "parameters", "initial", "events", "calibration")
_EVENT = TypeAdapter(Event)


CASCADE_KEY = "__removed_with__"


@dataclass(frozen=True)
class Loaded:
    """A validated scenario with where it came from and a hash of its resolved content.

    ``removed_with`` maps each event a patch removed only because it required a removed
    event to the event it required.
    """

    scenario: Scenario
    origin: str
    content_hash: str
    removed_with: dict[str, str]


def builtin_names() -> list[str]:
    """Names of the scenarios shipped inside the package."""
    folder = resources.files("angang.scenario") / "builtin"
    return sorted(p.name[: -len(".toml")] for p in folder.iterdir() if p.name.endswith(".toml"))


def load(name_or_path: str | Path) -> Loaded:
    """Load a built-in scenario by name or a scenario file by path, resolving ``extends``."""
    raw, origin = _resolve(str(name_or_path), base=Path.cwd(), chain=())
    removed_with = raw.pop(CASCADE_KEY, {})
    scenario = _validate(raw, origin, text=_text_of(name_or_path))
    return Loaded(scenario, origin, scenario_hash(scenario), removed_with)


def load_text(text: str, origin: str = "<text>", base: Path | None = None,
              patch: dict[str, Any] | None = None) -> Loaded:
    """Load a scenario from TOML text (e.g. pasted in the dashboard); ``extends`` names a
    built-in or a file relative to ``base`` (default: the working directory).

    ``patch`` (remove, move, change, parameters, meta), if given, is applied on top, as if a
    patch file extended the text.
    """
    raw = _resolve_text(text, origin, base or Path.cwd(), chain=())
    if patch:
        raw = _apply_patch(raw, patch, origin, origin, text)
    removed_with = raw.pop(CASCADE_KEY, {})
    scenario = _validate(raw, origin, text=text)
    return Loaded(scenario, origin, scenario_hash(scenario), removed_with)


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Convenience: only the validated scenario."""
    return load(name_or_path).scenario


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the resolved scenario's canonical JSON: equal content, equal hash."""
    canonical = json.dumps(scenario.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


# --- reading ------------------------------------------------------------------------------------


def _locate_source(name: str, base: Path) -> tuple[str, str]:
    """Return (text, origin label) for a built-in name or a path."""
    path = Path(name)
    if name.endswith(".toml") or path.exists() or "/" in name:
        full = path if path.is_absolute() else base / path
        if not full.is_file():
            raise ScenarioError(str(path), None, "no such scenario file.")
        return full.read_text(encoding="utf-8"), str(full)
    if name in builtin_names():
        res = resources.files("angang.scenario") / "builtin" / f"{name}.toml"
        return res.read_text(encoding="utf-8"), f"built-in scenario '{name}'"
    close = difflib.get_close_matches(name, builtin_names(), n=3)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    raise ScenarioError(
        name, None,
        f"unknown scenario name. Expected one of the built-ins ({', '.join(builtin_names())}) "
        f"or a path to a .toml file.{hint}",
    )


def _text_of(name_or_path: str | Path) -> str:
    return _locate_source(str(name_or_path), Path.cwd())[0]


def _parse(text: str, origin: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        match = re.search(r"line (\d+)", str(err))
        line = int(match.group(1)) if match else None
        raise ScenarioError(origin, None, f"is not valid TOML: {err}.", line) from None


def _resolve(name: str, base: Path, chain: tuple[str, ...]) -> tuple[dict[str, Any], str]:
    """Parse a scenario and, if it extends another, apply it as a patch to its parent."""
    text, origin = _locate_source(name, base)
    return _resolve_text(text, origin, base, chain), origin


def _resolve_text(text: str, origin: str, base: Path, chain: tuple[str, ...]) -> dict[str, Any]:
    if origin in chain:
        raise ScenarioError(origin, "extends", f"circular extends: {' -> '.join(chain)}.")
    raw = _with_parameter_file(_parse(text, origin), origin, base)
    if "extends" not in raw:
        patch_only = [k for k in raw if k not in FULL_KEYS]
        if patch_only:
            raise ScenarioError(origin, patch_only[0], "unknown key in a full scenario; "
                                f"expected {', '.join(FULL_KEYS[:4])} (remove, move and "
                                "change belong in a patch that says extends = ...).",
                                _line_of(text, (patch_only[0],)))
        return raw
    unknown = [k for k in raw if k not in PATCH_KEYS]
    if unknown:
        raise ScenarioError(origin, unknown[0], f"unknown key in a patch; expected one of "
                            f"{', '.join(PATCH_KEYS)}.", _line_of(text, (unknown[0],)))
    parent_base = Path(origin).parent if Path(origin).is_file() else base
    parent, parent_origin = _resolve(str(raw["extends"]), parent_base, (*chain, origin))
    return _apply_patch(parent, raw, origin, parent_origin, text)


def _with_parameter_file(raw: dict[str, Any], origin: str, base: Path) -> dict[str, Any]:
    """Merge ``parameters_file`` (e.g. a calibration's output) under the file's own
    [parameters], and keep the file's provenance as the scenario's ``calibration``."""
    name = raw.pop("parameters_file", None)
    if name is None:
        return raw
    if Path(origin).is_file():
        path = Path(origin).parent / str(name)
        text = path.read_text(encoding="utf-8") if path.is_file() else None
    else:
        res = resources.files("angang.scenario") / "builtin" / str(name)
        path = Path(str(res))
        text = res.read_text(encoding="utf-8") if res.is_file() else None
    if text is None:
        raise ScenarioError(origin, "parameters_file", f"no such parameter file: {path}.")
    loaded = _parse(text, str(path))
    unknown = [k for k in loaded if k not in ("parameters", "provenance")]
    if unknown:
        raise ScenarioError(str(path), unknown[0], "unknown key; a parameter file holds "
                            "[parameters] and [provenance].")
    raw = dict(raw)
    raw["parameters"] = {**loaded.get("parameters", {}), **raw.get("parameters", {})}
    raw["calibration"] = {"file": str(name), **loaded.get("provenance", {})}
    return raw


# --- patches ------------------------------------------------------------------------------------


def _apply_patch(parent: dict[str, Any], patch: dict[str, Any], origin: str,
                 parent_origin: str, text: str) -> dict[str, Any]:
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
        raise ScenarioError(origin, f"{field}[{index}]",
                            f"no event with id {event_id!r} in {parent_origin}.{hint}",
                            _line_of(text, (field,)))

    removed = patch.get("remove", [])
    if not isinstance(removed, list):
        raise ScenarioError(origin, "remove", "expected a list of event ids.",
                            _line_of(text, ("remove",)))
    drop = {known(event_id, "remove", i) for i, event_id in enumerate(removed)}
    for i, item in enumerate(patch.get("move", [])):
        move = _validated(Move, item, origin, text, ("move", i))
        j = known(move.id, "move", i)
        old = events[j]
        events[j] = {**old, "year": move.year,
                     "source": f"{move.source} [moved from {old.get('year')}; originally "
                               f"{old.get('source')}]"}
        if move.month is not None:
            events[j]["month"] = move.month
    for i, item in enumerate(patch.get("change", [])):
        change = _validated(Change, item, origin, text, ("change", i))
        j = known(change.id, "change", i)
        for key in ("id", "kind"):
            if key in change.set:
                raise ScenarioError(origin, f"change[{i}].set.{key}",
                                    f"an event's {key} cannot be changed; remove the event and "
                                    "add a new one instead.", _line_of(text, ("change", i)))
        candidate = _deep_merge(events[j], change.set)
        try:
            _EVENT.validate_python(candidate)
        except ValidationError as err:
            raise _from_validation(err, origin, text, prefix=("change", i, "set")) from None
        events[j] = candidate
    removed_with = dict(out.pop(CASCADE_KEY, {}))
    removed_ids = {ids[j] for j in drop} | set(removed_with)
    while True:  # events that presuppose a removed event go with it
        more = {str(e["id"]): next(r for r in e.get("requires", []) if r in removed_ids)
                for j, e in enumerate(events) if j not in drop
                and any(r in removed_ids for r in e.get("requires", []))}
        if not more:
            break
        removed_with.update(more)
        removed_ids |= set(more)
        drop |= {ids.index(i) for i in more}
    kept = [e for j, e in enumerate(events) if j not in drop]
    out["events"] = kept + list(patch.get("events", []))
    if removed_with:
        out[CASCADE_KEY] = removed_with
    return out


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
        raise _from_validation(err, origin, text, prefix=loc) from None


# --- validation and error messages --------------------------------------------------------------


def _validate(raw: dict[str, Any], origin: str, text: str) -> Scenario:
    unknown = [k for k in raw if k not in (*FULL_KEYS, "extends", *PATCH_KEYS)]
    if unknown:
        raise ScenarioError(origin, unknown[0], f"unknown top-level key; expected "
                            f"{', '.join(FULL_KEYS)} (or a patch with extends).",
                            _line_of(text, (unknown[0],)))
    body = {k: v for k, v in raw.items() if k in FULL_KEYS}
    try:
        return Scenario.model_validate(body)
    except ValidationError as err:
        raise _from_validation(err, origin, text, events=body.get("events")) from None


def _from_validation(err: ValidationError, origin: str, text: str,
                     prefix: tuple[Any, ...] = (), events: Any = None) -> ScenarioError:
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
        parts.append(f"field `{field}`: {message}{shown}")
        if first_line is None:
            first_line = _line_of(text, loc)
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


def _line_of(text: str, loc: tuple[Any, ...]) -> int | None:
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

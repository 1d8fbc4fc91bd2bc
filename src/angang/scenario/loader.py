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
from typing import Any, TypeGuard

from pydantic import TypeAdapter, ValidationError

from angang.errors import ScenarioError
from angang.scenario.parameters import Parameters
from angang.scenario.schema import EVENT_KINDS, Change, Event, Move, Scenario

PATCH_KEYS = (
    "extends",
    "meta",
    "parameters",
    "initial",
    "remove",
    "move",
    "change",
    "events",
    "parameters_file",
)
FULL_KEYS = ("meta", "parameters", "initial", "events", "calibration")
#: what each top-level key must hold, as (type, how to say it)
SHAPES: dict[str, tuple[type, str]] = {
    "extends": (str, "a built-in scenario name or a path relative to this file"),
    "parameters_file": (str, "a path to a parameter file, relative to this file"),
    "meta": (dict, "a table ([meta])"),
    "parameters": (dict, "a table ([parameters])"),
    "initial": (dict, "a table ([initial])"),
    "calibration": (dict, "a table ([calibration])"),
    "remove": (list, "a list of event ids"),
    "move": (list, "an array of tables ([[move]])"),
    "change": (list, "an array of tables ([[change]])"),
    "events": (list, "an array of tables ([[events]])"),
}
#: no scenario nests deeper than this (events[3].levers.x is 4 levels); deeper input is refused
#: before it can exhaust the interpreter's recursion limit
MAX_DEPTH = 12
#: a scenario file is a few tens of kilobytes; a larger file is refused unread
MAX_BYTES = 2_000_000
_EVENT = TypeAdapter(Event)
_BUILTIN = resources.files("angang.scenario") / "builtin"


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
    """Load a built-in scenario by name or a scenario file by path, resolving ``extends``.

    A file's ``extends`` and ``parameters_file`` are resolved relative to the file itself; a
    built-in's only inside the package.
    """
    text, origin, folder = _locate_source(str(name_or_path), Path.cwd())
    raw = _resolve_text(text, origin, folder, chain=())
    removed_with = raw.pop(CASCADE_KEY, {})
    scenario = _validate(raw, origin, text=text)
    return Loaded(scenario, origin, scenario_hash(scenario), removed_with)


def load_text(text: str, origin: str = "<text>", patch: dict[str, Any] | None = None) -> Loaded:
    """Load a scenario from TOML text a user handed in (pasted or uploaded in the dashboard).

    Text has no folder of its own, so it reads no file: ``extends`` must name a built-in and
    ``parameters_file`` a parameter file shipped with the built-ins. ``patch`` (remove, move,
    change, parameters, meta), if given, is applied on top, as if a patch file extended the
    text.
    """
    raw = _resolve_text(text, origin, None, chain=())
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


def _looks_like_path(name: str) -> bool:
    return name.endswith(".toml") or "/" in name or "\\" in name or name.startswith(".")


def _locate_source(name: str, folder: Path | None) -> tuple[str, str, Path | None]:
    """(text, origin label, folder its relative paths start from) of a built-in name or a
    path relative to ``folder``. ``folder`` None: only built-ins may be named (text a user
    handed in, or a built-in extending another)."""
    if _looks_like_path(name) or (folder is not None and _is_file(folder / name)):
        if folder is None:
            raise ScenarioError(
                name,
                "extends",
                "a scenario handed in as text, or a built-in, "
                "may extend only a built-in scenario "
                f"({', '.join(builtin_names())}), not a file.",
            )
        path = Path(name)
        full = path if path.is_absolute() else folder / path
        if not _is_file(full):
            raise ScenarioError(str(path), None, "no such scenario file.")
        full = full.resolve()  # one name per file, so that a cycle of extends is seen
        return _read(full, str(full)), str(full), full.parent
    if name in builtin_names():
        res = _BUILTIN / f"{name}.toml"
        return res.read_text(encoding="utf-8"), f"built-in scenario '{name}'", None
    close = difflib.get_close_matches(name, builtin_names(), n=3)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    raise ScenarioError(
        name,
        None,
        f"unknown scenario name. Expected one of the built-ins ({', '.join(builtin_names())}) "
        f"or a path to a .toml file.{hint}",
    )


def _is_file(path: Path) -> bool:
    """Path.is_file that answers False for names no file can have (too long, a NUL byte)."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def _read(path: Path, label: str) -> str:
    """A user's file as text, refusing what cannot be a scenario without echoing it."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ScenarioError(
                label,
                None,
                f"is larger than {MAX_BYTES // 1_000_000} MB; a "
                "scenario or parameter file is a few kilobytes of TOML.",
            )
        data = path.read_bytes()
    except OSError as err:
        raise ScenarioError(label, None, f"cannot be read ({err.strerror or err}).") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ScenarioError(
            label,
            None,
            f"is not UTF-8 text (undecodable byte at offset {err.start}); save it as UTF-8.",
        ) from None


def _parse(text: str, origin: str) -> dict[str, Any]:
    if len(text) > MAX_BYTES:
        raise ScenarioError(
            origin,
            None,
            f"is longer than {MAX_BYTES:,} characters; a scenario is a few kilobytes of TOML.",
        )
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        match = re.search(r"line (\d+)", str(err))
        line = int(match.group(1)) if match else None
        raise ScenarioError(origin, None, f"is not valid TOML: {err}.", line) from None
    except RecursionError:
        raise ScenarioError(
            origin,
            None,
            f"nests arrays or tables too deeply to be a scenario (at most {MAX_DEPTH} levels).",
        ) from None
    path = _too_deep(raw)
    if path is not None:
        raise ScenarioError(
            origin,
            path,
            f"nests arrays or tables more than {MAX_DEPTH} levels deep; no scenario field does.",
            _line_of(text, (path,)),
        )
    return raw


def _too_deep(raw: dict[str, Any]) -> str | None:
    """The top-level key under which ``raw`` nests deeper than MAX_DEPTH, if any (iterative,
    so that the check itself cannot overflow the stack)."""
    stack: list[tuple[Any, int, str]] = [(v, 1, k) for k, v in raw.items()]
    while stack:
        value, depth, top = stack.pop()
        if depth > MAX_DEPTH:
            return top
        children = (
            value.values()
            if isinstance(value, dict)
            else (value if isinstance(value, list) else ())
        )
        stack.extend((c, depth + 1, top) for c in children)
    return None


def _check_shapes(raw: dict[str, Any], origin: str, text: str) -> None:
    """Each top-level key holds the kind of value it must, before anything reads it."""
    for key, value in raw.items():
        if key in SHAPES and not isinstance(value, SHAPES[key][0]):
            raise ScenarioError(
                origin,
                key,
                f"expected {SHAPES[key][1]}, got {_kind_of(value)}.",
                _line_of(text, (key,)),
            )
    for key in ("move", "change", "events"):
        for i, item in enumerate(raw.get(key, [])):
            if not isinstance(item, dict):
                raise ScenarioError(
                    origin,
                    f"{key}[{i}]",
                    f"expected a table, got {_kind_of(item)}.",
                    _line_of(text, (key,)),
                )


def _kind_of(value: Any) -> str:
    names = {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "a table",
    }
    return names.get(type(value), type(value).__name__)


def _resolve_text(
    text: str, origin: str, folder: Path | None, chain: tuple[str, ...]
) -> dict[str, Any]:
    if origin in chain:
        raise ScenarioError(origin, "extends", f"circular extends: {' -> '.join(chain)}.")
    if len(chain) > MAX_DEPTH:
        raise ScenarioError(
            origin, "extends", f"extends more than {MAX_DEPTH} scenarios in a chain."
        )
    raw = _parse(text, origin)
    _check_shapes(raw, origin, text)
    raw = _with_parameter_file(raw, origin, folder, text)
    if "extends" not in raw:
        patch_only = [k for k in raw if k not in FULL_KEYS]
        if patch_only:
            raise ScenarioError(
                origin,
                patch_only[0],
                "unknown key in a full scenario; "
                f"expected {', '.join(FULL_KEYS[:4])} (remove, move and "
                "change belong in a patch that says extends = ...).",
                _line_of(text, (patch_only[0],)),
            )
        return raw
    unknown = [k for k in raw if k not in PATCH_KEYS]
    if unknown:
        raise ScenarioError(
            origin,
            unknown[0],
            f"unknown key in a patch; expected one of {', '.join(PATCH_KEYS)}.",
            _line_of(text, (unknown[0],)),
        )
    parent_text, parent_origin, parent_folder = _locate_source(str(raw["extends"]), folder)
    parent = _resolve_text(parent_text, parent_origin, parent_folder, (*chain, origin))
    return _apply_patch(parent, raw, origin, parent_origin, text)


def _parameter_file(name: str, origin: str, folder: Path | None, text: str) -> Path:
    """Where ``parameters_file = name`` points: relative to the scenario's own folder, or, for
    a built-in or text handed in, inside the built-ins' folder and nowhere else."""
    where = _line_of(text, ("parameters_file",))
    if Path(name).is_absolute():
        raise ScenarioError(
            origin,
            "parameters_file",
            f"expected a path relative to the scenario file, got an absolute path ({name}).",
            where,
        )
    if folder is not None:
        return folder / name
    root = Path(str(_BUILTIN)).resolve()
    try:
        path = (root / name).resolve()
    except (OSError, ValueError):  # a name no file can have
        path = root.parent
    if not path.is_relative_to(root):
        raise ScenarioError(
            origin,
            "parameters_file",
            "a built-in scenario or one handed in as "
            "text may read only the parameter files shipped with the built-ins "
            f"(under {root}); {name!r} leads outside.",
            where,
        )
    return path


def _with_parameter_file(
    raw: dict[str, Any], origin: str, folder: Path | None, text: str
) -> dict[str, Any]:
    """Merge ``parameters_file`` (e.g. a calibration's output) under the file's own
    [parameters], and keep the file's provenance as the scenario's ``calibration``.

    The file may be anything the path names, so no message quotes what it holds: a file that
    is not an angang parameter file is refused as a whole."""
    name = raw.pop("parameters_file", None)
    if name is None:
        return raw
    path = _parameter_file(str(name), origin, folder, text)
    if not _is_file(path):
        raise ScenarioError(
            origin,
            "parameters_file",
            f"no such parameter file: {path}.",
            _line_of(text, ("parameters_file",)),
        )
    try:
        loaded = tomllib.loads(_read(path, str(path)))
    except (tomllib.TOMLDecodeError, RecursionError):
        loaded = None
    if not _is_parameter_file(loaded):
        raise ScenarioError(
            str(path),
            None,
            "is not an angang parameter file (TOML with a "
            "[parameters] table of the model's parameters, as `angang calibrate` "
            "writes, and an optional [provenance] table).",
        )
    raw = dict(raw)
    raw["parameters"] = {**loaded.get("parameters", {}), **raw.get("parameters", {})}
    raw["calibration"] = {"file": str(name), **loaded.get("provenance", {})}
    return raw


def _is_parameter_file(loaded: Any) -> TypeGuard[dict[str, Any]]:
    """A table holding [parameters] (known names, numbers) and optionally [provenance]."""
    if not isinstance(loaded, dict) or not set(loaded) <= {"parameters", "provenance"}:
        return False
    params, prov = loaded.get("parameters", {}), loaded.get("provenance", {})
    return (
        isinstance(params, dict)
        and isinstance(prov, dict)
        and set(params) <= set(Parameters.model_fields)
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in params.values())
        and _too_deep(prov) is None
    )


# --- patches ------------------------------------------------------------------------------------


def _apply_patch(
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
            _line_of(text, (field,)),
        )

    removed = patch.get("remove", [])
    if not isinstance(removed, list):
        raise ScenarioError(
            origin, "remove", "expected a list of event ids.", _line_of(text, ("remove",))
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
                    _line_of(text, ("change", i)),
                )
        candidate = _deep_merge(events[j], change.set)
        try:
            _EVENT.validate_python(candidate)
        except ValidationError as err:
            raise _from_validation(err, origin, text, prefix=("change", i, "set")) from None
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
            _line_of(text, ("move", index)),
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
        raise _from_validation(err, origin, text, prefix=loc) from None


# --- validation and error messages --------------------------------------------------------------


def _validate(raw: dict[str, Any], origin: str, text: str) -> Scenario:
    unknown = [k for k in raw if k not in (*FULL_KEYS, "extends", *PATCH_KEYS)]
    if unknown:
        raise ScenarioError(
            origin,
            unknown[0],
            f"unknown top-level key; expected {', '.join(FULL_KEYS)} (or a patch with extends).",
            _line_of(text, (unknown[0],)),
        )
    body = {k: v for k, v in raw.items() if k in FULL_KEYS}
    try:
        return Scenario.model_validate(body)
    except ValidationError as err:
        raise _from_validation(err, origin, text, events=body.get("events")) from None


def _from_validation(
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

"""Load scenarios from TOML: built-ins by name, files by path, counterfactual patches on a parent.

A counterfactual is a file that says ``extends = "baseline"`` and then removes events
(``remove = [ids]``), moves them (``[[move]]``), changes their arguments (``[[change]]``),
adds events (``[[events]]``) or overrides parameters. Every problem becomes a
:class:`~angang.errors.ScenarioError` naming the file, the line where it can be found, the
field and what was expected.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeGuard

from pydantic import ValidationError

from angang.errors import ScenarioError
from angang.scenario.messages import from_validation, line_of
from angang.scenario.parameters import Parameters
from angang.scenario.patching import CASCADE_KEY, apply_patch
from angang.scenario.schema import Scenario

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
_BUILTIN = resources.files("angang.scenario") / "builtin"


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
        raw = apply_patch(raw, patch, origin, origin, text)
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
            line_of(text, (path,)),
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
                line_of(text, (key,)),
            )
    for key in ("move", "change", "events"):
        for i, item in enumerate(raw.get(key, [])):
            if not isinstance(item, dict):
                raise ScenarioError(
                    origin,
                    f"{key}[{i}]",
                    f"expected a table, got {_kind_of(item)}.",
                    line_of(text, (key,)),
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
                line_of(text, (patch_only[0],)),
            )
        return raw
    unknown = [k for k in raw if k not in PATCH_KEYS]
    if unknown:
        raise ScenarioError(
            origin,
            unknown[0],
            f"unknown key in a patch; expected one of {', '.join(PATCH_KEYS)}.",
            line_of(text, (unknown[0],)),
        )
    parent_text, parent_origin, parent_folder = _locate_source(str(raw["extends"]), folder)
    parent = _resolve_text(parent_text, parent_origin, parent_folder, (*chain, origin))
    return apply_patch(parent, raw, origin, parent_origin, text)


def _parameter_file(name: str, origin: str, folder: Path | None, text: str) -> Path:
    """Where ``parameters_file = name`` points: relative to the scenario's own folder, or, for
    a built-in or text handed in, inside the built-ins' folder and nowhere else."""
    where = line_of(text, ("parameters_file",))
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
            line_of(text, ("parameters_file",)),
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


def _validate(raw: dict[str, Any], origin: str, text: str) -> Scenario:
    unknown = [k for k in raw if k not in (*FULL_KEYS, "extends", *PATCH_KEYS)]
    if unknown:
        raise ScenarioError(
            origin,
            unknown[0],
            f"unknown top-level key; expected {', '.join(FULL_KEYS)} (or a patch with extends).",
            line_of(text, (unknown[0],)),
        )
    body = {k: v for k, v in raw.items() if k in FULL_KEYS}
    try:
        return Scenario.model_validate(body)
    except ValidationError as err:
        raise from_validation(err, origin, text, events=body.get("events")) from None

"""The counterfactual a dashboard user builds by clicking: events switched off, events moved,
parameters set. It is kept as a patch on a base scenario, so that it exports as a TOML file the
command line reads (``angang run edited.toml``) and loads back into the dashboard unchanged.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from typing import Any

import tomli_w

from angang.errors import ScenarioError
from angang.scenario.loader import Loaded, builtin_names, load, load_text

#: the grounds recorded for a date the user changed (the loader requires one for every move)
MOVE_SOURCE = "moved in the angang dashboard by its user (a hypothesis, no source given)"
ORIGIN = "<dashboard>"
_SIMPLE_PATCH = {"extends", "meta", "remove", "move", "parameters"}


@dataclass(frozen=True)
class Edits:
    """A base scenario (a built-in name, or TOML text the user loaded) and the user's changes."""

    base: str = "baseline"
    text: str | None = None  #: loaded TOML; when set, ``base`` is only its label
    off: frozenset[str] = frozenset()
    moves: dict[str, tuple[int, str]] = field(default_factory=dict)  #: id -> (year, grounds)
    parameters: dict[str, float] = field(default_factory=dict)

    @property
    def edited(self) -> bool:
        return bool(self.off or self.moves or self.parameters)

    def toggled(self, event_id: str, on: bool) -> Edits:
        off = self.off - {event_id} if on else self.off | {event_id}
        return replace(self, off=frozenset(off))

    def moved(self, event_id: str, year: int | None) -> Edits:
        moves = {k: v for k, v in self.moves.items() if k != event_id}
        if year is not None:
            moves[event_id] = (year, self.moves.get(event_id, (0, MOVE_SOURCE))[1])
        return replace(self, moves=moves)

    def with_parameter(self, name: str, value: float | None) -> Edits:
        params = {k: v for k, v in self.parameters.items() if k != name}
        if value is not None:
            params[name] = value
        return replace(self, parameters=params)

    def patch(self) -> dict[str, Any]:
        """The user's changes as the keys of a patch file."""
        out: dict[str, Any] = {}
        if self.off:
            out["remove"] = sorted(self.off)
        if self.moves:
            out["move"] = [
                {"id": k, "year": y, "source": s} for k, (y, s) in sorted(self.moves.items())
            ]
        if self.parameters:
            out["parameters"] = dict(sorted(self.parameters.items()))
        if out:
            out["meta"] = self._meta()
        return out

    def _meta(self) -> dict[str, str]:
        parts = [
            f"switched off: {', '.join(sorted(self.off))}" if self.off else "",
            "moved: " + ", ".join(f"{k} to {y}" for k, (y, _) in sorted(self.moves.items()))
            if self.moves
            else "",
            "parameters: " + ", ".join(f"{k} = {v:g}" for k, v in sorted(self.parameters.items()))
            if self.parameters
            else "",
        ]
        name = self.base if self.base.endswith("-edited") else f"{self.base}-edited"
        return {
            "name": name[:80],
            "title": f"{self.base}, edited in the dashboard",
            "description": "; ".join(p for p in parts if p) or "no changes",
        }

    def load(self) -> Loaded:
        """The validated scenario; a ScenarioError names what is wrong, as on the command line."""
        if self.text is not None:
            return load_text(self.text, ORIGIN, patch=self.patch() or None)
        if self.base not in builtin_names():  # a browser names built-ins, never files
            raise ScenarioError(
                ORIGIN,
                "base",
                f"expected a built-in scenario ({', '.join(builtin_names())}), got {self.base!r}.",
            )
        if not self.edited:
            return load(self.base)
        return load_text(self.to_toml(), ORIGIN)

    def to_toml(self) -> str:
        """A file ``angang run`` reads: a readable patch on a built-in, or the user's own text,
        or, for loaded text the user then edited, the whole resolved scenario."""
        if self.text is None:
            body = tomli_w.dumps({"extends": self.base, **self.patch()})
            return "# Made in the angang dashboard; run it with: angang run FILE.toml\n" + body
        if not self.edited:
            return self.text
        dump = self.load().scenario.model_dump(mode="json", exclude_none=True)
        return (
            "# Made in the angang dashboard from a loaded scenario, with its edits applied.\n"
            + tomli_w.dumps(dump)
        )

    @classmethod
    def from_toml(cls, text: str) -> Edits:
        """Read TOML the user loaded. A simple patch on a built-in (what the dashboard exports)
        comes back as that built-in with the same switches, moves and parameters; anything
        else becomes the base itself. Raises ScenarioError if it is not a valid scenario."""
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            load_text(text, ORIGIN)  # raises the loader's error with the line
            raise
        if (
            set(raw) <= _SIMPLE_PATCH
            and raw.get("extends") in builtin_names()
            and isinstance(raw.get("remove", []), list)
        ):
            edits = cls(
                base=str(raw["extends"]),
                off=frozenset(raw.get("remove", [])),
                moves={
                    str(m.get("id")): (int(m.get("year", 0)), str(m.get("source", MOVE_SOURCE)))
                    for m in raw.get("move", [])
                    if isinstance(m, dict)
                },
                parameters=dict(raw.get("parameters", {})),
            )
            try:
                edits.load()
                return edits
            except ScenarioError:
                pass  # fall through: the loader's error on the user's own text is clearer
        loaded = load_text(text, ORIGIN)
        return cls(base=loaded.scenario.meta.name, text=text)

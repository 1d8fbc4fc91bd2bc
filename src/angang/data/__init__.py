"""The historical record: figures with a source for every number, and their bibliography.

``history.csv`` holds one figure a row (id, year, optional year_end, quantity, entity, value,
unit, use, source, page, note). ``use`` says whether a row may inform calibration or is kept
out of it for out-of-sample validation. ``sources.json`` is the bibliography in CSL-JSON,
which Zotero and citeproc read; it is the one bibliography of the dataset *and* of the built-in
timelines, whose event sources cite its keys in brackets (``[hirata2024; westad2003] ...``).
``angang data --cite --format bibtex`` exports it for LaTeX.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from angang.errors import AngangError

DATA_VERSION = "2026.11.4"
COLUMNS = (
    "id",
    "year",
    "year_end",
    "quantity",
    "entity",
    "value",
    "unit",
    "use",
    "source",
    "page",
    "note",
)
USES = ("calibration", "validation")


def _path(name: str) -> Path:
    return Path(str(resources.files("angang.data") / name))


def load_sources(path: Path | None = None) -> list[dict[str, Any]]:
    """The bibliography (CSL-JSON items)."""
    path = path or _path("sources.json")
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise AngangError(f"{path}: cannot read the bibliography as JSON ({err}).") from None
    if not isinstance(items, list) or not all(isinstance(i, dict) and "id" in i for i in items):
        raise AngangError(f"{path}: expected a JSON list of CSL items, each with an 'id'.")
    return items


def load_history(path: Path | None = None, sources: Path | None = None) -> pd.DataFrame:
    """The historical dataset as a DataFrame, checked row by row.

    Raises :class:`~angang.errors.AngangError` naming the file, the line and the field of the
    first malformed or unsourced row.
    """
    path = path or _path("history.csv")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError) as err:
        raise AngangError(f"{path}: cannot be read as CSV ({err}).") from None
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise AngangError(f"{path}: missing column(s) {missing}; expected {list(COLUMNS)}.")
    keys = {item["id"] for item in load_sources(sources)}
    for i, row in frame.iterrows():
        _check_row(path, int(str(i)) + 2, row, keys)
    if frame["id"].duplicated().any():
        dup = frame.loc[frame["id"].duplicated(), "id"].iloc[0]
        raise AngangError(f"{path}: field `id`: {dup!r} appears twice; ids must be unique.")
    out = frame.copy()
    out["year"] = out["year"].astype(int)
    out["year_end"] = pd.to_numeric(out["year_end"]).astype("Int64")
    out["value"] = out["value"].astype(float)
    return out


def _check_row(path: Path, line: int, row: pd.Series, keys: set[str]) -> None:
    def fail(field: str, expected: str) -> None:
        raise AngangError(
            f"{path}, line {line} (id {row['id']!r}): field `{field}`: expected "
            f"{expected}, got {row[field]!r}."
        )

    if not row["id"]:
        fail("id", "a non-empty id")
    for field in ("year", "year_end"):
        value = row[field]
        if field == "year_end" and value == "":
            continue
        if not value.isdigit() or not 1900 <= int(value) <= 2010:
            fail(field, "a year between 1900 and 2010")
    if row["year_end"] and int(row["year_end"]) < int(row["year"]):
        fail("year_end", f"a year not before {row['year']}")
    try:
        float(row["value"])
    except ValueError:
        fail("value", "a number")
    for field in ("quantity", "entity", "unit", "page"):
        if not row[field].strip():
            fail(field, "a non-empty text")
    if row["use"] not in USES:
        fail("use", f"one of {USES}")
    if row["source"] not in keys:
        fail("source", f"a key of the bibliography ({', '.join(sorted(keys))})")


def format_citation(item: dict[str, Any]) -> str:
    """A one-line author-date citation of a CSL item."""
    names = []
    for person in item.get("author", []):
        names.append(
            person.get("literal")
            or f"{person.get('family', '')}, {person.get('given', '')}".strip(", ")
        )
    year = item.get("issued", {}).get("date-parts", [[""]])[0][0]
    parts = [" and ".join(names) or "Anon.", f"({year})", f"{item.get('title', '')}."]
    if item.get("container-title"):
        parts.append(f"{item['container-title']}.")
    place = ", ".join(x for x in (item.get("publisher-place"), item.get("publisher")) if x)
    if place:
        parts.append(f"{place}.")
    if item.get("URL"):
        parts.append(item["URL"])
    return " ".join(parts)


#: a citation in a source text: bracketed bibliography keys, separated by semicolons
CITATION = re.compile(r"\[([a-z0-9][a-z0-9-]*(?:; [a-z0-9][a-z0-9-]*)*)\]")


def cited_keys(text: str) -> list[str]:
    """The bibliography keys a source text cites, in order, e.g. '[hirata2024] Introduction'."""
    return [k for group in CITATION.findall(text) for k in group.split("; ")]


_BIBTEX_TYPES = {
    "book": "book",
    "chapter": "incollection",
    "article-journal": "article",
    "article-newspaper": "article",
    "article-magazine": "article",
    "report": "techreport",
    "thesis": "phdthesis",
}


def to_bibtex(items: list[dict[str, Any]]) -> str:
    """The bibliography as BibTeX entries (unknown CSL types become @misc)."""

    def names(people: list[dict[str, str]]) -> str:
        return " and ".join(
            (p.get("literal") and "{" + p["literal"] + "}")
            or f"{p.get('family', '')}, {p.get('given', '')}".strip(", ")
            for p in people
        )

    def esc(value: str) -> str:
        return (
            value.replace("\\", "\\textbackslash{}")
            .replace("{", "\\{")
            .replace("}", "\\}")
            .replace("&", "\\&")
            .replace("%", "\\%")
            .replace("#", "\\#")
        )

    entries = []
    for item in items:
        fields = {"author": names(item.get("author", [])), "title": esc(item.get("title", ""))}
        year = item.get("issued", {}).get("date-parts", [[None]])[0][0]
        if year:
            fields["year"] = str(year)
        for csl, bib in (
            (
                "container-title",
                "journal" if item.get("type", "").startswith("article") else "booktitle",
            ),
            ("publisher", "publisher"),
            ("publisher-place", "address"),
            ("volume", "volume"),
            ("issue", "number"),
            ("URL", "url"),
            ("note", "note"),
        ):
            if item.get(csl):
                fields[bib] = item[csl] if csl == "URL" else esc(str(item[csl]))
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items() if v)
        entries.append(
            f"@{_BIBTEX_TYPES.get(item.get('type', ''), 'misc')}{{{item['id']},\n{body}\n}}"
        )
    return "\n\n".join(entries) + "\n"

"""Figures of a run for the report and the dashboard: ensemble median and 5-95% band, the
official record, the history's periods as shaded bands, and B − A differences.

Every figure is rendered to an SVG string, so the report embeds it and needs no file, font
or script from outside. Colours are the Okabe-Ito palette, safe for colour-blind readers.
Figures are built without pyplot, so they render in any thread (the dashboard's) and need no
GUI backend. Axis units come from the variable registry (:data:`VARIABLES`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter

from angang.analysis.summary import quantiles
from angang.analysis.tables import wide
from angang.ids import REGIONS
from angang.model.observe import VARIABLES

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
matplotlib.rcParams.update(
    {"svg.fonttype": "none", "font.size": 9, "axes.spines.top": False, "axes.spines.right": False}
)
#: the history's periods (the narrative's), as the shaded bands behind every time axis
PERIODS = (
    (1916, 1931, "warlords"),
    (1932, 1945, "Manchukuo, war"),
    (1945, 1949, "civil war"),
    (1949, 1957, "1st Plan"),
    (1958, 1961, "Leap"),
    (1962, 1965, "adjust."),
    (1966, 1976, "Cultural Rev., 3rd Front"),
    (1977, 1991, "reform"),
    (1992, 2000, "markets"),
)
#: how a registry unit reads on an axis
UNIT_LABELS = {
    "kt": "thousand tonnes",
    "share": "share (0–1)",
    "0-1": "index (0–1)",
    "persons": "persons",
    "incidents": "incidents a year",
    "count": "count",
    "angang_share": "share (0–1)",
}
#: schematic positions (column, row) of the six greater regions on a tile map, west to east
#: and north to south, as they lie on a map of China
TILES = {
    "northwest": (0, 1),
    "north": (1, 1),
    "northeast": (2, 0),
    "southwest": (0, 2),
    "central-south": (1, 2),
    "east": (2, 1),
}


def band(series: pd.DataFrame, variable: str, entity: str) -> pd.DataFrame:
    """Median and 5-95% by year of one variable and entity."""
    return quantiles(series, variable, entity)


def _readable(value: float, _position: object = None) -> str:
    """A tick label without an offset or exponent: 1.5M, 20k, 0.25."""
    size = abs(value)
    if size >= 1e9:
        return f"{value / 1e9:g}bn"
    if size >= 1e6:
        return f"{value / 1e6:g}M"
    if size >= 1e4:
        return f"{value / 1e3:g}k"
    return f"{value:g}"


def _ticks(ax: Axes) -> None:
    """Readable tick labels on a linear or symlog axis (log axes keep their powers of ten)."""
    if ax.get_yscale() != "log":
        ax.yaxis.set_major_formatter(FuncFormatter(_readable))


def unit_label(variable: str) -> str:
    """The axis label of a recorded variable's unit."""
    unit = VARIABLES[variable].unit if variable in VARIABLES else variable
    if unit.startswith("0-1 (1 = world best practice"):
        return "index (1 = world best practice, 2000)"
    return UNIT_LABELS.get(unit, unit)


def svg(fig: Figure) -> str:
    """The figure as an SVG string, without the metadata that would change between runs."""
    buf = io.StringIO()
    fig.savefig(
        buf,
        format="svg",
        bbox_inches="tight",
        metadata={"Creator": None, "Date": None, "Format": None, "Type": None},
    )
    text = buf.getvalue()
    return text[text.index("<svg") :]


def periods(ax: Axes, labels: bool = True) -> None:
    """The history's periods as alternately shaded bands, labelled at the top."""
    low, high = ax.get_xlim()
    for i, (first, last, name) in enumerate(PERIODS):
        if last < low or first > high:
            continue
        if i % 2:
            ax.axvspan(first, last, color="0.93", lw=0, zorder=0)
        if labels:
            narrow = last - first <= 5
            ax.text(
                (first + last) / 2,
                0.99,
                name,
                rotation=90 if narrow else 0,
                fontsize=6.5,
                color="0.35",
                va="top",
                ha="center",
                transform=ax.get_xaxis_transform(),
            )
    ax.set_xlim(low, high)


def strip(ax: Axes, spans: Sequence[tuple[float, float, str]]) -> None:
    """Spans of time (e.g. management systems) as a labelled strip along the bottom of a
    panel: each span a tinted block with its name."""
    for i, (first, last, name) in enumerate(spans):
        ax.axvspan(
            first, last, ymin=0.0, ymax=0.12, color=PALETTE[(i + 3) % len(PALETTE)], alpha=0.35
        )
        ax.text(
            (first + last) / 2,
            0.06,
            name,
            fontsize=5.5,
            ha="center",
            va="center",
            color="0.1",
            transform=ax.get_xaxis_transform(),
        )


def _line(
    ax: Axes,
    series: pd.DataFrame,
    variable: str,
    entity: str,
    colour: str,
    label: str,
    **kw: object,
) -> None:
    b = band(series, variable, entity)
    ax.plot(b.index, b["median"], color=colour, label=label, **kw)  # type: ignore[arg-type]
    if kw.get("ls") != "--":
        ax.fill_between(b.index, b["low"], b["high"], color=colour, alpha=0.18, lw=0)


def lines(
    series: pd.DataFrame,
    items: Sequence[tuple[str, str, str]],
    title: str,
    unit: str | None = None,
    log: bool = False,
    history: pd.DataFrame | None = None,
    against: pd.DataFrame | None = None,
    labels: tuple[str, str] = ("", ""),
) -> str:
    """One panel: each (variable, entity, label) as a median line with its band; ``against``
    adds the other scenario's medians dashed. The unit is the first variable's."""
    fig = Figure(figsize=(8, 3.4))
    ax = fig.add_subplot()
    for i, (variable, entity, label) in enumerate(items):
        colour = PALETTE[i % len(PALETTE)]
        _line(ax, series, variable, entity, colour, f"{label} {labels[0]}".strip())
        if against is not None:
            _line(ax, against, variable, entity, colour, f"{label} {labels[1]}".strip(), ls="--")
    if history is not None and len(history):
        ax.scatter(history["year"], history["value"], s=10, color="black", zorder=5, label="record")
    if log:
        ax.set_yscale("log")
    _ticks(ax)
    periods(ax)
    ax.set_title(title, loc="left")
    ax.set_ylabel(unit or unit_label(items[0][0]))
    ax.legend(fontsize=7, frameon=False, ncol=2, loc="lower right")
    return svg(fig)


def small_multiples(
    series: pd.DataFrame,
    variable: str,
    entities: Sequence[tuple[str, str]],
    title: str,
    against: pd.DataFrame | None = None,
    labels: tuple[str, str] = ("", ""),
) -> str:
    """One small panel per entity (a region), on a shared scale: median and band, the other
    scenario dashed."""
    cols = 3
    rows = -(-len(entities) // cols)
    fig = Figure(figsize=(8, 2.0 * rows + 0.4))
    axes = fig.subplots(rows, cols, sharex=True, sharey=True, squeeze=False)
    for ax, (entity, name) in zip(axes.flat, entities, strict=False):
        _line(ax, series, variable, entity, PALETTE[0], labels[0] or "median")
        if against is not None:
            _line(ax, against, variable, entity, PALETTE[1], labels[1], ls="--")
        _ticks(ax)
        periods(ax, labels=False)
        ax.set_title(name, loc="left", fontsize=8)
    for ax in axes.flat[len(entities) :]:
        ax.set_visible(False)
    fig.suptitle(title, x=0.01, ha="left", fontsize=9)
    fig.supylabel(unit_label(variable), fontsize=8)
    return svg(fig)


def stacked(
    series: pd.DataFrame,
    variable: str,
    entities: Sequence[tuple[str, str]],
    title: str,
    ax: Axes | None = None,
    against: pd.DataFrame | None = None,
) -> str:
    """Stacked areas of medians (e.g. technology provenance by source); ``against`` draws the
    other scenario's stack as dashed boundaries; with ``ax``, drawn into that panel of a
    larger figure (and an empty string returned)."""
    fig = Figure(figsize=(8, 3.4)) if ax is None else None
    target = ax if ax is not None else fig.add_subplot()  # type: ignore[union-attr]
    frames = [band(series, variable, e)["median"].rename(label) for e, label in entities]
    table = pd.concat(frames, axis=1).fillna(0.0)
    target.stackplot(
        table.index,
        table.T.to_numpy(),
        labels=list(table.columns),
        colors=PALETTE[: len(table.columns)],
        alpha=0.85,
    )
    if against is not None:
        other = pd.concat(
            [band(against, variable, e)["median"].rename(label) for e, label in entities], axis=1
        ).fillna(0.0)
        for i, column in enumerate(other.cumsum(axis=1).columns):
            target.plot(
                other.index,
                other.cumsum(axis=1)[column],
                color=PALETTE[i % len(PALETTE)],
                ls="--",
                lw=0.9,
            )
    periods(target, labels=ax is None)
    target.set_title(title, loc="left", fontsize=9 if ax is None else 8)
    target.set_ylabel(unit_label(variable))
    top = float(np.nanmax(table.sum(axis=1).to_numpy())) if len(table) else 1.0
    target.set_ylim(0, max(1.0, top))
    target.legend(fontsize=6.5, frameon=False, ncol=3, loc="upper left")
    return svg(fig) if fig is not None else ""


def panels_of(
    series: pd.DataFrame,
    specs: Sequence[tuple[str, Sequence[tuple[str, str, str]], str]],
    against: pd.DataFrame | None = None,
    labels: tuple[str, str] = ("", ""),
    stacked_spec: tuple[str, Sequence[tuple[str, str]], str] | None = None,
    strips: dict[int, Sequence[tuple[float, float, str]]] | None = None,
) -> str:
    """A column of panels, each with its own axis and unit: (title, items, y scale) per panel
    (the scale "linear", "log", or "symlog" for counts with zeros and rare huge spikes);
    ``stacked_spec`` (variable, entities, title) adds a stacked-area panel at the end;
    ``strips`` puts labelled spans of time along the bottom of the panels it names by index."""
    count = len(specs) + (stacked_spec is not None)
    fig = Figure(figsize=(8, 1.9 * count + 0.3))
    axes = fig.subplots(count, 1, sharex=True, squeeze=False)[:, 0]
    for ax, (title, items, yscale) in zip(axes, specs, strict=False):
        for i, (variable, entity, label) in enumerate(items):
            colour = PALETTE[i % len(PALETTE)]
            _line(ax, series, variable, entity, colour, f"{label} {labels[0]}".strip())
            if against is not None:
                _line(
                    ax, against, variable, entity, colour, f"{label} {labels[1]}".strip(), ls="--"
                )
        if yscale == "symlog":
            ax.set_yscale("symlog", linthresh=1.0)
            ax.set_ylim(bottom=0)
        elif yscale == "log":
            ax.set_yscale("log")
        _ticks(ax)
        periods(ax, labels=ax is axes[0])
        for index, spans in (strips or {}).items():
            if ax is axes[index]:
                strip(ax, spans)
        ax.set_title(title, loc="left", fontsize=8)
        ax.set_ylabel(unit_label(items[0][0]), fontsize=7)
        if len(items) > 1 or against is not None:
            ax.legend(fontsize=6.5, frameon=False, ncol=2, loc="center left")
    if stacked_spec is not None:
        variable, entities, title = stacked_spec
        stacked(series, variable, entities, title, ax=axes[-1], against=against)
    return svg(fig)


def paired_difference(b: pd.DataFrame, a: pd.DataFrame, variable: str, entity: str) -> pd.DataFrame:
    """B − A run by run (common random numbers pair run i with run i), then the median and
    5-95% band of the differences by year."""

    diff = wide(b, variable, entity) - wide(a, variable, entity)
    return pd.DataFrame(
        {
            "median": diff.median(),
            "low": diff.quantile(0.05),
            "high": diff.quantile(0.95),
        }
    )


def differences(
    b: pd.DataFrame,
    a: pd.DataFrame,
    items: Sequence[tuple[str, str, str]],
    title: str,
) -> str:
    """One panel per (variable, entity, label): B − A, its median and 5-95% band over the
    paired runs, with zero marked."""
    fig = Figure(figsize=(8, 1.8 * len(items) + 0.3))
    axes = fig.subplots(len(items), 1, sharex=True, squeeze=False)[:, 0]
    for i, (ax, (variable, entity, label)) in enumerate(zip(axes, items, strict=True)):
        d = paired_difference(b, a, variable, entity)
        colour = PALETTE[i % len(PALETTE)]
        ax.axhline(0.0, color="0.3", lw=0.7)
        ax.plot(d.index, d["median"], color=colour)
        ax.fill_between(d.index, d["low"], d["high"], color=colour, alpha=0.22, lw=0)
        _ticks(ax)
        periods(ax, labels=i == 0)
        ax.set_title(label, loc="left", fontsize=8)
        ax.set_ylabel(unit_label(variable), fontsize=7)
    fig.suptitle(title, x=0.01, ha="left", fontsize=9)
    return svg(fig)


def tile_map(
    values: Sequence[dict[str, float]],
    names: Sequence[str],
    title: str,
    unit: str = "share",
) -> str:
    """China's six greater administrative regions as tiles placed as they lie on the map
    (north-west to south-east), one map per entry of ``values`` (region -> value) named by
    ``names`` (a year, a scenario), each tile coloured by its value (a share: 0 white, 1
    darkest) and labelled with it. A schematic map: nothing is drawn from boundary files,
    nothing is fetched."""
    cmap = matplotlib.colormaps["Blues"]
    fig = Figure(figsize=(2.1 * len(names) + 0.6, 2.3))
    axes = fig.subplots(1, len(names), squeeze=False)[0]
    top = max([1e-9, *(v for year in values for v in year.values() if np.isfinite(v))])
    scale = 1.0 if unit == "share" else top
    for ax, name, shown in zip(axes, names, values, strict=True):
        for region in REGIONS:
            col, row = TILES[region]
            value = shown.get(region, float("nan"))
            level = value / scale if np.isfinite(value) else 0.0
            ax.add_patch(
                Rectangle(
                    (col, -row),
                    0.94,
                    0.94,
                    facecolor=cmap(0.08 + 0.85 * min(1.0, level)),
                    edgecolor="white",
                )
            )
            text = f"{value:.0%}" if unit == "share" else f"{value:,.0f}"
            ink = "white" if level > 0.55 else "0.15"  # legible on dark and light tiles
            ax.text(
                col + 0.47,
                -row + 0.6,
                region.replace("-", "-\n") if region == "central-south" else region,
                ha="center",
                va="center",
                fontsize=6.5,
                color=ink,
            )
            ax.text(
                col + 0.47,
                -row + 0.25,
                text if np.isfinite(value) else "–",
                ha="center",
                va="center",
                fontsize=8,
                fontweight="bold",
                color=ink,
            )
        ax.set_xlim(-0.05, 3.0)
        ax.set_ylim(-2.05, 1.0)
        ax.set_aspect("equal")
        ax.axis("off")
        ax.set_title(name, fontsize=9)
    fig.suptitle(title, x=0.01, y=1.06, ha="left", fontsize=9)
    return svg(fig)

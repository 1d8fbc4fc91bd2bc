"""Figures of a run for the report: ensemble median and 5-95% band, history, event markers.

Every figure is rendered to an SVG string, so the report embeds it and needs no file, font
or script from outside. Colours are the Okabe-Ito palette, safe for colour-blind readers.
Figures are built without pyplot, so they render in any thread (the dashboard's) and need no
GUI backend.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from angang.analysis.summary import quantiles

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
matplotlib.rcParams.update(
    {"svg.fonttype": "none", "font.size": 9, "axes.spines.top": False, "axes.spines.right": False}
)


def band(series: pd.DataFrame, variable: str, entity: str) -> pd.DataFrame:
    """Median and 5-95% by year of one variable and entity."""
    return quantiles(series, variable, entity)


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


def _events(ax: Axes, markers: Sequence[tuple[int, str]]) -> None:
    for year, label in markers:
        ax.axvline(year, color="0.75", lw=0.6, zorder=0)
        ax.text(
            year,
            1.0,
            label,
            rotation=90,
            fontsize=6,
            color="0.4",
            va="top",
            ha="right",
            transform=ax.get_xaxis_transform(),
        )


def lines(
    series: pd.DataFrame,
    items: Sequence[tuple[str, str, str]],
    title: str,
    unit: str,
    markers: Sequence[tuple[int, str]] = (),
    log: bool = False,
    history: pd.DataFrame | None = None,
    against: pd.DataFrame | None = None,
    labels: tuple[str, str] = ("", ""),
) -> str:
    """One panel: each (variable, entity, label) as a median line with its band."""
    fig = Figure(figsize=(8, 3.4))
    ax = fig.add_subplot()
    for i, (variable, entity, label) in enumerate(items):
        colour = PALETTE[i % len(PALETTE)]
        b = band(series, variable, entity)
        ax.plot(b.index, b["median"], color=colour, label=f"{label} {labels[0]}".strip())
        ax.fill_between(b.index, b["low"], b["high"], color=colour, alpha=0.18, lw=0)
        if against is not None:
            o = band(against, variable, entity)
            ax.plot(
                o.index, o["median"], color=colour, ls="--", label=f"{label} {labels[1]}".strip()
            )
    if history is not None and len(history):
        ax.scatter(
            history["year"],
            history["value"],
            s=10,
            color="black",
            zorder=5,
            label="historical record",
        )
    if log:
        ax.set_yscale("log")
    _events(ax, markers)
    ax.set_title(title, loc="left")
    ax.set_ylabel(unit)
    ax.set_xlabel("year")
    ax.legend(fontsize=7, frameon=False, ncol=2)
    return svg(fig)


def stacked(
    series: pd.DataFrame,
    variable: str,
    entities: Sequence[tuple[str, str]],
    title: str,
    unit: str,
    markers: Sequence[tuple[int, str]] = (),
) -> str:
    """Stacked areas of medians (e.g. technology provenance by source)."""
    fig = Figure(figsize=(8, 3.4))
    ax = fig.add_subplot()
    frames = [band(series, variable, e)["median"].rename(label) for e, label in entities]
    table = pd.concat(frames, axis=1).fillna(0.0)
    ax.stackplot(
        table.index,
        table.T.to_numpy(),
        labels=list(table.columns),
        colors=PALETTE[: len(table.columns)],
        alpha=0.85,
    )
    _events(ax, markers)
    ax.set_title(title, loc="left")
    ax.set_ylabel(unit)
    ax.set_xlabel("year")
    ax.set_ylim(0, max(1.0, float(np.nanmax(table.sum(axis=1).to_numpy())) if len(table) else 1))
    ax.legend(fontsize=7, frameon=False, ncol=3, loc="upper left")
    return svg(fig)

"""The dashboard (Solara): pick or load a scenario, switch events off or move them, set
parameters within their documented ranges, run a small ensemble, and see the report's figures
with the unedited scenario behind. Started by ``angang dashboard``.

Every change is validated by the same loader as the command line; an invalid one is refused
with the loader's message and the app keeps its last valid state.
"""

from __future__ import annotations

import functools
from html import escape
from typing import Any

import solara
import solara.lab

from angang.dashboard.edits import Edits
from angang.dashboard.session import MAX_RUNS, Outcome, Settings, simulate, strip
from angang.errors import AngangError
from angang.report.narrative import plain
from angang.report.panels import map_against
from angang.scenario.describe import describe_event
from angang.scenario.loader import builtin_names
from angang.scenario.parameters import parameter_table

edits = solara.reactive(Edits())
problem = solara.reactive("")
runs = solara.reactive(8)
seed = solara.reactive(1)
scale = solara.reactive(0.3)
pasted = solara.reactive("")
move_id = solara.reactive("")
move_year = solara.reactive(1960)
filter_text = solara.reactive("")
view = solara.reactive("Figures")
map_year = solara.reactive(1952)

CSS = """
.angang-figure svg{max-width:100%;height:auto}
.angang-strip svg{width:100%;height:auto}
.angang-off{color:#999;text-decoration:line-through}
.angang-events{max-height:32rem;overflow-y:auto}
.angang-parameter{margin-bottom:.6rem;font-size:.8rem;color:#444}
"""


def _prose(html_text: str, tag: str = "p") -> None:
    """A line of text with simple markup. (solara.Markdown would load KaTeX, which Solara's
    offline assets lack: it would then try to fetch it from a CDN.)"""
    solara.HTML(tag=tag, unsafe_innerHTML=html_text)


def _apply(new: Edits) -> None:
    """Accept an edit only if the loader accepts the resulting scenario."""
    try:
        new.load()
    except AngangError as err:
        problem.value = str(err)
        return
    problem.value = ""
    edits.value = new


def _toggle(event_id: str, on: bool) -> None:
    _apply(edits.value.toggled(event_id, on))


def _set_parameter(name: str, base: float, step: float, value: float) -> None:
    """A slider's value as an edit — unless it is the scenario's own value as the slider's
    step grid shows it (a slider snaps a calibrated 2.2534 to 2.24 and reports it as soon as
    it is drawn: that is not the user's edit)."""
    if abs(value - base) <= step / 2 * (1 + 1e-9):  # half a step, rounding included
        _apply(edits.value.with_parameter(name, None))
    else:
        _apply(edits.value.with_parameter(name, value))


@solara.lab.task
def ensemble() -> Outcome | None:
    settings = Settings(runs=runs.value, seed=seed.value, scale=scale.value)

    def progress(pct: float) -> None:
        ensemble.progress = pct

    try:
        outcome = simulate(edits.value, settings, progress)
    except AngangError as err:
        problem.value = str(err)
        return None
    problem.value = ""
    return outcome


def _load_text(text: str, label: str) -> None:
    try:
        new = Edits.from_toml(text)
    except AngangError as err:
        problem.value = f"{label}: {err}"
        return
    problem.value = ""
    edits.value = new


@solara.component
def ScenarioPanel() -> None:
    e = edits.value
    solara.Select(
        label="Built-in scenario",
        values=builtin_names(),
        value=e.base if e.text is None else None,
        on_value=lambda name: _apply(Edits(base=name)) if name else None,
    )
    if e.text is not None:
        solara.Info(f"Loaded scenario: {e.base}", dense=True)

    def on_file(info: dict[str, Any]) -> None:
        _load_text(info["data"].decode("utf-8", errors="replace"), info["name"])

    _prose("<b>Load a scenario file (TOML)</b>")
    solara.FileDrop(label="Drop a .toml file here", on_file=on_file, lazy=False)
    solara.InputTextArea("…or paste TOML", value=pasted, rows=4, continuous_update=True)
    solara.Button(
        "Load pasted TOML",
        on_click=lambda: _load_text(pasted.value, "pasted text"),
        outlined=True,
        classes=["angang-load"],
    )


@solara.component
def RunPanel() -> None:
    solara.InputInt("Runs", value=runs, continuous_update=True)
    solara.InputInt("Seed", value=seed, continuous_update=True)
    solara.SliderFloat("Scale (agents per cell)", value=scale, min=0.1, max=1.0, step=0.05)
    solara.Button(
        "Run ensemble",
        on_click=ensemble,
        color="primary",
        disabled=ensemble.pending,
        classes=["angang-run"],
    )
    solara.ProgressLinear(ensemble.progress or True if ensemble.pending else False)
    solara.Text(f"Up to {MAX_RUNS} runs; the unedited scenario runs with the same seeds.")
    solara.FileDownload(
        lambda: edits.value.to_toml(),
        filename=f"{_name()}.toml",
        label="Export scenario (TOML)",
        mime_type="application/toml",
    )
    result = ensemble.value if ensemble.finished else None
    if result is not None:
        solara.FileDownload(
            result.csv,
            filename=f"{result.name}-results.csv",
            label="Export results (CSV)",
            mime_type="text/csv",
        )


def _name() -> str:
    e = edits.value
    return e.base if not e.edited else f"{e.base}-edited"


@solara.component
def EventStrip() -> None:
    e = edits.value
    try:
        loaded = e.load()
    except AngangError:  # cannot happen: only valid edits are kept
        return
    kept = {ev.id for ev in loaded.scenario.events}
    base_events = Edits(base=e.base, text=e.text).load().scenario.sorted_events()
    _prose(
        f"<b>{len(kept)} of {len(base_events)} events on.</b> Switch an event off to "
        "remove it (events that presuppose it go too); move one to another year."
    )
    solara.HTML(tag="div", unsafe_innerHTML=strip(e), classes=["angang-strip"])
    if loaded.removed_with:
        solara.Warning(
            "Also removed because they presuppose a removed event: "
            + ", ".join(f"{k} (requires {v})" for k, v in sorted(loaded.removed_with.items())),
            dense=True,
        )
    with solara.Row():
        solara.Select(label="Move event", values=[ev.id for ev in base_events], value=move_id)
        solara.InputInt("to year", value=move_year, continuous_update=True)
        solara.Button(
            "Move",
            outlined=True,
            classes=["angang-move"],
            on_click=lambda: (
                _apply(e.moved(move_id.value, move_year.value)) if move_id.value else None
            ),
        )
        solara.Button(
            "Undo moves",
            text=True,
            on_click=lambda: _apply(
                Edits(base=e.base, text=e.text, off=e.off, parameters=e.parameters)
            ),
        )
    solara.InputText("Filter events", value=filter_text, continuous_update=True)
    needle = filter_text.value.lower()
    with solara.Column(classes=["angang-events"]):
        for ev in base_events:
            text = f"{ev.id} {describe_event(ev)}".lower()
            if needle and needle not in text:
                continue
            year = e.moves.get(ev.id, (ev.year, ""))[0]
            moved = f" (moved from {ev.year})" if ev.id in e.moves else ""
            with solara.Row(style={"align-items": "center"}):
                solara.Checkbox(
                    label=f"{year} · {ev.id}{moved}",
                    value=ev.id in kept,
                    on_value=functools.partial(_toggle, ev.id),
                    disabled=ev.id not in kept and ev.id not in e.off,
                )
                solara.Text(describe_event(ev), style={"font-size": "0.8rem", "color": "#555"})


@solara.component
def ParameterPanel() -> None:
    e = edits.value
    _prose(
        "Global parameters, each within its documented range, with its unit and meaning "
        "(sources in <code>docs/ODD.md</code>). The scenario's own values are the starting "
        "points; calibrated ones come from its parameter file."
    )
    solara.Button(
        "Reset all",
        text=True,
        on_click=lambda: _apply(Edits(base=e.base, text=e.text, off=e.off, moves=e.moves)),
    )
    base_params = Edits(base=e.base, text=e.text).load().scenario.parameters
    for row in parameter_table():
        name = row["name"]
        base = float(getattr(base_params, name))
        value = float(e.parameters.get(name, base))
        step = (row["high"] - row["low"]) / 100
        with solara.Column(classes=["angang-parameter"], gap="0px"):
            solara.SliderFloat(
                name,
                value=value,
                min=row["low"],
                max=row["high"],
                step=step,
                on_value=functools.partial(_set_parameter, name, base, step),
            )
            _prose(
                f"<b class='angang-value'>{value:.4g}</b> {escape(row['unit'])} "
                f"(range {row['low']:g} to {row['high']:g})"
                + (" · <i>edited</i>" if name in e.parameters else "")
                + f"<br>{escape(row['meaning'])}",
                tag="div",
            )


@solara.component
def Results() -> None:
    if ensemble.pending:
        solara.Text("Running…")
    result = ensemble.value if ensemble.finished else None
    if result is None:
        _prose(
            "Press <b>Run ensemble</b> to simulate the scenario and its unedited base with "
            "the same seeds."
        )
        return
    _prose(
        f"<b>{escape(result.name)}</b> (solid) against <b>{escape(result.base_name)}</b> "
        "unedited (dashed): medians and 5–95% bands."
    )
    rows = "".join(
        f"<tr><td>{escape(r['quantity'])}</td><td class='edited'>{plain(r['edited'])}</td>"
        f"<td class='base'>{plain(r['base'])}</td><td>{r['change %']:+.1f}</td></tr>"
        for r in result.headlines.to_dict("records")
    )
    solara.HTML(
        tag="table",
        classes=["angang-headlines"],
        unsafe_innerHTML=(
            "<tr><th>median</th><th>edited</th><th>base</th><th>change %</th></tr>" + rows
        ),
    )
    for i, panel in enumerate(result.figures, start=1):
        _prose(f"<b>Figure {i}. {escape(panel.title)}.</b> {escape(panel.caption)}")
        solara.HTML(tag="div", unsafe_innerHTML=panel.svg, classes=["angang-figure"])
        if panel.key == "map":
            MapOfYear(result)


@solara.component
def MapOfYear(result: Outcome) -> None:
    """The map for any year, the edited scenario beside its unedited base."""
    solara.SliderInt("Map year", value=map_year, min=1916, max=2000)
    svg = solara.use_memo(
        lambda: map_against(
            result.series,
            result.base,
            map_year.value,
            (result.name, f"{result.base_name} (unedited)"),
        ),
        dependencies=[result, map_year.value],
    )
    solara.HTML(tag="div", unsafe_innerHTML=svg, classes=["angang-figure", "angang-map"])


VIEWS = {"Figures": Results, "Timeline": EventStrip, "Parameters": ParameterPanel}


@solara.component
def Page() -> None:
    solara.Style(CSS)
    solara.Title("angang dashboard")
    with solara.Sidebar():
        _prose("Scenario", tag="h3")
        ScenarioPanel()
        _prose("Ensemble", tag="h3")
        RunPanel()
    if problem.value:
        solara.Error(problem.value, classes=["angang-error"])
    solara.ToggleButtonsSingle(value=view, values=list(VIEWS))
    VIEWS[view.value]()

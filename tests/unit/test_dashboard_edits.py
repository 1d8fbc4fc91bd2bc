"""The dashboard's counterfactual (events off, moved, parameters) as a patch, and what it runs."""

from __future__ import annotations

from importlib import resources

import pytest

from angang.dashboard.edits import MOVE_SOURCE, Edits
from angang.dashboard.session import Settings, simulate, strip
from angang.errors import AngangError, ScenarioError
from angang.scenario.loader import builtin_names, load, load_text

GLF = "great-leap-forward-1958"


def test_an_unedited_builtin_is_the_builtin() -> None:
    assert Edits().load().content_hash == load("baseline").content_hash


def test_switching_off_equals_the_builtin_counterfactual() -> None:
    ours = Edits().toggled(GLF, False).load().scenario
    theirs = load("no-great-leap").scenario
    assert [e.id for e in ours.events] == [e.id for e in theirs.events]
    assert ours.parameters == theirs.parameters


def test_export_and_reload_give_back_the_same_edits_and_scenario() -> None:
    edits = (
        Edits()
        .toggled(GLF, False)
        .moved("third-front-1964", 1966)
        .with_parameter("capital_productivity", 2.0)
    )
    text = edits.to_toml()
    assert text.startswith("#") and 'extends = "baseline"' in text
    again = Edits.from_toml(text)
    assert again == edits
    assert again.load().content_hash == edits.load().content_hash
    moved = again.load().scenario.event("third-front-1964")
    assert moved.year == 1966 and MOVE_SOURCE in moved.source
    # and the command line reads the same file
    assert load_text(text).content_hash == edits.load().content_hash


def test_a_loaded_full_scenario_exports_whole_once_edited() -> None:
    text = (resources.files("angang.scenario") / "builtin" / "baseline.toml").read_text()
    edits = Edits.from_toml(text)
    assert edits.text == text and edits.to_toml() == text  # unedited: the user's own file
    edited = edits.toggled("reform-1978", False)
    assert "soe-layoffs-1997" in edited.load().removed_with  # requires reform-1978
    again = Edits.from_toml(edited.to_toml())
    assert again.load().content_hash == edited.load().content_hash


def test_turning_an_event_back_on_undoes_it() -> None:
    assert Edits().toggled(GLF, False).toggled(GLF, True) == Edits()


@pytest.mark.parametrize(
    ("edits", "needle"),
    [
        (Edits().moved(GLF, 1800), "move[0].year"),
        (Edits().with_parameter("capital_productivity", 1e9), "capital_productivity"),
        (Edits().toggled("no-such-event", False), "no event with id 'no-such-event'"),
    ],
)
def test_invalid_edits_get_the_loaders_message(edits: Edits, needle: str) -> None:
    with pytest.raises(ScenarioError) as err:
        edits.load()
    assert needle in str(err.value) and "<dashboard>" in str(err.value)


def test_bad_text_is_refused_with_its_line() -> None:
    with pytest.raises(ScenarioError, match="line 2"):
        Edits.from_toml('extends = "baseline"\nremove = ["nope-1958"]')
    with pytest.raises(ScenarioError, match="not valid TOML"):
        Edits.from_toml("remove = [")


def test_every_builtin_round_trips() -> None:
    for name in builtin_names():
        edits = Edits(base=name)
        if GLF not in {e.id for e in edits.load().scenario.events}:
            continue
        assert Edits.from_toml(edits.toggled(GLF, False).to_toml()).off == {GLF}


def test_settings_out_of_range_are_refused() -> None:
    for bad in (Settings(runs=0), Settings(runs=65), Settings(seed=-1), Settings(scale=5)):
        with pytest.raises(AngangError):
            bad.check()


def test_simulate_compares_with_the_unedited_base_under_common_seeds() -> None:
    settings = Settings(runs=2, seed=3, scale=0.15)
    same = simulate(Edits(), settings)
    assert (same.headlines["change %"].abs() < 1e-12).all()
    seen: list[float] = []
    leapless = simulate(Edits().toggled(GLF, False), settings, seen.append)
    row = leapless.headlines.set_index("quantity").loc["China's steel, 1959 (kt)"]
    assert row["edited"] < row["base"]
    assert seen[-1] == 100.0 and seen == sorted(seen)
    assert leapless.csv().splitlines()[0] == "scenario,run,year,variable,entity,value"
    assert len(leapless.figures) == len(same.figures) >= 10


def test_the_strip_marks_switched_off_events() -> None:
    assert strip(Edits()).count("<svg") == 1
    assert strip(Edits().toggled(GLF, False)) != strip(Edits())

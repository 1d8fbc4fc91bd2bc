"""Directional behaviour of the whole system on small ensembles (medians over runs).

Each test removes events from the baseline and checks that an outcome moves the way the
history's argument says it should, on 32 runs at the baseline's own scale (the scale the
parameters were fitted at); the margins asserted are well inside what the ensembles show.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from angang.model.loop import simulate
from angang.scenario import load_scenario

RUNS, SCALE, SEED = 32, None, 11


def _medians(scenario) -> pd.Series:
    frame = simulate(scenario, np.arange(RUNS), SEED, scale=SCALE).to_frame()
    return frame.groupby(["variable", "entity", "year"], observed=True)["value"].median()


@pytest.fixture(scope="module")
def baseline() -> pd.Series:
    """Median series of the baseline ensemble."""
    return _medians(load_scenario("baseline"))


def without(tmp_path: Path, *ids: str) -> pd.Series:
    """Median series of the baseline with events removed."""
    path = tmp_path / "cf.toml"
    path.write_text('extends = "baseline"\nremove = [' + ", ".join(f'"{i}"' for i in ids) + "]\n")
    return _medians(load_scenario(path))


def mean(series: pd.Series, variable: str, entity: str, first: int, last: int) -> float:
    """Mean over years first..last of a median series."""
    return float(series.loc[variable].loc[entity].loc[first:last].mean())


def test_no_split_keeps_soviet_technology_and_raises_the_northeast(
    tmp_path: Path, baseline: pd.Series
) -> None:
    """Without the split and the experts' withdrawal, Soviet provenance and NE technology rise."""
    cf = without(tmp_path, "soviet-experts-withdrawn-1960", "sino-soviet-split-1960")
    for variable, entity in (("tech_provenance", "china:ussr"), ("tech_level", "northeast")):
        assert (
            mean(cf, variable, entity, 1961, 1965)
            > mean(baseline, variable, entity, 1961, 1965) + 0.01
        )


def test_keeping_one_chief_keeps_directors_strong(tmp_path: Path, baseline: pd.Series) -> None:
    """Keeping the one-chief system keeps Angang's director stronger and tension lower."""
    cf = without(tmp_path, "one-chief-abandoned-1956")
    assert (
        mean(cf, "director_power", "angang", 1957, 1960)
        > mean(baseline, "director_power", "angang", 1957, 1960) + 0.15
    )
    assert (
        mean(cf, "tiao_kuai_tension", "angang", 1957, 1960)
        < mean(baseline, "tiao_kuai_tension", "angang", 1957, 1960) - 0.02
    )


def test_no_third_front_keeps_investment_out_of_the_west(
    tmp_path: Path, baseline: pd.Series
) -> None:
    """Without the Third Front, the West (Southwest and Northwest) gets less investment in
    1965-75: together at least five points less, and each region less."""
    cf = without(tmp_path, "third-front-1964")
    west = ("southwest", "northwest")
    shift = {
        region: mean(baseline, "investment_share", region, 1965, 1975)
        - mean(cf, "investment_share", region, 1965, 1975)
        for region in west
    }
    assert sum(shift.values()) > 0.05
    assert all(v > 0.01 for v in shift.values()), shift


def test_great_leap_overreports_and_its_removal_does_not(
    tmp_path: Path, baseline: pd.Series
) -> None:
    """Reported steel exceeds true steel in 1958-60; without the Leap the ratio is near 1."""

    def ratio(s: pd.Series) -> float:
        return mean(s, "steel_output_reported", "china", 1958, 1960) / mean(
            s, "steel_output", "china", 1958, 1960
        )

    assert ratio(baseline) > 1.05
    assert abs(ratio(without(tmp_path, "great-leap-forward-1958")) - 1.0) < 0.02


@pytest.fixture(scope="module")
def no_reform(tmp_path_factory: pytest.TempPathFactory) -> pd.Series:
    """Median series without reform (and the steps that presuppose it)."""
    return without(tmp_path_factory.mktemp("no-reform"), "reform-1978")


def growth(s: pd.Series, variable: str) -> float:
    """Growth factor of a national median series over 1978-2000."""
    return mean(s, variable, "china", 2000, 2000) / mean(s, variable, "china", 1978, 1978)


def test_no_reform_means_less_protest(no_reform: pd.Series, baseline: pd.Series) -> None:
    """Without reform there are no layoffs from hardened budgets: 1990s protest is lower."""
    assert mean(no_reform, "protest", "china", 1990, 1999) < 0.5 * mean(
        baseline, "protest", "china", 1990, 1999
    )


def test_reform_raises_industrial_growth(no_reform: pd.Series, baseline: pd.Series) -> None:
    """Industrial output grows at least 10% more over 1978-2000 with reform than without
    (measured: x9.9 with it, x8.4 without; failed before the state's extra take was limited
    to steel and cement, when it drove coal and power without reform).

    Steel is not asserted: without reform the state keeps its priority on heavy industry and,
    with markets closed, keeps taking steel and cement for its own ends, so the model's steel
    grows faster than with reform — as the record's did under Mao (8.9% a year 1957-78 against
    6.6% in 1978-2000). Reform's gain should be in industry as a whole."""
    assert growth(no_reform, "industrial_output") < 0.9 * growth(baseline, "industrial_output")

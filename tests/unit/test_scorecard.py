"""The scorecard's and the validation's arithmetic on synthetic series with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from angang.analysis import scorecard, validation
from angang.analysis.tables import Tables
from angang.data import load_history
from angang.errors import AngangError
from angang.ids import POWERS, REGIONS

YEARS = np.arange(1945, 2001)


def series(values: dict[tuple[str, str], np.ndarray]) -> pd.DataFrame:
    """Tidy series from arrays of shape (runs, years) keyed by (variable, entity)."""
    frames = []
    for (variable, entity), arr in values.items():
        runs, years = arr.shape
        frames.append(
            pd.DataFrame(
                {
                    "run": np.repeat(np.arange(runs), years),
                    "year": np.tile(YEARS, runs),
                    "variable": variable,
                    "entity": entity,
                    "value": arr.reshape(-1),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def fact(**kw: object) -> pd.DataFrame:
    """A one-row history table."""
    row = {
        "id": "x",
        "year": 1950,
        "year_end": pd.NA,
        "quantity": "soe_share",
        "entity": "china",
        "value": 0.3,
        "unit": "share",
        "use": "calibration",
        "source": "hirata2024",
        "page": "p",
        "note": "test",
    }
    row.update(kw)
    frame = pd.DataFrame([row])
    frame["year_end"] = frame["year_end"].astype("Int64")
    return frame


def const(value: float, runs: int = 5) -> np.ndarray:
    return np.full((runs, YEARS.size), value)


def test_level_passes_within_tolerance_and_fails_outside() -> None:
    """A share of 0.32 against 0.30 ± 0.05 passes; 0.40 fails; median and band are exact."""
    runs = np.linspace(0.30, 0.34, 5)[:, None] * np.ones(YEARS.size)
    (check,) = scorecard.score(series({("soe_share", "china"): runs}), fact())
    assert check.passed and check.median == pytest.approx(0.32)
    assert check.low == pytest.approx(np.quantile(np.linspace(0.30, 0.34, 5), 0.05))
    (check,) = scorecard.score(series({("soe_share", "china"): const(0.40)}), fact())
    assert not check.passed


def test_relative_tolerance_for_steel() -> None:
    """Steel within 30% of the target passes; 40% off fails."""
    row = fact(quantity="steel_output", value=1000.0)
    (ok,) = scorecard.score(series({("steel_output", "china"): const(1250.0)}), row)
    (bad,) = scorecard.score(series({("steel_output", "china"): const(1400.0)}), row)
    assert ok.passed and not bad.passed


def test_most_years_counts_the_years_above_the_threshold() -> None:
    """10 of 17 years above one half is 'most years'; 8 of 17 is not."""
    row = fact(
        id="heavy-share-1960-1976", quantity="heavy_share", year=1960, year_end=1976, value=0.5
    )
    for above, expect in ((10, True), (8, False)):
        arr = const(0.4)
        cols = np.flatnonzero((YEARS >= 1960) & (YEARS <= 1976))[:above]
        arr[:, cols] = 0.6
        (check,) = scorecard.score(series({("heavy_share", "china"): arr}), row)
        assert check.median == pytest.approx(above / 17) and check.passed is expect


def test_rank_of_a_region() -> None:
    """A region largest in every year of the period holds rank 1; second-largest does not."""
    values = {("soe_output_share", r): const(0.1 + 0.01 * i) for i, r in enumerate(REGIONS)}
    values[("soe_output_share", "northeast")] = const(0.5)
    row = fact(quantity="soe_output_rank", entity="northeast", year=1950, year_end=1957, value=1)
    (check,) = scorecard.score(series(values), row)
    assert check.passed and check.median == 1.0
    (check,) = scorecard.score(
        series(values), fact(quantity="soe_output_rank", entity="east", year=1950, value=1)
    )
    assert not check.passed and check.median == 0.0


def test_a_batch_is_scored_from_its_arrays_as_from_its_long_series() -> None:
    """The tables sliced from a batch's record arrays are the tables of its long series to
    the last bit, every one of them, and so is every fact's statistic; a variable the batch
    does not hold is the same clear error."""
    from angang.model.loop import simulate
    from angang.scenario import load_scenario

    batch = simulate(load_scenario("baseline"), np.arange(4), 7, scale=0.05)
    by_rows, by_arrays = Tables(batch.to_frame()), Tables.of_batch(batch)
    for name, (entities, _) in batch.records.items():
        for entity in entities:
            pd.testing.assert_frame_equal(
                by_arrays.wide(name, entity), by_rows.wide(name, entity), check_exact=True
            )
    for (_, want), (_, got) in zip(
        scorecard.verdicts(by_rows), scorecard.verdicts(by_arrays), strict=True
    ):
        assert np.asarray(got.stat).tobytes() == np.asarray(want.stat).tobytes()
    with pytest.raises(AngangError, match="no variable 'steel_output' for entity 'mars'"):
        by_arrays.wide("steel_output", "mars")


@pytest.mark.parametrize("gap", [False, True])
def test_ranks_are_pandas_ranks(gap: bool) -> None:
    """A region's rank among the regions, counted on the stacked tables, is pandas' rank of
    the long pivot to the last bit: ties (many, from whole numbers; +0.0 against -0.0;
    infinities) share their mean rank. With a value missing the ranks come from pandas."""
    rng = np.random.default_rng(5)
    values = {}
    for r in REGIONS:
        arr = rng.integers(0, 4, (6, YEARS.size)).astype(float)
        arr[arr == 3] = np.inf
        values[("soe_output_share", r)] = arr
    values[("soe_output_share", REGIONS[0])][0, :5] = -0.0
    if gap:
        values[("soe_output_share", REGIONS[1])][2, 3] = np.nan
    frame = series(values).astype({"variable": "category", "entity": "category"})
    tables = Tables(frame)
    assert (tables.stacked("soe_output_share", list(REGIONS)) is None) == gap
    pivot = frame.pivot_table(
        index=["run", "year"], columns="entity", values="value", observed=True
    ).reindex(columns=list(REGIONS))
    for entity in REGIONS:
        want = pivot.rank(axis=1, ascending=False)[entity].unstack("year")
        got = tables.ranks("soe_output_share", list(REGIONS), entity)
        pd.testing.assert_frame_equal(got, want, check_exact=True, check_names=False)


def test_falling_share_trend() -> None:
    """A regional share that declines passes the 'falling' fact; a rising one fails."""
    row = fact(
        quantity="industrial_output_share_trend",
        entity="northeast",
        year=1978,
        year_end=2000,
        value=-1,
    )
    china = const(100.0)
    falling = np.linspace(30, 10, YEARS.size) * np.ones((5, 1))
    (check,) = scorecard.score(
        series(
            {("industrial_output", "northeast"): falling, ("industrial_output", "china"): china}
        ),
        row,
    )
    assert check.passed and check.median < 0
    (check,) = scorecard.score(
        series(
            {
                ("industrial_output", "northeast"): falling[:, ::-1],
                ("industrial_output", "china"): china,
            }
        ),
        row,
    )
    assert not check.passed


def test_angang_share_is_a_ratio_of_steel() -> None:
    """Angang's share is its steel over national steel."""
    row = fact(quantity="steel_share", entity="angang", year=1954, value=0.5)
    (check,) = scorecard.score(
        series(
            {("steel_output", "angang"): const(480.0), ("steel_output", "china"): const(1000.0)}
        ),
        row,
    )
    assert check.median == pytest.approx(0.48) and check.passed


def test_power_ranking_uses_the_powers() -> None:
    """Japan ranked first among powers in every year passes."""
    values = {("tech_transfer_share", p): const(0.1) for p in POWERS}
    values[("tech_transfer_share", "japan")] = const(0.7)
    row = fact(quantity="tech_transfer_rank", entity="japan", year=1966, year_end=1971, value=1)
    (check,) = scorecard.score(series(values), row)
    assert check.passed


def test_validation_of_a_perfect_model() -> None:
    """A model equal to the record correlates perfectly and shows every turning point."""
    record = load_history()
    steel = record[(record["quantity"] == "steel_output") & (record["entity"] == "china")]
    arr = np.full((3, YEARS.size), np.nan)
    for _, r in steel[steel["year"] >= YEARS[0]].iterrows():
        arr[:, np.flatnonzero(r["year"] == YEARS)[0]] = r["value"]
    arr[:, YEARS < 1949] = 100.0
    shares = {"northeast": 0.7, "angang": 0.5, "southwest": 0.05, "northwest": 0.05}
    values = {
        ("steel_output", "china"): arr,
        **{("steel_output", e): arr * k for e, k in shares.items()},
    }
    result = validation.validate(series(values), record)
    assert result.correlation_levels == pytest.approx(1.0)
    assert result.correlation_changes == pytest.approx(1.0)
    assert result.median_abs_log_error == pytest.approx(0.0)
    assert all(c.passed for c in result.checks), [c for c in result.checks if not c.passed]
    assert {c.name for c in result.checks} >= {
        "civil-war-collapse-1949",
        "leap-peak-over-1957",
        "cultural-revolution-dip-1968",
        "northeast-dominance-1949-1955",
    }
    assert 1949 not in result.years and 1960 in result.years


def test_validation_checks_can_fail() -> None:
    """A flat history misses the turning points and a history made inland fails geography."""
    record = load_history()
    flat = const(1000.0, runs=3)
    values = {
        ("steel_output", "china"): flat,
        ("steel_output", "northeast"): flat * 0.2,
        ("steel_output", "angang"): flat * 0.1,
        ("steel_output", "southwest"): flat * 0.4,
        ("steel_output", "northwest"): flat * 0.3,
    }
    checks = {c.name: c for c in validation.validate(series(values), record).checks}
    for name in (
        "civil-war-collapse-1949",
        "leap-peak-over-1957",
        "leap-collapse-1962",
        "cultural-revolution-dip-1967",
        "northeast-dominance-1949-1955",
        "interior-never-dominant",
        "angang-dominance-1949-1956",
    ):
        assert not checks[name].passed, name


def test_a_fact_without_a_rule_is_refused() -> None:
    """A dataset quantity the scorecard cannot check is an error, not a silent skip."""
    from angang.errors import AngangError

    with pytest.raises(AngangError, match="no rule"):
        scorecard.score(series({("soe_share", "china"): const(0.3)}), fact(quantity="mystery"))


def test_scoring_batch_by_batch_equals_scoring_the_whole() -> None:
    from angang.analysis.scorecard import score, score_batches
    from angang.runner import run

    series = run("baseline", runs=4, seed=2, scale=0.05, batch_size=2).table
    halves = [series[series["run"] < 2], series[series["run"] >= 2]]
    assert score_batches(halves) == score(series)


def _wide_by_pandas(frame: pd.DataFrame, variable: str, entity: str) -> pd.DataFrame:
    sub = frame[(frame["variable"] == variable) & (frame["entity"] == entity)]
    return sub.pivot_table(index="run", columns="year", values="value", observed=True)


@pytest.mark.parametrize("categorical", [False, True])
def test_tables_are_pandas_pivots_to_the_last_bit(categorical: bool) -> None:
    """The scorecard's indexed tables give pandas' pivot_table exactly: the same runs and
    years (a run or year with no value left out), the same memory order, so that means over
    years add alike; rows shuffled, and a (run, year) given twice is averaged as pandas does."""
    rng = np.random.default_rng(3)
    values = rng.random((5, YEARS.size)) * 10.0 ** rng.uniform(-3, 3, (5, YEARS.size))
    gaps = values.copy()
    gaps[2] = np.nan  # a run with nothing
    gaps[:, 7] = np.nan  # a year with nothing
    gaps[0, 3] = np.nan
    frame = series({("steel_output", "china"): values, ("plan_fulfillment", "china"): gaps})
    twice = frame[frame["variable"] == "steel_output"].head(3).assign(variable="tech_level")
    twice = pd.concat([twice, twice.assign(value=twice["value"] * 3)])
    frame = pd.concat([frame, twice], ignore_index=True).sample(frac=1.0, random_state=1)
    if categorical:
        frame = frame.astype({"variable": "category", "entity": "category"})
    tables = Tables(frame)
    for variable in ("steel_output", "plan_fulfillment", "tech_level"):
        want = _wide_by_pandas(frame, variable, "china")
        got = tables.wide(variable, "china")
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        years = list(range(1950, 1958))
        assert np.array_equal(
            got.reindex(columns=years).mean(axis=1).to_numpy(),
            want.reindex(columns=years).mean(axis=1).to_numpy(),
            equal_nan=True,
        )
    assert tables.wide("plan_fulfillment", "china").shape == (4, YEARS.size - 1)
    with pytest.raises(AngangError, match="no variable 'steel_output' for entity 'japan'"):
        tables.wide("steel_output", "japan")

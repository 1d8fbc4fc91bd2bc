"""A batch's streams draw exactly what each run's own generator would draw, in the same
order, whatever way the batch fills its arrays."""

from __future__ import annotations

import numpy as np

from angang.engine.rng import Streams

SEED, RUNS = 17, np.array([0, 3, 11])


def _own() -> list[np.random.Generator]:
    """Each run's generator as the module documents it: SeedSequence(seed, spawn_key=(i,))."""
    return [np.random.default_rng(np.random.SeedSequence(SEED, spawn_key=(int(i),))) for i in RUNS]


def _positions(generators: list[np.random.Generator]) -> list[dict[str, object]]:
    return [dict(g.bit_generator.state) for g in generators]


def test_uniform_and_normal_draws_are_each_runs_own() -> None:
    streams, own = Streams(SEED, RUNS), _own()
    for n in (1, 7, 300):
        assert np.array_equal(streams.uniform(n), np.stack([g.random(n) for g in own]))
        assert np.array_equal(streams.normal(n), np.stack([g.standard_normal(n) for g in own]))
    assert streams.positions() == _positions(own)


def test_poisson_skips_zero_rates_without_shifting_the_streams() -> None:
    """Only positive rates are drawn; a zero rate must give 0 and leave the stream where a
    full draw would, so that later draws are unchanged."""
    rng = np.random.default_rng(5)
    lam = rng.uniform(0.0, 4.0, (RUNS.size, 500))
    lam[rng.random(lam.shape) < 0.7] = 0.0
    lam[:, ::50] = 30.0  # NumPy's other sampler, for large rates
    lam[1] = 0.0  # a run with nothing to draw
    streams, own = Streams(SEED, RUNS), _own()
    got = streams.poisson(lam)
    assert got.dtype == np.int64 and got.shape == lam.shape
    assert np.array_equal(got, np.stack([g.poisson(lam[b]) for b, g in enumerate(own)]))
    assert (got[lam == 0] == 0).all() and got[lam > 0].sum() > 0
    assert streams.positions() == _positions(own)
    assert np.array_equal(streams.uniform(4), np.stack([g.random(4) for g in own]))


def test_skipping_uniform_draws_leaves_the_streams_where_drawing_would() -> None:
    """A year that needs no uniform draws skips them; every later draw must be the same."""
    skipped, drawn = Streams(SEED, RUNS), Streams(SEED, RUNS)
    for streams in (skipped, drawn):
        streams.normal(5)  # a position reached by other kinds of draws first
    skipped.skip_uniform(1821)
    drawn.uniform(1821)
    assert skipped.positions() == drawn.positions()
    assert np.array_equal(skipped.uniform(7), drawn.uniform(7))
    assert np.array_equal(skipped.normal(7), drawn.normal(7))


def test_a_restored_stream_continues_where_it_stood() -> None:
    streams = Streams(SEED, RUNS)
    streams.uniform(10)
    saved = streams.positions()
    ahead = streams.normal(5)
    twin = Streams(SEED, RUNS)
    twin.restore(saved)
    assert np.array_equal(twin.normal(5), ahead)

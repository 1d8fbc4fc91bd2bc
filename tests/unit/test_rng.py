"""A batch's streams draw exactly what each run's own generator would draw, in the same
order, whatever way the batch fills its arrays — NumPy's calls run by run (the reference) or
the compiled engine's loops over the runs."""

from __future__ import annotations

import numpy as np
import pytest

from angang.engine.rng import POISSON_LAM_MAX, CompiledStreams, Streams

SEED, RUNS = 17, np.array([0, 3, 11])
KINDS = [Streams, CompiledStreams]


def _own() -> list[np.random.Generator]:
    """Each run's generator as the module documents it: SeedSequence(seed, spawn_key=(i,))."""
    return [np.random.default_rng(np.random.SeedSequence(SEED, spawn_key=(int(i),))) for i in RUNS]


def _positions(generators: list[np.random.Generator]) -> list[dict[str, object]]:
    return [dict(g.bit_generator.state) for g in generators]


@pytest.mark.parametrize("kind", KINDS)
def test_uniform_and_normal_draws_are_each_runs_own(kind: type[Streams]) -> None:
    streams, own = kind(SEED, RUNS), _own()
    for n in (1, 7, 300):
        assert np.array_equal(streams.uniform(n), np.stack([g.random(n) for g in own]))
        assert np.array_equal(streams.normal(n), np.stack([g.standard_normal(n) for g in own]))
    assert streams.positions() == _positions(own)


@pytest.mark.parametrize("kind", KINDS)
def test_poisson_skips_zero_rates_without_shifting_the_streams(kind: type[Streams]) -> None:
    """Only positive rates are drawn; a zero rate must give 0 and leave the stream where a
    full draw would, so that later draws are unchanged."""
    rng = np.random.default_rng(5)
    lam = rng.uniform(0.0, 4.0, (RUNS.size, 500))
    lam[rng.random(lam.shape) < 0.7] = 0.0
    lam[:, ::50] = 30.0  # NumPy's other sampler, for large rates
    lam[1] = 0.0  # a run with nothing to draw
    streams, own = kind(SEED, RUNS), _own()
    got = streams.poisson(lam)
    assert got.dtype == np.int64 and got.shape == lam.shape
    assert np.array_equal(got, np.stack([g.poisson(lam[b]) for b, g in enumerate(own)]))
    assert (got[lam == 0] == 0).all() and got[lam > 0].sum() > 0
    assert streams.positions() == _positions(own)
    assert np.array_equal(streams.uniform(4), np.stack([g.random(4) for g in own]))


@pytest.mark.parametrize("kind", KINDS)
def test_skipping_uniform_draws_leaves_the_streams_where_drawing_would(kind: type[Streams]) -> None:
    """A year that needs no uniform draws skips them; every later draw must be the same."""
    skipped, drawn = kind(SEED, RUNS), kind(SEED, RUNS)
    for streams in (skipped, drawn):
        streams.normal(5)  # a position reached by other kinds of draws first
    skipped.skip_uniform(1821)
    drawn.uniform(1821)
    assert skipped.positions() == drawn.positions()
    assert np.array_equal(skipped.uniform(7), drawn.uniform(7))
    assert np.array_equal(skipped.normal(7), drawn.normal(7))


@pytest.mark.parametrize("kind", KINDS)
def test_a_restored_stream_continues_where_it_stood(kind: type[Streams]) -> None:
    streams = kind(SEED, RUNS)
    streams.uniform(10)
    saved = streams.positions()
    ahead = streams.normal(5)
    twin = kind(SEED, RUNS)
    twin.restore(saved)
    assert np.array_equal(twin.normal(5), ahead)


@pytest.mark.parametrize("seed", range(6))
def test_compiled_draws_are_numpys_in_any_sequence(seed: int) -> None:
    """A long mixed sequence of draws of the shapes the model makes — uniform, normal, Poisson
    at zero, small (NumPy's product method), large (its rejection method) and huge rates, on
    (B, N) and (B, R, S) arrays — gives the same numbers and positions either way."""
    rng = np.random.default_rng(seed)
    runs = np.sort(rng.choice(1000, size=int(rng.integers(1, 9)), replace=False))
    numpy_side, compiled = Streams(seed, runs), CompiledStreams(seed, runs)
    for _ in range(40):
        kind = rng.integers(3)
        if kind == 0:
            n = int(rng.integers(1, 400))
            assert np.array_equal(numpy_side.uniform(n), compiled.uniform(n))
        elif kind == 1:
            n = int(rng.integers(1, 400))
            assert np.array_equal(numpy_side.normal(n), compiled.normal(n))
        else:
            shape = (runs.size, *rng.integers(1, 12, size=int(rng.integers(1, 3))))
            lam = rng.choice([0.0, 1e-9, 0.3, 4.0, 9.999, 10.0, 37.5, 2e4, 1e12], size=shape)
            lam *= rng.random(shape) < 0.6
            got = compiled.poisson(lam)
            assert got.shape == lam.shape and got.dtype == np.int64
            assert np.array_equal(numpy_side.poisson(lam), got)
        assert numpy_side.positions() == compiled.positions()


@pytest.mark.parametrize("bad", [-1.0, np.nan, np.inf, 2 * POISSON_LAM_MAX])
@pytest.mark.parametrize("kind", KINDS)
def test_a_rate_numpy_refuses_is_refused(kind: type[Streams], bad: float) -> None:
    lam = np.zeros((RUNS.size, 5))
    lam[1, 3] = bad
    with pytest.raises(ValueError):
        kind(SEED, RUNS).poisson(lam)

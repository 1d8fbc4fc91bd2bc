"""One random stream per run, so that a run's result depends only on (scenario, seed, index).

Run ``i`` of an ensemble with root seed ``s`` always gets the stream
``SeedSequence(s, spawn_key=(i,))`` — the i-th child ``SeedSequence(s).spawn`` would
give — whatever the batch it runs in, the batch size, the worker or the backend. Every draw
has a shape fixed by the scenario (never by the batch), so the streams stay aligned.

:class:`Streams` draws with NumPy, one call per run and draw. :class:`CompiledStreams` (the
compiled engine's) makes the same draws from the same generators in one compiled loop over
the runs: Numba's support for NumPy's ``Generator`` runs NumPy's own sampling algorithms on
the generator's bit generator, so the numbers and the streams' positions are the same
(tests/unit/test_rng.py holds this for every kind of draw the model makes).
"""

from __future__ import annotations

import numpy as np
from numba.typed import List

from angang.engine.compiled import kernel


class Streams:
    """The generators of a batch of runs, one per run, drawn from in lockstep."""

    def __init__(self, seed: int, run_ids: np.ndarray):
        self.run_ids = np.asarray(run_ids, dtype=np.int64)
        self.generators = [
            np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(int(i),)))
            for i in self.run_ids
        ]

    def positions(self) -> list[dict[str, object]]:
        """Each run's bit-generator state: where its stream stands (for checkpoints)."""
        return [dict(g.bit_generator.state) for g in self.generators]

    def restore(self, positions: list[dict[str, object]]) -> None:
        """Continue each run's stream from a saved position."""
        for g, position in zip(self.generators, positions, strict=True):
            g.bit_generator.state = position

    def uniform(self, n: int) -> np.ndarray:
        """float (B, n) uniform on [0, 1)."""
        out = np.empty((len(self.generators), n))
        for g, row in zip(self.generators, out, strict=True):
            g.random(out=row)  # the draws of g.random(n), written in place
        return out

    def skip_uniform(self, n: int) -> None:
        """Move every run's stream past ``n`` uniform draws without making them, for draws a
        year does not need (no owner changes, no small plant to close). A uniform is one
        64-bit step of the PCG64 generator, which jumps ahead in a few steps (``advance``):
        the streams stand where the draws would have left them, so later draws are the
        same (tests/unit/test_rng.py). ``advance`` empties the generator's buffered 32-bit
        half-draw, which these streams never make."""
        for g in self.generators:
            bits = g.bit_generator
            if not isinstance(bits, np.random.PCG64):  # default_rng's; advance is PCG64's
                raise TypeError(f"skip_uniform needs PCG64 streams, not {type(bits).__name__}")
            bits.advance(n)

    def normal(self, n: int) -> np.ndarray:
        """float (B, n) standard normal."""
        out = np.empty((len(self.generators), n))
        for g, row in zip(self.generators, out, strict=True):
            g.standard_normal(out=row)
        return out

    def poisson(self, lam: np.ndarray) -> np.ndarray:
        """int (B, ...) Poisson draws with rates ``lam`` of shape (B, ...).

        NumPy's Poisson sampler returns 0 for a zero rate without touching the stream, so
        only the positive rates are drawn, in order: the same numbers and the same stream
        positions as drawing them all (tests/unit/test_rng.py holds this), at the cost of the
        plants that can draw something (most rates, protest's above all, are zero)."""
        out = np.zeros(lam.shape, dtype=np.int64)
        runs = len(self.generators)
        # the positive rates of all runs in one pass, in run order, then in order within a
        # run; each run's generator then draws its own slice
        drawn = np.flatnonzero(lam)
        if not drawn.size:
            return out
        rates = lam.reshape(-1)[drawn]
        ends = np.searchsorted(drawn, np.arange(1, runs + 1) * (lam.size // runs))
        draws = np.empty(drawn.size, dtype=np.int64)
        start = 0
        for g, end in zip(self.generators, ends.tolist(), strict=True):
            if end > start:
                draws[start:end] = g.poisson(rates[start:end])
            start = end
        out.reshape(-1)[drawn] = draws
        return out


#: NumPy's largest Poisson rate (``Generator.poisson`` refuses a larger one)
POISSON_LAM_MAX = float(np.iinfo(np.int64).max - np.sqrt(np.iinfo(np.int64).max) * 10)


@kernel
def _fill_uniform(generators: List, out: np.ndarray) -> None:  # pragma: no cover - compiled
    """Row ``b`` of ``out`` from run ``b``'s generator, as ``Generator.random(out=row)``."""
    for b in range(out.shape[0]):
        g = generators[b]
        for j in range(out.shape[1]):
            out[b, j] = g.random()


@kernel
def _fill_normal(generators: List, out: np.ndarray) -> None:  # pragma: no cover - compiled
    """Row ``b`` of ``out`` from run ``b``'s generator, as ``standard_normal(out=row)``."""
    for b in range(out.shape[0]):
        g = generators[b]
        for j in range(out.shape[1]):
            out[b, j] = g.standard_normal()


@kernel
def _fill_poisson(
    generators: List, lam: np.ndarray, out: np.ndarray
) -> int:  # pragma: no cover - compiled
    """Poisson draws at the rates ``lam`` (B, M), row ``b`` from run ``b``'s generator in
    order, a zero rate giving 0 without a draw (as :meth:`Streams.poisson`). Returns the flat
    index of the first rate NumPy would refuse (negative, NaN, too large), or -1."""
    for b in range(lam.shape[0]):
        g = generators[b]
        for j in range(lam.shape[1]):
            rate = lam[b, j]
            if rate == 0.0:
                out[b, j] = 0
            elif rate > 0.0 and rate <= POISSON_LAM_MAX:
                out[b, j] = g.poisson(rate)
            else:
                return b * lam.shape[1] + j
    return -1


class CompiledStreams(Streams):
    """:class:`Streams` whose draws are made by compiled loops over the runs: the same numbers
    from the same generators, in the same order. Drawing run by run from Python cost more than
    the draws (64 NumPy calls for a batch of 64, each checking its arguments); this way a year
    of a default-scale batch runs 10–12% faster. Positions, restoring and skipping are
    :class:`Streams`' own, on the same generators."""

    def __init__(self, seed: int, run_ids: np.ndarray):
        super().__init__(seed, run_ids)
        # the generators themselves, as Numba's typed list (made once: handing Numba the
        # Python list would convert every generator at every draw)
        self.compiled = List(self.generators)

    def uniform(self, n: int) -> np.ndarray:
        out = np.empty((len(self.generators), n))
        _fill_uniform(self.compiled, out)
        return out

    def normal(self, n: int) -> np.ndarray:
        out = np.empty((len(self.generators), n))
        _fill_normal(self.compiled, out)
        return out

    def poisson(self, lam: np.ndarray) -> np.ndarray:
        rates = np.ascontiguousarray(lam, dtype=np.float64).reshape(len(self.generators), -1)
        out = np.empty(rates.shape, dtype=np.int64)
        bad = _fill_poisson(self.compiled, rates, out)
        if bad >= 0:
            raise ValueError(
                f"a Poisson rate of {rates.reshape(-1)[bad]!r}: expected a finite rate, "
                f"0 or more and at most {POISSON_LAM_MAX:.4g}"
            )
        return out.reshape(lam.shape)

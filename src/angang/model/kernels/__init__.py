"""Compiled kernels (Numba) for the mechanisms' per-slot loops, each identical, bit for bit,
to its NumPy reference in :mod:`angang.mechanisms` (tests/unit/test_kernels.py holds this on
random states and on whole ensembles).

The reference works on whole (runs, slots) arrays a cell at a time; a kernel loops over runs,
then cells, then slots, skips the runs and slots where the reference's arithmetic changes
nothing (no building ordered, inactive plant in a sequential sum), and keeps the reference's
order of floating-point operations: a sum NumPy takes along a contiguous axis is its pairwise
sum (:func:`pairwise_sum`), one along an outer axis a plain running sum. Random draws stay in
the mechanisms, in NumPy, so every run's streams are unchanged.
"""

from angang.model.kernels.construction import build_all
from angang.model.kernels.disorder import disorder_step, weakness_sums
from angang.model.kernels.investment import investment_sums
from angang.model.kernels.labour import employ, mobilize
from angang.model.kernels.local_politics import local_politics_step
from angang.model.kernels.observe import observe_totals
from angang.model.kernels.planning import new_plan_year, planning_step
from angang.model.kernels.production import after_production, production_step, wanted
from angang.model.kernels.rehabilitation import rehabilitation_step
from angang.model.kernels.sums import pairwise_sum
from angang.model.kernels.technology import technology_step

__all__ = [
    "after_production",
    "build_all",
    "disorder_step",
    "employ",
    "investment_sums",
    "local_politics_step",
    "mobilize",
    "new_plan_year",
    "observe_totals",
    "pairwise_sum",
    "planning_step",
    "production_step",
    "rehabilitation_step",
    "technology_step",
    "wanted",
    "weakness_sums",
]

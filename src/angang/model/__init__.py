"""The model layer, above the mechanisms: the year's schedule (:mod:`.loop`), what is
observed each year (:mod:`.observe`) and the compiled kernels (:mod:`.kernels`) that run the
mechanisms' per-slot loops, proven identical to the NumPy reference by tests."""

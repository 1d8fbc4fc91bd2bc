"""Analyses on top of ensembles: summaries now; scorecard, calibration and attribution later."""

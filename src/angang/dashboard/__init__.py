"""The interactive dashboard (Solara): build a counterfactual by clicking, run it, compare."""

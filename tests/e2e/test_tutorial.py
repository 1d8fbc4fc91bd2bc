"""docs/tutorial.ipynb runs from top to bottom with the installed angang."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

TUTORIAL = Path(__file__).parents[2] / "docs" / "tutorial.ipynb"


def test_the_tutorial_notebook_runs(tmp_path: Path) -> None:
    notebook = nbformat.read(TUTORIAL, as_version=4)
    NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = " ".join(str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "great-leap-forward-1958" in text  # the attribution's contributions were shown
    printed = " ".join(str(o.get("text", "")) for o in outputs if o.output_type == "stream")
    assert "the same in both" in printed  # its Dataset round-tripped to series.parquet
    assert any("image/png" in o.get("data", {}) for o in outputs)  # and the plot drawn

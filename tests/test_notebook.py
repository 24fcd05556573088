"""The tutorial notebook (docs/tutorial.md, paired with docs/tutorial.ipynb by jupytext) runs cell by cell on the
embedded data: a cell that raises fails the test, so the tutorial cannot rot."""

from __future__ import annotations

import os

import pytest

from helpers import ROOT

TUTORIAL = ROOT / "docs" / "tutorial.md"
PAIRED = ROOT / "docs" / "tutorial.ipynb"

jupytext = pytest.importorskip("jupytext")


def _sources(notebook) -> list[tuple[str, str]]:
    return [(cell.cell_type, cell.source) for cell in notebook.cells]


def test_the_ipynb_is_the_markdown_notebook():
    """The .ipynb people open in Jupyter has the cells of the .md the tests run (jupytext --sync keeps them so)."""
    assert _sources(jupytext.read(PAIRED)) == _sources(jupytext.read(TUTORIAL))


@pytest.mark.slow
def test_every_cell_of_the_tutorial_runs(tmp_path, monkeypatch):
    from nbclient import NotebookClient

    notebook = jupytext.read(TUTORIAL)
    assert sum(cell.cell_type == "code" for cell in notebook.cells) >= 8
    env_path = os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))
    monkeypatch.setenv("PYTHONPATH", env_path)  # the kernel imports this checkout's airm; AIRM_* come from conftest
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = "".join(o.get("text", "") for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs)
    assert "Direct Preference Optimization: introduced in" in outputs
    assert "techniqueLabel" in outputs and "───" in outputs  # tables print as text in a kernel too (rich: no HTML)
    assert "risk -> 'Value Misalignment' (label)" in outputs
    assert "without a linked mitigation" in outputs

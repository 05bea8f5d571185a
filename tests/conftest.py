"""Shared fixtures: fixed seeds, figures closed after each test, the repo root, small notebooks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import sys

    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


@pytest.fixture
def root() -> Path:
    return ROOT


def write_notebook(path: Path, code: str) -> Path:
    """A notebook as the project's are made: the `parameters` cell `lps run` fills, then `code`,
    on the `lps-talent` kernel."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('scope = "520200"\ndata_dir = None\nmetrics_path = None')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(code)]
    nb.metadata["kernelspec"] = {
        "name": "lps-talent",
        "language": "python",
        "display_name": "Python (lps-talent)",
    }
    nbformat.write(nb, path)
    return path

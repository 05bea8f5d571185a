"""The front door: README commands exist, CI runs the README's test command, notebooks stay thin."""

import ast
import json
import re

import pytest

from lps_analysis import paths


def _makefile_targets():
    text = (paths.ROOT / "Makefile").read_text()
    return set(re.findall(r"^([a-z][a-z-]*):", text, flags=re.M))


def test_every_make_command_in_the_readme_is_a_makefile_target():
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"make ([a-z][a-z-]*)", readme))
    assert {"report", "test", "lab"} <= named
    assert named - _makefile_targets() == set()


def test_readme_first_screen_names_the_two_commands():
    first_screen = "\n".join(
        (paths.ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:30]
    )
    assert "make report" in first_screen and "make test" in first_screen


def test_ci_runs_the_readme_test_command():
    assert re.search(r"^make test\b", (paths.ROOT / ".ci" / "run").read_text(), flags=re.M)


def test_every_makefile_target_has_a_help_line():
    text = (paths.ROOT / "Makefile").read_text()
    for target in _makefile_targets():
        assert re.search(rf"^{target}:.*## ", text, flags=re.M), target


def _notebooks():
    return sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb"))


@pytest.mark.parametrize("nb_path", _notebooks(), ids=lambda p: p.name)
def test_notebook_is_thin_and_stored_without_outputs(nb_path):
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    code_cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    for cell in code_cells:
        assert not cell.get("outputs") and cell.get("execution_count") is None
        source = "".join(cell["source"])
        tree = ast.parse(source)
        defs = [
            n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef | ast.Lambda)
        ]
        assert not defs, f"{nb_path.name}: definitions belong in lps_analysis"
    assert sum("parameters" in c.get("metadata", {}).get("tags", []) for c in code_cells) == 1
    assert nb["metadata"]["kernelspec"]["name"] == paths.KERNEL_NAME

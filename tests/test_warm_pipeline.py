"""`lps run` with warm kernels and the data snapshot gives what the cold path (`--cold`) gives."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
from conftest import write_notebook

pytestmark = pytest.mark.slow

LPS = str(Path(sys.executable).with_name("lps"))
SCOPE = "520201"
SLUG = "520201-zhongshan"
# Pandas' styled tables carry a random id per render (`T_1a2b3`): the same table either way.
# Object reprs carry addresses (`<Styler at 0x7fac...>`).
VOLATILE = re.compile(r"T_[0-9a-f]{5}\b| at 0x[0-9a-f]+")
GENERATED = re.compile(r"\d{1,2}月\d{1,2}日 \d{2}:\d{2}")


def _run(out: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [LPS, "run", "--scope", SCOPE, "--out", str(out), "--force", *args],
        capture_output=True,
        text=True,
        timeout=1800,
        # One hash seed for both: set order is then the same in every process, warm or cold.
        env=dict(os.environ, PYTHONHASHSEED="0"),
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = {}
    for name, args in (("warm", ()), ("cold", ("--cold",))):
        folder = tmp_path_factory.mktemp(name)
        done = _run(folder, *args)
        assert done.returncode == 0, done.stdout + done.stderr
        out[name] = folder
    return out


def _jobs(folder: Path) -> dict:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return {j["notebook"]: j for j in manifest["jobs"]}


def _cell_texts(notebook: Path) -> list:
    """Per code cell, the text of every output (streams, plain text, Markdown, HTML, errors)."""
    nb = nbformat.read(notebook, as_version=4)
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        texts = []
        for output in cell.outputs:
            if output.output_type == "stream":
                texts.append(output.text)
            for kind in ("text/plain", "text/markdown", "text/html"):
                if kind in output.get("data", {}):
                    texts.append(VOLATILE.sub("~", output["data"][kind]))
            if output.output_type == "error":
                texts.append(output.ename + output.evalue)
        cells.append(texts)
    return cells


def _pdf_text(pdf: Path) -> str:
    """The PDF's text, its generation time (`12月2日 04:39`, printed in the header) masked."""
    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True)
    return GENERATED.sub("~", done.stdout.decode("utf-8"))


def _metrics(folder: Path) -> dict:
    data = json.loads((folder / SLUG / "metrics.json").read_text(encoding="utf-8"))
    data.pop("generated", None)
    return data


def test_the_warm_run_forks_its_kernels_and_the_cold_run_spawns_them(runs):
    assert {j["kernel"] for j in _jobs(runs["warm"]).values()} == {"forked"}
    assert {j["kernel"] for j in _jobs(runs["cold"]).values()} == {"spawned"}
    assert list((runs["warm"] / ".snapshot").iterdir())  # the checked tables the jobs read
    assert not (runs["cold"] / ".snapshot").exists()


def test_warm_outputs_equal_cold_outputs(runs):
    stems = sorted(_jobs(runs["warm"]))
    assert stems == sorted(_jobs(runs["cold"])) and len(stems) == 4
    for stem in stems:
        warm, cold = (runs[k] / SLUG for k in ("warm", "cold"))
        assert _cell_texts(warm / f"{stem}.ipynb") == _cell_texts(cold / f"{stem}.ipynb"), stem
        assert _pdf_text(warm / f"{stem}.pdf") == _pdf_text(cold / f"{stem}.pdf"), stem
    assert _metrics(runs["warm"]) == _metrics(runs["cold"])
    warm_report, cold_report = (runs[k] / SLUG / "report.pdf" for k in ("warm", "cold"))
    assert _pdf_text(warm_report) == _pdf_text(cold_report)


def test_no_template_or_kernel_is_left_after_the_runs(runs):
    mine = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            environ = Path(f"/proc/{pid}/environ").read_bytes()
        except OSError:
            continue
        folders = [str(f).encode() for f in runs.values()]
        if "kernels.template" in cmd and any(f in environ for f in folders):
            mine.append(cmd)
    assert not mine


def test_where_the_template_cannot_fork_kernels_spawn_and_the_run_says_so_once(tmp_path):
    """A notebook importing polars (whose import starts threads): the template refuses to fork."""
    folder = tmp_path / "nb"
    folder.mkdir()
    for stem in ("01_threads", "02_threads"):
        write_notebook(folder / f"{stem}.ipynb", 'import polars\nprint("ok")')
    done = subprocess.run(
        [LPS, "run", "--scope", SCOPE, "--out", str(tmp_path / "out"), "--to", "html"],
        capture_output=True,
        text=True,
        timeout=900,
        env=dict(os.environ, LPS_NOTEBOOKS_DIR=str(folder)),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert {j["kernel"] for j in _jobs(tmp_path / "out").values()} == {"spawned"}
    said = done.stdout.replace("\n", "")
    assert said.count("内核模板不可用") == 1 and said.count("Kernel template unavailable") == 1


def test_a_worker_validates_notebooks_without_the_iri_format_checkers():
    """The worker leaves out jsonschema's `iri` formats (a parser built at import); notebooks are
    still checked against their schema: a broken one is refused, a good one passes."""
    code = textwrap.dedent(
        """
        import json, sys
        from lps_analysis.pipeline import worker
        worker._without_iri_format_checks()
        import nbformat
        good = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
        nbformat.validate(good)
        bad = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
        bad.cells[0]["outputs"] = [{"output_type": "no such type"}]
        try:
            nbformat.validate(bad)
            refused = False
        except nbformat.ValidationError:
            refused = True
        print(json.dumps({"refused": refused, "loaded": sys.modules.get("rfc3987_syntax") is not None}))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen == {"refused": True, "loaded": False}


def test_a_worker_freezes_its_imports_and_collects_less_often():
    """The worker's own process (not the kernels): imported modules are never scanned again and
    collections run at the PDF layout's thresholds."""
    code = textwrap.dedent(
        """
        import gc, json
        from lps_analysis.pipeline import worker
        from lps_analysis.report.pdf import LAYOUT_GC_THRESHOLDS
        before = gc.get_freeze_count()
        worker._fewer_collections()
        print(json.dumps({"frozen": gc.get_freeze_count() - before,
                          "thresholds": list(gc.get_threshold()),
                          "expected": list(LAYOUT_GC_THRESHOLDS)}))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["thresholds"] == seen["expected"] and seen["expected"][0] > 700
    assert seen["frozen"] > 10_000  # the package and its imports

"""Batch runs end to end: papermill per scope in parallel, exports, cache, manifest, index."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from lps_analysis import paths
from lps_analysis.data.registry import current_scopes
from lps_analysis.pipeline.jobs import JobPlanError, inputs_fingerprint, job_key, plan_jobs

LPS = str(Path(sys.executable).with_name("lps"))
FIXTURE_NOTEBOOKS = Path(__file__).parent / "fixtures" / "pipeline_notebooks"


def _run(*args, env=None, timeout=1800):
    return subprocess.run(
        [LPS, "run", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


# --- planning: refused before any kernel starts ---------------------------------------------


def test_unknown_scope_is_refused_before_any_kernel_starts(tmp_path):
    started = time.perf_counter()
    result = _run("--scope", "520299", "--out", str(tmp_path))
    assert result.returncode == 2 and "未知的分析范围" in result.stderr
    assert time.perf_counter() - started < 20
    assert not any(tmp_path.iterdir())


def test_bad_data_is_refused_before_any_kernel_starts(tmp_path):
    """The workers start while the data are validated; refused, they go and leave nothing."""
    bad = Path(__file__).parent / "fixtures" / "bad" / "negative_persons"
    temp = tmp_path / "tmp"  # where the workers' kernel templates make their folders
    temp.mkdir()
    result = _run("--data", str(bad), "--out", str(tmp_path / "out"), env={"TMPDIR": str(temp)})
    assert result.returncode == 1 and "不能为负数" in result.stderr
    assert not (tmp_path / "out").exists()
    deadline = time.monotonic() + 30
    while any(temp.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert list(temp.iterdir()) == []


def test_plan_refuses_unknown_notebook_and_format():
    with pytest.raises(JobPlanError):
        plan_jobs(notebooks=("99",), data_dir=paths.ILLUSTRATIVE_DIR)
    with pytest.raises(JobPlanError):
        plan_jobs(formats=("docx",), data_dir=paths.ILLUSTRATIVE_DIR)


def test_job_key_changes_with_data_parameters_and_notebook(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(paths.ILLUSTRATIVE_DIR, data)
    job = plan_jobs(("520201",), ("01",), data_dir=data)[0]
    key = job_key(job, inputs_fingerprint(data))
    assert key == job_key(job, inputs_fingerprint(data))
    with open(data / "talent_stock.csv", "a", encoding="utf-8") as fh:
        fh.write("\n")
    assert job_key(job, inputs_fingerprint(data)) != key
    other = plan_jobs(("520203",), ("01",), data_dir=data)[0]
    assert job_key(other, inputs_fingerprint(data)) != job_key(job, inputs_fingerprint(data))


# --- the whole batch on the bundled data ------------------------------------------------------


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    started = time.perf_counter()
    first = _run("--out", str(out))
    first_seconds = time.perf_counter() - started
    started = time.perf_counter()
    second = _run("--out", str(out))
    second_seconds = time.perf_counter() - started
    return {
        "out": out,
        "first": first,
        "second": second,
        "first_seconds": first_seconds,
        "second_seconds": second_seconds,
    }


def _notebook_stems():
    return [p.stem for p in sorted(paths.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))]


def test_batch_succeeds_for_every_scope_and_notebook(batch):
    assert batch["first"].returncode == 0, (
        batch["first"].stdout[-3000:] + batch["first"].stderr[-3000:]
    )
    out = batch["out"]
    for scope in current_scopes():
        for stem in _notebook_stems():
            for ext in ("ipynb", "html", "pdf"):
                assert (out / scope.slug / f"{stem}.{ext}").stat().st_size > 0
        assert (out / scope.slug / "metrics.json").exists()
    assert (out / "index.html").exists() and (out / "manifest.json").exists()


def _pdftext(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_every_pdf_embeds_the_sc_face_and_holds_its_scope_and_page_footer(batch):
    for scope in current_scopes():
        for stem in _notebook_stems():
            pdf = batch["out"] / scope.slug / f"{stem}.pdf"
            fonts = subprocess.run(
                ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
            ).stdout
            assert "Noto-Sans-CJK-SC" in fonts and "CJK-JP" not in fonts, fonts
            assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:] if line.strip())
            text = _pdftext(pdf)
            assert scope.name_zh in text and "第 1 页" in text
            assert "import " not in text and "metrics.save()" not in text


def _pdf_image_count(pdf: Path) -> int:
    listing = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    return len(listing.splitlines()) - 2


def test_charts_reach_every_pdf_even_when_the_caller_set_a_headless_backend(batch):
    # conftest sets MPLBACKEND=Agg for this process; the kernels must not inherit it.
    assert os.environ.get("MPLBACKEND") == "Agg"
    for scope in current_scopes():
        stems = [s for s in _notebook_stems() if s[:2] != "00" or scope.level == "city"]
        for stem in stems:
            pdf = batch["out"] / scope.slug / f"{stem}.pdf"
            assert _pdf_image_count(pdf) >= 1, f"no chart in {pdf.name} of {scope.code}"
        assert _pdf_image_count(batch["out"] / scope.slug / "report.pdf") >= 3


def test_html_has_no_code_and_no_network_dependencies(batch):
    for html_file in batch["out"].rglob("*.html"):
        html = html_file.read_text(encoding="utf-8")
        assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']?(https?:)?//", html), html_file
        assert "jp-InputArea" not in html and "from lps_analysis" not in html
        if html_file.name != "index.html":
            assert 'lang="zh-CN"' in html


def test_each_scope_report_holds_its_own_numbers(batch):
    """No cross-talk between parallel jobs: metrics and text belong to their scope."""
    totals = {}
    for scope in current_scopes():
        metrics = json.loads(
            (batch["out"] / scope.slug / "metrics.json").read_text(encoding="utf-8")
        )
        assert metrics["scope"] == scope.code
        values = {m["id"]: m["value"] for m in metrics["metrics"]}
        totals[scope.code] = values["talent.total.2020"]
        text = _pdftext(batch["out"] / scope.slug / "01_talent_structure.pdf")
        others = [
            s.name_zh for s in current_scopes() if s.code != scope.code and s.level == "county"
        ]
        if scope.level == "county":
            assert f"分析范围：{scope.name_zh}" in text.replace(" ", "")
            assert not any(f"分析范围：{o}" in text.replace(" ", "") for o in others)
    assert len(set(totals.values())) == len(totals)
    assert totals["520200"] == 428_000


def test_person_level_tables_reach_the_pdf_with_small_cells_hidden(batch):
    for scope in current_scopes():
        text = _pdftext(batch["out"] / scope.slug / "01_talent_structure.pdf").replace(" ", "")
        assert "其中外部引进人才" in text
        assert "为保护个人信息而隐去的小于10人的单元格" in text


def test_a_second_run_with_no_changes_skips_every_job(batch):
    assert batch["second"].returncode == 0
    manifest = json.loads((batch["out"] / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["jobs"] and all(not j["ran"] for j in manifest["jobs"])
    assert all("跳过" in j["reason"] for j in manifest["jobs"])


def test_index_lists_every_job_with_status_links_and_provenance(batch):
    html = (batch["out"] / "index.html").read_text(encoding="utf-8")
    for scope in current_scopes():
        assert f'href="{scope.slug}/01_talent_structure.pdf"' in html
    assert "示例数据" in html and "完成" in html


def test_index_names_analyses_by_title_links_html_and_pdf_and_gives_the_brief_s_provenance(batch):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((batch["out"] / "index.html").read_text(encoding="utf-8"), "html.parser")
    rows = [
        [td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in soup.select("tbody tr")
    ]
    briefs = [r for r in rows if "00_brief" in r[1]]
    assert len(briefs) == len(current_scopes())
    for row in rows:
        assert not re.fullmatch(r"\d\d_\w+", row[1]), row  # a title, not only the file name
        assert row[5] != "—", row  # every analysis says what its figures rest on
    assert all(r[1].startswith("领导小组简报") for r in briefs)
    hrefs = [a["href"] for a in soup.select("td a")]
    assert hrefs and not [h for h in hrefs if h.endswith(".ipynb")]
    assert any(h.endswith("00_brief.html") for h in hrefs)


def test_a_failing_notebook_fails_alone_with_exit_1(tmp_path):
    result = _run(
        "--scope",
        "520201",
        "--to",
        "html",
        "--out",
        str(tmp_path),
        env={"LPS_NOTEBOOKS_DIR": str(FIXTURE_NOTEBOOKS)},
    )
    assert result.returncode == 1
    assert "02_fails" in result.stdout and "deliberate failure" in result.stdout
    assert (tmp_path / "520201-zhongshan" / "01_ok.html").exists()
    assert not (tmp_path / "520201-zhongshan" / "02_fails.html").exists()
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    status = {j["notebook"]: j["status"] for j in manifest["jobs"]}
    assert status == {"01_ok": "ok", "02_fails": "failed"}
    assert "Traceback" not in result.stderr


def test_a_killed_export_leaves_the_earlier_good_file(tmp_path):
    from lps_analysis.atomic import write_atomic

    target = tmp_path / "r.pdf"
    write_atomic(target, b"good")

    with pytest.raises(TypeError):
        write_atomic(target, object())  # fails mid-write
    assert target.read_bytes() == b"good"
    assert [p.name for p in tmp_path.iterdir()] == ["r.pdf"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_jupyter_server_offers_the_project_exporters():
    port = _free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("jupyter")),
            "server",
            "--no-browser",
            f"--port={port}",
            "--ip=127.0.0.1",
            "--allow-root",
            "--IdentityProvider.token=",
            "--ServerApp.password=",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/api/nbconvert", timeout=5
                ) as r:
                    formats = json.load(r)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.5)
        assert "lps_html" in formats and "lps_pdf" in formats
    finally:
        server.terminate()
        server.wait(timeout=30)


def _printed_records_tables(notebook: Path) -> list:
    """The person tables as the executed notebook printed them (HTML outputs of its records
    section), as text: "1,234" and "—" exactly as a reader sees them."""
    import nbformat
    import pandas as pd

    nb = nbformat.read(notebook, as_version=4)
    (cell,) = [c for c in nb.cells if "records_view.from_dataset" in c.get("source", "")]
    tables = []
    for output in cell.outputs:
        html = output.get("data", {}).get("text/html")
        if html:
            (frame,) = pd.read_html(io.StringIO(html), index_col=0, thousands=None)
            tables.append(frame.astype(str))
    return tables


def test_the_run_published_person_tables_withstand_the_whole_release_attack(batch):
    """The LP attack of test_disclosure on what the batch actually printed, every scope at once."""
    import pandas as pd
    from test_disclosure import attack, narrow

    published = {
        scope.code: _printed_records_tables(batch["out"] / scope.slug / "01_talent_structure.ipynb")
        for scope in current_scopes()
    }
    assert all(len(tables) == 2 for tables in published.values())
    records = pd.read_parquet(paths.ILLUSTRATIVE_DIR / "talent_records.parquet")
    attacked = attack(published)
    assert len(attacked[0]) >= 10
    assert narrow(attacked, records) == []

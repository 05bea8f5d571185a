"""The report exporters: what the leadership group reads must show no code, load nothing from a
network, name the scope, and print as a Chinese A4 PDF with the Simplified-Chinese font.

Real exports of tests/fixtures/notebooks/sample_executed.ipynb (papermill run for 520201; rebuild
it with tests/fixtures/notebooks/make_sample_executed.py).
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from lps_analysis.errors import UnknownScopeError
from lps_analysis.report import LpsHTMLExporter, LpsPDFExporter, export_html, export_pdf

FIXTURE = Path(__file__).parent / "fixtures" / "notebooks" / "sample_executed.ipynb"
GENERATED = datetime(2024, 5, 1, 9, 30)
# Text of the notebook's code cells and streams that must never reach a reader.
CODE_TEXT = ["import pandas", "plt.subplots", "np.random", "talent.groupby", 'scope = "520201"']
HIDDEN_TEXT = ["调试信息", "示例警告", "UserWarning", "内部备注", "# Parameters", "Axes:"]

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext, pdffonts) not installed"
)


def _poppler(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def sample_nb():
    return nbformat.read(FIXTURE, as_version=4)


@pytest.fixture(scope="module")
def html(sample_nb):
    return export_html(sample_nb, generated=GENERATED)


@pytest.fixture(scope="module")
def pdf_path(sample_nb, tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "sample.pdf"
    path.write_bytes(export_pdf(sample_nb, generated=GENERATED))
    return path


@pytest.fixture(scope="module")
def pdf_pages(pdf_path):
    """Text of each page (pdftotext separates pages with form feeds)."""
    return _poppler("pdftotext", "-enc", "UTF-8", str(pdf_path), "-").split("\f")[:-1]


def test_fixture_is_a_small_papermill_run_for_zhongshan(sample_nb):
    assert FIXTURE.stat().st_size < 300_000
    assert sample_nb.metadata.papermill.parameters == {"scope": "520201"}
    tags = [t for c in sample_nb.cells for t in c.metadata.get("tags", [])]
    assert {"parameters", "injected-parameters", "remove-cell"} <= set(tags)


# --- HTML ---------------------------------------------------------------------------------------


def test_html_shows_no_code_and_no_prompts(html):
    for text in CODE_TEXT:
        assert text not in html
    assert "In&nbsp;[" not in html and "Out[" not in html


def test_html_hides_parameters_stderr_warnings_and_removed_cells(html):
    for text in HIDDEN_TEXT:
        assert text not in html
    assert "2020 年四类人才合计 108,473 人（示例数据）。" in html  # stdout stays


def test_html_loads_nothing_from_the_network(html):
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(["script", "link", "img", "iframe", "source"]):
        for attr in ("src", "href"):
            assert not re.match(r"\s*(https?:)?//", tag.get(attr, ""), re.I), str(tag)[:200]
    assert not soup.find_all("script")  # no MathJax, no require.js, nothing to run


def test_html_is_chinese_and_names_scope_provenance_and_time(html):
    assert '<html lang="zh-CN">' in html
    assert '"Noto Sans CJK SC"' in html
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one(".lps-masthead .lps-scope").get_text() == "钟山区（520201）"
    assert "数据来源" in soup.select_one(".lps-masthead .lps-provenance").get_text()
    assert soup.select_one(".lps-masthead .lps-generated").get_text() == "2024年5月1日 09:30"
    assert soup.title.get_text() == "人才结构变化分析 · 钟山区"


def test_html_embeds_the_chart_and_the_whole_table(html):
    soup = BeautifulSoup(html, "html.parser")
    images = soup.find_all("img")
    assert len(images) == 1 and images[0]["src"].startswith("data:image/png;base64,")
    table = soup.select_one("table.dataframe")
    assert len(table.select("tbody tr")) == 40 and table.find("thead")


def test_export_leaves_the_notebook_untouched(sample_nb):
    before = copy.deepcopy(sample_nb)
    export_html(sample_nb, generated=GENERATED)
    assert sample_nb == before


def _scope_text(nb) -> str:
    soup = BeautifulSoup(export_html(nb, generated=GENERATED), "html.parser")
    return soup.select_one(".lps-scope").get_text()


def test_notebook_run_by_hand_uses_its_parameters_cell(sample_nb):
    nb = copy.deepcopy(sample_nb)
    del nb.metadata["papermill"]
    nb.cells = [c for c in nb.cells if "injected-parameters" not in c.metadata.get("tags", [])]
    assert _scope_text(nb) == "钟山区（520201）"


def test_notebook_without_parameters_is_reported_for_the_city():
    nb = new_notebook(cells=[new_markdown_cell("# 人才总量\n\n正文。")])
    assert _scope_text(nb) == "六盘水市（520200）"


def test_unknown_scope_is_refused_not_mislabelled(sample_nb):
    nb = copy.deepcopy(sample_nb)
    nb.metadata.papermill.parameters = {"scope": "520299"}
    with pytest.raises(UnknownScopeError):
        export_html(nb, generated=GENERATED)


def test_lps_metadata_sets_title_and_provenance(sample_nb):
    nb = copy.deepcopy(sample_nb)
    nb.metadata["lps"] = {
        "title": "钟山区人才工作年度报告",
        "provenance": "数据由市委组织部人才科提供。",
    }
    soup = BeautifulSoup(export_html(nb, generated=GENERATED), "html.parser")
    assert soup.title.get_text() == "钟山区人才工作年度报告 · 钟山区"
    assert soup.select_one(".lps-masthead-title").get_text() == "钟山区人才工作年度报告"
    assert soup.select_one(".lps-provenance").get_text() == "数据由市委组织部人才科提供。"


def test_generation_time_is_beijing_time():
    nb = new_notebook(cells=[new_markdown_cell("# 标题")])
    soup = BeautifulSoup(
        export_html(nb, generated=datetime(2024, 5, 1, 1, 30, tzinfo=UTC)), "html.parser"
    )
    assert soup.select_one(".lps-generated").get_text() == "2024年5月1日 09:30"
    now = BeautifulSoup(export_html(nb), "html.parser").select_one(".lps-generated").get_text()
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}", now)


def test_remote_resources_in_outputs_are_removed():
    remote_html = (
        '<script src="https://cdn.plot.ly/plotly.min.js"></script>'
        '<link rel="stylesheet" href="//fonts.googleapis.com/css?family=Noto">'
        '<style>@import url("https://example.com/x.css"); .k { color: red }</style>'
        '<p>图表说明</p><img src="http://example.com/logo.png" alt="标志">'
        '<a href="https://www.gov.cn/">链接</a>'
    )
    nb = new_notebook(
        cells=[
            new_markdown_cell("# 外部资源\n\n![远程](https://example.com/a.png)"),
            new_code_cell(
                "show()",
                outputs=[
                    new_output("display_data", data={"text/html": remote_html, "text/plain": "x"}),
                    new_output("display_data", data={"application/javascript": "alert(1)"}),
                    new_output(
                        "display_data",
                        data={
                            "application/vnd.jupyter.widget-view+json": {"model_id": "a"},
                            "text/plain": "HBox(children=(FloatProgress(value=0.0),))",
                        },
                    ),
                ],
            ),
        ]
    )
    html = export_html(nb, generated=GENERATED)
    assert "example.com" not in html and "googleapis" not in html and "plot.ly" not in html
    assert "<script" not in html and "HBox" not in html and "alert(1)" not in html
    assert "图表说明" in html and "外部图片未嵌入：标志" in html
    assert 'href="https://www.gov.cn/"' in html  # a link loads nothing until clicked


def test_error_output_shows_the_message_not_the_traceback():
    nb = new_notebook(
        cells=[
            new_code_cell(
                "1/0",
                outputs=[
                    new_output(
                        "error",
                        ename="ZeroDivisionError",
                        evalue="division by zero",
                        traceback=["Traceback", "----> 1 import pandas as pd"],
                    )
                ],
            )
        ]
    )
    html = export_html(nb, generated=GENERATED)
    assert "ZeroDivisionError：division by zero" in html and "import pandas" not in html


def test_remove_output_tag_hides_outputs_but_keeps_the_text_around_them():
    nb = new_notebook(
        cells=[
            new_markdown_cell("## 中间结果"),
            new_code_cell(
                "check()",
                metadata={"tags": ["remove-output"]},
                outputs=[new_output("stream", name="stdout", text="核对：共 40 行\n")],
            ),
        ]
    )
    html = export_html(nb, generated=GENERATED)
    assert "中间结果" in html and "核对" not in html


# --- PDF ----------------------------------------------------------------------------------------


@needs_poppler
def test_pdf_embeds_the_simplified_chinese_face_only(pdf_path):
    fonts = _poppler("pdffonts", str(pdf_path))
    faces = [line.split()[0] for line in fonts.splitlines()[2:]]
    normalised = [re.sub(r"[^a-z]", "", f.split("+", 1)[-1].lower()) for f in faces]
    assert any(f.startswith("notosanscjksc") for f in normalised), fonts
    assert not any("jp" in f or "cjkkr" in f or "cjktc" in f for f in normalised), fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:]), fonts  # embedded


@needs_poppler
def test_pdf_has_a_cover_then_numbered_pages_with_running_header(pdf_pages):
    cover, *body = pdf_pages
    assert "人才结构变化分析" in cover and "钟山区" in cover and "2024年5月1日" in cover
    assert "数据来源说明" in cover and not re.search(r"第 \d+ 页", cover)  # cover uncounted
    assert len(body) >= 2  # the 40-row table does not fit on one page
    for number, page in enumerate(body, start=1):
        assert "人才结构变化分析 · 钟山区" in page
        assert f"第 {number} 页 共 {len(body)} 页" in page


@needs_poppler
def test_pdf_shows_no_code_and_no_hidden_text(pdf_pages):
    text = "\n".join(pdf_pages)
    assert "钟山区" in text and "第 1 页" in text and "共" in text
    for snippet in CODE_TEXT + HIDDEN_TEXT + ["import ", "plt."]:
        assert snippet not in text
    assert "企业经营管理人才" in text and "49049" in text  # the table's last row made it


@needs_poppler
def test_pdf_repeats_the_table_header_on_the_next_page(pdf_pages):
    pages_with_table_rows = [p for p in pdf_pages if "示例数据" in p and "技能人才" in p]
    assert len(pages_with_table_rows) >= 2
    assert all("人数" in p and "来源" in p for p in pages_with_table_rows)


@needs_poppler
def test_first_two_pages_render(pdf_path, tmp_path):
    import matplotlib.image

    _poppler(
        "pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "2", str(pdf_path), str(tmp_path / "p")
    )
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert len(pngs) == 2
    for png in pngs:
        pixels = matplotlib.image.imread(png)
        assert pixels.shape[0] > pixels.shape[1] > 350  # A4 portrait at 50 dpi: 413 × 585
        assert pixels.std() > 0.05  # not a blank page


def test_same_notebook_and_time_give_the_same_pdf_bytes(sample_nb):
    first = export_pdf(sample_nb, generated=GENERATED)
    assert first.startswith(b"%PDF-")
    assert export_pdf(sample_nb, generated=GENERATED) == first


# --- nbconvert registration ---------------------------------------------------------------------


def test_exporters_are_registered_as_entry_points():
    from nbconvert.exporters import get_exporter

    assert get_exporter("lps_html") is LpsHTMLExporter
    assert get_exporter("lps_pdf") is LpsPDFExporter
    assert LpsPDFExporter.output_mimetype == "application/pdf"
    assert LpsPDFExporter().file_extension == ".pdf"


@pytest.mark.slow
def test_jupyter_nbconvert_to_lps_html(tmp_path):
    notebook = tmp_path / "01_talent_structure.ipynb"
    shutil.copy(FIXTURE, notebook)
    jupyter = Path(sys.executable).with_name("jupyter")
    subprocess.run(
        [str(jupyter), "nbconvert", "--to", "lps_html", str(notebook)],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=300,
    )
    html = (tmp_path / "01_talent_structure.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html and "钟山区" in html and "import pandas" not in html

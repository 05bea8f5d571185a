"""Edges of the report exporters run in this process: the title taken from the notebook's file
name, code highlighting when a template shows code, widget views under a user's display
priority, cells after an empty one, and the PDF's fonts and relative links."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from traitlets.config import Config

from lps_analysis.report import exporters
from lps_analysis.report.exporters import (
    LpsHTMLExporter,
    LpsPDFExporter,
    LpsReportPreprocessor,
    offline_html,
    report_info,
)

needs_poppler = pytest.mark.skipif(
    shutil.which("pdffonts") is None, reason="poppler-utils (pdffonts, pdfinfo) not installed"
)
# A 1×1 PNG.
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="
WIDGET = "application/vnd.jupyter.widget-view+json"


def _value(text: str, count: int = 1):
    return new_output("execute_result", data={"text/plain": text}, execution_count=count)


# --- HTML -----------------------------------------------------------------------------------------


def test_a_notebook_without_any_title_is_titled_by_its_file_name():
    nb = new_notebook(cells=[new_markdown_cell("人才总量持续增长。")])
    html, _ = LpsHTMLExporter().from_notebook_node(nb, {"metadata": {"name": "人才月报"}})
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one(".lps-cover-title").get_text() == "人才月报"
    assert soup.title.get_text() == "人才月报 · 六盘水市"


def test_the_report_css_sets_the_chinese_monospace_face_for_values():
    nb = new_notebook(cells=[new_code_cell("x", outputs=[_value("人才总量 1300人")])])
    html, _ = LpsHTMLExporter().from_notebook_node(nb, {})
    style = BeautifulSoup(html, "html.parser").style.get_text()
    assert (
        'code, pre { font-family: "Noto Sans Mono CJK SC", "DejaVu Sans Mono", monospace;' in style
    )


def test_code_shown_through_another_template_is_highlighted_in_the_notebook_language():
    # No pygments_lexer: the language name ("r") picks the lexer, so `<-` is one R operator
    # and `c` a function, not Python's `<` and `-` and a plain name.
    nb = new_notebook(
        cells=[new_code_cell("x <- c(1, 2)", outputs=[_value("[1] 1 2")])],
        metadata={"language_info": {"name": "r"}},
    )
    html, _ = LpsHTMLExporter(template_name="lab", exclude_input=False).from_notebook_node(nb)
    assert '<span class="o">&lt;-</span>' in html
    assert '<span class="nf">c</span>' in html


def test_a_configured_code_highlighter_is_the_one_used():
    def highlight(source, **_):
        return f"<pre class='own-highlighter'>{len(source)} 字符</pre>"

    nb = new_notebook(cells=[new_code_cell("x = 1", outputs=[_value("1")])])
    exporter = LpsHTMLExporter(
        template_name="lab", exclude_input=False, filters={"highlight_code": highlight}
    )
    html, _ = exporter.from_notebook_node(nb)
    assert '<pre class="own-highlighter">5 字符</pre>' in html


def test_a_chart_with_a_widget_view_still_shows_its_picture_when_widgets_come_first():
    # A user's nbconvert config that puts widget views first (as the stock HTML exporter does):
    # without the widget state the view cannot be drawn, so the picture is shown instead.
    config = Config(
        {"NbConvertBase": {"display_data_priority": [WIDGET, "image/png", "text/plain"]}}
    )
    chart = new_output(
        "display_data",
        data={WIDGET: {"model_id": "m1", "version_major": 2}, "image/png": PNG, "text/plain": "图"},
    )
    nb = new_notebook(cells=[new_code_cell("x", outputs=[chart])])
    html, _ = LpsHTMLExporter(config=config).from_notebook_node(nb)
    figures = BeautifulSoup(html, "html.parser").select("figure.lps-figure img")
    assert [img["src"] for img in figures] == [f"data:image/png;base64,{PNG}"]


def test_text_after_a_code_cell_with_nothing_to_show_is_kept():
    nb = new_notebook(
        cells=[
            new_markdown_cell("# 人才结构"),
            new_code_cell("import pandas as pd"),  # no output
            new_code_cell("x", outputs=[new_output("stream", name="stderr", text="警告\n")]),
            new_markdown_cell("结论：人才总量增长。"),
            new_code_cell("x", outputs=[_value("1300人")]),
            new_markdown_cell("内部备注", metadata={"tags": ["remove-cell"]}),
            new_markdown_cell("附注：数据截至2024年。"),
        ]
    )
    out, _ = LpsReportPreprocessor().preprocess(nb, {})
    assert [c.source for c in out.cells] == [
        "# 人才结构",
        "结论：人才总量增长。",
        "x",
        "附注：数据截至2024年。",
    ]


def test_scope_and_title_from_the_notebook_metadata_reach_the_cover():
    nb = new_notebook(
        cells=[new_markdown_cell("没有标题的说明。")],
        metadata={"lps": {"scope": "520203"}, "title": "人才季报"},
    )
    html, _ = LpsHTMLExporter().from_notebook_node(nb, {})
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one(".lps-cover-title").get_text() == "人才季报"
    assert soup.select_one(".lps-cover-code").get_text() == "（520203）"


def test_a_chart_with_both_a_picture_and_html_shows_the_picture():
    chart = new_output("display_data", data={"text/html": "<div>交互图表</div>", "image/png": PNG})
    nb = new_notebook(cells=[new_code_cell("x", outputs=[chart])])
    html, _ = LpsHTMLExporter().from_notebook_node(nb, {})
    assert f"data:image/png;base64,{PNG}" in html and "交互图表" not in html


def test_a_printed_line_after_a_progress_bar_and_a_chart_repr_is_kept_and_empty_cells_go():
    script = new_output("display_data", data={"application/javascript": "alert(1)"})
    progress = new_output(
        "display_data", data={"text/plain": "进度 100%", WIDGET: {"model_id": "p"}}
    )
    blank = new_code_cell("b", outputs=[new_output("display_data", data={"text/plain": "空"})])
    nb = new_notebook(
        cells=[
            new_code_cell("a", outputs=[script]),
            blank,
            new_code_cell(
                "c",
                outputs=[
                    progress,
                    _value("<Axes: >"),
                    new_output("stream", name="stdout", text="核对完毕\n"),
                ],
            ),
        ]
    )
    del nb.cells[1].outputs[0]["data"]  # a hand-edited notebook: an output without its data
    out, _ = LpsReportPreprocessor().preprocess(nb, {})
    assert [(c.source, [o.output_type for o in c.outputs]) for c in out.cells] == [
        ("c", ["stream"])
    ]


def test_remote_styles_base_links_and_images_are_replaced_offline():
    assert offline_html('<p style="background: url(http://x.cn/a.png)">表</p>') == (
        '<p style="background: none">表</p>'
    )
    assert offline_html('<base href="./"/><p>表</p>') == "<p>表</p>"
    assert offline_html('<p>表</p><iframe src="https://x.cn/v"></iframe>') == "<p>表</p>"
    assert offline_html('<p>表</p><video poster="//x.cn/p.png"></video>') == "<p>表</p>"
    assert offline_html("<style>@import url(http://x.cn/a.css); p {color: red}</style>") == (
        "<style> p {color: red}</style>"
    )
    assert offline_html('<img alt="结构图" src="https://x.cn/a.png"/>') == (
        '<span class="lps-offline-note">（外部图片未嵌入：结构图）</span>'
    )


def test_a_given_generation_time_beats_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # 1970-01-01 08:00 in Beijing
    nb = new_notebook(cells=[new_markdown_cell("# 人才月报")])
    info = report_info(nb, generated="2024-05-01T09:30:00+08:00")
    assert info["generated"] == "2024年5月1日 09:30"


def test_without_a_generation_time_the_header_shows_now_in_beijing(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    nb = new_notebook(cells=[new_markdown_cell("# 人才月报")])
    shown = datetime.fromisoformat(report_info(nb)["generated_iso"])
    assert shown.utcoffset() == timedelta(hours=8)
    assert abs(shown - datetime.now(UTC)) < timedelta(minutes=2)


# --- PDF ------------------------------------------------------------------------------------------


def _pdf_notebook():
    return new_notebook(
        cells=[
            new_markdown_cell("# 人才月报\n\n详见[附表](附表.xlsx)。"),
            new_code_cell("x", outputs=[_value("人才总量 1300人")]),
        ]
    )


@pytest.fixture(scope="module")
def two_pdfs(tmp_path_factory):
    """Two exports by one PDF exporter, with the font configuration each layout was given."""
    folder = tmp_path_factory.mktemp("pdf")
    layouts = []
    real = exporters.html_to_pdf

    def recording(html, **kw):
        layouts.append(kw)
        return real(html, **kw)

    exporter = LpsPDFExporter()
    paths = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(exporters, "html_to_pdf", recording)
        for i in range(2):
            pdf, out = exporter.from_notebook_node(_pdf_notebook(), {})
            assert out["output_extension"] == ".pdf"
            paths.append(folder / f"{i}.pdf")
            paths[-1].write_bytes(pdf)
    return paths, layouts


def test_one_pdf_exporter_loads_its_fonts_once_for_all_its_reports(two_pdfs):
    from weasyprint.text.fonts import FontConfiguration

    _, layouts = two_pdfs
    first, second = (layout["font_config"] for layout in layouts)
    assert isinstance(first, FontConfiguration)
    assert second is first


@needs_poppler
def test_pdf_embeds_the_chinese_sans_and_monospace_faces(two_pdfs):
    paths, _ = two_pdfs
    fonts = subprocess.run(["pdffonts", str(paths[1])], capture_output=True, text=True).stdout
    faces = {line.split()[0].split("+", 1)[-1] for line in fonts.splitlines()[2:]}
    assert {"Noto-Sans-CJK-SC", "Noto-Sans-Mono-CJK-SC"} <= faces, fonts


@needs_poppler
def test_a_relative_link_in_the_pdf_points_beside_the_notebook(tmp_path):
    folder = tmp_path / "报告"
    folder.mkdir()  # elsewhere than the working directory
    resources = {"metadata": {"name": "人才月报", "path": str(folder)}}
    pdf, _ = LpsPDFExporter().from_notebook_node(_pdf_notebook(), resources)
    (tmp_path / "月报.pdf").write_bytes(pdf)
    urls = subprocess.run(
        ["pdfinfo", "-url", str(tmp_path / "月报.pdf")], capture_output=True, text=True
    )
    expected = "file://" + quote(str(folder / "附表.xlsx"))
    assert expected in urls.stdout.split(), urls.stdout


def test_a_job_lays_out_its_pdf_from_its_html_export(tmp_path, monkeypatch):
    """HTML and PDF of one job: the page is rendered once, and the PDF reads as export_pdf's."""
    import nbformat

    from lps_analysis.pipeline.execute import export_all

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")
    executed = tmp_path / "01_月报.ipynb"
    nbformat.write(_pdf_notebook(), executed)
    rendered = []
    real = exporters.LpsHTMLExporter.from_notebook_node

    def counting(self, nb, resources=None, **kw):
        rendered.append(type(self).__name__)
        return real(self, nb, resources, **kw)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(exporters.LpsHTMLExporter, "from_notebook_node", counting)
        out = export_all(executed, ["html", "pdf"], timeout=300)
    assert rendered == ["LpsHTMLExporter"]
    assert out["html"].decode("utf-8") == exporters.export_html(_pdf_notebook())
    alone = exporters.export_pdf(_pdf_notebook())
    texts = []
    for name, pdf in (("job", out["pdf"]), ("alone", alone)):
        (tmp_path / f"{name}.pdf").write_bytes(pdf)
        done = subprocess.run(
            ["pdftotext", "-layout", str(tmp_path / f"{name}.pdf"), "-"],
            capture_output=True,
            check=True,
        )
        texts.append(done.stdout.decode("utf-8"))
    assert "人才总量 1300人" in texts[0] and "1月2日" in texts[0]
    assert texts[0] == texts[1]

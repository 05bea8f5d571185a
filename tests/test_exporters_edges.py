"""Edges of the report exporters and their header facts, each export made inside the test that
checks it: the generation time the in-process PDF export is given, the cover date and running
header, CSS strings with quotes and control characters, where the generation time comes from,
remote backgrounds and image sets in outputs, and which picture of an output is shown."""

from __future__ import annotations

import shutil
import subprocess
import threading
from datetime import UTC, datetime

import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from traitlets.config import Config

from lps_analysis.report import exporters
from lps_analysis.report.exporters import (
    LpsHTMLExporter,
    LpsPDFExporter,
    LpsReportPreprocessor,
    export_html,
    export_pdf,
    offline_html,
)
from lps_analysis.report.info import css_string, first_h1, notebook_scope_code, report_info
from lps_analysis.viz.fonts import CSS_FONT_STACK

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext, pdffonts) not installed"
)
# A 1×1 PNG.
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'


@pytest.fixture(autouse=True)
def _no_source_date_epoch(monkeypatch):
    """Neither spelling of SOURCE_DATE_EPOCH leaks in from the machine running the tests."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.delenv("source_date_epoch", raising=False)


def _poppler(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def _soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


# --- the in-process PDF -------------------------------------------------------------------------


@needs_poppler
def test_export_pdf_shows_the_generation_time_it_is_given(tmp_path):
    nb = new_notebook(
        cells=[
            new_markdown_cell('# 人才"季报"'),
            new_code_cell(
                "x", outputs=[new_output("stream", name="stdout", text="人才总量 1300人\n")]
            ),
        ]
    )
    path = tmp_path / "季报.pdf"
    path.write_bytes(export_pdf(nb, generated=datetime(2021, 3, 4, 7, 5)))
    cover, *body = _poppler("pdftotext", "-enc", "UTF-8", str(path), "-").split("\f")[:-1]
    assert "2021年3月4日" in cover and "生成时间：2021年3月4日 07:05" in cover
    assert len(body) == 1
    # The running header: the title with its quotes, escaped in the CSS and shown as written.
    assert '人才"季报" · 六盘水市' in body[0]
    assert "第 1 页 共 1 页" in body[0] and "人才总量 1300人" in body[0]
    fonts = _poppler("pdffonts", str(path))
    assert "Noto-Sans-CJK-SC" in fonts, fonts


@needs_poppler
def test_export_pdf_without_a_time_takes_the_notebooks_own(tmp_path):
    nb = new_notebook(
        cells=[new_markdown_cell("# 人才月报\n\n正文。")],
        metadata={"lps": {"generated": "2019-12-31T23:59:00+08:00", "scope": "520281"}},
    )
    path = tmp_path / "月报.pdf"
    path.write_bytes(export_pdf(nb))
    cover, page = _poppler("pdftotext", "-enc", "UTF-8", str(path), "-").split("\f")[:-1]
    assert "2019年12月31日" in cover and "23:59" in cover and "盘州市" in cover
    assert "人才月报 · 盘州市" in page


def test_the_pdf_exporter_writes_pdf_files():
    exporter = LpsPDFExporter()
    assert (exporter.file_extension, exporter.template_extension) == (".pdf", ".html.j2")
    assert exporter.output_mimetype == "application/pdf"
    pdf, resources = exporter.from_notebook_node(new_notebook(cells=[new_markdown_cell("# 表")]))
    assert pdf.startswith(b"%PDF-") and resources["output_extension"] == ".pdf"


@needs_poppler
def test_a_pdf_exporter_takes_its_config_positionally_or_by_keyword(tmp_path):
    config = Config({"LpsHTMLExporter": {"generated": "2020-08-09T10:11:00+08:00"}})
    exporter = LpsPDFExporter(config)
    assert LpsPDFExporter(generated="2020-08-09T10:11:00+08:00").generated == exporter.generated
    pdf, _ = exporter.from_notebook_node(new_notebook(cells=[new_markdown_cell("# 人才年报")]))
    (tmp_path / "年报.pdf").write_bytes(pdf)
    cover = _poppler("pdftotext", "-enc", "UTF-8", str(tmp_path / "年报.pdf"), "-")
    assert "生成时间：2020年8月9日 10:11" in cover


def test_pdf_bytes_are_saved_as_pdf_whatever_file_extension_is_configured():
    # nbconvert names the output file after `file_extension`; a PDF stays a .pdf.
    exporter = LpsPDFExporter(file_extension=".html")
    pdf, resources = exporter.from_notebook_node(new_notebook(cells=[new_markdown_cell("# 表")]))
    assert pdf.startswith(b"%PDF-") and resources["output_extension"] == ".pdf"


# --- the HTML header ----------------------------------------------------------------------------


def test_cover_date_masthead_and_running_header_of_an_html_export():
    nb = new_notebook(
        cells=[new_markdown_cell("# 人才月报")], metadata={"lps": {"scope": "520203"}}
    )
    html = export_html(nb, generated=datetime(2024, 4, 30, 20, 0, tzinfo=UTC))
    soup = _soup(html)
    assert soup.select_one(".lps-cover-date").get_text() == "2024年5月1日"
    assert soup.select_one(".lps-generated").get_text() == "2024年5月1日 04:00"
    assert soup.select_one(".lps-scope").get_text() == "六枝特区（520203）"
    assert soup.find("meta", attrs={"name": "dcterms.created"})["content"] == (
        "2024-05-01T04:00:00+08:00"
    )
    assert 'content: "人才月报 · 六枝特区";' in soup.style.get_text()
    assert soup.select_one(".lps-masthead-title") is None  # the notebook's own H1 shows it


def test_a_title_with_css_syntax_cannot_leave_the_running_header():
    nb = new_notebook(cells=[new_markdown_cell("x")], metadata={"title": '季报"; }</style>'})
    html, _ = LpsHTMLExporter().from_notebook_node(nb, {})
    soup = _soup(html)
    assert len(soup.find_all("style")) == 1
    assert r'content: "季报\22 ; }\3c /style\3e  · 六盘水市";' in soup.style.get_text()
    assert soup.select_one(".lps-masthead-title").get_text() == '季报"; }</style>'


def test_the_exporters_generation_time_and_the_callers_resources():
    nb = new_notebook(cells=[new_markdown_cell("# 人才月报")])
    exporter = LpsHTMLExporter(generated="2022-02-03T10:11:00+08:00")
    html, _ = exporter.from_notebook_node(nb)
    assert _soup(html).select_one(".lps-generated").get_text() == "2022年2月3日 10:11"
    given = {"lps": {"generated": "2023-06-07T08:09:00+08:00", "note": "保留"}}
    html, out = exporter.from_notebook_node(nb, given)
    assert _soup(html).select_one(".lps-generated").get_text() == "2023年6月7日 08:09"
    assert out["lps"]["note"] == "保留" and out["lps"]["title"] == "人才月报"
    assert given == {"lps": {"generated": "2023-06-07T08:09:00+08:00", "note": "保留"}}


def test_one_exporter_per_class_and_thread():
    html = exporters._exporter(LpsHTMLExporter)
    assert type(html) is LpsHTMLExporter and exporters._exporter(LpsHTMLExporter) is html
    assert type(exporters._exporter(LpsPDFExporter)) is LpsPDFExporter
    other = []
    thread = threading.Thread(target=lambda: other.append(exporters._exporter(LpsHTMLExporter)))
    thread.start()
    thread.join()
    assert type(other[0]) is LpsHTMLExporter and other[0] is not html
    moment = datetime(2024, 1, 2)
    assert exporters._resources(moment) == {"lps": {"generated": moment}}
    assert exporters._resources(None) == {}


# --- header facts -------------------------------------------------------------------------------


def test_report_info_lists_every_header_fact():
    nb = new_notebook(
        cells=[new_markdown_cell("# 人才月报")],
        metadata={"lps": {"scope": "520203", "provenance": "市委组织部人才科提供。"}},
    )
    assert report_info(nb, generated="2024-04-30T20:05:00+00:00") == {
        "project": "六盘水人才发展分析",
        "title": "人才月报",
        "show_title": False,
        "scope_code": "520203",
        "scope_name": "六枝特区",
        "scope_label": "六枝特区（520203）",
        "provenance": "市委组织部人才科提供。",
        "generated": "2024年5月1日 04:05",
        "generated_date": "2024年5月1日",
        "generated_iso": "2024-05-01T04:05:00+08:00",
        "running_header": "人才月报 · 六枝特区",
        "font_stack": CSS_FONT_STACK,
        "mono_font_stack": '"Noto Sans Mono CJK SC", "DejaVu Sans Mono", monospace',
    }


@pytest.mark.parametrize(
    ("h1", "metadata", "name", "title", "shown"),
    [
        ("标题一", {"lps": {"title": "元数据标题"}, "title": "旧"}, "文件名", "元数据标题", True),
        ("元数据标题", {"lps": {"title": "元数据标题"}}, None, "元数据标题", False),
        ("标题一", {"title": "旧"}, "文件名", "标题一", False),
        (None, {"title": "旧"}, "文件名", "旧", True),
        (None, {}, "文件名", "文件名", True),
        (None, {}, None, "六盘水人才发展分析报告", True),
    ],
)
def test_where_the_title_comes_from(h1, metadata, name, title, shown):
    cells = [new_markdown_cell(f"# {h1}")] if h1 else [new_markdown_cell("正文")]
    info = report_info(new_notebook(cells=cells, metadata=metadata), name=name)
    assert (info["title"], info["show_title"]) == (title, shown)
    assert info["running_header"] == f"{title} · 六盘水市"


def test_source_date_epoch_dates_a_report_without_its_own_time(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")  # 1970-01-02 00:00 UTC
    nb = new_notebook(cells=[new_markdown_cell("# 人才月报")])
    info = report_info(nb)
    assert (info["generated"], info["generated_iso"]) == (
        "1970年1月2日 08:00",
        "1970-01-02T08:00:00+08:00",
    )
    nb.metadata["lps"] = {"generated": "2024-05-01T09:30:00+08:00"}
    assert report_info(nb)["generated"] == "2024年5月1日 09:30"
    # An empty time given is no time: the notebook's own comes next.
    assert report_info(nb, generated="")["generated"] == "2024年5月1日 09:30"


def test_a_lowercase_source_date_epoch_is_not_the_reproducible_build_variable(monkeypatch):
    monkeypatch.setenv("source_date_epoch", "0")
    nb = new_notebook(cells=[new_markdown_cell("# 人才月报")])
    shown = datetime.fromisoformat(report_info(nb)["generated_iso"])
    assert shown.year == datetime.now(UTC).year


def test_times_without_a_zone_and_timestamps_are_beijing_time():
    nb = new_notebook(cells=[new_markdown_cell("# 人才月报")])
    naive = report_info(nb, generated=datetime(2024, 5, 1, 9, 5))
    assert (naive["generated"], naive["generated_iso"]) == (
        "2024年5月1日 09:05",
        "2024-05-01T09:05:00+08:00",
    )
    nb.metadata["lps"] = {"generated": 0}  # a Unix timestamp in the metadata
    assert report_info(nb)["generated_iso"] == "1970-01-01T08:00:00+08:00"


def test_the_first_h1_skips_fenced_code_and_smaller_headings():
    nb = new_notebook(
        cells=[
            new_markdown_cell("## 小节\n\n```\n# 代码里的注释\n```"),
            new_markdown_cell("~~~\n# 还在代码里\n~~~\n    # 缩进的代码\n#没有空格"),
            new_markdown_cell("# __人才__ `结构` ##"),
        ]
    )
    assert first_h1(nb) == "人才 结构"
    assert first_h1(new_notebook(cells=[new_markdown_cell("正文")])) is None
    # A fence closed earlier in the same cell, and code cells before it, do not hide the title.
    fenced_then_title = new_markdown_cell("```\n# 代码\n```\n# 标题")
    assert first_h1(new_notebook(cells=[new_code_cell("x = 1"), fenced_then_title])) == "标题"


@pytest.mark.parametrize(
    ("metadata", "parameters", "scope"),
    [
        (
            {"papermill": {"parameters": {"scope": "520201"}}, "lps": {"scope": "520203"}},
            None,
            "520201",
        ),
        (
            {"papermill": {"parameters": {"scope": ""}}, "lps": {"scope": " 520203 "}},
            None,
            "520203",
        ),
        ({}, 'scope = "520204"', "520204"),
        ({}, "scope = other\nscope = '520281'", "520281"),
        ({}, 'a = scope = "520201"', "520200"),
        ({}, 'scope = "520201', "520200"),  # not Python: the city
    ],
)
def test_where_the_scope_comes_from(metadata, parameters, scope):
    cells = []
    if parameters is not None:
        cells = [new_markdown_cell("# 月报"), new_code_cell(parameters)]
        cells[1].metadata["tags"] = ["parameters"]
    assert notebook_scope_code(new_notebook(cells=cells, metadata=metadata)) == scope


# --- CSS strings --------------------------------------------------------------------------------


def test_css_string_escapes_quotes_backslashes_markup_and_control_characters():
    # Code points by hand: " 0x22, \ 0x5c, < 0x3c, > 0x3e, & 0x26, newline 0xa, 0x1f.
    assert css_string('a"b\\c<d>&e\nf\x1f g') == ('"a\\22 b\\5c c\\3c d\\3e \\26 e\\a f\\1f  g"')
    assert css_string("人才月报 · 钟山区") == '"人才月报 · 钟山区"'
    assert css_string(2024) == '"2024"'
    assert css_string("") == '""'


# --- offline HTML -------------------------------------------------------------------------------


def test_remote_backgrounds_and_image_sets_go_local_ones_stay():
    assert offline_html('<table background="http://x.cn/bg.png"><tr><td>表</td></tr></table>') == (
        "<table><tr><td>表</td></tr></table>"
    )
    assert offline_html('<td background="//x.cn/bg.png">表</td>') == "<td>表</td>"
    local = '<img src="a.png" srcset="a@2x.png 2x" background="bg.png">'
    assert offline_html(local) == local  # nothing remote: left exactly as written
    assert offline_html('<img src="a.png" srcset="a.png 1x, https://x.cn/b.png 2x">') == (
        '<img src="a.png"/>'
    )


def test_offline_html_leaves_text_and_links_as_written():
    assert offline_html("") == ""
    assert offline_html("url(a.png) 与 @import 只是文字") == "url(a.png) 与 @import 只是文字"
    link = "<p class=x><a href='https://x.cn/报告'>原文</a></p>"
    assert offline_html(link) == link


def test_offline_html_removes_what_loads_and_goes_on_after_it():
    fragment = (
        '<object data="http://x.cn/a.swf"><img src="http://x.cn/a.png"></object>'
        '<link rel="stylesheet" href="HTTPS://x.cn/a.css">'
        "<noscript><p>请启用脚本</p></noscript>"
        "<p style=\"color: red; background: URL( '//x.cn/a.png' )\">表</p>"
        '<img src="https://x.cn/b.png">'
        "<style>@IMPORT '//x.cn/b.css'; td { background: url(http://x.cn/c.png) }</style>"
    )
    assert offline_html(fragment) == (
        '<p style="color: red; background: none">表</p>'
        '<span class="lps-offline-note">（外部图片未嵌入：https://x.cn/b.png）</span>'
        "<style> td { background: none }</style>"
    )


# --- what an output shows -----------------------------------------------------------------------


def test_each_output_shows_its_best_static_form():
    def shown(data):
        nb = new_notebook(
            cells=[new_code_cell("x", outputs=[new_output("display_data", data=data)])]
        )
        main = _soup(LpsHTMLExporter().from_notebook_node(nb, {})[0]).main
        img = main.find("img")
        return img["src"].split(";")[0] if img else main.find(class_="lps-output")["class"][1]

    assert shown({"image/jpeg": PNG, "image/svg+xml": SVG}) == "data:image/jpeg"
    assert shown({"image/svg+xml": SVG, "text/html": "<b>表</b>"}) == "data:image/svg+xml"
    assert shown({"text/html": "<b>表</b>", "text/markdown": "**表**"}) == "lps-html"
    assert shown({"text/markdown": "**表**", "text/latex": "$x$"}) == "lps-markdown"
    assert shown({"text/latex": "$x$", "text/plain": "x"}) == "lps-latex"


def test_the_preprocessor_options():
    def kept(preprocessor, *cells):
        out, _ = preprocessor.preprocess(new_notebook(cells=list(cells)), {})
        return [c.source for c in out.cells]

    axes = new_output("execute_result", data={"text/plain": "<Axes: >"}, execution_count=1)
    shown_repr = new_output("display_data", data={"text/plain": "Text(0.5, 1.0, '标题')"})
    tagged = new_code_cell("t", outputs=[new_output("stream", name="stdout", text="表\n")])
    tagged.metadata["tags"] = ["injected-parameters"]
    assert kept(LpsReportPreprocessor(), new_code_cell("a", outputs=[axes]), tagged) == []
    assert kept(
        LpsReportPreprocessor(drop_object_reprs=False), new_code_cell("a", outputs=[axes])
    ) == ["a"]
    # Only a cell's trailing value is noise: the same text displayed on purpose stays.
    assert kept(LpsReportPreprocessor(), new_code_cell("d", outputs=[shown_repr])) == ["d"]
    own = LpsReportPreprocessor(remove_cell_tags={"草稿"}, remove_output_tags={"只留文字"})
    draft = new_markdown_cell("草稿内容", metadata={"tags": ["草稿"]})
    quiet = new_code_cell("q", outputs=[new_output("stream", name="stdout", text="表\n")])
    quiet.metadata["tags"] = ["只留文字"]
    assert kept(own, draft, quiet, tagged) == ["t"]
    # A warning or a script before a printed line does not take the line along.
    stderr_first = new_code_cell(
        "s",
        outputs=[
            new_output("stream", name="stderr", text="警告\n"),
            new_output("display_data", data={"application/javascript": "alert(1)"}),
            new_output("stream", name="stdout", text="核对完毕\n"),
        ],
    )
    out, _ = LpsReportPreprocessor().preprocess(new_notebook(cells=[stderr_first]), {})
    assert [o.get("text") for o in out.cells[0].outputs] == ["核对完毕\n"]


def test_the_html_exporter_runs_the_report_preprocessor_with_its_config():
    nb = new_notebook(
        cells=[
            new_markdown_cell("内部备注", metadata={"tags": ["remove-cell"]}),
            new_code_cell(
                "ax",
                outputs=[
                    new_output("execute_result", data={"text/plain": "<Axes: >"}, execution_count=1)
                ],
            ),
            new_markdown_cell("结论：人才总量增长。"),
        ]
    )
    main = _soup(LpsHTMLExporter().from_notebook_node(nb, {})[0]).main
    assert "内部备注" not in main.get_text() and "Axes" not in main.get_text()
    assert "结论：人才总量增长。" in main.get_text()
    config = Config({"LpsReportPreprocessor": {"drop_object_reprs": False}})
    main = _soup(LpsHTMLExporter(config=config).from_notebook_node(nb, {})[0]).main
    assert [pre.get_text() for pre in main.select("pre.lps-text")] == ["<Axes: >"]
    assert "内部备注" not in main.get_text()

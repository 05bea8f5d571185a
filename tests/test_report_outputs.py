"""What a report shows and what it leaves out: printed results and plain-text values stay,
stderr, widget fallbacks, chart reprs, scripts and remote images go; its title and generation
time. The exporter runs in this process, so a change to it is seen (the report tests that run
nbconvert as a subprocess use the installed package)."""

from __future__ import annotations

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from lps_analysis.report.exporters import (
    LpsReportPreprocessor,
    _as_datetime,
    export_html,
    first_h1,
    format_generated,
    notebook_scope_code,
    offline_html,
)
from lps_analysis.report.info import notebook_parameter


def _cell(*outputs):
    return new_code_cell("x", outputs=list(outputs))


def test_printed_results_stay_and_warnings_go():
    nb = new_notebook(
        cells=[
            _cell(
                new_output("stream", name="stdout", text="核对：共 40 行\n"),
                new_output("stream", name="stderr", text="UserWarning: 字体缺失\n"),
            )
        ]
    )
    html = export_html(nb)
    assert "核对：共 40 行" in html
    assert "UserWarning" not in html


def test_a_plain_text_value_stays_and_fallbacks_and_chart_reprs_go():
    value = new_output("execute_result", data={"text/plain": "人才总量 1300人"}, execution_count=1)
    widget = new_output(
        "display_data",
        data={
            "text/plain": "HBox(children=(FloatProgress(value=0.0),))",
            "application/vnd.jupyter.widget-view+json": {"model_id": "m"},
        },
    )
    axes = new_output("execute_result", data={"text/plain": "<Axes: >"}, execution_count=2)
    nb = new_notebook(cells=[_cell(value), _cell(widget), _cell(axes)])
    out, _ = LpsReportPreprocessor().preprocess(nb, {})
    assert [o["data"]["text/plain"] for c in out.cells for o in c.outputs] == ["人才总量 1300人"]


def test_the_report_title_is_the_first_shown_markdown_heading():
    nb = new_notebook(
        cells=[
            new_code_cell("# 这是代码注释，不是标题"),
            new_markdown_cell("# 隐藏的标题", metadata={"tags": ["remove-cell"]}),
            new_markdown_cell("说明文字，没有标题。"),
            new_markdown_cell("正文\n\n# 人才结构 **分析**"),
        ]
    )
    assert first_h1(nb) == "人才结构 分析"


def test_a_generated_time_given_as_text_is_read_as_beijing_time():
    assert format_generated(_as_datetime(" 2026-12-01T08:30:00+08:00 ")) == "2026年12月1日 08:30"


def test_scripts_and_remote_image_sets_are_removed_and_the_rest_kept_as_written():
    assert offline_html('<p>表</p><script>fetch("http://x.cn")</script>') == "<p>表</p>"
    kept = offline_html(
        '<img alt="图" src="data:image/png;base64,AA" srcset="http://x.cn/a.png 2x">'
    )
    assert "srcset" not in kept and "http://x.cn" not in kept
    assert 'src="data:image/png;base64,AA"' in kept


def test_a_notebook_run_by_hand_takes_its_scope_from_an_annotated_parameter():
    parameters = new_code_cell('scope: str = "520203"\nfield = "health"')
    parameters.metadata["tags"] = ["parameters"]
    assert notebook_scope_code(new_notebook(cells=[parameters])) == "520203"


def test_a_parameter_is_papermill_s_value_else_the_literal_default_of_the_parameters_cell():
    """The combined report reads the years and data folder of its parts this way; the scope's
    reader shares the literal parsing (plain or annotated assignment)."""
    parameters = new_code_cell("start_year: int = 2015\nend_year = 2020\ndata_dir = None")
    parameters.metadata["tags"] = ["parameters"]
    by_hand = new_notebook(cells=[parameters])
    assert notebook_parameter(by_hand, "start_year") == 2015  # the literal, not its text
    assert notebook_parameter(by_hand, "end_year") == 2020
    assert notebook_parameter(by_hand, "data_dir") is None
    assert notebook_parameter(by_hand, "field") is None
    run = new_notebook(
        cells=[parameters], metadata={"papermill": {"parameters": {"end_year": 2021}}}
    )
    assert notebook_parameter(run, "end_year") == 2021
    assert notebook_parameter(run, "start_year") == 2015

"""Which cell outputs a report shows: printed results and plain-text values stay; stderr,
widget fallbacks and the repr of a chart object do not (the exporter runs in this process, so
the rule is the one the reports apply)."""

from __future__ import annotations

from nbformat.v4 import new_code_cell, new_notebook, new_output

from lps_analysis.report.exporters import LpsReportPreprocessor, export_html


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

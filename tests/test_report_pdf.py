"""Report HTML to PDF: the print passes run on one parse, and layout runs with fewer collections."""

from __future__ import annotations

import gc
import re

import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from lps_analysis.report.exporters import export_html
from lps_analysis.report.layout import mark_anchors
from lps_analysis.report.pdf import LAYOUT_GC_THRESHOLDS, fewer_collections, print_ready
from lps_analysis.report.tables import keep_notes_with_tables, tidy_tables


def _report_html() -> str:
    """A report with what the print passes change: a named index, a table note, a chart note."""
    frame = pd.DataFrame(
        {"2015年": [1200, 300], "2020年": ["1500*", "2016年1月"]},
        index=pd.Index(["专业技术人才", "技能人才"], name="人才类别"),
    )
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    table = new_output("display_data", data={"text/html": frame.to_html()})
    chart = new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"})
    nb = new_notebook(
        cells=[
            new_markdown_cell("# 人才结构"),
            new_code_cell("t", outputs=[table]),
            new_markdown_cell("注：带“*”的数字为示例数据。"),
            new_code_cell("c", outputs=[chart]),
            new_markdown_cell("注：图中虚线为全市平均。"),
            new_markdown_cell("正文一段。"),
        ]
    )
    return export_html(nb)


def test_one_parse_gives_what_the_three_passes_gave():
    html = _report_html()
    once = print_ready(html)
    assert once == mark_anchors(keep_notes_with_tables(tidy_tables(html)))
    # and the passes did something: the index name folded, notes kept, anchors set
    assert "lps-keep-with-previous" in once and 'id="lps-b' in once
    assert len(re.findall(r'class="[^"]*lps-keep-with-previous', once)) == 2
    assert "<th>人才类别</th>" in once.replace(' class="lps-nowrap"', "")


def test_layout_thresholds_hold_inside_and_the_previous_ones_return_after():
    previous = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold() == LAYOUT_GC_THRESHOLDS
    assert gc.get_threshold() == previous
    with pytest.raises(RuntimeError), fewer_collections((1234, 5, 6)):
        assert gc.get_threshold() == (1234, 5, 6)
        raise RuntimeError("排版失败")
    assert gc.get_threshold() == previous
    assert LAYOUT_GC_THRESHOLDS[0] > previous[0]  # fewer collections, not more


def _png(width: int, height: int, mode: str = "RGB") -> bytes:
    """A small PNG of distinct pixels (each row and column a different colour)."""
    import io

    from PIL import Image

    image = Image.new(mode, (width, height))
    image.putdata(
        [
            (x * 37 % 256, y * 53 % 256, (x + y) * 11 % 256, 255)[: len(mode)]
            for y in range(height)
            for x in range(width)
        ]
    )
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_inline_images_are_detached_by_name_and_served_back():
    import base64

    from lps_analysis.report.pdf import detach_images
    from lps_analysis.report.sanitize import RefusedURL, report_url_fetcher

    one = "data:image/png;base64," + base64.b64encode(_png(3, 2)).decode()
    two = "data:image/png;base64," + base64.b64encode(_png(2, 3)).decode()
    html = (
        f'<p>图一</p><img alt="图" src="{one}" width="10">'
        f'<p>正文里写着 src=&quot;{one}&quot;</p><img src="{two}">'
        f'<img alt="a>b" src="{two}">'  # a `>` in an attribute: left inline, still laid out
    )
    detached, images = detach_images(html)
    assert images == {"lps-image:0": one, "lps-image:1": two}
    assert '<img alt="图" src="lps-image:0" width="10">' in detached
    assert '<img src="lps-image:1">' in detached
    assert f"src=&quot;{one}&quot;" in detached  # text is text
    assert f'<img alt="a>b" src="{two}">' in detached
    fetcher = report_url_fetcher(images)
    assert fetcher.fetch("lps-image:1").read() == _png(2, 3)
    with pytest.raises(RefusedURL):
        fetcher.fetch("lps-image:2")
    with pytest.raises(RefusedURL):
        report_url_fetcher().fetch("lps-image:0")


def test_a_detached_chart_reaches_the_pdf_pixel_for_pixel(tmp_path):
    import base64
    import io
    import subprocess

    import numpy as np
    from PIL import Image

    from lps_analysis.report.pdf import html_to_pdf

    png = _png(40, 30, "RGBA")
    html = (
        '<html lang="zh-CN"><body><p>图表</p>'
        f'<img src="data:image/png;base64,{base64.b64encode(png).decode()}" style="width:40px">'
        "</body></html>"
    )
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(html_to_pdf(html, base_url=str(tmp_path)))
    subprocess.run(["pdfimages", "-png", str(pdf), str(tmp_path / "img")], check=True)
    got = Image.open(tmp_path / "img-000.png").convert("RGB")
    assert got.size == (40, 30)
    expected = Image.open(io.BytesIO(png)).convert("RGB")
    assert np.array_equal(np.asarray(got), np.asarray(expected))

"""The analysts' HTML opens from disk anywhere: every image is inside the file, none is a
reference to a file beside it (the notebook's folder is not shipped with the report)."""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from bs4 import BeautifulSoup  # noqa: E402
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output  # noqa: E402

from lps_analysis.report.exporters import LpsHTMLExporter, export_html  # noqa: E402


def _png() -> bytes:
    fig, ax = plt.subplots(figsize=(1, 1))
    ax.plot([0, 1], [0, 1])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def _sources(html: str) -> list[str]:
    return [img.get("src", "") for img in BeautifulSoup(html, "html.parser").find_all("img")]


def test_images_beside_the_notebook_and_attachments_are_embedded(tmp_path):
    png = _png()
    (tmp_path / "chart.png").write_bytes(png)
    encoded = base64.b64encode(png).decode()
    beside = new_markdown_cell("# 图\n\n![旁边的图](chart.png)")
    attached = new_markdown_cell("![附件](attachment:inline.png)")
    attached["attachments"] = {"inline.png": {"image/png": encoded}}
    output = new_code_cell(
        "plot()", outputs=[new_output("display_data", data={"image/png": encoded})]
    )
    nb = new_notebook(cells=[beside, attached, output])
    html, _ = LpsHTMLExporter().from_notebook_node(nb, {"metadata": {"path": str(tmp_path)}})
    sources = _sources(html)
    assert len(sources) == 3
    assert all(src.startswith("data:image/png;base64,") for src in sources), sources
    assert "chart.png" not in html and "attachment:" not in html
    assert all(base64.b64decode(src.split(",", 1)[1]) == png for src in sources)


def test_an_exported_output_image_is_never_written_as_a_separate_file(tmp_path):
    encoded = base64.b64encode(_png()).decode()
    nb = new_notebook(
        cells=[
            new_code_cell("p()", outputs=[new_output("display_data", data={"image/png": encoded})])
        ]
    )
    html = export_html(nb)
    exporter = LpsHTMLExporter()
    _, resources = exporter.from_notebook_node(nb)
    assert not resources.get("outputs")  # nothing to write beside the HTML
    assert _sources(html) == [f"data:image/png;base64,{encoded}"]

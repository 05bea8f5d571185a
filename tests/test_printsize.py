"""Chart text measured at the size the report prints it."""

import matplotlib.pyplot as plt
import pytest

from lps_analysis.viz import printsize
from lps_analysis.viz.theme import set_theme


@pytest.fixture(autouse=True)
def theme():
    set_theme()  # the report's Chinese font


def test_a_wide_chart_shrinks_on_the_page_and_its_small_text_falls_under_eight_points():
    fig, ax = plt.subplots(figsize=(10, 4))
    ax.set_title("标题")
    ax.text(0.5, 0.5, "平台名称", fontsize=9)
    record = printsize.chart_record(fig)
    plt.close(fig)
    assert record["smallest_pt"] == 9 and record["smallest_text"] == "平台名称"
    assert record["printed_pt"] < printsize.MIN_PRINTED_PT


def test_a_chart_as_wide_as_the_text_column_prints_at_its_own_size():
    fig, ax = plt.subplots(figsize=(printsize.PRINT_WIDTH_IN - 0.2, 4), layout="constrained")
    ax.set_xticks([0, 1], ["2015年", "2020年"], fontsize=9)
    record = printsize.chart_record(fig)
    plt.close(fig)
    assert record["printed_pt"] >= printsize.MIN_PRINTED_PT


def test_a_chart_is_laid_out_at_the_resolution_it_is_saved_at():
    """Placing a legend and saving measure text on one pixel grid: a figure's own resolution is
    the save's, so the PNG is as many pixels as the figure's size at that resolution."""
    import io

    from PIL import Image

    fig, ax = plt.subplots(figsize=(4, 2), layout="constrained")
    ax.plot([0, 1], [0, 1], label="全市")
    ax.legend()
    assert fig.dpi == printsize.SAVE_DPI == plt.rcParams["savefig.dpi"]
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    assert Image.open(buffer).size == (4 * printsize.SAVE_DPI, 2 * printsize.SAVE_DPI)


def test_the_record_of_a_saved_chart_is_read_from_its_image_as_the_drawn_record_measures_it():
    import base64

    from IPython.core.pylabtools import print_figure

    fig, ax = plt.subplots(figsize=(9, 3.5), layout="constrained")
    ax.bar(["钟山区", "六枝特区", "水城区"], [3, 5, 2])
    ax.set_title("平台数（个）")
    measured = printsize.chart_record(fig)  # lays the figure out itself
    raw = print_figure(fig, "png", dpi=printsize.SAVE_DPI)  # as IPython's inline formatter
    from_image = printsize.chart_record(fig, image=raw)
    from_base64 = printsize.chart_record(fig, image=base64.b64encode(raw).decode())
    plt.close(fig)
    assert from_image == from_base64
    assert abs(from_image["width_px"] - measured["width_px"]) <= 2
    assert abs(from_image["height_px"] - measured["height_px"]) <= 2
    assert from_image["smallest_text"] == measured["smallest_text"]
    assert from_image["printed_pt"] == pytest.approx(measured["printed_pt"], abs=0.05)


def test_an_image_that_is_not_a_png_is_refused():
    with pytest.raises(ValueError):
        printsize.png_size(b"GIF89a" + bytes(30))

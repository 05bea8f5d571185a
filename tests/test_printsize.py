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

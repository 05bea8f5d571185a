"""Notebook 02's charts take each bar's and point's mark from its own row."""

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402

from lps_analysis.value import Value  # noqa: E402
from lps_analysis.viz import exchange_charts as charts  # noqa: E402


def _totals(provenance_2016, provenance_2017):
    return pd.DataFrame(
        {
            "year": [2016, 2016, 2017, 2017],
            "field": ["education", "health", "education", "health"],
            "persons": [120, 87, 130, 100],
            "provenance": [*provenance_2016, *provenance_2017],
            "source": ["exchanges"] * 4,
        }
    )


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def test_each_bar_segment_is_hatched_only_if_its_rows_are_illustrative():
    ax = charts.exchange_bars(
        _totals(["analyst", "analyst"], ["analyst", "illustrative"]), value="persons"
    )
    hatches = [p.get_hatch() for p in ax.patches]
    assert hatches == [None, None, "//", None] or hatches == [None, None, None, "//"]
    assert sum(h == "//" for h in hatches) == 1
    texts = _texts(ax)
    assert "207" in texts  # 2016: all real, unmarked
    assert "230*" in texts  # 2017: one illustrative part makes the total illustrative
    assert charts.BAR_NOTE in texts


def test_a_chart_of_real_rows_only_has_no_illustrative_note():
    ax = charts.exchange_bars(_totals(["derived"] * 2, ["derived"] * 2))
    assert not any(p.get_hatch() for p in ax.patches)
    assert charts.BAR_NOTE not in _texts(ax) and not any("*" in t for t in _texts(ax))


def test_event_study_points_are_dotted_only_where_illustrative():
    points = pd.DataFrame(
        {
            "event_time": [-2, -1, 0, 1],
            "estimate": [0.1, 0.0, 1.0, 2.0],
            "ci_low": [-0.5, 0.0, 0.2, 1.0],
            "ci_high": [0.7, 0.0, 1.8, 3.0],
            "provenance": ["derived", "derived", "illustrative", "derived"],
        }
    )
    ax = charts.event_study_plot(
        points, att=Value(1.5, "x", "derived"), att_label="交流后平均差异（主估计）+1.5台次/年"
    )
    intervals = [c for c in ax.collections if isinstance(c, LineCollection)][:4]
    dotted = [c.get_linestyle()[0][1] is not None for c in intervals]
    assert dotted == [False, False, True, False]
    assert charts.POINT_NOTE in _texts(ax)
    real = points.assign(provenance="derived")
    ax2 = charts.event_study_plot(real, att=Value(1.5, "x", "derived"), att_label="x")
    assert charts.POINT_NOTE not in _texts(ax2)

"""Chart legibility on real matplotlib figures: legends clear of labels, units in legends,
value labels readable on hatched bars and across reference lines."""

import io

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from lps_analysis import structure
from lps_analysis.value import Value
from lps_analysis.viz import charts, legibility, platform_charts
from lps_analysis.viz.theme import ILLUSTRATIVE_HATCH, set_theme

ARTICLE = {
    2015: {"all": 298_200, "management": 41_000, "professional": 80_000, "skilled": 102_000},
    2020: {"all": 428_000, "management": 59_000, "professional": 115_000, "skilled": 150_000},
}


@pytest.fixture(autouse=True, scope="module")
def _theme():
    set_theme()  # the fonts and sizes the reports draw with


def _stock(scope, provenance="illustrative"):
    rows = [
        (scope, y, c, float(n), provenance, "原文")
        for y, cats in ARTICLE.items()
        for c, n in cats.items()
    ]
    return pd.DataFrame(
        rows, columns=["scope_code", "year", "category", "count", "provenance", "source"]
    )


# --------------------------------------------------------------------------- the rules


def test_a_legend_over_a_label_is_found_and_place_legend_moves_it_clear():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], label="全市")
    ax.text(0.05, 0.9, "钟山区 7.9%", transform=ax.transAxes)  # where "upper left" would go
    ax.legend(loc="upper left")
    assert any("图例遮住文字「钟山区 7.9%」" in d for d in legibility.defects(fig))
    legend = legibility.place_legend(ax, loc="upper left")
    assert legend._loc != 2  # moved from upper left (matplotlib's code 2)
    assert legibility.defects(fig) == []


@pytest.mark.parametrize(
    ("label", "unitless"),
    [
        ("交流后平均差异 97.76", ["97.76"]),
        ("交流后平均差异 +97.8台次/年*", []),
        ("全市 7.5%", []),
        ("全市 7.5%*", []),
        ("授权专利（基尼系数 0.58*）", []),
        ("2020年 1412人", []),
        ("均值 12 与 30万人", ["12"]),
    ],
)
def test_a_number_in_a_legend_needs_its_unit_or_an_index_name(label, unitless):
    assert legibility.unitless_numbers(label) == unitless


def test_a_legend_number_without_unit_is_a_defect_of_the_figure():
    fig, ax = plt.subplots()
    ax.axhline(1.0, label="交流后平均差异 97.76")
    ax.legend()
    assert any("97.76 没有单位" in d for d in legibility.defects(fig))


def test_a_label_on_a_hatched_bar_needs_a_box_and_value_label_gives_it_one():
    fig, ax = plt.subplots()
    ax.barh(0, 0.5, hatch=ILLUSTRATIVE_HATCH)
    plain = ax.text(0.25, 0, "35%*", ha="center", va="center")
    assert any("压在斜线填充上" in d for d in legibility.defects(fig))
    plain.remove()
    boxed = legibility.value_label(ax, 0.25, 0, "35%*", ha="center", va="center")
    assert boxed.get_bbox_patch().get_facecolor()[3] >= legibility.MIN_BOX_ALPHA
    assert legibility.defects(fig) == []


def test_a_label_crossed_by_a_reference_line_needs_a_box():
    fig, ax = plt.subplots()
    ax.bar([0], [7.4])
    ax.axhline(7.45, ls="--")
    ax.text(0, 7.4, "7.4%*", ha="center", va="bottom")
    assert any("压在线条上" in d for d in legibility.defects(fig))


@pytest.mark.parametrize("horizontal", [False, True])
def test_a_label_past_the_frame_is_a_defect_and_keep_labels_inside_widens_the_range(horizontal):
    """A label above the tallest bar (right of the longest) at matplotlib's own range sits on
    the spine, its white box cutting the line; the range grows until the label is inside."""
    fig, ax = plt.subplots(figsize=(4, 3))
    if horizontal:
        ax.barh([0, 1], [7.9, 7.0])
        label = legibility.value_label(ax, 7.9, 0, " 7.9%*", va="center")
    else:
        ax.bar([0, 1], [7.9, 7.0])
        label = legibility.value_label(ax, 0, 7.9, "7.9%*", ha="center", va="bottom")
    before = ax.get_xlim() if horizontal else ax.get_ylim()
    assert any("「7.9%*」越出图框" in d for d in legibility.defects(fig))
    legibility.keep_labels_inside(ax)
    after = ax.get_xlim() if horizontal else ax.get_ylim()
    assert after[0] == before[0] and after[1] > before[1]  # only the side the label runs past
    assert legibility.defects(fig) == []
    fig.canvas.draw()
    frame, box = ax.get_window_extent(), label.get_bbox_patch().get_window_extent()
    assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1


def test_a_text_placed_outside_the_plot_is_not_a_label_past_its_frame():
    fig, ax = plt.subplots()
    ax.bar([0], [1.0])
    ax.text(1.0, -0.16, "斜线填充：示例数据", transform=ax.transAxes, ha="right")
    assert legibility.defects(fig) == []


# --------------------------------------------------------------------------- the charts


def test_county_growth_chart_keeps_the_fastest_county_s_label_off_the_top_spine():
    """The pictured case: 钟山区 grows fastest and its 7.9%* sat on the frame's top line."""
    faster = _stock("520201")
    faster.loc[faster.year == 2020, "count"] *= 1.08
    stock = pd.concat([_stock("520200", "article"), faster, _stock("520281")])
    compare = structure.compare_scopes(stock, 2015, 2020)
    fig, ax = plt.subplots(figsize=(6.65, 3.0))  # matplotlib's 5% margin is under a label here
    charts.county_comparison(
        compare, {"520201": "钟山区", "520281": "盘州市"}, city_code="520200", ax=ax
    )
    assert legibility.defects(fig) == []
    fig.savefig(io.BytesIO(), format="png")  # laid out as the report saves it
    assert legibility.defects(fig, drawn=True) == []


def test_county_growth_chart_keeps_its_legend_off_labels_that_sit_on_the_city_line():
    """The pictured case: counties growing as fast as the city put their labels on its line."""
    stock = pd.concat([_stock("520200", "article"), _stock("520201"), _stock("520281")])
    compare = structure.compare_scopes(stock, 2015, 2020)
    ax = charts.county_comparison(
        compare, {"520201": "钟山区", "520281": "盘州市"}, city_code="520200"
    )
    assert legibility.defects(ax.get_figure()) == []
    assert all(t.get_bbox_patch() is not None for t in ax.texts if "%" in t.get_text())


def test_hatched_composition_bars_keep_their_percentages_readable():
    ax = charts.composition_bars(structure.shares(_stock("520200")))
    assert {p.get_hatch() for p in ax.patches if p.get_width()} == {ILLUSTRATIVE_HATCH}
    assert legibility.defects(ax.get_figure()) == []


def test_platform_outputs_per_platform_year_say_their_units_in_chinese():
    def v(x):
        return Value(x, "per_platform_year", "illustrative")

    compare = pd.DataFrame(
        {
            "name_zh": ["钟山区", "六枝特区", "水城区", "盘州市"],
            "total": [Value(n, "platforms", "illustrative") for n in (4, 6, 4, 6)],
            "projects_per_platform_year": [v(x) for x in (2.6, 3.6, 2.3, 5.9)],
            "patents_per_platform_year": [v(x) for x in (6.3, 8.7, 1.9, 8.5)],
        }
    )
    ax = platform_charts.county_platform_comparison(compare)
    assert ax.get_ylabel() == "每个平台每年（个或件）"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "获批项目（个）",
        "授权专利（件）",
    ]
    assert legibility.defects(ax.get_figure()) == []


def test_defects_read_after_the_png_is_saved_are_those_of_a_fresh_layout():
    """The chart recorder checks a figure just saved as IPython saves it, without drawing again."""
    import io

    fig, ax = plt.subplots()
    ax.barh(0, 0.5, hatch=ILLUSTRATIVE_HATCH)
    ax.text(0.25, 0, "35%*", ha="center", va="center")
    ax.plot([0, 1], [0, 1], label="均值 97.76")
    ax.text(0.02, 0.95, "钟山区 7.9%", transform=ax.transAxes)
    ax.legend(loc="upper left")
    fig.savefig(io.BytesIO(), format="png", dpi=200, bbox_inches="tight")
    after_save = legibility.defects(fig, drawn=True)
    assert len(after_save) == 3, after_save  # legend over a label, no unit, label on hatching
    assert after_save == legibility.defects(fig)


@pytest.mark.parametrize("arrow", [False, True])
@pytest.mark.parametrize("place", ["best", "upper left", "lower right"])
def test_measuring_after_the_layout_alone_reads_what_a_draw_would(place, arrow):
    """place_legend measures after running the layout engine only: the legend's box and every
    text's extent are those a full (unrendered) draw gives, for `best` too. (An annotation's
    arrow is sized only when drawn: a figure with one is drawn.)"""
    fig, ax = plt.subplots(layout="constrained")
    ax.bar(range(6), [5, 9, 4, 8, 7, 3], label="人才总量")
    ax.plot(range(6), [6, 6, 6, 6, 6, 6], label="全市平均")
    for i, v in enumerate([5, 9, 4, 8, 7, 3]):
        legibility.value_label(ax, i, v, f"{v}万人", ha="center", va="bottom")
    arrowprops = {"arrowstyle": "->"} if arrow else None
    ax.annotate("最高", xy=(1, 9), xytext=(2.5, 9.5), arrowprops=arrowprops)
    ax.set_title("县级人才总量（示例）")
    ax.set_xticks(range(6), ["钟山区", "六枝特区", "水城区", "盘州市", "甲", "乙"])
    legend = ax.legend(loc=place)

    def extents(renderer):
        boxes = [legend.get_window_extent(renderer)]
        texts = legibility._visible_texts(fig, outside=legend)  # what _covered measures
        boxes += [t.get_window_extent(renderer) for t in texts]
        return [v for box in boxes for v in box.bounds]

    measured = extents(legibility._renderer(fig))
    fig.draw_without_rendering()
    drawn = extents(fig.canvas.get_renderer())
    plt.close(fig)
    assert len(measured) > 12 * 4
    assert measured == pytest.approx(drawn, abs=1e-6)

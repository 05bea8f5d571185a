"""The structure charts take each bar's and line's mark from the value it draws."""

import pandas as pd
import pytest
from matplotlib.patches import Rectangle

from lps_analysis import structure
from lps_analysis.viz import charts
from lps_analysis.viz.theme import ILLUSTRATIVE_HATCH, ILLUSTRATIVE_NOTE

ARTICLE = {
    2015: {"all": 298_200, "management": 41_000, "professional": 80_000, "skilled": 102_000},
    2020: {"all": 428_000, "management": 59_000, "professional": 115_000, "skilled": 150_000},
}
NAMES = {"520200": "六盘水市", "520201": "钟山区", "520281": "盘州市"}


def _stock(scope="520200", provenance="article", illustrative_years=()):
    rows = [
        (scope, y, c, float(n), "illustrative" if y in illustrative_years else provenance, "原文")
        for y, cats in ARTICLE.items()
        for c, n in cats.items()
    ]
    return pd.DataFrame(
        rows, columns=["scope_code", "year", "category", "count", "provenance", "source"]
    )


def _bars(ax):
    return [p for p in ax.patches if isinstance(p, Rectangle) and p.get_width() != 0]


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def test_composition_segments_are_hatched_only_in_the_illustrative_year():
    shares = structure.shares(_stock(illustrative_years=(2020,)))
    ax = charts.composition_bars(shares)
    by_year = {}
    for bar in _bars(ax):
        by_year.setdefault(round(bar.get_y() + bar.get_height() / 2), set()).add(bar.get_hatch())
    assert by_year == {0: {None}, 1: {ILLUSTRATIVE_HATCH}}
    labels = _texts(ax)
    assert any(t.endswith("%*") for t in labels) and any(t.endswith("%") for t in labels)
    assert any(ILLUSTRATIVE_NOTE in t for t in labels)


def test_an_all_real_chart_has_no_hatch_no_star_and_no_note():
    stock = _stock()
    ax = charts.composition_bars(structure.shares(stock))
    assert {b.get_hatch() for b in _bars(ax)} == {None}
    assert not any("*" in t or ILLUSTRATIVE_NOTE in t for t in _texts(ax))
    ax = charts.shift_share_bars(structure.shift_share(stock, _guizhou(), 2015, 2020))
    assert {b.get_hatch() for b in _bars(ax)} == {None}


def _guizhou():
    rows = [
        ("贵州省", 2015, "all", 3_945_700.0),
        ("贵州省", 2020, "all", 5_600_000.0),
        ("贵州省", 2015, "skilled", 1_189_800.0),
        ("贵州省", 2020, "skilled", 2_000_000.0),
    ]
    frame = pd.DataFrame(rows, columns=["scope_code", "year", "category", "count"])
    return frame.assign(provenance="official", source="http://example.gov.cn/plan")


def test_shift_share_bars_hatch_the_category_that_rests_on_an_illustrative_count():
    stock = _stock()
    stock.loc[(stock.category == "skilled") & (stock.year == 2020), "provenance"] = "illustrative"
    shift = structure.shift_share(stock, _guizhou(), 2015, 2020)
    ax = charts.shift_share_bars(shift)
    drawn = list(shift[shift.category != "all"].category)
    # the 2020 unspecified talent is the total less the named ones, the skilled among them
    marked = {"skilled", "unspecified"}
    for bar in _bars(ax):
        category = drawn[round(bar.get_x() + bar.get_width() / 2)]
        assert bar.get_hatch() == (ILLUSTRATIVE_HATCH if category in marked else None), category


@pytest.mark.parametrize("county_provenance", ["illustrative", "analyst"])
def test_county_bars_take_their_mark_from_each_county(county_provenance):
    stock = pd.concat(
        [
            _stock("520200"),
            _stock("520201", provenance=county_provenance),
            _stock("520281", provenance="illustrative"),
        ]
    )
    compare = structure.compare_scopes(stock, 2015, 2020)
    ax = charts.county_comparison(compare, NAMES, city_code="520200")
    hatches = [b.get_hatch() for b in _bars(ax)]
    zhongshan = ILLUSTRATIVE_HATCH if county_provenance == "illustrative" else None
    assert hatches == [zhongshan, ILLUSTRATIVE_HATCH]
    labels = _texts(ax)
    assert labels[1].endswith("*")
    assert labels[0].endswith("*") == (county_provenance == "illustrative")
    # the city line is the article's growth: unmarked
    assert ax.get_legend().get_texts()[0].get_text() == "全市 7.5%"

"""Edge cases of lps_analysis.structure: bounds of shares, rescaled shares, reference gaps, cells."""

from __future__ import annotations

import math
from collections import namedtuple

import pandas as pd
import pytest

from lps_analysis.structure import (
    cell_value,
    change,
    compare_scopes,
    complete_categories,
    dissimilarity,
    shannon_diversity,
    shift_share,
)
from lps_analysis.structure.lineage import row_sources, with_lineage
from lps_analysis.value import Value

CITY = "520200"
SHIFT_SHARE_COLUMNS = [
    "scope_code",
    "reference_region",
    "category",
    "start_count",
    "end_count",
    "actual_change",
    "local_growth",
    "reference_category_growth",
    "reference_total_growth",
    "reference_component",
    "mix_component",
    "local_component",
    "bound",
    "note",
    "provenance",
    "sources",
    "reference_provenance",
    "reference_sources",
]


def stock(rows, scope: str = CITY) -> pd.DataFrame:
    """A talent_stock frame from (year, category, count[, bound]) tuples."""
    records = [
        {
            "scope_code": scope,
            "year": r[0],
            "category": r[1],
            "count": float(r[2]),
            "bound": r[3] if len(r) > 3 else "exact",
            "provenance": "article",
            "source": f"{scope} {r[0]} {r[1]}",
        }
        for r in rows
    ]
    return pd.DataFrame(records)


def at(frame: pd.DataFrame, **keys) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for key, value in keys.items():
        mask &= frame[key] == value
    assert mask.sum() == 1, frame[mask]
    return frame[mask].iloc[0]


# --------------------------------------------------------------------------- bounds


def test_share_change_over_a_year_whose_total_is_a_lower_bound_is_not_shown_exact():
    # Every count is exact except the 2020 total (200余人): the 2020 shares divide by a lower
    # bound, so management's share change (and the row) is approximate, its counts exact.
    local = stock(
        [
            (2015, "all", 100),
            (2015, "management", 40),
            (2015, "professional", 60),
            (2020, "all", 200, "lower"),
            (2020, "management", 80),
            (2020, "professional", 120),
        ]
    )
    management = at(change(local, 2015, 2020), category="management")
    assert management["start_bound"] == "exact"
    assert management["end_bound"] == "exact"
    assert management["bound"] == "approx"


def test_unspecified_left_over_by_a_lower_bound_category_is_approximate():
    # total 100 (exact) − management 40余 (lower) − professional 30 → unspecified "about 30"
    completed = complete_categories(
        stock(
            [
                (2015, "all", 100),
                (2015, "management", 40, "lower"),
                (2015, "professional", 30),
            ]
        )
    )
    unspecified = at(completed, category="unspecified")
    assert unspecified["count"] == 30
    assert unspecified["bound"] == "approx"


def test_an_unknown_bound_is_refused_naming_it():
    frame = stock([(2015, "all", 100, "about")])
    with pytest.raises(ValueError, match=r"unknown bound\(s\) \['about'\]"):
        complete_categories(frame)


# --------------------------------------------------------------------------- empty and summaries


def test_change_and_comparison_of_an_empty_stock_keep_their_columns():
    empty = stock([(2015, "all", 1)]).iloc[0:0]
    changes = change(empty, 2015, 2020)
    assert changes.empty
    assert list(changes.columns[:12]) == [
        "scope_code",
        "category",
        "start_count",
        "end_count",
        "change_persons",
        "change_ratio",
        "cagr",
        "start_share",
        "end_share",
        "share_change_pp",
        "bound",
        "missing",
    ]
    summary = compare_scopes(empty, 2015, 2020)
    assert summary.empty
    assert "end_total" in summary.columns


def test_scope_comparison_shows_both_totals_and_the_largest_gain():
    # 2015: management 40, professional 60 of 100; 2020: 50 and 150 of 200.
    # Shares 0.40 → 0.25 (−15 pp) and 0.60 → 0.75 (+15 pp); growth 200/100 − 1 = 1.
    local = stock(
        [
            (2015, "management", 40),
            (2015, "professional", 60),
            (2020, "management", 50),
            (2020, "professional", 150),
        ]
    )
    summary = compare_scopes(local, 2015, 2020).iloc[0]
    assert (summary["start_total"], summary["end_total"]) == (100, 200)
    assert summary["change_persons"] == 100
    assert summary["change_ratio"] == pytest.approx(1.0)
    assert summary["largest_gain_category"] == "professional"
    assert summary["largest_gain_pp"] == pytest.approx(15.0)
    assert summary["dissimilarity"] == pytest.approx(0.15)


# --------------------------------------------------------------------------- rescaled shares


def test_shares_rounded_just_below_one_are_rescaled_to_one_not_pushed_further_off():
    # A single category rounded to 0.9999995 is the whole structure: no diversity, no change.
    assert shannon_diversity({"skilled": 0.9999995}) == 0.0
    assert dissimilarity({"skilled": 0.9999995}, {"skilled": 1.0}) == 0.0
    # 0.5 / 0.9999995 = 0.50000025 and 0.4999995 / 0.9999995 = 0.49999975: ½·(2.5e-7 · 2)
    got = dissimilarity({"a": 0.5, "b": 0.4999995}, {"a": 0.5, "b": 0.5})
    assert got == pytest.approx(2.5e-7, abs=1e-12)


def test_dissimilarity_of_one_scope_year_frames_reads_their_category_and_share_columns():
    start = pd.DataFrame({"category": ["a", "b"], "share": [0.4, 0.6]})
    end = pd.DataFrame({"category": ["a", "b"], "share": [0.25, 0.75]})
    assert dissimilarity(start, end) == pytest.approx(0.15)


@pytest.mark.parametrize(
    ("key", "values"), [("scope_code", ["520200", "520201"]), ("year", [2015, 2020])]
)
def test_dissimilarity_refuses_a_frame_holding_two_scope_years(key, values):
    two = pd.DataFrame(
        {"scope_code": "520200", "year": 2015, "category": ["a", "b"], "share": [0.5, 0.5]}
    )
    two[key] = values
    with pytest.raises(ValueError, match=f"several {key} values"):
        dissimilarity(two, {"a": 0.5, "b": 0.5})


# --------------------------------------------------------------------------- shift-share


def _hand_example():
    # Reference: professional 1000→1200 (g = 0.2), skilled 1000→1000 (g = 0); total g_T = 0.1.
    local = stock(
        [
            (2015, "professional", 100),
            (2015, "skilled", 200),
            (2015, "rural", 50),
            (2020, "professional", 150),
            (2020, "skilled", 210),
            (2020, "rural", 40),
        ]
    )
    reference = stock(
        [
            (2015, "professional", 1000),
            (2015, "skilled", 1000),
            (2020, "professional", 1200),
            (2020, "skilled", 1000),
        ],
        scope="贵州省",
    )
    return local, reference


def test_shift_share_shows_the_reference_growth_each_category_was_compared_with():
    result = shift_share(*_hand_example(), 2015, 2020).set_index("category")
    growths = result["reference_category_growth"]
    assert growths["professional"] == pytest.approx(0.2)
    assert growths["skilled"] == pytest.approx(0.0, abs=1e-12)
    assert growths["rural"] == pytest.approx(0.1)  # absent from the reference: its total growth
    assert growths["all"] == pytest.approx(0.1)
    # local growth: 150/100 − 1, 210/200 − 1, 40/50 − 1; total 400/350 − 1
    assert result["local_growth"].tolist() == pytest.approx([0.5, 0.05, -0.2, 50 / 350])


def test_shift_share_with_a_reference_lacking_the_start_year_gives_nan_and_says_why():
    local, reference = _hand_example()
    reference = reference[reference["year"] == 2020]
    result = shift_share(local, reference, 2015, 2020).set_index("category")
    assert list(result.index) == ["professional", "skilled", "rural", "all"]
    assert (result["note"] == "参照地区缺少2015年数据").all()
    assert result["reference_total_growth"].isna().all()
    assert result["reference_component"].isna().all()
    assert result["mix_component"].isna().all()
    # what rests on the local counts alone is still shown
    assert result.loc["professional", "actual_change"] == 50
    assert result.loc["all", "actual_change"] == 50
    assert result.loc["skilled", "local_growth"] == pytest.approx(0.05)


def test_shift_share_of_a_local_stock_without_rows_keeps_its_columns():
    local, reference = _hand_example()
    result = shift_share(local.iloc[0:0], reference, 2015, 2020)
    assert result.empty
    assert list(result.columns) == SHIFT_SHARE_COLUMNS


def test_shift_share_columns_keep_their_order_when_the_local_scope_lacks_both_years():
    local = stock([(2010, "skilled", 30)])
    _, reference = _hand_example()
    result = shift_share(local, reference, 2015, 2020)
    assert list(result.columns) == SHIFT_SHARE_COLUMNS
    total = at(result, category="all")
    assert math.isnan(total["start_count"]) and math.isnan(total["actual_change"])
    assert total["note"] == "缺少2015年数据；缺少2020年数据"  # a reader is told why


def test_shift_share_lists_scopes_in_code_order_whatever_the_input_order():
    _, reference = _hand_example()
    local = pd.concat(
        [stock([(2015, "skilled", 10), (2020, "skilled", 12)], scope=s) for s in ("b2", "a1")],
        ignore_index=True,
    )
    result = shift_share(local, reference, 2015, 2020)
    assert result["scope_code"].tolist() == ["a1", "a1", "b2", "b2"]


# --------------------------------------------------------------------------- lineage and cells


def test_a_row_with_an_empty_source_cites_the_table_it_came_from():
    frame = pd.DataFrame(
        {"provenance": ["official", "made-up"], "sources": ["", "公报 F020"], "count": [1, 2]}
    )
    out = with_lineage(frame, "population")
    assert out["sources"].tolist() == [("population",), ("F020",)]
    assert out["provenance"].tolist() == ["official", "illustrative"]


def test_a_frame_without_source_columns_cites_its_table():
    out = with_lineage(pd.DataFrame({"count": [1.0, 2.0]}), "population")
    assert out["sources"].tolist() == [("population",), ("population",)]
    assert out["provenance"].tolist() == ["illustrative", "illustrative"]


def test_a_source_text_is_cited_by_its_fact_ids_else_as_written_else_by_table():
    assert row_sources("原文 F009、F010，又见F009") == ("F009", "F010")
    assert row_sources("原文 F0091 XF009") == ("原文 F0091 XF009",)
    assert row_sources(" 统计公报 ") == ("统计公报",)
    assert row_sources(["F009", 10]) == ("F009", "10")
    assert row_sources("  ") == ("talent_stock",)
    assert row_sources(None, "population") == ("population",)


Row = namedtuple("Row", "count start_count provenance start_provenance bound sources start_sources")


def test_a_cell_of_an_itertuples_row_keeps_its_figure_and_lineage():
    row = Row(428_000.0, 298_200.0, "derived", "article", "lower", ("F009", "F010"), ("F009",))
    assert cell_value(row, "count", "persons") == Value(
        428_000.0, "persons", "derived", "lower", ("F009", "F010")
    )
    assert cell_value(row, "start_count", "persons", prefix="start_") == Value(
        298_200.0, "persons", "article", "lower", ("F009",)
    )


def test_a_cell_falls_back_to_the_rows_own_lineage_when_its_group_has_none():
    row = pd.Series(
        {"share_change_pp": 0.84, "provenance": "article", "sources": ("F015",), "bound": None}
    )
    got = cell_value(row, "share_change_pp", "pp", prefix="share_")
    assert got == Value(0.84, "pp", "article", "exact", ("F015",))


def test_a_cell_without_lineage_is_illustrative_and_cites_nothing():
    got = cell_value({"cagr": 0.07}, "cagr", "ratio")
    assert got == Value(0.07, "ratio", "illustrative", "exact", ())


def test_a_missing_cell_is_missing_and_names_its_table_never_zero():
    row = {"cagr": math.nan, "provenance": "derived", "bound": "approx", "sources": ("F009",)}
    got = cell_value(row, "cagr", "ratio", table="exchanges")
    assert got == Value(None, "ratio", "derived", "exact", ("F009",), ("exchanges",))
    assert cell_value(row, "absent", "ratio").missing == ("talent_stock",)

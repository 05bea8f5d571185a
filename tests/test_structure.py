"""Tests for lps_analysis.structure: talent-structure measures."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import entropy as scipy_entropy

from lps_analysis.structure import (
    NAMED_CATEGORIES,
    cagr,
    change,
    combine_bounds,
    compare_scopes,
    complete_categories,
    compound,
    dissimilarity,
    per_10k,
    shannon_diversity,
    shares,
    shift_share,
)

CITY = "520200"
COLUMNS = ["scope_code", "year", "category", "count"]

# The seed article: 人才规模总量从2015年29.82万人增长到2020年底42.8万人，经营管理人才由4.1万人增长到
# 5.9万人，专业技术人才由8万人增长到11.5万人，技能人才由10.2万人增长到15万人。
ARTICLE = {
    2015: {"all": 298_200, "management": 41_000, "professional": 80_000, "skilled": 102_000},
    2020: {"all": 428_000, "management": 59_000, "professional": 115_000, "skilled": 150_000},
}
# Guizhou 十四五 talent plan: categories 2015 and 2020; total 560万 in 2020, +165.43万 on 2015.
GUIZHOU = {
    2015: {
        "management": 537_500,
        "professional": 1_151_300,
        "skilled": 1_189_800,
        "rural": 830_800,
        "all": 5_600_000 - 1_654_300,
    },
    2020: {
        "management": 820_000,
        "professional": 1_420_000,
        "skilled": 2_000_000,
        "rural": 1_150_000,
        "all": 5_600_000,
    },
}


def stock_from(
    figures: dict, scope: str = CITY, bounds: dict | None = None, provenance: str = "article"
) -> pd.DataFrame:
    """A talent_stock frame from {year: {category: count}}; bounds {(year, category): bound}.

    Each row's source is "<scope> <year> <category>", so the lineage of a result can be traced.
    """
    rows = [
        (scope, year, cat, float(n)) for year, cats in figures.items() for cat, n in cats.items()
    ]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["provenance"] = provenance
    frame["source"] = [f"{scope} {y} {c}" for y, c in zip(frame.year, frame.category, strict=True)]
    if bounds:
        frame["bound"] = [
            bounds.get((y, c), "exact") for y, c in zip(frame.year, frame.category, strict=True)
        ]
    return frame


def row(frame: pd.DataFrame, **keys) -> pd.Series:
    mask = np.logical_and.reduce([frame[k] == v for k, v in keys.items()])
    selected = frame[mask]
    assert len(selected) == 1, selected
    return selected.iloc[0]


# --------------------------------------------------------------------------- the article's figures


def test_unspecified_is_what_the_stated_total_leaves_over():
    completed = complete_categories(stock_from(ARTICLE))
    assert row(completed, year=2015, category="unspecified")["count"] == 75_200
    assert row(completed, year=2020, category="unspecified")["count"] == 104_000
    assert row(completed, year=2020, category="unspecified")["provenance"] == "derived"
    assert completed.loc[completed.is_total, "category"].eq("all").all()
    assert completed.is_total.sum() == 2


def test_total_growth_and_cagr_match_the_article():
    total = row(change(stock_from(ARTICLE), 2015, 2020), category="all")
    assert total["change_persons"] == 129_800
    assert round(total["change_ratio"], 4) == 0.4353  # 428000 / 298200 − 1 = 0.43528
    assert round(total["cagr"], 4) == 0.0749  # 1.43528 ** (1/5) − 1 = 0.07495
    assert total["cagr"] == pytest.approx(0.07495, abs=5e-6)
    assert total["bound"] == "exact"
    assert total["missing"] == ""


def test_skilled_share_rises_by_084_percentage_points():
    skilled = row(change(stock_from(ARTICLE), 2015, 2020), category="skilled")
    # 150000/428000 − 102000/298200 = 0.350467 − 0.342052 = 0.008415 → +0.84 pp
    assert round(skilled["share_change_pp"], 2) == 0.84


def test_structure_dissimilarity_2015_vs_2020_is_about_0_0092():
    by_year = shares(stock_from(ARTICLE))
    s2015 = by_year[by_year.year == 2015].set_index("category")["share"]
    s2020 = by_year[by_year.year == 2020].set_index("category")["share"]
    assert set(s2015.index) == {"management", "professional", "skilled", "unspecified"}
    assert round(dissimilarity(s2015, s2020), 4) == 0.0092
    assert (
        round(compare_scopes(stock_from(ARTICLE), 2015, 2020).iloc[0]["dissimilarity"], 4) == 0.0092
    )


def test_compare_scopes_summarises_each_scope():
    figures = {2015: {"management": 100, "skilled": 100}, 2020: {"management": 100, "skilled": 300}}
    both = pd.concat([stock_from(ARTICLE), stock_from(figures, scope="520281")])
    table = compare_scopes(both, 2015, 2020).set_index("scope_code")
    assert list(table.index) == [CITY, "520281"]
    assert table.loc[CITY, "largest_gain_category"] == "skilled"
    assert table.loc["520281", "start_total"] == 200
    assert table.loc["520281", "change_ratio"] == pytest.approx(1.0)
    # shares 0.5/0.5 → 0.25/0.75: ½(0.25 + 0.25) = 0.25; skilled +25 pp
    assert table.loc["520281", "dissimilarity"] == pytest.approx(0.25)
    assert table.loc["520281", "largest_gain_pp"] == pytest.approx(25.0)


def test_talents_per_10k_residents_of_liupanshui_2020():
    # 428000 / 3031602 residents (7th census) × 10000 = 1411.80 persons per 10k
    assert round(per_10k(428_000, 3_031_602), 1) == 1411.8
    series = per_10k(pd.Series([1.0, 2.0]), pd.Series([10_000.0, 5_000.0]))
    assert series.tolist() == [1.0, 4.0]
    with pytest.raises(ValueError, match="residents"):
        per_10k(1, 0)


# --------------------------------------------------------------------------- shift-share


def test_shift_share_hand_example():
    # Reference: A 1000→1200 (g_A = 0.2), B 1000→1000 (g_B = 0); total 2000→2200 (g_T = 0.1).
    # Local:     A  100→150,  B 200→210,  C 50→40 (C absent from the reference).
    #   A: reference 100·0.1 = 10, mix 100·(0.2−0.1) = 10,  local 100·(0.5−0.2) = 30  → 50
    #   B: reference 200·0.1 = 20, mix 200·(0−0.1)  = −20, local 200·(0.05−0) = 10   → 10
    #   C: reference  50·0.1 =  5, mix 0 (g_C := g_T),     local 50·(−0.2−0.1) = −15 → −10
    local = stock_from(
        {
            2015: {"professional": 100, "skilled": 200, "rural": 50},
            2020: {"professional": 150, "skilled": 210, "rural": 40},
        }
    )
    reference = stock_from(
        {
            2015: {"professional": 1000, "skilled": 1000},
            2020: {"professional": 1200, "skilled": 1000},
        },
        scope="贵州省",
    )
    result = shift_share(local, reference, 2015, 2020).set_index("category")
    expected = {
        "professional": (10, 10, 30, 50),
        "skilled": (20, -20, 10, 10),
        "rural": (5, 0, -15, -10),
        "all": (35, -10, 25, 50),
    }
    for category, (ref, mix, loc, actual) in expected.items():
        got = result.loc[category]
        assert got["reference_component"] == pytest.approx(ref)
        assert got["mix_component"] == pytest.approx(mix, abs=1e-9)
        assert got["local_component"] == pytest.approx(loc)
        assert got["actual_change"] == pytest.approx(actual)
    assert result.loc["rural", "note"] == "参照地区无此类别，按总量增速计"
    assert np.allclose(result["reference_total_growth"], 0.1)
    assert (result["reference_region"] == "贵州省").all()


def test_shift_share_against_guizhou_uses_its_stated_total_and_never_matches_unspecified():
    result = shift_share(stock_from(ARTICLE), stock_from(GUIZHOU, scope="贵州省"), 2015, 2020)
    result = result.set_index("category")
    # g_T = 1654300 / 3945700 = 0.41927 (the stated total, not the sum of the four categories)
    assert result["reference_total_growth"].iloc[0] == pytest.approx(0.419267, abs=1e-6)
    # management: g_i = 820000/537500 − 1 = 0.525581; mix = 41000 · (0.525581 − 0.419267)
    assert result.loc["management", "mix_component"] == pytest.approx(
        41_000 * (0.525581 - 0.419267), rel=1e-4
    )
    assert result.loc["unspecified", "mix_component"] == 0
    assert "未列明类别" in result.loc["unspecified", "note"]
    assert "rural" not in result.index  # only the local scope's categories are decomposed
    assert result.loc["all", "actual_change"] == 129_800


counts = st.integers(min_value=0, max_value=5_000_000)


@settings(max_examples=40, deadline=None)
@given(
    local=st.dictionaries(st.sampled_from(NAMED_CATEGORIES), st.tuples(counts, counts), min_size=1),
    reference=st.dictionaries(
        st.sampled_from(NAMED_CATEGORIES),
        st.tuples(st.integers(1, 5_000_000), counts),
        min_size=1,
    ),
)
def test_shift_share_components_sum_to_actual_change(local, reference):
    local_stock = stock_from(
        {2015: {c: a for c, (a, _) in local.items()}, 2020: {c: b for c, (_, b) in local.items()}}
    )
    reference_stock = stock_from(
        {
            2015: {c: a for c, (a, _) in reference.items()},
            2020: {c: b for c, (_, b) in reference.items()},
        },
        scope="ref",
    )
    result = shift_share(local_stock, reference_stock, 2015, 2020)
    parts = result[["reference_component", "mix_component", "local_component"]].sum(axis=1)
    assert np.allclose(parts, result["actual_change"], rtol=1e-9, atol=1e-6)
    unmatched = ~result["category"].isin(list(reference)) & (result["category"] != "all")
    assert (result.loc[unmatched, "mix_component"] == 0).all()


# --------------------------------------------------------------------------- properties


structures = st.dictionaries(
    st.sampled_from(NAMED_CATEGORIES), st.integers(0, 10_000_000), min_size=1
).filter(lambda d: sum(d.values()) > 0)


@settings(max_examples=40, deadline=None)
@given(structure=structures, unnamed=st.integers(0, 1_000_000), state_total=st.booleans())
def test_shares_of_a_scope_year_sum_to_one(structure, unnamed, state_total):
    figures = dict(structure)
    if state_total:
        figures["all"] = sum(structure.values()) + unnamed
    result = shares(stock_from({2020: figures}))
    assert "all" not in set(result["category"])
    assert result["share"].between(0, 1).all()
    assert result["share"].sum() == pytest.approx(1.0, abs=1e-12)


@settings(max_examples=25, deadline=None)
@given(structure=structures, unnamed=st.integers(0, 1_000_000))
def test_completing_categories_twice_changes_nothing(structure, unnamed):
    stock = stock_from({2020: {**structure, "all": sum(structure.values()) + unnamed}})
    once = complete_categories(stock)
    pd.testing.assert_frame_equal(complete_categories(once), once)


@settings(max_examples=150, deadline=None)
@given(
    start=st.floats(1, 1e7),
    rate=st.floats(-0.9, 1.0),
    years=st.integers(1, 30),
)
def test_cagr_inverts_compound(start, rate, years):
    assert cagr(start, compound(start, rate, years), years) == pytest.approx(rate, abs=1e-9)


def test_cagr_refuses_what_has_no_rate():
    assert math.isnan(cagr(math.nan, 5, 2))
    with pytest.raises(ValueError):
        cagr(0, 5, 2)
    with pytest.raises(ValueError):
        cagr(1, 5, 0)
    with pytest.raises(ValueError):
        compound(1, -1.5, 2)


weights = st.dictionaries(
    st.sampled_from([*NAMED_CATEGORIES, "unspecified"]), st.floats(0, 1e6), min_size=1
).filter(lambda d: sum(d.values()) > 0)


def normalised(w: dict) -> dict:
    total = sum(w.values())
    return {category: value / total for category, value in w.items()}


@settings(max_examples=100, deadline=None)
@given(a=weights, b=weights)
def test_dissimilarity_is_zero_for_identical_symmetric_and_within_0_1(a, b):
    sa, sb = normalised(a), normalised(b)
    assert dissimilarity(sa, sa) == pytest.approx(0.0, abs=1e-12)
    assert dissimilarity(sa, sb) == pytest.approx(dissimilarity(sb, sa), abs=1e-12)
    assert -1e-12 <= dissimilarity(sa, sb) <= 1 + 1e-12


def test_dissimilarity_counts_a_missing_category_as_zero():
    assert dissimilarity({"skilled": 1.0}, {"skilled": 0.5, "rural": 0.5}) == pytest.approx(0.5)
    assert dissimilarity({"skilled": 1.0}, {"rural": 1.0}) == pytest.approx(1.0)


def test_dissimilarity_refuses_counts_passed_as_shares():
    with pytest.raises(ValueError, match="sum to 1"):
        dissimilarity({"skilled": 41_000, "rural": 80_000}, {"skilled": 1.0})


@settings(max_examples=100, deadline=None)
@given(w=weights)
def test_shannon_diversity_is_between_zero_and_ln_k(w):
    p = normalised(w)
    h = shannon_diversity(p)
    shares = np.array([x for x in p.values() if x > 0])
    # an independent computation: scipy's entropy in nats, zeros left out
    assert h == pytest.approx(scipy_entropy(shares), rel=1e-9, abs=1e-12)
    # at most ln k, reached only by equal shares
    assert h <= math.log(len(shares)) + 1e-12
    if len(shares) > 1 and shares.max() - shares.min() > 1e-6:
        assert h < math.log(len(shares)) - 1e-12


def test_shannon_diversity_uses_natural_log_and_ignores_zeros():
    assert shannon_diversity({"a": 0.5, "b": 0.5, "c": 0.0}) == pytest.approx(math.log(2))
    assert shannon_diversity({"a": 1.0}) == 0.0


# --------------------------------------------------------------------------- bounds


@pytest.mark.parametrize(
    ("bounds", "operation", "expected"),
    [
        (("exact", "exact"), "sum", "exact"),
        (("exact", "approx"), "sum", "approx"),
        (("lower", "approx"), "sum", "approx"),
        (("exact", "lower"), "sum", "lower"),
        (("exact", "lower"), "difference", "approx"),
        (("lower", "lower"), "ratio", "approx"),
        (("exact", None), "ratio", "exact"),
        ((), "sum", "exact"),
    ],
)
def test_combine_bounds_rules(bounds, operation, expected):
    assert combine_bounds(*bounds, operation=operation) == expected


def test_combine_bounds_refuses_unknown_bound():
    with pytest.raises(ValueError, match="unknown bound"):
        combine_bounds("exact", "upper")


def test_growth_from_a_lower_bound_start_is_not_exact():
    stock = stock_from(ARTICLE, bounds={(2015, "all"): "lower"})
    result = change(stock, 2015, 2020)
    assert row(result, category="all")["bound"] != "exact"
    assert row(result, category="all")["bound"] == "approx"
    # the shares of 2015 divide by that lower total: not exact either
    assert row(result, category="skilled")["bound"] == "approx"
    assert compare_scopes(stock, 2015, 2020).iloc[0]["bound"] == "approx"


def test_total_added_from_a_lower_bound_category_is_a_lower_bound():
    stock = stock_from(
        {2020: {"skilled": 7_400, "professional": 100}}, bounds={(2020, "skilled"): "lower"}
    )
    completed = complete_categories(stock)
    assert row(completed, category="all")["bound"] == "lower"
    assert row(completed, category="all")["count"] == 7_500
    assert set(shares(stock)["bound"]) == {"approx"}


def test_unspecified_left_by_a_lower_bound_total_is_approximate():
    stock = stock_from(ARTICLE, bounds={(2020, "all"): "lower"})
    assert row(complete_categories(stock), year=2020, category="unspecified")["bound"] == "approx"


def test_shift_share_from_a_lower_bound_is_not_exact():
    local = stock_from(ARTICLE, bounds={(2020, "skilled"): "lower"})
    result = shift_share(local, stock_from(GUIZHOU, scope="贵州省"), 2015, 2020)
    assert row(result, category="skilled")["bound"] == "approx"
    assert row(result, category="all")["bound"] == "approx"
    assert row(result, category="management")["bound"] == "exact"


# --------------------------------------------------------------------------- missing and bad data


def test_missing_year_gives_nan_and_a_note_not_an_exception():
    only_2015 = stock_from({2015: ARTICLE[2015]})
    result = change(only_2015, 2015, 2020)
    total = row(result, category="all")
    assert total["start_count"] == 298_200
    assert math.isnan(total["end_count"])
    assert math.isnan(total["change_ratio"]) and math.isnan(total["cagr"])
    assert (result["missing"] == "缺少2020年数据").all()
    summary = compare_scopes(only_2015, 2015, 2020).iloc[0]
    assert math.isnan(summary["dissimilarity"])
    assert "缺少2020年数据" in summary["missing"]


def test_missing_category_in_one_year_is_named_in_chinese():
    figures = {
        2015: {"management": 41_000, "professional": 80_000},
        2020: {"management": 59_000, "professional": 115_000, "skilled": 150_000},
    }
    result = change(stock_from(figures), 2015, 2020)
    skilled = row(result, category="skilled")
    assert math.isnan(skilled["start_count"]) and math.isnan(skilled["change_persons"])
    assert skilled["missing"] == "缺少2015年技能人才数据"
    assert row(result, category="management")["missing"] == ""


def test_shift_share_with_a_missing_local_year_gives_nan_not_an_exception():
    result = shift_share(
        stock_from({2015: ARTICLE[2015]}), stock_from(GUIZHOU, scope="贵州省"), 2015, 2020
    )
    assert result["local_component"].isna().all()
    assert result["note"].str.contains("缺少2020年数据").all()


def test_named_categories_exceeding_the_total_is_an_error_naming_both_numbers():
    stock = stock_from({2015: {"all": 200_000, "management": 150_000, "skilled": 100_000}})
    with pytest.raises(ValueError) as error:
        complete_categories(stock)
    message = str(error.value)
    assert CITY in message and "2015" in message
    assert "250000" in message and "200000" in message


def test_unknown_category_is_refused():
    with pytest.raises(ValueError, match="unknown categor"):
        complete_categories(stock_from({2020: {"doctors": 7_400}}))


def test_end_year_must_follow_start_year():
    with pytest.raises(ValueError, match="after start"):
        change(stock_from(ARTICLE), 2020, 2015)


# --------------------------------------------------------------------------- lineage


FACT_IDS = {
    (2015, "all"): "F009",
    (2020, "all"): "F010",
    (2015, "management"): "F011",
    (2020, "management"): "F012",
    (2015, "professional"): "F013",
    (2020, "professional"): "F014",
    (2015, "skilled"): "F015",
    (2020, "skilled"): "F016",
}


def article_with_illustrative_middle_years() -> pd.DataFrame:
    """The article's city figures (source '原文 Fnnn') and illustrative 2016–2019 rows."""
    article = stock_from(ARTICLE)
    article["source"] = [
        f"原文 {FACT_IDS[(y, c)]}" for y, c in zip(article.year, article.category, strict=True)
    ]
    middle = stock_from(
        {y: {"management": 50_000, "skilled": 120_000} for y in range(2016, 2020)},
        provenance="illustrative",
    )
    return pd.concat([article, middle], ignore_index=True)


def test_city_growth_rests_only_on_the_two_article_totals_whatever_other_years_hold():
    result = change(article_with_illustrative_middle_years(), 2015, 2020)
    total = row(result, category="all")
    assert total["provenance"] == "derived"
    assert total["sources"] == ("F009", "F010")
    assert (total["start_provenance"], total["start_sources"]) == ("article", ("F009",))
    skilled = row(result, category="skilled")
    assert skilled["share_provenance"] == "derived"
    assert set(skilled["share_sources"]) == set(FACT_IDS.values())
    summary = compare_scopes(article_with_illustrative_middle_years(), 2015, 2020).iloc[0]
    assert (summary["provenance"], summary["structure_provenance"]) == ("derived", "derived")


def test_a_total_summed_from_illustrative_categories_is_illustrative():
    completed = complete_categories(article_with_illustrative_middle_years())
    assert row(completed, year=2017, category="all")["provenance"] == "illustrative"
    assert row(completed, year=2020, category="all")["provenance"] == "article"
    assert row(completed, year=2020, category="unspecified")["sources"] == (
        "F010",
        "F012",
        "F014",
        "F016",
    )


def test_one_illustrative_count_marks_what_rests_on_it_and_nothing_else():
    stock = stock_from(ARTICLE)
    stock.loc[(stock.year == 2020) & (stock.category == "skilled"), "provenance"] = "illustrative"
    result = change(stock, 2015, 2020)
    skilled, management = row(result, category="skilled"), row(result, category="management")
    assert skilled["start_provenance"] == "article"
    assert skilled["end_provenance"] == "illustrative"
    assert skilled["provenance"] == "illustrative"
    assert management["provenance"] == "derived"
    # every 2020 share divides by a total that includes the illustrative skilled count
    assert management["share_provenance"] == "illustrative"
    shift = shift_share(
        stock, stock_from(GUIZHOU, scope="贵州省", provenance="official"), 2015, 2020
    )
    assert row(shift, category="management")["provenance"] == "derived"
    assert row(shift, category="skilled")["provenance"] == "illustrative"
    assert row(shift, category="all")["provenance"] == "illustrative"
    assert row(shift, category="all")["reference_provenance"] == "derived"


def test_shift_share_cites_the_local_and_the_reference_rows_it_used():
    reference = stock_from(GUIZHOU, scope="贵州省", provenance="official")
    result = shift_share(stock_from(ARTICLE), reference, 2015, 2020)
    skilled = row(result, category="skilled")
    assert set(skilled["sources"]) == {
        "520200 2015 skilled",
        "520200 2020 skilled",
        "贵州省 2015 all",
        "贵州省 2020 all",
        "贵州省 2015 skilled",
        "贵州省 2020 skilled",
    }
    assert row(result, category="all")["reference_sources"] == (
        "贵州省 2015 all",
        "贵州省 2020 all",
    )


def test_a_row_without_provenance_is_never_taken_as_fact():
    stock = stock_from(ARTICLE).drop(columns=["provenance"])
    assert set(complete_categories(stock)["provenance"]) == {"illustrative"}

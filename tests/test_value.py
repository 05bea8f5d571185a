"""The combining rules of a figure's provenance and bound (DESIGN.md, metrics contract)."""

import math

import pandas as pd
import pytest

from lps_analysis.value import Value, combined_provenance, derive, from_rows, total

ARTICLE_2015 = Value(298200, "persons", "article", sources=("F009",))
ARTICLE_2020 = Value(428000, "persons", "article", sources=("F010",))
EXAMPLE = Value(12, "platforms", "illustrative", sources=("platforms",))
OFFICIAL_POP = Value(3031602, "persons", "official", sources=("census2020",))


def test_a_figure_computed_from_article_and_official_inputs_is_real_and_cites_both():
    per_10k = derive(
        lambda t, p: t / p * 10_000, ARTICLE_2020, OFFICIAL_POP, unit="persons_per_10k"
    )
    assert per_10k.provenance == "derived"
    assert per_10k.sources == ("F010", "census2020")
    assert per_10k.value == pytest.approx(1411.79, abs=0.01)


def test_any_illustrative_input_makes_the_result_illustrative():
    assert (ARTICLE_2020 + EXAMPLE).provenance == "illustrative"
    assert (EXAMPLE / ARTICLE_2020).provenance == "illustrative"
    assert derive(lambda *x: sum(x), ARTICLE_2015, ARTICLE_2020, EXAMPLE, unit="x").illustrative


def test_a_missing_input_makes_the_result_missing_naming_the_table_never_zero():
    gap = Value.absent("persons", "exchanges")
    result = ARTICLE_2020 + gap
    assert result.value is None and result.missing == ("exchanges",)
    assert total([gap, gap]).missing == ("exchanges",)
    assert from_rows(pd.DataFrame(), "count", "persons", table="exchanges").missing == (
        "exchanges",
    )


@pytest.mark.parametrize(
    "a_bound, b_bound, op, expected",
    [
        ("lower", "exact", "+", "lower"),
        ("lower", "lower", "+", "lower"),
        ("lower", "exact", "-", "lower"),
        ("exact", "lower", "-", "approx"),  # x − (≥y) is bounded above, not below
        ("lower", "exact", "*", "lower"),
        ("lower", "exact", "/", "lower"),
        ("exact", "lower", "/", "approx"),
        ("approx", "exact", "+", "approx"),
        ("exact", "exact", "/", "exact"),
    ],
)
def test_a_lower_bound_stays_one_only_where_the_arithmetic_keeps_its_direction(
    a_bound, b_bound, op, expected
):
    a = Value(500, "件", "article", a_bound)
    b = Value(20, "件", "article", b_bound)
    result = {"+": a + b, "-": a - b, "*": a * b, "/": a / b}[op]
    assert result.bound == expected


def test_provenance_rule_keeps_a_single_untouched_kind_and_derives_otherwise():
    assert combined_provenance(["article"], computed=False) == "article"
    assert combined_provenance(["article"], computed=True) == "derived"
    assert combined_provenance(["article", "official"], computed=False) == "derived"
    assert combined_provenance(["official", "illustrative"], computed=False) == "illustrative"


def test_rows_keep_their_own_provenance_and_bound():
    rows = pd.DataFrame(
        {
            "count": [10, 5],
            "provenance": ["article", "article"],
            "bound": ["lower", "exact"],
            "source": ["F001", "F002"],
        }
    )
    v = from_rows(rows, "count", "persons", table="talent_stock")
    assert (v.value, v.provenance, v.bound, v.sources) == (15, "derived", "lower", ("F001", "F002"))


def test_nan_is_missing_and_division_by_zero_is_missing_not_infinite():
    assert Value(math.nan, "ratio").value is None
    assert (ARTICLE_2020 / Value(0, "persons", "article")).value is None

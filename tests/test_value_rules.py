"""The combining rules at their edges: plain numbers, signs, rows without marks, bad input."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from lps_analysis.value import (
    Value,
    combined_bound,
    combined_provenance,
    derive,
    from_row,
    provenance_column,
    total,
)

A = Value(500, "件", "article", "lower", ("F001",))


def test_a_plain_number_is_an_exact_constant_that_cites_nothing():
    for result in (A + 20, 20 + A, A - 20, A * 2, 2 * A, A / 4):
        assert result.provenance == "derived" and result.sources == ("F001",)
    assert (A + 20).value == 520 and (A - 20).value == 480
    assert (A * 2).value == 1000 and (A / 4).value == 125
    assert (A + 20).bound == "lower" and (A - 20).bound == "lower" and (A * 2).bound == "lower"
    assert (A + 20).unit == "件" and (A * 2).unit == "件" and (A / 4).unit == "ratio"
    assert (Value(3, "x", "illustrative") + 1).provenance == "illustrative"


def test_a_lower_bound_times_or_over_a_negative_number_is_no_longer_a_lower_bound():
    assert (A * -2).bound == "approx" and (A * -2).value == -1000
    assert (A / -4).bound == "approx"
    assert (A * 0).bound == "approx"
    assert (A / Value(4, "x", "article", "approx")).bound == "approx"
    assert (Value(5, "x", "article", "approx") / 4).bound == "approx"
    assert (A * Value(2, "x", "article", "lower")).bound == "lower"
    assert (A * Value(2, "x", "article", "approx")).bound == "approx"
    assert (Value(5, "x", "article") * Value(2, "x", "article")).bound == "exact"
    assert (Value(5, "x", "article", "approx") - Value(2, "x", "article")).bound == "approx"
    assert (Value(5, "x", "article") - Value(2, "x", "article")).bound == "exact"


def test_division_by_zero_is_missing_not_infinite():
    result = A / 0
    assert result.value is None and result.bound == "exact"
    assert derive(lambda a: math.inf, A, unit="x").value is None


def test_combined_bound_is_exact_only_when_every_input_is():
    assert combined_bound(["exact", "exact"]) == "exact"
    assert combined_bound([]) == "exact"
    assert combined_bound(["exact", "lower"]) == "approx"
    assert combined_bound(["approx"]) == "approx"
    assert derive(lambda a, b: a + b, A, Value(1, "件", "article"), unit="件").bound == "approx"
    assert combined_provenance(["", None, "article"], computed=False) == "article"
    assert combined_provenance([], computed=False) == "derived"


def test_a_missing_input_names_its_tables_once_and_an_unnamed_gap_a_dash():
    gap = Value.absent("件", "a", "a", "b")
    assert gap.missing == ("a", "b") and gap.provenance == "derived" and gap.bound == "exact"
    result = derive(lambda x, y: x + y, A, gap, unit="件")
    assert result.value is None and result.missing == ("a", "b") and result.sources == ("F001",)
    assert derive(lambda x: x, Value(None, "件", "article"), unit="件").missing == ("—",)


def test_total_of_nothing_is_missing_and_a_unit_given_is_kept():
    assert total([]).value is None and total([], "persons").unit == "persons"
    parts = [Value(1, "件", "article", sources=("F1",)), Value(2, "件", "official", sources=("G",))]
    summed = total(parts, "items")
    assert summed.value == 3 and summed.unit == "items" and summed.sources == ("F1", "G")
    assert total(parts).unit == "件"


def test_a_row_without_marks_is_illustrative_exact_and_cites_its_table():
    v = from_row({"count": 7}, "count", "persons", table="talent_stock")
    assert (v.value, v.provenance, v.bound, v.sources) == (
        7,
        "illustrative",
        "exact",
        ("talent_stock",),
    )
    odd = {"count": 7, "provenance": "rumour", "bound": "about", "source": ""}
    v = from_row(odd, "count", "persons", table="t", default_provenance="analyst")
    assert (v.provenance, v.bound, v.sources) == ("analyst", "exact", ("t",))
    kept = {"count": 7, "provenance": "official", "bound": "lower", "source": "gov.cn"}
    v = from_row(kept, "count", "persons", table="t")
    assert (v.provenance, v.bound, v.sources) == ("official", "lower", ("gov.cn",))
    gap = from_row({"count": float("nan"), "bound": "lower"}, "count", "persons", table="t")
    assert gap.value is None and gap.missing == ("t",) and gap.bound == "exact"
    assert from_row(None, "count", "persons", table="t").missing == ("t",)


def test_a_provenance_column_falls_back_row_by_row():
    frame = pd.DataFrame({"provenance": ["article", "rumour", None]})
    assert list(provenance_column(frame)) == ["article", "illustrative", "illustrative"]
    assert list(provenance_column(frame, default="analyst")) == ["article", "analyst", "analyst"]
    assert provenance_column(pd.DataFrame({"x": [1, 2]})) == ["illustrative", "illustrative"]


def test_a_value_refuses_unknown_marks_and_treats_nan_as_missing():
    with pytest.raises(ValueError, match="provenance"):
        Value(1, "x", "rumour")
    with pytest.raises(ValueError, match="bound"):
        Value(1, "x", "article", "about")
    assert Value(float("nan"), "x").value is None and Value(math.inf, "x").is_missing
    assert Value("12", "x").value == 12.0 and isinstance(Value(12, "x").value, float)
    assert not Value(None, "x", "article").real and Value(0, "x", "article").real
    assert not Value(1, "x", "illustrative").real


def test_scaling_keeps_marks_and_a_missing_value_stays_missing():
    scaled = A.scaled(0.5, "万件")
    assert (scaled.value, scaled.unit, scaled.bound, scaled.sources) == (
        250,
        "万件",
        "lower",
        ("F001",),
    )
    gap = Value.absent("件", "t").scaled(2, "x")
    assert gap.value is None and gap.unit == "x" and gap.missing == ("t",)

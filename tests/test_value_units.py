"""What a figure keeps through arithmetic and reading: its unit, its ≥ or 约, and the tables it
came from, also when it is missing (metrics.json records all three for every figure)."""

from __future__ import annotations

import pandas as pd

from lps_analysis import fmt
from lps_analysis.value import Value, combined_provenance, from_row, from_rows


def _v(number, bound="exact", **kw):
    return Value(number, "persons", "official", bound, **kw)


def test_a_sum_of_exact_figures_is_exact_and_shown_without_a_mark():
    total = _v(3) + _v(4)
    assert (total.value, total.bound) == (7, "exact")
    assert fmt.show(total) == "7人"


def test_adding_a_lower_bound_either_way_round_gives_a_lower_bound():
    assert (_v(100) + _v(1827, "lower")).bound == "lower"
    assert (_v(1827, "lower") + _v(100)).bound == "lower"
    assert fmt.show(_v(100) + _v(1827, "lower")).startswith("≥")


def test_an_approximate_figure_minus_an_exact_one_stays_approximate():
    difference = _v(500, "approx") - _v(20)
    assert (difference.value, difference.bound) == (480, "approx")
    assert (difference.unit, (_v(500) - _v(20)).unit) == ("persons", "persons")
    assert (_v(500, "lower") - _v(20)).bound == "lower"


def test_a_lower_bound_times_a_positive_fraction_is_still_a_lower_bound():
    half = _v(1827, "lower") * 0.5
    assert (half.value, half.bound) == (913.5, "lower")
    assert (_v(1827, "lower") * -0.5).bound == "approx"


def test_a_figure_computed_from_one_kind_of_real_input_is_derived_by_default():
    assert combined_provenance(["official"]) == "derived"
    assert combined_provenance(["official"], computed=False) == "official"


def test_a_missing_result_keeps_its_unit_and_the_tables_that_would_supply_it():
    gap = _v(3, sources=("a.csv",)) + Value.absent("persons", "talent_stock")
    assert (gap.value, gap.unit, gap.missing) == (None, "persons", ("talent_stock",))
    assert gap.sources == ("a.csv",)
    # A division by zero: no figure, the sources kept, no table to blame.
    quotient = _v(3, sources=("a.csv",)) / _v(0, sources=("b.csv",))
    assert quotient.value is None and quotient.unit == "ratio"
    assert (quotient.sources, quotient.missing) == (("a.csv", "b.csv"), ())
    assert fmt.show(quotient) == fmt.MISSING


def test_a_row_is_read_with_its_unit_source_and_missing_table():
    row = pd.Series({"count": 5.0, "provenance": "official", "source": "年报"})
    read = from_row(row, "count", "persons", table="talent_stock")
    assert (read.value, read.unit, read.sources, read.provenance) == (
        5,
        "persons",
        ("年报",),
        "official",
    )
    blank = from_row(
        pd.Series({"count": float("nan"), "provenance": "official"}),
        "count",
        "persons",
        table="talent_stock",
    )
    assert (blank.value, blank.unit) == (None, "persons")
    assert (blank.sources, blank.missing) == (("talent_stock",), ("talent_stock",))
    text = from_row({"count": "—"}, "count", "persons", table="talent_stock")
    assert text.value is None and text.missing == ("talent_stock",)


def test_rows_without_a_source_cite_their_table_and_an_empty_table_keeps_the_unit():
    frame = pd.DataFrame({"count": [3.0, 4.0], "provenance": ["official", "official"]})
    read = from_rows(frame, "count", "persons", table="talent_stock")
    assert (read.value, read.unit, read.sources) == (7, "persons", ("talent_stock",))
    empty = from_rows(frame.iloc[:0], "count", "persons", table="talent_stock")
    assert (empty.value, empty.unit, empty.missing) == (None, "persons", ("talent_stock",))

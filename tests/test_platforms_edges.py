"""Platform measures at their edges: rows without marks, zero exposure, negative outputs, a
growth from an approximate figure, and the columns the chart reads."""

from __future__ import annotations

import pandas as pd
import pytest

from lps_analysis import fmt
from lps_analysis import platforms as pf
from lps_analysis.value import Value


def test_rows_without_mark_columns_are_illustrative_and_exact():
    frame = pd.DataFrame({"platform_id": ["A", "B"], "patents_granted": [3, 4]})
    marked = pf.row_marks(frame, "platform_outputs")
    assert list(marked.provenance) == ["illustrative", "illustrative"]
    assert list(marked.bound) == ["exact", "exact"]


def test_zero_exposure_gives_a_missing_figure_not_an_error():
    rate = pf.per_platform_year(Value(5, "件", "analyst"), Value(0, "years", "analyst"), "件")
    assert rate.is_missing
    assert fmt.show(rate) == fmt.MISSING


def test_negative_outputs_are_refused_by_name():
    with pytest.raises(ValueError, match="^outputs must be non-negative$"):
        pf.lorenz_curve([3, -1, 2])


def test_growth_from_an_approximate_figure_is_approximate():
    growth = pf.growth(Value(300, "项", "article", "approx"), Value(450, "项", "article"))
    assert growth.value == pytest.approx(0.5) and growth.bound == "approx"


def test_an_empty_lorenz_curve_keeps_the_columns_the_chart_reads():
    assert list(pf.lorenz_curve([]).columns) == ["platform_share", "output_share"]


def test_a_rows_own_bound_is_kept_and_an_unknown_one_read_as_exact():
    frame = pd.DataFrame(
        {"platform_id": ["A", "B"], "provenance": ["article", "analyst"], "bound": ["lower", "?"]}
    )
    marked = pf.row_marks(frame, "platforms")
    assert list(marked.bound) == ["lower", "exact"]
    assert list(marked.provenance) == ["article", "analyst"]

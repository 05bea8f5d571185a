"""Suppression at the edges a caller reaches: its own threshold in the long form, labels that
repeat on one side only, a run without person records."""

from __future__ import annotations

import pandas as pd
import pytest

from lps_analysis.data.disclosure import protect_release
from lps_analysis.data.suppression import suppress_counts_long, suppress_small_cells


def test_the_long_form_hides_by_the_threshold_it_is_given():
    frame = pd.DataFrame(
        {
            "scope_code": ["520201", "520201", "520203", "520203"],
            "category": ["技能人才", "专业技术人才", "技能人才", "专业技术人才"],
            "count": [7, 30, 40, 50],
        }
    )
    table = suppress_counts_long(frame, row="scope_code", col="category", threshold=5)
    assert not table.primary.to_numpy().any()  # 7 persons is not under 5
    assert table.values.loc["520201", "技能人才"] == 7
    strict = suppress_counts_long(frame, row="scope_code", col="category", threshold=10)
    assert strict.primary.loc["520201", "技能人才"]


@pytest.mark.parametrize(
    "index, columns",
    [(["甲", "甲"], ["x", "y"]), (["甲", "乙"], ["x", "x"])],
)
def test_labels_repeated_on_either_side_are_refused(index, columns):
    counts = pd.DataFrame([[20, 30], [40, 50]], index=index, columns=columns)
    with pytest.raises(ValueError, match="labels of counts must be unique"):
        suppress_small_cells(counts)


def test_a_run_without_person_records_releases_no_person_table():
    for records in (None, pd.DataFrame()):
        release = protect_release(records, 2020, threshold=10)
        assert release.threshold == 10
        assert (release.tables, release.unprotectable) == ({}, [])

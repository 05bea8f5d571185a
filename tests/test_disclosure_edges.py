"""Disclosure control on releases small enough to work out by hand.

Every release here has records of one or two counties of 六盘水市 in 2020. When every talent is
introduced, the table of all talents and the table of introduced talents hold the same figures,
so a pattern is worked out once for the pair.
"""

from __future__ import annotations

from collections import deque

import numpy as np
import pandas as pd
import pytest

from lps_analysis.data import disclosure_model as dm
from lps_analysis.data.disclosure import (
    person_counts,
    protect_release,
    scope_tables,
    sector_order,
)
from lps_analysis.data.registry import current_scopes
from lps_analysis.data.suppression import suppress_counts_long, suppress_small_cells

CITY, ZHONGSHAN, LIUZHI = "520200", "520201", "520203"


def records(persons: dict[tuple[str, str, str, str], int]) -> pd.DataFrame:
    """One record per person from {(county, sector, education, origin): persons} in 2020."""
    rows = [(c, 2020, s, e, o) for (c, s, e, o), n in persons.items() for _ in range(n)]
    return pd.DataFrame(rows, columns=["scope_code", "year", "sector", "education", "origin"])


def introduced(county: str, cells: dict[tuple[str, str], int]) -> pd.DataFrame:
    """Records of introduced talents of one county: {(sector, education): persons}."""
    return records({(county, s, e, "introduced"): n for (s, e), n in cells.items()})


def model_of(frame: pd.DataFrame, threshold: int = 10) -> dm.Model:
    counts = person_counts(frame)
    specs = [t for s in current_scopes() for t in scope_tables(s, counts, 2020)]
    return dm.Model(counts, specs, threshold)


def hidden_cells(release, scope: str, layer: str = "all") -> set[tuple[str, str]]:
    """(row, education) of the hidden figures of a table; "T" stands for a total."""
    table = release.table(scope, layer)
    rows = [*table.counts.index, "T"]
    columns = [*table.counts.columns, "T"]
    return {(rows[i], columns[j]) for i, j in zip(*np.nonzero(table.hidden), strict=True)}


class QueueOnce(deque):
    """A work queue that records what is queued and stops a figure queued twice (a loop)."""

    def __init__(self, items):
        super().__init__(items)
        self.queued: list[int] = []

    def append(self, item):
        assert item not in self.queued, f"figure {item} queued again"
        self.queued.append(item)
        super().append(item)


# 钟山区 with two sectors, every talent introduced (the bachelor to secondary columns are 0):
#            doctorate  master  total
#   卫生          30       50      80
#   教育           5       40      45
#   total         35       90     125
TWO_SECTORS = {("卫生", "doctorate"): 30, ("卫生", "master"): 50}
TWO_SECTORS |= {("教育", "doctorate"): 5, ("教育", "master"): 40}


def test_a_count_equal_to_the_threshold_is_published_and_one_below_is_hidden():
    frame = introduced(ZHONGSHAN, {("教育", "doctorate"): 10, ("教育", "master"): 25})
    release = protect_release(frame, 2020, threshold=10)
    # 10 doctors is not under 10, 25 and 35 neither, every other figure is 0: nothing is hidden.
    for table in release.tables.values():
        assert not table.hidden.any()
    stricter = protect_release(frame, 2020, threshold=11)
    # Under 11 the 10 doctors (in the county table and as the city's 钟山区 cell) are hidden.
    assert ("教育", "doctorate") in hidden_cells(stricter, ZHONGSHAN)
    assert (ZHONGSHAN, "doctorate") in hidden_cells(stricter, CITY)


def test_a_small_cell_is_hidden_with_the_rectangle_of_its_county_table():
    release = protect_release(introduced(ZHONGSHAN, TWO_SECTORS), 2020)
    # The 5 is the only small figure. Rectangles through it that hide no zero and no total:
    # only 教育×master 40, 卫生×doctorate 30 and 卫生×master 50 (the t-shift ranges over
    # [-5, +30], 35 persons wide). The column totals 35 and 90 are the city's cells and stay
    # shown, as do the row totals 80 and 45.
    block = {("卫生", "doctorate"), ("卫生", "master"), ("教育", "doctorate"), ("教育", "master")}
    for layer in ("all", "introduced"):
        assert hidden_cells(release, ZHONGSHAN, layer) == block
        assert hidden_cells(release, CITY, layer) == set()
    assert release.unprotectable == []


def test_local_protection_hides_the_cheapest_wide_rectangle_through_a_small_figure():
    model = model_of(introduced(ZHONGSHAN, TWO_SECTORS))
    key = (ZHONGSHAN, "all")  # rows 卫生, 教育 (largest first)
    five = model.item_of[(key, 1, 0)]
    hidden = np.zeros(len(model.items), dtype=bool)
    hidden[five] = True
    queue = QueueOnce([five])
    dm.protect_locally(model, hidden, queue)
    # As above: 40 beside it, 30 below it, 50 opposite; nothing else.
    expected = {model.item_of[(key, i, j)] for i in (0, 1) for j in (0, 1)}
    assert set(np.flatnonzero(hidden).tolist()) == expected
    assert sorted(queue.queued) == sorted(expected - {five})  # each new figure checked once


def test_with_no_rectangle_left_the_smallest_figure_of_the_same_table_is_hidden_next():
    model = model_of(introduced(ZHONGSHAN, TWO_SECTORS))
    # The city's grand total has no rectangle through it (every corner would move one way), so
    # what is hidden next is the smallest figure the city table shows that is neither 0 nor a
    # grand total: 钟山区's 35 doctors (the 5 in the county table, smaller, is in another table).
    grand = model.item_of[((CITY, "all"), 4, 5)]
    chosen = dm.more_to_hide(model, np.zeros(len(model.items), dtype=bool), grand)
    assert len(chosen) == 1
    assert model.values[chosen[0]] == 35
    assert ((CITY, "all"), 0, 0) in model.positions[chosen[0]]


def test_only_zeros_no_table_prints_are_known_to_the_reader():
    # 钟山区 has talents in 教育 only, 六枝特区 in 卫生 only. A reader of 钟山区's table learns
    # nothing of a 卫生 row there (none is printed): those base cells are known zeros. The zero
    # 钟山区 教育 masters, printed as 0, could be hidden as a complement and are not known.
    frame = records(
        {
            (ZHONGSHAN, "教育", "doctorate", "introduced"): 12,
            (LIUZHI, "卫生", "master", "local"): 15,
        }
    )
    model = model_of(frame)
    base = dm._base_cells(person_counts(frame), model.specs)
    known = base[model.fixed]
    # 2 origins × 5 levels for (钟山区, 卫生) and for (六枝特区, 教育); the two other counties'
    # rows are printed in the city table.
    assert len(known) == 20
    pairs = set(zip(known["scope_code"], known["sector"], strict=True))
    assert pairs == {(ZHONGSHAN, "卫生"), (LIUZHI, "教育")}
    zero_masters = model.item_of[((ZHONGSHAN, "all"), 0, 1)]
    assert model.nonempty[zero_masters] and model.values[zero_masters] == 0


def test_a_release_of_fewer_persons_than_the_threshold_is_hidden_not_a_crash():
    # 2 persons in all: the city's grand total is small and hidden, so no printed figure bounds
    # the hidden ones from above (the LP is unbounded, which used to raise RuntimeError).
    release = protect_release(introduced(ZHONGSHAN, {("教育", "college"): 2}), 2020)
    assert (ZHONGSHAN, "college") in hidden_cells(release, CITY)
    assert ("T", "T") in hidden_cells(release, CITY)
    low, high = release.intervals[((CITY, "all"), 0, 3)]
    assert low == 0 and high == np.inf


@pytest.mark.parametrize("threshold", [True, 2.5, "10", 0])
def test_a_threshold_that_is_not_a_whole_number_of_persons_is_refused(threshold):
    counts = pd.DataFrame([[20, 3], [40, 50]], index=["甲", "乙"], columns=["x", "y"])
    with pytest.raises(ValueError, match="threshold must be a positive integer"):
        suppress_small_cells(counts, threshold=threshold)


def test_categorical_records_give_person_counts_without_empty_combinations():
    # Records read from parquet may hold categories: a sector absent from a county must not
    # come back as a row of 0 persons, and the year must stay a number.
    frame = records(
        {(ZHONGSHAN, "教育", "master", "local"): 3, (LIUZHI, "卫生", "college", "introduced"): 2}
    ).astype({"sector": "category", "education": "category", "year": "category"})
    counts = person_counts(frame)
    assert sorted(zip(counts["scope_code"], counts["sector"], counts["persons"], strict=True)) == [
        (ZHONGSHAN, "教育", 3),
        (LIUZHI, "卫生", 2),
    ]
    assert counts["year"].tolist() == [2020, 2020]
    assert counts["year"].dtype.kind == "i"


def test_sectors_are_listed_largest_first_with_other_last():
    counts = pd.DataFrame(
        {"sector": ["其他", "农业", "教育", "卫生", "教育"], "persons": [90, 5, 20, 30, 15]}
    )
    # 其他 90 is the largest but goes last; then 教育 35 > 卫生 30 > 农业 5.
    assert sector_order(counts) == ["教育", "卫生", "农业", "其他"]


def test_a_repeated_pair_is_named_as_plain_labels_in_the_error():
    long = pd.DataFrame(
        {"scope_code": ["520201", "520201"], "category": ["技能", "技能"], "count": [1, 2]}
    )
    with pytest.raises(ValueError, match=r"repeated: \[\('520201', '技能'\)\]"):
        suppress_counts_long(long, row="scope_code", col="category")


def test_the_published_long_table_keeps_the_name_of_its_rows_and_columns():
    long = pd.DataFrame(
        {"scope_code": ["520201", "520203"], "category": ["技能", "技能"], "count": [40, 50]}
    )
    published = suppress_counts_long(long, row="scope_code", col="category").with_margins()
    assert (published.index.name, published.columns.name) == ("scope_code", "category")

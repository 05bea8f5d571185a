"""Small-cell suppression: what is hidden, and that nothing hidden can be worked out again."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lps_analysis.data.suppression import (
    SUPPRESSION_MARK,
    SUPPRESSION_NOTE_ZH,
    recoverable_cells,
    suppress_counts_long,
    suppress_small_cells,
)

COUNTIES = ["钟山区", "六枝特区", "水城区", "盘州市"]
LEVELS = ["研究生", "本科", "专科"]


def county_table(rows: list[list[int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, index=COUNTIES[: len(rows)], columns=LEVELS[: len(rows[0])])


def hidden(table) -> set[tuple]:
    return {(r, c) for r in table.mask.index for c in table.mask.columns if table.mask.at[r, c]}


# --- hand examples -----------------------------------------------------------------------------


def test_one_small_cell_is_hidden_in_the_cheapest_rectangle():
    counts = county_table([[120, 340, 210], [4, 85, 60], [15, 150, 95], [30, 260, 180]])
    table = suppress_small_cells(counts)
    # Cheapest rectangle through (六枝特区, 研究生): 专科 60 in its row, 水城区 15 in its column,
    # and 95 where they meet (170 persons); e.g. via 本科 it would cost 85 + 15 + 150.
    assert hidden(table) == {
        ("六枝特区", "研究生"),
        ("六枝特区", "专科"),
        ("水城区", "研究生"),
        ("水城区", "专科"),
    }
    assert table.primary.to_numpy().sum() == 1 and table.primary.at["六枝特区", "研究生"]
    assert recoverable_cells(counts, table.mask) == []
    assert table.unprotectable == []


def test_threshold_is_the_smallest_count_published():
    counts = county_table([[9, 10, 40], [30, 4, 5], [50, 60, 70]])
    at_ten = suppress_small_cells(counts, threshold=10)
    assert at_ten.primary.to_numpy().tolist() == [
        [True, False, False],
        [False, True, True],
        [False, False, False],
    ]
    at_five = suppress_small_cells(counts, threshold=5)
    assert at_five.primary.to_numpy().tolist() == [
        [False, False, False],
        [False, True, False],
        [False, False, False],
    ]
    assert at_five.note_zh == SUPPRESSION_NOTE_ZH.replace("10", "5")
    assert at_ten.note_zh == SUPPRESSION_NOTE_ZH


def test_zero_cells_are_published_not_primary():
    counts = county_table([[0, 25, 40], [30, 0, 55], [50, 60, 0]])
    table = suppress_small_cells(counts)
    assert not table.mask.to_numpy().any()
    assert table.with_margins().at["钟山区", "研究生"] == 0


def test_a_table_without_small_cells_is_published_whole():
    counts = county_table([[12, 25], [30, 10]])
    table = suppress_small_cells(counts)
    assert not table.mask.to_numpy().any()
    assert table.values.equals(counts.astype(float))


def test_all_cells_small_are_all_hidden_and_protected():
    counts = county_table([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    table = suppress_small_cells(counts)
    assert table.mask.to_numpy().all()
    assert recoverable_cells(counts, table.mask) == []


def test_lone_small_cell_of_a_row_is_hidden_behind_the_zeros_beside_it():
    # Zeros are published unless needed as complements; here no other cell of the row can be.
    counts = county_table([[6, 0, 0], [40, 25, 31], [18, 44, 12]])
    table = suppress_small_cells(counts)
    assert table.mask.at["钟山区", "研究生"]
    assert table.mask.loc["钟山区", ["本科", "专科"]].any()
    assert table.unprotectable == []
    assert recoverable_cells(counts, table.mask) == []


def test_zero_complements_are_a_last_resort():
    counts = county_table([[6, 0, 70], [40, 0, 31], [18, 44, 12]])
    table = suppress_small_cells(counts)
    assert not table.mask["本科"].any()  # zeros would be free in persons, but are passed over
    assert recoverable_cells(counts, table.mask) == []


def test_cell_revealed_by_a_margin_is_reported_unprotectable():
    # The 5 is the only person in the 研究生 column: the column total says so, whatever is hidden.
    counts = county_table([[5, 30], [0, 0]])
    table = suppress_small_cells(counts)
    assert table.unprotectable == [("钟山区", "研究生")]
    assert table.mask.at["钟山区", "研究生"]  # still hidden in the table itself
    assert recoverable_cells(counts, table.mask) == [("钟山区", "研究生")]


def test_a_one_cell_table_is_unprotectable():
    table = suppress_small_cells(county_table([[3]]))
    assert table.unprotectable == [("钟山区", "研究生")]
    assert table.with_margins().to_numpy().tolist() == [[SUPPRESSION_MARK, 3]]


def test_a_single_row_is_protected_within_the_row():
    counts = county_table([[5, 20, 30]])
    table = suppress_small_cells(counts)
    assert hidden(table) == {("钟山区", "研究生"), ("钟山区", "本科")}
    published = table.with_margins()
    # No total row: it would repeat the cells. The row total is the grand total.
    assert list(published.index) == ["钟山区"]
    assert published.to_numpy().tolist() == [[SUPPRESSION_MARK, SUPPRESSION_MARK, 30, 55]]
    assert recoverable_cells(counts, table.mask) == []


def test_a_single_column_is_protected_within_the_column():
    counts = county_table([[5], [40], [12]])
    table = suppress_small_cells(counts)
    assert hidden(table) == {("钟山区", "研究生"), ("水城区", "研究生")}
    published = table.with_margins()
    assert list(published.columns) == ["研究生"]
    assert published.at["合计", "研究生"] == 57


def test_an_empty_table_has_nothing_to_hide():
    table = suppress_small_cells(pd.DataFrame(index=pd.Index([], dtype=object), columns=LEVELS))
    assert table.mask.shape == (0, 3)
    assert table.unprotectable == []
    assert table.with_margins().loc["合计"].tolist() == [0, 0, 0, 0]


def test_published_table_shows_marks_and_totals_of_the_original_counts():
    counts = county_table([[120, 340, 210], [4, 85, 60], [15, 150, 95], [30, 260, 180]])
    published = suppress_small_cells(counts).with_margins(label_total="全市")
    assert published.at["六枝特区", "研究生"] == SUPPRESSION_MARK
    assert published.at["六枝特区", "全市"] == 149
    assert published.at["全市", "研究生"] == 169
    assert published.at["全市", "全市"] == int(counts.to_numpy().sum())
    with pytest.raises(ValueError, match="already"):
        suppress_small_cells(counts).with_margins(label_total="本科")


# --- the recovery criterion itself ---------------------------------------------------------------


def test_a_lone_hidden_cell_in_a_row_is_recoverable():
    counts = county_table([[120, 340], [4, 85]])
    mask = counts < 10
    assert recoverable_cells(counts, mask) == [("六枝特区", "研究生")]


def test_a_rectangle_of_positive_cells_is_not_recoverable():
    counts = county_table([[120, 340], [4, 85]])
    assert recoverable_cells(counts, counts > 0) == []


def test_two_per_line_is_not_enough_when_a_hidden_cell_bridges_two_rectangles():
    # Hidden: rectangle rows 0-1 × cols 0-1, rectangle rows 2-3 × cols 2-3, and (1, 2) joining
    # them. Every row and column has at least two hidden cells, yet (1, 2) equals
    # (row totals 0+1 − column totals 0+1) of the hidden cells: recoverable by linear algebra.
    counts = pd.DataFrame(np.arange(11, 27).reshape(4, 4), index=list("abcd"), columns=list("wxyz"))
    mask = pd.DataFrame(False, index=counts.index, columns=counts.columns)
    for r, c in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (1, 2)]:
        mask.iat[r, c] = True
    for line in (*mask.sum(axis=0), *mask.sum(axis=1)):
        assert line == 0 or line >= 2
    assert recoverable_cells(counts, mask) == [("b", "y")]


def test_two_per_line_is_not_enough_when_zeros_block_every_shift():
    # A hidden rectangle 5, 0 / 7, 0: raising the 5 needs the 0 beside it to fall below zero,
    # lowering it needs the 0 opposite to, so the non-negativity bounds pin all four cells.
    counts = county_table([[5, 0, 30], [7, 0, 40], [20, 25, 50]])
    mask = pd.DataFrame(False, index=counts.index, columns=counts.columns)
    mask.iloc[0:2, 0:2] = True
    assert set(recoverable_cells(counts, mask)) == {
        ("钟山区", "研究生"),
        ("钟山区", "本科"),
        ("六枝特区", "研究生"),
        ("六枝特区", "本科"),
    }


def test_recoverable_cells_needs_the_mask_of_the_same_table():
    counts = county_table([[120, 340], [4, 85]])
    with pytest.raises(ValueError, match="same row and column labels"):
        recoverable_cells(counts, (counts < 10).T)


# --- long frames and bad input -------------------------------------------------------------------


def test_long_frame_keeps_order_of_appearance_and_counts_absent_pairs_as_zero():
    long = pd.DataFrame(
        {
            "scope_code": ["520201", "520201", "520203", "520221", "520221"],
            "category": ["技能", "专业技术", "技能", "技能", "专业技术"],
            "count": [40, 3, 55, 61, 27],
        }
    )
    table = suppress_counts_long(long, row="scope_code", col="category")
    assert list(table.mask.index) == ["520201", "520203", "520221"]
    assert list(table.mask.columns) == ["技能", "专业技术"]
    assert table.with_margins().at["520203", "专业技术"] == 0
    assert table.primary.at["520201", "专业技术"]
    assert table.mask.index.name == "scope_code" and table.mask.columns.name == "category"


def test_long_frame_with_a_repeated_pair_is_refused():
    long = pd.DataFrame({"scope_code": ["520201", "520201"], "category": ["技能"] * 2, "n": [1, 2]})
    with pytest.raises(ValueError, match="repeated"):
        suppress_counts_long(long, row="scope_code", col="category", value="n")


@pytest.mark.parametrize(
    "rows, message",
    [([[-1, 20]], "negative"), ([[1.5, 20]], "whole numbers"), ([[None, 20]], "missing")],
)
def test_counts_that_are_not_person_counts_are_refused(rows, message):
    with pytest.raises(ValueError, match=message):
        suppress_small_cells(pd.DataFrame(rows, dtype=float))


# --- properties ----------------------------------------------------------------------------------

cell_counts = st.one_of(st.just(0), st.integers(1, 9), st.integers(0, 60))


@st.composite
def count_tables(draw) -> pd.DataFrame:
    n_rows = draw(st.integers(1, 5))
    n_cols = draw(st.integers(1, 5))
    cells = draw(st.lists(cell_counts, min_size=n_rows * n_cols, max_size=n_rows * n_cols))
    return pd.DataFrame(
        np.array(cells, dtype=np.int64).reshape(n_rows, n_cols),
        index=[f"r{i}" for i in range(n_rows)],
        columns=[f"c{j}" for j in range(n_cols)],
    )


@settings(max_examples=150, deadline=None)
@given(count_tables())
def test_no_hidden_cell_can_be_worked_out_except_those_reported(counts):
    table = suppress_small_cells(counts)
    recovered = recoverable_cells(counts, table.mask)
    assert set(recovered) == set(table.unprotectable)
    # Reported cells are exactly the small cells that even hiding everything would not protect.
    everything = pd.DataFrame(True, index=counts.index, columns=counts.columns)
    small = {(r, c) for r, c in recoverable_cells(counts, everything) if 0 < counts.at[r, c] < 10}
    assert set(table.unprotectable) == small


@settings(max_examples=150, deadline=None)
@given(count_tables())
def test_small_cells_are_hidden_and_everything_published_is_true(counts):
    table = suppress_small_cells(counts)
    small = (counts > 0) & (counts < 10)
    assert table.primary.equals(small)
    assert not (small & ~table.mask).to_numpy().any()
    shown = ~table.mask.to_numpy()
    assert (table.values.to_numpy()[shown] == counts.to_numpy()[shown]).all()
    assert np.isnan(table.values.to_numpy()[~shown]).all()
    assert table.row_totals.equals(counts.sum(axis=1))
    assert table.column_totals.equals(counts.sum(axis=0))
    assert table.grand_total == int(counts.to_numpy().sum())
    if not small.to_numpy().any():
        assert not table.mask.to_numpy().any()


@settings(max_examples=50, deadline=None)
@given(count_tables())
def test_suppression_is_deterministic(counts):
    first, second = suppress_small_cells(counts), suppress_small_cells(counts.copy())
    assert first.mask.equals(second.mask)
    assert first.with_margins().equals(second.with_margins())
    assert first.unprotectable == second.unprotectable

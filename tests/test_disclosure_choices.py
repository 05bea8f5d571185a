"""Which cells complementary suppression chooses, and the protection intervals, by hand.

The tables here are small enough to work out on paper; every range a hidden cell can take is
also solved independently in the test with `scipy.optimize.linprog` over the published margins.
The central example is a *cycle* of six small cells (two in every row and column, no four of
them a rectangle): they shift together along the cycle, so each can take any value in [0, 18]
although no hidden rectangle passes through it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog
from test_disclosure_edges import ZHONGSHAN, QueueOnce, hidden_cells, introduced, model_of

from lps_analysis.data import disclosure_model as dm
from lps_analysis.data import suppression as sp
from lps_analysis.data.disclosure import protect_release
from lps_analysis.data.suppression import (
    SUPPRESSION_MARK,
    recoverable_cells,
    suppress_small_cells,
)


def lp_ranges(counts: np.ndarray, hidden: np.ndarray, row_totals: bool = True) -> dict:
    """{(i, j): (min, max)} of every hidden cell over non-negative tables with the same visible
    cells, column totals and (if `row_totals`) row totals; written apart from the package."""
    positions = [tuple(p) for p in np.argwhere(hidden)]
    n_rows, n_cols = counts.shape
    lines = [[(i, j) for j in range(n_cols)] for i in range(n_rows)] if row_totals else []
    lines += [[(i, j) for i in range(n_rows)] for j in range(n_cols)]
    a_eq, b_eq = [], []
    for line in lines:
        a_eq.append([1.0 if p in line else 0.0 for p in positions])
        b_eq.append(float(sum(counts[p] for p in line if hidden[p])))
    ranges = {}
    for k, p in enumerate(positions):
        ends = []
        for sign in (1, -1):
            objective = np.zeros(len(positions))
            objective[k] = sign
            result = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None))
            assert result.status == 0
            ends.append(round(sign * result.fun, 6))
        ranges[(int(p[0]), int(p[1]))] = tuple(ends)
    return ranges


def frame(rows) -> pd.DataFrame:
    return pd.DataFrame(
        rows,
        index=[f"r{i}" for i in range(len(rows))],
        columns=[f"c{j}" for j in range(len(rows[0]))],
    )


def hidden_positions(table) -> set[tuple[int, int]]:
    return {(int(i), int(j)) for i, j in np.argwhere(table.mask.to_numpy())}


# The cycle: (0,0) (0,1) (1,1) (1,2) (2,2) (2,0) hold 9 persons each; 60, 50, 40 fill the rest.
CYCLE = [[9, 9, 60], [50, 9, 9], [9, 40, 9]]
CYCLE_CELLS = {(0, 0), (0, 1), (1, 1), (1, 2), (2, 2), (2, 0)}


# --- suppress_small_cells: a primary that the LP shows unrecoverable gets no complement ---------


def test_a_cycle_of_small_cells_is_hidden_without_complements():
    counts = np.array(CYCLE)
    table = suppress_small_cells(frame(CYCLE))
    # Each 9 has one other hidden cell in its row and one in its column, so it is not alone in a
    # line, and no hidden rectangle passes through it; the LP finds it unrecoverable (the cycle
    # shifts by t in [-9, 9]), so nothing is added.
    assert hidden_positions(table) == CYCLE_CELLS
    assert hidden_positions(table) == {(int(i), int(j)) for i, j in np.argwhere(counts < 10)}
    ranges = lp_ranges(counts, table.mask.to_numpy())
    assert ranges == {p: (0.0, 18.0) for p in CYCLE_CELLS}
    assert recoverable_cells(frame(CYCLE), table.mask) == []
    assert table.unprotectable == []


def test_a_cell_recoverable_elsewhere_does_not_buy_the_cycle_a_complement():
    # The cycle again, with a fourth row and column of 30s and a lone 5 where they meet. The 5 is
    # recoverable while the cycle cells are checked; that must not count against them. The 5 then
    # gets the cheapest rectangle: 30 beside, 30 below and a hidden cycle cell opposite (cost 60,
    # every cycle cell ties; the first in table order, (0, 0), is taken).
    rows = [[*row, 30] for row in CYCLE] + [[30, 30, 30, 5]]
    table = suppress_small_cells(frame(rows))
    assert hidden_positions(table) == CYCLE_CELLS | {(3, 3), (3, 0), (0, 3)}
    ranges = lp_ranges(np.array(rows), table.mask.to_numpy())
    # Row 3 gives x30 + x33 = 35 and column 3 x03 + x33 = 35; the cycle absorbs the rest, e.g.
    # x33 = 35 with x00 = 30, x01 = 18, x20 = 18 and the other cycle cells 18 or 0.
    assert ranges[(3, 3)] == (0.0, 35.0)
    assert all(high - low > 0 for low, high in ranges.values())


def test_a_small_cell_recovered_through_another_gets_a_rectangle():
    # 2 x 3 with small cells 3 and 4 in column 0 and 6 beside the 3. The 3 comes first: two
    # hidden cells in its row and two in its column, but the 4 is alone in row 1, so the LP
    # recovers it and then the 3 from column 0: the 3 gets a rectangle.
    rows = [[3, 6, 80], [4, 70, 90]]
    table = suppress_small_cells(frame(rows))
    # Rectangles through (0,0), cheapest new persons: (0,1) 6 is hidden already, (1,0) 4 too,
    # so (1,1) 70 completes one at 70 persons, against 80 + 90 via column 2.
    assert hidden_positions(table) == {(0, 0), (0, 1), (1, 0), (1, 1)}
    ranges = lp_ranges(np.array(rows), table.mask.to_numpy())
    assert ranges[(0, 0)] == (0.0, 7.0) and ranges[(1, 1)] == (67.0, 74.0)


# --- _recoverable_positions: `only` limits the answer to the cells asked about -----------------


def test_only_the_cells_asked_about_are_reported():
    cells = np.array([[20, 3], [40, 50]])
    mask = np.array([[False, True], [False, False]])  # the 3 alone: its row total gives it away
    assert sp._recoverable_positions(cells, mask) == [(0, 1)]
    assert sp._recoverable_positions(cells, mask, only=[(0, 1)]) == [(0, 1)]
    assert sp._recoverable_positions(cells, mask, only=[]) == []
    both = np.array([[True, True], [False, False]])  # 20 and 3 hidden: column totals fix both
    assert sp._recoverable_positions(cells, both, only=[(0, 0)]) == [(0, 0)]
    assert sp._recoverable_positions(cells, both, only=[(0, 1)]) == [(0, 1)]
    assert sp._recoverable_positions(cells, both) == [(0, 0), (0, 1)]


def test_nothing_hidden_nothing_recovered():
    assert sp._recoverable_positions(np.array([[5, 7]]), np.zeros((1, 2), dtype=bool)) == []


# --- published margins: a two-column table publishes its row totals -----------------------------


def test_row_totals_of_a_two_column_table_are_published():
    rows = [[11, 12], [13, 14], [15, 16]]
    # (1, 0) is the only hidden cell of row 1, so the row total 27 gives it; columns 0 and 1 each
    # have two hidden cells, so the column totals alone would not.
    mask = np.array([[True, True], [True, False], [False, True]])
    assert lp_ranges(np.array(rows), mask, row_totals=False)[(1, 0)] == (0.0, 24.0)
    assert lp_ranges(np.array(rows), mask)[(1, 0)] == (13.0, 13.0)
    found = recoverable_cells(
        frame(rows), pd.DataFrame(mask, index=frame(rows).index, columns=frame(rows).columns)
    )
    exact = [p for p, (lo, hi) in lp_ranges(np.array(rows), mask).items() if hi - lo < 1e-6]
    assert found == [(f"r{i}", f"c{j}") for i, j in sorted(exact)]
    assert ("r1", "c0") in found


@pytest.mark.parametrize(
    "shape, expected",
    [
        ((1, 1), [[0]]),
        ((1, 3), [[0, 1, 2], [0, 1, 2]]),
        ((2, 1), [[0, 1], [0, 1]]),
        ((2, 2), [[0, 1], [2, 3], [0, 2], [1, 3], [0, 1, 2, 3]]),
        ((1, 2), [[0, 1], [0, 1]]),
        ((3, 2), [[0, 1], [2, 3], [4, 5], [0, 2, 4], [1, 3, 5], [0, 1, 2, 3, 4, 5]]),
    ],
)
def test_published_lines_by_shape(shape, expected):
    # A row total is published only when the row has two cells or more (else it is the cell),
    # a column total only when the column has; the grand total always, last.
    assert [line.tolist() for line in sp._published_lines(shape)] == expected


# --- inputs that are not a table of person counts -----------------------------------------------


def test_counts_given_as_text_are_refused_as_not_numbers():
    counts = pd.DataFrame({"x": [20, 30], "y": ["三", "40"]}, index=["甲", "乙"])
    with pytest.raises(ValueError, match="counts must be numbers of persons"):
        suppress_small_cells(counts)


def test_a_mask_with_a_missing_entry_is_refused():
    counts = frame([[20, 3], [40, 50]])
    mask = pd.DataFrame(
        {"c0": pd.array([False, False], dtype="boolean"), "c1": pd.array([True, None])},
        index=counts.index,
    ).astype("boolean")
    with pytest.raises(ValueError):
        recoverable_cells(counts, mask)


def test_a_mask_of_ones_and_zeros_is_read_as_true_and_false():
    counts = frame([[20, 3], [40, 50]])
    ones = pd.DataFrame([[0, 1], [0, 0]], index=counts.index, columns=counts.columns)
    assert recoverable_cells(counts, ones) == [("r0", "c1")]


# --- with_margins keeps every column as objects --------------------------------------------------


@pytest.mark.parametrize("rows", [[[3, 30]], [[3], [4], [40]], [[3, 30], [4, 40]]])
def test_the_published_table_is_all_objects_even_where_a_column_is_all_marks(rows):
    published = suppress_small_cells(frame(rows)).with_margins()
    assert [str(dtype) for dtype in published.dtypes] == ["object"] * published.shape[1]
    assert SUPPRESSION_MARK in published.to_numpy().ravel().tolist()
    assert all(isinstance(v, int) for v in published.to_numpy().ravel() if v != SUPPRESSION_MARK)


# --- the release: local rectangles come first, before the LP over the whole release ------------

# 钟山区 alone, every talent introduced, sectors 教育 78, 卫生 68, 农业 58 persons (rows in that
# order), the cycle in the doctorate, master and college columns (bachelor and secondary are 0).
CYCLE_RELEASE = {
    ("教育", "doctorate"): 9, ("教育", "master"): 9, ("教育", "college"): 60,
    ("卫生", "doctorate"): 50, ("卫生", "master"): 9, ("卫生", "college"): 9,
    ("农业", "doctorate"): 9, ("农业", "master"): 40, ("农业", "college"): 9,
}  # fmt: skip
CYCLE_HIDDEN = {
    ("教育", "doctorate"), ("教育", "master"), ("卫生", "master"),
    ("卫生", "college"), ("农业", "college"), ("农业", "doctorate"),
}  # fmt: skip


def test_local_protection_of_the_cycle_queues_its_one_new_figure_once():
    model = model_of(introduced(ZHONGSHAN, CYCLE_RELEASE))
    key = (ZHONGSHAN, "all")
    hidden = np.zeros(len(model.items), dtype=bool)
    nines = [
        model.item_of[(key, i, j)] for i, j in [(0, 0), (0, 1), (1, 1), (1, 3), (2, 3), (2, 0)]
    ]
    hidden[nines] = True
    queue = QueueOnce(sorted(nines))
    dm.protect_locally(model, hidden, queue)
    forty = model.item_of[(key, 2, 1)]
    assert queue.queued == [forty]
    assert set(np.flatnonzero(hidden).tolist()) == {*nines, forty}


def test_each_small_figure_gets_a_rectangle_in_its_table_even_if_the_cycle_covers_it():
    release = protect_release(introduced(ZHONGSHAN, CYCLE_RELEASE), 2020)
    # The LP alone would accept the six 9s (each ranges over [0, 18]); the local step first
    # gives (教育, doctorate) the cheapest wide rectangle: via 9 beside it and 9 in 农业, 40 is
    # the only new figure (via 卫生 it would be 50, via college 60). Every other 9 then lies in
    # the hidden rectangle {教育 or 卫生} x ... with 40: nothing more.
    for layer in ("all", "introduced"):
        assert hidden_cells(release, ZHONGSHAN, layer) == CYCLE_HIDDEN | {("农业", "master")}
        assert hidden_cells(release, "520200", layer) == set()
    assert release.unprotectable == []
    table = release.table(ZHONGSHAN, "all")
    counts = table.counts.to_numpy()
    ranges = lp_ranges(counts, table.hidden[:-1, :-1])
    rows, columns = list(table.counts.index), list(table.counts.columns)
    named = {(rows[i], columns[j]): span for (i, j), span in ranges.items()}
    assert named == {**{p: (0.0, 18.0) for p in CYCLE_HIDDEN}, ("农业", "master"): (22.0, 58.0)}
    for (key, i, j), (low, high) in release.intervals.items():
        assert key[0] == ZHONGSHAN
        truth_low, truth_high = named[(rows[i], columns[j])]
        assert truth_low - 1e-6 <= low and high <= truth_high + 1e-6 and high - low >= 10 - 1e-6


def test_a_one_sector_county_shifts_persons_within_its_row():
    # 钟山区 with one sector: its row and the total row are the same figures, so a rectangle
    # through a cell there moves t between two cells of the row (the totals move with them).
    model = model_of(
        introduced(
            ZHONGSHAN, {("教育", "doctorate"): 5, ("教育", "master"): 40, ("教育", "college"): 20}
        )
    )
    key = (ZHONGSHAN, "all")
    doctorate = model.item_of[(key, 0, 0)]
    assert model.item_of[(key, 1, 0)] == doctorate
    found = dm.rectangles_through(model, key, 0, 0)
    by_partner = {}
    for rectangle in found:
        assert set(rectangle.items) - {doctorate}
        (partner,) = set(rectangle.items) - {doctorate}
        by_partner[model.positions[partner][0][1:]] = rectangle.width
    # master 40 -> 5 + 40; bachelor 0 -> 5 + 0; college 20 -> 25; secondary 0 -> 5. The pair
    # with the row total is no rectangle (every corner would move the same way).
    columns = ["doctorate", "master", "bachelor", "college", "secondary"]
    widths = {columns[j]: w for (_, j), w in by_partner.items()}
    assert widths == {"master": 45.0, "bachelor": 5.0, "college": 25.0, "secondary": 5.0}
    assert all(len(r.items) == 2 and r.totals == frozenset(r.items) for r in found)


def test_a_rectangle_in_a_table_of_distinct_figures_has_four_corners():
    model = model_of(introduced(ZHONGSHAN, CYCLE_RELEASE))
    key = (ZHONGSHAN, "all")
    found = dm.rectangles_through(model, key, 0, 0)
    # Rows 教育 卫生 农业 + total, columns 5 levels + total: 3 x 5 opposite corners, all distinct
    # figures; the one opposite at the grand total is none (its four corners all fall together).
    assert len(found) == 14
    wanted = {model.item_of[(key, i, j)] for i, j in [(0, 0), (0, 1), (2, 0), (2, 1)]}
    (rectangle,) = [r for r in found if set(r.items) == wanted]
    # (0,0) and (2,1) fall together (9 and 40), (0,1) and (2,0) rise (9 and 9): 9 + 9.
    assert rectangle.width == 18.0 and rectangle.totals == frozenset()
    total_row = model.item_of[(key, 3, 0)]
    with_total = [
        r for r in found if total_row in r.items and model.item_of[(key, 0, 1)] in r.items
    ]
    # (0,0) 9 and the doctorate total 68 fall; (0,1) 9 rises, the master total 58 too.
    assert [r.width for r in with_total] == [9.0 + 9.0]


def test_the_cheapest_rectangle_is_wide_then_without_zeros_totals_and_persons():
    model = model_of(introduced(ZHONGSHAN, CYCLE_RELEASE))
    key = (ZHONGSHAN, "all")

    def item(i, j):
        return model.item_of[(key, i, j)]

    nine, forty, fifty, sixty = item(0, 0), item(2, 1), item(1, 0), item(0, 3)
    zero, total, grand = item(0, 2), item(3, 0), item(3, 5)
    assert [model.values[k] for k in (nine, forty, fifty, sixty, zero)] == [9, 40, 50, 60, 0]
    hidden = np.zeros(len(model.items), dtype=bool)
    hidden[nine] = True

    def rect(items, width, totals=()):
        return dm.Rectangle(tuple(items), float(width), frozenset(totals))

    def pick(*rectangles, grand_ok=False):
        return dm.cheapest(model, hidden, list(rectangles), grand=grand_ok)

    wide, narrow, narrower = rect([nine, sixty], 10), rect([nine, fifty], 9), rect([nine, forty], 3)
    assert pick(narrow, wide) == wide  # 10 persons wide beats fewer persons hidden
    assert pick(narrower, narrow) == narrow  # none wide: the widest, though it hides more
    # Exactly 10 wide is wide, and then no better than 12 wide: fewer persons decide.
    assert pick(rect([nine, sixty], 10), rect([nine, forty], 12)).items == (nine, forty)
    assert pick(rect([nine, sixty], 12), rect([nine, forty], 10)).items == (nine, forty)
    assert pick(rect([nine, zero], 30), rect([nine, sixty], 12)).items == (nine, sixty)
    assert pick(rect([nine, total], 30, [total]), rect([nine, sixty], 12)).items == (nine, sixty)
    assert pick(rect([nine, sixty], 30), rect([nine, forty], 12)).items == (nine, forty)
    assert pick(rect([nine, forty, fifty], 30), rect([nine, sixty], 12)).items == (nine, sixty)
    assert pick(rect([nine, forty], 12), rect([nine, fifty], 12)).items == (nine, forty)
    # A scope's grand total is hidden only when asked; a rectangle hidden already is no option.
    assert pick(rect([nine, grand], 30)) is None
    assert dm.cheapest(model, hidden, [rect([nine, grand], 30)]) is None  # by default
    assert pick(rect([nine, grand], 30), grand_ok=True).items == (nine, grand)
    hidden[forty] = True
    assert pick(rect([nine, forty], 12)) is None
    # Figures hidden already cost nothing: with 40 hidden, 50 new persons beat 60.
    cheaper = rect([nine, forty, fifty], 12)
    assert pick(cheaper, rect([nine, sixty], 12)) == cheaper

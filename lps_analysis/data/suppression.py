"""Small-cell suppression for published tables of person counts (statistical disclosure control).

A table counts persons, e.g. counties × education levels, and is published with its row totals,
column totals and grand total, which are never suppressed. Cells that could single out a few
persons are hidden, together with enough other cells that none of the hidden ones can be worked
out exactly from what is published.

Policies
--------
Primary suppression
    Every cell with ``0 < count < threshold``.
Zero cells
    Never primary: a true zero says nothing about any person. Zeros *may* be hidden as
    complements, but only as a last resort: a hidden zero lets the cell opposite it move in one
    direction only, so a non-zero complement is always preferred to one with more zeros.
Complementary suppression
    Each primary cell that is still recoverable gets the cheapest rectangle of hidden cells
    through it (the "hypercube" method for two-way tables): a second cell in its row, a second in
    its column and the cell where those meet. Cost, compared in this order: number of zeros newly
    hidden, persons newly hidden, cells newly hidden, then table order (first row, first column).
    Cells already hidden cost nothing. A rectangle only protects when the counts can move along
    it: the opposite corner is non-zero, or both neighbours are. A primary cell already inside
    such a hidden rectangle, or shown by the LP to be unrecoverable, gets nothing new.
Final check
    `recoverable_cells` (linear programming) is run on the result; while a hidden cell other than
    an unprotectable one is recoverable, the smallest visible cell of its row or column is hidden
    too. With rectangles this loop is a safety net and is not expected to add anything.
Unprotectable cells
    A primary cell that is recoverable from the margins alone (even if every cell of the table were
    hidden), e.g. the only cell of a 1×1 table, or a small cell whose column total is non-zero
    only through it while every other row is empty. It is still shown as hidden, no complements are
    spent on it, and it is listed in `SuppressedTable.unprotectable` so that the analyst can merge
    categories or drop the table. (A small cell that is merely the only non-zero cell of its row
    is *not* unprotectable under this zero policy: hiding the zeros beside it protects it.)
Single row or column
    A table with one row has column totals identical to its cells, so they are not published
    separately: only the row total (the grand total) is, and protection happens within the row.
    Likewise for a single column. `with_margins` leaves out the repeated margin.

The protection criterion here is exact recovery within one table only: a hidden cell may still be
narrowed to a short interval (e.g. 4–5 persons), and tables that share figures (a county's totals
are the city's cells) are not protected together. The reports therefore take their pattern from
:func:`lps_analysis.data.disclosure.protect_release`, which decides it over the whole release
with a protection interval; this module remains for single stand-alone tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from numbers import Integral

import numpy as np
import pandas as pd
from scipy.optimize import linprog

DEFAULT_THRESHOLD = 10  # persons
SUPPRESSION_MARK = "—"
SUPPRESSION_NOTE_ZH = "“—”表示为保护个人信息而隐去的小于10人的单元格（含为防止反推而隐去的单元格）"
RECOVERY_TOLERANCE = 1e-6  # persons: a hidden cell whose range is narrower than this is recovered

Position = tuple[int, int]


@dataclass(frozen=True, eq=False)
class SuppressedTable:
    """A table of person counts ready to publish, with its suppression pattern.

    Holds only what may be published: the visible cells and the margins, never the hidden counts.

    Attributes
    ----------
    values : pd.DataFrame
        Counts (persons) as floats; NaN where a cell is hidden.
    mask : pd.DataFrame
        True where a cell is hidden (primary or complementary).
    primary : pd.DataFrame
        True where a cell is hidden because ``0 < count < threshold``.
    row_totals, column_totals : pd.Series
        Margins (persons) computed from the original counts.
    grand_total : int
        Persons in the whole table.
    threshold : int
        Smallest count published as it is.
    unprotectable : list of tuple
        ``(row_label, column_label)`` of hidden cells that the published margins reveal anyway.
    """

    values: pd.DataFrame
    mask: pd.DataFrame
    primary: pd.DataFrame
    row_totals: pd.Series
    column_totals: pd.Series
    grand_total: int
    threshold: int = DEFAULT_THRESHOLD
    unprotectable: list[tuple] = field(default_factory=list)

    @property
    def complementary(self) -> pd.DataFrame:
        """True where a cell is hidden only so that a primary cell cannot be worked out."""
        return self.mask & ~self.primary

    @property
    def note_zh(self) -> str:
        """The footnote explaining the mark, for this table's threshold."""
        return SUPPRESSION_NOTE_ZH.replace("小于10人", f"小于{self.threshold}人")

    def with_margins(self, label_total: str = "合计") -> pd.DataFrame:
        """The table as published: hidden cells as "—", plus row and column totals.

        Totals come from the original counts. A table with one row gets no total row (it would
        repeat the cells); one with one column and several rows gets no total column.

        Parameters
        ----------
        label_total : str
            Label of the total row and column.

        Returns
        -------
        pd.DataFrame
            Object dtype: ints (persons) and the mark ``SUPPRESSION_MARK``.
        """
        if label_total in self.values.index or label_total in self.values.columns:
            raise ValueError(f"label_total {label_total!r} is already a row or column label")
        n_rows, n_cols = self.values.shape
        cells = np.empty((n_rows, n_cols), dtype=object)
        for i in range(n_rows):
            for j in range(n_cols):
                cells[i, j] = (
                    SUPPRESSION_MARK if self.mask.iat[i, j] else int(self.values.iat[i, j])
                )
        table = pd.DataFrame(
            cells, index=self.values.index, columns=self.values.columns, dtype=object
        )
        show_total_column, show_total_row = _published_margins(n_rows, n_cols)
        if show_total_column:
            table[label_total] = pd.Series(
                [int(v) for v in self.row_totals], index=table.index, dtype=object
            )
        if show_total_row:
            total_row = [int(v) for v in self.column_totals]
            if show_total_column:
                total_row.append(int(self.grand_total))
            total = pd.DataFrame(
                [total_row], index=[label_total], columns=table.columns, dtype=object
            )
            table = pd.concat([table, total]) if len(table) else total
        table.index.name = self.values.index.name
        table.columns.name = self.values.columns.name
        return table


def suppress_small_cells(
    counts: pd.DataFrame, *, threshold: int = DEFAULT_THRESHOLD
) -> SuppressedTable:
    """Hide small cells and enough others that none can be worked out from the margins.

    Parameters
    ----------
    counts : pd.DataFrame
        Non-negative integer counts (persons), without margins; unique row and column labels.
    threshold : int
        Cells with ``0 < count < threshold`` are primary suppressions (default 10 persons).

    Returns
    -------
    SuppressedTable
        See the module docstring for the zero, complement and unprotectable policies.
    """
    cells = _checked_counts(counts)
    if isinstance(threshold, bool) or not isinstance(threshold, Integral) or threshold < 1:
        raise ValueError(f"threshold must be a positive integer number of persons: {threshold!r}")
    threshold = int(threshold)

    primary = (cells > 0) & (cells < threshold)
    mask = primary.copy()
    unprotectable: list[Position] = []
    for position in zip(*np.nonzero(primary), strict=True):
        position = (int(position[0]), int(position[1]))
        if not _protectable(cells, position):
            unprotectable.append(position)
            continue
        if _shifts_with_hidden_cells(cells, mask, position):
            continue  # already protected by cells hidden so far; skips an LP solve
        # In a single row or column the check above is exact; in a two-way table a hidden cell
        # alone in its row or column is recoverable, so only other cases need the LP.
        row, column = position
        alone_in_a_line = mask[row, :].sum() < 2 or mask[:, column].sum() < 2
        if (
            min(cells.shape) == 1
            or alone_in_a_line
            or _recoverable_positions(cells, mask, only=[position])
        ):
            for cell in _cheapest_protection(cells, mask, position):
                mask[cell] = True

    # Safety net: the exact criterion on every hidden cell that cannot be seen at once to shift.
    while True:
        uncertain = [
            (int(i), int(j))
            for i, j in zip(*np.nonzero(mask), strict=True)
            if (int(i), int(j)) not in unprotectable
            and not _shifts_with_hidden_cells(cells, mask, (int(i), int(j)))
        ]
        exposed = _recoverable_positions(cells, mask, only=uncertain) if uncertain else []
        if not exposed:
            break
        i, j = exposed[0]
        candidates = [(i, c) for c in range(cells.shape[1]) if not mask[i, c]]
        candidates += [(r, j) for r in range(cells.shape[0]) if not mask[r, j]]
        if not candidates:
            unprotectable.append((i, j))
            continue
        r, c = min(candidates, key=lambda p: (cells[p] == 0, cells[p], p))
        mask[r, c] = True

    index, columns = counts.index, counts.columns
    mask_frame = pd.DataFrame(mask, index=index, columns=columns)
    values = pd.DataFrame(cells.astype(float), index=index, columns=columns).mask(mask_frame)
    return SuppressedTable(
        values=values,
        mask=mask_frame,
        primary=pd.DataFrame(primary, index=index, columns=columns),
        row_totals=pd.Series(cells.sum(axis=1), index=index, dtype="int64"),
        column_totals=pd.Series(cells.sum(axis=0), index=columns, dtype="int64"),
        grand_total=int(cells.sum()),
        threshold=threshold,
        unprotectable=[(index[i], columns[j]) for i, j in sorted(unprotectable)],
    )


def recoverable_cells(counts: pd.DataFrame, mask: pd.DataFrame) -> list[tuple]:
    """Hidden cells whose exact count follows from the visible cells and the margins.

    A hidden cell is recoverable when, over all non-negative real tables that agree with the
    visible cells, the row totals, the column totals and the grand total, its minimum and maximum
    differ by at most ``RECOVERY_TOLERANCE`` (solved with ``scipy.optimize.linprog``). Margins
    that merely repeat the cells (a one-row or one-column table) are not counted as published.

    Parameters
    ----------
    counts : pd.DataFrame
        The original counts (persons).
    mask : pd.DataFrame
        True where a cell is hidden; same labels as `counts`.

    Returns
    -------
    list of tuple
        ``(row_label, column_label)`` in table order.
    """
    cells = _checked_counts(counts)
    if not (mask.index.equals(counts.index) and mask.columns.equals(counts.columns)):
        raise ValueError("mask must have the same row and column labels as counts")
    hidden = mask.to_numpy(dtype=bool)
    return [(counts.index[i], counts.columns[j]) for i, j in _recoverable_positions(cells, hidden)]


def suppress_counts_long(
    frame: pd.DataFrame,
    *,
    row: str,
    col: str,
    value: str = "count",
    threshold: int = DEFAULT_THRESHOLD,
) -> SuppressedTable:
    """Suppress a long table of counts, e.g. persons by ``scope_code`` × ``category``.

    Rows and columns keep the order in which their labels first appear in `frame`; a combination
    absent from `frame` counts as zero persons. Each combination must appear at most once
    (aggregate other dimensions first).

    Parameters
    ----------
    frame : pd.DataFrame
        One row per (row label, column label) with a count in `value`.
    row, col : str
        Columns of `frame` giving the table's rows and columns.
    value : str
        Column of `frame` holding the count (persons).
    threshold : int
        As in `suppress_small_cells`.
    """
    missing = [name for name in (row, col, value) if name not in frame.columns]
    if missing:
        raise ValueError(f"columns not in frame: {missing}")
    keys = frame[[row, col]]
    if keys.isna().any().any():
        raise ValueError(f"{row!r} and {col!r} must not be empty")
    duplicated = keys[keys.duplicated(keep=False)].drop_duplicates()
    if not duplicated.empty:
        pairs = list(duplicated.itertuples(index=False, name=None))[:5]
        raise ValueError(f"each ({row}, {col}) must appear once; repeated: {pairs}")
    wide = (
        frame.set_index([row, col])[value]
        .unstack(col)
        .reindex(index=pd.unique(frame[row]), columns=pd.unique(frame[col]))
        .fillna(0)
    )
    wide.index.name, wide.columns.name = row, col
    return suppress_small_cells(wide, threshold=threshold)


def _checked_counts(counts: pd.DataFrame) -> np.ndarray:
    """The counts as an int64 array, or a ValueError saying what is wrong with them."""
    if not isinstance(counts, pd.DataFrame):
        raise TypeError(f"counts must be a DataFrame, not {type(counts).__name__}")
    if not (counts.index.is_unique and counts.columns.is_unique):
        raise ValueError("row and column labels of counts must be unique")
    if counts.size == 0:
        return np.zeros(counts.shape, dtype=np.int64)
    try:
        cells = counts.to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"counts must be numbers of persons: {exc}") from exc
    if np.isnan(cells).any():
        raise ValueError("counts must not contain missing values")
    if (cells < 0).any():
        raise ValueError("counts must not be negative")
    if (cells != np.round(cells)).any():
        raise ValueError("counts must be whole numbers of persons")
    return cells.astype(np.int64)


def _published_margins(n_rows: int, n_cols: int) -> tuple[bool, bool]:
    """(row totals published, column totals published): not when they repeat the cells."""
    return n_cols != 1 or n_rows == 1, n_rows != 1


def _published_lines(shape: tuple[int, int]) -> list[np.ndarray]:
    """Flat cell positions summed by each published margin, the grand total last."""
    n_rows, n_cols = shape
    flat = np.arange(n_rows * n_cols).reshape(shape)
    lines = []
    if n_cols > 1:  # otherwise each row total is its one cell, not published (see module doc)
        lines += [flat[i, :] for i in range(n_rows)]
    if n_rows > 1:
        lines += [flat[:, j] for j in range(n_cols)]
    lines.append(flat.ravel())
    return lines


def _recoverable_positions(
    cells: np.ndarray, mask: np.ndarray, only: list[Position] | None = None
) -> list[Position]:
    """Positions of hidden cells (all, or those in `only`) that the LP pins to one value."""
    hidden = [(int(i), int(j)) for i, j in zip(*np.nonzero(mask), strict=True)]
    if not hidden:
        return []
    n_cols = cells.shape[1]
    variable_of = {i * n_cols + j: k for k, (i, j) in enumerate(hidden)}
    truth = np.array([cells[p] for p in hidden], dtype=float)

    rows_eq, totals_eq = [], []
    for line in _published_lines(cells.shape):
        variables = [variable_of[p] for p in line.tolist() if p in variable_of]
        if variables:
            coefficients = np.zeros(len(hidden))
            coefficients[variables] = 1.0
            rows_eq.append(coefficients)
            totals_eq.append(truth[variables].sum())  # the margin less its visible cells
    a_eq, b_eq = np.array(rows_eq), np.array(totals_eq)

    def solve(objective: np.ndarray, position: Position) -> np.ndarray:
        result = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        if result.status != 0:
            raise RuntimeError(f"linear programme failed for cell {position}: {result.message}")
        return result.x

    # Any feasible table where a cell differs from its true count shows that the cell is not
    # recoverable; every LP solution is such a table, so one solve often settles several cells.
    moves = np.zeros(len(hidden), dtype=bool)
    asked = None if only is None else set(only)
    wanted = [p for p in hidden if asked is None or p in asked]  # table order
    recovered = []
    for position in wanted:
        k = hidden.index(position)
        if moves[k]:
            continue
        objective = np.zeros(len(hidden))
        objective[k] = 1.0
        extremes = []
        for sign in (1.0, -1.0):
            x = solve(sign * objective, position)
            moves |= np.abs(x - truth) > RECOVERY_TOLERANCE
            extremes.append(x[k])
            if moves[k]:
                break
        if not moves[k] and extremes[1] - extremes[0] <= RECOVERY_TOLERANCE:
            recovered.append(position)
    return recovered


def _protectable(cells: np.ndarray, position: Position) -> bool:
    """Whether some suppression pattern hides the (non-zero) cell from the margins."""
    return bool(_protection_candidates(cells, position))


def _protection_candidates(cells: np.ndarray, position: Position) -> list[list[Position]]:
    """Sets of other cells which, hidden with `position`, let its count move.

    In a two-way table: rectangles whose counts can shift, i.e. the cell and the opposite corner
    are both non-zero (both can fall) or the two neighbours are (they can fall). For a non-zero
    cell such a rectangle exists exactly when the margins alone do not fix it. In a single row or
    column: any other cell of it, when one of the pair is non-zero.
    """
    n_rows, n_cols = cells.shape
    i, j = position
    own = cells[position] > 0
    if n_rows == 1 or n_cols == 1:
        line = [(r, c) for r in range(n_rows) for c in range(n_cols) if (r, c) != position]
        return [[p] for p in line if own or cells[p] > 0]
    rectangles = []
    for r in range(n_rows):
        for c in range(n_cols):
            if r == i or c == j:
                continue
            beside, below, opposite = (i, c), (r, j), (r, c)
            if (own and cells[opposite] > 0) or (cells[beside] > 0 and cells[below] > 0):
                rectangles.append([beside, below, opposite])
    return rectangles


def _shifts_with_hidden_cells(cells: np.ndarray, mask: np.ndarray, position: Position) -> bool:
    """Whether some candidate set of `_protection_candidates` is hidden already."""
    return any(
        all(mask[p] for p in candidate) for candidate in _protection_candidates(cells, position)
    )


def _cheapest_protection(cells: np.ndarray, mask: np.ndarray, position: Position) -> list[Position]:
    """The candidate set hiding fewest new zeros, then persons, then cells; first in table order."""

    def cost(candidate: list[Position]):
        new = [p for p in candidate if not mask[p]]
        return (
            sum(cells[p] == 0 for p in new),
            sum(int(cells[p]) for p in new),
            len(new),
            candidate[-1],
        )

    return min(_protection_candidates(cells, position), key=cost)

"""The release as a linear model: every printed figure a sum of base counts (for `disclosure`).

`Model` holds the figures of all tables (one figure however many tables print it) and solves
the attacker's linear programme; the rectangle helpers choose complementary figures table by
table (a figure, one more in its row, one in its column and the corner where they meet, totals
counting as a row and a column), and `more_to_hide` what to hide next when the LP over the whole
release finds a figure still too narrow.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

from lps_analysis.data.disclosure_tables import BASE_COLUMNS, LAYERS, TableSpec
from lps_analysis.data.tables import EDUCATION_LEVELS

TOLERANCE = 1e-6  # persons


def _base_cells(counts: pd.DataFrame, specs: list[TableSpec]) -> pd.DataFrame:
    """`person_counts` of the published years, with a zero row for every absent combination."""
    years = sorted({s.year for s in specs})
    used = counts[counts["year"].isin(years)]
    indexed = used.set_index(BASE_COLUMNS)["persons"]
    parts = []
    for year in years:
        of_year = used[used["year"] == year]
        grid = pd.MultiIndex.from_product(
            [
                [year],
                sorted({c for s in specs if s.year == year for c in s.scope_codes}),
                sorted(of_year["sector"].unique()),
                list(EDUCATION_LEVELS),
                sorted(set(of_year["origin"]) | {"introduced"}),
            ],
            names=BASE_COLUMNS,
        )
        parts.append(indexed.reindex(grid, fill_value=0))
    return pd.concat(parts).rename("persons").reset_index()


class Model:
    """Figures of all tables as sums of base cells; the LP an attacker would solve."""

    def __init__(self, counts: pd.DataFrame, specs: list[TableSpec], threshold: int):
        self.threshold = threshold
        self.specs = specs
        self.spec_of = {s.key: s for s in specs}
        self.points: list[np.ndarray] = []  # feasible tables met so far (values of every item)
        base = _base_cells(counts, specs)
        self.persons = base["persons"].to_numpy(dtype=float)
        fixed = np.zeros(len(base), dtype=bool)  # known zero: no row or column prints them
        cells = {}
        column = {name: base[name].to_numpy() for name in BASE_COLUMNS}
        for spec in specs:
            in_table = (column["year"] == spec.year) & np.isin(
                column["scope_code"], spec.scope_codes
            )
            if LAYERS[spec.layer] is not None:
                in_table &= np.isin(column["origin"], LAYERS[spec.layer])
            row_of, education = column[spec.rows], column["education"]
            printed = np.isin(row_of, spec.row_order) & np.isin(education, spec.column_order)
            fixed |= in_table & ~printed & (self.persons == 0)
            for i, row in enumerate(spec.row_order):
                in_row = in_table & (row_of == row)
                for j, col in enumerate(spec.column_order):
                    cells[(spec.key, i, j)] = np.flatnonzero(in_row & (education == col))
        self.fixed = fixed
        self.item_of: dict[tuple, int] = {}  # (table key, i, j) → item; i/j = len: the total
        self.items: list[frozenset] = []
        self.positions: list[list[tuple]] = []
        index: dict[frozenset, int] = {}
        for spec in specs:
            n_rows, n_cols = len(spec.row_order), len(spec.column_order)
            for i in range(n_rows + 1):
                for j in range(n_cols + 1):
                    rows = range(n_rows) if i == n_rows else [i]
                    cols = range(n_cols) if j == n_cols else [j]
                    members = frozenset(
                        int(b)
                        for r in rows
                        for c in cols
                        for b in cells[(spec.key, r, c)]
                        if not fixed[b]
                    )
                    item = index.setdefault(members, len(index))
                    if item == len(self.items):
                        self.items.append(members)
                        self.positions.append([])
                    self.item_of[(spec.key, i, j)] = item
                    self.positions[item].append((spec.key, i, j))
        self.values = np.array([self.persons[list(m)].sum() for m in self.items])
        self.grand = {self.item_of[(s.key, len(s.row_order), len(s.column_order))] for s in specs}
        rows_, cols_ = [], []
        for k, members in enumerate(self.items):
            rows_ += [k] * len(members)
            cols_ += sorted(members)
        self.matrix = csr_matrix(
            (np.ones(len(rows_)), (rows_, cols_)), shape=(len(self.items), len(base))
        )
        self.nonempty = np.array([bool(m) for m in self.items])
        self.bounds = np.column_stack([np.zeros(len(base)), np.where(fixed, 0.0, np.inf)])

    def interval(self, hidden: np.ndarray, item: int, exact: bool = False) -> tuple[float, float]:
        """Smallest and largest value of `item` over all tables consistent with the release.

        Every LP solution is a table consistent with what is shown; while the hidden set only
        grows, those tables stay consistent, so an item they already spread by `threshold` needs
        no LP (the span found so far is returned: the true interval is at least as wide), unless
        `exact`.
        """
        if self.points and not exact:
            seen = np.array([p[item] for p in self.points])
            if seen.max() - seen.min() >= self.threshold - TOLERANCE:
                return float(seen.min()), float(seen.max())
        shown = np.flatnonzero(~hidden & self.nonempty)
        objective = self.matrix[item].toarray().ravel()
        ends = []
        for sign in (1.0, -1.0):
            result = linprog(
                sign * objective,
                A_eq=self.matrix[shown],
                b_eq=self.values[shown],
                bounds=self.bounds,
                method="highs",
            )
            if result.status == 3 and sign < 0:  # unbounded: nothing shown caps the figure
                ends.append(np.inf)
                continue
            if result.status != 0:
                raise RuntimeError(f"disclosure LP failed: {result.message}")
            self.points.append(self.matrix @ result.x)
            ends.append(sign * result.fun)
        return ends[0], ends[1]

    def protected(self, interval: tuple[float, float]) -> bool:
        return interval[1] - interval[0] >= self.threshold - TOLERANCE


@dataclass(frozen=True)
class Rectangle:
    """Four figures of one table that can shift together: items, their direction, width."""

    items: tuple[int, ...]
    width: float
    totals: frozenset  # items used here in a total row or column


def rectangles_through(model: Model, key: tuple, i: int, j: int) -> list[Rectangle]:
    """Every rectangle of table `key` (totals included as a row and a column) through (i, j).

    With the total row and column negated, a table sums to zero along every row and column, so
    +t, −t, −t, +t on the corners of a rectangle keeps every published relation; a total moves
    with the opposite sign of the cells it sums. `t` can range over
    [−min(falling), +min(rising)] before a figure would go negative: that span is the width.
    """
    spec = model.spec_of[key]
    n_rows, n_cols = len(spec.row_order), len(spec.column_order)

    def sigma(a, b):
        return -1 if (a == n_rows) != (b == n_cols) else 1

    found = []
    for i2 in range(n_rows + 1):
        for j2 in range(n_cols + 1):
            if i2 == i or j2 == j:
                continue
            corners = ((i, j, 1), (i, j2, -1), (i2, j, -1), (i2, j2, 1))
            change: dict[int, int] = {}
            totals = set()
            for a, b, s in corners:
                item = model.item_of[(key, a, b)]
                direction = s * sigma(a, b)
                if change.setdefault(item, direction) != direction or not model.items[item]:
                    break
                if a == n_rows or b == n_cols:
                    totals.add(item)
            else:
                falling = [model.values[k] for k, d in change.items() if d > 0]
                rising = [model.values[k] for k, d in change.items() if d < 0]
                if not (falling and rising):
                    continue  # corners merged into figures that would all move one way
                down, up = min(falling), min(rising)
                found.append(Rectangle(tuple(change), float(down + up), frozenset(totals)))
    return found


def cheapest(model: Model, hidden: np.ndarray, rectangles: list[Rectangle], *, grand: bool = False):
    """The rectangle wide enough (else the widest) that hides fewest new zeros, then totals,
    then persons, then figures; one that would newly hide a scope's grand total only if
    `grand`."""
    usable = [
        r
        for r in rectangles
        if (grand or not any(k in model.grand and not hidden[k] for k in r.items))
        and not all(hidden[k] for k in r.items)
    ]
    if not usable:
        return None

    def cost(r: Rectangle):
        new = [k for k in r.items if not hidden[k]]
        return (
            r.width < model.threshold - TOLERANCE,
            0 if r.width >= model.threshold - TOLERANCE else -r.width,
            sum(model.values[k] == 0 for k in new),
            sum(k in r.totals for k in new),
            float(sum(model.values[k] for k in new)),
            len(new),
            r.items,
        )

    return min(usable, key=cost)


def protect_locally(model: Model, hidden: np.ndarray, queue: deque) -> None:
    """Give every hidden figure, in each table it appears in, a hidden rectangle wide enough."""
    while queue:
        item = queue.popleft()
        for key, i, j in model.positions[item]:
            rectangles = rectangles_through(model, key, i, j)
            if any(
                r.width >= model.threshold - TOLERANCE and all(hidden[k] for k in r.items)
                for r in rectangles
            ):
                continue
            best = cheapest(model, hidden, rectangles)
            for k in best.items if best else ():
                if not hidden[k]:
                    hidden[k] = True
                    queue.append(k)


def more_to_hide(model: Model, hidden: np.ndarray, item: int) -> list[int]:
    """Figures to hide next for an `item` the LP finds too narrow, in order of preference.

    A rectangle through it; failing that, one that hides a scope's grand total (its tables are
    then too small to publish in full); failing that, the smallest figure still shown in any
    table it appears in, grand totals last. Empty when everything there is hidden already.
    """
    options = [
        r for key, i, j in model.positions[item] for r in rectangles_through(model, key, i, j)
    ]
    for grand in (False, True):
        best = cheapest(model, hidden, options, grand=grand)
        if best is not None:
            return [k for k in best.items if not hidden[k]]
    keys = {key for key, _, _ in model.positions[item]}
    shown = {
        other
        for (key, _, _), other in model.item_of.items()
        if key in keys and not hidden[other] and model.items[other]
    }
    if not shown:
        return []
    return [min(shown, key=lambda k: (k in model.grand, model.values[k] == 0, model.values[k], k))]


def show_known_zeros(model: Model, hidden: np.ndarray) -> None:
    """Show again the hidden zeros that the release pins to 0 anyway (e.g. introduced doctors
    where the table of all talents prints 0): printing what a reader can already work out
    changes nothing they can work out, and a "—" there only costs the reader information."""
    for item in np.flatnonzero(hidden & (model.values == 0)):
        low, high = model.interval(hidden, int(item), exact=True)
        if high - low <= TOLERANCE:
            hidden[item] = False

"""Release-level disclosure control: one suppression pattern for every person table of a run.

A run publishes, from the person-level `talent_records`, two tables per scope (all talents and
the introduced ones, by education): the city's by county, each county's by sector, each with row,
column and grand totals. The tables overlap: a county's education totals *are* the city's cells
for that county, its grand total is the city's row total, and an introduced count can never
exceed the count of all talents in the same cell. Hiding cells table by table therefore protects
nothing (a city cell hidden in the city report is printed as a total in the county report).

:func:`protect_release` decides, from the whole record set, which figure of which table is
hidden, once for the release; every job computes the same pattern from the same data, so every
scope's report, HTML or PDF, hides the same figures. The rule it enforces (docs/
assumptions_caveats.md, "Small cells"):

* **Primary.** Every published count of persons — cell *or total* — with ``0 < n < threshold``
  (10 persons). Totals are not exempt: the city cell 钟山区 × 博士研究生 is the county's total.
* **Protection interval.** For every hidden figure holding persons, the range of values it can take over all
  non-negative tables consistent with *everything the run publishes* (all scopes, both layers,
  the totals; found by linear programming) must be at least `threshold` persons wide. For a small
  cell this means a reader cannot tell it from a cell of 10 or more.
* **Complements** are chosen as rectangles of hidden figures in one table (a figure, one more in
  its row, one more in its column and the corner where they meet; totals count as a row or
  column of the table), preferring in turn: no new zeros, no new totals, fewest persons, fewest
  figures. The LP then checks the whole release; a figure still too narrow gets more rectangles.
  Grand totals of a scope are hidden only when small, or when a table is too small to protect
  otherwise (then, failing rectangles, the smallest figure still shown there is hidden next).
* **Zeros.** Never primary, hidden as complements only as a last resort, and need no interval
  (a true zero is no one); a hidden zero the release pins to 0 anyway is shown again.

A figure appearing in several tables is one figure: hidden in all or in none.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lps_analysis.data.disclosure_model import (
    Model,
    more_to_hide,
    protect_locally,
    show_known_zeros,
)
from lps_analysis.data.disclosure_tables import (
    BASE_COLUMNS,
    LAYERS,
    TableSpec,
    person_counts,
    scope_rows,
    scope_tables,
    sector_order,
)
from lps_analysis.data.registry import current_scopes
from lps_analysis.data.suppression import DEFAULT_THRESHOLD

__all__ = [
    "BASE_COLUMNS",
    "LAYERS",
    "Release",
    "ReleasedTable",
    "TableSpec",
    "person_counts",
    "protect_release",
    "scope_rows",
    "scope_tables",
    "sector_order",
]


@dataclass
class ReleasedTable:
    """One table as the release publishes it: counts and the hidden figures (totals included)."""

    spec: TableSpec
    counts: pd.DataFrame  # rows × columns (persons), without totals
    hidden: np.ndarray  # (rows + 1) × (columns + 1) bool; last row/column: the totals

    @property
    def hidden_figures(self) -> int:
        return int(self.hidden.sum())

    def grand_total(self) -> int | None:
        """Persons in the table, or None when the release hides the figure."""
        return None if self.hidden[-1, -1] else int(self.counts.to_numpy().sum())


@dataclass
class Release:
    """The suppression pattern of a run.

    `intervals` holds, by first position, a range each hidden figure can at least take (from
    the feasible tables met while checking; the attacker's interval is at least as wide).
    """

    threshold: int
    tables: dict[tuple[str, str], ReleasedTable] = field(default_factory=dict)
    intervals: dict[tuple, tuple[float, float]] = field(default_factory=dict)
    unprotectable: list[tuple] = field(default_factory=list)

    def table(self, scope_code: str, layer: str) -> ReleasedTable:
        return self.tables[(scope_code, layer)]


def _release_of(model: Model, hidden: np.ndarray, release: Release) -> Release:
    for spec in model.specs:
        n_rows, n_cols = len(spec.row_order), len(spec.column_order)
        values = [
            [int(model.values[model.item_of[(spec.key, i, j)]]) for j in range(n_cols)]
            for i in range(n_rows)
        ]
        mask = np.array(
            [
                [hidden[model.item_of[(spec.key, i, j)]] for j in range(n_cols + 1)]
                for i in range(n_rows + 1)
            ],
            dtype=bool,
        )
        counts = pd.DataFrame(
            values, index=list(spec.row_order), columns=list(spec.column_order), dtype="int64"
        )
        release.tables[spec.key] = ReleasedTable(spec, counts, mask)
    return release


def protect_release(
    records: pd.DataFrame | None, year: int, *, threshold: int = DEFAULT_THRESHOLD
) -> Release:
    """The suppression pattern of every person table the run publishes, for every scope.

    Parameters
    ----------
    records : pd.DataFrame or None
        All person-level talent records of the run's data (every county, every year).
    year : int
        The analysis end year; each scope publishes the latest year ≤ `year` it has records for.
    threshold : int
        Smallest count published as it is (persons); also the width of the protection interval.

    Returns
    -------
    Release
        Tables by (scope code, layer), each with its hidden figures; `unprotectable` lists the
        figures (as (table key, row, column) of their first appearance) that no pattern short of
        hiding a scope's grand total protects.
    """
    release = Release(threshold)
    if records is None or records.empty:
        return release
    counts = person_counts(records)
    specs = [t for s in current_scopes() for t in scope_tables(s, counts, year)]
    if not specs:
        return release
    model = Model(counts, specs, threshold)
    hidden = model.nonempty & (model.values > 0) & (model.values < threshold)
    protect_locally(model, hidden, deque(np.flatnonzero(hidden).tolist()))

    pending = set(np.flatnonzero(hidden).tolist())
    unprotectable: set[int] = set()
    while pending:
        failing = []
        for item in sorted(pending):
            release.intervals[model.positions[item][0]] = span = model.interval(hidden, item)
            if model.values[item] > 0 and not model.protected(span):
                failing.append(item)  # a hidden zero needs no interval: it is no one
        if not failing:
            break
        new = more_to_hide(model, hidden, failing[0])
        if not new:
            unprotectable.add(failing[0])
            pending = set(failing) - unprotectable
            continue
        hidden[new] = True
        before = hidden.copy()
        protect_locally(model, hidden, deque(new))
        pending = (set(failing) - unprotectable) | set(np.flatnonzero(hidden & ~before)) | set(new)
    show_known_zeros(model, hidden)
    release.unprotectable = [model.positions[k][0] for k in sorted(unprotectable)]
    return _release_of(model, hidden, release)

"""The tables of the talent-structure report: each cell a value formatted by :mod:`lps_analysis.fmt`.

A cell of a real figure carries no mark; an illustrative one carries ``*``; a missing one is
``—``. The note under a table explains ``*`` only when one of its cells is illustrative,
decided from the values shown.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lps_analysis import fmt, structure
from lps_analysis.data.registry import current_scopes
from lps_analysis.data.vocab import TOTAL_CATEGORY, category_name_zh
from lps_analysis.structure import cell_value
from lps_analysis.value import Value

UNSPECIFIED_NOTE = "“其他（未分类）人才”为总量中未列明类别的部分（总量减去已列明类别）。"
MISSING_NOTE = "“—”为缺失。"


@dataclass
class ShownTable:
    """A formatted table and the note to print under it (None when nothing needs explaining)."""

    frame: pd.DataFrame
    note: str | None


class _Cells:
    """Formats cells and remembers what the note under the table must explain."""

    def __init__(self):
        self.illustrative = False
        self.missing = False

    def __call__(self, v: Value, **style) -> str:
        self.illustrative |= v.illustrative
        self.missing |= v.is_missing
        return fmt.show(v, **style)

    def note(self, *extra: str) -> str | None:
        parts = [fmt.ILLUSTRATIVE_NOTE] if self.illustrative else []
        parts += [MISSING_NOTE] if self.missing else []
        parts += [e for e in extra if e]
        return "".join(parts) or None


def stock_table(completed: pd.DataFrame, years: list[int]) -> ShownTable:
    """Talent stock by category (rows) and year (columns) in 万人."""
    cells = _Cells()
    rows = {}
    order = [c for c in structure.CATEGORY_ORDER if c in set(completed.category)]
    for category in order:
        row = {}
        for year in years:
            found = completed[(completed.category == category) & (completed.year == year)]
            v = (
                cell_value(found.iloc[0], "count", "persons")
                if len(found)
                else Value.absent("persons", "talent_stock")
            )
            row[f"{year}年"] = cells(v, style="wan_bare", digits=2)
        rows[category_name_zh(category)] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "人才类别（万人）"
    unspecified = UNSPECIFIED_NOTE if structure.UNSPECIFIED in order else ""
    return ShownTable(table, cells.note(unspecified))


def change_table(change: pd.DataFrame) -> ShownTable:
    """The change between two years per category, formatted for a report."""
    cells = _Cells()
    rows = []
    for _, r in change.iterrows():
        rows.append(
            {
                "人才类别": category_name_zh(r.category),
                "起始（万人）": cells(
                    cell_value(r, "start_count", "persons", prefix="start_"), style="wan_bare"
                ),
                "末期（万人）": cells(
                    cell_value(r, "end_count", "persons", prefix="end_"), style="wan_bare"
                ),
                "增量（万人）": cells(cell_value(r, "change_persons", "persons"), style="wan_bare"),
                "增长率": cells(cell_value(r, "change_ratio", "ratio"), style="pct", digits=2),
                "年均增长率": cells(cell_value(r, "cagr", "ratio"), style="pct", digits=2),
                # the total's share is 100% in both years: nothing to show
                "占比变化": ""
                if r.category == TOTAL_CATEGORY
                else cells(cell_value(r, "share_change_pp", "pp", prefix="share_"), style="pp"),
            }
        )
    frame = pd.DataFrame(rows, columns=_CHANGE_COLUMNS).set_index("人才类别")
    return ShownTable(frame, cells.note())


_CHANGE_COLUMNS = [
    "人才类别",
    "起始（万人）",
    "末期（万人）",
    "增量（万人）",
    "增长率",
    "年均增长率",
    "占比变化",
]


def compare_table(compare: pd.DataFrame, *, boundary: str | None = None) -> ShownTable:
    """County comparison formatted for a report: totals, growth, CAGR, structure change."""
    names = {s.code: s.name_zh for s in current_scopes()}
    cells = _Cells()
    rows = []
    for _, r in compare.iterrows():
        rows.append(
            {
                "范围": names.get(r.scope_code, r.scope_code),
                "起始（万人）": cells(cell_value(r, "start_total", "persons"), style="wan_bare"),
                "末期（万人）": cells(cell_value(r, "end_total", "persons"), style="wan_bare"),
                "增长率": cells(cell_value(r, "change_ratio", "ratio"), style="pct", digits=2),
                "年均增长率": cells(cell_value(r, "cagr", "ratio"), style="pct", digits=2),
                "结构相异指数": cells(
                    cell_value(r, "dissimilarity", "index", prefix="structure_"), digits=4
                ),
                "占比上升最多": category_name_zh(r.largest_gain_category)
                if isinstance(r.largest_gain_category, str)
                else "—",
            }
        )
    frame = pd.DataFrame(rows).set_index("范围")
    return ShownTable(frame, cells.note(boundary or ""))

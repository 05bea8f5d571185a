"""Tables built from person-level talent records, published with small-cell protection.

Person-level records (`talent_records`) can single out a few people once they are cut finely
(the two introduced doctors of one county's health sector). Every table this module publishes
goes through :func:`lps_analysis.data.suppression.suppress_small_cells`: counts below the
threshold (10 persons) are hidden, with complementary cells so that none can be worked out from
the row, column and grand totals, which are always shown. Protection is on unless a caller turns
it off explicitly (an analyst's internal check, never a circulated report).

At city scope the rows are the counties; at county scope the sectors. Columns are the
education levels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from lps_analysis import fmt
from lps_analysis.data.metadata import read_metadata
from lps_analysis.data.registry import Scope, current_scopes
from lps_analysis.data.suppression import (
    DEFAULT_THRESHOLD,
    SUPPRESSION_MARK,
    SuppressedTable,
    suppress_small_cells,
)
from lps_analysis.data.tables import EDUCATION_LEVELS, ORIGINS
from lps_analysis.value import PROVENANCES, Value

TOTAL_LABEL = "合计"


@dataclass
class RecordsTable:
    """One published cross-table of persons."""

    title: str
    table: pd.DataFrame  # as published: Chinese labels, hidden cells as SUPPRESSION_MARK, margins
    counts_total: int  # persons in the table (its grand total)
    suppressed: SuppressedTable | None  # None when protection was turned off


@dataclass
class RecordsView:
    """What the records section of the structure report shows for one scope."""

    scope: Scope
    year: int | None
    provenance: str
    tables: list[RecordsTable] = field(default_factory=list)
    sentence: str = ""
    protected: bool = True
    threshold: int = DEFAULT_THRESHOLD

    @property
    def illustrative(self) -> bool:
        return value_provenance(self.provenance) == "illustrative"

    @property
    def hidden_cells(self) -> int:
        return sum(int(t.suppressed.mask.to_numpy().sum()) for t in self.tables if t.suppressed)

    @property
    def note(self) -> str:
        """The footnote under the tables (Chinese)."""
        parts = []
        if self.protected:
            parts.append(
                f"“{SUPPRESSION_MARK}”表示为保护个人信息而隐去的小于"
                f"{fmt.setting(self.threshold, '人')}的单元格"
                "（含为防止由合计反推而一并隐去的单元格）；合计为全部人员的真实合计。"
            )
        else:
            parts.append("本表未做小单元格保护，仅供内部核对，不得对外印发。")
        if self.illustrative and self.tables:
            parts.append(fmt.ILLUSTRATIVE_NOTE)
        return "".join(parts)


def value_provenance(stated: str) -> str:
    """The provenance the records' figures carry: as their sidecar states it; without one, the
    analysts' own (`analyst`), as the loader treats any file without a 数据性质 column."""
    return stated if stated in PROVENANCES else "analyst"


def persons(number: float, provenance: str, unit: str = "persons") -> Value:
    """A count of persons (or records) from the records, with their provenance."""
    return Value(number, unit, value_provenance(provenance), "exact", ("talent_records",))


def _rows_for(scope: Scope) -> tuple[str, list[str], dict[str, str], list[str]]:
    """(records column, row labels in order, labels in Chinese, scope codes) for a scope."""
    if scope.level == "city":
        counties = [s for s in current_scopes() if s.parent_code == scope.code]
        return (
            "scope_code",
            [s.code for s in counties],
            {s.code: s.name_zh for s in counties},
            [s.code for s in counties],
        )
    return "sector", [], {}, [scope.code]


def crosstab(
    records: pd.DataFrame,
    *,
    scope_codes: list[str],
    year: int,
    rows: str,
    columns: str,
    row_order: list[str] | None = None,
    column_order: list[str] | None = None,
) -> pd.DataFrame:
    """Persons by `rows` × `columns` among the records of `scope_codes` in `year`.

    With an order given, every label in it is kept even with no person (a row of zeros: zeros
    are never hidden), so that a table's shape does not depend on the data; labels outside the
    order are dropped.
    """
    mine = records[records["scope_code"].astype(str).isin(scope_codes) & (records["year"] == year)]
    counts = pd.crosstab(mine[rows].astype(str), mine[columns].astype(str))
    if row_order is not None:
        counts = counts.reindex(row_order, fill_value=0)
    if column_order is not None:
        counts = counts.reindex(columns=column_order, fill_value=0)
    return counts.astype("int64")


def _sector_order(records: pd.DataFrame) -> list[str]:
    """Sectors by persons, largest first, with 其他 (other) last."""
    persons = records["sector"].astype(str).value_counts()
    return sorted(persons.index, key=lambda s: (s == "其他", -persons[s], s))


def publish(
    counts: pd.DataFrame,
    *,
    title: str,
    row_labels: dict[str, str] | None = None,
    column_labels: dict[str, str] | None = None,
    protect: bool = True,
    threshold: int = DEFAULT_THRESHOLD,
    provenance: str = "unknown",
) -> RecordsTable:
    """A cross-table as it may be printed: small cells hidden (unless `protect` is False),
    Chinese labels, row and column totals; each count printed by `fmt` with the records'
    provenance (``*`` when illustrative)."""
    counts = counts.rename(index=row_labels or {}, columns=column_labels or {})
    counts.index.name = None
    counts.columns.name = None
    if protect:
        suppressed = suppress_small_cells(counts, threshold=threshold)
        table = suppressed.with_margins(TOTAL_LABEL)
    else:
        suppressed = None
        table = counts.copy()
        table[TOTAL_LABEL] = counts.sum(axis=1)
        table.loc[TOTAL_LABEL] = table.sum(axis=0)
    table = table.map(
        lambda v: v if isinstance(v, str) else fmt.show(persons(v, provenance), style="bare")
    )
    return RecordsTable(title, table, int(counts.to_numpy().sum()), suppressed)


def records_provenance(path: Path | None) -> str:
    """The provenance the records' sidecar states (`unknown` without one)."""
    if path is None:
        return "unknown"
    try:
        return str(read_metadata(path).get("provenance") or "unknown")
    except FileNotFoundError:
        return "unknown"


def build(
    scope: Scope,
    records: pd.DataFrame | None,
    year: int,
    *,
    provenance: str = "unknown",
    protect: bool = True,
    threshold: int = DEFAULT_THRESHOLD,
) -> RecordsView:
    """The records section for one scope and year (the latest year ≤ `year` the records hold)."""
    view = RecordsView(scope, None, provenance, protected=protect, threshold=threshold)
    if records is None or records.empty:
        view.sentence = "数据中没有人才个人记录（talent_records），本节从略。"
        return view
    row_column, order, names, codes = _rows_for(scope)
    mine = records[records["scope_code"].astype(str).isin(codes)]
    years = sorted(int(y) for y in mine["year"].unique() if int(y) <= year)
    if not years:
        view.sentence = f"{scope.name_zh}没有{year}年及以前的人才个人记录，本节从略。"
        return view
    view.year = the_year = years[-1]
    by = "各县级单位" if row_column == "scope_code" else "各行业"
    of_year = mine[mine["year"] == the_year]
    row_order = order or _sector_order(of_year)

    def table(subset: pd.DataFrame, title: str) -> RecordsTable:
        counts = crosstab(
            subset,
            scope_codes=codes,
            year=the_year,
            rows=row_column,
            columns="education",
            row_order=row_order,
            column_order=list(EDUCATION_LEVELS),
        )
        return publish(
            counts,
            title=title,
            row_labels=names,
            column_labels=EDUCATION_LEVELS,
            protect=protect,
            threshold=threshold,
            provenance=provenance,
        )

    introduced = of_year[of_year["origin"] == "introduced"]
    view.tables = [
        table(of_year, f"{scope.name_zh}{the_year}年{by}人才学历构成（人）"),
        table(introduced, f"其中{ORIGINS['introduced']}人才（人）"),
    ]
    view.sentence = _sentence(view, by)
    return view


def _sentence(view: RecordsView, by: str) -> str:
    """How many records and introduced talents, and how many cells were hidden (Chinese)."""
    everyone = persons(view.tables[0].counts_total, view.provenance, unit="条")
    brought = persons(view.tables[1].counts_total, view.provenance)
    share = brought / everyone
    hidden = ""
    if view.protected and view.hidden_cells:
        cells = persons(view.hidden_cells, view.provenance, unit="个")
        hidden = (
            f"按{by.removeprefix('各')}和学历交叉后，有{fmt.show(cells)}单元格因人数过少而隐去。"
        )
    return (
        f"{view.year}年{view.scope.name_zh}共有{fmt.show(everyone)}人才个人记录，"
        f"其中{ORIGINS['introduced']}{fmt.show(brought)}"
        f"（占{fmt.show(share, style='pct', digits=1)}）。" + hidden
    )


def from_dataset(scope: Scope, dataset, year: int, *, protect: bool = True) -> RecordsView:
    """:func:`build` on a loaded data folder (`lps_analysis.data.validate.Dataset`)."""
    if "talent_records" not in dataset:
        return build(scope, None, year, protect=protect)
    loaded = dataset.tables["talent_records"]
    return build(
        scope,
        loaded.data,
        year,
        provenance=records_provenance(loaded.path),
        protect=protect,
    )

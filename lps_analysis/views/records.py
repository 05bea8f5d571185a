"""Tables built from person-level talent records, published with small-cell protection.

Person-level records (`talent_records`) can single out a few people once they are cut finely
(the two introduced doctors of one county's health sector). Which figures every table hides is
decided once for the whole release by :func:`lps_analysis.data.disclosure.protect_release`, over
the tables of every scope: counts below the threshold (10 persons), totals included, are hidden,
with complementary figures so that no hidden one can be narrowed to less than the threshold from
everything the run publishes. Protection is on unless a caller turns it off explicitly (an
analyst's internal check, never a circulated report).

At city scope the rows are the counties; at county scope the sectors. Columns are the
education levels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from lps_analysis import fmt
from lps_analysis.data.disclosure import (
    Release,
    person_counts,
    protect_release,
    scope_rows,
    scope_tables,
)
from lps_analysis.data.metadata import read_metadata
from lps_analysis.data.registry import Scope, current_scopes
from lps_analysis.data.suppression import DEFAULT_THRESHOLD, SUPPRESSION_MARK
from lps_analysis.data.tables import EDUCATION_LEVELS, ORIGINS
from lps_analysis.value import PROVENANCES, Value

TOTAL_LABEL = "合计"


@dataclass
class RecordsTable:
    """One published cross-table of persons."""

    title: str
    table: pd.DataFrame  # as published: Chinese labels, hidden cells as SUPPRESSION_MARK, margins
    counts_total: int  # persons in the table (its grand total)
    hidden: np.ndarray | None  # (rows + 1) × (columns + 1), totals last; None: not protected

    @property
    def total_shown(self) -> bool:
        """Whether the grand total is printed (it is hidden only when it is a small count)."""
        return self.hidden is None or not bool(self.hidden[-1, -1])


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
        return sum(int((t.table == SUPPRESSION_MARK).to_numpy().sum()) for t in self.tables)

    @property
    def note(self) -> str:
        """The footnote under the tables (Chinese)."""
        parts = []
        if self.protected:
            parts.append(
                f"“{SUPPRESSION_MARK}”表示为保护个人信息而隐去的小于"
                f"{fmt.setting(self.threshold, '人')}的单元格"
                "（含为防止由本报告或其他县区报告的合计反推而一并隐去的单元格和合计）；"
                "显示的合计为全部人员的真实合计。"
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
    rows, order, codes = scope_rows(scope)
    names = {s.code: s.name_zh for s in current_scopes() if s.code in order}
    return rows, order, names, codes


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


def publish(
    counts: pd.DataFrame,
    *,
    title: str,
    row_labels: dict[str, str] | None = None,
    column_labels: dict[str, str] | None = None,
    hidden: np.ndarray | None = None,
    provenance: str = "unknown",
) -> RecordsTable:
    """A cross-table as it may be printed: Chinese labels, row and column totals, and the
    figures `hidden` marks (the release's pattern; None: unprotected) shown as the mark; each
    count printed by `fmt` with the records' provenance (``*`` when illustrative).

    A table with one row gets no total row (it would repeat the cells); one with one column and
    several rows no total column.
    """
    counts = counts.rename(index=row_labels or {}, columns=column_labels or {})
    counts.index.name = None
    counts.columns.name = None
    n_rows, n_cols = counts.shape
    table = counts.copy()
    table[TOTAL_LABEL] = counts.sum(axis=1)
    table.loc[TOTAL_LABEL] = table.sum(axis=0)
    text = table.map(lambda v: fmt.show(persons(v, provenance), style="bare")).astype(object)
    if hidden is not None:
        if hidden.shape != text.shape:
            raise ValueError(f"pattern of shape {hidden.shape} for a table of {text.shape}")
        text = text.mask(pd.DataFrame(hidden, index=text.index, columns=text.columns))
        text = text.fillna(SUPPRESSION_MARK)
    if n_cols == 1 and n_rows > 1:
        text = text.drop(columns=TOTAL_LABEL)
    if n_rows == 1:
        text = text.drop(index=TOTAL_LABEL)
    return RecordsTable(title, text, int(counts.to_numpy().sum()), hidden)


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
    release: Release | None = None,
) -> RecordsView:
    """The records section for one scope and year (the latest year ≤ `year` the records hold).

    `records` are all the run's records (every county): the suppression pattern is the
    release's (`release`, or :func:`protect_release` of `records`), the same in every scope.
    """
    view = RecordsView(scope, None, provenance, protected=protect, threshold=threshold)
    if records is None or records.empty:
        view.sentence = "数据中没有人才个人记录（talent_records），本节从略。"
        return view
    specs = scope_tables(scope, person_counts(records), year)
    if not specs:
        view.sentence = f"{scope.name_zh}没有{year}年及以前的人才个人记录，本节从略。"
        return view
    if protect and release is None:
        release = protect_release(records, year, threshold=threshold)
    row_column, _, names, codes = _rows_for(scope)
    view.year = the_year = specs[0].year
    by = "各县级单位" if row_column == "scope_code" else "各行业"
    of_year = records[records["year"] == the_year]

    def table(spec, subset: pd.DataFrame, title: str) -> RecordsTable:
        counts = crosstab(
            subset,
            scope_codes=codes,
            year=the_year,
            rows=row_column,
            columns="education",
            row_order=list(spec.row_order),
            column_order=list(spec.column_order),
        )
        hidden = release.table(*spec.key).hidden if protect else None
        return publish(
            counts,
            title=title,
            row_labels=names,
            column_labels=EDUCATION_LEVELS,
            hidden=hidden,
            provenance=provenance,
        )

    introduced = of_year[of_year["origin"] == "introduced"]
    layers = {spec.layer: spec for spec in specs}
    view.tables = [
        table(layers["all"], of_year, f"{scope.name_zh}{the_year}年{by}人才学历构成（人）"),
        table(layers["introduced"], introduced, f"其中{ORIGINS['introduced']}人才（人）"),
    ]
    view.sentence = _sentence(view, scope, by, protect)
    return view


def _sentence(view: RecordsView, scope: Scope, by: str, protect: bool) -> str:
    """The sentence above the tables (Chinese), its numbers printed by `fmt`; a total the
    release hides is not written out either."""
    first, second = view.tables
    everyone = persons(first.counts_total, view.provenance, unit="条")
    brought = persons(second.counts_total, view.provenance)
    everyone_text = fmt.show(everyone) if first.total_shown else f"{SUPPRESSION_MARK}条"
    brought_text = fmt.show(brought) if second.total_shown else f"{SUPPRESSION_MARK}人"
    share = (
        fmt.show(brought / everyone, style="pct", digits=1)
        if first.total_shown and second.total_shown and first.counts_total
        else SUPPRESSION_MARK
    )
    hidden = ""
    if protect and view.hidden_cells:
        cells = persons(view.hidden_cells, view.provenance, unit="个")
        hidden = (
            f"按{by.removeprefix('各')}和学历交叉后，有{fmt.show(cells)}数字因人数过少"
            "或可据以反推而隐去。"
        )
    return (
        f"{view.year}年{scope.name_zh}共有{everyone_text}人才个人记录，"
        f"其中{ORIGINS['introduced']}{brought_text}（占{share}）。" + hidden
    )


def from_dataset(
    scope: Scope, dataset, year: int, *, protect: bool = True, release: Release | None = None
) -> RecordsView:
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
        release=release,
    )

"""From the cells of a county spreadsheet to a typed table with canonical columns.

Handles what county files really contain: a title above the header, Chinese headers with units
(人数（万人）), merged cells, full-width digits and punctuation, thousands separators, blank
padding rows and columns, coded values written in Chinese, former county names, and a trailing
合计 row (checked against the rows above it, then dropped). Every problem found is collected
with the row and column the analyst sees; nothing is silently fixed except what is listed here
and in `cells`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lps_analysis.data.cells import (
    INVISIBLE,
    PERSON_UNITS,
    _Bad,
    _parse_value,
    norm_text,
    shown,
    split_header,
    units_of,
)
from lps_analysis.data.raw import ProblemCollector, RawTable
from lps_analysis.data.row_checks import (
    ROW_COLUMN,
    check_required_cells,
    check_total,
    check_values,
    row_list,
    where,
)
from lps_analysis.data.tables import Column, TableSpec
from lps_analysis.data.xlsx import HEADER_SCAN_ROWS
from lps_analysis.errors import Problem

TOTAL_LABELS = ("合计", "总计", "小计", "总数", "全市合计", "全市", "total")
LARGE_TABLE_ROWS = 50_000  # above this, coded columns come back as categoricals

__all__ = ["ROW_COLUMN", "Normalised", "locate_header", "norm_text", "normalise", "split_header"]


@dataclass
class Normalised:
    """A typed table with canonical columns, the notes for the analyst and the problems found."""

    frame: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _header_names(col: Column) -> set[str]:
    names = {col.name, col.header_zh, *col.aliases}
    return {split_header(n)[0] for n in names}


def match_header(cells: list[object], spec: TableSpec) -> dict[int, tuple[Column, str]]:
    """Column index → (column, unit) for each cell of a row that names a column of `spec`."""
    lookup = {}
    for col in spec.columns:
        for name in _header_names(col):
            lookup[name] = col
    matched = {}
    for i, cell in enumerate(cells):
        base, unit = split_header(cell)
        if base in lookup:
            matched[i] = (lookup[base], unit)
        elif norm_text(cell) in lookup:
            matched[i] = (lookup[norm_text(cell)], "")
    return matched


def locate_header(rows: list[list[object]], spec: TableSpec) -> tuple[int, dict] | None:
    """Index (in rows) of the header row and its column mapping; None when no row names at
    least two of the table's columns."""
    best, best_at = {}, None
    for i, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
        matched = match_header(list(cells), spec)
        if len(matched) > len(best):
            best, best_at = matched, i
    if best_at is None or len(best) < min(2, len(spec.columns)):
        return None
    return best_at, best


def _no_header(raw: RawTable, spec: TableSpec, out: ProblemCollector) -> None:
    expected = "、".join(c.template_header for c in spec.columns if c.required)
    if not any(any(norm_text(c) for c in row) for row in raw.rows):
        out.add("文件中没有任何内容。", "The file has no content.")
    else:
        out.add(
            f"找不到表头：前 {HEADER_SCAN_ROWS} 行中没有一行包含本表的列名（应包括：{expected}）。",
            f"No header row found in the first {HEADER_SCAN_ROWS} rows; expected columns such as: "
            + ", ".join(c.name for c in spec.columns if c.required)
            + ".",
        )


_TOTAL_CHARS = frozenset("".join(TOTAL_LABELS) + "TOTAL合總")


def _is_total_row(cells: list[object]) -> bool:
    for cell in cells:
        # Cheap first: a label is short text holding one of the labels' characters.
        if not isinstance(cell, str) or len(cell) > 16 or _TOTAL_CHARS.isdisjoint(cell):
            continue
        if re.sub(r"\s+", "", norm_text(cell)).lower() in TOTAL_LABELS:
            return True
    return False


def _has_content(cells: list[object]) -> bool:
    for cell in cells:
        if cell is None:
            continue
        if not isinstance(cell, str) or (cell.strip() and norm_text(cell)):
            if not (isinstance(cell, float) and cell != cell):  # NaN is an empty cell
                return True
    return False


def _text_column(values: pd.Series, col: Column, rows, out: ProblemCollector, header: str):
    """A text column: names and ids kept as written, invisibles removed, empty cells missing.

    One pass over the strings (joined, so that the regex runs once in C); cells that are not
    text (numbers from Excel, flagged cells) go through `_parse_value`."""
    cells = values.to_numpy(dtype=object)
    try:
        joined = "".join(cells.tolist())
        text = values
    except TypeError:
        is_text = np.fromiter((isinstance(v, str) for v in cells), bool, len(cells))
        cells = cells.copy()
        for i in np.flatnonzero(~is_text):
            parsed = _parse_value(cells[i], col, 1.0)
            if isinstance(parsed, _Bad):
                out.add(parsed.zh, parsed.en, row=rows[i], column=header, value=shown(cells[i]))
                parsed = None
            cells[i] = parsed
        joined = "".join(v for v in cells.tolist() if v is not None)
        text = pd.Series(cells, index=values.index, dtype=object)
    if INVISIBLE.search(joined):
        text = text.str.replace(INVISIBLE, "", regex=True)
    text = text.str.strip()
    return text.mask(text == "")


def _parse_column(
    values: pd.Series, col: Column, unit: str, rows: np.ndarray, out: ProblemCollector, header: str
):
    """Typed values of one column; problems for cells that cannot be read."""
    kind = col.kind
    # Columns already typed (Parquet): vectorised checks only.
    if kind in ("int", "float", "year") and pd.api.types.is_numeric_dtype(values.dtype):
        return values.astype(float)
    if kind == "str" and (values.dtype == object or pd.api.types.is_string_dtype(values.dtype)):
        return _text_column(values, col, rows, out, header)

    factor = 1.0
    if kind in ("int", "float") and unit:
        units = units_of(col) or PERSON_UNITS
        if unit not in units:
            out.add(
                f"表头单位「{unit}」无法识别（应为 {'、'.join(units)}）。",
                f"Unknown unit {unit!r} in the header.",
                column=header,
                value=unit,
            )
            return pd.Series([np.nan] * len(values), index=values.index)
        factor = units[unit]

    # Parse each distinct value once and map the codes back: county sheets repeat a few
    # names and categories thousands of times, and Parquet columns arrive as categoricals.
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes, uniques = values.cat.codes.to_numpy(), list(values.cat.categories)
    else:
        codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    parsed_uniques, bad, notes = [], {}, {}
    for i, value in enumerate(uniques):
        result = _parse_value(value, col, factor)
        if isinstance(result, _Bad):
            bad[i] = (result, value)
            result = None
        elif isinstance(result, tuple):  # a former scope name: mapped, with a note
            result, notes[i] = result
        parsed_uniques.append(result)
    for i, (problem, value) in bad.items():
        at = np.flatnonzero(codes == i)
        for r in rows[at][:200]:
            out.add(problem.zh, problem.en, row=r, column=header, value=shown(norm_text(value)))
    for i, note in notes.items():
        note_rows = rows[np.flatnonzero(codes == i)].tolist()
        out.notes.append(f"{where(out)}：{note}（第 {row_list(note_rows)} 行）")
    lookup = np.empty(len(parsed_uniques) + 1, dtype=object)
    lookup[: len(parsed_uniques)] = parsed_uniques
    lookup[-1] = None  # code -1: an empty cell
    if kind in ("code", "category", "scope") and len(values) > LARGE_TABLE_ROWS:
        mapped = None
    else:
        mapped = lookup[codes]
    if kind in ("int", "float", "year"):
        return pd.Series(mapped, index=values.index, dtype=float)
    if kind == "date":
        return pd.Series(pd.to_datetime(pd.Series(mapped, dtype=object)).values, index=values.index)
    if len(values) > LARGE_TABLE_ROWS:
        # Person-level tables: categoricals keep checks and group-bys fast and memory small.
        categories = sorted({v for v in parsed_uniques if v is not None})
        position = {c: i for i, c in enumerate(categories)}
        remap = np.array([position.get(v, -1) for v in parsed_uniques] + [-1], dtype=np.int64)
        cat = pd.Categorical.from_codes(remap[codes], categories=categories)
        return pd.Series(cat, index=values.index)
    return pd.Series(mapped, index=values.index, dtype=object)


@dataclass
class _Columns:
    """The cells of each canonical column, with the header the analyst wrote and its unit."""

    values: dict[str, tuple[pd.Series, str, str]]
    rows: np.ndarray
    header_row: int | None
    total: tuple[list, int] | None = None
    mapping: dict | None = None
    header_cells: list | None = None


def _columns_of_frame(raw: RawTable, spec: TableSpec) -> _Columns:
    data = raw.frame.reset_index(drop=True)
    mapping = match_header(list(data.columns), spec)
    values = {
        col.name: (data.iloc[:, i], unit, str(data.columns[i]))
        for i, (col, unit) in mapping.items()
    }
    return _Columns(values, np.asarray(raw.row_numbers, dtype=np.int64), None)


def _columns_of_cells(raw, spec, found, out: ProblemCollector) -> _Columns:
    header_at, mapping = found
    header_row = raw.row_numbers[header_at]
    numbers = raw.row_numbers[header_at + 1 :]
    kept = [
        (list(r), n)
        for r, n in zip(raw.rows[header_at + 1 :], numbers, strict=True)
        if _has_content(r)
    ]
    total = kept.pop() if kept and _is_total_row(kept[-1][0]) else None
    subtotals = {n for r, n in kept if _is_total_row(r)}
    for number in sorted(subtotals):
        out.add(
            "合计/小计行只能放在表格末尾（中间的小计行会被重复计算）。",
            "A total/subtotal row may only be the last row.",
            row=number,
        )
    kept = [(r, n) for r, n in kept if n not in subtotals]
    width = max((len(r) for r in raw.rows), default=0)
    body = [r + [None] * (width - len(r)) for r, _ in kept]
    seen: dict[str, int] = {}
    values = {}
    for i, (col, unit) in sorted(mapping.items()):
        header_text = str(raw.rows[header_at][i]).strip()
        if col.name in seen:
            out.add(
                f"列「{header_text}」与第 {seen[col.name] + 1} 列表示同一项，请删除其中一列。",
                f"Two columns map to {col.name!r}.",
                row=header_row,
                column=header_text,
            )
            continue
        seen[col.name] = i
        values[col.name] = (pd.Series([r[i] for r in body], dtype=object), unit, header_text)
    if not body:
        out.add(
            "表格只有表头，没有数据行。", "Header only: the table has no data rows.", row=header_row
        )
    rows = np.asarray([n for _, n in kept], dtype=np.int64)
    return _Columns(values, rows, header_row, total, mapping, list(raw.rows[header_at]))


def _default_provenance(frame: pd.DataFrame, spec: TableSpec, out: ProblemCollector) -> None:
    if "provenance" not in spec.column_names:
        return
    if "provenance" not in frame:
        frame["provenance"] = "analyst"
        out.notes.append(f"{where(out)}：未填写「数据性质」列，按“分析人员提供”（analyst）处理。")
    elif frame["provenance"].isna().any():
        frame["provenance"] = frame["provenance"].fillna("analyst")
        out.notes.append(
            f"{where(out)}：部分行未填写「数据性质」，按“分析人员提供”（analyst）处理。"
        )


def normalise(raw: RawTable, spec: TableSpec, found: tuple[int, dict] | None = None) -> Normalised:
    """Interpret a raw table as `spec`: typed canonical columns plus a row-number column."""
    out = ProblemCollector(raw)
    if raw.frame is not None:
        columns = _columns_of_frame(raw, spec)
    else:
        found = found or locate_header(raw.rows, spec)
        if found is None:
            _no_header(raw, spec, out)
            return Normalised(pd.DataFrame(), out.notes, out.problems)
        columns = _columns_of_cells(raw, spec, found, out)
    missing = [c for c in spec.columns if c.required and c.name not in columns.values]
    for col in missing:
        out.add(
            f"缺少必填列「{col.template_header}」。",
            f"Missing required column {col.name!r}.",
            row=columns.header_row,
            column=col.template_header,
        )
    headers = {name: header for name, (_, _, header) in columns.values.items()}
    typed = {}
    for col in spec.columns:
        if col.name in columns.values:
            values, unit, header = columns.values[col.name]
            parsed = _parse_column(values, col, unit, columns.rows, out, header)
            typed[col.name] = parsed.reset_index(drop=True)
    frame = pd.DataFrame(typed)
    frame[ROW_COLUMN] = columns.rows
    _default_provenance(frame, spec, out)
    if not missing and len(frame):
        check_required_cells(frame, spec, headers, out)
        check_values(frame, spec, headers, out)
        if columns.total is not None:
            check_total(columns.total, frame, columns.mapping, columns.header_cells, out)
    ordered = [c for c in spec.column_names if c in frame] + [ROW_COLUMN]
    return Normalised(frame[ordered], out.notes, out.problems)

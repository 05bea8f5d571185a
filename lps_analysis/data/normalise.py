"""From the cells of a county spreadsheet to a typed table with canonical columns.

Handles what county files really contain: a title above the header, Chinese headers with units
(人数（万人）), merged cells, full-width digits and punctuation, thousands separators, blank
padding rows and columns, coded values written in Chinese, former county names, and a trailing
合计 row (checked against the rows above it, then dropped). Every problem found is collected
with the row and column the analyst sees; nothing is silently fixed except what is listed here.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lps_analysis.data import registry
from lps_analysis.data.readers import HEADER_SCAN_ROWS, RawTable
from lps_analysis.data.tables import VALUE_ALIASES, YEAR_MAX, YEAR_MIN, Column, TableSpec
from lps_analysis.data.vocab import category_id
from lps_analysis.errors import Problem, UnknownScopeError

TOTAL_LABELS = ("合计", "总计", "小计", "总数", "全市合计", "全市", "total")
LARGE_TABLE_ROWS = 50_000  # above this, coded columns come back as categoricals
ROW_COLUMN = "row_in_file"  # spreadsheet row / file line of each record, kept for messages

# Units a header may carry, per column kind: multiplier to the canonical unit.
PERSON_UNITS = {
    "人": 1,
    "名": 1,
    "个": 1,
    "件": 1,
    "人次": 1,
    "万人": 10_000,
    "万": 10_000,
    "万个": 10_000,
    "万件": 10_000,
}
MONEY_UNITS = {"万元": 1, "元": 1e-4, "亿元": 10_000, "千元": 0.1}


def norm_text(value: object) -> str:
    """Cell text: NFKC (full-width digits, letters and punctuation → ASCII), trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = unicodedata.normalize("NFKC", str(value))
    return text.replace("\u200b", "").strip()


def split_header(text: object) -> tuple[str, str]:
    """'人数（万人）' → ('人数', '万人'); '* 年份 ' → ('年份', '')."""
    clean = re.sub(r"\s+", "", norm_text(text)).strip("*")
    match = re.fullmatch(r"(.*?)\((.*?)\)", clean)
    if match:
        return match.group(1), match.group(2)
    return clean, ""


def _header_names(col: Column) -> set[str]:
    names = {col.name, col.header_zh, *col.aliases}
    return {split_header(n)[0] for n in names}


@dataclass
class Normalised:
    """A typed table with canonical columns, the notes for the analyst and the problems found."""

    frame: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class _Collector:
    def __init__(self, raw: RawTable):
        self.raw = raw
        self.problems: list[Problem] = []
        self.notes: list[str] = []
        self.bad_cells: set[tuple[int, str]] = set()
        self.bad_columns: set[str] = set()

    def add(self, zh: str, en: str, *, row=None, column=None, value=None):
        self.problems.append(
            Problem(
                file=self.raw.file,
                sheet=self.raw.sheet,
                row=None if row is None else int(row),
                column=column,
                value=value,
                message_zh=zh,
                message_en=en,
            )
        )
        if row is not None and column is not None:
            self.bad_cells.add((int(row), column))
        elif column is not None:
            self.bad_columns.add(column)


def _match_header(cells: list[object], spec: TableSpec) -> dict[int, tuple[Column, str]]:
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


def find_header(raw: RawTable, spec: TableSpec, out: _Collector) -> tuple[int, dict] | None:
    """Index (in raw.rows) of the header row and its column mapping; None with a problem if absent."""
    best, best_at = {}, None
    for i, cells in enumerate(raw.rows[:HEADER_SCAN_ROWS]):
        matched = _match_header(list(cells), spec)
        if len(matched) > len(best):
            best, best_at = matched, i
    needed = min(2, len(spec.columns))
    if best_at is None or len(best) < needed:
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
        return None
    return best_at, best


def _is_total_row(cells: list[object]) -> bool:
    for cell in cells:
        text = re.sub(r"\s+", "", norm_text(cell)).lower()
        if text in TOTAL_LABELS:
            return True
    return False


def _number(text: str) -> float | None:
    """'12,345' → 12345.0; '1.2万' → 12000.0; '' → None; raises ValueError when not a number."""
    t = text.replace(",", "").replace(" ", "")
    if t in ("", "-", "—", "--", "/"):
        return None
    factor = 1.0
    if t.endswith("万"):
        t, factor = t[:-1], 10_000.0
    return float(t) * factor


def _date(value: object) -> pd.Timestamp | None:
    if isinstance(value, dt.datetime | dt.date | pd.Timestamp):
        return pd.Timestamp(value).normalize()
    text = norm_text(value)
    if not text:
        return None
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?)?\s*月?", text)
    if m:
        return pd.Timestamp(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
    if re.fullmatch(r"\d{4}", text):
        return pd.Timestamp(int(text), 1, 1)
    raise ValueError(text)


def _code_lookup(col: Column) -> dict[str, str]:
    # Keys go through the same NFKC as cells: 示例数据（非真实） must match 示例数据(非真实).
    lookup = {}
    for cid, label in (col.allowed or {}).items():
        lookup[cid] = cid
        lookup[norm_text(label)] = cid
        lookup[norm_text(label).lower()] = cid
    for alias, cid in VALUE_ALIASES.get(col.name, {}).items():
        if cid in (col.allowed or {}):
            lookup[norm_text(alias)] = cid
    return lookup


_KIND_ZH = {
    "year": "年份",
    "int": "整数",
    "float": "数字",
    "date": "日期（如 2018-12-01）",
}


def _parse_column(
    values: pd.Series, col: Column, unit: str, rows: np.ndarray, out: _Collector, header: str
):
    """Typed values of one column; problems for cells that cannot be read."""
    kind = col.kind
    # Columns already typed (Parquet): vectorised checks only.
    if kind in ("int", "float", "year") and pd.api.types.is_numeric_dtype(values.dtype):
        return values.astype(float)
    if kind == "str" and (values.dtype == object or pd.api.types.is_string_dtype(values.dtype)):
        if pd.api.types.is_string_dtype(values.dtype) and not values.isna().any():
            return values.str.strip()

    factor = 1.0
    if kind in ("int", "float") and unit:
        units = MONEY_UNITS if col.unit_zh == "万元" else PERSON_UNITS
        if unit not in units:
            out.add(
                f"表头单位「{unit}」无法识别（应为 {'、'.join(units)}）。",
                f"Unknown unit {unit!r} in the header.",
                column=header,
                value=unit,
            )
            return pd.Series([np.nan] * len(values), index=values.index)
        factor = units[unit]

    if kind == "str" and len(values) > LARGE_TABLE_ROWS:
        # Identifiers of person-level tables: millions of distinct values, nothing to map.
        text = values if pd.api.types.is_string_dtype(values.dtype) else values.astype(str)
        text = text.str.strip()
        return text.mask(text == "")

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
        where = np.flatnonzero(codes == i)
        for r in rows[where][:200]:
            out.add(problem.zh, problem.en, row=r, column=header, value=norm_text(value) or value)
    for i, note in notes.items():
        note_rows = rows[np.flatnonzero(codes == i)].tolist()
        out.notes.append(f"{out.raw.file}：{note}（第 {_row_list(note_rows)} 行）")
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


def _row_list(rows: list[int], limit: int = 8) -> str:
    shown = "、".join(str(r) for r in rows[:limit])
    return shown + ("…" if len(rows) > limit else "")


@dataclass(frozen=True)
class _Bad:
    zh: str
    en: str


def _parse_value(value: object, col: Column, factor: float):
    text = norm_text(value)
    kind = col.kind
    if text == "" and not isinstance(value, dt.date | dt.datetime):
        return None
    try:
        if kind == "str":
            return str(value).strip()  # names keep their own spelling (（示例） stays full-width)
        if kind == "scope":
            scope, note = registry.resolve_scope(re.sub(r"\.0$", "", text))
            return (scope.code, note) if note else scope.code
        if kind == "category":
            return category_id(text)
        if kind == "code":
            lookup = _code_lookup(col)
            key = text if text in lookup else text.lower()
            return lookup[key]
        if kind == "year":
            year = _number(text.rstrip("年"))
            if year is None or not float(year).is_integer():
                raise ValueError(text)
            return year
        if kind in ("int", "float"):
            number = _number(text)
            return None if number is None else number * factor
        if kind == "date":
            return _date(value)
    except UnknownScopeError:
        return _Bad(
            "未知的地区（应为六盘水市或其县级单位的名称或代码，见 `lps scopes`）。",
            "Unknown scope: use a name or code listed by `lps scopes`.",
        )
    except KeyError:
        if kind == "category":
            allowed = "、".join(["人才总量", *_category_labels()])
            return _Bad(f"人才类别无法识别（可选：{allowed}）。", "Unknown talent category.")
        allowed = "、".join((col.allowed or {}).values())
        return _Bad(f"取值无法识别（可选：{allowed}）。", f"Value not allowed for {col.name}.")
    except (ValueError, OverflowError):
        what = _KIND_ZH.get(kind, "数值")
        return _Bad(f"不是有效的{what}。", f"Not a valid {kind} for {col.name}.")
    raise AssertionError(kind)  # pragma: no cover


def _category_labels():
    from lps_analysis.data.vocab import TALENT_CATEGORIES

    return TALENT_CATEGORIES.values()


def _check_values(frame: pd.DataFrame, spec: TableSpec, headers: dict[str, str], out: _Collector):
    """Ranges and whole numbers (the pandera schema re-checks; here each cell gets its message)."""
    rows = frame[ROW_COLUMN].to_numpy()
    for col in spec.columns:
        if col.name not in frame or col.kind not in ("int", "float", "year"):
            continue
        values = frame[col.name].to_numpy(dtype=float)
        present = ~np.isnan(values)
        header = headers[col.name]
        if col.kind == "year":
            bad = present & ((values < YEAR_MIN) | (values > YEAR_MAX))
            for i in np.flatnonzero(bad)[:200]:
                out.add(
                    f"年份超出范围（{YEAR_MIN}–{YEAR_MAX}）。",
                    f"Year outside {YEAR_MIN}-{YEAR_MAX}.",
                    row=rows[i],
                    column=header,
                    value=int(values[i]),
                )
            continue
        if col.minimum is not None:
            bad = present & (values < col.minimum)
            for i in np.flatnonzero(bad)[:200]:
                out.add(
                    "不能为负数。",
                    "Must not be negative.",
                    row=rows[i],
                    column=header,
                    value=_fmt(values[i]),
                )
        if col.whole:
            bad = present & (np.abs(values - np.round(values)) > 1e-6)
            for i in np.flatnonzero(bad)[:200]:
                out.add(
                    "必须是整数（人数、个数不能有小数；若表头为万人，请检查换算后是否为整数）。",
                    "Must be a whole number (counts of persons or items).",
                    row=rows[i],
                    column=header,
                    value=_fmt(values[i]),
                )


def _fmt(v: float) -> str:
    return f"{v:g}" if abs(v) < 1e15 else str(v)


def normalise(raw: RawTable, spec: TableSpec) -> Normalised:
    """Interpret a raw table as `spec`: typed canonical columns plus a `_row` column."""
    out = _Collector(raw)
    if raw.frame is not None:
        data = raw.frame.reset_index(drop=True)
        mapping = _match_header(list(data.columns), spec)
        columns = {
            col.name: (data.iloc[:, i], unit, str(data.columns[i]))
            for i, (col, unit) in mapping.items()
        }
        rows = np.asarray(raw.row_numbers, dtype=np.int64)
        header_row = None
    else:
        found = find_header(raw, spec, out)
        if found is None:
            return Normalised(pd.DataFrame(), out.notes, out.problems)
        header_at, mapping = found
        header_row = raw.row_numbers[header_at]
        body = [list(r) for r in raw.rows[header_at + 1 :]]
        numbers = raw.row_numbers[header_at + 1 :]
        kept = [(r, n) for r, n in zip(body, numbers, strict=True) if any(norm_text(c) for c in r)]
        total = None
        if kept and _is_total_row(kept[-1][0]):
            total = kept.pop()
        for cells, number in kept:
            if _is_total_row(cells):
                out.add(
                    "合计/小计行只能放在表格末尾（中间的小计行会被重复计算）。",
                    "A total/subtotal row may only be the last row.",
                    row=number,
                )
        kept = [(r, n) for r, n in kept if not _is_total_row(r)]
        width = max((len(r) for r in raw.rows), default=0)
        body = [r + [None] * (width - len(r)) for r, _ in kept]
        rows = np.asarray([n for _, n in kept], dtype=np.int64)
        seen: dict[str, int] = {}
        columns = {}
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
            columns[col.name] = (pd.Series([r[i] for r in body], dtype=object), unit, header_text)
        if not body:
            out.add(
                "表格只有表头，没有数据行。",
                "Header only: the table has no data rows.",
                row=header_row,
            )

    missing = [c for c in spec.columns if c.required and c.name not in columns]
    for col in missing:
        out.add(
            f"缺少必填列「{col.template_header}」。",
            f"Missing required column {col.name!r}.",
            row=header_row,
            column=col.template_header,
        )
    headers = {name: header for name, (_, _, header) in columns.items()}
    typed = {}
    for col in spec.columns:
        if col.name in columns:
            values, unit, header = columns[col.name]
            typed[col.name] = _parse_column(values, col, unit, rows, out, header).reset_index(
                drop=True
            )
    frame = pd.DataFrame(typed)
    frame[ROW_COLUMN] = rows
    if "provenance" in spec.column_names:
        if "provenance" not in frame:
            frame["provenance"] = "analyst"
            out.notes.append(f"{raw.file}：未填写「数据性质」列，按“分析人员提供”（analyst）处理。")
        elif frame["provenance"].isna().any():
            frame["provenance"] = frame["provenance"].fillna("analyst")
            out.notes.append(
                f"{raw.file}：部分行未填写「数据性质」，按“分析人员提供”（analyst）处理。"
            )
    if not missing and len(frame):
        _check_required_cells(frame, spec, headers, out)
        _check_values(frame, spec, headers, out)
        if raw.frame is None and total is not None:
            _check_total(total, frame, mapping, raw.rows[header_at], out)
    ordered = [c for c in spec.column_names if c in frame] + [ROW_COLUMN]
    return Normalised(frame[ordered], out.notes, out.problems)


def _check_required_cells(frame, spec, headers, out: _Collector):
    rows = frame[ROW_COLUMN].to_numpy()
    for col in spec.columns:
        if not col.required or col.name not in frame or headers[col.name] in out.bad_columns:
            continue
        empty = frame[col.name].isna().to_numpy()
        for i in np.flatnonzero(empty)[:200]:
            if (int(rows[i]), headers[col.name]) in out.bad_cells:
                continue
            out.add(
                "必填项为空。",
                f"Required value missing ({col.name}).",
                row=rows[i],
                column=headers[col.name],
            )


def _check_total(total, frame, mapping, header_cells, out: _Collector):
    cells, number = total
    for i, (col, unit) in mapping.items():
        if col.kind not in ("int", "float") or i >= len(cells):
            continue
        text = norm_text(cells[i])
        if not text:
            continue
        parsed = _parse_value(cells[i], col, PERSON_UNITS.get(unit, MONEY_UNITS.get(unit, 1.0)))
        if isinstance(parsed, _Bad) or parsed is None:
            out.add(
                "合计行数值无法读取。",
                "Unreadable value in the total row.",
                row=number,
                column=str(header_cells[i]).strip(),
                value=text,
            )
            continue
        above = float(np.nansum(frame[col.name].to_numpy(dtype=float)))
        if abs(above - parsed) > max(0.5, 1e-9 * abs(above)):
            header = str(header_cells[i]).strip()
            out.add(
                f"合计行与上方各行之和不符：合计为 {_fmt(parsed)}，上方各行合计为 {_fmt(above)}。",
                f"Total row {_fmt(parsed)} does not equal the sum of the rows above ({_fmt(above)}).",
                row=number,
                column=header,
                value=_fmt(parsed),
            )
    out.notes.append(f"{out.raw.file}：末尾合计行（第 {number} 行）已核对并移除。")

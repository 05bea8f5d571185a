"""Checks on the typed rows of one sheet: required cells, ranges, whole numbers, the 合计 row.

Each problem names the row and the column as the analyst sees them; the pandera schema in
`schema` re-checks the same rules on the whole table.
"""

from __future__ import annotations

import numpy as np

from lps_analysis.data.cells import MONEY_UNITS, PERSON_UNITS, _Bad, _parse_value, norm_text, shown
from lps_analysis.data.raw import ProblemCollector
from lps_analysis.data.tables import YEAR_MAX, YEAR_MIN, TableSpec

ROW_COLUMN = "row_in_file"  # spreadsheet row of each record, kept for messages
SHEET_COLUMN = "sheet_in_file"  # worksheet of each record, when a workbook has several


def row_list(rows: list[int], limit: int = 8) -> str:
    shown_rows = "、".join(str(r) for r in rows[:limit])
    return shown_rows + ("…" if len(rows) > limit else "")


def _fmt(v: float) -> str:
    return f"{v:g}" if abs(v) < 1e15 else str(v)


def check_values(frame, spec: TableSpec, headers: dict[str, str], out: ProblemCollector):
    """Ranges and whole numbers (the pandera schema re-checks; here each cell gets its message)."""
    rows = frame[ROW_COLUMN].to_numpy()
    for col in spec.columns:
        if col.name not in frame or col.kind not in ("int", "float", "year"):
            continue
        values = frame[col.name].to_numpy(dtype=float)
        header = headers[col.name]
        for i in np.flatnonzero(np.isinf(values))[:200]:  # Parquet and Excel can hold inf
            out.add(
                "不是有限的数值（无穷大）。",
                "Not a finite number (infinity).",
                row=rows[i],
                column=header,
                value=str(values[i]),
            )
        present = np.isfinite(values)
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


def check_required_cells(frame, spec, headers, out: ProblemCollector):
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


def check_total(total, frame, mapping, header_cells, out: ProblemCollector):
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
                value=shown(text),
            )
            continue
        header = str(header_cells[i]).strip()
        if any(column == header for _, column in out.bad_cells):
            out.notes.append(
                f"{where(out)}：合计行「{header}」未核对（上方有无法读取的数值，见问题列表）。"
            )
            continue
        above = float(np.nansum(frame[col.name].to_numpy(dtype=float)))
        if abs(above - parsed) > max(0.5, 1e-9 * abs(above)):
            out.add(
                f"合计行与上方各行之和不符：合计为 {_fmt(parsed)}，上方各行合计为 {_fmt(above)}。",
                f"Total row {_fmt(parsed)} does not equal the sum of the rows above ({_fmt(above)}).",
                row=number,
                column=header,
                value=_fmt(parsed),
            )
    out.notes.append(f"{where(out)}：末尾合计行（第 {number} 行）已核对并移除。")


def where(out: ProblemCollector) -> str:
    """File (and worksheet) named in a note."""
    raw = out.raw
    return f"{raw.file} 工作表「{raw.sheet}」" if raw.sheet else raw.file

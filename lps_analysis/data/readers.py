"""Reading one table file as the analyst sees it: CSV (UTF-8, BOM, GBK/GB18030), XLSX, Parquet.

The result keeps every cell as found (text for CSV/XLSX) together with the row number the analyst
sees in Excel or a text editor, so that later problems can name it. Interpretation (headers,
units, codes, totals) happens in `normalise`.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lps_analysis.errors import DataValidationError, Problem

SUFFIXES = (".csv", ".xlsx", ".parquet")
# Sheets that are never data: the templates' instructions and dropdown lists.
NON_DATA_SHEETS = ("填写说明", "选项", "说明", "instructions")
HEADER_SCAN_ROWS = 15


@dataclass
class RawTable:
    """Cells of one file before interpretation."""

    file: str  # file name as shown to the analyst
    sheet: str | None
    rows: list[list[object]]  # all rows, header area included (text files: strings)
    row_numbers: list[int]  # spreadsheet row / file line of each entry of `rows`
    frame: pd.DataFrame | None = None  # Parquet: already tabular, typed
    encoding: str | None = None


def table_name_of(path: Path) -> str:
    """The table a file holds, from its name: `talent_stock.csv` → `talent_stock`."""
    return Path(path).name.split(".")[0]


def _problem(path: Path, zh: str, en: str, **kw) -> DataValidationError:
    return DataValidationError([Problem(file=Path(path).name, message_zh=zh, message_en=en, **kw)])


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 with or without BOM, else GB18030 (a superset of GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return data.decode("gb18030"), "gb18030"


def read_csv_cells(path: Path) -> RawTable:
    data = Path(path).read_bytes()
    if b"\x00" in data[:4096]:
        raise _problem(
            path,
            "不是文本格式的 CSV 文件（可能是其他格式改了扩展名），请在 Excel 中另存为 CSV 或 XLSX。",
            "Not a text CSV file (binary content); save it from Excel as CSV or XLSX.",
        )
    try:
        text, encoding = decode_text(data)
    except UnicodeDecodeError as exc:
        raise _problem(
            path,
            "无法识别文件编码（既不是 UTF-8 也不是 GBK/GB18030）。",
            f"Unknown text encoding (neither UTF-8 nor GBK/GB18030): {exc.reason}.",
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, numbers = [], []
    try:
        for record in reader:
            rows.append(record)
            numbers.append(reader.line_num)  # line where the record ends; equal for plain rows
    except csv.Error as exc:
        raise _problem(
            path,
            f"CSV 格式错误：{exc}",
            f"Malformed CSV: {exc}",
            row=reader.line_num,
        ) from None
    return RawTable(Path(path).name, None, rows, numbers, encoding=encoding)


def _pick_sheet(workbook, path: Path, table: str, sheet: str | None, title_zh: str):
    names = workbook.sheetnames
    if sheet is not None:
        if sheet not in names:
            raise _problem(
                path,
                f"找不到工作表「{sheet}」；文件中的工作表：{'、'.join(names)}。",
                f"No sheet {sheet!r}; the workbook has: {', '.join(names)}.",
            )
        return workbook[sheet]
    for wanted in (table, title_zh, "数据"):
        if wanted in names:
            return workbook[wanted]
    for name in names:
        ws = workbook[name]
        if ws.sheet_state == "visible" and name.strip().lower() not in NON_DATA_SHEETS:
            return ws
    raise _problem(
        path,
        "工作簿中没有数据工作表。",
        "The workbook has no data sheet.",
    )


def read_xlsx_cells(path: Path, *, table: str, title_zh: str, sheet: str | None = None) -> RawTable:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise _problem(
            path,
            "无法作为 Excel 工作簿打开（文件损坏、被截断，或不是 .xlsx 格式）。",
            f"Cannot open as an Excel workbook (damaged, truncated or not .xlsx): {exc}.",
        ) from None
    ws = _pick_sheet(workbook, path, table, sheet, title_zh)
    # Merged cells (a county name over several rows, a header over several columns) hold their
    # value only in the top-left cell; give every cell of the range that value.
    fills = {}
    for merged in ws.merged_cells.ranges:
        value = ws.cell(merged.min_row, merged.min_col).value
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                fills[(r, c)] = value
    rows, numbers = [], []
    for r, values in enumerate(ws.iter_rows(values_only=True), start=1):
        row = list(values)
        for c in range(len(row)):
            if (r, c + 1) in fills:
                row[c] = fills[(r, c + 1)]
        rows.append(row)
        numbers.append(r)
    return RawTable(Path(path).name, ws.title, rows, numbers)


def read_parquet_frame(path: Path) -> RawTable:
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for a bad file
        raise _problem(
            path,
            "无法读取 Parquet 文件（文件损坏或不是 Parquet 格式）。",
            f"Cannot read as Parquet: {type(exc).__name__}: {exc}.",
        ) from None
    numbers = list(np.arange(1, len(frame) + 1))  # record numbers (Parquet has no header line)
    return RawTable(Path(path).name, None, [], numbers, frame=frame)


def read_cells(path: Path, *, table: str, title_zh: str, sheet: str | None = None) -> RawTable:
    """Read a table file of any supported format."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.exists():
        raise _problem(path, "文件不存在。", "File not found.")
    if path.stat().st_size == 0:
        raise _problem(path, "文件是空的。", "The file is empty.")
    if suffix == ".csv":
        return read_csv_cells(path)
    if suffix == ".xlsx":
        return read_xlsx_cells(path, table=table, title_zh=title_zh, sheet=sheet)
    if suffix == ".parquet":
        return read_parquet_frame(path)
    raise _problem(
        path,
        f"不支持的文件类型「{suffix}」：请使用 .csv、.xlsx 或 .parquet。",
        f"Unsupported file type {suffix!r}: use .csv, .xlsx or .parquet.",
    )

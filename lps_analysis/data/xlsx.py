"""XLSX workbooks read by their real extent, in bounded time and memory.

Only the cells a sheet actually holds are read (a stray space at XFD1048576 costs one cell, not
a million rows); the sheet XML is scanned in chunks (`xlsx_cells`) after its cells were counted against a
budget, and a workbook whose parts unpack beyond a size limit is refused before anything is
parsed. openpyxl (read-only)
supplies the workbook's sheet list, shared strings and date styles; the cells themselves are
read here, so that a formula saved without its value, an error value or a cell over Excel's
length limit is named as such instead of looking empty or valid.
"""

from __future__ import annotations

import bisect
import zipfile
from pathlib import Path

from openpyxl.utils.cell import get_column_letter

from lps_analysis.data.cells import (
    EXCEL_CELL_CHARS,
)
from lps_analysis.data.raw import RawTable, file_problem
from lps_analysis.data.xlsx_cells import Budget, SheetCells, count_cells, scan_sheet
from lps_analysis.errors import DataValidationError

# Sheets that are never data: the templates' instructions and dropdown lists.
NON_DATA_SHEETS = ("填写说明", "选项", "说明", "instructions")
HEADER_SCAN_ROWS = 15
MAX_PART_BYTES = 200 * 2**20  # one unpacked part of the workbook (a sheet's XML, shared strings)
MAX_SLOTS = 40_000_000  # cells of the rectangular table built from what was read
MAX_COLUMNS = 1_000  # columns kept under a header; no template comes near


def _table_of(sheet: SheetCells, path: Path, name: str, hidden: bool) -> RawTable:
    """Rows of content, each as long as its last cell under the header area's width."""
    numbers = sorted(sheet.by_row)
    head = [c for r in numbers[:HEADER_SCAN_ROWS] for c, _ in sheet.by_row[r]]
    width = min(max(head, default=0), MAX_COLUMNS)
    notes, beyond = [], []
    rows = []
    slots = 0
    for r in numbers:
        cells = sheet.by_row[r]
        last = cells[-1][0] if cells[-1][0] <= width else 0
        if not last or any(c > last for c, _ in cells[:-1]):  # out of column order
            last = max((c for c, _ in cells if c <= width), default=0)
        slots += last
        if slots > MAX_SLOTS:
            raise file_problem(
                path,
                "工作表的数据过于分散或过宽，无法作为一张表读取。",
                "The sheet's cells are spread too wide to read as one table.",
                sheet=name,
            )
        row = [None] * last
        for c, value in cells:
            if c <= width:
                row[c - 1] = value
            else:
                beyond.append((r, c))
        rows.append(row)
    _fill_merged(sheet, numbers, rows, width)
    if beyond:
        r, c = beyond[0]
        notes.append(
            f"{path.name} 工作表「{name}」：{len(beyond):,} 个单元格在表头范围以外（如 "
            f"{get_column_letter(c)}{r}），没有列名，未读取。"
        )
    return RawTable(path.name, name, rows, numbers, hidden=hidden, notes=notes)


def _fill_merged(sheet: SheetCells, numbers: list[int], rows: list[list], width: int) -> None:
    """A merged range holds its value in the top-left cell: give it to each cell of the range
    in the rows that have content."""
    slots = 0
    for r1, c1, r2, c2 in sheet.merges:
        value = dict(sheet.by_row.get(r1, ())).get(c1)
        if value is None or c1 > width:
            continue
        for i in range(bisect.bisect_left(numbers, r1), bisect.bisect_right(numbers, r2)):
            row = rows[i]
            last = min(c2, width)
            slots += last - c1 + 1
            if slots > MAX_SLOTS:
                return
            if len(row) < last:
                row.extend([None] * (last - len(row)))
            for c in range(c1, last + 1):
                if row[c - 1] is None:
                    row[c - 1] = value


def _check_parts(archive: zipfile.ZipFile, path: Path) -> None:
    for info in archive.infolist():
        if info.file_size > MAX_PART_BYTES:
            raise file_problem(
                path,
                f"工作簿解压后过大（{info.filename} 为 {info.file_size / 2**20:,.0f} MB，"
                f"上限 {MAX_PART_BYTES // 2**20} MB）：请另存为 CSV（UTF-8）或 Parquet。",
                f"Workbook part {info.filename} unpacks to {info.file_size:,} bytes "
                f"(limit {MAX_PART_BYTES:,}): save the data as CSV or Parquet.",
            )


def _corrupt(path: Path, exc: Exception):
    return file_problem(
        path,
        "无法作为 Excel 工作簿打开（文件损坏、被截断，或不是 .xlsx 格式）。",
        f"Cannot open as an Excel workbook (damaged, truncated or not .xlsx): {exc}.",
    )


def _open_workbook(path: Path):
    """openpyxl's reader for the workbook's parts (sheet list, shared strings, styles) without
    its worksheet objects: those parse a whole sheet to size it when it states no dimension."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    reader = ExcelReader(path, read_only=True, data_only=True)
    reader.read_manifest()
    reader.read_strings()
    reader.read_workbook()
    apply_stylesheet(reader.archive, reader.wb)
    return reader


def read_xlsx_sheets(path: Path, *, sheet: str | None = None) -> list[RawTable]:
    """Every worksheet that may hold data (hidden ones flagged), or the one named `sheet`."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            _check_parts(archive, path)
        reader = _open_workbook(path)
        sheets = [
            (ws.name, ws.state or "visible", rel.target)
            for ws, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type
        ]
    except DataValidationError:
        raise
    except Exception as exc:  # zipfile, XML and openpyxl errors of a damaged or foreign file
        raise _corrupt(path, exc) from None
    try:
        return _read_sheets(reader, sheets, path, sheet)
    finally:
        reader.archive.close()


def _read_sheets(reader, sheets, path: Path, wanted: str | None) -> list[RawTable]:
    names = [name for name, _, _ in sheets]
    if wanted is not None and wanted not in names:
        raise file_problem(
            path,
            f"找不到工作表「{wanted}」；文件中的工作表：{'、'.join(names)}。",
            f"No sheet {wanted!r}; the workbook has: {', '.join(names)}.",
        )
    budget = Budget(path)
    for name, _, source in sheets:
        if (wanted is None or name == wanted) and name.strip().lower() not in NON_DATA_SHEETS:
            budget.spend(count_cells(reader.archive, source))  # refuse before parsing anything
    budget = Budget(path)
    strings = list(reader.shared_strings)
    long_strings = {i for i, s in enumerate(strings) if len(s) > EXCEL_CELL_CHARS}
    workbook = reader.wb
    tables = []
    for name, state, source in sheets:
        if wanted is not None and name != wanted:
            continue
        if wanted is None and name.strip().lower() in NON_DATA_SHEETS:
            continue
        cells = SheetCells(strings, long_strings, workbook._date_formats, workbook.epoch)
        with reader.archive.open(source) as stream:
            scan_sheet(stream, cells, budget)
        tables.append(_table_of(cells, path, name, state != "visible"))
    return tables

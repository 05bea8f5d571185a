"""XLSX workbooks read by their real extent, in bounded time and memory.

Only the cells a sheet actually holds are read (a stray space at XFD1048576 costs one cell, not
a million rows); the sheet XML is scanned in chunks with a cell budget, and a workbook whose
parts unpack beyond a size limit is refused before anything is parsed. openpyxl (read-only)
supplies the workbook's sheet list, shared strings and date styles; the cells themselves are
read here, so that a formula saved without its value, an error value or a cell over Excel's
length limit is named as such instead of looking empty or valid.
"""

from __future__ import annotations

import bisect
import html
import re
import zipfile
from pathlib import Path

from openpyxl.utils.cell import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import from_excel

from lps_analysis.data.cells import (
    EXCEL_CELL_CHARS,
    INVISIBLE,
    formula_error,
    oversized,
    strip_invisible,
    uncached_formula,
)
from lps_analysis.data.raw import RawTable, file_problem
from lps_analysis.errors import DataValidationError

# Sheets that are never data: the templates' instructions and dropdown lists.
NON_DATA_SHEETS = ("填写说明", "选项", "说明", "instructions")
HEADER_SCAN_ROWS = 15
MAX_PART_BYTES = 200 * 2**20  # one unpacked part of the workbook (a sheet's XML, shared strings)
MAX_CELLS = 3_000_000  # cell elements in all sheets read, blank ones included
MAX_SLOTS = 40_000_000  # cells of the rectangular table built from what was read
MAX_COLUMNS = 1_000  # columns kept under a header; no template comes near
CHUNK = 4 * 2**20

# The cells Excel writes: attributes in its order, at most a formula, a value, an inline string.
_FAST_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})(\d{1,7})"(?: s="(\d+)")?(?: t="(\w+)")?\s*'
    rb"(?:/>|>(<f\b[^>]*?(?:/>|>[^<]*</f>))?(?:<v>([^<]*)</v>)?"
    rb"(?:<is><t(?:\s[^>]*)?>([^<]*)</t></is>)?</c>)"
)
_ANY_CELL = re.compile(rb"<(?:\w+:)?c[\s/>]")
# Anything else (prefixed names, other attribute orders, rich inline text, no cell references).
# Tempered and possessive: an unclosed element stops at the next one instead of scanning on.
_ROW = re.compile(
    rb"<(?:\w+:)?row\b([^>]*?)(?:/>|>((?:[^<]++|<(?!/?(?:\w+:)?row[\s/>]))*+)</(?:\w+:)?row>)"
)
_CELL = re.compile(
    rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>((?:[^<]++|<(?!/?(?:\w+:)?c[\s/>]))*+)</(?:\w+:)?c>)"
)
_ATTR = re.compile(rb"([\w:]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_VALUE = re.compile(rb"<(?:\w+:)?v(?:\s[^>]*)?>([^<]*)</(?:\w+:)?v>")
_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>([^<]*)</(?:\w+:)?f>)")
_TEXT = re.compile(rb"<(?:\w+:)?t(?:\s[^>]*)?>([^<]*)</(?:\w+:)?t>")
_PHONETIC = re.compile(rb"<(?:\w+:)?rPh\b(?:[^<]++|<(?!/(?:\w+:)?rPh>))*+</(?:\w+:)?rPh>")
_MERGE = re.compile(
    rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?\""
)
_REF = re.compile(rb"([A-Z]{1,3})(\d{1,7})")
_INT = re.compile(rb"-?\d{1,15}")


def _text(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    return html.unescape(text) if "&" in text else text


class _Budget:
    def __init__(self, path: Path):
        self.path, self.cells = path, 0

    def spend(self, n: int) -> None:
        self.cells += n
        if self.cells > MAX_CELLS:
            raise file_problem(
                self.path,
                f"工作簿的单元格超过 {MAX_CELLS:,} 个，超出本工具读取 Excel 的上限："
                "请另存为 CSV（UTF-8）或 Parquet 后再检查。",
                f"More than {MAX_CELLS:,} cells: save the data as CSV (UTF-8) or Parquet.",
            )


class _SheetCells:
    """The non-blank cells of one sheet, by row, and its merged ranges."""

    def __init__(self, strings: list[str], long_strings: set[int], dates: set[int], epoch):
        self.strings, self.long_strings, self.dates, self.epoch = (
            strings,
            long_strings,
            dates,
            epoch,
        )
        self.by_row: dict[int, list[tuple[int, object]]] = {}
        self.merges: list[tuple[int, int, int, int]] = []
        self.last_row = 0
        self._texts: dict[bytes, str] = {}  # sheets repeat a few names and codes many times

    def text(self, raw: bytes) -> str:
        text = self._texts.get(raw)
        if text is None:
            text = _text(raw)
            if len(self._texts) < 100_000:
                self._texts[raw] = text
        return text

    def add(self, row: int, col: int, style: bytes, kind: bytes, formula, value, inline) -> None:
        cell = self._value(style, kind, formula, value, inline)
        if cell is None or (isinstance(cell, str) and _blank(cell)):
            return  # blank: a stray space or an empty styled cell is no content
        self.by_row.setdefault(row, []).append((col, cell))

    def _value(self, style, kind, formula, value, inline):
        if kind == b"inlineStr":
            text = self.text(inline or b"")
            return oversized(text) if len(text) > EXCEL_CELL_CHARS else text
        if not value:
            return uncached_formula(_formula_text(formula)) if formula else None
        if kind == b"s":
            index = int(value) if value.strip().isdigit() else -1
            if index in self.long_strings:
                return oversized(self.strings[index])
            return self.strings[index] if 0 <= index < len(self.strings) else None
        if kind in (b"str", b"d"):
            text = self.text(value)
            return oversized(text) if len(text) > EXCEL_CELL_CHARS else text
        if kind == b"e":
            return formula_error(_text(value))
        if kind == b"b":
            return value.strip() == b"1"
        try:
            number = int(value) if _INT.fullmatch(value) else float(value)
        except ValueError:
            return _text(value)  # not a number after all: normalise says so with its place
        if style.isdigit() and int(style) in self.dates:
            try:
                return from_excel(number, self.epoch)
            except (ValueError, OverflowError, TypeError):
                return number
        return number


def _blank(text: str) -> bool:
    stripped = text.strip()
    # Only a cell that starts with an invisible character can be nothing but invisibles.
    return not stripped or (
        INVISIBLE.match(stripped) is not None and not strip_invisible(stripped).strip()
    )


def _formula_text(formula: bytes) -> str:
    m = _FORMULA.search(formula)
    return _text(m.group(1)) if m and m.group(1) else "(共享公式)"


def _scan_fast(part: bytes, sheet: _SheetCells, expected: int, budget: _Budget) -> bool:
    if expected > MAX_CELLS or b":c" in part:  # prefixed tags (<x:c>) need the regex
        expected = len(_ANY_CELL.findall(part))
    budget.spend(min(expected, MAX_CELLS + 1))
    found = _FAST_CELL.findall(part)
    if len(found) != expected:
        exact = len(_ANY_CELL.findall(part))
        budget.spend(exact - expected)
        if len(found) != exact:
            return False
    columns: dict[bytes, int] = {}
    rows: dict[bytes, int] = {}
    by_row, value_of, text_of = sheet.by_row, sheet._value, sheet.text
    for letters, row, style, kind, formula, value, inline in found:
        # The common cells inline: text and plain numbers; the rest through _value.
        if kind == b"inlineStr" and len(inline) <= EXCEL_CELL_CHARS:
            cell = text_of(inline)
        elif not kind and not style and value and not formula:
            cell = (
                int(value) if _INT.fullmatch(value) else value_of(style, kind, formula, value, b"")
            )
        else:
            cell = value_of(style, kind, formula, value, inline)
        if cell is None or (cell.__class__ is str and _blank(cell)):
            continue
        col = columns.get(letters)
        if col is None:
            col = columns[letters] = column_index_from_string(letters.decode())
        r = rows.get(row)
        if r is None:
            r = rows[row] = int(row)
            sheet.last_row = r
        by_row.setdefault(r, []).append((col, cell))
    return True


def _scan_general(part: bytes, sheet: _SheetCells) -> None:
    for row_attrs, body in _ROW.findall(part):
        attrs = {k: a or b for k, a, b in _ATTR.findall(row_attrs)}
        r = int(attrs[b"r"]) if attrs.get(b"r", b"").isdigit() else sheet.last_row + 1
        sheet.last_row, col = r, 0
        for cell_attrs, inner in _CELL.findall(body or b""):
            attrs = {k.split(b":")[-1]: a or b for k, a, b in _ATTR.findall(cell_attrs)}
            ref = _REF.fullmatch(attrs.get(b"r", b""))
            col = column_index_from_string(ref.group(1).decode()) if ref else col + 1
            value = _VALUE.search(inner)
            formula = _FORMULA.search(inner)
            inline = b"".join(_TEXT.findall(_PHONETIC.sub(b"", inner)))
            sheet.add(
                r,
                col,
                attrs.get(b"s", b"").strip(),
                attrs.get(b"t", b""),
                formula.group(0) if formula else b"",
                value.group(1) if value else b"",
                inline,
            )


def _last_row_end(buf: bytearray, start: int) -> int:
    """Index just past the last closing row tag (</row> or </x:row>) at or after `start`, or -1."""
    end = len(buf)
    while True:
        i = buf.rfind(b"row>", start, end)
        if i < 0:
            return -1
        lt = buf.rfind(b"<", max(0, i - 40), i)
        if lt >= 0 and buf[lt + 1 : lt + 2] == b"/":
            return i + 4
        end = i


def _scan_sheet(stream, sheet: _SheetCells, budget: _Budget) -> None:
    tail = bytearray()
    while True:
        chunk = stream.read(CHUNK)
        searched_from = max(0, len(tail) - 48)
        tail += chunk
        cut = _last_row_end(tail, searched_from) if chunk else len(tail)
        if not chunk and not tail:
            return
        if cut < 0:
            continue
        part = bytes(tail[:cut])
        del tail[:cut]
        # Inside sheetData every "<c" opens a cell; elsewhere <col>, <cfRule>... need the regex.
        cells = part.count(b"<c")
        if not _scan_fast(part, sheet, cells, budget):
            _scan_general(part, sheet)
        if b"mergeCell" not in part:
            continue
        for a, r1, b, r2 in _MERGE.findall(part):
            c1 = column_index_from_string(a.decode())
            c2 = column_index_from_string(b.decode()) if b else c1
            sheet.merges.append((int(r1), c1, int(r2 or r1), c2))


def _table_of(sheet: _SheetCells, path: Path, name: str, hidden: bool) -> RawTable:
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


def _fill_merged(sheet: _SheetCells, numbers: list[int], rows: list[list], width: int) -> None:
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
    budget = _Budget(path)
    strings = list(reader.shared_strings)
    long_strings = {i for i, s in enumerate(strings) if len(s) > EXCEL_CELL_CHARS}
    workbook = reader.wb
    tables = []
    for name, state, source in sheets:
        if wanted is not None and name != wanted:
            continue
        if wanted is None and name.strip().lower() in NON_DATA_SHEETS:
            continue
        cells = _SheetCells(strings, long_strings, workbook._date_formats, workbook.epoch)
        with reader.archive.open(source) as stream:
            _scan_sheet(stream, cells, budget)
        tables.append(_table_of(cells, path, name, state != "visible"))
    return tables

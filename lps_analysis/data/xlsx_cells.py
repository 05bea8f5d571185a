"""The cells of one worksheet's XML, read by what it holds and within a cell budget.

Excel's own cells go through one regular expression (attributes in Excel's order); any other
spelling (prefixed tag names, cells without references, rich inline text) through a general
one. Both are linear: an unclosed element stops at the next one. Only non-blank cells are kept.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel

from lps_analysis.data.cells import (
    EXCEL_CELL_CHARS,
    INVISIBLE,
    formula_error,
    oversized,
    strip_invisible,
    uncached_formula,
)
from lps_analysis.data.raw import file_problem

MAX_CELLS = 1_000_000  # cell elements in all sheets read, blank ones included
CHUNK = 4 * 2**20

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


class Budget:
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


class SheetCells:
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


def _scan_fast(part: bytes, sheet: SheetCells, expected: int, budget: Budget) -> bool:
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


def _scan_general(part: bytes, sheet: SheetCells) -> None:
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


def count_cells(archive, source: str) -> int:
    """Cell elements of a sheet, counted while unpacking (a little over: <col> and the like)."""
    count, carry = 0, b""
    with archive.open(source) as stream:
        while chunk := stream.read(CHUNK):
            data = carry + chunk  # a "<" at the end of one chunk may open a cell in the next
            count += data.count(b"<c") + data.count(b":c ")
            carry = b"<" if data.endswith(b"<") else b""
    return count


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


def scan_sheet(stream, sheet: SheetCells, budget: Budget) -> None:
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

"""CSV files as Excel shows them: encodings, separators, and rows numbered as Excel numbers them.

Encodings: UTF-8 (with or without BOM), GBK/GB18030, UTF-16 (Excel's "Unicode text", which is
also tab-separated). A file that mixes encodings line by line, or holds a byte no encoding
explains, is refused naming the line. A record that spans lines (a cell with an Alt+Enter line
break) is one row, as in Excel, so the rows after it keep their Excel numbers.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from lps_analysis.data.cells import EXCEL_CELL_CHARS, oversized
from lps_analysis.data.raw import RawTable, file_problem
from lps_analysis.errors import DataValidationError, Problem

SNIFF_LINES = 15


def _utf16(data: bytes) -> str | None:
    """UTF-16 with a BOM, or without one when every other byte of ASCII text is NUL."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    head = data[:4096]
    if len(head) >= 4:
        even, odd = head[0::2], head[1::2]
        if odd.count(0) > 0.4 * len(odd) and even.count(0) == 0:
            return data.decode("utf-16-le")
        if even.count(0) > 0.4 * len(even) and odd.count(0) == 0:
            return data.decode("utf-16-be")
    return None


def _decodes(line: bytes, encoding: str) -> bool:
    try:
        line.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _mixed_encoding_problem(path: Path, lines: list[bytes]) -> DataValidationError | None:
    """Lines in UTF-8 beside lines that are not: name the lines of the smaller group."""
    utf8, other = [], []
    for number, line in enumerate(lines, start=1):
        if line.isascii():
            continue
        (utf8 if _decodes(line, "utf-8") else other).append(number)
    if not utf8 or not other:
        return None
    if len(other) <= len(utf8):
        odd, zh, en = other, "不是 UTF-8 编码（可能是 GBK），而文件其他行是 UTF-8", "not UTF-8"
    else:
        odd, zh, en = utf8, "是 UTF-8 编码，而文件其他行是 GBK", "UTF-8 in a GBK file"
    shown = "、".join(str(n) for n in odd[:8]) + ("…" if len(odd) > 8 else "")
    return DataValidationError(
        [
            Problem(
                file=path.name,
                row=odd[0],
                message_zh=f"文件混用了两种编码：第 {shown} 行{zh}。请在 Excel 中整体另存为 CSV UTF-8。",
                message_en=f"Mixed encodings: lines {shown} are {en}; save the file again as CSV UTF-8.",
            )
        ]
    )


def _undecodable_line(path: Path, lines: list[bytes]) -> DataValidationError:
    number = next(
        (n for n, line in enumerate(lines, start=1) if not _decodes(line, "gb18030")), None
    )
    line = lines[number - 1] if number else b""
    bad = next((i for i in range(len(line)) if not _decodes(line[: i + 1], "gb18030")), 0)
    return DataValidationError(
        [
            Problem(
                file=path.name,
                row=number,
                value=line[max(0, bad - 2) : bad + 2].hex(" "),
                message_zh="无法识别的字节（既不是 UTF-8 也不是 GBK/GB18030），文件可能已损坏。",
                message_en="Undecodable bytes (neither UTF-8 nor GBK/GB18030): the file may be damaged.",
            )
        ]
    )


def decode_text(data: bytes, path: Path = Path("?")) -> tuple[str, str]:
    """Decode CSV bytes; DataValidationError naming the line when that is impossible."""
    text = _utf16(data)
    if text is not None:
        return text.lstrip("\ufeff"), "utf-16"
    if data.startswith(b"\xef\xbb\xbf"):
        data, bom = data[3:], True
    else:
        bom = False
    try:
        return data.decode("utf-8"), "utf-8-sig" if bom else "utf-8"
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    mixed = _mixed_encoding_problem(path, lines)
    if mixed is not None:
        raise mixed
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise _undecodable_line(path, lines) from None


def _delimiter(text: str) -> str:
    head = text.splitlines()[:SNIFF_LINES]
    tabs = sum(line.count("\t") for line in head)
    commas = sum(line.count(",") for line in head)
    return "\t" if tabs > commas else ","


def read_csv_cells(path: Path) -> RawTable:
    """Every record of a CSV file, numbered as Excel numbers the rows it shows."""
    data = Path(path).read_bytes()
    if b"\x00" in data[:4096] and _utf16(data[:4096]) is None:
        raise file_problem(
            path,
            "不是文本格式的 CSV 文件（可能是其他格式改了扩展名），请在 Excel 中另存为 CSV 或 XLSX。",
            "Not a text CSV file (binary content); save it from Excel as CSV or XLSX.",
        )
    text, encoding = decode_text(data, Path(path))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))  # long cells are named below, with a column
    rows = []
    try:
        for record in reader:
            rows.append(record)
    except csv.Error as exc:
        raise file_problem(
            path, f"CSV 格式错误：{exc}", f"Malformed CSV: {exc}", row=len(rows) + 1
        ) from None
    finally:
        csv.field_size_limit(limit)
    if len(text) > EXCEL_CELL_CHARS:
        for record in rows:
            for i, cell in enumerate(record):
                if len(cell) > EXCEL_CELL_CHARS:
                    record[i] = oversized(cell)
    # Excel shows one row per record, a blank line included, whatever line breaks cells hold.
    return RawTable(Path(path).name, None, rows, list(range(1, len(rows) + 1)), encoding=encoding)

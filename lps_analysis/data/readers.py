"""Reading one table file as the analyst sees it: CSV (UTF-8, BOM, GBK/GB18030, UTF-16), XLSX,
Parquet.

The result keeps every cell as found (text for CSV, typed cells for XLSX) together with the row
number the analyst sees in Excel, so that later problems can name it; a workbook gives one
`RawTable` per sheet that may hold data. What a file really is comes from its first bytes, not
its name: an old .xls renamed .xlsx is called an old .xls. Interpretation (headers, units, codes,
totals) happens in `normalise`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from lps_analysis.data.raw import RawTable, file_problem
from lps_analysis.data.text_files import read_csv_cells
from lps_analysis.data.xlsx import HEADER_SCAN_ROWS, NON_DATA_SHEETS, read_xlsx_sheets

SUFFIXES = (".csv", ".xlsx", ".parquet")
OLD_SUFFIXES = (".xls", ".et", ".wps")  # formats an analyst may have, each with its own answer
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Office 97-2003 files and encrypted workbooks
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")

__all__ = [
    "HEADER_SCAN_ROWS",
    "NON_DATA_SHEETS",
    "OLD_SUFFIXES",
    "RawTable",
    "SUFFIXES",
    "read_tables",
    "table_name_of",
]


def table_name_of(path: Path) -> str:
    """The table a file holds, from its name: `talent_stock.csv` → `talent_stock`."""
    return Path(path).name.split(".")[0]


def read_parquet_frame(path: Path) -> RawTable:
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for a bad file
        raise file_problem(
            path,
            "无法读取 Parquet 文件（文件损坏或不是 Parquet 格式）。",
            f"Cannot read as Parquet: {type(exc).__name__}: {exc}.",
        ) from None
    numbers = list(np.arange(1, len(frame) + 1))  # record numbers (Parquet has no header line)
    return RawTable(Path(path).name, None, [], numbers, frame=frame)


def _old_office_problem(path: Path, head: bytes):
    with open(path, "rb") as f:
        data = f.read(2**20)
    if _ENCRYPTED in data:
        return file_problem(
            path,
            "这是设置了打开密码的 Excel 工作簿：请在 Excel 中取消密码（文件 ▸ 信息 ▸ 保护工作簿）后另存为 .xlsx。",
            "A password-protected workbook: remove the password in Excel and save as .xlsx.",
        )
    return file_problem(
        path,
        "这是旧版 Excel 97-2003 工作簿（.xls）：请在 Excel 中打开，另存为“Excel 工作簿（.xlsx）”。",
        "An old Excel 97-2003 workbook (.xls): open it in Excel and save as .xlsx.",
    )


def read_tables(path: Path, *, sheet: str | None = None) -> list[RawTable]:
    """Read a table file of any supported format: one RawTable per sheet that may hold data."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.exists():
        raise file_problem(path, "文件不存在。", "File not found.")
    if path.stat().st_size == 0:
        raise file_problem(path, "文件是空的。", "The file is empty.")
    with open(path, "rb") as f:
        head = f.read(8)
    if head == _OLE2 and suffix in (".xlsx", ".csv", *OLD_SUFFIXES):
        raise _old_office_problem(path, head)
    if suffix == ".csv":
        return [read_csv_cells(path)]
    if suffix == ".xlsx" or (suffix in OLD_SUFFIXES and head.startswith(b"PK")):
        return read_xlsx_sheets(path, sheet=sheet)
    if suffix == ".parquet":
        return [read_parquet_frame(path)]
    if suffix in OLD_SUFFIXES:
        raise file_problem(
            path,
            f"不支持的文件类型「{suffix}」：请在 Excel 或 WPS 中另存为 .xlsx 或 CSV。",
            f"Unsupported file type {suffix!r}: save it as .xlsx or CSV.",
        )
    raise file_problem(
        path,
        f"不支持的文件类型「{suffix}」：请使用 .csv、.xlsx 或 .parquet。",
        f"Unsupported file type {suffix!r}: use .csv, .xlsx or .parquet.",
    )

"""Building and writing the templates: the workbook of one input table (`build_workbook`),
saved byte-for-byte reproducibly (fixed document properties and zip entry times,
`save_reproducibly`), one file (`write_template`, optionally with rows) or every table plus the
README of data/templates/ (`write_all_templates`, `readme_text`).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import pandas as pd
from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from lps_analysis import paths
from lps_analysis.data.tables import TABLES

from .data_sheet import _data_sheet
from .instructions import _instructions_sheet
from .values import input_tables
from .wording import README_TEXT, TABLE_PURPOSE_ZH, title_of

FIXED_TIME = dt.datetime(2021, 1, 1)  # document properties and zip entry times: reproducible bytes
CREATOR = "lps-talent"


def build_workbook(table: str, rows: pd.DataFrame | None = None) -> Workbook:
    """The template workbook of one input table (not saved)."""
    if table not in TABLES or table == "scopes":
        raise KeyError(f"not an input table: {table!r} (one of {', '.join(input_tables())})")
    spec = TABLES[table]
    wb = Workbook()
    _data_sheet(wb, spec, rows)
    _instructions_sheet(wb, spec)
    wb.active = 0
    props = wb.properties
    props.creator = CREATOR
    props.lastModifiedBy = CREATOR
    props.title = title_of(spec)
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    return wb


class _FixedTimeZip(ZipFile):
    """A zip archive whose entries all carry FIXED_TIME (openpyxl stamps the current time)."""

    def _info(self, arcname: str) -> ZipInfo:
        info = ZipInfo(arcname, date_time=FIXED_TIME.timetuple()[:6])
        info.compress_type = self.compression
        info.external_attr = 0o600 << 16
        return info

    def writestr(self, zinfo_or_arcname, data, *args, **kwargs):
        if not isinstance(zinfo_or_arcname, ZipInfo):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        return super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename, arcname=None, *args, **kwargs):  # openpyxl's worksheet temp files
        with open(filename, "rb") as fh:
            data = fh.read()
        return self.writestr(arcname or os.path.basename(filename), data)


def save_reproducibly(wb: Workbook, path: Path) -> Path:
    """Save with fixed properties and zip timestamps: same workbook → same bytes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    archive = _FixedTimeZip(path, "w", ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(wb, archive).save()  # closes the archive
    return path


def write_template(table: str, path: Path, rows: pd.DataFrame | None = None) -> Path:
    """Write the template of one input table to `path` (.xlsx); `rows` (canonical columns) are
    written as the office would type them: Chinese labels, scope names, numbers, Excel dates."""
    return save_reproducibly(build_workbook(table, rows), path)


def readme_text() -> str:
    lines = "\n".join(
        f"- `{name}.xlsx` — {TABLES[name].title_zh}：{TABLE_PURPOSE_ZH[name]}"
        for name in input_tables()
    )
    return README_TEXT.format(table_lines_zh=lines)


def write_all_templates(out_dir: Path = paths.TEMPLATES_DIR) -> list[Path]:
    """Write an empty `<table>.xlsx` for every input table plus README.md; the paths written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [write_template(name, out_dir / f"{name}.xlsx") for name in input_tables()]
    readme = out_dir / "README.md"
    readme.write_text(readme_text(), encoding="utf-8")
    return [*written, readme]

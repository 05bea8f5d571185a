"""The `数据` sheet, where the office types its rows: the title, the headers (required ones
bold on an orange fill), the column formats and widths, the hidden `选项` sheet holding the
dropdown lists, the data validations (dropdowns, year, date and number checks) of rows
FIRST_DATA_ROW..LAST_ROW, and rows already known, written as the office would type them.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from lps_analysis.data.tables import YEAR_MAX, YEAR_MIN, Column, TableSpec

from .layout import (
    DATA_SHEET,
    DATE_FORMAT,
    FIRST_DATA_ROW,
    HEADER_ALIGN,
    HEADER_ROW,
    LAST_ROW,
    OPTIONAL_FILL,
    OPTIONAL_FONT,
    OPTIONS_SHEET,
    REQUIRED_FILL,
    REQUIRED_FONT,
    TITLE_FONT,
    TITLE_ROW,
)
from .values import _as_text, _display_width, cell_value, options_for
from .wording import _allowed_text, _example, title_of

DATE_MIN = dt.date(1949, 1, 1)  # earliest date the validation accepts (platforms can be old)
ROW_COLUMN = "row_in_file"  # bookkeeping column of loaded tables; ignored when writing rows


def _validation(spec: TableSpec, col: Column, list_ref: str | None) -> DataValidation | None:
    """The data validation of one column (None when the column is free text)."""
    header = col.template_header
    if list_ref is not None:
        dv = DataValidation(type="list", formula1=list_ref, allow_blank=True)
        # A warning, not a stop: the final 合计 row and former names (水城县) must stay possible.
        dv.error = (
            f"「{header}」应从下拉列表中选择。确需填写其他内容（如末尾合计行的“合计”），请点“是”。"
        )
    elif col.kind == "year":
        dv = DataValidation(
            type="whole",
            operator="between",
            formula1=str(YEAR_MIN),
            formula2=str(YEAR_MAX),
            allow_blank=True,
        )
        dv.error = f"「{header}」应为 {YEAR_MIN}–{YEAR_MAX} 之间的四位年份。"
    elif col.kind == "date":
        dv = DataValidation(
            type="date",
            operator="between",
            formula1=f"DATE({DATE_MIN.year},{DATE_MIN.month},{DATE_MIN.day})",
            formula2=f"DATE({YEAR_MAX},12,31)",
            allow_blank=True,
        )
        dv.error = f"「{header}」应为日期（格式 {DATE_FORMAT}，如 2019-03-01）。"
    elif col.kind in ("int", "float") and (col.whole or col.kind == "int"):
        low = 0 if col.minimum is None else col.minimum
        dv = DataValidation(
            type="whole", operator="greaterThanOrEqual", formula1=f"{low:g}", allow_blank=True
        )
        dv.error = f"「{header}」应为不小于 {low:g} 的整数。"
    elif col.kind == "float" and col.minimum is not None:
        dv = DataValidation(
            type="decimal",
            operator="greaterThanOrEqual",
            formula1=f"{col.minimum:g}",
            allow_blank=True,
        )
        dv.error = f"「{header}」应为不小于 {col.minimum:g} 的数字。"
    else:
        return None
    dv.errorTitle = "输入有误"
    dv.errorStyle = "warning" if list_ref is not None else "stop"
    dv.showErrorMessage = True
    dv.promptTitle = ("必填：" if col.required else "选填：") + col.header_zh
    dv.prompt = _allowed_text(spec, col)[:255]
    dv.showInputMessage = True
    letter = get_column_letter(spec.columns.index(col) + 1)
    dv.add(f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_ROW}")
    return dv


def _data_sheet(wb: Workbook, spec: TableSpec, rows: pd.DataFrame | None) -> None:
    ws = wb.active
    ws.title = DATA_SHEET
    ws.cell(TITLE_ROW, 1, title_of(spec)).font = TITLE_FONT
    ws.row_dimensions[HEADER_ROW].height = 32
    widths = {}
    for j, col in enumerate(spec.columns, start=1):
        cell = ws.cell(HEADER_ROW, j, col.template_header)
        cell.font = REQUIRED_FONT if col.required else OPTIONAL_FONT
        cell.fill = REQUIRED_FILL if col.required else OPTIONAL_FILL
        cell.alignment = HEADER_ALIGN
        options = options_for(spec, col) or []
        widths[j] = max(
            [_display_width(col.template_header), _display_width(_example(spec, col))]
            + [_display_width(o) for o in options]
        )
        letter = get_column_letter(j)
        if col.kind == "date":
            ws.column_dimensions[letter].number_format = DATE_FORMAT
        elif col.kind == "str":
            ws.column_dimensions[letter].number_format = "@"  # ids keep leading zeros

    # Hidden sheet with the dropdown lists, one column per list.
    opts = wb.create_sheet(OPTIONS_SHEET)
    opts.sheet_state = "hidden"
    list_refs: dict[str, str] = {}
    k = 0
    for col in spec.columns:
        options = options_for(spec, col)
        if options is None:
            continue
        k += 1
        letter = get_column_letter(k)
        opts.cell(1, k, col.template_header).font = REQUIRED_FONT
        for i, label in enumerate(options, start=2):
            opts.cell(i, k, label)
        opts.column_dimensions[letter].width = max(_display_width(o) for o in options) + 4
        last = len(options) + 1
        list_refs[col.name] = f"{quote_sheetname(OPTIONS_SHEET)}!${letter}$2:${letter}${last}"

    for col in spec.columns:
        dv = _validation(spec, col, list_refs.get(col.name))
        if dv is not None:
            ws.add_data_validation(dv)

    if rows is not None:
        known = set(spec.column_names) | {ROW_COLUMN}
        unknown = [c for c in rows.columns if c not in known]
        if unknown:
            raise ValueError(f"{spec.name}: columns not in the table: {unknown}")
        for i, record in enumerate(rows.to_dict(orient="records")):
            r = FIRST_DATA_ROW + i
            for j, col in enumerate(spec.columns, start=1):
                if col.name not in record:
                    continue
                value = cell_value(col, record[col.name])
                if value is None:
                    continue
                cell = ws.cell(r, j, value)
                if isinstance(value, str):
                    _as_text(cell)
                if col.kind == "date":
                    cell.number_format = DATE_FORMAT
                elif col.kind == "str":
                    cell.number_format = "@"
                widths[j] = max(widths[j], _display_width(value))

    for j, w in widths.items():
        ws.column_dimensions[get_column_letter(j)].width = min(max(w + 4, 10), 48)
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"  # a string: ws.cell() would create an empty A3
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"

"""The `填写说明` sheet: what the table is and what it is for, one line per column (meaning,
required or optional, unit, allowed values, example), the numbered general filling rules
(`general_rules`) and the meaning of each 数据性质 (provenance) option.
"""

from __future__ import annotations

import datetime as dt

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from lps_analysis.data import registry
from lps_analysis.data.tables import TABLES, YEAR_MAX, YEAR_MIN, TableSpec
from lps_analysis.data.vocab import PROVENANCE_KINDS

from .layout import (
    DATA_SHEET,
    DATE_FORMAT,
    HEADER_ALIGN,
    INSTRUCTIONS_SHEET,
    OPTIONAL_FILL,
    OPTIONAL_FONT,
    REQUIRED_FILL,
    REQUIRED_FONT,
    TITLE_FONT,
    WRAP,
)
from .values import options_for
from .wording import (
    _UNIT_OF_KIND,
    PROVENANCE_MEANING_ZH,
    TABLE_PURPOSE_ZH,
    _allowed_text,
    _example,
    _meaning,
)

# Tables whose counties are checked against the city figure (validate.cross_table_problems).
RECONCILED_TABLES = ("talent_stock", "population", "recruitment")


def general_rules(spec: TableSpec) -> list[str]:
    """The general filling rules (Chinese) that apply to this table, numbered in the sheet."""
    from lps_analysis.data.validate import RECONCILE_TOLERANCE  # pandera: import when needed

    first = spec.columns[0]
    where = f"在第一列「{first.header_zh}」写“合计”"
    if options_for(spec, first) is not None:
        where += "，弹出提示时点“是”"
    rules = [
        "每行填写一条记录；从第 3 行开始填写，不要删除第 1 行标题和第 2 行表头，不要修改表头文字。",
        "不要合并单元格，不要插入空行、分组标题行或中间的小计行。",
    ]
    if spec.total_column:
        total = spec.column(spec.total_column).template_header
        rules.append(
            f"表格末尾可以有一行合计（{where}，「{total}」填上方各行之和）；"
            "系统会核对合计是否等于上方各行之和，然后删除这一行。"
        )
    else:
        rules.append(f"本表不需要合计行；如有，只能放在最后一行（{where}），系统会删除这一行。")
    rules.append("表头加粗并带橙色底色的列为必填，每行都要填写；浅蓝色底色的列为选填，可以留空。")
    if any(c.per_wan and c.unit_zh == "人" for c in spec.columns):
        rules.append(
            "人数一律按“人”填写整数，不要写“万人”，不要写“约”“余”“多”等文字；"
            "若原始数据以万人为单位，可把表头改为“人数（万人）”，系统会换算为人（换算后须为整数）。"
        )
    rules.append(
        "数字只填数字本身，不要加单位或文字；不知道的数不要填 0——必填列不知道时，这一行先不填，"
        "选填列可以留空。"
    )
    dates = any(c.kind == "date" for c in spec.columns)
    rules.append(
        f"年份填四位数字（{YEAR_MIN}–{YEAR_MAX}）"
        + (f"；日期用 Excel 日期格式 {DATE_FORMAT}，如 2019-03-01。" if dates else "。")
    )
    rules.append(
        "带下拉箭头的列（地区、类别、级别等）请从下拉列表中选择（列表在隐藏的“选项”工作表中，"
        "请勿修改）；复制粘贴时请粘贴为“值”，并确认文字与下拉列表一致。"
    )
    if spec.name in RECONCILED_TABLES:
        n_counties = sum(s.level == "county" for s in registry.current_scopes())
        rules.append(
            f"同时填写{registry.city().name_zh}和全部县级单位时，系统会核对 {n_counties} 个"
            f"县级单位之和与市级数据是否一致（允许误差 {RECONCILE_TOLERANCE:.1%}）。"
        )
    if "provenance" in spec.column_names:
        where_source = (
            "在「数据来源」列写明文件或网址"
            if "source" in spec.column_names
            else "在提交时另附出处（文件或网址）"
        )
        rules.append(
            f"「数据性质」说明每行数字的来历（见下表）：官方发布的数字请{where_source}；"
            "示例数据（非真实）只用于演示和测试。"
        )
    if spec.name == "talent_records":
        rules.append("本表只填脱敏编号，不得填写姓名、身份证号、手机号、住址等个人信息。")
    rules.append(
        f"填好后保存为 .xlsx，文件名保持为 {spec.name}.xlsx（系统按文件名识别表格）；"
        f"提交前可用命令 `lps validate {spec.name}.xlsx` 检查，问题会指出行号和列名。"
    )
    return rules


def _instructions_sheet(wb: Workbook, spec: TableSpec) -> None:
    ws = wb.create_sheet(INSTRUCTIONS_SHEET, 1)
    widths = {"A": 24, "B": 46, "C": 10, "D": 10, "E": 46, "F": 26}
    for letter, w in widths.items():
        ws.column_dimensions[letter].width = w
    bold = Font(bold=True)
    r = 1
    title = f"{registry.city().name_zh}人才发展分析 — {spec.title_zh} 填写说明"
    ws.cell(r, 1, title).font = TITLE_FONT
    r += 2

    def pair(label: str, text: str) -> None:
        nonlocal r
        ws.cell(r, 1, label).font = bold
        ws.cell(r, 2, text).alignment = WRAP
        r += 1

    pair(
        "表格",
        f"{spec.title_zh}（{spec.name}），文件名 {spec.name}.xlsx，填写在“{DATA_SHEET}”工作表",
    )
    pair("用途", TABLE_PURPOSE_ZH[spec.name])
    key = " + ".join(spec.column(k).header_zh for k in spec.key)
    pair("唯一性", f"同一组「{key}」只能出现一行（不可重复）")
    for column, target in spec.references.items():
        pair(
            "引用",
            f"「{spec.column(column).header_zh}」须在 {TABLES[target].title_zh}（{target}.xlsx）中存在",
        )
    r += 1

    ws.cell(r, 1, "各列说明").font = Font(bold=True, size=12)
    r += 1
    for j, text in enumerate(
        ("列名（表头）", "含义", "必填/选填", "单位", "可选值/格式", "示例"), 1
    ):
        cell = ws.cell(r, j, text)
        cell.font = bold
        cell.alignment = HEADER_ALIGN
    r += 1
    for col in spec.columns:
        unit = col.unit_zh or _UNIT_OF_KIND.get(col.kind, "—")
        example = _example(spec, col)
        values = (
            col.template_header,
            _meaning(spec, col),
            "必填" if col.required else "选填",
            unit,
            _allowed_text(spec, col),
            example,
        )
        for j, value in enumerate(values, 1):
            cell = ws.cell(r, j, value)
            cell.alignment = WRAP
            if j == 1:
                cell.font = REQUIRED_FONT if col.required else OPTIONAL_FONT
                cell.fill = REQUIRED_FILL if col.required else OPTIONAL_FILL
            if j == 6 and isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
        r += 1
    r += 1

    ws.cell(r, 1, "填写规则").font = Font(bold=True, size=12)
    r += 1
    for i, rule in enumerate(general_rules(spec), 1):
        ws.cell(r, 1, i).alignment = Alignment(horizontal="left", vertical="top")
        ws.cell(r, 2, rule).alignment = WRAP
        r += 1
    r += 1

    if "provenance" in spec.column_names:
        ws.cell(r, 1, "「数据性质」各选项的含义").font = Font(bold=True, size=12)
        r += 1
        for cid, label in PROVENANCE_KINDS.items():
            ws.cell(r, 1, label).font = bold
            ws.cell(r, 2, PROVENANCE_MEANING_ZH[cid]).alignment = WRAP
            r += 1
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

"""Excel templates the county offices fill in: one .xlsx per input table of `tables.TABLES`.

Each workbook has
- `数据`: a title (row 1), the Chinese template headers exactly as `Column.template_header`
  (row 2; required columns bold on an orange fill), data from row 3; frozen below the header;
  dropdowns and number checks on rows 3..`LAST_ROW`;
- `填写说明`: what the table is, one line per column (meaning, required, unit, allowed values,
  example) and the general rules;
- `选项` (hidden): the dropdown lists the validations point to (so long lists work).

Everything is derived from `tables.py`, `vocab.py` and the scope registry, and the files are
byte-for-byte reproducible (fixed document properties and zip timestamps), so the committed
templates in `data/templates/` can be checked against the code (tests/test_templates.py).
`lps validate FILE` checks a filled template.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import unicodedata
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.writer.excel import ExcelWriter

from lps_analysis import paths
from lps_analysis.data import registry
from lps_analysis.data.tables import TABLES, YEAR_MAX, YEAR_MIN, Column, TableSpec
from lps_analysis.data.vocab import (
    PROVENANCE_KINDS,
    TALENT_CATEGORIES,
    TOTAL_CATEGORY,
    TOTAL_CATEGORY_ZH,
    category_id,
)

DATA_SHEET = "数据"
INSTRUCTIONS_SHEET = "填写说明"
OPTIONS_SHEET = "选项"
TITLE_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3
LAST_ROW = 2000  # validations and column formats cover rows FIRST_DATA_ROW..LAST_ROW
DATE_FORMAT = "yyyy-mm-dd"
DATE_MIN = dt.date(1949, 1, 1)  # earliest date the validation accepts (platforms can be old)
FIXED_TIME = dt.datetime(2021, 1, 1)  # document properties and zip entry times: reproducible bytes
CREATOR = "lps-talent"
ROW_COLUMN = "row_in_file"  # bookkeeping column of loaded tables; ignored when writing rows

# Tables whose counties are checked against the city figure (validate.cross_table_problems).
RECONCILED_TABLES = ("talent_stock", "population", "recruitment")
# Tables whose category column may also hold the stated total (人才总量, id `all`).
CATEGORY_TOTAL_TABLES = ("talent_stock",)

REQUIRED_FILL = PatternFill("solid", fgColor="F8CBAD")  # orange: required
OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")  # light blue: optional
TITLE_FONT = Font(bold=True, size=14)
REQUIRED_FONT = Font(bold=True)
OPTIONAL_FONT = Font(bold=False, color="404040")
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGN = Alignment(wrap_text=True, horizontal="center", vertical="center")

TABLE_PURPOSE_ZH = {
    "population": "各地区历年常住人口（年末或普查口径），用于计算每万人人才数等人均指标。",
    "talent_stock": (
        "各地区历年人才资源总量，以及按人才类别（党政、企业经营管理、专业技术、技能、"
        "农村实用、社会工作人才）分列的人数。"
    ),
    "recruitment": (
        "各地区历年引进人才人数，按引进渠道（人才博览会、绿色通道柔性引进、公开招聘等）"
        "和人才层次分列。"
    ),
    "institutions": (
        "东西部协作中接受帮扶的学校和医院名单；东西部协作人才交流表和受援单位成效指标表"
        "通过「单位编号」引用本表。"
    ),
    "exchanges": (
        "东部城市与六盘水之间的人才交流（派驻、派出）记录：每行一批人员"
        "（一个单位、一个交流方向、一段时间、一种帮扶方式）。"
    ),
    "institution_outcomes": (
        "受援学校、医院的年度成效指标（如门诊人次、手术台次、升学率），每行一个单位一年一个指标。"
    ),
    "platforms": (
        "人才平台名录（院士工作站、博士后科研工作站、重点实验室、技能大师工作室等），"
        "含级别、类型和认定时间；平台产出表通过「平台编号」引用本表。"
    ),
    "platform_outputs": "各人才平台的年度产出：获批项目、立项经费、专利申请与授权、集聚人才。",
    "talent_records": (
        "脱敏后的人才个人记录（每人每年一行），用于年龄、学历、职称等结构分析。"
        "不得填写姓名、身份证号、电话等能识别个人的信息。"
    ),
}

# Meaning and example of each column: (table, column) overrides column-name defaults.
_MEANING = {
    "scope_code": "数据所属地区：六盘水市（全市口径）或县级单位（区、特区、市）",
    "year": "统计年度",
    "provenance": "数据的性质（见下方「数据性质」各选项的含义）；不填按“分析人员提供”处理",
    "source": "数据出处：文件名、统计公报名称或网址；官方发布的数据请务必填写",
    "category": "人才类别（国家人才统计口径）",
    "institution_id": "受援单位编号：本单位自定、唯一，如 S001（学校）、H001（医院）；各表中同一单位编号一致",
    "platform_id": "平台编号：自定、唯一，如 P001；平台产出表用同一编号",
    "field": "所属领域",
    "name_zh": "名称（全称）",
    "level": "级别",
    "type": "类型",
}
_TABLE_MEANING = {
    ("population", "residents"): "常住人口数（按人填写，不是万人）",
    ("talent_stock", "category"): (
        "人才类别；同一地区同一年如有人才总量，另起一行选“人才总量”，各类之和不能超过总量"
    ),
    ("talent_stock", "count"): "该地区、该年、该类别的人才人数",
    ("recruitment", "channel"): "引进渠道",
    ("recruitment", "level"): "人才层次",
    ("recruitment", "count"): "该渠道、该层次当年引进人数",
    ("institutions", "name_zh"): "单位全称",
    ("institutions", "scope_code"): "单位所在地区",
    ("institutions", "type"): "单位类型",
    ("exchanges", "exchange_id"): "交流记录编号：自定、唯一，如 E001",
    ("exchanges", "scope_code"): "受援单位所在地区",
    ("exchanges", "institution_id"): "受援单位编号，须在受援单位表（institutions.xlsx）中存在",
    ("exchanges", "direction"): "交流方向：东部派驻六盘水，或六盘水派往东部",
    ("exchanges", "partner_city"): "东部对口帮扶城市",
    ("exchanges", "start_date"): "本批人员到岗（开始）日期",
    ("exchanges", "end_date"): "本批人员结束日期；不能早于开始日期",
    ("exchanges", "mode"): "帮扶方式",
    ("exchanges", "persons"): "本批人数",
    ("institution_outcomes", "institution_id"): (
        "受援单位编号，须在受援单位表（institutions.xlsx）中存在"
    ),
    ("institution_outcomes", "scope_code"): "单位所在地区",
    ("institution_outcomes", "indicator"): (
        "指标名称；同一指标各年份写法一致，单位写在名称里，如“门诊人次（人次）”"
    ),
    ("institution_outcomes", "value"): "指标数值（单位见指标名称）",
    ("platforms", "name_zh"): "平台全称",
    ("platforms", "level"): "平台级别（认定部门的级别）",
    ("platforms", "type"): "平台类型，如 院士工作站、博士后科研工作站、重点实验室、技能大师工作室",
    ("platforms", "scope_code"): "平台所在地区",
    ("platforms", "established"): "平台获批（认定）日期",
    ("platform_outputs", "platform_id"): "平台编号，须在人才平台表（platforms.xlsx）中存在",
    ("platform_outputs", "projects_approved"): "当年获批立项的项目数",
    ("platform_outputs", "funding_10k_yuan"): "当年获批项目的立项经费（万元，可有小数）",
    ("platform_outputs", "patents_applied"): "当年专利申请件数",
    ("platform_outputs", "patents_granted"): "当年专利授权件数",
    ("platform_outputs", "talents_hosted"): "当年在平台工作的人才人数",
    ("talent_records", "person_key"): (
        "脱敏人员编号：同一人各年份一致，不得使用姓名、身份证号、手机号"
    ),
    ("talent_records", "scope_code"): "工作单位所在地区",
    ("talent_records", "year"): "记录所属年度",
    ("talent_records", "gender"): "性别",
    ("talent_records", "birth_year"): "出生年份（四位数字）",
    ("talent_records", "education"): "最高学历",
    ("talent_records", "title_level"): "专业技术职称等级",
    ("talent_records", "sector"): "所在行业，如 教育、卫生、制造业、农业",
    ("talent_records", "origin"): "本地培养或外部引进",
}
_EXAMPLE = {
    "year": 2020,
    "source": "六盘水市2020年人才工作总结",
    "institution_id": "H001",
    "platform_id": "P001",
    "exchange_id": "E001",
    "partner_city": "大连市",
    "indicator": "门诊人次（人次）",
    "value": 52000,
    "sector": "教育",
    "person_key": "R000123",
    "birth_year": 1985,
    "residents": 3031602,
    "projects_approved": 5,
    "funding_10k_yuan": 120.5,
    "patents_applied": 8,
    "patents_granted": 3,
    "talents_hosted": 20,
    "start_date": dt.date(2019, 3, 1),
    "end_date": dt.date(2019, 8, 31),
    "established": dt.date(2018, 6, 15),
}
_TABLE_EXAMPLE = {
    ("talent_stock", "count"): 12500,
    ("recruitment", "count"): 35,
    ("exchanges", "persons"): 3,
    ("institutions", "name_zh"): "钟山区示例医院",
    ("institutions", "institution_id"): "H001",
    ("platforms", "name_zh"): "六盘水市示例院士工作站",
    ("platforms", "type"): "院士工作站",
    ("talent_records", "year"): 2022,
}
_UNIT_OF_KIND = {"year": "年", "date": "—", "scope": "—", "category": "—", "code": "—"}


# --- vocabularies shown in dropdowns -------------------------------------------------------------


def scope_options() -> list[str]:
    """Names of the current scopes (the city first), as the dropdown lists them."""
    return [s.name_zh for s in registry.current_scopes()]


def category_options(table: str) -> list[str]:
    """Chinese category names; plus 人才总量 for tables that state totals."""
    names = list(TALENT_CATEGORIES.values())
    return names + [TOTAL_CATEGORY_ZH] if table in CATEGORY_TOTAL_TABLES else names


def options_for(spec: TableSpec, col: Column) -> list[str] | None:
    """The dropdown values of a column, or None when it has no dropdown."""
    if col.kind == "scope":
        return scope_options()
    if col.kind == "category":
        return category_options(spec.name)
    if col.kind == "code":
        return list((col.allowed or {}).values())
    return None


def input_tables() -> list[str]:
    """The tables the offices fill in (every table but the scope registry)."""
    return [name for name in TABLES if name != "scopes"]


# --- cell values ---------------------------------------------------------------------------------


def _missing(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        return bool(pd.isna(value)) and not isinstance(value, str)
    except (TypeError, ValueError):
        return False


def _scope_name(value) -> str:
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    for s in registry.load_scopes():
        if text in (s.code, s.name_zh, s.slug) or text in s.former_names:
            return s.name_zh if text not in s.former_names else text
    raise ValueError(f"unknown scope {value!r}")


def cell_value(col: Column, value):
    """A canonical value as the template shows it (Chinese labels, numbers, dates)."""
    if _missing(value):
        return None
    if col.kind == "scope":
        return _scope_name(value)
    if col.kind == "category":
        try:
            cid = category_id(str(value))
        except KeyError:
            raise ValueError(f"{col.name}: unknown talent category {value!r}") from None
        return TOTAL_CATEGORY_ZH if cid == TOTAL_CATEGORY else TALENT_CATEGORIES[cid]
    if col.kind == "code":
        allowed = col.allowed or {}
        if value in allowed:
            return allowed[value]
        if value in allowed.values():
            return value
        raise ValueError(f"{col.name}: value {value!r} not in {sorted(allowed)}")
    if col.kind == "date":
        stamp = pd.Timestamp(value)
        return stamp.to_pydatetime().replace(tzinfo=None)
    if col.kind in ("year", "int", "float"):
        number = float(value)  # whole numbers as int; fractions kept (the validator flags them)
        return int(number) if number.is_integer() and abs(number) < 1e15 else number
    return str(value)


# A cell typed starting with one of these is taken by spreadsheet programs as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _as_text(cell) -> None:
    """Store a user's string as text, never as a formula (openpyxl reads a leading = as one).

    Text that a spreadsheet would read as a formula when the cell is edited also gets Excel's
    quote prefix (the hidden leading apostrophe), so it stays text then too.
    """
    cell.data_type = "s"
    if str(cell.value).startswith(FORMULA_PREFIXES):
        cell.quotePrefix = True


def _display_width(text: object) -> int:
    if isinstance(text, dt.date):
        return 10
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


# --- the workbook --------------------------------------------------------------------------------


def title_of(spec: TableSpec) -> str:
    return f"{registry.city().name_zh}人才发展分析 — {spec.title_zh} 填报表"


def _allowed_text(spec: TableSpec, col: Column) -> str:
    options = options_for(spec, col)
    if col.kind == "scope":
        former = [s.name_zh for s in registry.load_scopes() if not s.is_current]
        text = "下拉选择：" + "、".join(options) + f"（{registry.city().name_zh} = 全市口径）"
        if former:
            text += f"；已撤销的{'、'.join(former)}会自动换算为现名，但请尽量使用现名"
        return text
    if col.kind == "category":
        text = "下拉选择：" + "、".join(options)
        if spec.name in CATEGORY_TOTAL_TABLES:
            text += "（“人才总量”表示该地区该年的总数）"
        return text
    if col.kind == "code":
        return "下拉选择：" + "、".join(options)
    if col.kind == "year":
        return f"四位整数，{YEAR_MIN}–{YEAR_MAX}"
    if col.kind == "date":
        return f"Excel 日期，格式 {DATE_FORMAT}，如 2019-03-01"
    if col.kind in ("int", "float"):
        low = "" if col.minimum is None else f"≥{col.minimum:g} 的"
        if col.kind == "int" or col.whole:
            return f"{low}整数"
        return f"{low}数字，可有小数"
    if spec.key == (col.name,):
        return "文字（字母、数字），表内唯一"
    if col.name in ("institution_id", "platform_id", "person_key"):
        return "文字（字母、数字）"
    return "文字"


def _example(spec: TableSpec, col: Column):
    key = (spec.name, col.name)
    if key in _TABLE_EXAMPLE:
        return _TABLE_EXAMPLE[key]
    if col.kind == "scope":
        return scope_options()[1] if len(scope_options()) > 1 else scope_options()[0]
    if col.kind == "category":
        return TALENT_CATEGORIES["professional"]
    if col.name == "provenance":
        return PROVENANCE_KINDS["analyst"]
    if col.kind == "code":
        return next(iter((col.allowed or {}).values()))
    return _EXAMPLE.get(col.name, "")


def _meaning(spec: TableSpec, col: Column) -> str:
    return _TABLE_MEANING.get((spec.name, col.name)) or _MEANING.get(col.name) or col.header_zh


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


PROVENANCE_MEANING_ZH = {
    "article": "取自新闻报道或文章原文的数字（如政府网站的工作报道）",
    "official": "统计公报、政府文件、官方统计报表等正式发布的数字（请注明文件或网址）",
    "analyst": "填报单位或分析人员整理提供、未正式发布的数字（不填「数据性质」时按此处理）",
    "illustrative": "为演示或测试编造的数字，不是真实数据，不能用于正式结论",
    "derived": "由本项目根据其他数据计算得到（填报单位一般不用）",
}


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


README_TEXT = """# 数据填报模板 / Data-entry templates

## 中文

本文件夹中的 Excel 模板供各区（特区、市）和市直部门填报六盘水市人才发展分析所需数据，
每个表一个文件，文件名即表名：

{table_lines_zh}

每个模板包含：

- **数据** 工作表：第 1 行为标题，第 2 行为表头（请勿修改），从第 3 行开始每行填写一条记录。
  表头加粗、橙色底色的列为必填，浅蓝色底色的列为选填；地区、人才类别、级别等列有下拉列表，
  年份、人数等列有数值检查。
- **填写说明** 工作表：表格用途、每一列的含义、是否必填、单位、可选值和示例，以及通用填写规则。
- 隐藏的 **选项** 工作表：下拉列表的内容，请勿修改。

填好后保持文件名不变（如 `talent_stock.xlsx`），提交前用下面的命令检查：

```
lps validate talent_stock.xlsx      # 检查一个文件
lps validate 数据文件夹/             # 检查整个文件夹（含跨表核对）
```

检查不通过时会列出每个问题所在的行号、列名和原因。

这些模板由 `lps_analysis/data/templates.py` 根据 `lps_analysis/data/tables.py` 自动生成，
请不要手工修改本文件夹中的文件；表结构变化后运行
`python -c "from lps_analysis.data.templates import write_all_templates; write_all_templates()"`
重新生成（测试 `tests/test_templates.py` 会检查模板与代码是否一致）。

## English

Excel templates the county-level offices fill in with the data the Liupanshui talent analysis
reads, one workbook per input table, named after the table (list above). Each has a `数据` (data)
sheet — title in row 1, the Chinese headers in row 2 (do not edit them), one record per row from
row 3; required columns bold on an orange fill, optional ones light blue; dropdowns for scopes,
talent categories and coded values, number checks for years and counts — a `填写说明`
(instructions) sheet describing every column and the general rules, and a hidden `选项` sheet
holding the dropdown lists.

Check a filled template with `lps validate FILE.xlsx` (or `lps validate FOLDER` for every table
plus the cross-table checks); problems are reported with their row and column.

The templates are generated from `lps_analysis/data/tables.py` by
`lps_analysis/data/templates.py` (`write_all_templates()`); do not edit them by hand.
Regeneration is byte-for-byte reproducible, and `tests/test_templates.py` fails when the
committed files drift from the code.
"""


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


__all__ = [
    "DATA_SHEET",
    "FIRST_DATA_ROW",
    "HEADER_ROW",
    "INSTRUCTIONS_SHEET",
    "LAST_ROW",
    "OPTIONS_SHEET",
    "build_workbook",
    "category_options",
    "cell_value",
    "input_tables",
    "options_for",
    "scope_options",
    "write_all_templates",
    "write_template",
]

"""What the templates say: the workbook title, each table's purpose, each column's meaning,
example and unit, the allowed values as the instructions and input prompts word them, the
meaning of each 数据性质 (provenance) option, and the text of data/templates/README.md.
"""

from __future__ import annotations

import datetime as dt

from lps_analysis.data import registry
from lps_analysis.data.tables import YEAR_MAX, YEAR_MIN, Column, TableSpec
from lps_analysis.data.vocab import PROVENANCE_KINDS, TALENT_CATEGORIES

from .layout import DATE_FORMAT
from .values import CATEGORY_TOTAL_TABLES, options_for, scope_options

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


PROVENANCE_MEANING_ZH = {
    "article": "取自新闻报道或文章原文的数字（如政府网站的工作报道）",
    "official": "统计公报、政府文件、官方统计报表等正式发布的数字（请注明文件或网址）",
    "analyst": "填报单位或分析人员整理提供、未正式发布的数字（不填「数据性质」时按此处理）",
    "illustrative": "为演示或测试编造的数字，不是真实数据，不能用于正式结论",
    "derived": "由本项目根据其他数据计算得到（填报单位一般不用）",
}


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

这些模板由 `lps_analysis/data/templates/` 根据 `lps_analysis/data/tables.py` 自动生成，
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
`lps_analysis/data/templates/` (`write_all_templates()`); do not edit them by hand.
Regeneration is byte-for-byte reproducible, and `tests/test_templates.py` fails when the
committed files drift from the code.
"""


# --- wording of a column --------------------------------------------------------------------------


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

"""The input tables of the data contract: columns, types, keys, Chinese headers, allowed values.

One `TableSpec` per table. Loaders map the Chinese template headers (and their common variants)
onto the canonical English columns; validation checks types, ranges, allowed values and keys.
DESIGN.md's contract plus one table it implies: `institutions` (the schools and hospitals that
`exchanges` and `institution_outcomes` refer to).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lps_analysis.data.vocab import PROVENANCE_KINDS, TALENT_CATEGORIES

YEAR_MIN, YEAR_MAX = 2000, 2035

# Coded values: canonical id → Chinese label shown in templates and reports.
FIELDS = {"education": "教育", "health": "医疗卫生"}
DIRECTIONS = {"inbound": "东部派驻六盘水", "outbound": "六盘水派往东部"}
MODES = {
    "secondment": "挂职帮扶",
    "team_aid": "组团式援助",
    "training": "培训指导",
    "other": "其他",
}
PLATFORM_LEVELS = {"national": "国家级", "provincial": "省级", "municipal": "市级"}
INSTITUTION_TYPES = {"school": "学校", "hospital": "医院"}
GENDERS = {"female": "女", "male": "男"}
EDUCATION_LEVELS = {
    "doctorate": "博士研究生",
    "master": "硕士研究生",
    "bachelor": "大学本科",
    "college": "大学专科",
    "secondary": "中专及以下",
}
TITLE_LEVELS = {"senior": "高级", "intermediate": "中级", "junior": "初级", "none": "无职称"}
ORIGINS = {"local": "本地培养", "introduced": "外部引进"}
RECRUITMENT_CHANNELS = {
    "talent_expo": "人才博览会",
    "green_channel": "绿色通道柔性引进",
    "open_recruitment": "公开招聘",
    "other": "其他",
}
RECRUITMENT_LEVELS = {"high_level": "高层次人才", "general": "一般人才"}

# Extra Chinese spellings for coded values (beyond each vocabulary's own labels).
VALUE_ALIASES = {
    "field": {"教育": "education", "卫生": "health", "医疗": "health", "卫生健康": "health"},
    "direction": {"接收": "inbound", "派入": "inbound", "派出": "outbound", "选派": "outbound"},
    "level": {"国家": "national", "省": "provincial", "市": "municipal"},
}


@dataclass(frozen=True)
class Column:
    """One canonical column."""

    name: str
    kind: str  # "str" | "int" | "float" | "date" | "scope" | "year" | "category" | "code"
    header_zh: str  # the template header
    required: bool = True
    aliases: tuple[str, ...] = ()  # other headers met in county files
    allowed: dict[str, str] | None = None  # for kind "code": id → Chinese label
    minimum: float | None = None
    whole: bool = False  # counts of persons / items: whole numbers
    per_wan: bool = False  # a header saying （万人）/（万） means the column is in 10,000s
    unit_zh: str = ""  # unit shown in the template header, e.g. 人, 万元

    @property
    def template_header(self) -> str:
        return f"{self.header_zh}（{self.unit_zh}）" if self.unit_zh else self.header_zh


@dataclass(frozen=True)
class TableSpec:
    """An input table: its columns, key, and the tables its ids refer to."""

    name: str
    title_zh: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    references: dict[str, str] = field(default_factory=dict)  # column → table it must exist in
    total_column: str | None = None  # the figure a trailing 合计 row sums

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _scope(required: bool = True) -> Column:
    return Column(
        "scope_code",
        "scope",
        "地区",
        required,
        aliases=("地区代码", "区县", "县区", "行政区划代码", "范围", "范围代码", "单位所在地区"),
    )


def _year(header: str = "年份") -> Column:
    return Column("year", "year", header, aliases=("年份", "年度", "统计年度", "年"))


def _provenance() -> Column:
    return Column(
        "provenance",
        "code",
        "数据性质",
        False,
        aliases=("来源类型", "数据类型"),
        allowed={k: v for k, v in PROVENANCE_KINDS.items()},
    )


def _source() -> Column:
    return Column("source", "str", "数据来源", False, aliases=("来源", "出处"))


def _count(name: str, header: str, unit: str = "人", *aliases: str) -> Column:
    return Column(
        name, "float", header, minimum=0, whole=True, per_wan=True, unit_zh=unit, aliases=aliases
    )


TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "scopes",
            "分析范围",
            (
                Column("code", "str", "代码"),
                Column("name_zh", "str", "名称"),
                Column("slug", "str", "英文标识"),
                Column("level", "str", "层级"),
                Column("parent_code", "str", "上级代码", False),
                Column("valid_from", "str", "起始", False),
                Column("valid_to", "str", "终止", False),
                Column("predecessor_code", "str", "前身代码", False),
            ),
            key=("code",),
        ),
        TableSpec(
            "population",
            "常住人口",
            (
                _scope(),
                _year(),
                _count("residents", "常住人口", "人", "人口", "常住人口数"),
                _provenance(),
                _source(),
            ),
            key=("scope_code", "year"),
        ),
        TableSpec(
            "talent_stock",
            "人才资源总量",
            (
                _scope(),
                _year(),
                Column("category", "category", "人才类别", aliases=("类别", "人才类型")),
                _count("count", "人数", "人", "人才数", "数量", "人才总量"),
                _provenance(),
                _source(),
            ),
            key=("scope_code", "year", "category"),
            total_column="count",
        ),
        TableSpec(
            "recruitment",
            "人才引进",
            (
                _scope(),
                _year(),
                Column(
                    "channel", "code", "引进渠道", allowed=RECRUITMENT_CHANNELS, aliases=("渠道",)
                ),
                Column("level", "code", "人才层次", allowed=RECRUITMENT_LEVELS, aliases=("层次",)),
                _count("count", "引进人数", "人", "人数"),
                _provenance(),
                _source(),
            ),
            key=("scope_code", "year", "channel", "level"),
            total_column="count",
        ),
        TableSpec(
            "institutions",
            "受援单位",
            (
                Column("institution_id", "str", "单位编号", aliases=("单位代码",)),
                Column("name_zh", "str", "单位名称", aliases=("名称",)),
                _scope(),
                Column("field", "code", "领域", allowed=FIELDS, aliases=("行业",)),
                Column("type", "code", "单位类型", allowed=INSTITUTION_TYPES, aliases=("类型",)),
                _provenance(),
            ),
            key=("institution_id",),
        ),
        TableSpec(
            "exchanges",
            "东西部协作人才交流",
            (
                Column("exchange_id", "str", "交流编号", aliases=("编号",)),
                _scope(),
                Column("institution_id", "str", "单位编号", aliases=("单位代码",)),
                Column("field", "code", "领域", allowed=FIELDS, aliases=("行业",)),
                Column("direction", "code", "交流方向", allowed=DIRECTIONS, aliases=("方向",)),
                Column("partner_city", "str", "对口城市", aliases=("东部城市", "帮扶城市")),
                Column("start_date", "date", "开始日期", aliases=("开始时间", "起始日期")),
                Column("end_date", "date", "结束日期", aliases=("结束时间", "截止日期")),
                Column("mode", "code", "帮扶方式", allowed=MODES, aliases=("方式",)),
                _count("persons", "人数", "人", "交流人数"),
                _provenance(),
            ),
            key=("exchange_id",),
            references={"institution_id": "institutions"},
            total_column="persons",
        ),
        TableSpec(
            "institution_outcomes",
            "受援单位成效指标",
            (
                Column("institution_id", "str", "单位编号", aliases=("单位代码",)),
                _scope(),
                Column("field", "code", "领域", allowed=FIELDS, aliases=("行业",)),
                _year(),
                Column("indicator", "str", "指标", aliases=("指标名称",)),
                Column("value", "float", "数值", aliases=("值", "指标值")),
                _provenance(),
            ),
            key=("institution_id", "year", "indicator"),
            references={"institution_id": "institutions"},
        ),
        TableSpec(
            "platforms",
            "人才平台",
            (
                Column("platform_id", "str", "平台编号", aliases=("编号",)),
                Column("name_zh", "str", "平台名称", aliases=("名称",)),
                Column("level", "code", "平台级别", allowed=PLATFORM_LEVELS, aliases=("级别",)),
                Column("type", "str", "平台类型", aliases=("类型",)),
                _scope(),
                Column(
                    "established", "date", "认定时间", aliases=("获批时间", "成立时间", "认定日期")
                ),
                _provenance(),
                _source(),
            ),
            key=("platform_id",),
        ),
        TableSpec(
            "platform_outputs",
            "平台产出",
            (
                Column("platform_id", "str", "平台编号", aliases=("编号",)),
                _year(),
                _count("projects_approved", "获批项目数", "个", "获批项目"),
                Column(
                    "funding_10k_yuan",
                    "float",
                    "立项经费",
                    minimum=0,
                    unit_zh="万元",
                    aliases=("经费", "立项经费（万元）"),
                ),
                _count("patents_applied", "专利申请数", "件", "专利申请量"),
                _count("patents_granted", "专利授权数", "件", "专利授权量"),
                _count("talents_hosted", "集聚人才数", "人", "集聚人才"),
                _provenance(),
            ),
            key=("platform_id", "year"),
            references={"platform_id": "platforms"},
        ),
        TableSpec(
            "talent_records",
            "人才个人记录（脱敏）",
            (
                Column("person_key", "str", "人员编号"),
                _scope(),
                _year(),
                Column("category", "category", "人才类别", aliases=("类别",)),
                Column("gender", "code", "性别", allowed=GENDERS),
                Column("birth_year", "int", "出生年份", minimum=1930),
                Column("education", "code", "学历", allowed=EDUCATION_LEVELS),
                Column("title_level", "code", "职称等级", allowed=TITLE_LEVELS, aliases=("职称",)),
                Column("sector", "str", "行业"),
                Column("origin", "code", "来源", allowed=ORIGINS),
            ),
            key=("person_key", "year"),
        ),
    )
}

# Tables each notebook needs (absent ones are not an error unless a notebook needs them).
NEEDED_BY = {
    "01_talent_structure": ("talent_stock",),
    "02_east_west_exchange": ("exchanges", "institutions", "institution_outcomes"),
    "03_platform_outputs": ("platforms", "platform_outputs"),
}

CATEGORY_LABELS = dict(TALENT_CATEGORIES)

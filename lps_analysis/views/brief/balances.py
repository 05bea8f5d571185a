"""The brief's 七个并重 table: each of the article's seven balances, both sides, with figures.

Each side lists the figures of the article or of the analyses that measure it (through
:class:`.numbers.Numbers`, so marks come from values), or says 暂无数据 and why.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lps_analysis import fmt
from lps_analysis.data.registry import Scope
from lps_analysis.data.vocab import TOTAL_CATEGORY_ZH
from lps_analysis.metrics import Metric

from .figures import talent_years
from .numbers import ANALYSES, MISSING, Cite, Numbers, styled


@dataclass(frozen=True)
class Indicator:
    """What measures one side of a balance: a fact (`fact:F007`) or a metric id (`{start}`,
    `{end}` stand for the years compared), and the words put before its number."""

    source: str
    label: str


@dataclass(frozen=True)
class Side:
    name: str
    indicators: tuple[Indicator, ...] = ()


@dataclass(frozen=True)
class Balance:
    name: str
    sides: tuple[Side, Side]


def _f(fact_id: str, label: str) -> Indicator:
    return Indicator(f"fact:{fact_id}", label)


def _m(metric_id: str, label: str) -> Indicator:
    return Indicator(metric_id, label)


# The article's seven balances (its opening paragraph, in its order) and, for each side, the
# figures of the article or of the analyses that measure it. The article's own section on each
# balance decides which figures belong where; a side it gives no figure for stays empty.
BALANCES: tuple[Balance, ...] = (
    Balance(
        "线上招引与线下招引",
        (
            Side("线上招引"),
            Side(
                "线下招引",
                (
                    _f("F005", "连续参加中国贵州人才博览会"),
                    _f("F004", "参会引才单位"),
                    _f("F006", "累计接待各类人才"),
                    _f("F007", "现场签约"),
                ),
            ),
        ),
    ),
    Balance(
        "普遍招贤与重点关注",
        (
            Side("普遍招贤", (_f("F008", "共引进各类人才"),)),
            Side("重点关注", (_f("F017", "“绿色通道”柔性引进高层次人才"),)),
        ),
    ),
    Balance(
        "市内培育与市外引进",
        (
            Side(
                "市内培育",
                (
                    _f("F018", "高层次青年人才和市管专家培养计划纳入培养对象"),
                    _f("F019", "命名市管专家"),
                    _f("F020", "培育省管专家、省核心专家和享受特殊津贴专家"),
                    _f("F021", "入选“西部之光”“甲秀之光”访问学者"),
                ),
            ),
            Side("市外引进", (_f("F008", "共引进各类人才"),)),
        ),
    ),
    Balance(
        "提升数量与注重质量",
        (
            Side(
                "提升数量",
                (
                    _m("talent.total.{end}", "{end}年" + TOTAL_CATEGORY_ZH),
                    _m("talent.total.growth", "较{start}年增长"),
                ),
            ),
            Side(
                "注重质量",
                (
                    _m("talent.share.professional.{end}", "专业技术人才占比"),
                    _m("introduced_talent.projects_approved", "人才申报项目获批"),
                    _f("F022", "年度专利申请量与授权量"),
                    _m("innovation.patents_per_10k_growth", "每万人专利拥有量增长"),
                ),
            ),
        ),
    ),
    Balance(
        "全面统筹与突出重点",
        (
            Side(
                "全面统筹",
                (
                    _m("exchange.persons.total", "东西部互派专业技术人才"),
                    _m("exchange.persons.education", "其中教育"),
                    _m("exchange.persons.health", "医疗卫生"),
                ),
            ),
            Side(
                "突出重点",
                (
                    _m("exchange.new_techniques", "开展新技术、新项目"),
                    _m("platforms.national", "国家级平台及院士工作站"),
                    _m(
                        "platform_outputs.concentration_hhi",
                        "平台专利产出集中度（赫芬达尔—赫希曼指数）",
                    ),
                ),
            ),
        ),
    ),
    Balance(
        "物质奖励与精神激励",
        (
            Side(
                "物质奖励",
                (
                    _f("F038", "支出人才经费"),
                    _f("F041", "市级人才公寓"),
                    _f("F042", "县级人才公寓"),
                ),
            ),
            Side(
                "精神激励",
                (
                    _f("F039", "发放人才服务绿卡"),
                    _f("F045", "市领导联系专家、帮助解决困难问题"),
                ),
            ),
        ),
    ),
    Balance(
        "盘活存量与做大增量",
        (
            Side(
                "盘活存量",
                (
                    _f("F031", "博士教授服务团成员"),
                    _f("F033", "选派市直机关年轻干部到基层一线"),
                    _f("F034", "培育新型职业农民"),
                ),
            ),
            Side(
                "做大增量",
                (
                    _m("talent.total.growth", TOTAL_CATEGORY_ZH + "较{start}年增长"),
                    _f("F008", "共引进各类人才"),
                ),
            ),
        ),
    ),
)


@dataclass(frozen=True)
class SideResult:
    name: str
    text: str
    cites: tuple[Cite, ...] = ()

    @property
    def missing(self) -> bool:
        return not self.cites


@dataclass(frozen=True)
class BalanceResult:
    name: str
    sides: tuple[SideResult, SideResult]


def _side(side: Side, numbers: Numbers, scope: Scope, start, end) -> SideResult:
    if not side.indicators:
        return SideResult(side.name, f"{MISSING}（原文未给出数字）")
    shown, cites, notes, lacking = [], [], [], []
    for ind in side.indicators:
        source = ind.source.format(start=start, end=end)
        label = ind.label.format(start=start, end=end)
        cite = numbers.get(source)
        if cite is not None:
            shown.append(f"{label}{cite.shown()}")
            cites.append(cite)
            continue
        family = "fact" if source.startswith("fact:") else source.split(".")[0]
        if family == "fact" and scope.level != "city":
            note = "原文只报告全市数字"
        elif family in ANALYSES and not numbers.has_family(family):
            note = ANALYSES[family] + "尚无结果"
        elif numbers.gap(source):
            note = "缺少" + "、".join(numbers.gap(source)) + "表"
        else:
            lacking.append(label)
            continue
        if note not in notes:
            notes.append(note)
    if lacking:
        notes.append("、".join(lacking) + MISSING)
    suffix = f"（{'；'.join(notes)}）" if notes else ""
    if not shown:
        return SideResult(side.name, MISSING + suffix)
    return SideResult(side.name, "；".join(shown) + suffix, tuple(cites))


def balances(
    metrics: dict[str, Metric], facts: pd.DataFrame | None, scope: Scope
) -> list[BalanceResult]:
    """The seven balances, each side with the figures that measure it or 暂无数据 and why."""
    numbers = Numbers(metrics, facts, scope.code)
    start, end = talent_years(metrics)
    return [
        BalanceResult(b.name, tuple(_side(s, numbers, scope, start, end) for s in b.sides))
        for b in BALANCES
    ]


def _sources_label(cites) -> str:
    kinds = []
    for c in cites:
        label = fmt.provenance_label(c.value)
        if label not in kinds:
            kinds.append(label)
    return "、".join(kinds) if kinds else "—"


def balances_frame(rows: list[BalanceResult]) -> pd.DataFrame:
    """The 七个并重 as a plain table: one row per side (并重, 方面, 衡量指标, 来源)."""
    records = [
        {
            "七个并重": row.name,
            "方面": side.name,
            "衡量指标": side.text,
            "来源": _sources_label(side.cites),
        }
        for row in rows
        for side in row.sides
    ]
    return pd.DataFrame(records, columns=["七个并重", "方面", "衡量指标", "来源"])


def balances_table(rows: list[BalanceResult]):
    """The 七个并重 as the report shows them: each balance's name once, its two sides below."""
    frame = balances_frame(rows)
    frame.loc[frame["七个并重"].duplicated(), "七个并重"] = ""
    return styled(
        frame,
        uuid="brief_balances",
        widths=(20, 10, 60, 10),
        nowrap=(1,),
        grouped=True,
    )


def balances_sentence(rows: list[BalanceResult]) -> str:
    """Which balances can be judged on data and which sides lack figures (no numbers)."""
    both = [r.name for r in rows if not any(s.missing for s in r.sides)]
    lacking = [s.name for r in rows for s in r.sides if s.missing]
    sides = [s for r in rows for s in r.sides]
    if 2 * len(lacking) > len(sides):
        # Most sides lack figures: the table cannot show balance, only what is known so far.
        lead = "多数方面暂无数据，下表只列出已有的数字，尚不能据此判断各项是否“并重”"
        if both:
            lead += "；两方面都有数字可查的只有：" + "、".join(both)
        return lead + "。"
    parts = []
    if both:
        parts.append("两方面都有数字可查的：" + "、".join(both))
    if lacking:
        parts.append("暂无数据的方面：" + "、".join(lacking) + "，需补充统计后才能判断是否“并重”")
    return "；".join(parts) + "。"


# ---------------------------------------------------------------------------------------------
# County comparison (city brief only)

COUNTY_MEASURES: tuple[tuple[str, str], ...] = (
    ("talent.total.cagr", TOTAL_CATEGORY_ZH + "年均增长率"),
    ("talent.per_10k.{end}", "每万人拥有人才（{end}年）"),
    ("exchange.persons.total", "东西部协作互派人才"),
    ("platforms.total", "国家级、省级人才平台"),
)

"""The sentences of notebook 03 (Markdown). Every number is printed by `fmt` from a Value."""

from __future__ import annotations

import functools

import pandas as pd

from lps_analysis import fmt
from lps_analysis import platforms as pf
from lps_analysis.textsafe import md_join, md_text
from lps_analysis.value import Value, derive
from lps_analysis.views.platforms.build import TOP_FRACTION, PlatformView

# 钟山区 gained townships from 水城 in July 2020 (the registry's notes say so).
BOUNDARY_NOTE = (
    "区划说明：钟山区、水城区的区划在2020年7月调整（部分乡镇由原水城县划入钟山区）；"
    "平台按数据中的现所在县区计，前后年份按同一口径比较，产出未按乡镇拆分。"
)


def _markdown(sentence):
    """The sentence as Markdown: its illustrative marks escaped (see :func:`fmt.markdown`)."""

    @functools.wraps(sentence)
    def wrapped(view: PlatformView) -> str:
        return fmt.markdown(sentence(view))

    return wrapped


def boundary_changed(scope) -> bool:
    """Whether the scope's area changed by a transfer of townships within the period."""
    return "乡镇" in (scope.notes or "")


def span(years: list[int]) -> str:
    return f"{years[0]}—{years[-1]}年" if len(years) > 1 else f"{years[0]}年"


def _stock_at(view: PlatformView, year: int) -> Value | None:
    totals = pf.stock_totals(view.stock)
    row = totals[totals.year == year]
    return None if row.empty else pf.value_of(row.iloc[0], "stock", "platforms", table="platforms")


def stock_change(view: PlatformView) -> tuple[Value, Value, Value] | None:
    """Platforms at the start and end year-ends, and the growth between them (None: no data)."""
    if view.platforms.empty:
        return None
    first, last = _stock_at(view, view.start), _stock_at(view, view.end)
    if first is None or last is None:
        return None
    return first, last, pf.growth(first, last)


@_markdown
def platform_sentence(view: PlatformView) -> str:
    """How many platforms the scope has and how the stock grew."""
    c = view.counts
    total = c["platforms.total"]
    stated = c["platforms.national"].provenance == "article"
    where = "原文 " + "、".join(total.sources) if stated else "数据"
    parts = [
        f"{view.scope.name_zh}建有国家级平台及院士工作站{fmt.show(c['platforms.national'])}、"
        f"省级人才平台{fmt.show(c['platforms.provincial'])}，合计{fmt.show(c['platforms.total'])}"
        f"（{where}）。"
    ]
    change = stock_change(view)
    if change is None:
        return parts[0]
    first, last, ratio = change
    grew = f"增长{fmt.show(ratio, digits=2)}" if not ratio.is_missing else "由无到有"
    parts.append(
        f"按数据中的认定时间，{view.start}年末在册平台{fmt.show(first)}，"
        f"{view.end}年末{fmt.show(last)}，{grew}。"
    )
    if boundary_changed(view.scope):
        parts.append(BOUNDARY_NOTE)
    established = pd.to_datetime(view.platforms.established)
    later = view.platforms[established.dt.year > view.end]
    if len(later):
        latest = established.max()
        n = Value(len(later), "platforms", **pf.listing_marks(view.listing))
        parts.append(
            f"{view.end}年以后又认定{fmt.show(n)}（{'、'.join(map(pf.platform_label, map(md_text, later.name_zh), later.provenance))}），"
            f"平台数计至数据中最晚的认定时间（{latest.year}年{latest.month}月）。"
        )
    return "".join(parts)


@_markdown
def outputs_sentence(view: PlatformView) -> str:
    """The platforms' outputs in total and per platform-year (from the data)."""
    if not view.years:
        return f"{view.scope.name_zh}{view.start}—{view.end}年没有平台产出数据。"
    t = view.totals
    per_project = pf.funding_per_project(t["funding_10k_yuan"], t["projects_approved"])
    text = (
        f"{span(view.years)}，{view.scope.name_zh}各平台共获批项目{fmt.show(t['projects_approved'])}、"
        f"立项经费{fmt.show(t['funding_10k_yuan'])}"
        f"（平均每个项目{fmt.show(per_project.with_unit('万元'), digits=2)}），"
        f"申请专利{fmt.show(t['patents_applied'])}、授权专利{fmt.show(t['patents_granted'])}。"
    )
    exposure = t["exposure_years"]
    if not exposure.is_missing and exposure.value > 0:
        projects = pf.per_platform_year(t["projects_approved"], exposure, "个")
        patents = pf.per_platform_year(t["patents_granted"], exposure, "件")
        text += (
            f"按{fmt.show(exposure, digits=1)}计，平均每个平台每年获批项目"
            f"{fmt.show(projects, digits=2)}、授权专利{fmt.show(patents, digits=2)}。"
        )
    growth = patents_growth(view)
    if growth is not None:
        first, last, ratio = growth
        text += (
            f"年度授权专利由{view.years[0]}年的{fmt.show(first)}变为{view.years[-1]}年的"
            f"{fmt.show(last)}（{fmt.show(ratio, digits=2, signed=True)}）。"
        )
    return text


def patents_growth(view: PlatformView) -> tuple[Value, Value, Value] | None:
    """Patents granted in the first and last year reported, and the growth (None: one year)."""
    if len(view.years) < 2:
        return None
    by_year = view.yearly.set_index("year")
    first, last = (
        pf.value_of(by_year.loc[y], "patents_granted", "patents", table="platform_outputs")
        for y in (view.years[0], view.years[-1])
    )
    return first, last, pf.growth(first, last)


def _conc_value(rec, column: str, unit: str) -> Value:
    return pf.value_of(rec, column, unit, table="platform_outputs")


@_markdown
def concentration_sentence(view: PlatformView) -> str:
    """How concentrated patent grants are across platforms."""
    if not view.years:
        return "没有平台产出数据，未计算集中度。"
    row = view.concentration[view.concentration.output == "patents_granted"]
    if row.empty or pd.isna(row.hhi.iloc[0]):
        return f"{view.scope.name_zh}没有授权专利，无法计算集中度。"
    rec = row.iloc[0]
    n = _conc_value(rec, "platforms", "platforms")
    equal = derive(lambda k: 1 / k, n, unit="index")
    level = "高度集中" if rec.gini >= 0.5 else ("较为集中" if rec.gini >= 0.3 else "较为均衡")
    return (
        f"授权专利在{fmt.show(n)}平台之间{level}：产出最多的{fmt.show(_conc_value(rec, 'top_n', 'platforms'))}"
        f"平台（前{fmt.setting(TOP_FRACTION * 100, '%')}）贡献了"
        f"{fmt.show(_conc_value(rec, 'top_share', 'ratio'), digits=1)}，"
        f"基尼系数为{fmt.show(_conc_value(rec, 'gini', 'index'), digits=2)}"
        f"（{fmt.setting(0)}为完全均等），赫芬达尔—赫希曼指数为"
        f"{fmt.show(_conc_value(rec, 'hhi', 'index'), digits=3)}"
        f"（各平台均等时为{fmt.show(equal, digits=3)}）。"
        "产出多少也与认定时间有关：认定早的平台平台年多。"
    )


@_markdown
def density_sentence(view: PlatformView) -> str:
    """Patents per 10,000 residents, or why they are omitted."""
    if not view.years:
        return "没有平台产出数据，未计算每万人专利数。"
    if view.density.empty:
        return (
            f"{view.scope.name_zh}没有{'、'.join(map(str, view.years))}年的官方常住人口数据，"
            "未计算每万人专利数（不作估算，也不以零代替；待报送常住人口数据后计算）。"
        )
    rec = view.density.iloc[-1]
    residents = Value(rec.residents, "persons", **rec.population_marks)
    # The patent counts alone rest on the output rows only, not on the population row.
    flow_rows = pf.combine(view.yearly[view.yearly.year == rec.year])
    flow = Value(rec.granted_flow, "patents", **flow_rows)
    stock = Value(
        rec.granted_stock, "patents", **pf.combine(view.yearly[view.yearly.year <= rec.year])
    )
    flow_10k = Value(rec.granted_flow_per_10k, "patents_per_10k", **rec.flow_marks)
    stock_10k = Value(rec.granted_stock_per_10k, "patents_per_10k", **rec.stock_marks)
    since = int(rec.stock_since)
    return (
        f"{int(rec.year)}年{view.scope.name_zh}常住人口{fmt.show(residents)}，平台当年授权专利"
        f"{fmt.show(flow)}，即每万人{fmt.show(flow_10k.with_unit('件'), digits=2)}（授权量，流量）；"
        f"{since}年以来累计授权{fmt.show(stock)}，每万人{fmt.show(stock_10k.with_unit('件'), digits=2)}。"
        f"累计数只含平台、只从{since}年算起、未扣除失效专利，"
        "不等于统计口径的“每万人专利拥有量”（存量）。"
    )


@_markdown
def poisson_sentence(view: PlatformView) -> str:
    """The exploratory fixed-effects Poisson, worded as an association."""
    if view.poisson is None:
        return view.poisson_note or ""
    r = view.poisson
    low, high = r.rate_ratio_ci
    direction = "多" if r.rate_ratio >= 1 else "少"
    change = r.value(abs(r.rate_ratio - 1), "ratio")
    return (
        f"探索性分析（相关关系，不是因果效应）：在{fmt.show(r.value(r.n_units, '个'))}县级单位×"
        f"{fmt.show(r.value(r.n_years, '年'))}（{fmt.show(r.value(r.n_obs, '个'))}观测）的面板中，"
        f"控制县区和年份固定效应后，年末在册平台每多一个，平台授权专利平均{direction}"
        f"{fmt.show(change, digits=1)}（比率比{fmt.show(r.value(r.rate_ratio), digits=2)}，"
        f"{fmt.setting(95, '%')}置信区间{fmt.show(r.value(low), digits=2)}—"
        f"{fmt.show(r.value(high), digits=2)}，稳健标准误）。"
        "这只描述相关：结果变量是平台自身的授权专利，平台越多、计入的专利越多，部分是计数口径所致；"
        "平台在哪里、何时认定并非随机，县区数量少，区间也只是近似。不能据此说“增设一个平台会带来多少专利”。"
        + BOUNDARY_NOTE
        + (f"全部年份无专利、已剔除的县区：{md_join(r.dropped_units)}。" if r.dropped_units else "")
    )


@_markdown
def article_sentence(view: PlatformView) -> str:
    """What the article's figures are about, in its own words' attribution."""
    if view.scope.level != "city":
        named = md_join(view.named.name_zh) if len(view.named) else ""
        return (
            f"原文的平台数量、引进人才成果和专利数字都是全市口径，见全市报告；{view.scope.name_zh}的数字来自数据。"
            + (f"原文点名的平台中位于本地的有：{named}。" if named else "原文没有点名本地的平台。")
        )
    return (
        "原文的数字按原文所说的事项引用：国家级、省级平台数量是全市的人才平台；"
        "获批项目、立项经费和授权专利是“推动引进人才申报各类项目”的成果（引进人才成果），"
        "不是平台的产出；年度专利申请量与授权量、每万人专利拥有量增长是全市口径。"
        "本报告第二至四节的平台产出只来自平台产出数据，不与这些数字对照或相加。"
    )

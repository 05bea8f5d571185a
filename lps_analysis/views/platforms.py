"""What notebook 03 shows: talent platforms, their outputs, and the article's figures beside the data.

Turns validated tables into the frames, sentences and metrics of the platform-outputs report.
No file I/O: the notebook passes in what `lps_analysis.data` loaded.

Where the headline figures come from: at city scope the article's fact base wherever it states
them (6 national and 15 provincial platforms, 281 projects, 1,585万元, ≥ 500 patents), the
per-project funding derived from them; at county scope the data (illustrative in the bundled set).
Everything else — stock by year, per platform-year rates, concentration, per-10k rates, the
exploratory Poisson — comes from the data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from lps_analysis import fmt
from lps_analysis import platforms as pf
from lps_analysis.data.registry import Scope, current_scopes
from lps_analysis.data.tables import PLATFORM_LEVELS
from lps_analysis.metrics import Metrics
from lps_analysis.structure import combine_bounds
from lps_analysis.views.structure import ILLUSTRATIVE_MARK, banner, combine_provenance

# Metric id → the fact base's indicator for the same figure (city scope, article).
ARTICLE_INDICATORS = {
    "platforms.national": "platforms.national",
    "platforms.provincial": "platforms.provincial",
    "outputs.projects_approved": "outputs.projects_approved",
    "outputs.funding_10k_yuan": "outputs.funding_10k_yuan",
    "outputs.patents_granted": "outputs.patents_granted",
}
# The two platforms the article names: fact category → name as written.
NAMED_PLATFORMS = {
    "national_agricultural_park": "水城现代农业产业园",
    "national_incubator": "六盘水市科技企业孵化器",
}
LABELS = {
    "platforms.national": ("国家级平台及院士工作站", "个"),
    "platforms.provincial": ("省级人才平台", "个"),
    "platforms.total": ("国家级和省级平台合计", "个"),
    "outputs.projects_approved": ("获批项目", "个"),
    "outputs.funding_10k_yuan": ("立项经费", "万元"),
    "outputs.funding_per_project_10k_yuan": ("平均每个项目经费", "万元"),
    "outputs.patents_granted": ("授权专利", "件"),
}
UNITS = {
    "platforms.national": "platforms",
    "platforms.provincial": "platforms",
    "platforms.total": "platforms",
    "outputs.projects_approved": "projects",
    "outputs.funding_10k_yuan": "10k_yuan",
    "outputs.funding_per_project_10k_yuan": "10k_yuan_per_project",
    "outputs.patents_granted": "patents",
}
OUTPUT_NAMES = {
    "projects_approved": "获批项目",
    "funding_10k_yuan": "立项经费",
    "patents_applied": "专利申请",
    "patents_granted": "授权专利",
    "talents_hosted": "集聚人才",
}
# Rates of a platform with less than this exposure (platform-years) are shown but flagged.
MIN_EXPOSURE_FOR_RATE = 1.0
TOP_FRACTION = 0.2
GROWTH_FACT = "outputs.patents_per_10k_growth"
YEARLY_FACT = "outputs.patents_yearly_applied_and_granted"


@dataclass(frozen=True)
class Figure:
    """One headline figure with where it came from."""

    id: str
    value: float
    provenance: str
    bound: str = "exact"
    source: str = ""  # fact id (F035) or 数据

    @property
    def label(self) -> str:
        return LABELS[self.id][0]

    @property
    def unit_zh(self) -> str:
        return LABELS[self.id][1]

    def text(self, *, digits: int = 0) -> str:
        if math.isnan(self.value):
            return "—"
        if self.unit_zh == "万元":
            return fmt.money_10k(self.value, digits=digits, bound=self.bound)
        return fmt.count(self.value, unit=self.unit_zh, bound=self.bound)


# --------------------------------------------------------------------------- selection


def scope_codes(scope: Scope) -> list[str]:
    """Codes whose platforms belong to the scope: the city takes its own rows and every county's."""
    if scope.level == "city":
        return [s.code for s in current_scopes()]
    return [scope.code]


def scope_platforms(platforms: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    return platforms[platforms.scope_code.isin(scope_codes(scope))].reset_index(drop=True)


def scope_outputs(outputs: pd.DataFrame, platforms_in_scope: pd.DataFrame) -> pd.DataFrame:
    return outputs[outputs.platform_id.isin(platforms_in_scope.platform_id)].reset_index(drop=True)


def observed_years(outputs: pd.DataFrame, start: int, end: int) -> list[int]:
    """Years within `start`–`end` for which the outputs table has rows."""
    years = outputs.year[(outputs.year >= start) & (outputs.year <= end)]
    return sorted(int(y) for y in years.unique())


def article_facts(facts: pd.DataFrame) -> dict[str, pd.Series]:
    """The city's platform and output facts by indicator (one row each)."""
    sub = facts[facts.topic.isin(["platforms", "outputs"]) & (facts.category == "")]
    return {rec.indicator: rec for _, rec in sub.iterrows()}


def named_platforms(facts: pd.DataFrame, platforms: pd.DataFrame) -> pd.DataFrame:
    """The platforms the article names, with its date and the data's, for the timeline.

    Returns ``name_zh``, ``fact_id``, ``article_date`` (first of the stated month),
    ``fact_scope``, ``data_date`` and ``data_scope`` (NaT/None when the data lack it).
    """
    rows = []
    sub = facts[facts.category.isin(list(NAMED_PLATFORMS))]
    for _, fact in sub.iterrows():
        name = NAMED_PLATFORMS[fact.category]
        in_data = platforms[platforms.name_zh == name]
        rows.append(
            {
                "name_zh": name,
                "fact_id": fact.fact_id,
                "article_date": pd.Timestamp(f"{fact.period}-01"),
                "fact_scope": fact.scope_code,
                "data_date": in_data.established.iloc[0] if len(in_data) else pd.NaT,
                "data_scope": in_data.scope_code.iloc[0] if len(in_data) else None,
            }
        )
    return pd.DataFrame(
        rows,
        columns=["name_zh", "fact_id", "article_date", "fact_scope", "data_date", "data_scope"],
    )


def named_in_scope(named: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """Named platforms to annotate for a scope: all at city scope, else those located in it."""
    if scope.level == "city":
        return named.reset_index(drop=True)
    mask = (named.data_scope == scope.code) | (
        named.data_scope.isna() & (named.fact_scope == scope.code)
    )
    return named[mask].reset_index(drop=True)


# --------------------------------------------------------------------------- headline figures


def data_figures(
    platforms_in_scope: pd.DataFrame | None, per_platform: pd.DataFrame, *, years: list[int]
) -> dict[str, Figure]:
    """The seven headline figures computed from the data of one scope.

    Counts are NaN when there is no platforms table (a missing table is not a zero); output
    figures are NaN when no output year was reported. The total is national + provincial, as
    the article counts; municipal platforms, where listed, are left to the tables.
    """
    out = {}
    listed = platforms_in_scope if platforms_in_scope is not None else pd.DataFrame()
    # A count rests on the whole listing (the rows present and the ones absent), so it takes the
    # provenance of every platform row of the scope, not only of the rows of that level.
    prov_platforms = combine_provenance(listed.get("provenance", []), computed=True)
    for level in ("national", "provincial"):
        value = math.nan if platforms_in_scope is None else float((listed.level == level).sum())
        out[f"platforms.{level}"] = Figure(
            f"platforms.{level}", value, prov_platforms, source="数据"
        )
    out["platforms.total"] = Figure(
        "platforms.total",
        out["platforms.national"].value + out["platforms.provincial"].value,
        prov_platforms,
        source="数据",
    )
    prov_outputs = combine_provenance(
        per_platform.get("output_provenance", pd.Series(dtype=str)).dropna(), computed=True
    )
    totals = pf.output_totals(per_platform) if years else {}
    for col in ("projects_approved", "funding_10k_yuan", "patents_granted"):
        out[f"outputs.{col}"] = Figure(
            f"outputs.{col}", totals.get(col, math.nan), prov_outputs, source="数据"
        )
    out["outputs.funding_per_project_10k_yuan"] = Figure(
        "outputs.funding_per_project_10k_yuan",
        pf.funding_per_project(
            totals.get("funding_10k_yuan", math.nan), totals.get("projects_approved", math.nan)
        ),
        prov_outputs,
        source="数据",
    )
    return out


def headline_figures(
    scope: Scope, facts: pd.DataFrame, data: dict[str, Figure]
) -> dict[str, Figure]:
    """The seven headline figures: the article's where it states them (city scope), else the data's."""
    if scope.level != "city":
        return dict(data)
    stated = article_facts(facts)
    out = dict(data)
    for metric_id, indicator in ARTICLE_INDICATORS.items():
        fact = stated.get(indicator)
        if fact is not None:
            out[metric_id] = Figure(
                metric_id, float(fact.value), "article", fact.bound, source=fact.fact_id
            )
    national, provincial = out["platforms.national"], out["platforms.provincial"]
    if national.source != "数据" or provincial.source != "数据":
        out["platforms.total"] = Figure(
            "platforms.total",
            national.value + provincial.value,
            combine_provenance([national.provenance, provincial.provenance], computed=True),
            combine_bounds(national.bound, provincial.bound, operation="sum"),
            source=f"{national.source}+{provincial.source}",
        )
    funding, projects = out["outputs.funding_10k_yuan"], out["outputs.projects_approved"]
    if funding.source != "数据" or projects.source != "数据":
        out["outputs.funding_per_project_10k_yuan"] = Figure(
            "outputs.funding_per_project_10k_yuan",
            pf.funding_per_project(funding.value, projects.value),
            combine_provenance([funding.provenance, projects.provenance], computed=True),
            combine_bounds(funding.bound, projects.bound, operation="ratio"),
            source=f"{funding.source}÷{projects.source}",
        )
    return out


# --------------------------------------------------------------------------- the view


@dataclass
class PlatformView:
    """Everything notebook 03 shows for one scope."""

    scope: Scope
    start: int
    end: int
    years: list[int]  # years within start–end that the outputs table covers
    platforms: pd.DataFrame
    outputs: pd.DataFrame
    stock: pd.DataFrame  # year × level: stock at year-end, new
    timeline_years: list[int]
    by_type: pd.DataFrame
    per_platform: pd.DataFrame
    yearly: pd.DataFrame
    density: pd.DataFrame
    concentration: pd.DataFrame
    lorenz: pd.DataFrame  # output, platform_share, output_share
    figures: dict[str, Figure]
    data: dict[str, Figure]
    named: pd.DataFrame
    facts: dict[str, pd.Series]
    compare: pd.DataFrame | None = None
    poisson: pf.PoissonFE | None = None
    poisson_note: str | None = None
    notes: list[str] = field(default_factory=list)
    banner: str | None = None

    @property
    def illustrative(self) -> bool:
        return bool(
            (self.platforms.provenance == "illustrative").any()
            or (self.outputs.get("provenance", pd.Series(dtype=str)) == "illustrative").any()
        )

    @property
    def outputs_illustrative(self) -> bool:
        return bool((self.outputs.get("provenance", pd.Series(dtype=str)) == "illustrative").any())


def _empty_platforms() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "platform_id": pd.Series(dtype=str),
            "name_zh": pd.Series(dtype=str),
            "level": pd.Series(dtype=str),
            "type": pd.Series(dtype=str),
            "scope_code": pd.Series(dtype=str),
            "established": pd.Series(dtype="datetime64[ns]"),
            "provenance": pd.Series(dtype=str),
            "source": pd.Series(dtype=str),
        }
    )


def _empty_outputs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "platform_id": pd.Series(dtype=str),
            "year": pd.Series(dtype="int64"),
            **{c: pd.Series(dtype=float) for c in pf.OUTPUT_COLUMNS},
            "provenance": pd.Series(dtype=str),
        }
    )


def _timeline_years(platforms: pd.DataFrame, start: int, end: int) -> list[int]:
    if platforms.empty:
        return list(range(start, end + 1))
    years = pd.to_datetime(platforms.established).dt.year
    return list(range(min(int(years.min()), start), max(int(years.max()), end) + 1))


def _gap_notes(scope: Scope, platforms, outputs, years: list[int], start: int, end: int):
    notes = []
    if not years:
        notes.append(f"{scope.name_zh}{start}—{end}年没有平台产出数据，产出指标未计算。")
        return notes
    missing = []
    for rec in platforms.itertuples(index=False):
        reported = set(outputs.year[outputs.platform_id == rec.platform_id])
        active = [y for y in years if pf.active_fraction(rec.established, y) > 0]
        lacking = [y for y in active if y not in reported]
        if lacking:
            missing.append(f"{rec.name_zh}（{'、'.join(map(str, lacking))}年）")
    if missing:
        notes.append(
            "以下平台在已认定的年份缺少产出记录，按缺报处理（不计入平台年，也不按0计）："
            + "；".join(missing)
            + "。"
        )
    early = outputs.merge(platforms[["platform_id", "established"]], on="platform_id")
    early = early[early.year < pd.to_datetime(early.established).dt.year]
    if len(early):
        notes.append(f"有{len(early)}条产出记录早于平台认定年份，平台年为0，未计入每平台年产出。")
    return notes


def county_compare(
    platforms: pd.DataFrame, outputs: pd.DataFrame, population: pd.DataFrame, years: list[int]
) -> pd.DataFrame:
    """One row per county: platforms by level, outputs, per platform-year and per-10k rates."""
    rows = []
    last = max(years) if years else None
    for county in [s for s in current_scopes() if s.level == "county"]:
        mine = platforms[platforms.scope_code == county.code]
        per = pf.outputs_per_platform(
            mine, outputs, start=min(years, default=0), end=max(years, default=0)
        )
        totals = pf.output_totals(per)
        yearly = pf.yearly_outputs(
            scope_outputs(outputs, mine), start=min(years, default=0), end=max(years, default=0)
        )
        density = pf.patent_density(yearly, population, county.code)
        at_last = density[density.year == last]
        rows.append(
            {
                "scope_code": county.code,
                "name_zh": county.name_zh,
                "national": int((mine.level == "national").sum()),
                "provincial": int((mine.level == "provincial").sum()),
                "total": int(len(mine)),
                "projects_approved": totals.get("projects_approved", 0.0),
                "funding_10k_yuan": totals.get("funding_10k_yuan", 0.0),
                "patents_granted": totals.get("patents_granted", 0.0),
                "exposure_years": totals.get("exposure_years", 0.0),
                "projects_per_platform_year": pf.rate_per_exposure(
                    totals.get("projects_approved", 0.0), totals.get("exposure_years", 0.0)
                ),
                "patents_per_platform_year": pf.rate_per_exposure(
                    totals.get("patents_granted", 0.0), totals.get("exposure_years", 0.0)
                ),
                "patents_per_10k": float(at_last.granted_flow_per_10k.iloc[0])
                if len(at_last)
                else math.nan,
                "provenance": combine_provenance(
                    list(mine.provenance)
                    + list(per.get("output_provenance", pd.Series()).dropna()),
                    computed=True,
                ),
            }
        )
    return pd.DataFrame(rows)


def _fit_poisson(platforms, outputs, years) -> tuple[pf.PoissonFE | None, str | None]:
    counties = [s.code for s in current_scopes() if s.level == "county"]
    if len(years) < 2:
        return None, "平台产出数据不足两年，未做固定效应泊松回归。"
    panel = pf.county_year_panel(platforms, outputs, scope_codes=counties, years=years)
    try:
        return pf.fe_poisson(panel), None
    except ImportError:
        return None, "未安装 statsmodels，未做固定效应泊松回归（安装后重新运行）。"
    except pf.ModelNotEstimable as err:
        return None, f"数据不足以估计固定效应泊松回归（{err}）。"


def build(
    scope: Scope,
    start: int,
    end: int,
    *,
    platforms: pd.DataFrame | None,
    platform_outputs: pd.DataFrame | None,
    population: pd.DataFrame,
    facts: pd.DataFrame,
) -> PlatformView:
    """Compute every table of the platform-outputs report for one scope; never raises on gaps."""
    notes = []
    if platforms is None:
        notes.append("数据中没有人才平台表（platforms），平台数量和时间线无法计算。")
    if platform_outputs is None:
        notes.append("数据中没有平台产出表（platform_outputs），产出指标无法计算。")
    all_platforms = platforms if platforms is not None else _empty_platforms()
    all_outputs = platform_outputs if platform_outputs is not None else _empty_outputs()
    mine = scope_platforms(all_platforms, scope)
    outputs = scope_outputs(all_outputs, mine)
    years = observed_years(outputs, start, end)
    if platform_outputs is not None:
        notes += _gap_notes(scope, mine, outputs, years, start, end)
    if platforms is not None and mine.empty:
        notes.append(f"数据中没有{scope.name_zh}的人才平台。")
    timeline_years = _timeline_years(mine, start, end)
    stock = pf.stock_by_year(mine, timeline_years, by="level")
    per_platform = pf.outputs_per_platform(mine, outputs, start=start, end=end)
    yearly = pf.yearly_outputs(outputs, start=start, end=end)
    density = pf.patent_density(yearly, population, scope.code)
    conc = pf.concentration(per_platform, top_fraction=TOP_FRACTION)
    exposed = per_platform[per_platform.exposure_years > 0]
    lorenz = pd.concat(
        [
            pf.lorenz_curve(exposed[col]).assign(output=col)
            for col in ("patents_granted", "projects_approved")
            if col in exposed
        ],
        ignore_index=True,
    )
    data = data_figures(mine if platforms is not None else None, per_platform, years=years)
    figures = headline_figures(scope, facts, data)
    compare, poisson, poisson_note = None, None, None
    if scope.level == "city":
        compare = county_compare(all_platforms, all_outputs, population, years)
        poisson, poisson_note = _fit_poisson(all_platforms, all_outputs, years)
    else:
        poisson_note = "固定效应泊松回归比较各县级单位，只在全市报告中显示。"
    return PlatformView(
        scope=scope,
        start=start,
        end=end,
        years=years,
        platforms=mine,
        outputs=outputs,
        stock=stock,
        timeline_years=timeline_years,
        by_type=pf.count_by(mine, ["level", "type"]),
        per_platform=per_platform,
        yearly=yearly,
        density=density,
        concentration=conc,
        lorenz=lorenz,
        figures=figures,
        data=data,
        named=named_in_scope(named_platforms(facts, all_platforms), scope),
        facts=article_facts(facts),
        compare=compare,
        poisson=poisson,
        poisson_note=poisson_note,
        notes=notes,
        banner=banner({"人才平台": mine, "平台产出": outputs}),
    )


# --------------------------------------------------------------------------- sentences


def _span(years: list[int]) -> str:
    return f"{years[0]}—{years[-1]}年" if len(years) > 1 else f"{years[0]}年"


def _mark(provenance: str) -> str:
    return ILLUSTRATIVE_MARK if provenance == "illustrative" else ""


def platform_sentence(view: PlatformView) -> str:
    """How many platforms the scope has and how the stock grew (Markdown, numbers computed)."""
    f = view.figures
    where = "原文" if f["platforms.national"].provenance == "article" else "数据"
    parts = [
        f"{view.scope.name_zh}建有国家级平台及院士工作站{f['platforms.national'].text()}、"
        f"省级人才平台{f['platforms.provincial'].text()}，合计{f['platforms.total'].text()}（{where}）。"
    ]
    if view.platforms.empty:
        return parts[0]
    totals = view.stock.groupby("year").stock.sum()
    start, end = view.start, view.end
    if start in totals.index and end in totals.index:
        ratio = pf.growth(totals[start], totals[end])
        change = f"增长{fmt.pct(ratio)}" if not math.isnan(ratio) else "由无到有"
        parts.append(
            f"按数据中的认定时间，{start}年末在册平台{totals[start]}个，{end}年末{totals[end]}个，{change}。"
        )
    latest = pd.to_datetime(view.platforms.established).max()
    if latest.year > end:
        later = view.platforms[pd.to_datetime(view.platforms.established).dt.year > end]
        parts.append(
            f"{end}年以后又认定{len(later)}个（{'、'.join(later.name_zh)}），平台数计至数据中最晚的认定时间"
            f"（{latest.year}年{latest.month}月）。"
        )
    return "".join(parts)


def outputs_sentence(view: PlatformView) -> str:
    """Outputs in total and per platform-year (Markdown)."""
    if not view.years:
        return f"{view.scope.name_zh}{view.start}—{view.end}年没有平台产出数据。"
    totals = pf.output_totals(view.per_platform)
    exposure = totals.get("exposure_years", 0.0)
    per_project = pf.funding_per_project(totals["funding_10k_yuan"], totals["projects_approved"])
    mark = ILLUSTRATIVE_MARK if view.outputs_illustrative else ""
    text = (
        f"{_span(view.years)}，{view.scope.name_zh}各平台共获批项目{fmt.count(totals['projects_approved'])}个{mark}、"
        f"立项经费{fmt.money_10k(totals['funding_10k_yuan'])}{mark}"
        f"（平均每个项目{fmt.money_10k(per_project, digits=2)}），"
        f"申请专利{fmt.count(totals['patents_applied'])}件{mark}、授权专利{fmt.count(totals['patents_granted'])}件{mark}。"
    )
    if exposure > 0:
        text += (
            f"按{exposure:.1f}个平台年计，平均每个平台每年获批项目"
            f"{pf.rate_per_exposure(totals['projects_approved'], exposure):.2f}个、"
            f"授权专利{pf.rate_per_exposure(totals['patents_granted'], exposure):.2f}件。"
        )
    first, last = view.years[0], view.years[-1]
    patents_growth = pf.growth_between(view.yearly, "patents_granted", first, last)
    if first != last and not math.isnan(patents_growth):
        text += f"年度授权专利由{first}年的{int(view.yearly.set_index('year').patents_granted[first])}件变为{last}年的{int(view.yearly.set_index('year').patents_granted[last])}件（{fmt.pct(patents_growth, signed=True)}）。"
    return text


def concentration_sentence(view: PlatformView) -> str:
    """How concentrated patent grants are across platforms (Markdown)."""
    row = view.concentration[view.concentration.output == "patents_granted"]
    if row.empty or math.isnan(row.hhi.iloc[0]):
        return f"{view.scope.name_zh}没有授权专利，无法计算集中度。"
    rec = row.iloc[0]
    equal = 1 / rec.platforms
    level = "高度集中" if rec.gini >= 0.5 else ("较为集中" if rec.gini >= 0.3 else "较为均衡")
    return (
        f"授权专利在{rec.platforms}个平台之间{level}：产出最多的{rec.top_n}个平台（前{TOP_FRACTION:.0%}）"
        f"贡献了{fmt.pct(rec.top_share, digits=1)}，基尼系数为{rec.gini:.2f}"
        f"（0为完全均等），赫芬达尔指数（HHI）为{rec.hhi:.3f}（各平台均等时为{equal:.3f}）。"
        "产出多少也与认定时间有关：认定早的平台平台年多。"
    )


def density_sentence(view: PlatformView) -> str:
    """Patents per 10,000 residents, or why they are omitted (Markdown)."""
    if not view.years:
        return "没有平台产出数据，未计算每万人专利数。"
    if view.density.empty:
        pop_years = "、".join(map(str, view.years))
        return (
            f"{view.scope.name_zh}没有{pop_years}年的官方常住人口数据，未计算每万人专利数"
            "（不作估算，也不以0代替；分析人员可在 population 表中补充）。"
        )
    rec = view.density.iloc[-1]
    return (
        f"{int(rec.year)}年{view.scope.name_zh}常住人口{fmt.count(rec.residents)}人，平台当年授权专利"
        f"{fmt.count(rec.granted_flow)}件，即每万人{rec.granted_flow_per_10k:.2f}件（授权量，流量）；"
        f"{int(rec.stock_since)}年以来累计授权{fmt.count(rec.granted_stock)}件，每万人"
        f"{rec.granted_stock_per_10k:.2f}件。累计数只含平台、只从{int(rec.stock_since)}年算起、未扣除失效专利，"
        "不等于统计口径的“每万人专利拥有量”（存量）。"
    )


def growth_consistency_sentence(view: PlatformView, *, max_start: int = 100) -> str | None:
    """What the article's 246.15% could come from (Markdown); None when the fact is absent."""
    fact = view.facts.get(GROWTH_FACT)
    if fact is None:
        return None
    # The stated figure is a percentage: 246.15 (2 decimals) is a ratio with 4 decimals.
    pairs = pf.consistent_level_pairs(
        float(fact.value), decimals=_percent_decimals(fact.stated) + 2, max_start=max_start
    )
    if not pairs:
        return f"原文“{fact.quote}”：在分母不超过{max_start}的整数比中找不到与之相符的组合。"
    s, e = pairs[0]
    others = "、".join(f"{a}∶{b}" for a, b in pairs[1:4])
    return (
        f"原文“{fact.quote}”未给出起止水平（期间按2015—2020年理解）。与四舍五入后的"
        f"{fact.stated}相符、分母不超过{max_start}的整数比共{len(pairs)}组，最简的是{s}∶{e}"
        f"（{e}/{s}−1 = {e / s - 1:.4%}），例如每万人拥有量由{s / 10:g}件增至{e / 10:g}件"
        + (f"；其余为{others}等倍数" if others else "")
        + "。这只说明原文数字可能来自哪些整数水平，不是对实际水平的估计。"
    )


def _percent_decimals(stated: str) -> int:
    text = stated.strip().rstrip("%")
    return len(text.split(".")[1]) if "." in text else 0


def poisson_sentence(view: PlatformView) -> str:
    """The exploratory fixed-effects Poisson, worded as an association (Markdown)."""
    if view.poisson is None:
        return view.poisson_note or ""
    r = view.poisson
    low, high = r.rate_ratio_ci
    direction = "多" if r.rate_ratio >= 1 else "少"
    return (
        f"探索性分析（相关关系，不是因果效应）：在{r.n_units}个县级单位×{r.n_years}年（{r.n_obs}个观测）的面板中，"
        f"控制县区和年份固定效应后，年末在册平台每多1个，平台授权专利平均{direction}"
        f"{abs(r.rate_ratio - 1):.1%}（比率比{r.rate_ratio:.2f}，95%置信区间{low:.2f}—{high:.2f}，稳健标准误）。"
        "这只描述相关：结果变量是平台自身的授权专利，平台越多、计入的专利越多，部分是计数口径所致；"
        "平台在哪里、何时认定并非随机，县区数量少，区间也只是近似。不能据此说“增设一个平台会带来多少专利”。"
        + (
            f"全部年份无专利、已剔除的县区：{'、'.join(r.dropped_units)}。"
            if r.dropped_units
            else ""
        )
    )


# --------------------------------------------------------------------------- tables


def _level_zh(level: str) -> str:
    return PLATFORM_LEVELS.get(level, level)


def platform_table(view: PlatformView) -> pd.DataFrame:
    """Platforms by level and type (counts), formatted for a report."""
    if view.by_type.empty:
        return pd.DataFrame(columns=["级别", "类型", "平台数"]).set_index(["级别", "类型"])
    table = view.by_type.assign(
        级别=[_level_zh(v) for v in view.by_type.level],
        类型=view.by_type["type"],
        平台数=view.by_type["count"],
    )
    table = table.sort_values(
        ["level", "count"], key=lambda s: s.map(pf.level_sort_key) if s.name == "level" else -s
    )
    return table[["级别", "类型", "平台数"]].set_index(["级别", "类型"])


def per_platform_table(view: PlatformView) -> pd.DataFrame:
    """Each platform's outputs in total and per platform-year; * marks illustrative figures."""
    rows = []
    for rec in view.per_platform.itertuples(index=False):
        mark = _mark(getattr(rec, "output_provenance", None))
        reliable = rec.exposure_years >= MIN_EXPOSURE_FOR_RATE
        flag = "" if reliable else "†"
        rows.append(
            {
                "平台": rec.name_zh,
                "级别": _level_zh(rec.level),
                "认定时间": f"{rec.established.year}年{rec.established.month}月",
                "平台年": f"{rec.exposure_years:.2f}",
                "获批项目（个）": f"{rec.projects_approved:,.0f}{mark}",
                "立项经费（万元）": f"{rec.funding_10k_yuan:,.0f}{mark}",
                "授权专利（件）": f"{rec.patents_granted:,.0f}{mark}",
                "每平台年项目": "—"
                if math.isnan(rec.projects_approved_per_platform_year)
                else f"{rec.projects_approved_per_platform_year:.2f}{flag}",
                "每平台年授权专利": "—"
                if math.isnan(rec.patents_granted_per_platform_year)
                else f"{rec.patents_granted_per_platform_year:.2f}{flag}",
            }
        )
    return pd.DataFrame(rows).set_index("平台") if rows else pd.DataFrame()


PER_PLATFORM_NOTE = (
    "平台年：平台在有产出记录的年份中处于认定状态的时间（认定当年按认定日至年末的天数折算）。"
    f"“†”表示平台年不足{MIN_EXPOSURE_FOR_RATE:g}，比率不稳定（认定当年的产出可能包含认定前的工作）；"
    "“—”表示尚无平台年；“*”为示例数据。"
)


def concentration_table(view: PlatformView) -> pd.DataFrame:
    rows = []
    for rec in view.concentration.itertuples(index=False):
        rows.append(
            {
                "产出": OUTPUT_NAMES.get(rec.output, rec.output),
                "平台数": rec.platforms,
                "合计": f"{rec.total:,.0f}",
                f"前{TOP_FRACTION:.0%}平台占比": fmt.pct(rec.top_share, digits=1),
                "基尼系数": "—" if math.isnan(rec.gini) else f"{rec.gini:.3f}",
                "HHI": "—" if math.isnan(rec.hhi) else f"{rec.hhi:.3f}",
            }
        )
    return pd.DataFrame(rows).set_index("产出") if rows else pd.DataFrame()


def compare_table(compare: pd.DataFrame) -> pd.DataFrame:
    """The county comparison formatted for a report; '—' where population is unknown."""
    return pd.DataFrame(
        {
            "县级单位": compare.name_zh,
            "国家级": compare.national,
            "省级": compare.provincial,
            "获批项目（个）": [f"{v:,.0f}" for v in compare.projects_approved],
            "立项经费（万元）": [f"{v:,.0f}" for v in compare.funding_10k_yuan],
            "授权专利（件）": [f"{v:,.0f}" for v in compare.patents_granted],
            "每平台年授权专利": [
                "—" if math.isnan(v) else f"{v:.2f}" for v in compare.patents_per_platform_year
            ],
            "每万人授权专利": [
                "—" if math.isnan(v) else f"{v:.2f}" for v in compare.patents_per_10k
            ],
        }
    ).set_index("县级单位")


def compare_note(compare: pd.DataFrame, years: list[int]) -> str:
    missing = compare[compare.patents_per_10k.isna()].name_zh
    text = "每万人授权专利为平台当年授权量（流量）除以常住人口"
    if years:
        text += f"（{years[-1]}年）"
    if len(missing):
        text += f"；{'、'.join(missing)}没有官方常住人口数据，不作估算，记为“—”"
    if (compare.provenance == "illustrative").any():
        text += "；平台及产出含示例数据"
    return text + "。"


def article_table(view: PlatformView) -> pd.DataFrame:
    """The article's figures (≥ for lower bounds) next to the data's, with a remark per row."""
    city = view.scope.level == "city"
    rows = []
    data_col = "数据（全市合计）" if city else f"数据（{view.scope.name_zh}）"
    years = _span(view.years) if view.years else "—"
    for metric_id in LABELS:
        shown = view.figures[metric_id]
        own = view.data[metric_id]
        stated = view.facts.get(ARTICLE_INDICATORS.get(metric_id, ""))
        if stated is not None:
            article = Figure(metric_id, float(stated.value), "article", stated.bound).text()
            remark = f"原文：{stated.quote}（{stated.fact_id}）"
        elif metric_id == "platforms.total" or metric_id.startswith("outputs.funding_per"):
            article = shown.text(digits=2) if city else "—"
            remark = "由原文数字计算" if city else "原文未直接说明"
        else:
            article, remark = "—", ""
        digits = 2 if metric_id.startswith("outputs.funding_per") else 0
        if metric_id.startswith("outputs.") and view.years:
            remark += f"；数据为平台{years}产出"
        rows.append(
            {
                "指标": shown.label,
                "原文（全市）": article,
                data_col: own.text(digits=digits) + _mark(own.provenance),
                "说明": remark.lstrip("；"),
            }
        )
    yearly_fact = view.facts.get(YEARLY_FACT)
    if yearly_fact is not None:
        data_text = "—"
        if not view.yearly.empty:
            top = view.yearly.loc[view.yearly.patents_applied.idxmax()]
            data_text = (
                f"最高：{int(top.year)}年申请{top.patents_applied:,.0f}件、授权{top.patents_granted:,.0f}件"
                + (ILLUSTRATIVE_MARK if view.outputs_illustrative else "")
            )
        rows.append(
            {
                "指标": "年度专利申请量与授权量",
                "原文（全市）": fmt.count(yearly_fact.value, unit="件", bound=yearly_fact.bound),
                data_col: data_text,
                "说明": f"原文：{yearly_fact.quote}（{yearly_fact.fact_id}）；数据只含平台的专利，少于全市",
            }
        )
    growth_fact = view.facts.get(GROWTH_FACT)
    if growth_fact is not None:
        rows.append(
            {
                "指标": "每万人专利拥有量增长",
                "原文（全市）": fmt.pct(growth_fact.value),
                data_col: "—",
                "说明": f"原文：{growth_fact.quote}（{growth_fact.fact_id}）；数据没有{view.start}年人口和专利存量，无法核对",
            }
        )
    for rec in view.named.itertuples(index=False):
        data_text = (
            f"{rec.data_date.year}年{rec.data_date.month}月"
            if not pd.isna(rec.data_date)
            else "数据中没有"
        )
        rows.append(
            {
                "指标": rec.name_zh,
                "原文（全市）": f"{rec.article_date.year}年{rec.article_date.month}月认定",
                data_col: data_text,
                "说明": f"原文点名的国家级平台（{rec.fact_id}）",
            }
        )
    return pd.DataFrame(rows).set_index("指标")


def article_sentence(view: PlatformView) -> str:
    """Whether the data agree with the article (city) or what part of it the county holds."""
    if view.scope.level != "city":
        return (
            f"原文数字是全市口径；{view.scope.name_zh}的数字来自数据"
            + ("（示例数据，非真实统计）" if view.illustrative else "")
            + "，不能与原文直接对照。"
        )
    differ = []
    for metric_id in ARTICLE_INDICATORS:
        shown, own = view.figures[metric_id], view.data[metric_id]
        if shown.provenance != "article" or math.isnan(own.value):
            continue
        ok = own.value >= shown.value if shown.bound == "lower" else own.value == shown.value
        if not ok:
            differ.append(f"{shown.label}（原文{shown.text()}，数据{own.text()}）")
    if differ:
        return "数据与原文不一致：" + "；".join(differ) + "。报告的指标采用原文数字。"
    return "数据合计与原文数字一致（“余”“突破”等表述按下限核对）；报告的全市指标采用原文数字。"


# --------------------------------------------------------------------------- metrics


def record_metrics(metrics: Metrics, view: PlatformView) -> None:
    """Record the platforms.* and outputs.* metrics (missing figures are not recorded)."""
    for metric_id, figure in view.figures.items():
        metrics.record(
            metric_id,
            figure.value,
            unit=UNITS[metric_id],
            provenance=figure.provenance,
            bound=figure.bound,
        )
    outputs_prov = combine_provenance(view.outputs.get("provenance", []), computed=True)
    for rec in view.density.itertuples(index=False):
        prov = combine_provenance([outputs_prov, rec.population_provenance], computed=True)
        metrics.record(
            f"outputs.patents_per_10k.{rec.year}",
            rec.granted_flow_per_10k,
            unit="patents_per_10k",
            provenance=prov,
        )
        # Cumulative grants since the data begin: neither a lower nor an upper bound of 拥有量.
        metrics.record(
            f"outputs.patents_stock_per_10k.{rec.year}",
            rec.granted_stock_per_10k,
            unit="patents_per_10k",
            provenance=prov,
            bound="approx",
        )
    conc = view.concentration[view.concentration.output == "patents_granted"]
    if len(conc):
        rec = conc.iloc[0]
        for name, value in (
            ("hhi", rec.hhi),
            ("gini", rec.gini),
            (f"top{round(TOP_FRACTION * 100)}_share", rec.top_share),
        ):
            metrics.record(
                f"outputs.concentration_{name}",
                value,
                unit="ratio" if "share" in name else "index",
                provenance=outputs_prov,
            )
    totals = pf.output_totals(view.per_platform)
    if totals.get("exposure_years", 0) > 0:
        metrics.record(
            "outputs.patents_per_platform_year",
            pf.rate_per_exposure(totals["patents_granted"], totals["exposure_years"]),
            unit="patents_per_platform_year",
            provenance=outputs_prov,
        )
    growth_fact = view.facts.get(GROWTH_FACT)
    if view.scope.level == "city" and growth_fact is not None:
        metrics.record(
            "outputs.patents_per_10k_growth",
            growth_fact.value,
            unit="ratio",
            provenance="article",
            bound=growth_fact.bound,
        )

"""What notebook 02 shows: the east–west exchanges, and what they changed in the aided institutions.

Turns validated tables into the frames, sentences and metrics of the exchange report. No file
I/O: the notebook passes in what `lps_analysis.data` loaded.

Where the figures come from: at city scope the total exchanged (1,827 persons) and the new
technologies and projects (40余项, a lower bound shown as ≥ 40) are the article's (fact base
F028, F029); everything else — persons per field, person-months, institutions, and the effect
estimates — comes from the data (illustrative in the bundled set), and carries its provenance.
At county scope every figure comes from the data; the article gives no county breakdown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from lps_analysis import exchange as ex
from lps_analysis import fmt
from lps_analysis.data.registry import Scope, current_scopes
from lps_analysis.data.tables import DIRECTIONS, FIELDS, MODES
from lps_analysis.metrics import Metrics
from lps_analysis.views.estimator_notes import estimator_caveats
from lps_analysis.views.structure import ILLUSTRATIVE_MARK, banner, combine_provenance

PERSONS_FACT = "exchange.persons"  # F028 与东部城市互派教育、医疗卫生等专业技术人才1827人
TECHNIQUES_FACT = "exchange.new_techniques"  # F029 开展新技术、新项目40余项
# The eastern partner cities, as the article's context and the pairing history give them.
PARTNER_HISTORY = "2020年前为大连，2021年起为中山"
BREAKDOWN_LABELS = {
    "year": "年份",
    "scope_code": "县级单位",
    "field": "领域",
    "direction": "交流方向",
    "mode": "帮扶方式",
    "partner_city": "对口城市",
}


@dataclass(frozen=True)
class Headline:
    """One headline figure with where it came from."""

    id: str
    label: str
    value: float
    unit_zh: str
    provenance: str
    bound: str = "exact"
    source: str = "数据"  # fact id (F028) or 数据

    def text(self) -> str:
        if self.value is None or (isinstance(self.value, float) and math.isnan(self.value)):
            return "—"
        return fmt.count(round(self.value), unit=self.unit_zh, bound=self.bound)


@dataclass
class ExchangeView:
    """Everything notebook 02 shows for one scope and field."""

    scope: Scope
    field: str
    indicator: ex.Indicator
    start: int | None
    end: int | None
    exchanges: pd.DataFrame  # the scope's assignments (with year, months, person_months)
    headlines: dict[str, Headline]
    totals: dict[str, pd.DataFrame]  # breakdown → exchange_totals
    exposure: pd.DataFrame  # per institution of the scope (all fields)
    panel: ex.Panel | None
    reasons: list[str]  # why no effect was estimated (empty when it was)
    effect: ex.ExchangeEffect | None
    outcomes_provenance: str
    notes: list[str] = field(default_factory=list)
    banner: str | None = None

    @property
    def illustrative(self) -> bool:
        return bool((self.exchanges.get("provenance") == "illustrative").any())

    @property
    def effect_illustrative(self) -> bool:
        return self.outcomes_provenance == "illustrative" or self.illustrative

    @property
    def field_zh(self) -> str:
        return FIELDS.get(self.field, self.field)

    @property
    def effect_provenance(self) -> str:
        kinds = [self.outcomes_provenance, *self.exchanges.get("provenance", pd.Series()).unique()]
        return combine_provenance(kinds, computed=True)


# --------------------------------------------------------------------------- selection


def scope_codes(scope: Scope) -> list[str]:
    """Codes whose institutions belong to the scope: the city takes every county's."""
    if scope.level == "city":
        return [s.code for s in current_scopes()]
    return [scope.code]


def _in_window(exchanges: pd.DataFrame, start: int | None, end: int | None) -> pd.DataFrame:
    frame = ex.with_person_months(exchanges)
    if start is not None:
        frame = frame[frame["year"] >= start]
    if end is not None:
        frame = frame[frame["year"] <= end]
    return frame.reset_index(drop=True)


def article_facts(facts: pd.DataFrame) -> dict[str, pd.Series]:
    """The city's exchange facts by indicator (one row each)."""
    sub = facts[(facts.topic == "exchange") & (facts.scope_code == "520200")]
    return {rec.indicator: rec for _, rec in sub.iterrows()}


def headline_figures(
    scope: Scope, exchanges: pd.DataFrame, facts: pd.DataFrame
) -> dict[str, Headline]:
    """Total persons (the article's at city scope), persons per field, person-months, institutions."""
    prov = combine_provenance(exchanges.get("provenance", pd.Series(dtype=str)), computed=True)
    out = {}
    for code in FIELDS:
        out[f"exchange.persons.{code}"] = Headline(
            f"exchange.persons.{code}",
            f"{FIELDS[code]}领域交流人员",
            float(exchanges.loc[exchanges["field"] == code, "persons"].sum()),
            "人",
            prov,
        )
    out["exchange.persons.total"] = Headline(
        "exchange.persons.total", "交流人员合计", float(exchanges["persons"].sum()), "人", prov
    )
    out["exchange.person_months.total"] = Headline(
        "exchange.person_months.total",
        "交流人·月合计",
        float(exchanges["person_months"].sum()),
        "人·月",
        prov,
    )
    out["exchange.institutions.aided"] = Headline(
        "exchange.institutions.aided",
        "参与交流的单位",
        float(exchanges["institution_id"].nunique()),
        "家",
        prov,
    )
    if scope.level == "city":
        stated = article_facts(facts)
        persons = stated.get(PERSONS_FACT)
        if persons is not None:
            out["exchange.persons.total"] = Headline(
                "exchange.persons.total",
                "交流人员合计（原文）",
                float(persons.value),
                "人",
                "article",
                persons.bound,
                persons.fact_id,
            )
        techniques = stated.get(TECHNIQUES_FACT)
        if techniques is not None:
            out["exchange.new_techniques"] = Headline(
                "exchange.new_techniques",
                "新技术、新项目（原文）",
                float(techniques.value),
                "项",
                "article",
                techniques.bound,
                techniques.fact_id,
            )
    return out


# --------------------------------------------------------------------------- build


def build(
    scope: Scope,
    *,
    field: str = "health",
    outcome: str | None = None,
    start: int | None = None,
    end: int | None = None,
    exchanges: pd.DataFrame | None,
    institutions: pd.DataFrame | None,
    institution_outcomes: pd.DataFrame | None,
    facts: pd.DataFrame,
    permutations: int = 999,
    bootstrap_draws: int = 9999,
    seed: int = 0,
) -> ExchangeView:
    """Compute every table and estimate of the exchange report; never raises on gaps.

    `field` is ``education`` or ``health``; `outcome` an indicator of `institution_outcomes`
    (None: the field's default); `start`/`end` bound the years (None: all the data have).
    """
    if field not in FIELDS:
        raise ValueError(f"field must be one of {sorted(FIELDS)}, not {field!r}")
    indicator = ex.indicator_for(field, outcome)
    notes: list[str] = []
    codes = scope_codes(scope)
    if exchanges is None:
        notes.append("数据中没有人才交流表（exchanges），交流情况和效应无法计算。")
        exchanges = pd.DataFrame(
            columns=[
                "exchange_id",
                "scope_code",
                "institution_id",
                "field",
                "direction",
                "partner_city",
                "start_date",
                "end_date",
                "mode",
                "persons",
                "provenance",
            ]
        ).astype({"persons": int, "start_date": "datetime64[ns]", "end_date": "datetime64[ns]"})
    mine = _in_window(exchanges[exchanges["scope_code"].isin(codes)], start, end)
    if exchanges is not None and mine.empty and len(exchanges):
        notes.append(f"数据中没有{scope.name_zh}的交流记录。")
    inst = None
    if institutions is not None:
        inst = institutions[institutions["scope_code"].isin(codes)]
    else:
        notes.append("数据中没有受援单位表（institutions），从未接受交流的单位无从识别。")
    totals = {by: ex.exchange_totals(mine, by) for by in ex.BREAKDOWNS}
    exposure = ex.exposure(mine, inst)
    headlines = headline_figures(scope, mine, facts)

    panel, reasons, effect = None, [], None
    outcomes_prov = "derived"
    if institution_outcomes is None:
        reasons.append("数据中没有受援单位成效指标表（institution_outcomes）")
    else:
        sub = institution_outcomes[
            (institution_outcomes["indicator"] == indicator.id)
            & institution_outcomes["scope_code"].isin(codes)
        ]
        outcomes_prov = combine_provenance(sub.get("provenance", []), computed=True)
        # Cohorts come from all the scope's exchanges, not only those in the window: an
        # institution first aided before `start` is always-treated (dropped), not a later cohort.
        cohort_table = ex.cohorts(exchanges[exchanges["scope_code"].isin(codes)], inst)
        panel = ex.outcome_panel(
            sub, cohort_table, indicator=indicator.id, field=field, start=start, end=end
        )
        if panel.n_institutions == 0:
            reasons.append(f"数据中没有{scope.name_zh}{FIELDS[field]}领域的“{indicator.label_zh}”")
        else:
            reasons += ex.estimability(panel)
        if panel.incomplete:
            notes.append(
                f"{len(panel.incomplete)}家单位缺少部分年份的{indicator.label_zh}"
                f"（共缺{panel.missing_institution_years}个单位·年）；只舍去缺失的年份，"
                "这些单位其余年份的数据仍参与效应估计。"
            )
        if panel.dropped_one_year:
            notes.append(
                f"{len(panel.dropped_one_year)}家单位只有一年的{indicator.label_zh}，"
                "无法计算变化，未纳入效应估计。"
            )
        if panel.dropped_always_treated:
            notes.append(
                f"{len(panel.dropped_always_treated)}家单位在起始年已开始交流、没有交流前的观测，"
                "未纳入效应估计。"
            )
    if not reasons and panel is not None:
        try:
            effect = ex.estimate_effect(
                panel,
                exposure,
                permutations=permutations,
                bootstrap_draws=bootstrap_draws,
                seed=seed,
            )
        except Exception as error:  # noqa: BLE001 - the report says why instead of a traceback
            reasons.append(f"估计未能完成（{type(error).__name__}：{error}）")
    parts = {"人才交流": mine}
    if institution_outcomes is not None and outcomes_prov == "illustrative":
        parts["受援单位成效指标"] = pd.DataFrame({"provenance": ["illustrative"]})
    return ExchangeView(
        scope=scope,
        field=field,
        indicator=indicator,
        start=start,
        end=end,
        exchanges=mine,
        headlines=headlines,
        totals=totals,
        exposure=exposure,
        panel=panel,
        reasons=reasons,
        effect=effect,
        outcomes_provenance=outcomes_prov,
        notes=notes,
        banner=banner(parts),
    )


# --------------------------------------------------------------------------- text and tables


def effect_text(value: float, indicator: ex.Indicator, *, signed: bool = False) -> str:
    """An effect in the indicator's unit: a pass-rate ratio in 个百分点, surgeries in 台次/年."""
    if value is None or math.isnan(value):
        return "—"
    if indicator.unit == "ratio":
        sign = "+" if signed and value > 0 else ""
        return f"{sign}{value * 100:.2f}个百分点"
    sign = "+" if signed and value > 0 else ""
    return f"{sign}{value:,.1f}{indicator.unit_zh}"


def years_text(view: ExchangeView) -> str:
    if view.panel is not None and view.panel.n_institutions:
        return f"{view.panel.start}—{view.panel.end}年"
    if view.start is not None and view.end is not None:
        return f"{view.start}—{view.end}年"
    return "数据覆盖的全部年份"


def article_sentence(view: ExchangeView) -> str:
    """What the article reports, with its bounds (Markdown)."""
    if view.scope.level != "city":
        return (
            f"原文只报道全市数字（交流人员1,827人，新技术、新项目40余项），没有分县级单位的数字；"
            f"以下为{view.scope.name_zh}的数据。"
        )
    persons = view.headlines["exchange.persons.total"]
    techniques = view.headlines.get("exchange.new_techniques")
    text = f"原文报道：全市与东部城市（{PARTNER_HISTORY}）互派教育、医疗卫生等专业技术人才{persons.text()}"
    if techniques is not None:
        text += f"，开展新技术、新项目{techniques.text()}（原文为“40余项”，是下限，不作精确数使用）"
    return text + "。"


def data_sentence(view: ExchangeView) -> str:
    """What the exchange table holds for the scope, every number computed (Markdown)."""
    ex_rows = view.exchanges
    if ex_rows.empty:
        return f"数据中没有{view.scope.name_zh}的交流记录。"
    mark = "（示例数据）" if view.illustrative else ""
    total = float(ex_rows["persons"].sum())
    per_field = "、".join(
        f"{FIELDS[c]}{fmt.count(float(ex_rows.loc[ex_rows.field == c, 'persons'].sum()), unit='人')}"
        for c in FIELDS
        if (ex_rows["field"] == c).any()
    )
    inbound = float(ex_rows.loc[ex_rows["direction"] == "inbound", "persons"].sum())
    years = ex_rows["year"]
    text = (
        f"交流数据{mark}记录了{view.scope.name_zh}{int(years.min())}—{int(years.max())}年的"
        f"{len(ex_rows)}次交流、{fmt.count(total, unit='人')}（{per_field}），"
        f"合计{fmt.count(round(float(ex_rows['person_months'].sum())), unit='人·月')}，"
        f"涉及{ex_rows['institution_id'].nunique()}家学校和医院；其中东部派驻六盘水"
        f"{fmt.count(inbound, unit='人')}（{fmt.pct(inbound / total, digits=1)}）。"
    )
    article = view.headlines["exchange.persons.total"]
    if view.scope.level == "city" and article.source != "数据":
        if round(total) == round(article.value):
            text += f"数据合计与原文的{article.text()}一致。"
        else:
            text += f"数据合计与原文的{article.text()}相差{fmt.count(total - article.value, unit='人')}。"
    return text


def _label(by: str, value) -> str:
    if by == "year":
        return f"{int(value)}年"
    if by == "scope_code":
        names = {s.code: s.name_zh for s in current_scopes()}
        return names.get(value, value)
    if by == "field":
        return FIELDS.get(value, value)
    if by == "direction":
        return DIRECTIONS.get(value, value)
    if by == "mode":
        return MODES.get(value, value)
    return str(value)


def totals_table(view: ExchangeView, by: str) -> pd.DataFrame:
    """Assignments, persons, person-months and institutions per `by`, formatted (* = illustrative)."""
    frame = view.totals[by]
    mark = ILLUSTRATIVE_MARK if view.illustrative else ""
    out = pd.DataFrame(
        {
            BREAKDOWN_LABELS[by]: [_label(by, v) for v in frame[by]],
            "交流次数": [f"{v:,.0f}" for v in frame["assignments"]],
            "人数": [f"{v:,.0f}{mark}" for v in frame["persons"]],
            "人·月": [f"{v:,.0f}{mark}" for v in frame["person_months"]],
            "涉及单位": [f"{v:,.0f}" for v in frame["institutions"]],
        }
    )
    return out.set_index(BREAKDOWN_LABELS[by])


def field_year_totals(view: ExchangeView) -> pd.DataFrame:
    """Persons per start year and field, for the chart."""
    return ex.exchange_totals(view.exchanges, ["year", "field"])


def exposure_sentence(view: ExchangeView) -> str:
    """How unequal exposure is across the aided institutions (Markdown)."""
    aided = view.exposure[view.exposure["cohort"] > 0]
    if aided.empty:
        return "没有单位接受交流。"
    q = aided["person_months"].quantile([0.25, 0.5, 0.75])
    return (
        f"{len(aided)}家参与交流的单位平均每家{fmt.count(round(aided['person_months'].mean()), unit='人·月')}，"
        f"中位数{fmt.count(round(q[0.5]), unit='人·月')}（四分位距{q[0.25]:,.0f}—{q[0.75]:,.0f}人·月）；"
        f"首次交流年份分布："
        + "、".join(f"{int(g)}年{n}家" for g, n in aided.groupby("cohort").size().items())
        + "。"
    )


def not_estimated_sentence(view: ExchangeView) -> str:
    """The plain-Chinese reason there is no effect estimate for this scope (Markdown)."""
    reasons = "；".join(view.reasons)
    return (
        f"**{view.scope.name_zh}{view.field_zh}领域不作单位层面的效应估计**：{reasons}。"
        "样本太少时，估计值和区间都不可靠，强行计算只会给出误导性的数字。"
        + ("请参阅全市报告中的估计。" if view.scope.level != "city" else "")
    )


def effect_sentence(view: ExchangeView) -> str:
    """The average effect and its 95% interval, in plain Chinese (Markdown)."""
    eff = view.effect
    if eff is None:
        return not_estimated_sentence(view)
    ind = view.indicator
    panel = eff.panel
    direction = "提高" if eff.att > 0 else "降低"
    significant = eff.ci_low > 0 or eff.ci_high < 0
    mark = "（示例数据）" if view.effect_illustrative else ""
    text = (
        f"以{ind.label_zh}衡量{mark}：{panel.n_institutions}家{view.field_zh}单位中，"
        f"{panel.n_treated}家在{min(panel.cohort_sizes.index)}—{max(panel.cohort_sizes.index)}年间先后开始接受交流，"
        f"{panel.n_never}家从未接受。与同期尚未或从未接受交流的单位相比，接受交流的单位在交流开始后"
        f"平均{direction}{effect_text(abs(eff.att), ind)}"
        f"（95%置信区间{effect_text(eff.ci_low, ind)}至{effect_text(eff.ci_high, ind)}）。"
    )
    if significant:
        text += "区间不含0，在单位层面可以认为效应不为零。"
    else:
        text += "区间包含0，数据不足以确认存在效应。"
    return text


def pretrend_sentence(view: ExchangeView) -> str:
    """What the pre-period coefficients say about parallel trends, and what the test cannot see."""
    eff = view.effect
    if eff is None:
        return "没有可检验的交流前年份。"
    pre = eff.study.pretrend
    if pre is None:
        if (eff.study.estimates["event_time"] <= -2).any():
            return (
                f"交流前的年份每年只有不到{ex.PRETREND_MIN_INSTITUTIONS}家接受交流的单位，"
                "无法检验平行趋势；图中交流前的系数仅供参考。"
            )
        return "没有可检验的交流前年份。"
    leads = f"{-max(pre.leads)}—{-min(pre.leads)}" if len(pre.leads) > 1 else str(-pre.leads[0])
    n = eff.panel.n_institutions
    if pre.p_value < 0.05:
        verdict = "交流前两类单位的走势已有显著差异，平行趋势假设存疑，上面的效应估计要谨慎看待。"
    elif n < ex.PRETREND_MIN_POWERED:
        verdict = (
            f"未检出显著差异，但只有{n}家单位，这一检验几乎发现不了交流前的趋势差异，"
            "不能据此认为平行趋势成立。"
        )
    else:
        verdict = "交流前接受交流的单位与对照单位走势没有显著差异，平行趋势假设未被数据否定（但这不能证明它成立）。"
    return (
        f"检验交流前{leads}年的系数（{pre.institutions}家接受交流的单位）是否为零，用两种方法："
        f"逐年联合检验（能发现忽高忽低的差异）F = {pre.statistic:.2f}，p = {pre.joint_p_value:.3f}；"
        f"各年平均值{effect_text(pre.estimate, view.indicator)}的t检验（对持续的趋势更敏感）"
        f"t = {pre.mean_statistic:.2f}，p = {pre.mean_p_value:.3f}。两者合并（取较小p值的两倍）"
        f"p = {pre.p_value:.3f}。{verdict}"
        "交流开始后才出现的差异、以及只在个别单位出现的差异，这一检验看不到。"
    )


def robustness_table(view: ExchangeView) -> pd.DataFrame:
    """The headline estimate beside the alternatives and checks, formatted."""
    eff = view.effect
    if eff is None:
        return pd.DataFrame()
    ind = view.indicator
    rows = [
        {
            "方法": "分批次双重差分（Callaway–Sant'Anna，尚未/从未交流单位作对照）【主估计】",
            "平均效应": effect_text(eff.att, ind),
            "95%置信区间": f"{effect_text(eff.ci_low, ind)} 至 {effect_text(eff.ci_high, ind)}",
            "p值": fmt_p(eff.cs.p_value),
        },
        {
            "方法": (
                "事件研究（Sun–Abraham，"
                + ("从未交流单位" if eff.study.comparison == "never" else "最晚开始交流的单位")
                + "作对照，单位层面刀切法标准误）"
            ),
            "平均效应": effect_text(eff.study.att, ind),
            "95%置信区间": _interval(eff.study.ci_low, eff.study.ci_high, ind),
            "p值": fmt_p(eff.study.p_value),
        },
        {
            "方法": "传统双向固定效应回归（仅作对照：效应随时间增长时有偏，不给区间）",
            "平均效应": effect_text(eff.twfe.estimate, ind),
            "95%置信区间": "—",
            "p值": "—",
        },
        {
            "方法": f"随机化（安慰剂）检验：随机打乱各单位的交流年份{eff.randomization.permutations}次",
            "平均效应": effect_text(eff.randomization.observed, ind),
            "95%置信区间": "—",
            "p值": fmt_p(eff.randomization.p_value),
        },
    ]
    boot = eff.bootstrap
    if boot is not None:
        rows.append(
            {
                "方法": (
                    f"县级聚类野自助法（Webb权重，仅{boot.clusters}个聚类，检验力弱，仅作稳健性参考）"
                ),
                "平均效应": effect_text(eff.study.att, ind),
                "95%置信区间": "—",
                "p值": fmt_p(boot.p_value),
            }
        )
    return pd.DataFrame(rows).set_index("方法")


def _interval(low: float, high: float, indicator: ex.Indicator) -> str:
    """An interval, or a dash when it cannot be computed (one institution carries the estimate)."""
    if any(v is None or math.isnan(v) for v in (low, high)):
        return "—（单位太少，无法计算）"
    return f"{effect_text(low, indicator)} 至 {effect_text(high, indicator)}"


def fmt_p(p: float) -> str:
    if p is None or math.isnan(p):
        return "—"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def intensity_table(view: ExchangeView) -> pd.DataFrame:
    """The effect by tercile of exposure intensity, formatted."""
    eff = view.effect
    if eff is None or eff.by_intensity.empty:
        return pd.DataFrame()
    ind = view.indicator
    names = {1: "低强度", 2: "中强度", 3: "高强度"}
    frame = eff.by_intensity
    out = pd.DataFrame(
        {
            "交流强度组": [names.get(g, f"第{g}组") for g in frame["group"]],
            "每年人·月": [
                f"{lo:,.0f}—{hi:,.0f}" for lo, hi in zip(frame["low"], frame["high"], strict=True)
            ],
            "单位数": frame["institutions"].astype(int).to_list(),
            "平均效应": [effect_text(v, ind) for v in frame["att"]],
            "95%置信区间": [
                f"{effect_text(lo, ind)} 至 {effect_text(hi, ind)}"
                for lo, hi in zip(frame["ci_low"], frame["ci_high"], strict=True)
            ],
        }
    )
    return out.set_index("交流强度组")


def intensity_sentence(view: ExchangeView) -> str:
    eff = view.effect
    if eff is None or eff.by_intensity.empty:
        return ""
    frame = eff.by_intensity.dropna(subset=["att"])
    if len(frame) < 2:
        return "各强度组单位太少，未能分组估计。"
    low, high = frame.iloc[0], frame.iloc[-1]
    overlap = not (low.ci_high < high.ci_low or high.ci_high < low.ci_low)
    return (
        f"按每年交流人·月把接受交流的单位分为三组：强度最低组平均效应{effect_text(low.att, view.indicator)}，"
        f"最高组{effect_text(high.att, view.indicator)}。"
        + (
            "两组区间重叠，不能说交流越多效应越大。"
            if overlap
            else "两组区间不重叠，效应随交流强度不同。"
        )
        + "交流强度不是随机分配的（薄弱单位往往得到更多帮扶），此分组结果只作探索。"
    )


def caveats(view: ExchangeView) -> list[str]:
    """What the design can and cannot show, in plain Chinese (one item per bullet)."""
    items = [
        "四个县级单位是同时开始结对帮扶的，没有“未参与”的县可作对照；县之间的比较无法做可靠的统计推断"
        "（四个县的置换检验p值最小只能到0.25）。因此本报告以学校、医院为单位，比较先后开始接受交流的单位。",
        "估计依赖“平行趋势”假设：如果没有交流，先接受交流的单位与尚未接受交流的单位的指标会同步变化。"
        "交流前的系数检验只能发现明显的违背，不能证明假设成立。",
        "交流对象不是随机选择的（往往先帮扶较薄弱的单位）。双重差分消除了单位之间固定的水平差异，"
        "但如果被选中的单位本来就会更快改善（或恶化），估计会有偏差。",
        "效应是“交流+同期配套措施”的合计：同一时间进入的资金、设备、政策无法与人员交流分开。",
        "估计的是接受交流单位的平均效应，不能直接推到没有接受交流的单位，也不说明哪一种交流方式更有效。",
        "原文的1,827人是全市累计的互派人数（含教育、医疗卫生“等”领域），“40余项”新技术、新项目是下限；"
        "它们说明投入的规模，不等于成效。",
    ]
    if view.scope.level != "city":
        items.append(
            f"县级报告只使用{view.scope.name_zh}的单位，样本更小，区间更宽；县级单位之间的差异不宜解读为帮扶效果的差异。"
        )
    eff = view.effect
    if eff is not None:
        items += estimator_caveats(eff.warnings)
        lone = eff.study.estimates[
            (eff.study.estimates["event_time"] != -1) & eff.study.estimates["se"].isna()
        ]
        if len(lone):
            items.append(
                "图中"
                + "、".join(f"距首次交流{int(e)}年" for e in lone["event_time"])
                + "的系数只由一家单位估计，无法计算区间，图中只画点。"
            )
    if eff is not None and eff.bootstrap is not None:
        items.append(
            f"县级聚类野自助法只有{eff.bootstrap.clusters}个聚类（Webb权重最多"
            f"{eff.bootstrap.distinct_weight_patterns:,}种组合），只作稳健性参考，不作为主要结论的依据。"
        )
    if view.effect_illustrative:
        items.append(
            "本报告的单位成效指标为程序生成的示例数据，估计结果只演示方法，不代表真实成效。"
        )
    return items


# --------------------------------------------------------------------------- metrics


def record_metrics(metrics: Metrics, view: ExchangeView) -> None:
    """Record the exchange.* metrics of DESIGN.md's contract (missing figures are not recorded)."""
    units = {"人": "persons", "人·月": "person_months", "家": "institutions", "项": "items"}
    for metric_id, figure in view.headlines.items():
        metrics.record(
            metric_id,
            figure.value,
            unit=units[figure.unit_zh],
            provenance=figure.provenance,
            bound=figure.bound,
        )
    eff = view.effect
    if eff is None:
        return
    prov = view.effect_provenance
    unit = view.indicator.unit
    for metric_id, value, metric_unit in (
        ("exchange.att", eff.att, unit),
        ("exchange.att_ci_low", eff.ci_low, unit),
        ("exchange.att_ci_high", eff.ci_high, unit),
        ("exchange.att_se", eff.cs.se, unit),
        ("exchange.pretrend_p", eff.pretrend_p, "probability"),
        ("exchange.panel_institutions", eff.panel.n_institutions, "institutions"),
        ("exchange.event_study_att", eff.study.att, unit),
        ("exchange.twfe", eff.twfe.estimate, unit),
        ("exchange.randomization_p", eff.randomization.p_value, "probability"),
        (
            "exchange.wild_bootstrap_p",
            eff.bootstrap.p_value if eff.bootstrap is not None else None,
            "probability",
        ),
    ):
        metrics.record(metric_id, value, unit=metric_unit, provenance=prov)


def chart_scale(view: ExchangeView) -> tuple[float, str]:
    """(multiplier, axis label) for charting an effect in the indicator's unit."""
    ind = view.indicator
    if ind.unit == "ratio":
        return 100.0, f"{ind.label_zh}变化（百分点）"
    return 1.0, f"{ind.label_zh}变化（{ind.unit_zh}）" if ind.unit_zh else ind.label_zh


def caveats_markdown(view: ExchangeView) -> str:
    """The caveats as a Markdown bullet list."""
    return "\n".join(f"- {item}" for item in caveats(view))

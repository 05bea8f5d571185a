"""Section 二: the institution-level estimate, its checks and its tables, every number a value.

Each estimate takes the provenance and sources of the rows it was computed from (the scope's
outcome rows and exchange rows, :attr:`ExchangeView.estimate_basis`): an estimate from
illustrative data is marked * wherever it is printed, and described only as a demonstration of
the method (see :mod:`.wording`).
"""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd

from lps_analysis import exchange as ex
from lps_analysis import fmt
from lps_analysis.value import Value

from .base import ExchangeView, basis_value, on_basis
from .wording import causal_wording_allowed, effect_verdict


def effect_text(v: Value, indicator: ex.Indicator) -> str:
    """An effect in the indicator's unit, signed: a pass-rate ratio in 个百分点, surgeries in 台次/年."""
    if indicator.unit == "ratio":
        return fmt.show(v, style="pp", digits=2)
    return fmt.show(v, signed=True, digits=1, word=indicator.unit_zh or "")


def p_text(v: Value) -> str:
    """A p-value: three decimals, or <0.001 (marked like the value it stands for)."""
    if v.value is not None and v.value < 0.001:
        return "<" + fmt.show(replace(v, value=0.001), style="index", digits=3)
    return fmt.show(v, style="index", digits=3)


def confidence() -> str:
    """The confidence level of every interval (a method setting): 95%."""
    return fmt.setting(ex.CONFIDENCE * 100, "%")


def _effect(view: ExchangeView, number) -> str:
    return effect_text(on_basis(view, number, view.indicator.unit), view.indicator)


def _count(view: ExchangeView, number, unit: str = "institutions") -> str:
    return fmt.show(on_basis(view, number, unit))


def _p(view: ExchangeView, number) -> str:
    if number is None or (isinstance(number, float) and math.isnan(number)):
        return fmt.MISSING
    return p_text(on_basis(view, number, "p_value"))


def _interval(view: ExchangeView, low, high) -> str:
    """An interval, or a dash when it cannot be computed (one institution carries the estimate)."""
    if any(v is None or math.isnan(v) for v in (low, high)):
        return "—（单位太少，无法计算）"
    return f"{_effect(view, low)} 至 {_effect(view, high)}"


# --------------------------------------------------------------------------- why not estimated


def estimability_reasons(panel: ex.Panel, basis: Value) -> list[str]:
    """The Chinese reasons of :func:`ex.estimability`, their counts printed as values.

    Same thresholds as :func:`ex.estimability` (the test checks both give as many reasons).
    """

    def n(number):
        return fmt.show(basis_value(basis, number, "institutions"))

    def floor(number):
        return fmt.setting(number, "家")

    reasons = []
    if panel.n_institutions < ex.MIN_INSTITUTIONS:
        reasons.append(
            f"有完整成效数据的单位只有{n(panel.n_institutions)}（至少需要{floor(ex.MIN_INSTITUTIONS)}）"
        )
    if panel.n_treated < ex.MIN_TREATED:
        reasons.append(f"接受交流的单位只有{n(panel.n_treated)}（至少需要{floor(ex.MIN_TREATED)}）")
    if panel.n_never < ex.MIN_NEVER_TREATED:
        reasons.append(
            f"从未接受交流的对照单位只有{n(panel.n_never)}（至少需要{floor(ex.MIN_NEVER_TREATED)}）"
        )
    if len(panel.years) and panel.n_treated and panel.cohort_sizes.index.min() <= panel.start:
        reasons.append("接受交流的单位在起始年之前没有观测")
    return reasons


def not_estimated_sentence(view: ExchangeView) -> str:
    """The plain-Chinese reason there is no estimate for this scope (Markdown)."""
    reasons = "；".join(view.reasons)
    too_few = view.panel is not None and view.panel.n_institutions > 0 and not view.missing_tables
    return fmt.markdown(
        f"**{view.scope.name_zh}{view.field_zh}领域不作单位层面的效应估计**：{reasons}。"
        + ("样本太少时，估计值和区间都不可靠，强行计算只会给出误导性的数字。" if too_few else "")
        + ("请参阅全市报告中的估计。" if view.scope.level != "city" else "")
    )


# --------------------------------------------------------------------------- sentences


def effect_sentence(view: ExchangeView) -> str:
    """The average difference after the exchanges began and its interval (Markdown).

    Causal words (提高, 降低 …) only when :func:`causal_wording_allowed`; otherwise the sentence
    reports the difference and says what it cannot show.
    """
    eff = view.effect
    if eff is None:
        return not_estimated_sentence(view)
    ind, panel = view.indicator, eff.panel
    cohorts = panel.cohort_sizes.index
    text = (
        f"以{ind.label_zh}衡量：{_count(view, panel.n_institutions)}{view.field_zh}单位中，"
        f"{_count(view, panel.n_treated)}在{min(cohorts)}—{max(cohorts)}年间先后开始接受交流，"
        f"{_count(view, panel.n_never)}从未接受。"
    )
    if causal_wording_allowed(view):
        direction = "提高" if eff.att > 0 else "降低"
        text += (
            f"与同期尚未或从未接受交流的单位相比，接受交流的单位在交流开始后{ind.label_zh}平均"
            f"{direction}：{_effect(view, eff.att)}（{confidence()}置信区间"
            f"{_interval(view, eff.ci_low, eff.ci_high)}）。"
        )
    else:
        text += (
            f"与同期尚未或从未接受交流的单位相比，接受交流的单位在交流开始后的平均差异为"
            f"{_effect(view, eff.att)}（{confidence()}置信区间{_interval(view, eff.ci_low, eff.ci_high)}）。"
        )
    return fmt.markdown(text + effect_verdict(view))


def pretrend_sentence(view: ExchangeView) -> str:
    """What the pre-period coefficients say about parallel trends (Markdown)."""
    eff = view.effect
    if eff is None:
        return "没有可检验的交流前年份。"
    pre = eff.study.pretrend
    if pre is None:
        if (eff.study.estimates["event_time"] <= -2).any():
            return (
                f"交流前的年份每年只有不到{fmt.setting(ex.PRETREND_MIN_INSTITUTIONS, '家')}"
                "接受交流的单位，无法检验平行趋势；图中交流前的系数仅供参考。"
            )
        return "没有可检验的交流前年份。"
    n = eff.panel.n_institutions
    if pre.p_value < 0.05:
        verdict = "交流前两类单位的走势已有显著差异，平行趋势假设存疑，上面的估计要谨慎看待。"
    elif n < ex.PRETREND_MIN_POWERED:
        verdict = (
            f"未检出显著差异，但只有{_count(view, n)}单位，这一检验几乎发现不了交流前的趋势差异，"
            "不能据此认为平行趋势成立。"
        )
    else:
        verdict = "交流前接受交流的单位与对照单位走势没有显著差异，平行趋势假设未被数据否定（但这不能证明它成立）。"

    def stat(x):
        return fmt.show(on_basis(view, x, "index"), style="index", digits=2)

    return fmt.markdown(
        # which leads are tested depends on the data's cohorts: the chart shows them, the
        # sentence does not print them as if they were method settings
        f"检验交流前各年的系数（{_count(view, pre.institutions)}接受交流的单位）是否为零，用两种方法："
        f"逐年联合检验（能发现忽高忽低的差异）F = {stat(pre.statistic)}，"
        f"p = {_p(view, pre.joint_p_value)}；各年平均值{_effect(view, pre.estimate)}的t检验"
        f"（对持续的趋势更敏感）t = {stat(pre.mean_statistic)}，p = {_p(view, pre.mean_p_value)}。"
        f"两者合并（取较小p值的两倍）p = {_p(view, pre.p_value)}。{verdict}"
        "交流开始后才出现的差异、以及只在个别单位出现的差异，这一检验看不到。"
    )


# --------------------------------------------------------------------------- tables


def robustness_table(view: ExchangeView) -> pd.DataFrame:
    """The headline estimate beside the alternatives and checks, formatted (* if illustrative)."""
    eff = view.effect
    if eff is None:
        return pd.DataFrame()
    ci = f"{confidence()}置信区间"

    def row(method, att, low=None, high=None, p=None):
        interval = _interval(view, low, high) if low is not None else fmt.MISSING
        return {"方法": method, "平均效应": _effect(view, att), ci: interval, "p值": _p(view, p)}

    rows = [
        row(
            "分批次双重差分（尚未/从未交流单位作对照）【主估计】",
            eff.att,
            eff.ci_low,
            eff.ci_high,
            eff.cs.p_value,
        ),
        row(
            "事件研究（"
            + ("从未交流单位" if eff.study.comparison == "never" else "最晚开始交流的单位")
            + "作对照，单位层面刀切法标准误）",
            eff.study.att,
            eff.study.ci_low,
            eff.study.ci_high,
            eff.study.p_value,
        ),
        row(
            "传统双向固定效应回归（仅作对照：效应随时间增长时有偏，不给区间）",
            eff.twfe.estimate,
        ),
        row(
            f"随机化（安慰剂）检验：随机打乱各单位的交流年份"
            f"{fmt.setting(eff.randomization.permutations, '次')}",
            eff.randomization.observed,
            p=eff.randomization.p_value,
        ),
    ]
    boot = eff.bootstrap
    if boot is not None and boot.keeps_size:  # otherwise not evidence: the caveats say why
        rows.append(
            row(
                f"县级聚类野自助法（仅{_count(view, boot.clusters, '个')}聚类，"
                "检验力弱，仅作稳健性参考）",
                eff.study.att,
                p=boot.p_value,
            )
        )
    return pd.DataFrame(rows).set_index("方法")


def intensity_table(view: ExchangeView) -> pd.DataFrame:
    """The estimate by tercile of exposure intensity, formatted (* if illustrative)."""
    eff = view.effect
    if eff is None or eff.by_intensity.empty:
        return pd.DataFrame()
    names = {1: "低强度", 2: "中强度", 3: "高强度"}
    frame = eff.by_intensity

    def months(x):
        return fmt.show(on_basis(view, x, "person_months"), style="bare", digits=0)

    out = pd.DataFrame(
        {
            "交流强度组": [names.get(g, f"第{g}组") for g in frame["group"]],
            "每年人·月": [
                f"{months(lo)}—{months(hi)}"
                for lo, hi in zip(frame["low"], frame["high"], strict=True)
            ],
            "单位数": [
                fmt.show(on_basis(view, n, "institutions"), style="bare")
                for n in frame["institutions"]
            ],
            "平均效应": [_effect(view, v) for v in frame["att"]],
            f"{confidence()}置信区间": [
                _interval(view, lo, hi)
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
    if any(math.isnan(v) for v in (low.ci_low, low.ci_high, high.ci_low, high.ci_high)):
        comparison = "每组接受交流的单位太少，无法计算区间，两组不能比较。"
    elif low.ci_high < high.ci_low or high.ci_high < low.ci_low:
        comparison = "两组区间不重叠。"
    else:
        comparison = "两组区间重叠，不能说交流越多差异越大。"
    return fmt.markdown(
        f"按每年交流人·月把接受交流的单位分为三组：强度最低组平均差异{_effect(view, low.att)}，"
        f"最高组{_effect(view, high.att)}。"
        + comparison
        + "交流强度不是随机分配的（薄弱单位往往得到更多帮扶），此分组结果只作探索。"
    )


def tables_note(view: ExchangeView) -> str:
    """The note under the estimate tables: the * sentence only when the estimates are examples."""
    return fmt.markdown(
        fmt.ILLUSTRATIVE_NOTE if view.effect is not None and view.effect_illustrative else ""
    )


# --------------------------------------------------------------------------- chart inputs


def chart_scale(view: ExchangeView) -> tuple[float, str]:
    """(multiplier, axis label) for charting an effect in the indicator's unit."""
    ind = view.indicator
    if ind.unit == "ratio":
        return 100.0, f"{ind.label_zh}变化（百分点）"
    return 1.0, f"{ind.label_zh}变化（{ind.unit_zh}）" if ind.unit_zh else ind.label_zh


def event_study_points(view: ExchangeView) -> pd.DataFrame:
    """The event-study coefficients, each with the provenance and source of the rows behind it
    (every coefficient is estimated from the whole panel)."""
    frame = view.effect.study.estimates.copy()
    frame["provenance"] = view.estimate_basis.provenance
    frame["source"] = "; ".join(view.estimate_basis.sources)
    return frame


def att_value(view: ExchangeView) -> Value:
    return on_basis(view, view.effect.att, view.indicator.unit)


def att_label(view: ExchangeView) -> str:
    """The chart's label of the average effect line (through fmt, marked from its value)."""
    return f"交流后平均差异（主估计）{effect_text(att_value(view), view.indicator)}"

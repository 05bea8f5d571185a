"""The brief's key figures: five to eight numbers on the first page, each with one sentence.

Every number comes from a recorded metric or the fact base (see :mod:`.numbers`); its mark comes
from its value. Wording never says more than the data allow: the exchange effect is described
as an effect only when it rests on real data and passes its checks (:func:`effect_is_assertable`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from lps_analysis import fmt
from lps_analysis.data.registry import Scope
from lps_analysis.data.vocab import TOTAL_CATEGORY_ZH, category_name_zh
from lps_analysis.exchange import FIELD_INDICATORS, PRETREND_MIN_POWERED
from lps_analysis.metrics import Metric

from .numbers import MISSING, Cite, Numbers, join, missing_reason, styled

NAMED_CATEGORIES = ("management", "professional", "skilled")
# Below this the two years' structures are called stable (the threshold notebook 01 uses).
STABLE_DISSIMILARITY = 0.05
PRETREND_ALPHA = 0.05
_EFFECT_INDICATORS = {ind.unit: ind for ind in FIELD_INDICATORS.values()}


@dataclass(frozen=True)
class KeyFigure:
    """One row of the brief's first page: a figure, its change and one sentence.

    `metric_id` is the figure's metric; `cites` holds every number of `value`, `change` and
    `sentence` with its source (empty when the figure is missing: `value` is then 暂无数据).
    """

    metric_id: str
    label: str
    value: str
    sentence: str
    change: str = "—"
    cites: tuple[Cite, ...] = ()

    @property
    def missing(self) -> bool:
        return self.value == MISSING

    @property
    def illustrative(self) -> bool:
        return any(c.illustrative for c in self.cites)


def _missing_figure(metric_id: str, label: str, numbers: Numbers, reason: str) -> KeyFigure:
    return KeyFigure(metric_id, label, MISSING, missing_reason(numbers, metric_id, reason))


def _cites(*items: Cite | None) -> tuple[Cite, ...]:
    return tuple(c for c in items if c is not None)


def figure_total(numbers: Numbers, start: int | None, end: int | None) -> KeyFigure:
    metric_id = f"talent.total.{end}"
    label = f"{TOTAL_CATEGORY_ZH}（{end}年）" if end else TOTAL_CATEGORY_ZH
    value = numbers.metric(metric_id) if end else None
    if value is None:
        return _missing_figure(metric_id, label, numbers, f"本地区缺少{TOTAL_CATEGORY_ZH}数据。")
    growth = numbers.metric("talent.total.growth", signed=True)
    first = numbers.metric(f"talent.total.{start}") if start and start != end else None
    cagr = numbers.metric("talent.total.cagr")
    parts = []
    if first:
        parts.append(f"{start}年为{first.text}")
    if cagr:
        parts.append(f"年均增长{cagr.text}")
    sentence = (join(parts) + "。") if parts else "起始年份数据不全，未计算增长。"
    return KeyFigure(
        metric_id,
        label,
        value.text,
        sentence,
        change=f"较{start}年{growth.text}" if growth else "—",
        cites=_cites(value, growth, first, cagr),
    )


def figure_density(numbers: Numbers, end: int | None) -> KeyFigure:
    metric_id = f"talent.per_10k.{end}"
    label = f"每万人拥有人才（{end}年）" if end else "每万人拥有人才"
    value = numbers.metric(metric_id) if end else None
    if value is None:
        return _missing_figure(
            metric_id, label, numbers, "本地区没有官方常住人口数据，未计算（不作估算）。"
        )
    return KeyFigure(
        metric_id,
        label,
        value.text,
        f"{TOTAL_CATEGORY_ZH}除以第七次全国人口普查常住人口。",
        change="—（仅一年有人口数据）",
        cites=(value,),
    )


def figure_structure(numbers: Numbers, end: int | None) -> KeyFigure:
    changes = {
        c: numbers.value(f"talent.share_change_pp.{c}")
        for c in NAMED_CATEGORIES
        if numbers.value(f"talent.share_change_pp.{c}") is not None
    }
    if not changes or end is None:
        return _missing_figure(
            "talent.share_change_pp", "人才结构", numbers, "本地区缺少分类别人才数据。"
        )
    best = max(changes, key=lambda c: changes[c].value)
    metric_id = f"talent.share.{best}.{end}"
    value = numbers.metric(metric_id)
    change = numbers.metric(f"talent.share_change_pp.{best}", effect=True)
    dissim = numbers.metric("talent.dissimilarity", digits=4)
    verb = "占比上升最多" if change.number > 0 else "占比下降最少"
    sentence = f"三类已列明人才中{category_name_zh(best)}{verb}"
    if dissim:
        verdict = "结构总体稳定" if dissim.number < STABLE_DISSIMILARITY else "结构变化明显"
        sentence += f"；两年结构的相异指数为{dissim.text}，{verdict}"
    return KeyFigure(
        metric_id,
        f"{category_name_zh(best)}占比（{end}年）",
        value.text if value else MISSING,
        sentence + "。",
        change=change.text,
        cites=_cites(value, change, dissim),
    )


def figure_exchange(numbers: Numbers) -> KeyFigure:
    metric_id = "exchange.persons.total"
    label = "东西部协作互派人才（累计）"
    value = numbers.metric(metric_id)
    if value is None:
        return _missing_figure(metric_id, label, numbers, "本地区没有东西部协作交流记录。")
    edu = numbers.metric("exchange.persons.education")
    health = numbers.metric("exchange.persons.health")
    new = numbers.metric("exchange.new_techniques")
    fields_ = join(
        [f"教育{edu.text}" if edu else "", f"医疗卫生{health.text}" if health else ""], "、"
    )
    parts = [f"其中{fields_}" if fields_ else "", f"开展新技术、新项目{new.text}" if new else ""]
    sentence = (join(parts) + "。") if any(parts) else "分领域人数暂无数据。"
    return KeyFigure(
        metric_id,
        label,
        value.text,
        sentence,
        change="—（累计数）",
        cites=_cites(value, edu, health, new),
    )


def effect_is_assertable(
    effect: Cite, low: Cite | None, high: Cite | None, pre: Cite | None, units: Cite | None
) -> bool:
    """Whether the brief may describe the exchange effect as an effect (改善/下降).

    Only when every number it rests on is real (no illustrative input), the interval excludes
    zero, the pre-trend test was run and does not reject, and the panel has enough institutions
    for that test to see a pre-trend.
    """
    cited = [c for c in (effect, low, high, pre, units) if c is not None]
    if any(c.illustrative for c in cited) or low is None or high is None or pre is None:
        return False
    if units is None or units.number < PRETREND_MIN_POWERED:
        return False
    return (low.number > 0 or high.number < 0) and pre.number >= PRETREND_ALPHA


def _effect_sentence(value, low, high, pre, units) -> list[str]:
    if value.illustrative:
        return ["此估计来自示例数据，只演示分析方法，不说明协作的实际效果"]
    parts = []
    few = units is None or units.number < PRETREND_MIN_POWERED
    if low and high:
        if effect_is_assertable(value, low, high, pre, units):
            direction = "改善" if low.number > 0 else "下降"
            parts.append(f"置信区间不含零，受援单位指标在协作后{direction}")
        elif low.number > 0 or high.number < 0:
            parts.append("置信区间不含零，但前提检验未全部通过，尚不能据此判断协作效果")
        else:
            parts.append("置信区间包含零，尚不能确认协作效果")
    if pre:
        if pre.number < PRETREND_ALPHA:
            parts.append(f"协作前两组趋势已有差异（p={pre.text}），估计需谨慎解读")
        elif few:
            count = f"仅{units.text}单位，" if units else "单位数不足，"
            parts.append(f"协作前两组趋势未见差异（p={pre.text}），但{count}该检验难以发现趋势差异")
        else:
            parts.append(f"协作前两组趋势未见差异（p={pre.text}），未见违背平行趋势的迹象")
    return parts


def figure_effect(numbers: Numbers) -> KeyFigure:
    metric_id = "exchange.att"
    label = "协作前后受援单位指标的差异（估计）"
    value = numbers.metric(metric_id, effect=True)
    if value is None:
        return _missing_figure(metric_id, label, numbers, "本地区未估计协作效果。")
    low = numbers.metric("exchange.att_ci_low", effect=True)
    high = numbers.metric("exchange.att_ci_high", effect=True)
    pre = numbers.metric("exchange.pretrend_p", digits=3)
    units = numbers.metric("exchange.panel_institutions")
    indicator = _EFFECT_INDICATORS.get(value.value.unit)
    measured = f"以{indicator.label_zh}衡量，" if indicator else ""
    parts = _effect_sentence(value, low, high, pre, units)
    shown_units = units if units is not None and units.number < PRETREND_MIN_POWERED else None
    return KeyFigure(
        metric_id,
        label,
        value.text,
        (measured + join(parts, "；") + "。") if parts else "未给出置信区间。",
        change=f"置信区间 {low.text}～{high.text}" if low and high else "—",
        cites=_cites(value, low, high, pre, shown_units if not value.illustrative else None),
    )


def figure_platforms(numbers: Numbers) -> KeyFigure:
    metric_id = "platforms.total"
    label = "国家级、省级人才平台"
    value = numbers.metric(metric_id)
    if value is None:
        return _missing_figure(metric_id, label, numbers, "本地区没有平台数据。")
    national = numbers.metric("platforms.national")
    provincial = numbers.metric("platforms.provincial")
    parts = [
        f"国家级平台及院士工作站{national.text}" if national else "",
        f"省级人才平台{provincial.text}" if provincial else "",
    ]
    return KeyFigure(
        metric_id,
        label,
        value.text,
        ("其中" + join(parts, "、") + "。") if any(parts) else "分级数量暂无数据。",
        change="—（在册数）",
        cites=_cites(value, national, provincial),
    )


def figure_outputs(numbers: Numbers) -> KeyFigure:
    """The article's outputs of introduced talent (引进人才): projects, funding, patents."""
    metric_id = "introduced_talent.patents_granted"
    label = "引进人才授权专利（累计）"
    value = numbers.metric(metric_id)
    if value is None:
        return _missing_figure(metric_id, label, numbers, "原文只报告全市引进人才的成果。")
    growth = numbers.metric("innovation.patents_per_10k_growth", signed=True)
    projects = numbers.metric("introduced_talent.projects_approved")
    funding = numbers.metric("introduced_talent.funding_10k_yuan")
    parts = []
    if projects:
        parts.append(f"推动引进人才申报各类项目获批{projects.text}")
    if funding:
        parts.append(f"争取立项经费{funding.text}")
    return KeyFigure(
        metric_id,
        label,
        value.text,
        (join(parts) + "。") if parts else "项目与经费暂无数据。",
        change=f"全市每万人专利拥有量增长{growth.text}" if growth else "—（累计数）",
        cites=_cites(value, growth, projects, funding),
    )


def talent_years(metrics: dict[str, Metric]) -> tuple[int | None, int | None]:
    """First and last year with a talent total among the metrics (the period compared)."""
    years = sorted(
        int(m[1])
        for k, v in metrics.items()
        if (m := re.fullmatch(r"talent\.total\.(\d{4})", k)) and v.value is not None
    )
    return (years[0], years[-1]) if years else (None, None)


def key_figures(
    metrics: dict[str, Metric], facts: pd.DataFrame | None, scope: Scope
) -> list[KeyFigure]:
    """The seven figures of the brief's first page, in reading order; missing ones say 暂无数据."""
    numbers = Numbers(metrics, facts, scope.code)
    start, end = talent_years(metrics)
    return [
        figure_total(numbers, start, end),
        figure_density(numbers, end),
        figure_structure(numbers, end),
        figure_exchange(numbers),
        figure_effect(numbers),
        figure_platforms(numbers),
        figure_outputs(numbers),
    ]


def key_figures_note(figures: list[KeyFigure]) -> str:
    """The note under the key figures: what ≥ and 约 mean, and * where a figure is illustrative."""
    note = "“≥”为下限（原文写作“余”“多”“突破”等），“约”为约数。"
    if any(f.illustrative for f in figures):
        note += fmt.ILLUSTRATIVE_NOTE
    return note + "每个数字都取自各篇分析记录的指标或原文，详见后续各篇与附录。"


def key_figures_frame(figures: list[KeyFigure]) -> pd.DataFrame:
    """The key figures as a plain table: 指标, 数值, 变化, 说明 (one row per figure)."""
    return pd.DataFrame(
        {
            "指标": [f.label for f in figures],
            "数值": [f.value for f in figures],
            "变化": [f.change for f in figures],
            "说明": [f.sentence for f in figures],
        }
    )


def key_figures_table(figures: list[KeyFigure]):
    """The key figures as the report shows them (a Styler: widths, left-aligned text)."""
    return styled(
        key_figures_frame(figures),
        uuid="brief_figures",
        widths=(19, 15, 19, 47),
        emphasis=(1,),
        font_size="9.5pt",
    )

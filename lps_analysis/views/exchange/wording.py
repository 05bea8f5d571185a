"""What chapter 02 may say about the exchanges' effect, and what the design cannot show.

The rule (tested): causal words (:data:`CAUSAL_WORDS`) describe the estimate only when it rests
on real data and passes its checks (:func:`causal_wording_allowed`). An estimate from
illustrative data is said to demonstrate the method, nothing more.
"""

from __future__ import annotations

from lps_analysis import exchange as ex
from lps_analysis import fmt
from lps_analysis.data.registry import current_scopes
from lps_analysis.views.estimator_notes import estimator_caveats

from .base import ExchangeView, on_basis

# Words that say the exchanges caused a change. None may appear in chapter 02 unless
# `causal_wording_allowed` (tests scan every sentence and the notebook's own text).
CAUSAL_WORDS = ("显著改善", "改善", "提升", "提高", "降低", "带来", "促进", "增强", "成效显著")
PRETREND_ALPHA = 0.05


def causal_wording_allowed(view: ExchangeView) -> bool:
    """Whether chapter 02 may say the exchanges raised (or lowered) the indicator.

    Only when the estimate rests on real data only (no illustrative outcome or exchange row),
    its interval excludes zero, the pre-trend test was run and does not reject, and the panel has
    enough institutions for that test to see a pre-trend (:data:`ex.PRETREND_MIN_POWERED`).
    """
    eff = view.effect
    if eff is None or view.estimate_basis.provenance not in ("derived", "analyst", "official"):
        return False
    pre = eff.study.pretrend
    if pre is None or not pre.p_value >= PRETREND_ALPHA:
        return False
    if eff.panel.n_institutions < ex.PRETREND_MIN_POWERED:
        return False
    return bool(eff.ci_low > 0 or eff.ci_high < 0)


def effect_verdict(view: ExchangeView) -> str:
    """The sentence after the estimate: what it may be taken to show."""
    eff = view.effect
    excludes_zero = eff.ci_low > 0 or eff.ci_high < 0
    if view.effect_illustrative:
        return "此估计来自示例数据，只演示分析方法，不说明交流的实际作用。"
    if causal_wording_allowed(view):
        return "区间不含零，交流前走势检验未见差异且单位数足够，可以认为交流后受援单位的指标发生了上述变化。"
    if excludes_zero:
        return "区间不含零，但交流前走势检验未通过或单位数太少，尚不能据此判断交流的作用。"
    return "区间包含零，数据不足以确认交流前后存在差异。"


def caveats(view: ExchangeView) -> list[str]:
    """What the design can and cannot show, in plain Chinese (one item per bullet)."""
    counties = len([s for s in current_scopes() if s.level == "county"])
    persons = view.article.get("exchange.persons")
    techniques = view.article.get("exchange.new_techniques")
    items = [
        "各县级单位是同时开始结对帮扶的，没有“未参与”的县可作对照；县之间的比较无法做可靠的统计推断"
        f"（{fmt.setting(counties, '个')}县级单位的置换检验p值最小只能到"
        f"{fmt.setting(1 / counties, digits=2)}）。因此本报告以学校、医院为单位，比较先后开始接受交流的单位。",
        "估计依赖“平行趋势”假设：如果没有交流，先接受交流的单位与尚未接受交流的单位的指标会同步变化。"
        "交流前的系数检验只能发现明显的违背，不能证明假设成立。",
        "交流对象不是随机选择的（往往先帮扶较薄弱的单位）。双重差分消除了单位之间固定的水平差异，"
        "但如果被选中的单位本来就会变化更快，估计会有偏差。",
        "估计的差异是“交流+同期配套措施”的合计：同一时间进入的资金、设备、政策无法与人员交流分开。",
        "估计的是接受交流单位的平均差异，不能直接推到没有接受交流的单位，也不说明哪一种交流方式更有效。",
    ]
    if persons is not None and techniques is not None:
        items.append(
            f"原文的{fmt.show(persons)}是全市与东部城市互派的教育、医疗卫生“等”专业技术人才，"
            f"新技术、新项目{fmt.show(techniques)}是下限；它们说明投入的规模，不等于成效。"
        )
    if view.scope.level != "city":
        items.append(
            f"县级报告只使用{view.scope.name_zh}的单位，样本更小，区间更宽；县级单位之间的差异不宜解读为帮扶作用的差异。"
        )
    eff = view.effect
    if eff is not None:
        items += estimator_caveats(eff.warnings, with_original=False)
        lone = eff.study.estimates[
            (eff.study.estimates["event_time"] != -1) & eff.study.estimates["se"].isna()
        ]
        if len(lone):
            items.append(
                "图中距首次交流"
                + "、".join(
                    fmt.show(on_basis(view, int(e), ""), style="bare") for e in lone["event_time"]
                )
                + "年的系数只由一家单位估计，无法计算区间，图中只画点。"
            )
    if eff is not None:
        items += _bootstrap_caveats(view)
    if eff is not None and view.effect_illustrative:
        items.append(
            "本报告的单位成效指标或交流记录为程序生成的示例数据，估计结果只演示方法，不代表真实情况。"
        )
    return items


def _bootstrap_caveats(view: ExchangeView) -> list[str]:
    """What the county-level wild cluster bootstrap can say here, or why it is not shown."""
    boot = view.effect.bootstrap
    if boot is None:
        return ["本报告的单位都在同一个县，无法按县做聚类野自助法，稳健性检验中不列此项。"]
    if not boot.keeps_size:
        institutions = fmt.show(on_basis(view, boot.institutions, "institutions"))
        floor = fmt.setting(ex.BOOTSTRAP_MIN_INSTITUTIONS, "家")
        return [
            f"本报告只有{institutions}单位（不足{floor}）：模拟检验表明，单位这么少时，"
            "县级聚类野自助法会过多地把本来没有的差异判为显著，因此不列出它的结果，也不作为依据。"
        ]
    clusters = fmt.show(on_basis(view, boot.clusters, "个"))
    patterns = fmt.show(on_basis(view, boot.distinct_weight_patterns, "种"))
    return [
        f"县级聚类野自助法只有{clusters}聚类（权重最多{patterns}组合），"
        "只作稳健性参考，不作为主要结论的依据。"
    ]


def caveats_markdown(view: ExchangeView) -> str:
    """The caveats as a Markdown bullet list."""
    return fmt.markdown("\n".join(f"- {item}" for item in caveats(view)))

"""Chapter 02's estimate text and tables, cell by cell, against the estimate they print.

Each expected text is built here from the estimate's own numbers through `fmt` (not through the
view's helpers), so a figure swapped, dropped or printed in another style is seen.
"""

import math
import re
import warnings
from dataclasses import fields, replace

import pandas as pd
import pytest

from lps_analysis import exchange as ex
from lps_analysis import fmt, paths
from lps_analysis.data.reference import load_east_west_partners, load_facts
from lps_analysis.data.registry import get_scope
from lps_analysis.data.validate import load_dataset
from lps_analysis.value import Value
from lps_analysis.views import exchange as view
from lps_analysis.views.exchange.wording import effect_verdict


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(paths.ILLUSTRATIVE_DIR)


def _build(dataset, code):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return view.build(
            get_scope(code),
            field="health",
            facts=load_facts(),
            partners=load_east_west_partners(),
            permutations=99,
            bootstrap_draws=99,
            exchanges=dataset["exchanges"],
            institutions=dataset["institutions"],
            institution_outcomes=dataset["institution_outcomes"],
        )


@pytest.fixture(scope="module")
def city(dataset):
    return _build(dataset, "520200")


@pytest.fixture(scope="module")
def liuzhi(dataset):
    return _build(dataset, "520203")


def _plain(markdown: str) -> str:
    return markdown.replace("\\*", "*")


def _value(result, number, unit):
    return Value(number, unit, result.estimate_basis.provenance)


def E(result, number) -> str:
    """An effect as chapter 02 must print it: signed, one decimal, 台次/年, marked."""
    ind = result.indicator
    assert ind.unit_zh == "台次/年"
    return fmt.show(_value(result, number, ind.unit), signed=True, digits=1, word=ind.unit_zh)


def P(result, number) -> str:
    if number < 0.001:
        return "<" + fmt.show(_value(result, 0.001, "p_value"), style="index", digits=3)
    return fmt.show(_value(result, number, "p_value"), style="index", digits=3)


def N(result, number, unit="institutions") -> str:
    return fmt.show(_value(result, number, unit))


def _derived(result):
    """The same result as if its rows were the analysts' own (real) data."""
    return replace(result, estimate_basis=replace(result.estimate_basis, provenance="derived"))


def _with(result, **changes):
    return replace(result, effect=replace(result.effect, **changes))


def _interval(result, att, low, high):
    """The same result with its headline estimate and interval set exactly (to test edges)."""
    eff = result.effect

    class Fixed(type(eff)):
        pass

    Fixed.att = property(lambda self: att)
    Fixed.ci_low = property(lambda self: low)
    Fixed.ci_high = property(lambda self: high)
    return replace(result, effect=Fixed(**{f.name: getattr(eff, f.name) for f in fields(eff)}))


def _pretrend_p(result, p_value):
    study = result.effect.study
    return _with(result, study=replace(study, pretrend=replace(study.pretrend, p_value=p_value)))


def test_the_marks_used_below_are_the_illustrative_ones(city):
    assert city.estimate_basis.provenance == "illustrative"
    assert E(city, 12.34) == "+12.3台次/年*" and P(city, 0.5) == "0.5*"


def test_the_effect_sentence_prints_the_estimate_and_both_ends_of_its_interval(city):
    eff, panel = city.effect, city.effect.panel
    text = _plain(view.effect_sentence(city))
    cohorts = panel.cohort_sizes.index
    assert text.startswith(
        f"以{city.indicator.label_zh}衡量：{N(city, panel.n_institutions)}{city.field_zh}单位中，"
        f"{N(city, panel.n_treated)}在{min(cohorts)}—{max(cohorts)}年间先后开始接受交流，"
        f"{N(city, panel.n_never)}从未接受。"
    )
    assert (
        f"平均差异为{E(city, eff.att)}（95%置信区间{E(city, eff.ci_low)} 至 {E(city, eff.ci_high)}）。"
        "此估计来自示例数据，只演示分析方法，不说明交流的实际作用。"
    ) in text


def test_a_real_estimate_that_passes_every_check_is_described_with_its_direction(city):
    eff = city.effect
    assert eff.panel.n_institutions >= ex.PRETREND_MIN_POWERED and eff.ci_low > 0
    real = _pretrend_p(_derived(city), 0.5)
    assert view.causal_wording_allowed(real)
    text = _plain(view.effect_sentence(real))
    assert "*" not in text
    assert (
        f"平均提高：{E(real, eff.att)}（95%置信区间{E(real, eff.ci_low)} 至 {E(real, eff.ci_high)}）。"
        "区间不含零，交流前走势检验未见差异且单位数足够"
    ) in text
    lowered = _interval(real, -eff.att, -eff.ci_high, -eff.ci_low)
    assert f"平均降低：{E(real, -eff.att)}" in _plain(view.effect_sentence(lowered))


@pytest.mark.parametrize(("low", "high"), [(0.0, 5.0), (-5.0, 0.0)])
def test_an_interval_that_ends_at_zero_does_not_exclude_zero(city, low, high):
    real = _pretrend_p(_derived(city), 0.5)
    at_zero = _interval(real, (low + high) / 2, low, high)
    assert not view.causal_wording_allowed(at_zero)
    assert effect_verdict(at_zero) == "区间包含零，数据不足以确认交流前后存在差异。"
    off_zero = _interval(real, (low + high) / 2, low or 0.1, high or -0.1)
    assert view.causal_wording_allowed(off_zero)


def test_an_interval_off_zero_with_a_failed_pretrend_says_it_cannot_judge(city):
    rejected = _pretrend_p(_derived(city), 0.01)
    assert not view.causal_wording_allowed(rejected)
    assert effect_verdict(rejected).startswith("区间不含零，但交流前走势检验未通过或单位数太少")
    no_test = _with(_derived(city), study=replace(city.effect.study, pretrend=None))
    assert not view.causal_wording_allowed(no_test)


def test_the_robustness_table_cell_by_cell(city):
    eff = city.effect
    table = view.robustness_table(city)
    assert list(table.columns) == ["平均效应", "95%置信区间", "p值"]
    comparison = "从未交流单位" if eff.study.comparison == "never" else "最晚开始交流的单位"
    permutations = eff.randomization.permutations
    assert list(table.index)[:4] == [
        "分批次双重差分（尚未/从未交流单位作对照）【主估计】",
        f"事件研究（{comparison}作对照，单位层面刀切法标准误）",
        "传统双向固定效应回归（仅作对照：效应随时间增长时有偏，不给区间）",
        f"随机化（安慰剂）检验：随机打乱各单位的交流年份{permutations}次",
    ]
    expected = [
        (eff.att, f"{E(city, eff.ci_low)} 至 {E(city, eff.ci_high)}", P(city, eff.cs.p_value)),
        (
            eff.study.att,
            f"{E(city, eff.study.ci_low)} 至 {E(city, eff.study.ci_high)}",
            P(city, eff.study.p_value),
        ),
        (eff.twfe.estimate, fmt.MISSING, fmt.MISSING),
        (eff.randomization.observed, fmt.MISSING, P(city, eff.randomization.p_value)),
    ]
    for (_, row), (att, interval, p) in zip(table.iterrows(), expected, strict=False):
        assert row.tolist() == [E(city, att), interval, p]
    boot = eff.bootstrap
    assert boot.keeps_size and len(table) == 5
    assert (
        table.index[4]
        == f"县级聚类野自助法（仅{N(city, boot.clusters, '个')}聚类，检验力弱，仅作稳健性参考）"
    )
    assert table.iloc[4].tolist() == [E(city, eff.study.att), fmt.MISSING, P(city, boot.p_value)]


def test_the_event_study_row_names_the_comparison_it_used(city):
    other = "never" if city.effect.study.comparison != "never" else "last"
    switched = _with(city, study=replace(city.effect.study, comparison=other))
    label = view.robustness_table(switched).index[1]
    named = "从未交流单位" if other == "never" else "最晚开始交流的单位"
    assert label == f"事件研究（{named}作对照，单位层面刀切法标准误）"


def test_the_intensity_table_cell_by_cell(city):
    frame = city.effect.by_intensity
    table = view.intensity_table(city)
    assert list(table.columns) == ["每年人·月", "单位数", "平均效应", "95%置信区间"]
    assert list(table.index) == ["低强度", "中强度", "高强度"][: len(frame)]
    for (_, row), (_, source) in zip(table.iterrows(), frame.iterrows(), strict=True):
        band = re.fullmatch(r"(\d+)\*—(\d+)\*", row["每年人·月"])
        assert band, row["每年人·月"]
        assert abs(int(band.group(1)) - source.low) <= 0.5
        assert abs(int(band.group(2)) - source.high) <= 0.5
        assert row["单位数"] == f"{int(source.institutions)}*"
        assert row["平均效应"] == E(city, source.att)
        if math.isnan(source.ci_low):
            assert row["95%置信区间"] == "—（单位太少，无法计算）"
        else:
            assert row["95%置信区间"] == f"{E(city, source.ci_low)} 至 {E(city, source.ci_high)}"
    assert not frame.ci_low.isna().all()  # at least one interval was compared


def test_the_pretrend_sentence_prints_each_statistic_and_its_verdict(city):
    pre = city.effect.study.pretrend
    rejected = _pretrend_p(city, 0.01)
    text = _plain(view.pretrend_sentence(rejected))
    assert f"各年平均值{E(city, pre.estimate)}的t检验" in text
    assert "逐年联合检验（能发现忽高忽低的差异）F = " in text
    assert f"p = {P(city, pre.joint_p_value)}；" in text
    assert f"p = {P(city, pre.mean_p_value)}。" in text
    assert text.endswith(
        f"两者合并（取较小p值的两倍）p = {P(city, 0.01)}。"
        "交流前两类单位的走势已有显著差异，平行趋势假设存疑，上面的估计要谨慎看待。"
        "交流开始后才出现的差异、以及只在个别单位出现的差异，这一检验看不到。"
    )


def test_the_reasons_for_no_estimate_are_listed_in_one_sentence(liuzhi):
    assert liuzhi.effect is None
    two = replace(liuzhi, reasons=["甲原因", "乙原因"])
    text = _plain(view.not_estimated_sentence(two))
    assert (
        f"**{liuzhi.scope.name_zh}{liuzhi.field_zh}领域不作单位层面的效应估计**：甲原因；乙原因。"
        in text
    )
    assert text.endswith("请参阅全市报告中的估计。")


def test_event_study_points_carry_every_source_of_their_rows(city):
    basis = replace(city.estimate_basis, sources=("甲表.csv", "乙表.csv"))
    points = view.event_study_points(replace(city, estimate_basis=basis))
    assert set(points["source"]) == {"甲表.csv; 乙表.csv"}
    assert set(points["provenance"]) == {"illustrative"}


def test_only_a_county_report_says_it_uses_only_its_own_institutions(city, liuzhi):
    county_item = f"县级报告只使用{liuzhi.scope.name_zh}的单位"
    assert any(item.startswith(county_item) for item in view.caveats(liuzhi))
    assert not any(item.startswith("县级报告只使用") for item in view.caveats(city))


def test_a_coefficient_from_one_institution_is_named_by_its_year(city):
    study = city.effect.study
    estimates = study.estimates.copy()
    pick = estimates.index[estimates["event_time"] == estimates["event_time"].max()]
    estimates.loc[pick, "se"] = float("nan")
    year = int(estimates.loc[pick, "event_time"].iloc[0])
    lone = _with(city, study=replace(study, estimates=estimates))
    items = [i for i in view.caveats(lone) if "只由一家单位估计" in i]
    assert items == [f"图中距首次交流{year}*年的系数只由一家单位估计，无法计算区间，图中只画点。"]
    assert not any("只由一家单位估计" in i for i in view.caveats(city))


def test_bootstrap_caveats_print_their_counts_with_units(city):
    boot = city.effect.bootstrap
    kept = " ".join(view.caveats(city))
    assert (
        f"县级聚类野自助法只有{N(city, boot.clusters, '个')}聚类"
        f"（权重最多{N(city, boot.distinct_weight_patterns, '种')}组合）"
    ) in kept
    assert re.search(r"只有\d+个\*聚类（权重最多\d+种\*组合）", kept)
    few = _with(city, bootstrap=replace(boot, institutions=13))
    said = " ".join(view.caveats(few))
    assert "本报告只有13家*单位（不足30家）" in said


def test_the_tables_note_appears_only_under_illustrative_estimates(city):
    assert _plain(view.estimate_tables_note(city)) == fmt.ILLUSTRATIVE_NOTE
    assert view.estimate_tables_note(_derived(city)) == ""
    assert isinstance(view.robustness_table(replace(city, effect=None)), pd.DataFrame)


# --------------------------------------------------------------------------- smaller pieces


def test_an_interval_with_one_end_missing_is_not_printed(city):
    from lps_analysis.views.exchange.effect import _interval as interval_text

    unknown = "—（单位太少，无法计算）"
    assert interval_text(city, float("nan"), 3.0) == unknown
    assert interval_text(city, 1.0, float("nan")) == unknown
    assert interval_text(city, None, 3.0) == unknown
    assert interval_text(city, 1.0, 3.0) == f"{E(city, 1.0)} 至 {E(city, 3.0)}"


@pytest.mark.parametrize(
    ("p", "printed"),
    [(0.0004, "<0.001"), (0.001, "0.001"), (0.01234, "0.012"), (0.5, "0.5")],
)
def test_p_values_print_three_decimals_and_only_below_a_thousandth_as_less_than(p, printed):
    assert view.p_text(Value(p, "p_value", "derived")) == printed


def test_the_chart_axis_is_in_points_for_a_pass_rate_and_in_its_unit_otherwise():
    from lps_analysis.views.exchange.effect import chart_scale

    for field, scale, label in [
        ("education", 100.0, "（百分点）"),
        ("health", 1.0, "（台次/年）"),
    ]:
        ind = ex.FIELD_INDICATORS[field]
        got = chart_scale(type("View", (), {"indicator": ind})())
        assert got == (scale, f"{ind.label_zh}变化{label}")


class _Panel:
    """What :func:`estimability_reasons` reads of a panel."""

    def __init__(self, institutions, treated, never, first_cohort, start=2015):
        self.n_institutions, self.n_treated, self.n_never = institutions, treated, never
        self.years, self.start = list(range(start, start + 6)), start
        self.cohort_sizes = pd.Series([treated], index=[first_cohort])


def test_estimability_reasons_at_their_thresholds(city):
    from lps_analysis.views.exchange.effect import estimability_reasons

    basis = city.estimate_basis
    enough = _Panel(ex.MIN_INSTITUTIONS, ex.MIN_TREATED, ex.MIN_NEVER_TREATED, 2017)
    assert estimability_reasons(enough, basis) == []
    few = _Panel(ex.MIN_INSTITUTIONS - 1, ex.MIN_TREATED - 1, ex.MIN_NEVER_TREATED - 1, 2017)
    assert estimability_reasons(few, basis) == [
        f"有完整成效数据的单位只有{ex.MIN_INSTITUTIONS - 1}家*（至少需要{ex.MIN_INSTITUTIONS}家）",
        f"接受交流的单位只有{ex.MIN_TREATED - 1}家*（至少需要{ex.MIN_TREATED}家）",
        f"从未接受交流的对照单位只有{ex.MIN_NEVER_TREATED - 1}家*（至少需要{ex.MIN_NEVER_TREATED}家）",
    ]
    at_start = _Panel(20, 5, 5, 2015)  # treated from the panel's first year: no year before
    assert estimability_reasons(at_start, basis) == ["接受交流的单位在起始年之前没有观测"]
    assert estimability_reasons(_Panel(20, 5, 5, 2016), basis) == []


def test_an_intensity_group_beyond_the_third_is_named_by_its_number(city):
    frame = city.effect.by_intensity
    extra = frame.iloc[[-1]].assign(group=4)
    more = _with(city, by_intensity=pd.concat([frame, extra], ignore_index=True))
    assert list(view.intensity_table(more).index)[-1] == "第4组"


def test_too_few_institutions_before_the_exchanges_is_said_with_the_floor(city):
    study = city.effect.study
    assert (study.estimates["event_time"] <= -2).any()
    untested = _with(city, study=replace(study, pretrend=None))
    assert view.pretrend_sentence(untested) == (
        f"交流前的年份每年只有不到{ex.PRETREND_MIN_INSTITUTIONS}家接受交流的单位，无法检验平行趋势；"
        "图中交流前的系数仅供参考。"
    )


def test_the_first_caveat_gives_the_county_count_and_the_smallest_p_value_it_allows(city):
    counties = 4
    assert view.caveats(city)[0].startswith(
        "各县级单位是同时开始结对帮扶的，没有“未参与”的县可作对照；县之间的比较无法做可靠的统计推断"
        f"（{counties}个县级单位的置换检验p值最小只能到0.25）。"
    )


def test_the_illustrative_caveat_needs_an_estimate_to_be_about(city, liuzhi):
    said = (
        "本报告的单位成效指标或交流记录为程序生成的示例数据，估计结果只演示方法，不代表真实情况。"
    )
    assert liuzhi.effect is None and liuzhi.effect_illustrative
    assert said not in view.caveats(liuzhi)
    assert said in view.caveats(city)
    assert said not in view.caveats(_derived(city))

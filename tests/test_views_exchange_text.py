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

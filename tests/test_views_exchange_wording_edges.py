"""Chapter 02's wording at its edges: p-values, the pre-trend and intensity sentences, the
bootstrap caveats and when causal words are allowed.

Expected texts are written out by hand here (or built from the estimate's numbers through `fmt`
by the helpers of test_views_exchange_text), never taken from the view's own output.
"""

import math
from dataclasses import replace

import pandas as pd
import pytest
from test_views_exchange_text import E, N, P, _build, _derived, _plain, _pretrend_p, _with
from test_views_exchange_text import _interval as _fixed

from lps_analysis import exchange as ex
from lps_analysis import fmt, paths
from lps_analysis.data import registry
from lps_analysis.data.validate import load_dataset
from lps_analysis.value import PROVENANCES, Value
from lps_analysis.views import exchange as view
from lps_analysis.views.exchange.effect import _p
from lps_analysis.views.exchange.wording import effect_verdict


@pytest.fixture(scope="module")
def city():
    return _build(load_dataset(paths.ILLUSTRATIVE_DIR), "520200")


# --------------------------------------------------------------------------- p-values


def test_a_p_value_is_recorded_in_the_ledger_as_a_p_value(city):
    assert _p(city, 0.0123) == "0.012*"
    entry = fmt.PRINTED[-1]
    assert entry["text"] == "0.012*"
    assert (entry["value"], entry["unit"], entry["provenance"]) == (
        0.0123,
        "p_value",
        "illustrative",
    )
    assert _p(city, 0.0004) == "<0.001*"
    entry = fmt.PRINTED[-1]
    assert (entry["value"], entry["unit"]) == (0.001, "p_value")


@pytest.mark.parametrize("missing", [None, float("nan")])
def test_a_missing_p_value_prints_a_dash_and_is_not_a_figure(city, missing):
    """A p-value never computed prints a dash and adds nothing to the ledger of figures."""
    before = len(fmt.PRINTED)
    assert _p(city, missing) == "—"
    assert len(fmt.PRINTED) == before


@pytest.mark.parametrize(
    ("p", "unit", "printed"),
    [
        (0.0123, "", "0.012"),
        (0.0004, "", "<0.001"),
        (0.0004, "ratio", "<0.001"),
        (0.0123, "ratio", "0.012"),
        (0.00099, "index", "<0.001"),
        (0.001, "", "0.001"),
        (0.9876, "", "0.988"),
    ],
)
def test_a_p_value_prints_three_decimals_whatever_unit_its_value_carries(p, unit, printed):
    """p_text promises three decimals (or <0.001): not the default style of the value's unit."""
    assert view.p_text(Value(p, unit, "derived")) == printed


def test_a_p_value_below_a_thousandth_keeps_its_mark(city):
    assert view.p_text(Value(0.0001, "p_value", "illustrative")) == "<0.001*"
    assert view.p_text(Value(None, "p_value")) == "—"


# --------------------------------------------------------------------------- pre-trend sentence


def _statistics(result, **changes):
    study = result.effect.study
    return _with(result, study=replace(study, pretrend=replace(study.pretrend, **changes)))


def test_the_pretrend_sentence_word_for_word_with_two_decimal_statistics(city):
    pre = city.effect.study.pretrend
    assert city.effect.panel.n_institutions >= ex.PRETREND_MIN_POWERED
    shown = _statistics(city, statistic=1.23456, mean_statistic=-0.98765, p_value=0.5)
    before = len(fmt.PRINTED)
    text = _plain(view.pretrend_sentence(shown))
    stats = [e for e in fmt.PRINTED[before:] if e.get("value") in (1.23456, -0.98765)]
    assert [(e["text"], e["unit"]) for e in stats] == [("1.23*", "index"), ("-0.99*", "index")]
    assert text == (
        f"检验交流前各年的系数（{N(city, pre.institutions)}接受交流的单位）是否为零，用两种方法："
        f"逐年联合检验（能发现忽高忽低的差异）F = 1.23*，p = {P(city, pre.joint_p_value)}；"
        f"各年平均值{E(city, pre.estimate)}的t检验（对持续的趋势更敏感）t = -0.99*，"
        f"p = {P(city, pre.mean_p_value)}。两者合并（取较小p值的两倍）p = 0.5*。"
        "交流前接受交流的单位与对照单位走势没有显著差异，平行趋势假设未被数据否定（但这不能证明它成立）。"
        "交流开始后才出现的差异、以及只在个别单位出现的差异，这一检验看不到。"
    )


def test_the_pretrend_statistics_round_to_two_decimals(city):
    shown = _statistics(city, statistic=12.3449, mean_statistic=2.0049)
    text = _plain(view.pretrend_sentence(shown))
    assert "F = 12.34*，" in text
    assert "t = 2*，" in text


def test_an_unpowered_pretrend_test_gives_no_reassurance_word_for_word(city, monkeypatch):
    n = city.effect.panel.n_institutions
    monkeypatch.setattr(ex, "PRETREND_MIN_POWERED", n)
    powered = _plain(view.pretrend_sentence(_pretrend_p(city, 0.5)))
    assert "平行趋势假设未被数据否定" in powered and "不能据此认为" not in powered
    monkeypatch.setattr(ex, "PRETREND_MIN_POWERED", n + 1)
    text = _plain(view.pretrend_sentence(_pretrend_p(city, 0.5)))
    assert text.endswith(
        f"p = 0.5*。未检出显著差异，但只有{n}家*单位，这一检验几乎发现不了交流前的趋势差异，"
        "不能据此认为平行趋势成立。"
        "交流开始后才出现的差异、以及只在个别单位出现的差异，这一检验看不到。"
    )


def test_a_pretrend_p_value_just_under_five_percent_rejects(city):
    text = _plain(view.pretrend_sentence(_pretrend_p(city, 0.0499)))
    assert "p = 0.05*。交流前两类单位的走势已有显著差异" in text
    at = _plain(view.pretrend_sentence(_pretrend_p(city, 0.05)))
    assert "显著差异，平行趋势假设存疑" not in at and "未被数据否定" in at


def _leads_from(result, first):
    """The same estimate without a pre-trend test and without event times before `first`."""
    study = result.effect.study
    kept = study.estimates[study.estimates["event_time"] >= first].reset_index(drop=True)
    return _with(result, study=replace(study, pretrend=None, estimates=kept))


def test_one_untested_lead_at_minus_two_is_enough_for_the_too_few_sentence(city):
    floor = ex.PRETREND_MIN_INSTITUTIONS
    assert view.pretrend_sentence(_leads_from(city, -2)) == (
        f"交流前的年份每年只有不到{floor}家接受交流的单位，无法检验平行趋势；"
        "图中交流前的系数仅供参考。"
    )


def test_without_any_lead_before_minus_one_there_is_nothing_to_test(city):
    assert view.pretrend_sentence(_leads_from(city, -1)) == "没有可检验的交流前年份。"
    assert view.pretrend_sentence(replace(city, effect=None)) == "没有可检验的交流前年份。"


# --------------------------------------------------------------------------- intensity


def _groups(result, rows):
    """The same result with its intensity groups replaced by `rows` (group, att, ci_low, ci_high)."""
    frame = pd.DataFrame(rows, columns=["group", "att", "ci_low", "ci_high"])
    frame["low"] = [10.4, 50.0, 105.6][: len(frame)]
    frame["high"] = [48.6, 98.5, 275.7][: len(frame)]
    frame["institutions"] = [8, 7, 7][: len(frame)]
    return _with(result, by_intensity=frame)


INTRO = "按每年交流人·月把接受交流的单位分为三组："
CLOSE = "交流强度不是随机分配的（薄弱单位往往得到更多帮扶），此分组结果只作探索。"


def test_the_intensity_sentence_compares_the_lowest_and_the_highest_group(city):
    three = _groups(city, [(1, 10.0, 2.0, 18.0), (2, 20.0, 5.0, 35.0), (3, 30.0, 15.0, 45.0)])
    assert _plain(view.intensity_sentence(three)) == (
        INTRO + "强度最低组平均差异+10台次/年*，最高组+30台次/年*。"
        "两组区间重叠，不能说交流越多差异越大。" + CLOSE
    )


def test_intensity_groups_without_an_estimate_are_left_out_of_the_comparison(city):
    middle = _groups(city, [(1, 10.0, 2.0, 18.0), (2, 20.0, 5.0, 35.0), (3, math.nan, 1.0, 2.0)])
    text = _plain(view.intensity_sentence(middle))
    assert text.startswith(INTRO + "强度最低组平均差异+10台次/年*，最高组+20台次/年*。")
    one = _groups(city, [(1, 10.0, 2.0, 18.0), (2, math.nan, 5.0, 35.0), (3, math.nan, 1.0, 2.0)])
    assert view.intensity_sentence(one) == "各强度组单位太少，未能分组估计。"


@pytest.mark.parametrize(
    ("low", "high"),
    [((2.0, 8.0), (9.0, 20.0)), ((30.0, 40.0), (9.0, 20.0))],
)
def test_intervals_apart_either_way_are_said_not_to_overlap(city, low, high):
    apart = _groups(city, [(1, 5.0, *low), (2, 7.0, 0.0, 50.0), (3, 15.0, *high)])
    text = _plain(view.intensity_sentence(apart))
    assert text == (
        INTRO + "强度最低组平均差异+5台次/年*，最高组+15台次/年*。两组区间不重叠。" + CLOSE
    )


@pytest.mark.parametrize(("low", "high"), [((2.0, 9.0), (9.0, 20.0)), ((20.0, 40.0), (9.0, 20.0))])
def test_intervals_that_touch_overlap(city, low, high):
    touching = _groups(city, [(1, 5.0, *low), (3, 15.0, *high)])
    assert "两组区间重叠，不能说交流越多差异越大。" in _plain(view.intensity_sentence(touching))


@pytest.mark.parametrize("end", range(4))
def test_an_interval_missing_at_either_end_of_either_group_prevents_the_comparison(city, end):
    ends = [2.0, 8.0, 9.0, 20.0]
    ends[end] = math.nan
    missing = _groups(city, [(1, 5.0, ends[0], ends[1]), (3, 15.0, ends[2], ends[3])])
    text = _plain(view.intensity_sentence(missing))
    assert text == (
        INTRO + "强度最低组平均差异+5台次/年*，最高组+15台次/年*。"
        "每组接受交流的单位太少，无法计算区间，两组不能比较。" + CLOSE
    )


def test_no_intensity_groups_give_no_sentence_and_no_table(city):
    empty = _with(city, by_intensity=city.effect.by_intensity.iloc[0:0])
    assert view.intensity_sentence(empty) == ""
    assert view.intensity_table(empty).empty
    assert view.intensity_sentence(replace(city, effect=None)) == ""
    assert view.intensity_table(replace(city, effect=None)).empty


def test_the_intensity_table_written_out_by_hand(city):
    three = _groups(
        city, [(1, 10.0, 2.0, 18.0), (2, -2.5, math.nan, math.nan), (3, 30.0, 15.0, 45.0)]
    )
    table = view.intensity_table(three)
    assert list(table.index) == ["低强度", "中强度", "高强度"]
    assert table.to_dict("index") == {
        "低强度": {
            "每年人·月": "10*—49*",
            "单位数": "8*",
            "平均效应": "+10台次/年*",
            "95%置信区间": "+2台次/年* 至 +18台次/年*",
        },
        "中强度": {
            "每年人·月": "50*—98*",
            "单位数": "7*",
            "平均效应": "-2.5台次/年*",
            "95%置信区间": "—（单位太少，无法计算）",
        },
        "高强度": {
            "每年人·月": "106*—276*",
            "单位数": "7*",
            "平均效应": "+30台次/年*",
            "95%置信区间": "+15台次/年* 至 +45台次/年*",
        },
    }


# --------------------------------------------------------------------------- bootstrap caveats


def _bootstrap(result, **changes):
    return _with(result, bootstrap=replace(result.effect.bootstrap, **changes))


def test_a_kept_bootstrap_caveat_word_for_word(city):
    kept = _bootstrap(city, clusters=4, institutions=ex.BOOTSTRAP_MIN_INSTITUTIONS)
    said = view.caveats(kept)
    assert said[-2:] == [
        "县级聚类野自助法只有4个*聚类（权重最多1296种*组合），只作稳健性参考，不作为主要结论的依据。",
        "本报告的单位成效指标或交流记录为程序生成的示例数据，估计结果只演示方法，不代表真实情况。",
    ]


def test_a_bootstrap_one_institution_short_is_explained_word_for_word(city):
    few = _bootstrap(_derived(city), institutions=ex.BOOTSTRAP_MIN_INSTITUTIONS - 1)
    assert view.caveats(few)[-1] == (
        "本报告只有29家单位（不足30家）：模拟检验表明，单位这么少时，"
        "县级聚类野自助法会过多地把本来没有的差异判为显著，因此不列出它的结果，也不作为依据。"
    )
    marked = _bootstrap(city, institutions=12)
    assert view.caveats(marked)[-2].startswith("本报告只有12家*单位（不足30家）：模拟检验表明")


def test_no_bootstrap_is_explained_by_one_county_word_for_word(city):
    one = _derived(_with(city, bootstrap=None))
    assert view.caveats(one)[-1] == (
        "本报告的单位都在同一个县，无法按县做聚类野自助法，稳健性检验中不列此项。"
    )


def test_the_caveats_markdown_is_one_bullet_per_caveat(city):
    real = _derived(city)
    lines = view.caveats_markdown(real).split("\n")
    items = view.caveats(real)
    assert len(lines) == len(items)
    assert [line.removeprefix("- ") for line in lines] == items
    assert all(line.startswith("- ") for line in lines)


def test_the_city_caveats_word_for_word(city):
    counties = 4  # 六枝特区, 盘州市, 水城区, 钟山区
    assert city.effect.warnings[0].startswith("Be aware that there are some small groups")
    assert view.caveats(city) == [
        "各县级单位是同时开始结对帮扶的，没有“未参与”的县可作对照；县之间的比较无法做可靠的统计推断"
        f"（{counties}个县级单位的置换检验p值最小只能到{1 / counties:g}）。"
        "因此本报告以学校、医院为单位，比较先后开始接受交流的单位。",
        "估计依赖“平行趋势”假设：如果没有交流，先接受交流的单位与尚未接受交流的单位的指标会同步变化。"
        "交流前的系数检验只能发现明显的违背，不能证明假设成立。",
        "交流对象不是随机选择的（往往先帮扶较薄弱的单位）。双重差分消除了单位之间固定的水平差异，"
        "但如果被选中的单位本来就会变化更快，估计会有偏差。",
        "估计的差异是“交流+同期配套措施”的合计：同一时间进入的资金、设备、政策无法与人员交流分开。",
        "估计的是接受交流单位的平均差异，不能直接推到没有接受交流的单位，也不说明哪一种交流方式更有效。",
        # the article's figures (F028, F029): 1827 persons, at least 40 new techniques
        "原文的1827人是全市与东部城市互派的教育、医疗卫生“等”专业技术人才，"
        "新技术、新项目≥40项是下限；它们说明投入的规模，不等于成效。",
        # moderndid's small-groups warning names the 2018, 2019 and 2020 cohorts
        "部分交流批次的单位很少（2018年、2019年、2020年开始交流的批次）：这些批次的效应主要由"
        "一两家单位决定，区间已按单位层面的不确定性放宽，但对单个批次的结果仍应谨慎。",
        f"县级聚类野自助法只有4个*聚类（权重最多{6**4}种*组合），只作稳健性参考，不作为主要结论的依据。",
        "本报告的单位成效指标或交流记录为程序生成的示例数据，估计结果只演示方法，不代表真实情况。",
    ]


@pytest.mark.parametrize("left_out", ["exchange.persons", "exchange.new_techniques"])
def test_the_article_caveat_needs_both_article_figures(city, left_out):
    article = {k: v for k, v in city.article.items() if k != left_out}
    said = view.caveats(replace(city, article=article))
    assert not any(item.startswith("原文的") for item in said)
    assert len(said) == len(view.caveats(city)) - 1


def test_lone_coefficients_are_listed_in_order_but_never_the_reference_year(city):
    study = city.effect.study
    estimates = study.estimates.copy()
    lone = estimates["event_time"].isin([-7, -1, 6])
    estimates.loc[lone, "se"] = float("nan")
    said = view.caveats(_with(city, study=replace(study, estimates=estimates)))
    assert [i for i in said if "只由一家单位估计" in i] == [
        "图中距首次交流-7*、6*年的系数只由一家单位估计，无法计算区间，图中只画点。"
    ]


# --------------------------------------------------------------------------- causal wording


@pytest.mark.parametrize("provenance", PROVENANCES)
def test_causal_words_only_for_real_data_kinds(city, provenance):
    basis = replace(city.estimate_basis, provenance=provenance)
    result = replace(_pretrend_p(city, 0.5), estimate_basis=basis)
    allowed = provenance in ("derived", "analyst", "official")
    assert view.causal_wording_allowed(result) is allowed
    if allowed:
        assert effect_verdict(result) == (
            "区间不含零，交流前走势检验未见差异且单位数足够，可以认为交流后受援单位的指标发生了上述变化。"
        )


@pytest.mark.parametrize(
    ("p_value", "allowed"),
    [(0.05, True), (0.0499, False), (math.nan, False), (1.0, True)],
)
def test_causal_words_need_a_pretrend_p_value_of_at_least_five_percent(city, p_value, allowed):
    assert view.causal_wording_allowed(_pretrend_p(_derived(city), p_value)) is allowed


def test_causal_words_need_the_powered_number_of_institutions(city, monkeypatch):
    real = _pretrend_p(_derived(city), 0.5)
    n = real.effect.panel.n_institutions
    monkeypatch.setattr(ex, "PRETREND_MIN_POWERED", n)
    assert view.causal_wording_allowed(real)
    monkeypatch.setattr(ex, "PRETREND_MIN_POWERED", n + 1)
    assert not view.causal_wording_allowed(real)
    assert effect_verdict(real) == (
        "区间不含零，但交流前走势检验未通过或单位数太少，尚不能据此判断交流的作用。"
    )


def test_no_estimate_never_allows_causal_words(city):
    assert not view.causal_wording_allowed(replace(_derived(city), effect=None))


# --------------------------------------------------------------------------- the verdict


NOT_YET = "区间不含零，但交流前走势检验未通过或单位数太少，尚不能据此判断交流的作用。"
INCLUDES = "区间包含零，数据不足以确认交流前后存在差异。"


@pytest.mark.parametrize(
    ("low", "high", "verdict"),
    [
        (0.0, 5.0, INCLUDES),
        (0.5, 5.0, NOT_YET),
        (-5.0, 0.0, INCLUDES),
        (-5.0, -0.5, NOT_YET),
        (-5.0, 0.5, INCLUDES),
        (-0.5, 5.0, INCLUDES),
    ],
)
def test_the_verdict_of_a_real_estimate_that_failed_its_pretrend_test(city, low, high, verdict):
    failed = _fixed(_pretrend_p(_derived(city), 0.01), (low + high) / 2, low, high)
    assert not view.causal_wording_allowed(failed)
    assert effect_verdict(failed) == verdict


@pytest.mark.parametrize(("low", "high"), [(-5.0, 5.0), (2.0, 5.0)])
def test_an_illustrative_estimate_only_demonstrates_the_method(city, low, high):
    shown = _fixed(_pretrend_p(city, 0.5), (low + high) / 2, low, high)
    assert effect_verdict(shown) == "此估计来自示例数据，只演示分析方法，不说明交流的实际作用。"


@pytest.mark.parametrize(
    ("low", "high", "allowed"),
    [
        (0.0, 5.0, False),
        (0.5, 5.0, True),
        (-5.0, 0.0, False),
        (-5.0, -0.5, True),
        (-5.0, 0.5, False),
    ],
)
def test_causal_words_need_an_interval_strictly_off_zero(city, low, high, allowed):
    real = _fixed(_pretrend_p(_derived(city), 0.5), (low + high) / 2, low, high)
    assert view.causal_wording_allowed(real) is allowed


def test_the_first_caveat_follows_the_number_of_current_counties(city, tmp_path, monkeypatch):
    """With three current counties the smallest permutation p-value is 1/3, printed as 0.33."""
    lines = paths.SCOPES_FILE.read_text(encoding="utf-8").splitlines()
    merged = [
        line.replace(
            "520281,盘州市,520281-panzhou,county,520200,2017-04,,",
            "520281,盘州市,520281-panzhou,county,520200,2017-04,2030-01,",
        )
        for line in lines
    ]
    assert merged != lines
    scopes = tmp_path / "scopes.csv"
    scopes.write_text("\n".join(merged) + "\n", encoding="utf-8")
    monkeypatch.setattr(paths, "SCOPES_FILE", scopes)
    registry.load_scopes.cache_clear()
    try:
        first = view.caveats(city)[0]
    finally:
        monkeypatch.undo()
        registry.load_scopes.cache_clear()
    assert "（3个县级单位的置换检验p值最小只能到0.33）。" in first


def test_a_county_report_says_it_uses_only_its_own_institutions_word_for_word():
    liuzhi = _build(load_dataset(paths.ILLUSTRATIVE_DIR), "520203")
    assert liuzhi.effect is None
    assert view.caveats(liuzhi)[-1] == (
        "县级报告只使用六枝特区的单位，样本更小，区间更宽；县级单位之间的差异不宜解读为帮扶作用的差异。"
    )

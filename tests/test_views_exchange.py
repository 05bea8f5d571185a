"""The exchange report's view: headline figures, sentences, tables and the metrics it records."""

import math
import warnings

import pytest
import yaml

from lps_analysis import exchange as ex
from lps_analysis import paths
from lps_analysis.data.reference import load_facts
from lps_analysis.data.registry import current_scopes, get_scope
from lps_analysis.data.validate import load_dataset
from lps_analysis.metrics import Metrics
from lps_analysis.views import exchange as view

EFFECT_METRICS = {
    "exchange.att",
    "exchange.att_ci_low",
    "exchange.att_ci_high",
    "exchange.att_se",
    "exchange.pretrend_p",
    "exchange.panel_institutions",
    "exchange.event_study_att",
    "exchange.twfe",
    "exchange.randomization_p",
    "exchange.wild_bootstrap_p",
}


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(paths.ILLUSTRATIVE_DIR)


@pytest.fixture(scope="module")
def facts():
    return load_facts()


def _fact(facts, indicator):
    row = facts[(facts.indicator == indicator) & (facts.scope_code == "520200")]
    assert len(row) == 1
    return row.iloc[0]


def _build(dataset, facts, code="520200", field="health", **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return view.build(
            get_scope(code),
            field=field,
            exchanges=dataset["exchanges"],
            institutions=dataset["institutions"],
            institution_outcomes=dataset["institution_outcomes"],
            facts=facts,
            permutations=99,
            bootstrap_draws=99,
            **kw,
        )


@pytest.fixture(scope="module")
def city(dataset, facts):
    return _build(dataset, facts)


@pytest.fixture(scope="module")
def liuzhi(dataset, facts):
    return _build(dataset, facts, code="520203")


def _metrics(result):
    m = Metrics(scope=result.scope.code)
    view.record_metrics(m, result)
    return m


# --------------------------------------------------------------------------- city scope


def test_city_headlines_and_metrics(city, facts):
    persons = _fact(facts, "exchange.persons")
    techniques = _fact(facts, "exchange.new_techniques")
    m = _metrics(city)
    total = m.get("exchange.persons.total")
    assert total.value == persons.value and total.provenance == "article"
    assert total.bound == persons.bound
    new = m.get("exchange.new_techniques")
    assert new.value == techniques.value and new.bound == "lower" and new.unit == "items"
    by_field = [m.get(f"exchange.persons.{f}").value for f in ("education", "health")]
    assert sum(by_field) == persons.value  # the data reconcile with the article
    assert m.get("exchange.persons.health").provenance == "illustrative"
    assert m.get("exchange.person_months.total").value == pytest.approx(
        city.exchanges.person_months.sum()
    )
    assert EFFECT_METRICS <= set(m.items)
    assert m.get("exchange.att").value == pytest.approx(city.effect.att)
    assert m.get("exchange.att_ci_low").value < m.get("exchange.att").value
    assert m.get("exchange.att_ci_high").value > m.get("exchange.att").value
    assert m.get("exchange.att").unit == "operations_per_year"
    assert m.get("exchange.pretrend_p").unit == "probability"
    assert 0 <= m.get("exchange.pretrend_p").value <= 1
    assert m.get("exchange.att").provenance == "illustrative"


def test_city_effect_covers_the_generators_truth(city):
    meta = yaml.safe_load(
        (paths.ILLUSTRATIVE_DIR / "institution_outcomes.meta.yaml").read_text(encoding="utf-8")
    )
    truth = meta["true_effect"]["fields"]["health"]["att"]
    assert city.reasons == []
    assert city.effect.ci_low <= truth <= city.effect.ci_high


def test_city_sentences_and_tables(city, facts):
    persons = _fact(facts, "exchange.persons").value
    techniques = _fact(facts, "exchange.new_techniques").value
    article = view.article_sentence(city)
    assert f"{int(persons):,}人" in article
    assert f"≥{int(techniques)}项" in article  # 40余项 is a lower bound
    data = view.data_sentence(city)
    assert "示例数据" in data and "一致" in data
    sentence = view.effect_sentence(city)
    assert "95%置信区间" in sentence and "台次/年" in sentence
    assert "p = " in view.pretrend_sentence(city)
    for by in ex.BREAKDOWNS:
        table = view.totals_table(city, by)
        assert len(table) == len(city.totals[by])
        assert city.totals[by].persons.sum() == _fact(facts, "exchange.persons").value
    names = {s.name_zh for s in current_scopes()}
    assert set(view.totals_table(city, "scope_code").index) <= names
    robust = view.robustness_table(city)
    assert len(robust) == 5
    assert not view.intensity_table(city).empty
    assert any("示例数据" in c for c in view.caveats(city))


def test_education_effect_is_in_percentage_points(dataset, facts):
    result = _build(dataset, facts, field="education")
    assert result.effect is not None
    assert "个百分点" in view.effect_sentence(result)
    m = _metrics(result)
    assert m.get("exchange.att").unit == "ratio"


# --------------------------------------------------------------------------- county scope


def test_county_with_too_few_institutions_says_why_in_chinese(liuzhi, monkeypatch, dataset):
    assert liuzhi.effect is None
    assert liuzhi.reasons
    assert ex.estimability(liuzhi.panel) == liuzhi.reasons
    sentence = view.effect_sentence(liuzhi)
    assert sentence.startswith("**六枝特区医疗卫生领域不作单位层面的效应估计**")
    assert "至少需要8家" in sentence
    assert view.robustness_table(liuzhi).empty
    assert view.intensity_table(liuzhi).empty
    assert view.pretrend_sentence(liuzhi) == "没有可检验的交流前年份。"
    assert "没有分县级单位的数字" in view.article_sentence(liuzhi)


def test_county_estimate_is_not_attempted(dataset, facts, monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("estimate_effect must not be called")

    monkeypatch.setattr(ex, "estimate_effect", boom)
    result = _build(dataset, facts, code="520203")
    assert result.effect is None
    assert not any("估计未能完成" in r for r in result.reasons)


def test_county_metrics_without_an_estimate(liuzhi, dataset):
    m = _metrics(liuzhi)
    assert not EFFECT_METRICS & set(m.items)
    assert "exchange.new_techniques" not in m.items  # the article has no county figure
    exchanges = dataset["exchanges"]
    mine = exchanges[exchanges.scope_code == "520203"]
    total = m.get("exchange.persons.total")
    assert total.value == mine.persons.sum() and total.provenance == "illustrative"
    for f in ("education", "health"):
        assert m.get(f"exchange.persons.{f}").value == mine.loc[mine.field == f, "persons"].sum()
    assert m.get("exchange.institutions.aided").value == mine.institution_id.nunique()


# --------------------------------------------------------------------------- gaps and windows


def test_missing_outcomes_table_gives_a_reason(dataset, facts):
    result = view.build(
        get_scope("520200"),
        exchanges=dataset["exchanges"],
        institutions=dataset["institutions"],
        institution_outcomes=None,
        facts=facts,
    )
    assert result.effect is None
    assert any("institution_outcomes" in r for r in result.reasons)
    assert "institution_outcomes" in view.effect_sentence(result)


def test_a_start_year_does_not_turn_earlier_cohorts_into_later_ones(dataset, facts):
    """An institution first aided before `start` has no pre-period: dropped, not re-dated."""
    meta = yaml.safe_load(
        (paths.ILLUSTRATIVE_DIR / "institution_outcomes.meta.yaml").read_text(encoding="utf-8")
    )
    cohorts = meta["true_effect"]["cohorts"]
    start = 2017
    early = sorted(i for i, c in cohorts.items() if i.startswith("H") and c and c <= start)
    result = _build(dataset, facts, start=start)
    assert result.panel.dropped_always_treated == early
    kept = result.panel.institutions.set_index("institution_id").cohort
    for inst, cohort in kept.items():
        assert cohort == (cohorts[inst] or 0), inst
    # the headline figures still count only the window's exchanges
    assert (result.exchanges.year >= start).all()


def test_effect_text_units():
    pass_rate = ex.FIELD_INDICATORS["education"]
    surgeries = ex.FIELD_INDICATORS["health"]
    assert view.effect_text(0.0525, pass_rate) == "5.25个百分点"
    assert view.effect_text(112.4, surgeries, signed=True) == "+112.4台次/年"
    assert view.effect_text(math.nan, surgeries) == "—"
    assert view.fmt_p(0.0001) == "<0.001" and view.fmt_p(0.5) == "0.500"


def test_a_county_sized_panel_gets_no_reassurance_from_the_pretrend_test(dataset, facts):
    panzhou = _build(dataset, facts, code="520281")
    assert panzhou.effect is not None
    n = panzhou.effect.panel.n_institutions
    assert n < ex.PRETREND_MIN_POWERED
    sentence = view.pretrend_sentence(panzhou)
    pre = panzhou.effect.study.pretrend
    if pre is None:
        assert "无法可靠检验" in sentence or "没有可检验" in sentence
    elif pre.p_value >= 0.05:
        assert f"只有{n}家单位" in sentence and "不能据此认为平行趋势成立" in sentence
    m = _metrics(panzhou)
    assert m.get("exchange.panel_institutions").value == n

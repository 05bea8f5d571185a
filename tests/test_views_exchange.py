"""The exchange report's view: headline figures, sentences, tables and the metrics it records."""

import json
import re
import warnings
from dataclasses import replace

import pandas as pd
import pytest
import yaml

from lps_analysis import exchange as ex
from lps_analysis import fmt, paths
from lps_analysis.data.reference import load_east_west_partners, load_facts
from lps_analysis.data.registry import current_scopes, get_scope
from lps_analysis.data.validate import load_dataset
from lps_analysis.metrics import Metrics
from lps_analysis.value import Value
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
    tables = {
        "exchanges": dataset["exchanges"],
        "institutions": dataset["institutions"],
        "institution_outcomes": dataset["institution_outcomes"],
    }
    tables.update(kw.pop("tables", {}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return view.build(
            get_scope(code),
            field=field,
            facts=facts,
            partners=load_east_west_partners(),
            permutations=99,
            bootstrap_draws=99,
            **tables,
            **kw,
        )


@pytest.fixture(scope="module")
def city(dataset, facts):
    return _build(dataset, facts)


@pytest.fixture(scope="module")
def liuzhi(dataset, facts):
    return _build(dataset, facts, code="520203")


def _plain(markdown: str) -> str:
    """Markdown text as a reader sees it: escaped marks shown as *."""
    return markdown.replace("\\*", "*")


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
    persons = _fact(facts, "exchange.persons")
    techniques = _fact(facts, "exchange.new_techniques")
    article = view.article_sentence(city)
    assert f"“{persons.quote}”" in article  # quoted as the article says it
    assert f"“{techniques.quote}”" in article and f"≥{int(techniques.value)}项" in article
    data = view.data_sentence(city)
    assert "*" in data
    # generated data were built to sum to the article's figure: saying they agree proves nothing
    assert "一致" not in data and "相同" not in data and "原文" not in data
    sentence = _plain(view.effect_sentence(city))
    assert "95%置信区间" in sentence and "台次/年*" in sentence
    assert "p = " in view.pretrend_sentence(city)
    for by in ex.BREAKDOWNS:
        table = view.totals_table(city, by)
        assert len(table) == len(city.totals[by])
        assert city.totals[by].persons.sum() == persons.value
        # every cell of illustrative rows is marked, 交流次数 and 涉及单位 included
        assert table.map(lambda cell: cell.endswith("*")).all().all(), by
    assert fmt.ILLUSTRATIVE_NOTE in _plain(view.tables_note(city))
    names = {s.name_zh for s in current_scopes()}
    assert set(view.totals_table(city, "scope_code").index) <= names
    robust = view.robustness_table(city)
    assert len(robust) == 5
    assert robust["平均效应"].str.endswith("*").all()
    assert not view.intensity_table(city).empty
    assert _plain(view.estimate_tables_note(city)) == fmt.ILLUSTRATIVE_NOTE
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
    # the view prints the estimator's reasons with its counts as values, one for one
    assert len(ex.estimability(liuzhi.panel)) == len(liuzhi.reasons)
    assert all("*" in r for r in liuzhi.reasons if "只有" in r)
    # shown as Markdown, each mark escaped so it is not read as emphasis
    assert "家\\*" in view.effect_sentence(liuzhi)
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


def test_effect_text_units_and_marks():
    pass_rate = ex.FIELD_INDICATORS["education"]
    surgeries = ex.FIELD_INDICATORS["health"]
    assert view.effect_text(Value(0.0525, "ratio", "derived"), pass_rate) == "+5.25个百分点"
    assert view.effect_text(Value(112.4, "x", "illustrative"), surgeries) == "+112.4台次/年*"
    assert view.effect_text(Value(None, "x"), surgeries) == "—"
    assert view.p_text(Value(0.0001, "p_value", "derived")) == "<0.001"
    assert view.p_text(Value(0.5, "p_value", "illustrative")) == "0.5*"


def _with_pretrend_p(result, p_value):
    eff = result.effect
    study = replace(eff.study, pretrend=replace(eff.study.pretrend, p_value=p_value))
    return replace(result, effect=replace(eff, study=study))


def test_a_county_sized_panel_gets_no_reassurance_from_the_pretrend_test(
    dataset, facts, monkeypatch
):
    panzhou = _build(dataset, facts, code="520281")
    n = panzhou.effect.panel.n_institutions
    assert ex.PRETREND_MIN_POWERED == 16 and n < ex.PRETREND_MIN_POWERED
    assert panzhou.effect.study.pretrend is not None
    passing = _with_pretrend_p(panzhou, 0.5)
    few = _plain(view.pretrend_sentence(passing))
    assert f"只有{n}家*单位" in few and "不能据此认为平行趋势成立" in few
    assert "未被数据否定" not in few
    # the boundary: a panel of exactly the minimum is powered, one fewer is not
    monkeypatch.setattr(ex, "PRETREND_MIN_POWERED", n)
    enough = _plain(view.pretrend_sentence(passing))
    assert "平行趋势假设未被数据否定" in enough and "只有" not in enough
    monkeypatch.setattr(ex, "PRETREND_MIN_POWERED", n + 1)
    assert "不能据此认为平行趋势成立" in _plain(view.pretrend_sentence(passing))
    # a rejecting test says so whatever the size; p = 0.05 itself does not reject
    assert "平行趋势假设存疑" in _plain(view.pretrend_sentence(_with_pretrend_p(panzhou, 0.0499)))
    assert "存疑" not in _plain(view.pretrend_sentence(_with_pretrend_p(panzhou, 0.05)))
    m = _metrics(panzhou)
    assert m.get("exchange.panel_institutions").value == n


@pytest.mark.parametrize("x", [0.0, -0.0, -1e-9, 1e-9, -0.00001])
def test_an_effect_of_zero_prints_without_a_sign(x):
    pass_rate = ex.FIELD_INDICATORS["education"]
    surgeries = ex.FIELD_INDICATORS["health"]
    for text in (
        view.effect_text(Value(x, "ratio", "derived"), pass_rate),
        view.effect_text(Value(x, "x", "derived"), surgeries),
    ):
        assert text[0].isdigit() and text.strip("0.") != text, text
    assert view.effect_text(Value(0.5, "x", "derived"), surgeries).startswith("+")
    assert view.effect_text(Value(-0.01, "ratio", "derived"), pass_rate).startswith("-")


# --------------------------------------------------------------------------- marks from the rows


def _relabel(frame, provenance, where=None):
    out = frame.copy()
    mask = slice(None) if where is None else where(out)
    out.loc[mask, "provenance"] = provenance
    return out


def test_real_exchange_rows_print_unmarked_with_no_illustrative_note(dataset, facts):
    real = _relabel(dataset["exchanges"], "analyst")
    result = _build(dataset, facts, tables={"exchanges": real, "institution_outcomes": None})
    for by in ex.BREAKDOWNS:
        assert not view.totals_table(result, by).map(lambda c: "*" in c).any().any(), by
    assert fmt.ILLUSTRATIVE_NOTE not in _plain(view.tables_note(result))
    data = view.data_sentence(result)
    assert "*" not in data
    # with real rows the data total is worth comparing with the article's
    assert "原文" in data
    m = _metrics(result)
    health = m.get("exchange.persons.health")
    assert health.provenance == "derived" and health.sources == ("exchanges",)
    assert result.banner is None


def test_each_table_cell_takes_its_mark_from_exactly_the_rows_it_counts(dataset, facts):
    """钟山区's rows real, the other counties' illustrative: only 钟山区's row is unmarked."""
    mixed = _relabel(dataset["exchanges"], "analyst", lambda f: f.scope_code == "520201")
    result = _build(dataset, facts, tables={"exchanges": mixed, "institution_outcomes": None})
    by_county = view.totals_table(result, "scope_code")
    assert not by_county.loc["钟山区"].str.contains(r"\*").any()
    for county in ("六枝特区", "水城区", "盘州市"):
        assert by_county.loc[county].str.endswith("*").all(), county
    # a year mixes real and illustrative rows: illustrative
    assert view.totals_table(result, "year").map(lambda c: c.endswith("*")).all().all()
    zhongshan = _build(
        dataset, facts, code="520201", tables={"exchanges": mixed, "institution_outcomes": None}
    )
    assert "*" not in view.data_sentence(zhongshan)
    assert _metrics(zhongshan).get("exchange.persons.total").provenance == "derived"


def test_a_missing_exchanges_table_gives_missing_figures_never_zero(dataset, facts):
    result = _build(dataset, facts, tables={"exchanges": None, "institution_outcomes": None})
    m = _metrics(result)
    for metric_id in (
        "exchange.persons.health",
        "exchange.persons.education",
        "exchange.person_months.total",
        "exchange.institutions.aided",
    ):
        metric = m.get(metric_id)
        assert metric.value is None and metric.missing == ("exchanges",), metric_id
    # the article's city total does not rest on the table
    assert m.get("exchange.persons.total").value == _fact(facts, "exchange.persons").value
    assert m.get("exchange.att").value is None
    assert set(m.get("exchange.att").missing) == {"exchanges", "institution_outcomes"}
    text = view.data_sentence(result)
    assert "exchanges" in text and not re.search(r"\d", text)
    county = _build(dataset, facts, code="520203", tables={"exchanges": None})
    assert _metrics(county).get("exchange.persons.total").value is None


# --------------------------------------------------------------------------- causal wording


def _all_text(result) -> str:
    parts = [
        view.article_sentence(result),
        view.partners_markdown(result),
        view.data_sentence(result),
        view.exposure_sentence(result),
        view.effect_sentence(result),
        view.pretrend_sentence(result),
        view.intensity_sentence(result),
        view.caveats_markdown(result),
        *result.notes,
        *result.reasons,
    ]
    for table in (view.robustness_table(result), view.intensity_table(result)):
        parts.append(table.to_csv())
    return "\n".join(parts)


def _causal_words(text: str) -> list[str]:
    return [w for w in view.CAUSAL_WORDS if w in text]


def test_an_estimate_from_illustrative_data_is_never_described_causally(city):
    assert city.effect is not None and city.effect_illustrative
    assert not view.causal_wording_allowed(city)
    assert _causal_words(_all_text(city)) == []
    assert "只演示分析方法" in view.effect_sentence(city)


def test_the_notebooks_own_text_uses_no_causal_word_and_never_says_illustrative():
    nb = json.loads((paths.NOTEBOOKS_DIR / "02_east_west_exchange.ipynb").read_text("utf-8"))
    text = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    code = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    strings = "".join(re.findall(r'"([^"]*)"', code))
    assert _causal_words(text + strings) == []
    # a report on real data must hold no 示例 or *: the notebook never writes them itself
    own = (text + strings).replace("**", "")  # ** is Markdown bold
    assert "示例" not in own and "*" not in own


def test_causal_wording_only_when_the_estimate_is_real_and_passes_its_checks(city, dataset, facts):
    real = replace(city, estimate_basis=Value(0.0, "", "derived", sources=("exchanges",)))
    eff = real.effect
    # the bundled city panel passes every check: interval off zero, pre-trend test passes,
    # enough institutions — once its inputs are real, causal words are allowed
    assert eff.ci_low > 0 and eff.study.pretrend.p_value >= 0.05
    assert eff.panel.n_institutions >= ex.PRETREND_MIN_POWERED
    assert view.causal_wording_allowed(real)
    sentence = view.effect_sentence(real)
    assert "提高" in sentence and "*" not in sentence
    # the same real estimate on a panel too small for the pre-trend test: no causal words
    panzhou = _build(dataset, facts, code="520281")
    small = replace(panzhou, estimate_basis=real.estimate_basis)
    assert not view.causal_wording_allowed(small)
    assert _causal_words(_all_text(small)) == []
    # and a failed pre-trend test forbids them too
    failing = replace(eff.study.pretrend, p_value=0.01)
    broken = replace(real, effect=replace(eff, study=replace(eff.study, pretrend=failing)))
    assert not view.causal_wording_allowed(broken)
    assert _causal_words(view.effect_sentence(broken)) == []


def test_estimate_provenance_comes_from_the_rows_it_uses(dataset):
    outcomes = dataset["institution_outcomes"]
    exchanges = dataset["exchanges"]
    assert view.base.estimate_basis(outcomes, exchanges).provenance == "illustrative"
    real = view.base.estimate_basis(_relabel(outcomes, "analyst"), _relabel(exchanges, "analyst"))
    assert real.provenance == "derived"
    assert set(real.sources) == {"institution_outcomes", "exchanges"}
    half = view.base.estimate_basis(_relabel(outcomes, "analyst"), exchanges)
    assert half.provenance == "illustrative"


# --------------------------------------------------------------------------- partner cities


def test_the_article_is_never_credited_with_the_partner_cities(city, liuzhi):
    for result in (city, liuzhi):
        article = view.article_sentence(result)
        assert "大连" not in article and "中山" not in article
        assert "2020年前" not in _all_text(result)


def test_city_shows_the_dalian_team_and_zhongshan_pairings_each_cited(city):
    text = view.partners_markdown(city)
    partners = load_east_west_partners().set_index("item")
    for item in ("dalian_team.total", "dalian_team.cadres", "dalian_team.professionals"):
        assert f"{int(partners.loc[item, 'value'])}人" in text, item
    assert "14人" in text and "big5.cri.cn" in text and "zsnews.cn" in text
    for pair in ("火炬开发区组团—水城区", "小榄组团—盘州市", "东区组团—六枝特区"):
        assert pair in text
    assert "*" not in text.replace("**", "")  # official figures carry no mark (** is bold)
    m = _metrics(city)
    team = m.get("exchange.dalian_team.total")
    assert team.value == 248 and team.provenance == "official"
    assert team.sources == ("east_west_partners:dalian_team.total",)


def test_a_county_shows_only_its_own_zhongshan_pairing(dataset, facts, liuzhi):
    text = view.partners_markdown(liuzhi)
    assert "东区组团与六枝特区结对" in text and "小榄" not in text and "火炬" not in text
    assert "exchange.dalian_team.total" not in _metrics(liuzhi).items
    zhongshan = _build(dataset, facts, code="520201", tables={"institution_outcomes": None})
    assert "没有列出与钟山区结对的中山组团" in view.partners_markdown(zhongshan)


# --------------------------------------------------------------------------- every number printed by fmt

_STRUCTURAL = re.compile(
    r"https?://\S+|\d{4}-\d{2}(-\d{2})?|A\d+版|(19|20)\d{2}(?=年|—)|（52\d{4}）"
)


def test_every_number_in_the_chapter_text_was_printed_by_fmt(city, monkeypatch):
    """A small version of the honesty audit: each number is a text fmt printed (or a year)."""
    monkeypatch.setattr(fmt, "PRINTED", [])
    text = _all_text(city)
    printed = [r["text"] for r in fmt.PRINTED]
    stripped = _STRUCTURAL.sub(" ", text)
    for match in re.finditer(r"[+-]?\d[\d,]*(\.\d+)?", stripped):
        number = match.group(0).lstrip("+-")
        assert any(number in p for p in printed), (
            number,
            stripped[max(0, match.start() - 20) : match.end() + 5],
        )


def test_every_number_that_moves_with_illustrative_rows_carries_its_mark(dataset, facts):
    """Perturb only the illustrative exchange rows: each number that changes is marked *."""
    moved = dataset["exchanges"].copy()
    moved["persons"] = moved["persons"] + 1
    moved["end_date"] = moved["end_date"] + pd.Timedelta(days=40)

    def numbers(exchanges):
        result = _build(
            dataset, facts, tables={"exchanges": exchanges, "institution_outcomes": None}
        )
        text = "\n".join(
            [
                view.article_sentence(result),
                view.data_sentence(result),
                view.exposure_sentence(result),
                view.partners_markdown(result),
            ]
            + [view.totals_table(result, by).to_csv() for by in ex.BREAKDOWNS]
        )
        return re.findall(r"[\d,.]+\d[^\d,.\s—（）、，；\"]*", text)

    before, after = numbers(dataset["exchanges"]), numbers(moved)
    assert len(before) == len(after)
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed  # the perturbation did move figures
    for a, b in changed:
        assert a.endswith("*") and b.endswith("*"), (a, b)


def test_a_scope_without_rows_in_an_illustrative_table_gets_marked_zeros(dataset, facts):
    others = dataset["exchanges"][dataset["exchanges"].scope_code != "520203"]
    result = _build(
        dataset, facts, code="520203", tables={"exchanges": others, "institution_outcomes": None}
    )
    total = result.headlines["exchange.persons.total"]
    assert total.value == 0 and total.provenance == "illustrative"
    assert fmt.show(total) == "0人*"


def test_a_bootstrap_that_cannot_keep_its_size_is_not_printed_and_the_caveats_say_why(city):
    boot = city.effect.bootstrap
    assert boot is not None and boot.institutions == city.effect.panel.n_institutions
    few = replace(city, effect=replace(city.effect, bootstrap=replace(boot, institutions=13)))
    enough = replace(
        city,
        effect=replace(
            city.effect,
            bootstrap=replace(boot, institutions=ex.BOOTSTRAP_MIN_INSTITUTIONS),
        ),
    )
    label = "县级聚类野自助法"
    assert not any(label in row for row in view.robustness_table(few).index)
    assert any(label in row for row in view.robustness_table(enough).index)
    assert _metrics(few).get("exchange.wild_bootstrap_p").value is None
    assert _metrics(enough).get("exchange.wild_bootstrap_p").value == pytest.approx(boot.p_value)
    said = " ".join(view.caveats(few))
    assert "不列出它的结果" in said and "13" in said
    assert "不列出它的结果" not in " ".join(view.caveats(enough))


def test_a_panel_in_one_county_says_why_it_has_no_bootstrap_line(city):
    one = replace(city, effect=replace(city.effect, bootstrap=None))  # one cluster: not run
    assert any("同一个县" in item for item in view.caveats(one))
    assert not any("同一个县" in item for item in view.caveats(city))
    assert not any("县级聚类野自助法" in row for row in view.robustness_table(one).index)


# --------------------------------------------------------------------------- person-months


def _printed_number(text: str) -> int:
    return int(re.fullmatch(r"(\d+)\*?", text).group(1))


@pytest.mark.parametrize("code", ["520200", "520201"])
def test_person_months_print_as_one_figure_in_text_and_every_table(dataset, facts, code):
    result = _build(dataset, facts, code=code)
    sentence = _plain(view.data_sentence(result))
    printed_total = int(re.search(r"合计(\d+)人·月", sentence).group(1))
    exact = result.exchanges.person_months.sum()
    assert printed_total == round(exact)
    for by in ex.BREAKDOWNS:
        cells = view.totals_table(result, by)["人·月"]
        assert sum(_printed_number(c) for c in cells) == printed_total, by
        # each cell is its group's own figure, moved by less than the last digit
        for cell, own in zip(cells, result.totals[by].person_months, strict=True):
            assert abs(_printed_number(cell) - own) < 1, (by, cell, own)


def test_the_bundled_city_data_would_print_three_totals_if_each_cell_were_rounded_alone(
    dataset, facts, city
):
    """The case the shared rounding is for: rounding cells alone disagrees across tables."""
    naive = {
        by: int(city.totals[by].person_months.round().sum()) for by in ("year", "direction", "mode")
    }
    assert len(set(naive.values())) > 1, naive

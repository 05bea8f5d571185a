"""The leadership brief (notebook 00, lps_analysis.views.brief): every number it shows is a metric
or an article fact it cites, lower bounds and illustrative figures are marked, and whatever is
missing says 暂无数据 instead of breaking the brief.

Fast tests on metrics written here; tests/test_combined_report.py checks the brief of real runs.
"""

from __future__ import annotations

import ast
import json
import re

import nbformat
import pytest

from lps_analysis import paths
from lps_analysis.data.reference import load_facts
from lps_analysis.data.registry import get_scope
from lps_analysis.metrics import Metric
from lps_analysis.views import brief
from lps_analysis.viz import legibility
from lps_analysis.viz.theme import set_theme

CITY = get_scope("520200")
ZHONGSHAN = get_scope("520201")

# A year (2015年, 2015—2020年) or an analysis number (01) is not a figure.
_NOT_FIGURES = re.compile(r"\d{4}(?=年|—)|（0\d）")
_NUMBER = re.compile(r"[≥约]?[+\-]?\d[\d,]*(?:\.\d+)?")


def numbers_in(text: str) -> list[str]:
    """The figures a text shows (years and analysis numbers left out)."""
    return _NUMBER.findall(_NOT_FIGURES.sub("", text))


def m(metric_id, value, unit, provenance="derived", bound="exact") -> Metric:
    return Metric(metric_id, value, unit, provenance, bound)


def full_metrics() -> dict[str, Metric]:
    """Metrics of all three analyses, as the notebooks record them for the city."""
    items = [
        m("talent.total.2015", 298200, "persons", "article"),
        m("talent.total.2020", 428000, "persons", "article"),
        m("talent.total.growth", 0.4352783366867874, "ratio"),
        m("talent.total.cagr", 0.07494743063630938, "ratio"),
        m("talent.per_10k.2020", 1411.794820032445, "persons_per_10k"),
        m("talent.share.professional.2020", 0.26869158878504673, "ratio"),
        m("talent.share.skilled.2020", 0.35046728971962615, "ratio"),
        m("talent.share.management.2020", 0.1378504672897196, "ratio"),
        m("talent.share_change_pp.management", 0.0358, "percentage_points"),
        m("talent.share_change_pp.professional", 0.0415, "percentage_points"),
        m("talent.share_change_pp.skilled", 0.8414975836326333, "percentage_points"),
        m("talent.dissimilarity", 0.009189090931884122, "index"),
        m("exchange.persons.total", 1827, "persons", "article"),
        m("exchange.persons.education", 1011, "persons", "illustrative"),
        m("exchange.persons.health", 816, "persons", "illustrative"),
        m("exchange.new_techniques", 40, "项", "article", "lower"),
        m("exchange.att", 0.0561, "ratio", "illustrative"),
        m("exchange.att_ci_low", 0.041, "ratio", "illustrative"),
        m("exchange.att_ci_high", 0.0712, "ratio", "illustrative"),
        m("exchange.pretrend_p", 0.43, "p_value", "illustrative"),
        m("platforms.national", 6, "platforms", "article"),
        m("platforms.provincial", 15, "platforms", "article"),
        m("platforms.total", 21, "platforms"),
        m("introduced_talent.projects_approved", 281, "projects", "article"),
        m("introduced_talent.funding_10k_yuan", 1585, "10k_yuan", "article"),
        m("introduced_talent.funding_per_project_10k_yuan", 5.640569395017794, "10k_yuan_per_project"),
        m("introduced_talent.patents_granted", 500, "patents", "article", "lower"),
        m("innovation.patents_per_10k_growth", 2.4615, "ratio", "article"),
        m("platform_outputs.concentration_hhi", 0.11248167470359632, "index", "illustrative"),
    ]
    return {x.id: x for x in items}


@pytest.fixture(scope="module")
def facts():
    return load_facts()


def _figure(view, metric_id):
    return next(f for f in view.figures if f.metric_id == metric_id)


# --- every number is cited ----------------------------------------------------------------------


def test_every_number_of_every_figure_is_one_it_cites(facts):
    view = brief.build(CITY, metrics=full_metrics(), facts=facts)
    assert 5 <= len(view.figures) <= 8
    for figure in view.figures:
        cited = {n for c in figure.cites for n in numbers_in(c.text)}
        shown = numbers_in(f"{figure.value} {figure.change} {figure.sentence}")
        assert shown, figure
        assert set(shown) <= cited, (figure.label, set(shown) - cited)
        assert figure.metric_id in {c.source for c in figure.cites}


def test_balances_show_only_cited_numbers(facts):
    view = brief.build(CITY, metrics=full_metrics(), facts=facts)
    for row in view.balances:
        for side in row.sides:
            cited = {n for c in side.cites for n in numbers_in(c.text)}
            assert set(numbers_in(side.text)) <= cited, side


def test_cited_texts_round_to_the_metric_values(facts):
    metrics = full_metrics()
    view = brief.build(CITY, metrics=metrics, facts=facts)
    shown = {c.source: c.text for c in reversed(view.cites())}  # the key figures' texts
    assert shown["talent.total.2020"] == "42.8万人"
    assert shown["talent.total.growth"] == "+43.5%"
    assert shown["talent.total.cagr"] == "7.5%"
    assert shown["talent.per_10k.2020"] == "1412人"
    assert shown["talent.dissimilarity"] == "0.009"
    assert shown["introduced_talent.funding_10k_yuan"] == "1585万元"
    assert shown["exchange.att"] == "+5.61个百分点*"
    assert shown["fact:F006"] == "≥3.67万人次"
    for cite in view.cites():
        if not cite.source.startswith("fact:"):
            assert cite.number == metrics[cite.source].value


# --- bounds, illustrative values, missing figures -----------------------------------------------


def test_lower_bounds_show_ge_and_illustrative_values_are_tagged(facts):
    view = brief.build(CITY, metrics=full_metrics(), facts=facts)
    patents = _figure(view, "introduced_talent.patents_granted")
    assert patents.value == "≥500件"  # patents are 件 (the article's 500余项 is quoted)
    assert "≥40项" in _figure(view, "exchange.persons.total").sentence
    total = _figure(view, "talent.total.2020")
    assert total.value == "42.8万人"  # article: no mark
    assert "+43.5%" in total.change and "*" not in total.change  # derived from the article
    education = next(c for c in view.cites() if c.source == "exchange.persons.education")
    assert education.text == "1011人*"
    assert view.illustrative and "示例数据" in brief.banner(view)


def test_the_brief_takes_marks_from_the_recorded_values_not_from_metric_names():
    metrics = {
        "talent.total.2015": m("talent.total.2015", 80000, "persons", "official"),
        "talent.total.2020": m("talent.total.2020", 116593, "persons", "illustrative"),
        "talent.total.growth": m("talent.total.growth", 0.457, "ratio", "illustrative"),
    }
    figure = brief.build(ZHONGSHAN, metrics=metrics, facts=None).figures[0]
    assert figure.value == "11.66万人*" and figure.change == "较2015年+45.7%*"
    assert "8万人" in figure.sentence and "8万人*" not in figure.sentence
    metrics["talent.total.2020"] = m("talent.total.2020", 116593, "persons", "analyst")
    metrics["talent.total.growth"] = m("talent.total.growth", 0.457, "ratio", "derived")
    figure = brief.build(ZHONGSHAN, metrics=metrics, facts=None).figures[0]
    assert "*" not in figure.value + figure.change + figure.sentence
    assert brief.banner(brief.build(ZHONGSHAN, metrics=metrics, facts=None)) is None


def test_a_metric_recorded_missing_names_its_table_and_is_never_zero(facts):
    metrics = {k: v for k, v in full_metrics().items() if not k.startswith("exchange.")}
    metrics["exchange.persons.total"] = Metric(
        "exchange.persons.total", None, "persons", missing=("exchanges",)
    )
    figure = _figure(brief.build(CITY, metrics=metrics, facts=facts), "exchange.persons.total")
    assert figure.value == brief.MISSING
    assert "exchanges" in figure.sentence and "尚无结果" not in figure.sentence


def test_missing_analyses_say_no_data_and_name_the_analysis(facts):
    talent_only = {k: v for k, v in full_metrics().items() if k.startswith("talent.")}
    view = brief.build(CITY, metrics=talent_only, facts=facts)
    exchange = _figure(view, "exchange.persons.total")
    assert exchange.value == brief.MISSING and "东西部协作分析（02）" in exchange.sentence
    assert _figure(view, "platforms.total").value == brief.MISSING
    assert any("东西部协作分析（02）、平台产出分析（03）尚无结果" in n for n in view.notes)
    assert not any(f.missing for f in view.figures[:3])


def test_without_any_metrics_the_brief_asks_to_run_lps_run(facts, tmp_path):
    folder = tmp_path / "520200-liupanshui" / ".metrics"
    view = brief.build(CITY, metrics=brief.read_metrics(folder), facts=facts, folder=folder)
    assert all(f.value == brief.MISSING for f in view.figures)
    assert any("请先运行 lps run" in n for n in view.notes)
    # The article's own figures still stand in the 七个并重 table.
    offline = view.balances[0].sides[1]
    assert "≥3540人" in offline.text


def test_online_recruitment_has_no_figure_in_the_article(facts):
    view = brief.build(CITY, metrics=full_metrics(), facts=facts)
    online = view.balances[0].sides[0]
    assert online.name == "线上招引" and online.missing
    assert online.text == "暂无数据（原文未给出数字）"
    assert "线上招引" in brief.balances_sentence(view.balances)


def test_county_brief_does_not_borrow_the_city_s_article_figures(facts):
    metrics = {
        "talent.total.2015": m("talent.total.2015", 79855, "persons", "illustrative"),
        "talent.total.2020": m("talent.total.2020", 116593, "persons", "illustrative"),
        "talent.total.growth": m("talent.total.growth", 0.46, "ratio", "illustrative"),
    }
    view = brief.build(ZHONGSHAN, metrics=metrics, facts=facts, counties={})
    assert not any(c.source.startswith("fact:") for c in view.cites())
    assert view.counties is None
    texts = [s.text for b in view.balances for s in b.sides]
    assert "暂无数据（原文只报告全市数字）" in texts
    assert _figure(view, "talent.total.2020").value == "11.66万人*"


@pytest.mark.parametrize(
    ("low", "high", "p", "says"),
    [
        (0.041, 0.0712, 0.43, ["以学业考试合格率衡量", "协作后改善", "未见违背平行趋势"]),
        (-0.01, 0.05, 0.43, ["尚不能确认"]),
        (0.041, 0.0712, 0.01, ["需谨慎", "尚不能据此判断"]),
    ],
)
def test_effect_sentence_reads_the_interval_and_the_pretrend_test(facts, low, high, p, says):
    metrics = full_metrics()
    metrics["exchange.att"] = m("exchange.att", 0.0561, "ratio", "analyst")
    metrics["exchange.att_ci_low"] = m("exchange.att_ci_low", low, "ratio", "analyst")
    metrics["exchange.att_ci_high"] = m("exchange.att_ci_high", high, "ratio", "analyst")
    metrics["exchange.pretrend_p"] = m("exchange.pretrend_p", p, "p_value", "analyst")
    metrics["exchange.panel_institutions"] = m(
        "exchange.panel_institutions", 40, "institutions", "analyst"
    )
    effect = _figure(brief.build(CITY, metrics=metrics, facts=facts), "exchange.att")
    for text in says:
        assert text in effect.sentence
    assert ("改善" in effect.sentence) == (says[1:2] == ["协作后改善"])
    assert effect.change.startswith("置信区间 ")


def test_an_effect_in_surgeries_is_written_in_its_own_unit(facts):
    metrics = full_metrics()
    for metric_id, value in (
        ("exchange.att", 97.76),
        ("exchange.att_ci_low", 67.7),
        ("exchange.att_ci_high", 127.8),
    ):
        metrics[metric_id] = m(metric_id, value, "operations_per_year")
    effect = _figure(brief.build(CITY, metrics=metrics, facts=facts), "exchange.att")
    assert effect.value.startswith("+97.8台次/年")  # derived: unmarked
    assert "以三四级手术台次衡量" in effect.sentence
    assert "+67.7台次/年" in effect.change


@pytest.mark.parametrize(("institutions", "reassured"), [(10, False), (30, True)])
def test_a_passed_pretrend_test_reassures_only_with_enough_institutions(
    facts, institutions, reassured
):
    metrics = full_metrics()
    for key in ("exchange.att", "exchange.att_ci_low", "exchange.att_ci_high"):
        metrics[key] = m(key, metrics[key].value, "ratio", "analyst")
    metrics["exchange.pretrend_p"] = m("exchange.pretrend_p", 0.685, "probability", "analyst")
    metrics["exchange.panel_institutions"] = m(
        "exchange.panel_institutions", institutions, "institutions", "analyst"
    )
    effect = _figure(brief.build(CITY, metrics=metrics, facts=facts), "exchange.att")
    assert ("未见违背平行趋势的迹象" in effect.sentence) == reassured
    assert (f"仅{institutions}家单位" in effect.sentence) != reassured
    cited = {c.source for c in effect.cites}
    assert ("exchange.panel_institutions" in cited) != reassured


# --- the seven balances are the article's ---------------------------------------------------------


def test_an_effect_from_illustrative_data_is_never_described_as_an_effect(facts):
    view = brief.build(CITY, metrics=full_metrics(), facts=facts)
    effect = _figure(view, "exchange.att")
    assert "只演示分析方法" in effect.sentence
    for word in ("改善", "显著", "提升", "带来"):
        assert word not in effect.sentence


def test_the_seven_balances_are_the_article_s_in_its_order(facts):
    article = paths.ARTICLE_FILE.read_text(encoding="utf-8")
    listed = re.search(r"坚持(线上招引.+?)等“七个并重”", article).group(1)
    names = re.split(r"、|和", listed)
    assert [b.name for b in brief.BALANCES] == names
    for balance in brief.BALANCES:
        assert balance.name == "与".join(s.name for s in balance.sides)
        for side in balance.sides:
            for ind in side.indicators:
                if ind.source.startswith("fact:"):
                    assert ind.source[5:] in set(facts.fact_id)


# --- reading the metrics files --------------------------------------------------------------------


def _write(path, records):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"scope": "x", "metrics": records}), encoding="utf-8")


def test_read_metrics_merges_notebook_files_and_skips_the_brief_s_own(tmp_path):
    folder = tmp_path / "520200-liupanshui" / ".metrics"
    rec = {"unit": "persons", "provenance": "derived", "bound": "exact"}
    _write(folder / "01_talent_structure.json", [{"id": "talent.total.2020", "value": 1, **rec}])
    _write(folder / "03_platform_outputs.json", [{"id": "platforms.total", "value": 2, **rec}])
    _write(folder / "00_brief.json", [{"id": "brief.shown", "value": 3, **rec}])
    assert set(brief.read_metrics(folder)) == {"talent.total.2020", "platforms.total"}


def test_county_metrics_are_read_beside_the_city_s_folder(tmp_path):
    rec = {"unit": "ratio", "provenance": "illustrative", "bound": "exact"}
    _write(
        tmp_path / "520201-zhongshan" / ".metrics" / "01_talent_structure.json",
        [{"id": "talent.total.cagr", "value": 0.0786, **rec}],
    )
    _write(  # only the merged file: still found
        tmp_path / "520281-panzhou" / "metrics.json",
        [{"id": "talent.total.cagr", "value": 0.0748, **rec}],
    )
    counties = brief.read_county_metrics(tmp_path / "520200-liupanshui" / ".metrics")
    assert set(counties) == {"520201", "520281"}
    rows = brief.county_rows(full_metrics(), counties, CITY)
    assert [r.scope.name_zh for r in rows] == ["钟山区", "六枝特区", "水城区", "盘州市", "六盘水市"]
    table = brief.county_frame(rows, 2020)
    assert table.iloc[0, 1] == "7.9%*" and table.iloc[1, 1] == brief.MISSING
    notes = brief.county_notes(rows)
    assert any("六枝特区、水城区尚无分析指标" in n for n in notes)
    # A county run before its platform analysis finished says so rather than looking empty.
    assert any("钟山区尚无东西部协作分析（02）、平台产出分析（03）的指标" in n for n in notes)


def test_metrics_folder_defaults_to_the_reports_folder_of_the_scope():
    assert brief.metrics_folder(CITY) == paths.REPORTS_DIR / "520200-liupanshui" / ".metrics"
    assert str(brief.metrics_folder(CITY, "/x/.metrics")) == "/x/.metrics"


def test_county_small_multiples_are_one_figure_of_four_panels():
    set_theme()
    counties = {"520201": {"talent.total.cagr": m("talent.total.cagr", 0.0786, "ratio")}}
    rows = brief.county_rows(full_metrics(), counties, CITY)
    fig = brief.county_small_multiples(rows, end=2020, city_code=CITY.code)
    assert len(fig.axes) == 4
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert "7.9%" in texts and brief.MISSING in " ".join(texts)
    # 暂无数据 sits just right of the axis line, its white box never cutting it.
    assert legibility.defects(fig) == []


# --- the notebook ---------------------------------------------------------------------------------


def test_notebook_00_takes_the_pipeline_s_parameters_with_jupyterlab_defaults():
    nb = nbformat.read(paths.NOTEBOOKS_DIR / "00_brief.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    values = {
        n.targets[0].id: n.value.value
        for n in ast.parse(cell.source).body
        if isinstance(n, ast.Assign)
    }
    assert values == {
        "scope": "520200",
        "data_dir": None,
        "metrics_path": None,
        "metrics_dir": None,
    }

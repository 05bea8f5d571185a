"""The platform-outputs report: the article's figures, the data's, sentences, metrics, notebook."""

import json
import math

import pandas as pd
import pytest

from lps_analysis import paths
from lps_analysis.data.reference import load_facts, population_with
from lps_analysis.data.registry import current_scopes, get_scope
from lps_analysis.data.validate import load_dataset
from lps_analysis.metrics import Metrics
from lps_analysis.views import platforms as view

NOTEBOOK = paths.ROOT / "notebooks" / "03_platform_outputs.ipynb"
REQUIRED = {
    "platforms.national",
    "platforms.provincial",
    "platforms.total",
    "outputs.projects_approved",
    "outputs.funding_10k_yuan",
    "outputs.funding_per_project_10k_yuan",
    "outputs.patents_granted",
    "outputs.concentration_hhi",
}


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(paths.ILLUSTRATIVE_DIR)


def _build(dataset, code="520200", *, platforms=True, outputs=True, population=None):
    return view.build(
        get_scope(code),
        2015,
        2020,
        platforms=dataset["platforms"] if platforms else None,
        platform_outputs=dataset["platform_outputs"] if outputs else None,
        population=population if population is not None else population_with(None),
        facts=load_facts(),
    )


def _metrics(result):
    m = Metrics(scope=result.scope.code)
    view.record_metrics(m, result)
    return m


def test_city_figures_are_the_articles_exactly(dataset):
    m = _metrics(_build(dataset))
    assert m.get("platforms.national").value == 6
    assert m.get("platforms.provincial").value == 15
    assert m.get("outputs.projects_approved").value == 281
    assert m.get("outputs.funding_10k_yuan").value == 1585
    patents = m.get("outputs.patents_granted")
    assert patents.value == 500 and patents.bound == "lower"
    assert round(m.get("outputs.funding_per_project_10k_yuan").value, 2) == 5.64
    for metric_id in view.ARTICLE_INDICATORS:
        assert m.get(metric_id).provenance == "article"
    assert m.get("outputs.funding_per_project_10k_yuan").provenance == "derived"
    assert m.get("platforms.total").value == 21
    assert m.get("platforms.total").provenance == "derived"


def test_city_figures_come_from_the_article_even_without_platform_tables(dataset):
    result = _build(dataset, platforms=False, outputs=False)
    m = _metrics(result)
    assert (
        m.get("platforms.national").value == 6 and m.get("outputs.projects_approved").value == 281
    )
    assert any("platforms" in n for n in result.notes)
    assert any("platform_outputs" in n for n in result.notes)
    assert "outputs.concentration_hhi" not in m.items


def test_a_county_without_platform_tables_records_no_zeros(dataset):
    result = _build(dataset, "520203", platforms=False, outputs=False)
    m = _metrics(result)
    assert not any(k.startswith(("platforms.", "outputs.")) for k in m.items)
    assert "—" in view.platform_sentence(result)
    assert "没有平台产出数据" in view.outputs_sentence(result)


def test_every_required_metric_is_recorded_at_city_scope(dataset):
    ids = set(_metrics(_build(dataset)).items)
    assert REQUIRED | {"outputs.patents_per_10k.2020"} <= ids


def test_article_table_shows_lower_bounds_with_ge(dataset):
    table = view.article_table(_build(dataset))
    assert table.loc["授权专利", "原文（全市）"] == "≥500件"
    assert table.loc["年度专利申请量与授权量", "原文（全市）"] == "≥1,000件"
    assert table.loc["平均每个项目经费", "原文（全市）"] == "5.64万元"
    assert table.loc["立项经费", "原文（全市）"] == "1,585万元"
    assert "*" in table.loc["授权专利", "数据（全市合计）"]  # the bundled outputs are illustrative


def test_county_figures_come_from_the_data_and_are_illustrative(dataset):
    m = _metrics(_build(dataset, "520281"))
    platforms = dataset["platforms"]
    own = platforms[platforms.scope_code == "520281"]
    assert m.get("platforms.national").value == (own.level == "national").sum()
    assert m.get("platforms.provincial").value == (own.level == "provincial").sum()
    for metric_id in REQUIRED:
        assert m.get(metric_id).provenance == "illustrative", metric_id
        assert m.get(metric_id).bound == "exact"


def test_counties_add_up_to_the_bundled_data_total(dataset):
    sums = {k: 0.0 for k in view.ARTICLE_INDICATORS}
    for scope in current_scopes():
        if scope.level == "county":
            m = _metrics(_build(dataset, scope.code))
            for k in sums:
                sums[k] += m.get(k).value
    assert sums == {
        "platforms.national": 6,
        "platforms.provincial": 15,
        "outputs.projects_approved": 281,
        "outputs.funding_10k_yuan": 1585,
        "outputs.patents_granted": 523,  # the article's "500余项": at least 500
    }


def test_scope_without_population_omits_per_10k_and_says_why(dataset):
    result = _build(dataset, "520203")
    assert result.density.empty
    sentence = view.density_sentence(result)
    assert "没有" in sentence and "常住人口" in sentence and "未计算每万人专利数" in sentence
    assert "不以0代替" in sentence
    assert not any(k.startswith("outputs.patents_per_10k.") for k in _metrics(result).items)


def test_per_10k_at_city_scope_is_platform_grants_over_residents(dataset):
    result = _build(dataset)
    outputs = dataset["platform_outputs"]
    granted_2020 = outputs[outputs.year == 2020].patents_granted.sum()
    m = _metrics(result)
    expected = granted_2020 * 10_000 / 3_031_602
    assert m.get("outputs.patents_per_10k.2020").value == pytest.approx(expected)
    assert m.get("outputs.patents_stock_per_10k.2020").bound == "approx"
    assert "存量" in view.density_sentence(result) and "流量" in view.density_sentence(result)


def test_a_supplied_population_enables_per_10k_for_a_county(dataset):
    supplied = pd.DataFrame(
        {
            "scope_code": ["520201"],
            "year": [2020],
            "residents": [600_000],
            "provenance": ["analyst"],
            "source": ["测试"],
        }
    )
    result = _build(dataset, "520201", population=population_with(supplied))
    assert "outputs.patents_per_10k.2020" in _metrics(result).items


def test_narrative_numbers_are_the_computed_ones(dataset):
    result = _build(dataset)
    text = view.outputs_sentence(result)
    assert "281个" in text and "1,585万元" in text and "5.64万元" in text and "523件" in text
    assert "6个" in view.platform_sentence(result) and "15个" in view.platform_sentence(result)
    conc = result.concentration.set_index("output").loc["patents_granted"]
    assert f"{conc.gini:.2f}" in view.concentration_sentence(result)


def test_growth_consistency_sentence_names_13_to_45(dataset):
    text = view.growth_consistency_sentence(_build(dataset))
    assert "13∶45" in text and "246.15%" in text


def test_poisson_is_worded_as_association_at_city_scope_only(dataset):
    pytest.importorskip("statsmodels")
    city = _build(dataset)
    assert city.poisson is not None and city.poisson.interpretation == "association"
    text = view.poisson_sentence(city)
    assert "相关" in text and "不是因果" in text
    county = _build(dataset, "520203")
    assert county.poisson is None and "全市" in view.poisson_sentence(county)


def test_named_platforms_are_annotated_where_they_are(dataset):
    assert set(_build(dataset).named.name_zh) == set(view.NAMED_PLATFORMS.values())
    assert _build(dataset, "520204").named.name_zh.tolist() == ["水城现代农业产业园"]
    assert _build(dataset, "520203").named.empty


def test_illustrative_data_raise_the_banner(dataset):
    result = _build(dataset, "520203")
    assert result.banner and "示例数据" in result.banner


def test_county_comparison_only_at_city_scope(dataset):
    compare = _build(dataset).compare
    assert compare is not None and len(compare) == 4
    assert compare.total.sum() == 21
    # only 钟山区 and 盘州市 have a census population
    assert compare.set_index("scope_code").patents_per_10k.isna().sum() == 2
    assert _build(dataset, "520201").compare is None


def test_charts_draw_for_city_and_county(dataset):
    from lps_analysis.viz import charts

    for code in ("520200", "520204"):
        result = _build(dataset, code)
        ax = charts.platform_timeline(result.stock, events=result.named, illustrative=True)
        assert ax.patches and ax.texts
        assert charts.platform_output_bars(result.per_platform).patches
        assert charts.lorenz_curves(result.lorenz).lines
    compare = _build(dataset).compare
    assert len(charts.county_platform_comparison(compare).patches) == 8


def test_platform_rates_of_short_exposure_are_flagged(dataset):
    table = view.per_platform_table(_build(dataset, "520281"))
    flagged = table[table["每平台年授权专利"].str.endswith("†")]
    assert len(flagged) >= 1
    assert all(float(v) < 1 for v in flagged["平台年"])
    assert not math.isnan(float(table["平台年"].iloc[0]))


@pytest.mark.slow
@pytest.mark.parametrize("code", ["520200", "520204"])
def test_notebook_runs_and_records_metrics(tmp_path, code):
    papermill = pytest.importorskip("papermill")
    metrics_path = tmp_path / "metrics.json"
    papermill.execute_notebook(
        str(NOTEBOOK),
        str(tmp_path / "out.ipynb"),
        parameters={"scope": code, "metrics_path": str(metrics_path)},
        kernel_name=paths.KERNEL_NAME,
        progress_bar=False,
        cwd=str(NOTEBOOK.parent),
    )
    saved = json.loads(metrics_path.read_text(encoding="utf-8"))
    assert saved["scope"] == code
    by_id = {m["id"]: m for m in saved["metrics"]}
    assert REQUIRED <= set(by_id)
    if code == "520200":
        assert by_id["platforms.national"]["value"] == 6
        assert by_id["platforms.provincial"]["value"] == 15
        assert by_id["outputs.projects_approved"]["value"] == 281
        assert by_id["outputs.funding_10k_yuan"]["value"] == 1585
        assert by_id["outputs.patents_granted"] == {
            "id": "outputs.patents_granted",
            "value": 500,
            "unit": "patents",
            "provenance": "article",
            "bound": "lower",
        }
        assert round(by_id["outputs.funding_per_project_10k_yuan"]["value"], 2) == 5.64
        assert "outputs.patents_per_10k.2020" in by_id
    else:
        assert by_id["platforms.national"]["provenance"] == "illustrative"
        assert not any(k.startswith("outputs.patents_per_10k.") for k in by_id)

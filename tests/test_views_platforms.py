"""The platform-outputs report: the article's figures under what it says, the data's with their
marks, sentences, tables, charts, metrics and the notebook."""

import json
import re

import numpy as np
import pandas as pd
import pytest

from lps_analysis import fmt, paths
from lps_analysis.data.reference import load_facts, population_with
from lps_analysis.data.registry import current_scopes, get_scope
from lps_analysis.data.validate import load_dataset
from lps_analysis.metrics import Metrics
from lps_analysis.views import platforms as view
from lps_analysis.viz import platform_charts as charts
from lps_analysis.viz.theme import ILLUSTRATIVE_HATCH

NOTEBOOK = paths.ROOT / "notebooks" / "03_platform_outputs.ipynb"
REQUIRED = {
    "platforms.national",
    "platforms.provincial",
    "platforms.total",
    "platform_outputs.projects_approved",
    "platform_outputs.funding_10k_yuan",
    "platform_outputs.funding_per_project_10k_yuan",
    "platform_outputs.patents_granted",
    "platform_outputs.concentration_hhi",
}
INTRODUCED = {
    "introduced_talent.projects_approved",
    "introduced_talent.funding_10k_yuan",
    "introduced_talent.funding_per_project_10k_yuan",
    "introduced_talent.patents_granted",
}
SENTENCES = (
    view.platform_sentence,
    view.outputs_sentence,
    view.concentration_sentence,
    view.density_sentence,
    view.article_sentence,
    view.poisson_sentence,
)


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(paths.ILLUSTRATIVE_DIR)


@pytest.fixture(scope="module")
def real(dataset):
    """The bundled tables relabelled as the analysts' own statistics (every row real)."""
    # Names keep the generator's （示例） tag: the report must not print it for real rows.
    platforms = dataset["platforms"].assign(provenance="analyst", source="统计")
    outputs = dataset["platform_outputs"].assign(provenance="analyst")
    return {"platforms": platforms, "platform_outputs": outputs}


def _build(tables, code="520200", *, platforms=True, outputs=True, population=None):
    return view.build(
        get_scope(code),
        2015,
        2020,
        platforms=tables["platforms"] if platforms else None,
        platform_outputs=tables["platform_outputs"] if outputs else None,
        population=population if population is not None else population_with(None),
        facts=load_facts(),
    )


def _metrics(result):
    m = Metrics(scope=result.scope.code)
    view.record_metrics(m, result)
    return m


def _text(result) -> str:
    parts = [f(result) for f in SENTENCES]
    for table in (
        view.platform_table(result),
        view.per_platform_table(result),
        view.concentration_table(result),
        view.article_table(result),
        view.introduced_table(result),
    ):
        parts += [table.to_string(), view.table_note(table)]
    if result.compare is not None:
        parts.append(view.compare_table(result.compare).to_string())
    return "\n".join(parts)


# --------------------------------------------------------------------------- the article's figures


def test_city_platform_counts_are_the_articles_and_the_total_is_derived_from_them(dataset):
    m = _metrics(_build(dataset))
    national, provincial, total = (
        m.get(f"platforms.{k}") for k in ("national", "provincial", "total")
    )
    assert (national.value, national.provenance, national.sources) == (6, "article", ("F024",))
    assert (provincial.value, provincial.provenance, provincial.sources) == (
        15,
        "article",
        ("F025",),
    )
    assert (total.value, total.provenance, total.sources) == (21, "derived", ("F024", "F025"))


def test_projects_funding_and_patents_are_introduced_talents_not_platform_outputs(dataset):
    result = _build(dataset)
    m = _metrics(result)
    assert INTRODUCED <= set(m.items)
    patents = m.get("introduced_talent.patents_granted")
    assert (patents.value, patents.bound, patents.sources) == (500, "lower", ("F037",))
    assert m.get("introduced_talent.projects_approved").sources == ("F035",)
    assert m.get("introduced_talent.funding_10k_yuan").sources == ("F036",)
    per_project = m.get("introduced_talent.funding_per_project_10k_yuan")
    assert round(per_project.value, 2) == 5.64 and per_project.provenance == "derived"
    # The platform outputs come from the data only: no article fact among their sources.
    for metric_id, metric in m.items.items():
        if metric_id.startswith("platform_outputs."):
            assert not {"F035", "F036", "F037"} & set(metric.sources), metric_id
    # The table says whose achievement it is, in the article's words, with ≥ for 余.
    table = view.introduced_table(result)
    assert table.loc["授权专利", "原文数字"] == "≥500件"
    assert "推动引进人才申报各类项目获批281个" in table.loc["引进人才申报项目获批", "原文表述"]
    assert table.loc["每万人专利拥有量增长", "原文数字"] == "246.15%"
    assert "引进人才" in view.article_sentence(
        result
    ) and "不是平台的产出" in view.article_sentence(result)


def test_city_figures_come_from_the_article_even_without_platform_tables(dataset):
    result = _build(dataset, platforms=False, outputs=False)
    m = _metrics(result)
    assert m.get("platforms.national").value == 6
    assert m.get("introduced_talent.projects_approved").value == 281
    assert any("platforms" in n for n in result.notes)
    assert any("platform_outputs" in n for n in result.notes)
    # A missing table is recorded as missing, never as 0.
    projects = m.get("platform_outputs.projects_approved")
    assert projects.value is None and projects.missing == ("platform_outputs",)
    hhi = m.get("platform_outputs.concentration_hhi")
    assert hhi.value is None and hhi.missing == ("platform_outputs",)


def test_a_county_without_platform_tables_shows_and_records_no_zeros(dataset):
    result = _build(dataset, "520203", platforms=False, outputs=False)
    m = _metrics(result)
    for metric_id, metric in m.items.items():
        assert metric.value is None, metric_id
    assert "—" in view.platform_sentence(result)
    assert "没有平台产出数据" in view.outputs_sentence(result)


def test_missing_tables_leave_the_county_table_blank_without_blaming_population(dataset):
    result = _build(dataset, platforms=False, outputs=False)
    cells = view.compare_table(result.compare).to_numpy().ravel()
    assert set(cells) == {"—"}
    assert "常住人口数据" not in view.compare_note(result)  # 盘州市 has one; outputs are missing
    assert view.concentration_table(result).empty
    ax = charts.county_platform_comparison(result.compare)
    assert not ax.patches and {t.get_text() for t in ax.texts} == {"—"}  # no zero-height bars


def test_every_required_metric_is_recorded_at_city_scope(dataset):
    ids = set(_metrics(_build(dataset)).items)
    assert REQUIRED | INTRODUCED | {"platform_outputs.patents_per_10k.2020"} <= ids


# --------------------------------------------------------------------------- marks from values


def test_illustrative_platform_figures_are_marked_in_sentences_and_tables(dataset):
    result = _build(dataset)
    platforms = view.platform_sentence(result)
    assert "6个、" in platforms and "21个（原文 F024、F025）" in platforms  # real: no mark
    assert re.search(r"2015年末在册平台12个\\\*，2020年末20个\\\*，增长66\.7%\\\*", platforms)
    outputs = view.outputs_sentence(result)
    assert "59件\\*" in outputs and "192件\\*" in outputs and "+225.4%\\*" in outputs
    assert "贡献了60.2%\\*" in view.concentration_sentence(result)
    assert "每万人0.63件\\*" in view.density_sentence(result)
    assert "303.16万人，" in view.density_sentence(result)  # the official census: unmarked
    types = view.platform_table(result)
    assert all(cell.endswith("*") for cell in types["平台数"])
    assert view.table_note(types).endswith(fmt.markdown(fmt.ILLUSTRATIVE_NOTE))
    compare = view.compare_table(result.compare)
    assert all(c.endswith("*") or c == "—" for c in compare.to_numpy().ravel())


def test_all_real_inputs_print_no_mark_and_no_note(real):
    for code in ("520200", "520204"):
        result = _build(real, code)
        text = _text(result)
        assert "*" not in text and "示例" not in text, code
        assert fmt.ILLUSTRATIVE_NOTE not in text
        m = _metrics(result)
        assert all(metric.provenance != "illustrative" for metric in m.items.values())
        assert m.get("platforms.stock_growth").provenance == "derived"


def test_marks_follow_exactly_the_rows_used(real):
    # Only 2015's output rows illustrative: the 2020 flow per 10k stays real, the stock does not.
    outputs = real["platform_outputs"].copy()
    outputs.loc[outputs.year == 2016, "provenance"] = "illustrative"
    m = _metrics(_build({**real, "platform_outputs": outputs}))
    assert m.get("platform_outputs.patents_per_10k.2020").provenance == "derived"
    assert m.get("platform_outputs.patents_stock_per_10k.2020").provenance == "illustrative"
    assert m.get("platform_outputs.patents_granted").provenance == "illustrative"


def test_a_perturbed_illustrative_input_changes_only_marked_numbers(dataset):
    outputs = dataset["platform_outputs"].copy()
    outputs.loc[outputs.index[-1], "patents_granted"] += 7
    before = view.outputs_sentence(_build(dataset))
    after = view.outputs_sentence(
        _build({"platforms": dataset["platforms"], "platform_outputs": outputs})
    )
    number = re.compile(r"[+\-]?[\d,]+(?:\.\d+)?%?[^\d\\，。、（）]*(?:\\\*)?")
    changed = set(number.findall(after)) - set(number.findall(before))
    assert changed and all(n.endswith("\\*") for n in changed), changed


def test_platform_names_are_marked_by_their_own_row(dataset, real):
    names = view.per_platform_table(_build(dataset, "520204")).index
    assert "水城现代农业产业园" in names  # the article's park: a real platform
    assert all(n.endswith("*") and "示例" not in n for n in names if n != "水城现代农业产业园")
    assert not any("*" in n or "示例" in n for n in view.per_platform_table(_build(real)).index)


def test_sentences_escape_the_mark_for_markdown(dataset):
    for sentence in SENTENCES:
        text = sentence(_build(dataset))
        assert not re.search(r"(?<!\\)\*", text), sentence.__name__


# --------------------------------------------------------------------------- the data's figures


def test_county_figures_come_from_the_data_and_are_illustrative(dataset):
    m = _metrics(_build(dataset, "520281"))
    own = dataset["platforms"][dataset["platforms"].scope_code == "520281"]
    assert m.get("platforms.national").value == (own.level == "national").sum()
    assert m.get("platforms.provincial").value == (own.level == "provincial").sum()
    for metric_id in REQUIRED:
        assert m.get(metric_id).provenance == "illustrative", metric_id
        assert m.get(metric_id).bound == "exact"
    assert not INTRODUCED & set(m.items)  # the article's city figures belong to the city report


def test_counties_add_up_to_the_city_data_and_the_incubator_is_in_no_county(dataset):
    city = _metrics(_build(dataset))
    sums = {k: 0.0 for k in ("national", "provincial")}
    outputs = {k: 0.0 for k in ("projects_approved", "funding_10k_yuan", "patents_granted")}
    for scope in current_scopes():
        if scope.level == "county":
            result = _build(dataset, scope.code)
            assert "六盘水市科技企业孵化器" not in set(result.named.name_zh)
            m = _metrics(result)
            for k in sums:
                sums[k] += m.get(f"platforms.{k}").value
            for k in outputs:
                outputs[k] += m.get(f"platform_outputs.{k}").value
    assert sums == {"national": 5, "provincial": 15}  # + the city-level incubator = the 6 of F024
    assert outputs == {k: city.get(f"platform_outputs.{k}").value for k in outputs}
    assert "六盘水市科技企业孵化器列为市级平台" in view.compare_note(_build(dataset))


def test_scope_without_population_omits_per_10k_and_says_why(dataset):
    result = _build(dataset, "520203")
    assert result.density.empty
    sentence = view.density_sentence(result)
    assert "没有" in sentence and "常住人口" in sentence and "未计算每万人专利数" in sentence
    assert not any(
        k.startswith("platform_outputs.patents_per_10k.") for k in _metrics(result).items
    )


def test_per_10k_at_city_scope_is_platform_grants_over_residents(dataset):
    result = _build(dataset)
    outputs = dataset["platform_outputs"]
    granted_2020 = outputs[outputs.year == 2020].patents_granted.sum()
    m = _metrics(result)
    per_10k = m.get("platform_outputs.patents_per_10k.2020")
    assert per_10k.value == pytest.approx(granted_2020 * 10_000 / 3_031_602)
    assert per_10k.provenance == "illustrative"
    assert any(s.startswith("https://") for s in per_10k.sources)  # the census it divides by
    assert m.get("platform_outputs.patents_stock_per_10k.2020").bound == "approx"
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
    per_10k = _metrics(result).get("platform_outputs.patents_per_10k.2020")
    assert "测试" in per_10k.sources


def test_no_13_to_45_paragraph_and_no_proof_by_construction(dataset):
    text = _text(_build(dataset))
    assert "13∶45" not in text and "一致" not in text


def test_boundary_note_where_zhongshan_and_shuicheng_are_compared_across_2020(dataset):
    for code in ("520201", "520204"):
        assert "区划" in view.platform_sentence(_build(dataset, code))
    assert "区划" not in view.platform_sentence(_build(dataset, "520203"))


def test_poisson_is_worded_as_association_at_city_scope_only(dataset):
    pytest.importorskip("statsmodels")
    city = _build(dataset)
    assert city.poisson is not None and city.poisson.interpretation == "association"
    assert city.poisson.provenance == "illustrative"
    text = view.poisson_sentence(city)
    assert "相关" in text and "不是因果" in text and "95%置信区间" in text
    county = _build(dataset, "520203")
    assert county.poisson is None and "全市" in view.poisson_sentence(county)


def test_named_platforms_are_annotated_where_they_are(dataset):
    assert set(_build(dataset).named.name_zh) == set(view.NAMED_PLATFORMS.values())
    assert _build(dataset, "520204").named.name_zh.tolist() == ["水城现代农业产业园"]
    assert _build(dataset, "520201").named.empty  # the incubator is the city's (F027)
    assert "F026" in view.article_table(_build(dataset, "520204")).to_string()


def test_platform_rates_of_short_exposure_are_flagged(dataset):
    table = view.per_platform_table(_build(dataset, "520281"))
    flagged = table[table["每平台年授权专利"].str.endswith("†")]
    assert len(flagged) >= 1
    assert all(float(v.rstrip("*")) < 1 for v in flagged["平台年"])


# --------------------------------------------------------------------------- charts


def _hatched(patches) -> list[bool]:
    return [p.get_hatch() == ILLUSTRATIVE_HATCH for p in patches]


def test_each_bar_is_hatched_by_its_own_value(dataset, real):
    # PN01 (the article's park) with real outputs, every other platform illustrative.
    outputs = dataset["platform_outputs"].copy()
    outputs.loc[outputs.platform_id == "PN01", "provenance"] = "analyst"
    platforms = dataset["platforms"].copy()
    result = _build({"platforms": platforms, "platform_outputs": outputs}, "520204")
    ax = charts.platform_output_bars(result.per_platform)
    drawn = result.per_platform[result.per_platform.exposure_years > 0].sort_values(
        "patents_granted"
    )
    expected = [pid != "PN01" for pid in drawn.platform_id]
    assert _hatched(ax.patches) == expected and not all(expected)
    labels = [t.get_text().strip() for t in ax.texts if not t.get_text().startswith("斜线")]
    assert sum(not label.endswith("*") for label in labels) == 1
    # The same chart on the bundled data hatches the park too: its value is illustrative.
    bundled = charts.platform_output_bars(_build(dataset, "520204").per_platform)
    assert all(_hatched(bundled.patches))
    solid = charts.platform_output_bars(_build(real, "520204").per_platform)
    assert not any(_hatched(solid.patches)) and not any("*" in t.get_text() for t in solid.texts)


def test_charts_draw_the_figures_of_city_and_county(dataset):
    for code in ("520200", "520204"):
        result = _build(dataset, code)
        ax = charts.platform_timeline(result.stock, events=result.named)
        assert ax.patches and all(_hatched(ax.patches))
        # each year's stacked bars reach that year's stock, bar by bar
        tops = {}
        for bar in ax.patches:
            year = round(bar.get_x() + bar.get_width() / 2)
            tops[year] = max(tops.get(year, 0.0), bar.get_y() + bar.get_height())
        stock = result.stock.groupby("year")["stock"].sum()
        assert tops == pytest.approx({int(y): float(n) for y, n in stock.items()})
        ax = charts.lorenz_curves(result.lorenz, concentration=result.concentration)
        curves = {line.get_label().split("（")[0]: line for line in ax.lines}
        assert list(curves["完全均等"].get_ydata()) == [0, 1]
        for output, rows in result.lorenz.groupby("output", sort=False):
            line = next(
                line
                for label, line in curves.items()
                if label == charts.OUTPUT_LABELS.get(output, output)
            )
            np.testing.assert_allclose(line.get_xdata(), rows.platform_share.astype(float))
            np.testing.assert_allclose(line.get_ydata(), rows.output_share.astype(float))
    compare = _build(dataset).compare
    ax = charts.county_platform_comparison(compare)
    heights = sorted(round(bar.get_height(), 9) for bar in ax.patches)
    values = [
        v.value
        for col in ("projects_per_platform_year", "patents_per_platform_year")
        for v in compare[col]
        if not v.is_missing
    ]
    assert len(ax.patches) == len(values) == 8
    assert heights == pytest.approx(sorted(values))


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
    printed = {p["text"] for p in saved["printed"]}
    if code == "520200":
        assert by_id["introduced_talent.patents_granted"] == {
            "id": "introduced_talent.patents_granted",
            "value": 500,
            "unit": "patents",  # printed in 件, one unit for patents; the article's 500余项 is quoted
            "provenance": "article",
            "bound": "lower",
            "sources": ["F037"],
            "missing": [],
        }
        assert {"6个", "15个", "21个", "≥500件", "66.7%*"} <= printed
    else:
        assert by_id["platforms.national"]["provenance"] == "illustrative"
        assert not any(k.startswith("platform_outputs.patents_per_10k.") for k in by_id)
        assert not any(p["provenance"] == "unmarked" for p in saved["printed"])

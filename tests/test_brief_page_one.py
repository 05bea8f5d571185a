"""The brief's first page and county list on constructed inputs: 问题与不足 rules, 下一步工作建议
read from the analysts' file as text, 数据待补充 derived from the recorded metrics."""

from __future__ import annotations

import mistune
import pandas as pd
import pytest

from lps_analysis import fmt, views
from lps_analysis.data.registry import get_scope
from lps_analysis.metrics import Metric, analyses_without_results
from lps_analysis.views.brief import gaps, issues, recommendations
from lps_analysis.views.brief.counties import CountyRow
from lps_analysis.views.brief.numbers import Cite

CITY = get_scope("520200")
COUNTY = get_scope("520203")


def _benchmarks(total=(100.0, 150.0), skilled=(50.0, 60.0), peer_density=1300.0):
    rows = [
        ("贵州省", "talent_stock", "all", 2015, total[0]),
        ("贵州省", "talent_stock", "all", 2020, total[1]),
        ("贵州省", "talent_stock", "skilled", 2015, skilled[0]),
        ("贵州省", "talent_stock", "skilled", 2020, skilled[1]),
        ("黔东南州", "talent_per_10k_population", "all", 2020, peer_density),
    ]
    return pd.DataFrame(
        [
            {
                "region": r,
                "indicator": i,
                "category": c,
                "year": y,
                "value": v,
                "unit": "persons_per_10k" if "per_10k" in i else "persons",
                "bound": "exact",
                "provenance": "official",
                "source": "https://example.gov.cn/page",
            }
            for r, i, c, y, v in rows
        ]
    )


def _metrics(provenance="article", **values) -> dict[str, Metric]:
    out = {}
    for key, value in values.items():
        metric_id = key.replace("__", ".")
        unit = "persons_per_10k" if "per_10k" in metric_id else "persons"
        out[metric_id] = Metric(metric_id, value, unit, provenance, "exact", ("F001",))
    return out


def _find(metrics, benchmarks, **kw):
    return issues.find_issues(CITY, metrics, benchmarks, start=2015, end=2020, **kw)


def test_a_total_growing_slower_than_the_province_is_a_shortfall():
    metrics = _metrics(talent__total__2015=100, talent__total__2020=120)  # +20% vs +50%
    found = _find(metrics, _benchmarks()).found
    assert [i.rule for i in found] == ["total_growth"]
    assert "20%" in found[0].text.replace(".00", "") and "50%" in found[0].text.replace(".00", "")
    assert not found[0].illustrative


def test_a_total_growing_faster_than_the_province_is_not_a_shortfall():
    metrics = _metrics(talent__total__2015=100, talent__total__2020=160)
    assert _find(metrics, _benchmarks()).found == ()


def test_each_named_category_is_compared_with_the_same_category_in_the_province():
    metrics = _metrics(talent__skilled__2015=100, talent__skilled__2020=110)  # +10% vs +20%
    found = _find(metrics, _benchmarks()).found
    assert [i.rule for i in found] == ["category_growth"]
    assert found[0].text.startswith("技能人才")
    faster = _metrics(talent__skilled__2015=100, talent__skilled__2020=130)
    assert _find(faster, _benchmarks()).found == ()


def test_density_below_the_peer_prefecture_is_a_shortfall_and_missing_density_is_not_judged():
    low = _find(_metrics(talent__per_10k__2020=1200), _benchmarks())
    assert [i.rule for i in low.found] == ["density"]
    none = _find({}, _benchmarks())
    assert none.found == ()
    assert issues.RULES["density"] in none.not_judged
    assert issues.RULES["total_growth"] in none.not_judged


def test_a_shortfall_resting_on_example_data_is_shown_as_a_demonstration_with_marks():
    metrics = _metrics("illustrative", talent__total__2015=100, talent__total__2020=120)
    result = _find(metrics, _benchmarks())
    (issue,) = result.found
    assert issue.illustrative and fmt.ILLUSTRATIVE_MARK in issue.text
    text = issues.issues_markdown(result)
    assert "示例数据，仅演示规则" in text and "判断规则" in text


def test_counties_below_the_province_annual_growth_are_named():
    def row(code, cagr):
        v = Metric("talent.total.cagr", cagr, "ratio", "analyst").as_value()
        return CountyRow(get_scope(code), (Cite("talent.total.cagr", f"{cagr}", v),), True)

    rows = [row("520201", 0.02), row("520203", 0.20), row("520200", 0.05)]
    found = _find({}, _benchmarks(), counties=rows).found  # province: 1.5 ** 0.2 - 1 = 8.4%
    assert [i.text[:3] for i in found] == ["钟山区"]


def test_no_rule_fires_without_benchmarks():
    metrics = _metrics(talent__total__2015=100, talent__total__2020=101)
    result = _find(metrics, None)
    assert result.found == () and issues.RULES["total_growth"] in result.not_judged


# --- 下一步工作建议 ------------------------------------------------------------------------------


def test_recommendations_are_read_line_by_line_without_markers_or_comment_lines(tmp_path):
    (tmp_path / "520203.md").write_text(
        "# 说明：每行一条\n\n- 第一条\n2. 第二条\n（3）第三条\n", encoding="utf-8"
    )
    rec = recommendations.read_recommendations("520203", tmp_path)
    assert rec.items == ("第一条", "第二条", "第三条") and rec.left_out == 0


def test_a_missing_or_empty_file_gives_the_placeholder(tmp_path):
    rec = recommendations.read_recommendations("520203", tmp_path)
    assert rec.empty
    assert recommendations.recommendations_markdown(rec) == recommendations.PLACEHOLDER
    (tmp_path / "520203.md").write_text("# 只有说明\n\n", encoding="utf-8")
    assert recommendations.read_recommendations("520203", tmp_path).empty


@pytest.mark.parametrize(
    "line",
    [
        "<script>alert(1)</script>加强引才",
        "[点](javascript:alert(1)) **粗** _斜_ `码`",
        "<img src=x onerror=alert(1)>",
        "| a | b |",
    ],
)
def test_recommendation_text_renders_as_its_own_characters_never_as_markup(tmp_path, line):
    (tmp_path / "520203.md").write_text(f"- {line}\n", encoding="utf-8")
    rec = recommendations.read_recommendations("520203", tmp_path)
    html = mistune.html(recommendations.recommendations_markdown(rec))
    assert "<script" not in html and "<img" not in html and "href=" not in html
    assert "<strong>" not in html and "<code>" not in html and "<table" not in html
    from bs4 import BeautifulSoup

    assert BeautifulSoup(html, "html.parser").get_text().strip() == line


def test_control_characters_in_a_recommendation_cannot_open_a_new_block(tmp_path):
    (tmp_path / "520203.md").write_bytes("第一条\x1b[31m\u202e续\n".encode())
    (item,) = recommendations.read_recommendations("520203", tmp_path).items
    assert "\x1b" not in item and "\u202e" not in item


def test_long_files_show_five_lines_and_say_how_many_were_left_out(tmp_path):
    lines = [f"建议{chr(0x4E00 + i)}" for i in range(8)] + ["长" * 300]
    (tmp_path / "520203.md").write_text("\n".join(lines), encoding="utf-8")
    rec = recommendations.read_recommendations("520203", tmp_path)
    assert len(rec.items) == recommendations.MAX_ITEMS and rec.left_out == 4
    assert "另有4条建议" in recommendations.recommendations_markdown(rec)


def test_recommendations_enter_the_ledger_as_the_analysts_words(tmp_path):
    (tmp_path / "520203.md").write_text("2025年前引进500名人才\n", encoding="utf-8")
    rec = recommendations.read_recommendations("520203", tmp_path)
    fmt.PRINTED.clear()
    recommendations.recommendations_markdown(rec)
    assert fmt.PRINTED == [
        {"text": "2025年前引进500名人才", "provenance": "analyst", "sources": [rec.source]}
    ]


# --- 数据待补充 ----------------------------------------------------------------------------------


def test_a_missing_figure_asks_for_the_table_its_metric_names():
    metrics = {
        "talent.per_10k.2020": Metric(
            "talent.per_10k.2020", None, "persons_per_10k", missing=("population",)
        ),
        "talent.total.2020": Metric("talent.total.2020", 5.0, "persons", "analyst"),
    }
    (gap,) = gaps.data_gaps(metrics)
    assert gap.table == "population" and gap.status == gaps.MISSING_STATUS
    assert "常住人口（人）" in gap.fields and gap.figures == ("每万人拥有人才（2020年）",)


def test_figures_from_example_rows_ask_for_the_real_tables_they_rest_on():
    metrics = {
        "talent.total.2020": Metric("talent.total.2020", 5.0, "persons", "illustrative"),
        "exchange.persons.total": Metric(
            "exchange.persons.total", 7.0, "persons", "illustrative", sources=("exchanges",)
        ),
        "platforms.total": Metric("platforms.total", 3.0, "platforms", "article"),
    }
    listed = {g.table: g.status for g in gaps.data_gaps(metrics)}
    assert listed == {"talent_stock": gaps.EXAMPLE_STATUS, "exchanges": gaps.EXAMPLE_STATUS}


def test_a_county_with_only_real_figures_has_nothing_to_supply():
    metrics = {
        metric_id: Metric(metric_id, 5.0, "persons", "analyst")
        for metric_id in ("talent.total.2020", "exchange.persons.total", "platforms.total")
    }
    assert gaps.data_gaps(metrics) == []
    not_run = tuple(analyses_without_results(metrics))
    assert not_run == ()
    assert "均已有真实数据" in gaps.gaps_sentence([], COUNTY.name_zh, not_run)


def test_tables_of_an_analysis_not_yet_run_are_never_called_complete():
    """The brief run before (or without) the analyses knows nothing of their tables."""
    assert "均已有真实数据" not in gaps.gaps_sentence([], COUNTY.name_zh, ("人才结构分析（01）",))
    view = views.brief.build(COUNTY, metrics={}, facts=None)
    assert view.gaps == [] and len(view.not_run) == 3
    said = gaps.gaps_sentence(view.gaps, COUNTY.name_zh, view.not_run)
    assert "均已有真实数据" not in said and "无待补充" not in said
    assert all(name in said for name in view.not_run) and "尚不能判断" in said
    only_talent = {"talent.total.2020": Metric("talent.total.2020", 5.0, "persons", "analyst")}
    view = views.brief.build(COUNTY, metrics=only_talent, facts=None)
    said = gaps.gaps_sentence(view.gaps, COUNTY.name_zh, view.not_run)
    assert said.startswith(f"{COUNTY.name_zh}已有结果的分析无待补充的表")
    assert "人才结构分析（01）" not in said
    assert "东西部协作分析（02）、平台产出分析（03）尚无结果" in said


def test_at_most_max_shown_shortfalls_are_printed_real_ones_first_and_the_rest_counted():
    real = issues.Issue("total_growth", "真实", ())
    demo_cite = Cite("x", "1*", Metric("x", 1.0, "ratio", "illustrative").as_value())
    demo = issues.Issue("county_growth", "示例", (demo_cite,))
    text = issues.issues_markdown(issues.Issues((demo,) * 5 + (real,), ()))
    lines = [line for line in text.splitlines() if line.startswith("- ")]
    assert lines[0] == "- 真实" and len(lines) == issues.MAX_SHOWN + 1
    assert f"另有{6 - issues.MAX_SHOWN}条" in lines[-1]


def test_a_lower_bound_below_the_reference_is_not_claimed_as_a_shortfall():
    metrics = _metrics(talent__total__2015=100, talent__total__2020=120)
    metrics["talent.total.2020"] = Metric("talent.total.2020", 120, "persons", "article", "lower")
    result = _find(metrics, _benchmarks())
    assert result.found == () and issues.RULES["total_growth"] in result.not_judged

"""The talent-structure report's frames, sentences and metrics."""

import pandas as pd
import pytest

from lps_analysis import fmt
from lps_analysis.data.reference import load_benchmarks, load_population
from lps_analysis.data.registry import get_scope
from lps_analysis.data.vocab import TOTAL_CATEGORY_ZH
from lps_analysis.metrics import Metrics
from lps_analysis.views import structure as view
from lps_analysis.views import structure_metrics, structure_tables, structure_text

ARTICLE = [
    (2015, "all", 298_200),
    (2015, "management", 41_000),
    (2015, "professional", 80_000),
    (2015, "skilled", 102_000),
    (2020, "all", 428_000),
    (2020, "management", 59_000),
    (2020, "professional", 115_000),
    (2020, "skilled", 150_000),
]


FACT_IDS = {
    (2015, "all"): "F009",
    (2020, "all"): "F010",
    (2015, "management"): "F011",
    (2020, "management"): "F012",
    (2015, "professional"): "F013",
    (2020, "professional"): "F014",
    (2015, "skilled"): "F015",
    (2020, "skilled"): "F016",
}


def _article_stock():
    return pd.DataFrame(
        [("520200", y, c, float(n), "article", f"原文 {FACT_IDS[(y, c)]}") for y, c, n in ARTICLE],
        columns=["scope_code", "year", "category", "count", "provenance", "source"],
    )


def _with_illustrative_middle_years(stock):
    """The article's figures plus illustrative 2016–2019 city rows (as the bundled data has)."""
    middle = pd.DataFrame(
        [
            ("520200", y, c, n, "illustrative", "示例数据")
            for y in range(2016, 2020)
            for c, n in (("management", 50_000.0), ("professional", 95_000.0))
        ],
        columns=stock.columns,
    )
    return pd.concat([stock, middle], ignore_index=True)


def _build(stock, code="520200", start=2015, end=2020):
    return view.build(
        get_scope(code),
        start,
        end,
        talent_stock=stock,
        benchmarks=load_benchmarks(),
        population=load_population(),
    )


def _metrics(result):
    m = Metrics(scope=result.scope.code)
    structure_metrics.record_metrics(m, result)
    return m


def test_city_metrics_from_the_article_alone():
    m = _metrics(_build(_article_stock()))
    assert m.get("talent.total.growth").value == pytest.approx(0.4353, abs=5e-5)
    assert m.get("talent.total.cagr").value == pytest.approx(0.0749, abs=5e-5)
    assert m.get("talent.share_change_pp.skilled").value == pytest.approx(0.84, abs=5e-3)
    assert m.get("talent.unspecified.2015").value == 75_200
    assert m.get("talent.unspecified.2020").value == 104_000
    assert m.get("talent.dissimilarity").value == pytest.approx(0.0092, abs=5e-5)
    assert m.get("talent.total.2015").provenance == "article"
    assert m.get("talent.total.growth").provenance == "derived"
    assert m.get("talent.per_10k.2020").value == pytest.approx(428_000 / 3_031_602 * 10_000)


def test_every_required_metric_id_is_recorded_at_city_scope():
    ids = set(_metrics(_build(_article_stock())).items)
    required = {
        "talent.total.2015",
        "talent.total.2020",
        "talent.total.growth",
        "talent.total.cagr",
        "talent.dissimilarity",
        "talent.per_10k.2020",
    }
    for cat in view.REPORTED_CATEGORIES:
        required |= {
            f"talent.{cat}.2015",
            f"talent.{cat}.2020",
            f"talent.share.{cat}.2020",
            f"talent.share_change_pp.{cat}",
        }
        required |= {f"talent.shift_share.{cat}.{p}" for p in ("reference", "mix", "local")}
    assert required - ids == set()


def _narrative(result):
    return structure_text.narrative(
        result.change, result.scope, result.start, result.end, result.dissimilarity
    )


def test_narrative_numbers_are_the_computed_ones():
    text = _narrative(_build(_article_stock()))
    assert "29.82万人" in text and "42.8万人" in text and "43.5%" in text and "7.5%" in text
    assert "+0.84个百分点" in text and "0.009" in text
    assert "*" not in text


def test_the_citys_real_figures_are_unmarked_and_derived_even_beside_illustrative_years():
    result = _build(_with_illustrative_middle_years(_article_stock()))
    text = _narrative(result)
    assert "43.5%" in text and "7.5%" in text and "+0.84个百分点" in text and "0.009" in text
    assert "*" not in text and "示例" not in text
    m = _metrics(result)
    growth = m.get("talent.total.growth")
    assert (growth.provenance, growth.sources) == ("derived", ("F009", "F010"))
    assert m.get("talent.total.cagr").sources == ("F009", "F010")
    assert m.get("talent.dissimilarity").provenance == "derived"
    assert m.get("talent.share_change_pp.skilled").provenance == "derived"
    for part in ("reference", "mix", "local"):
        assert m.get(f"talent.shift_share.skilled.{part}").provenance == "derived"
    shift = structure_text.shift_share_sentence(result.shift, result.scope)
    assert "*" not in shift and "%" in shift
    # the change table rests on 2015 and 2020 only: no mark, no note
    changes = structure_tables.change_table(result.change)
    assert changes.note is None
    assert not changes.frame.map(lambda c: "*" in c).to_numpy().any()
    # the stock table shows the illustrative years: marked there, and only there
    stock = structure_tables.stock_table(result.completed, [2015, 2016, 2020])
    assert stock.frame.loc[TOTAL_CATEGORY_ZH, "2016年"].endswith("*")
    assert not stock.frame["2015年"].str.contains("*", regex=False).any()
    assert not stock.frame["2020年"].str.contains("*", regex=False).any()
    assert fmt.ILLUSTRATIVE_NOTE in stock.note


def test_illustrative_rows_raise_the_banner_and_taint_what_rests_on_them():
    stock = _article_stock()
    stock.loc[stock.category == "skilled", "provenance"] = "illustrative"
    result = _build(stock)
    assert result.banner and "示例数据" in result.banner
    m = _metrics(result)
    # the totals are the article's: their growth is real; the shares divide by the skilled too
    assert m.get("talent.total.growth").provenance == "derived"
    assert m.get("talent.share_change_pp.management").provenance == "illustrative"
    assert m.get("talent.skilled.2020").provenance == "illustrative"
    table = structure_tables.stock_table(result.completed, [2015, 2020])
    assert table.frame.loc["技能人才", "2020年"].endswith("*")
    assert not table.frame.loc[TOTAL_CATEGORY_ZH, "2020年"].endswith("*")
    assert fmt.ILLUSTRATIVE_NOTE in table.note


def test_all_real_tables_have_no_mark_and_no_illustrative_note():
    result = _build(_article_stock())
    table = structure_tables.stock_table(result.completed, [2015, 2020])
    assert not table.frame.map(lambda c: "*" in c).to_numpy().any()
    assert fmt.ILLUSTRATIVE_NOTE not in (table.note or "")
    assert result.banner is None


def test_a_missing_year_gives_a_sentence_and_no_exception():
    stock = _article_stock()
    result = _build(stock[stock.year != 2015])
    assert any("缺少2015年" in n for n in result.notes)
    assert result.dissimilarity.is_missing
    m = _metrics(result)
    growth = m.get("talent.total.growth")
    assert growth.value is None and growth.missing == ("talent_stock",)
    assert m.get("talent.total.2015").value is None
    assert m.get("talent.total.2020").value == 428_000
    assert "无法" in _narrative(result)


def test_a_missing_category_is_named():
    stock = _article_stock()
    result = _build(stock[~((stock.year == 2020) & (stock.category == "skilled"))])
    assert any("2020年缺少技能人才" in n for n in result.notes)


def test_county_without_population_gets_no_density_and_says_why():
    stock = _article_stock().assign(scope_code="520203")
    result = _build(stock, code="520203")
    assert result.density.empty
    sentence = structure_text.density_sentence(
        result.density, result.scope, population_known=result.population_known
    )
    assert "没有官方常住人口数据" in sentence and "未计算每万人人才数" in sentence
    per_10k = _metrics(result).get("talent.per_10k.2020")
    assert per_10k.value is None and per_10k.missing == ("population",)


def test_city_density_is_real_and_cites_the_census():
    result = _build(_article_stock())
    per_10k = _metrics(result).get("talent.per_10k.2020")
    assert per_10k.provenance == "derived"
    assert per_10k.sources[0] == "F010" and per_10k.sources[1].startswith("http")
    sentence = structure_text.density_sentence(result.density, result.scope, population_known=True)
    assert (
        "3031602人" in sentence and "每万人拥有人才1412人。" in sentence and "*" not in sentence
    )
    assert "第七次全国人口普查" in sentence


def test_county_density_from_an_illustrative_total_is_marked_though_the_census_is_real():
    stock = _article_stock().assign(scope_code="520281", provenance="illustrative")
    result = _build(stock, code="520281")
    sentence = structure_text.density_sentence(result.density, result.scope, population_known=True)
    # 428000 / 1074073 × 10000 = 3984.8: illustrative, so starred; the population is not
    assert "每万人拥有人才3985人*" in sentence and "1074073人（" in sentence
    assert "二手来源" in sentence  # the population comes from a secondary page: say so
    assert _metrics(result).get("talent.per_10k.2020").provenance == "illustrative"


def test_zhongshan_has_an_official_population_and_so_a_density():
    stock = _article_stock().assign(scope_code="520201", provenance="analyst")
    result = _build(stock, code="520201")
    per_10k = _metrics(result).get("talent.per_10k.2020")
    assert per_10k.provenance == "derived"
    assert per_10k.value == pytest.approx(428_000 / 674_249 * 10_000)


@pytest.mark.parametrize(("code", "noted"), [("520201", True), ("520204", True), ("520203", False)])
def test_a_boundary_note_wherever_zhongshan_or_shuicheng_is_compared_across_2020(code, noted):
    stock = _article_stock().assign(scope_code=code)
    result = _build(stock, code=code)
    assert (result.boundary is not None) == noted
    if noted:
        assert "区划" in result.boundary and "钟山区" in result.boundary
    # within the new boundary there is nothing to say
    assert _build(stock, code=code, start=2020, end=2021).boundary is None


def test_the_city_county_comparison_carries_the_boundary_note():
    rows = []
    for code in ("520200", "520201", "520203", "520204", "520281"):
        for year, cat, n in ARTICLE:
            rows.append((code, year, cat, n / 5, "illustrative", "示例"))
    stock = pd.DataFrame(
        rows, columns=["scope_code", "year", "category", "count", "provenance", "source"]
    )
    result = _build(stock)
    compared = structure_tables.compare_table(result.compare, boundary=result.compare_boundary)
    assert "钟山区、水城区" in compared.note
    assert fmt.ILLUSTRATIVE_NOTE in compared.note
    assert compared.frame.loc["钟山区", "年均增长率"].endswith("*")


def test_city_rows_fall_back_to_county_sums_when_the_city_is_absent():
    rows = []
    for code, share in (("520201", 0.3), ("520203", 0.2), ("520204", 0.2), ("520281", 0.3)):
        for year, cat, n in ARTICLE:
            if cat != "all":
                rows.append((code, year, cat, n * share, "illustrative", "示例"))
    stock = pd.DataFrame(
        rows, columns=["scope_code", "year", "category", "count", "provenance", "source"]
    )
    city = view.scope_stock(stock, "520200")
    assert city[(city.year == 2020) & (city.category == "skilled")]["count"].iloc[
        0
    ] == pytest.approx(150_000)
    assert set(city.provenance) == {"illustrative"}


def test_no_talent_stock_table_is_a_note_not_a_crash_nor_a_zero():
    result = _build(None)
    assert result.notes == [f"数据中没有{TOTAL_CATEGORY_ZH}表（talent_stock），本节无法计算。"]
    # the city's population is known: what lacks is the talent total, and the text says so
    sentence = structure_text.density_sentence(
        result.density, result.scope, population_known=result.population_known
    )
    assert TOTAL_CATEGORY_ZH in sentence and "常住人口数据，未计算" not in sentence
    recorded = _metrics(result).to_records()
    assert recorded and all(r["value"] is None for r in recorded)
    assert {tuple(r["missing"]) for r in recorded} == {("talent_stock",)}
    assert result.boundary is None


def test_a_population_title_from_a_data_file_cannot_inject_markup():
    population = pd.DataFrame(
        {
            "scope_code": ["520203"],
            "year": [2020],
            "residents": [600_000],
            "provenance": ["analyst"],
            "source": ["x"],
            "title": ["<script>alert(1)</script>[点此](http://evil)**粗体**"],
        }
    )
    stock = _article_stock().assign(scope_code="520203")
    result = view.build(
        get_scope("520203"),
        2015,
        2020,
        talent_stock=stock,
        benchmarks=load_benchmarks(),
        population=population,
    )
    sentence = structure_text.density_sentence(result.density, result.scope, population_known=True)
    assert not any(ch in sentence for ch in "<>[]*")
    assert "每万人拥有人才7133人。" in sentence  # 428000 / 600000 × 10000, analyst: real

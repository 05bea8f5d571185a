"""The talent-structure report's frames, sentences and metrics."""

import math

import pandas as pd
import pytest

from lps_analysis.data.reference import load_benchmarks, load_population
from lps_analysis.data.registry import get_scope
from lps_analysis.metrics import Metrics
from lps_analysis.views import structure as view

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


def _article_stock():
    return pd.DataFrame(
        [("520200", y, c, float(n), "article", "原文") for y, c, n in ARTICLE],
        columns=["scope_code", "year", "category", "count", "provenance", "source"],
    )


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
    view.record_metrics(m, result)
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


def test_narrative_numbers_are_the_computed_ones():
    result = _build(_article_stock())
    text = view.narrative(result.change, result.scope, 2015, 2020, result.dissimilarity)
    assert "29.82万人" in text and "42.80万人" in text and "43.53%" in text and "7.49%" in text
    assert "+0.84个百分点" in text and "0.0092" in text


def test_illustrative_rows_raise_the_banner_and_taint_derived_metrics():
    stock = _article_stock()
    stock.loc[stock.category == "skilled", "provenance"] = "illustrative"
    result = _build(stock)
    assert result.banner and "示例数据" in result.banner
    assert _metrics(result).get("talent.total.growth").provenance == "illustrative"
    assert "*" in view.stock_table(result.completed, [2015, 2020]).loc["技能人才", "2020年"]


def test_a_missing_year_gives_a_sentence_and_no_exception():
    stock = _article_stock()
    result = _build(stock[stock.year != 2015])
    assert any("缺少2015年" in n for n in result.notes)
    assert math.isnan(result.dissimilarity)
    m = _metrics(result)
    assert "talent.total.growth" not in m.items and "talent.total.2020" in m.items
    assert "无法" in view.narrative(result.change, result.scope, 2015, 2020, result.dissimilarity)


def test_a_missing_category_is_named():
    stock = _article_stock()
    result = _build(stock[~((stock.year == 2020) & (stock.category == "skilled"))])
    assert any("2020年缺少技能人才" in n for n in result.notes)


def test_county_without_population_gets_no_density_and_says_why():
    stock = _article_stock().assign(scope_code="520201")
    result = _build(stock, code="520201")
    assert result.density.empty
    assert "未计算每万人人才数" in view.density_sentence(result.density, result.scope)
    assert not any(k.startswith("talent.per_10k") for k in _metrics(result).items)


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


def test_no_talent_stock_table_is_a_note_not_a_crash():
    result = _build(None)
    assert result.notes and "talent_stock" in result.notes[0]

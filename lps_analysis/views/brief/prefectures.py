"""The city brief's comparison with Guizhou's other prefectures: official figures only.

One row per prefecture with a 2020 census population in ``data/reference/benchmarks.csv``, and the
province: population, talent total, talent per 10,000 residents and average annual growth of the
talent total. A prefecture's figures are the official ones as published (黔东南州 52.2万人, 1,300
per 10,000, 7.86% a year); Liupanshui's come from its own metrics (the article's totals and the
census). Nothing is estimated: a prefecture without an official figure shows — (the formatter's
missing mark). Each figure's source is listed under the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlparse

import pandas as pd

from lps_analysis.data.vocab import TOTAL_CATEGORY_ZH
from lps_analysis.metrics import Metric
from lps_analysis.textsafe import md_text
from lps_analysis.value import Value, from_row

from .issues import PROVINCE, annual_growth, reference_value
from .numbers import Cite, show_metric, styled

CITY = "六盘水市"


@dataclass(frozen=True)
class PrefectureRow:
    region: str
    population: Value
    total: Value
    per_10k: Value
    growth: Value
    # what each figure is: a metric id of the city, or benchmark:<region>:<indicator>:<year>
    ids: tuple[str, str, str, str] = ("", "", "", "")

    @property
    def values(self) -> tuple[Value, Value, Value, Value]:
        return (self.population, self.total, self.per_10k, self.growth)


def _official(benchmarks, region, indicator, category, year, unit) -> Value:
    v = reference_value(benchmarks, region, indicator, category, year)
    return v if v is not None else Value.absent(unit, "benchmarks")


def _metric(metrics: dict[str, Metric], metric_id: str, unit: str) -> Value:
    m = metrics.get(metric_id)
    return m.as_value() if m is not None else Value.absent(unit, "talent_stock")


def _growth_row(benchmarks, region) -> Value:
    rows = benchmarks[
        (benchmarks.region == region) & (benchmarks.indicator == "talent_total_avg_annual_growth")
    ]
    if len(rows) == 1:
        return from_row(
            rows.iloc[0], "value", "ratio", table="benchmarks", default_provenance="official"
        )
    start = reference_value(benchmarks, region, "talent_stock", "all", 2015)
    end = reference_value(benchmarks, region, "talent_stock", "all", 2020)
    out = annual_growth(start, end, 5)
    return out if out is not None else Value.absent("ratio", "benchmarks")


def prefecture_rows(
    benchmarks: pd.DataFrame, city_metrics: dict[str, Metric], year: int = 2020
) -> list[PrefectureRow]:
    """Liupanshui first, then the prefectures by census population (largest first), then the
    province (talent figures only: its census population is not among the reference files)."""
    census = benchmarks[
        (benchmarks.indicator == "resident_population_7th_census") & (benchmarks.year == year)
    ].sort_values("value", ascending=False)
    rows = []
    for region in census.region:
        population = _official(
            benchmarks, region, "resident_population_7th_census", "all", year, "persons"
        )
        ids = tuple(
            f"benchmark:{region}:{indicator}:{year}"
            for indicator in (
                "resident_population_7th_census",
                "talent_stock",
                "talent_per_10k_population",
                "talent_total_avg_annual_growth",
            )
        )
        if region == CITY:
            rows.insert(
                0,
                PrefectureRow(
                    region,
                    population,
                    _metric(city_metrics, f"talent.total.{year}", "persons"),
                    _metric(city_metrics, f"talent.per_10k.{year}", "persons_per_10k"),
                    _metric(city_metrics, "talent.total.cagr", "ratio"),
                    (ids[0], f"talent.total.{year}", f"talent.per_10k.{year}", "talent.total.cagr"),
                ),
            )
            continue
        rows.append(
            PrefectureRow(
                region,
                population,
                _official(benchmarks, region, "talent_stock", "all", year, "persons"),
                _official(
                    benchmarks, region, "talent_per_10k_population", "all", year, "persons_per_10k"
                ),
                _growth_row(benchmarks, region),
                ids,
            )
        )
    rows.append(
        PrefectureRow(
            PROVINCE,
            Value.absent("persons", "benchmarks"),
            _official(benchmarks, PROVINCE, "talent_stock", "all", year, "persons"),
            Value.absent("persons_per_10k", "benchmarks"),
            _growth_row(benchmarks, PROVINCE),
            ("", f"benchmark:{PROVINCE}:talent_stock:{year}", "", "growth:贵州省"),
        )
    )
    return rows


def _shown(v: Value, source: str = "prefectures") -> Cite | None:
    return None if v.value is None else Cite(source, show_metric(v), v)


def prefecture_cites(rows: list[PrefectureRow]) -> list[Cite]:
    """Every number the comparison shows (for the brief's list of cited figures)."""
    return [
        c
        for r in rows
        for v, source in zip(r.values, r.ids, strict=True)
        if (c := _shown(v, source)) is not None
    ]


def prefecture_frame(rows: list[PrefectureRow], year: int = 2020) -> pd.DataFrame:
    """The comparison as a plain table (— where no official figure exists)."""

    def text(v: Value) -> str:
        c = _shown(v)
        return c.text if c else show_metric(v)

    return pd.DataFrame(
        {
            "市（州）": [r.region for r in rows],
            f"常住人口（{year}年）": [text(r.population) for r in rows],
            f"{TOTAL_CATEGORY_ZH}（{year}年）": [text(r.total) for r in rows],
            "每万人拥有人才": [text(r.per_10k) for r in rows],
            f"{TOTAL_CATEGORY_ZH}年均增长": [text(r.growth) for r in rows],
        }
    )


def prefecture_table(rows: list[PrefectureRow], year: int = 2020):
    """The comparison as the report shows it."""
    return styled(
        prefecture_frame(rows, year),
        uuid="brief_prefectures",
        widths=(16, 21, 21, 21, 21),
        right=(1, 2, 3, 4),
    )


def prefecture_sources(rows: list[PrefectureRow]) -> list[str]:
    """The sources of the figures shown, each once (URLs of official pages, fact ids)."""
    out = []
    for r in rows:
        for v in (r.population, r.total, r.per_10k, r.growth):
            if v.value is not None:
                out += [s for s in v.sources if s not in out]
    return out


def _link(source: str) -> str:
    """An official page as a Markdown link named by its site; a fact id as 原文（F010）."""
    parsed = urlparse(source)
    if parsed.scheme in ("http", "https") and parsed.netloc:
        url = quote(source, safe=":/?&=#%_.-~")
        return f"[{md_text(parsed.netloc)}]({url})"
    return f"原文（{md_text(source)}）"


def prefecture_sources_markdown(rows: list[PrefectureRow]) -> str:
    """The line under the table: where every figure comes from (Markdown)."""
    links = [_link(s) for s in prefecture_sources(rows)]
    return (
        "来源：" + "；".join(links) + "。各市（州）数字为官方公布数，未公布的记为“—”，不作估算；"
        f"{CITY}的数字取自原文和第七次全国人口普查。"
    )

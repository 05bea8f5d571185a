"""Reference tables shipped with the project: official benchmarks, population, the fact base."""

from __future__ import annotations

import re

import pandas as pd

from lps_analysis import fmt, paths
from lps_analysis.value import Value

# Units of the official sources → (canonical unit, multiplier).
_UNITS = {
    "万人": ("persons", 10_000),
    "人": ("persons", 1),
    "persons": ("persons", 1),
    "million persons": ("persons", 1_000_000),
    "家": ("家", 1),
    "%": ("ratio", 0.01),
    "% of 十三五 target": ("ratio_of_target", 0.01),
    "人/万人": ("persons_per_10k", 1),
}

# Category labels of the official sources → ids (talent categories where one applies).
_CATEGORIES = {
    "all": "all",
    "经营管理人才": "management",
    "企业经营管理人才": "management",
    "专业技术人才": "professional",
    "技能人才": "skilled",
    "农村实用人才": "rural",
    "党政人才": "party_government",
    "持证高技能人才": "high_skilled_certified",
    "高级职称": "senior_title",
    "博士": "doctorate",
    "博士研究生": "doctorate",
    "硕士": "master",
    "研究生(含博士)": "postgraduate",
    "国家级专家": "national_expert",
    "省管专家": "provincial_expert",
    "核心专家": "core_expert",
    "国家级、省级重点实验室等平台": "key_lab_platform",
    "生产力促进中心": "productivity_center",
    "企业技术中心": "enterprise_tech_center",
}

_INDICATORS = {"talent_total": "talent_stock", "talent_stock": "talent_stock"}

BENCHMARK_COLUMNS = [
    "region",
    "region_level",
    "indicator",
    "category",
    "year",
    "period",
    "value",
    "unit",
    "bound",
    "provenance",
    "source",
]


def _parse_period(text: str) -> tuple[int, str]:
    """'2020' → (2020, '2020'); '2015-2020' → (2020, '2015-2020'); 'c.2023' → (2023, 'c.2023')."""
    years = re.findall(r"\d{4}", text)
    return int(years[-1]), text


def benchmarks_from_official(raw: pd.DataFrame) -> pd.DataFrame:
    """Tidy `benchmarks` table from the official-figures file as published.

    Converts units to persons (万人 × 10,000) and percentages to ratios, maps category labels to
    ids, keeps `7400+` as a lower bound, and adds the Guizhou 2015 total the plan implies
    (560万 − 165.43万, provenance `derived`).
    """
    rows = []
    for rec in raw.itertuples(index=False):
        text = str(rec.value).strip()
        bound = "lower" if text.endswith("+") else "exact"
        unit, factor = _UNITS[rec.unit]
        year, period = _parse_period(str(rec.year))
        rows.append(
            {
                "region": rec.region,
                "region_level": rec.region_level,
                "indicator": _INDICATORS.get(rec.indicator, rec.indicator),
                "category": _CATEGORIES.get(rec.category, rec.category),
                "year": year,
                "period": period,
                "value": round(float(text.rstrip("+")) * factor, 6),
                "unit": unit,
                "bound": bound,
                "provenance": "official",
                "source": rec.url,
            }
        )
    out = pd.DataFrame(rows, columns=BENCHMARK_COLUMNS)
    # The plan states the 2020 total and its increase over 2015; the 2015 total follows.
    gz = out[(out.region == "贵州省") & (out.category == "all")]
    total = gz[(gz.indicator == "talent_stock") & (gz.year == 2020)]
    increase = gz[gz.indicator == "talent_total_increase_vs_2015"]
    if len(total) == 1 and len(increase) == 1:
        derived = total.iloc[0].to_dict()
        derived.update(
            year=2015,
            period="2015",
            value=round(total.value.iloc[0] - increase.value.iloc[0], 6),
            provenance="derived",
        )
        out = pd.concat([out, pd.DataFrame([derived])], ignore_index=True)
    return out.sort_values(["region", "indicator", "category", "year"], kind="stable").reset_index(
        drop=True
    )


def load_benchmarks() -> pd.DataFrame:
    """The official benchmark table (Guizhou, peer prefectures)."""
    frame = pd.read_csv(paths.BENCHMARKS_FILE, dtype={"period": str})
    frame["source"] = frame["source"].fillna("")
    return frame


def load_population() -> pd.DataFrame:
    """Resident population per scope and year (only where an official or analyst figure exists)."""
    return pd.read_csv(paths.POPULATION_FILE, dtype={"scope_code": str})


def load_facts() -> pd.DataFrame:
    """The article's fact base, one row per quantitative statement."""
    return pd.read_csv(
        paths.FACTS_FILE, dtype={"scope_code": str, "period": str, "stated": str}
    ).fillna({"category": ""})


def population_with(supplied: pd.DataFrame | None) -> pd.DataFrame:
    """Official census population, completed or overridden by a population table the analysts supply."""
    official = load_population()
    if supplied is None or supplied.empty:
        return official
    merged = pd.concat([supplied.assign(scope_code=supplied.scope_code.astype(str)), official])
    return merged.drop_duplicates(["scope_code", "year"], keep="first").reset_index(drop=True)


def load_east_west_partners() -> pd.DataFrame:
    """The east–west partners' official figures: the 2020 Dalian team, the Zhongshan groups.

    One row per statement (item, scope_code, period, partner_city, partner_unit, label_zh, value,
    unit, bound, quote, url, title, publisher, reliability, provenance); `value` is NaN for a
    pairing, which carries no number.
    """
    return pd.read_csv(
        paths.EAST_WEST_PARTNERS_FILE, dtype={"scope_code": str, "period": str}
    ).fillna({"quote": "", "unit": "", "bound": "exact", "notes": ""})


def fact_value(fact: pd.Series, fact_id: str) -> Value:
    """A row of the fact base as a value: provenance article, the fact id as its source."""
    return Value(float(fact["value"]), str(fact["unit"]), "article", str(fact["bound"]), (fact_id,))


def show_fact(v: Value, stated: str) -> str:
    """A fact as the article writes it: 万 where the article wrote 万 (3.67万人次, 42.8万人)."""
    return fmt.show(v, style="wan" if "万" in str(stated) else "count")

"""Shared settings and helpers of the illustrative-data generator.

The article's figures the generated tables must agree with (with their fact ids), the counties
and their weights, the provenance and labels every generated row carries, the years and sizes
of each table, the true effect's parameters, and the order and file format of the tables;
then the small helpers every table uses: `apportion` (whole parts by largest remainder),
`_adjust_to_total`, `_zh_number`, `_perturbed_weights` and `_frame` (canonical columns).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lps_analysis.data.tables import TABLES

CITY = "520200"
COUNTIES: dict[str, str] = {
    "520201": "钟山区",
    "520203": "六枝特区",
    "520204": "水城区",
    "520281": "盘州市",
}
# Share of the city in each county before the per-seed perturbation (盘州市 largest).
COUNTY_WEIGHTS = np.array([0.27, 0.16, 0.22, 0.35])

PROVENANCE = "illustrative"
SOURCE = "示例数据"
SUFFIX = "（示例）"
PRODUCER = "lps-talent 示例数据生成器"
LICENCE = "CC0-1.0（生成的示例数据，非真实统计，可自由使用）"

# The article's city figures: category → {year: (persons, fact id)} (data/facts/facts.csv).
ARTICLE_STOCK: dict[str, dict[int, tuple[int, str]]] = {
    "all": {2015: (298_200, "F009"), 2020: (428_000, "F010")},
    "management": {2015: (41_000, "F011"), 2020: (59_000, "F012")},
    "professional": {2015: (80_000, "F013"), 2020: (115_000, "F014")},
    "skilled": {2015: (102_000, "F015"), 2020: (150_000, "F016")},
}
STOCK_CATEGORIES = ("management", "professional", "skilled", "unspecified")
STOCK_YEARS = tuple(range(2015, 2021))

EXPO_SIGNED_MIN = 3540  # F007 现场签约3540余人
GREEN_CHANNEL_MIN = 300  # F017 柔性引进高层次人才300余名
INTRODUCED_MIN = 7800  # F008 共引进各类人才7800余名
RECRUITMENT_YEARS = tuple(range(2013, 2022))  # F005 连续9年参加人才博览会 (to 2021)

EXCHANGE_PERSONS = 1827  # F028
EXCHANGE_YEARS = tuple(range(2016, 2021))
PARTNER_CITY = "大连"
TREATED_SHARE = 0.75
COHORT_SHARES = (0.28, 0.24, 0.20, 0.16, 0.12)  # cohorts 2016 … 2020
OUTCOME_YEARS = tuple(range(2013, 2023))
N_SCHOOLS, N_HOSPITALS = 40, 30

N_NATIONAL, N_PROVINCIAL = 6, 15  # F024, F025
PROJECTS_APPROVED = 281  # F035
FUNDING_10K_YUAN = 1585  # F036
PATENTS_GRANTED_MIN = 500  # F037 授权专利500余项
OUTPUT_YEARS = tuple(range(2016, 2021))

# The true effect of the exchanges: base × (1 + 0.5·(cohort − 2016)/4) × min(event time + 1, 3).
# Written in integer units (0.0001 of a ratio; surgeries) so that every effect is exact.
OUTCOME_INDICATORS = {
    "education": {
        "indicator": "exam_pass_rate",
        "unit": "ratio",
        "label_zh": "学业考试合格率",
        "base_effect": 0.02,
        "effect_units": (200, 25),  # (base, per cohort year after 2016) in 0.0001
        "unit_size": 1e-4,
    },
    "health": {
        "indicator": "level34_surgeries",
        "unit": "operations per year",
        "label_zh": "三四级手术台次",
        "base_effect": 40,
        "effect_units": (40, 5),  # surgeries
        "unit_size": 1,
    },
}
EFFECT_CAP_YEARS = 3

TABLE_ORDER = (
    "talent_stock",
    "recruitment",
    "institutions",
    "exchanges",
    "institution_outcomes",
    "platforms",
    "platform_outputs",
    "talent_records",
)
PARQUET_TABLES = ("talent_records",)


# ----------------------------------------------------------------------------------------------
# helpers


def apportion(total: int, weights) -> np.ndarray:
    """Split a whole number into whole parts proportional to `weights` (largest remainder)."""
    w = np.asarray(weights, dtype=float)
    quotas = total * w / w.sum()
    parts = np.floor(quotas).astype(np.int64)
    rest = int(total - parts.sum())
    order = np.argsort(-(quotas - parts), kind="stable")
    parts[order[:rest]] += 1
    return parts


def _adjust_to_total(values, total: int, lo, hi, rng: np.random.Generator) -> np.ndarray:
    """Move whole values by ±1 at random, within [lo, hi], until they sum to `total`."""
    values = np.array(values, dtype=np.int64)
    lo = np.broadcast_to(np.asarray(lo, dtype=np.int64), values.shape)
    hi = np.broadcast_to(np.asarray(hi, dtype=np.int64), values.shape)
    if not lo.sum() <= total <= hi.sum():
        raise ValueError(f"cannot reach {total} within the bounds [{lo.sum()}, {hi.sum()}]")
    diff = total - int(values.sum())
    while diff:
        step = 1 if diff > 0 else -1
        room = np.flatnonzero((hi - values) > 0 if step > 0 else (values - lo) > 0)
        pick = rng.choice(room, size=min(abs(diff), room.size), replace=False)
        values[pick] += step
        diff -= step * pick.size
    return values


_DIGITS = "零一二三四五六七八九"


def _zh_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (1–99)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def _perturbed_weights(rng: np.random.Generator, sd: float, base=COUNTY_WEIGHTS) -> np.ndarray:
    w = np.asarray(base) * np.exp(rng.normal(0.0, sd, len(base)))
    return w / w.sum()


def _frame(name: str, records: dict) -> pd.DataFrame:
    """A frame with the table's canonical columns in canonical order."""
    frame = pd.DataFrame(records)
    return frame[TABLES[name].column_names].reset_index(drop=True)

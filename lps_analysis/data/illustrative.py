"""Illustrative example data for every input table, so that everything runs before county data arrive.

`generate(seed, scale)` builds the tables in memory (pure: no file I/O); `write_sample_data`
writes them, each with its `.meta.yaml` sidecar, atomically into a folder (`lps sample-data`).
Every generated row carries provenance `illustrative` and every generated name ends with
（示例）, so that nothing here can be mistaken for fact. The exceptions are the article's own
figures, kept where the article states them (provenance `article`, source naming the fact id)
and the city's `unspecified` talent (article total minus the named categories, `derived`).

What agrees with the article (data/facts/facts.csv):

- talent_stock: the counties sum exactly to the city figures of 2015 and 2020 (F009–F016);
- recruitment: expo signings ≥ 3540 (F007), green-channel high-level ≥ 300 (F017), all
  introductions ≥ 7800 (F008), over the 9 expo years 2013–2021 (F005);
- exchanges: exactly 1827 persons in education and health, partner city 大连 (F028);
- platforms: exactly 6 national (F024) and 15 provincial (F025), including the two the article
  names on their dates (F026, F027);
- platform_outputs: projects 281 (F035), funding 1585 万元 (F036), patents granted ≥ 500 (F037).

`institution_outcomes` has a known true effect of the exchanges (`IllustrativeData.truth`), so
the estimators of the exchange notebook can be checked against it.

Population is not generated: it stays official-only (data/reference/population.csv).
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import yaml

from lps_analysis.data.tables import (
    EDUCATION_LEVELS,
    GENDERS,
    ORIGINS,
    TABLES,
    TITLE_LEVELS,
)

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


@dataclass
class IllustrativeData:
    """Generated tables (canonical columns of `tables.py`) and the known true effects."""

    tables: dict[str, pd.DataFrame]
    truth: dict
    seed: int = 0
    scale: float = 1.0
    notes: dict[str, str] = field(default_factory=dict)  # table → how it was generated


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


# ----------------------------------------------------------------------------------------------
# talent_stock


def _talent_stock(rng: np.random.Generator) -> tuple[pd.DataFrame, str]:
    city = {
        cat: {y: ARTICLE_STOCK[cat][y][0] for y in (2015, 2020)}
        for cat in ("management", "professional", "skilled")
    }
    city["unspecified"] = {
        y: ARTICLE_STOCK["all"][y][0] - sum(city[c][y] for c in city) for y in (2015, 2020)
    }
    codes = list(COUNTIES)
    rows = []
    for cat in STOCK_CATEGORIES:
        w15 = _perturbed_weights(rng, 0.10)
        w20 = _perturbed_weights(rng, 0.04, base=w15)
        v15 = apportion(city[cat][2015], w15)
        v20 = apportion(city[cat][2020], w20)
        path = {2015: v15, 2020: v20}
        for year in STOCK_YEARS[1:-1]:
            s = (year - 2015) / 5
            noise = np.exp(rng.normal(0.0, 0.01, len(codes)))
            path[year] = np.rint(v15 * (v20 / v15) ** s * noise).astype(np.int64)
        for year in STOCK_YEARS:
            for code, value in zip(codes, path[year], strict=True):
                rows.append((code, year, cat, int(value), PROVENANCE, SOURCE))
            if year in (2015, 2020):
                if cat == "unspecified":
                    ids = "、".join(ARTICLE_STOCK[c][year][1] for c in ARTICLE_STOCK)
                    prov, src = "derived", f"本项目计算：原文总量减三类人才（{ids}）"
                else:
                    prov, src = "article", f"原文 {ARTICLE_STOCK[cat][year][1]}"
                rows.append((CITY, year, cat, city[cat][year], prov, src))
            else:
                total = int(path[year].sum())
                rows.append((CITY, year, cat, total, PROVENANCE, "示例数据（四个县级单位合计）"))
    for year in (2015, 2020):
        value, fact = ARTICLE_STOCK["all"][year]
        rows.append((CITY, year, "all", value, "article", f"原文 {fact}"))
    frame = pd.DataFrame(
        rows, columns=["scope_code", "year", "category", "count", "provenance", "source"]
    )
    frame = frame.sort_values(["scope_code", "year", "category"], kind="stable")
    notes = (
        "City rows of 2015 and 2020 are the article's figures (provenance article, source naming "
        "the fact id); the city's unspecified talent of those years is the article's total minus "
        "its three named categories (derived). Everything else is generated: each category of "
        "the city is split across the four counties with weights near 盘州市 35%, 钟山区 27%, "
        "水城区 22%, 六枝特区 16% (perturbed per category by the seed) and whole numbers by "
        "largest remainder, so the counties sum exactly to the city; 2016-2019 follow a "
        "geometric path between 2015 and 2020 per county with 1% noise, and the city rows of "
        "those years are the county sums."
    )
    return _frame("talent_stock", frame), notes


# ----------------------------------------------------------------------------------------------
# talent_records

SECTORS = ("教育", "卫生", "能源（煤炭）", "制造业", "农业", "公共管理", "其他")
# Per talent category (rows in STOCK_CATEGORIES order).
_P_FEMALE = np.array([0.34, 0.56, 0.28, 0.45])
_P_INTRODUCED = np.array([0.015, 0.03, 0.012, 0.015])
_BIRTH_BETA = np.array([[2.6, 2.0], [2.2, 2.2], [2.0, 2.3], [2.1, 2.1]])  # 1955 + 46·Beta(a, b)
_P_EDUCATION = np.array(  # doctorate, master, bachelor, college, secondary
    [
        [0.004, 0.06, 0.40, 0.35, 0.186],
        [0.010, 0.10, 0.55, 0.30, 0.040],
        [0.000, 0.004, 0.06, 0.34, 0.596],
        [0.002, 0.03, 0.30, 0.38, 0.288],
    ]
)
_P_TITLE = np.array(  # senior, intermediate, junior, none
    [
        [0.03, 0.10, 0.10, 0.77],
        [0.12, 0.33, 0.40, 0.15],
        [0.01, 0.04, 0.07, 0.88],
        [0.02, 0.06, 0.10, 0.82],
    ]
)
_P_SECTOR = np.array(  # SECTORS order
    [
        [0.02, 0.03, 0.25, 0.25, 0.10, 0.05, 0.30],
        [0.38, 0.22, 0.10, 0.08, 0.07, 0.05, 0.10],
        [0.01, 0.02, 0.40, 0.30, 0.10, 0.02, 0.15],
        [0.05, 0.05, 0.15, 0.10, 0.25, 0.20, 0.20],
    ]
)


def _draw_codes(rng: np.random.Generator, probs: np.ndarray, group: np.ndarray) -> np.ndarray:
    """One categorical draw per row, with the probabilities of the row's group (vectorised)."""
    cdf = np.cumsum(probs, axis=1)
    cdf /= cdf[:, -1:]
    u = rng.random(group.size)
    codes = np.zeros(group.size, dtype=np.int8)
    for j in range(probs.shape[1] - 1):
        codes += u >= cdf[group, j]
    return codes


_FOUR_DIGITS = np.array([list(f"{i:04d}".encode()) for i in range(10_000)], dtype=np.uint8)


def _person_keys(n: int) -> pd.Series:
    """`P0000001` … as a string column, built from digit bytes without a Python loop."""
    width = max(7, len(str(n)))
    chunks = -(-width // 4)  # 4-digit groups, looked up in a table
    digits = np.empty((n, 1 + 4 * chunks), dtype=np.uint8)
    number = np.arange(1, n + 1, dtype=np.int64 if n >= 2**31 else np.int32)
    for k in range(chunks):
        stop = digits.shape[1] - 4 * k
        digits[:, stop - 4 : stop] = _FOUR_DIGITS[number % 10_000]
        number //= 10_000
    digits = digits[:, 4 * chunks - width :]  # drop the leading zeros beyond the width
    digits[:, 0] = ord("P")
    data = np.ascontiguousarray(digits)
    large = data.size >= 2**31
    offsets = np.arange(0, data.size + 1, width + 1, dtype=np.int64 if large else np.int32)
    array = pa.Array.from_buffers(
        pa.large_string() if large else pa.string(),
        n,
        [None, pa.py_buffer(offsets), pa.py_buffer(data)],
    )
    return pd.Series(pd.array(array, dtype="str"), name="person_key")


def record_counts(talent_stock: pd.DataFrame, scale: float) -> pd.DataFrame:
    """Persons per county × category in talent_records: round(scale × the county's 2020 count).

    Rounding is half to even (Python's `round`, numpy's `rint`).
    """
    rows = talent_stock[
        talent_stock.scope_code.isin(list(COUNTIES)) & (talent_stock.year == 2020)
    ].copy()
    rows["persons"] = np.rint(scale * rows["count"].to_numpy(dtype=float)).astype(np.int64)
    rows["order"] = rows["category"].map({c: i for i, c in enumerate(STOCK_CATEGORIES)})
    rows = rows.sort_values(["scope_code", "order"], kind="stable")
    return rows[["scope_code", "category", "persons"]].reset_index(drop=True)


def _talent_records(
    rng: np.random.Generator, talent_stock: pd.DataFrame, scale: float
) -> tuple[pd.DataFrame, str]:
    counts = record_counts(talent_stock, scale)
    n_per = counts["persons"].to_numpy()
    n = int(n_per.sum())
    county_codes = list(COUNTIES)
    scope_idx = np.repeat(
        counts.scope_code.map({c: i for i, c in enumerate(county_codes)}).to_numpy(np.int8), n_per
    )
    cat = np.repeat(
        counts.category.map({c: i for i, c in enumerate(STOCK_CATEGORIES)}).to_numpy(np.int8),
        n_per,
    )
    gender = (rng.random(n) < _P_FEMALE[cat]).astype(np.int8)  # 1 = female
    birth_year = (1955 + np.floor(46 * rng.beta(_BIRTH_BETA[cat, 0], _BIRTH_BETA[cat, 1]))).astype(
        np.int16
    )
    birth_year = np.minimum(birth_year, 2000)
    education = _draw_codes(rng, _P_EDUCATION, cat)
    title = _draw_codes(rng, _P_TITLE, cat)
    # Titles take years: nobody under 30 is senior, nobody under 26 intermediate.
    age = 2020 - birth_year
    title[(title == 0) & (age < 30)] = 1
    title[(title == 1) & (age < 26)] = 2
    sector = _draw_codes(rng, _P_SECTOR, cat)
    origin = (rng.random(n) < _P_INTRODUCED[cat]).astype(np.int8)

    def categorical(codes, categories):
        return pd.Categorical.from_codes(codes, categories=list(categories))

    frame = pd.DataFrame(
        {
            "person_key": _person_keys(n),
            "scope_code": categorical(scope_idx, county_codes),
            "year": np.full(n, 2020, dtype=np.int16),
            "category": categorical(cat, STOCK_CATEGORIES),
            "gender": categorical(1 - gender, list(GENDERS)[::-1]),  # male, female
            "birth_year": birth_year,
            "education": categorical(education, EDUCATION_LEVELS),
            "title_level": categorical(title, TITLE_LEVELS),
            "sector": categorical(sector, SECTORS),
            "origin": categorical(origin, ORIGINS),
        }
    )
    notes = (
        f"Person-level records of 2020 for the four counties: round(scale × the county's 2020 "
        f"count) persons per county and category (half to even), so at scale 1 they aggregate "
        f"exactly to talent_stock. Attributes are drawn independently per person with "
        f"probabilities that depend on the talent category (professional talents are more "
        f"often senior or intermediate; nobody under 30 is senior); about 2% are introduced "
        f"from outside. {n} rows; person_key is a sequence number, not an identity."
    )
    return frame[TABLES["talent_records"].column_names], notes


# ----------------------------------------------------------------------------------------------
# recruitment


def _recruitment(rng: np.random.Generator) -> tuple[pd.DataFrame, dict, str]:
    codes = list(COUNTIES)
    years = np.array(RECRUITMENT_YEARS)
    expo_total = EXPO_SIGNED_MIN + int(rng.integers(3, 40))
    green_total = GREEN_CHANNEL_MIN + int(rng.integers(5, 40))
    introduced_total = INTRODUCED_MIN + int(rng.integers(10, 120))
    open_total = introduced_total - expo_total - green_total
    county_w = _perturbed_weights(rng, 0.1)
    growth = 1 + 0.12 * (years - years[0])

    def cells(total: int, year_w: np.ndarray) -> np.ndarray:
        year_w = year_w * np.exp(rng.normal(0.0, 0.15, len(years)))
        p = np.outer(county_w, year_w).ravel()
        return rng.multinomial(total, p / p.sum()).reshape(len(codes), len(years))

    high_share = 0.18
    expo = cells(expo_total, growth)
    expo_high = rng.binomial(expo, high_share)
    green = cells(green_total, np.where(years >= 2016, growth, 0.0))
    open_ = cells(open_total, growth)
    rows = []
    for i, code in enumerate(codes):
        for j, year in enumerate(years):
            for channel, level, value in (
                ("talent_expo", "general", expo[i, j] - expo_high[i, j]),
                ("talent_expo", "high_level", expo_high[i, j]),
                ("green_channel", "high_level", green[i, j]),
                ("open_recruitment", "general", open_[i, j]),
            ):
                rows.append((code, int(year), channel, level, int(value), PROVENANCE, SOURCE))
    frame = pd.DataFrame(
        rows,
        columns=["scope_code", "year", "channel", "level", "count", "provenance", "source"],
    ).sort_values(["scope_code", "year", "channel", "level"], kind="stable")
    totals = {
        "expo_signed": expo_total,
        "green_channel_high_level": green_total,
        "introduced": introduced_total,
    }
    notes = (
        f"Introductions per county, year 2013-2021 (the 9 expo years), channel and level; no "
        f"city rows (the city is the sum of its counties). Totals over all counties and years "
        f"agree with the article's lower bounds: expo signings {expo_total} (≥3540, F007), "
        f"green-channel high-level talents {green_total} (≥300, F017, from 2016 on), all "
        f"introductions {introduced_total} (≥7800, F008; expo signings counted as "
        f"introductions). Cells are multinomial draws with growing year weights."
    )
    return _frame("recruitment", frame), totals, notes


# ----------------------------------------------------------------------------------------------
# institutions, exchanges, outcomes


def _institutions() -> pd.DataFrame:
    rows = []
    codes = list(COUNTIES)
    for field_, type_, prefix, total in (
        ("education", "school", "S", N_SCHOOLS),
        ("health", "hospital", "H", N_HOSPITALS),
    ):
        number = 0
        for code, n in zip(codes, apportion(total, COUNTY_WEIGHTS), strict=True):
            county = COUNTIES[code]
            for k in range(1, int(n) + 1):
                number += 1
                if type_ == "school":
                    kind = "中学" if k % 2 else "小学"
                    name = f"{county}第{_zh_number((k + 1) // 2)}{kind}"
                else:
                    named = ("人民医院", "中医医院", "妇幼保健院", "第二人民医院")
                    name = county + (
                        named[k - 1] if k <= len(named) else f"第{_zh_number(k - 4)}中心卫生院"
                    )
                rows.append(
                    {
                        "institution_id": f"{prefix}{number:03d}",
                        "name_zh": name + SUFFIX,
                        "scope_code": code,
                        "field": field_,
                        "type": type_,
                        "provenance": PROVENANCE,
                    }
                )
    return _frame("institutions", rows)


def _assign_cohorts(
    rng: np.random.Generator, institutions: pd.DataFrame, baseline: np.ndarray
) -> np.ndarray:
    """First exchange year per institution (0 = never): weaker institutions are aided first."""
    cohort = np.zeros(len(institutions), dtype=np.int64)
    for field_ in OUTCOME_INDICATORS:
        idx = np.flatnonzero(institutions.field.to_numpy() == field_)
        z = (baseline[idx] - baseline[idx].mean()) / baseline[idx].std()
        score = -z + rng.normal(0.0, 1.0, idx.size)
        n_treated = int(round(TREATED_SHARE * idx.size))
        chosen = np.argsort(-score, kind="stable")[:n_treated]  # positions within idx
        treated = idx[chosen]
        order = np.argsort(-(score[chosen] + rng.normal(0, 1, n_treated)), kind="stable")
        sizes = apportion(n_treated, COHORT_SHARES)
        cohort[treated[order]] = np.repeat(np.array(EXCHANGE_YEARS), sizes)
    return cohort


_MODE_BOUNDS = {"secondment": (1, 6), "team_aid": (3, 12), "training": (1, 12)}


def _exchanges(
    rng: np.random.Generator, institutions: pd.DataFrame, cohort: np.ndarray
) -> tuple[pd.DataFrame, str]:
    treated = np.flatnonzero(cohort > 0)
    size = np.exp(rng.normal(0.0, 0.5, len(institutions)))  # how much aid each one draws
    # Slots: (institution, year) from its first exchange year to 2020.
    slot_inst = np.concatenate([np.full(2021 - cohort[i], i) for i in treated])
    slot_year = np.concatenate([np.arange(cohort[i], 2021) for i in treated])
    n_rows = round(EXCHANGE_PERSONS / 5.1)  # about 5 persons per assignment
    n_out = round(0.15 * n_rows)
    n_more_in = n_rows - treated.size - n_out
    p = size[slot_inst] / size[slot_inst].sum()
    more_in = rng.multinomial(n_more_in, p)
    out = rng.multinomial(n_out, np.full(slot_inst.size, 1 / slot_inst.size))
    inst = np.concatenate([treated, np.repeat(slot_inst, more_in), np.repeat(slot_inst, out)])
    year = np.concatenate(
        [cohort[treated], np.repeat(slot_year, more_in), np.repeat(slot_year, out)]
    )
    inbound = np.r_[np.ones(treated.size + more_in.sum(), bool), np.zeros(out.sum(), bool)]
    mode = np.where(
        inbound,
        rng.choice(["secondment", "team_aid", "training"], size=inst.size, p=[0.45, 0.35, 0.2]),
        rng.choice(["training", "secondment"], size=inst.size, p=[0.7, 0.3]),
    )
    lo = np.array([_MODE_BOUNDS[m][0] for m in mode])
    hi = np.array([_MODE_BOUNDS[m][1] for m in mode])
    initial = lo + rng.binomial(hi - lo, 0.45)
    persons = _adjust_to_total(initial, EXCHANGE_PERSONS, lo, hi, rng)

    is_school = institutions.type.to_numpy()[inst] == "school"
    month = np.where(
        is_school, rng.choice([2, 3, 8, 9], size=inst.size), rng.integers(1, 12, inst.size)
    )
    day = rng.integers(1, 29, inst.size)
    start = pd.to_datetime(
        pd.DataFrame({"year": year, "month": month, "day": day}), errors="raise"
    ).to_numpy()
    length = np.select(
        [mode == "team_aid", mode == "secondment"],
        [np.full(inst.size, 365), rng.choice([182, 365], size=inst.size)],
        rng.integers(14, 91, inst.size),
    )
    end = start + length.astype("timedelta64[D]")
    frame = pd.DataFrame(
        {
            "scope_code": institutions.scope_code.to_numpy()[inst],
            "institution_id": institutions.institution_id.to_numpy()[inst],
            "field": institutions.field.to_numpy()[inst],
            "direction": np.where(inbound, "inbound", "outbound"),
            "partner_city": PARTNER_CITY,
            "start_date": start,
            "end_date": end,
            "mode": mode,
            "persons": persons.astype(np.int64),
            "provenance": PROVENANCE,
        }
    )
    frame = frame.sort_values(
        ["start_date", "institution_id", "direction", "mode", "persons", "end_date"],
        kind="stable",
    ).reset_index(drop=True)
    frame["exchange_id"] = [f"E{i:04d}" for i in range(1, len(frame) + 1)]
    notes = (
        f"One row per exchange assignment with {PARTNER_CITY}, starting 2016-2020, in "
        f"education and health; {len(frame)} assignments, {EXCHANGE_PERSONS} persons in all "
        f"(F028), 1-12 per assignment. {treated.size} of {len(institutions)} institutions "
        f"(~75% per field) receive staff, from a first year (their cohort, 2016-2020) on, in "
        f"which their first inbound assignment starts; the rest never do (controls). Weaker "
        f"institutions (lower baseline outcome) tend to be aided and aided earlier. Outbound "
        f"rows (Liupanshui staff trained or seconded in the east) come only from aided "
        f"institutions in or after their first year."
    )
    return _frame("exchanges", frame), notes


def _effect_units(field_: str, cohort: int, event_time: int) -> int:
    """True effect at event time ≥ 0 in whole units (0.0001 of a ratio, or surgeries)."""
    base, per_year = OUTCOME_INDICATORS[field_]["effect_units"]
    return (base + per_year * (cohort - EXCHANGE_YEARS[0])) * min(event_time + 1, EFFECT_CAP_YEARS)


def _unit(field_: str) -> Fraction:
    return Fraction(OUTCOME_INDICATORS[field_]["unit_size"]).limit_denominator(10_000)


def true_effect(field_: str, cohort: int, event_time: int) -> float:
    """The exchanges' true effect on a field's indicator, by cohort and event time (0 before)."""
    if event_time < 0:
        return 0.0
    return float(_effect_units(field_, cohort, event_time) * _unit(field_))


def _mean_effect(field_: str, cells) -> float:
    """Exact weighted mean of true effects over (cohort, event time, weight), rounded once."""
    cells = list(cells)
    total = sum(_effect_units(field_, g, e) * n for g, e, n in cells)
    return float(Fraction(total, sum(n for _, _, n in cells)) * _unit(field_))


def _truth(institutions: pd.DataFrame, cohort: np.ndarray) -> dict:
    last = OUTCOME_YEARS[-1]
    fields = {}
    for field_, spec in OUTCOME_INDICATORS.items():
        mask = institutions.field.to_numpy() == field_
        cohorts = cohort[mask]
        sizes = {int(g): int((cohorts == g).sum()) for g in sorted(set(cohorts)) if g > 0}
        effects = [
            {"cohort": g, "event_time": e, "effect": true_effect(field_, g, e), "institutions": n}
            for g, n in sizes.items()
            for e in range(last - g + 1)
        ]
        cells = sum(r["institutions"] for r in effects)
        att = _mean_effect(
            field_, [(r["cohort"], r["event_time"], r["institutions"]) for r in effects]
        )
        by_cohort = [
            {
                "cohort": g,
                "att": _mean_effect(field_, [(g, e, 1) for e in range(last - g + 1)]),
                "institutions": n,
            }
            for g, n in sizes.items()
        ]
        by_event = []
        for e in range(last - min(sizes) + 1):
            rows = [(r["cohort"], e, r["institutions"]) for r in effects if r["event_time"] == e]
            n = sum(r[2] for r in rows)
            by_event.append({"event_time": e, "att": _mean_effect(field_, rows), "institutions": n})
        fields[field_] = {
            "indicator": spec["indicator"],
            "indicator_zh": spec["label_zh"],
            "unit": spec["unit"],
            "effect_formula": (
                f"{spec['base_effect']} × (1 + 0.5·(cohort − 2016)/4) × "
                f"min(year − cohort + 1, {EFFECT_CAP_YEARS}) for year ≥ cohort, else 0"
            ),
            "att": att,
            "att_institution_years": int(cells),
            "att_by_cohort": by_cohort,
            "att_by_event_time": by_event,
            "effects": effects,
            "never_treated": int((cohorts == 0).sum()),
        }
    return {
        "description": (
            "True effect of the east-west exchanges on each aided institution's indicator. "
            "Treatment starts in the institution's cohort: the year its first exchange "
            "assignment starts (2016-2020); never-treated institutions have cohort null. "
            "The effect grows by one step per year of exposure (the cohort year counts as the "
            "first), is capped after 3 years and is larger for later cohorts. 'att' is the "
            "average effect over treated institution-years (year ≥ cohort) of the panel "
            f"{OUTCOME_YEARS[0]}-{OUTCOME_YEARS[-1]}, the estimand of a Callaway-Sant'Anna "
            "'simple' aggregation; 'att_by_event_time' is the cohort-size-weighted average "
            "per event time ('dynamic' aggregation); 'att_by_cohort' averages each cohort's "
            "post-treatment years ('group' aggregation)."
        ),
        "panel_years": [OUTCOME_YEARS[0], OUTCOME_YEARS[-1]],
        "fields": fields,
        "cohorts": {
            iid: (int(g) if g > 0 else None)
            for iid, g in zip(institutions.institution_id, cohort, strict=True)
        },
    }


def _baselines(rng: np.random.Generator, institutions: pd.DataFrame) -> np.ndarray:
    """Institution effects: pass rate 0.60-0.80 for schools; 300-2500 surgeries for hospitals."""
    school = institutions.type.to_numpy() == "school"
    return np.where(
        school,
        rng.uniform(0.60, 0.80, len(institutions)),
        np.exp(rng.uniform(math.log(300), math.log(2500), len(institutions))),
    )


def _outcomes(
    rng: np.random.Generator,
    institutions: pd.DataFrame,
    baseline: np.ndarray,
    cohort: np.ndarray,
) -> tuple[pd.DataFrame, str]:
    years = np.array(OUTCOME_YEARS)
    t = years - years[0]
    school_year = 0.004 * t + np.clip(rng.normal(0, 0.006, years.size), -0.015, 0.015)
    hospital_year = 35.0 * t + np.clip(rng.normal(0, 20, years.size), -50, 50)
    hospital_year[years == 2020] -= 80  # the 2020 epidemic: a common dip
    frames = []
    for i, rec in enumerate(institutions.itertuples(index=False)):
        field_ = rec.field
        spec = OUTCOME_INDICATORS[field_]
        g = int(cohort[i])
        effect = np.array(
            [_effect_units(field_, g, y - g) if g and y >= g else 0 for y in years], dtype=np.int64
        )
        if rec.type == "school":
            noise = np.clip(rng.normal(0, 0.012, years.size), -0.036, 0.036)
            untreated = np.rint((baseline[i] + school_year + noise) * 10_000).astype(np.int64)
            value = (untreated + effect) / 10_000
        else:
            sd = 0.04 * baseline[i]
            noise = np.clip(rng.normal(0, sd, years.size), -3 * sd, 3 * sd)
            untreated = np.rint(baseline[i] + hospital_year + noise).astype(np.int64)
            value = (untreated + effect).astype(float)
        frames.append(
            pd.DataFrame(
                {
                    "institution_id": rec.institution_id,
                    "scope_code": rec.scope_code,
                    "field": field_,
                    "year": years,
                    "indicator": spec["indicator"],
                    "value": value,
                    "provenance": PROVENANCE,
                }
            )
        )
    frame = pd.concat(frames, ignore_index=True).sort_values(
        ["institution_id", "year", "indicator"], kind="stable"
    )
    notes = (
        "Institution × year panel 2013-2022, one indicator per field: schools exam_pass_rate "
        "(学业考试合格率, ratio 0-1, 4 decimals), hospitals level34_surgeries (三四级手术台次 per "
        "year, whole operations). Data-generating process: value = institution effect "
        "(schools uniform 0.60-0.80; hospitals log-uniform 300-2500) + common year trend "
        "(schools +0.004 a year, hospitals +35 a year and −80 in 2020, plus a small common "
        "shock each year) + noise (schools sd 0.012; hospitals sd 4% of the institution "
        "effect; truncated at 3 sd) + the true effect for aided institutions from their first "
        "exchange year (cohort) on: base × (1 + 0.5·(cohort − 2016)/4) × min(year − cohort + "
        "1, 3), base 0.02 for schools and 40 operations for hospitals. Trends are common, so "
        "parallel trends hold although weaker institutions are aided more and earlier (a naive "
        "aided-vs-not comparison is biased; difference-in-differences is not). Rounding is "
        "applied to the untreated outcome, so treated minus untreated is exactly the effect. "
        "The exact truth (effects per cohort and event time, the ATT over treated "
        "institution-years, each institution's cohort) is under true_effect."
    )
    return _frame("institution_outcomes", frame), notes


# ----------------------------------------------------------------------------------------------
# platforms and their outputs

_ARTICLE_PLATFORMS = (
    {
        "platform_id": "PN01",
        "name_zh": "水城现代农业产业园",
        "level": "national",
        "type": "国家现代农业产业园",
        "scope_code": "520204",
        "established": "2018-12-01",
        "provenance": "article",
        "source": "原文 F026（2018年12月获认定为国家现代农业产业园）",
    },
    {
        "platform_id": "PN02",
        "name_zh": "六盘水市科技企业孵化器",
        "level": "national",
        "type": "国家级科技企业孵化器",
        # The article names it the city's incubator and says nothing of a county: city level.
        "scope_code": "520200",
        "established": "2021-01-01",
        "provenance": "article",
        "source": "原文 F027（2021年1月获批；市级平台，原文未说明所在县区）",
    },
)
_NATIONAL_TYPES = ("院士工作站", "院士工作站", "国家级博士后科研工作站", "国家级技能大师工作室")
_PROVINCIAL_TYPES = (
    "省级重点实验室",
    "省级工程技术研究中心",
    "省级人才基地",
    "省级院士工作站",
    "省级博士后科研工作站",
    "省级技能大师工作室",
)
_TOPICS = (
    "煤炭清洁利用",
    "煤矿安全",
    "新型建材",
    "猕猴桃产业",
    "刺梨产业",
    "茶产业",
    "中药材",
    "山地旅游",
    "新能源",
    "装备制造",
    "畜牧兽医",
    "大数据",
    "智慧医疗",
    "冶金材料",
    "生态修复",
    "食用菌",
    "职业技能",
    "现代物流",
    "精细化工",
    "山地农业",
)
# Relative output of a platform type (projects, patents, talents hosted a year).
_TYPE_OUTPUT = {
    "院士工作站": (1.6, 1.2, 12),
    "省级院士工作站": (1.3, 1.0, 10),
    "国家级博士后科研工作站": (1.2, 1.0, 8),
    "省级博士后科研工作站": (1.0, 0.8, 6),
    "国家级技能大师工作室": (0.5, 0.6, 15),
    "省级技能大师工作室": (0.4, 0.5, 12),
    "省级重点实验室": (1.2, 1.5, 25),
    "省级工程技术研究中心": (1.0, 1.8, 20),
    "省级人才基地": (0.8, 0.3, 60),
    "国家现代农业产业园": (1.0, 0.6, 40),
    "国家级科技企业孵化器": (0.8, 1.0, 30),
}


def _platforms(rng: np.random.Generator) -> tuple[pd.DataFrame, str]:
    codes = list(COUNTIES)
    topics = rng.permutation(len(_TOPICS))
    rows = [dict(r) for r in _ARTICLE_PLATFORMS]
    specs = [("national", f"PN{i:02d}", t) for i, t in enumerate(_NATIONAL_TYPES, start=3)]
    specs += [
        ("provincial", f"PP{i:02d}", _PROVINCIAL_TYPES[(i - 1) % len(_PROVINCIAL_TYPES)])
        for i in range(1, N_PROVINCIAL + 1)
    ]
    for k, (level, pid, type_) in enumerate(specs):
        code = codes[rng.choice(len(codes), p=COUNTY_WEIGHTS)]
        year = int(rng.integers(2012, 2021) if level == "national" else rng.integers(2010, 2021))
        month = int(rng.integers(1, 13))
        rows.append(
            {
                "platform_id": pid,
                "name_zh": f"{COUNTIES[code]}{_TOPICS[topics[k]]}{type_}{SUFFIX}",
                "level": level,
                "type": type_,
                "scope_code": code,
                "established": f"{year}-{month:02d}-01",
                "provenance": PROVENANCE,
                "source": SOURCE,
            }
        )
    frame = pd.DataFrame(rows).sort_values("platform_id", kind="stable")
    frame["established"] = pd.to_datetime(frame["established"], format="%Y-%m-%d")
    notes = (
        f"{N_NATIONAL} national platforms (incl. academician workstations, F024) and "
        f"{N_PROVINCIAL} provincial ones (F025). Two are the article's, on its dates: "
        f"水城现代农业产业园 (2018-12, F026) and 六盘水市科技企业孵化器 (2021-01, F027; listed at "
        f"city level, as the article gives no county). The others are invented: names end "
        f"with （示例）, types, counties and recognition dates (first of a month, 2010-2020) "
        f"are random."
    )
    return _frame("platforms", frame), notes


def _platform_outputs(
    rng: np.random.Generator, platforms: pd.DataFrame
) -> tuple[pd.DataFrame, dict, str]:
    cells = []
    for rec in platforms.itertuples(index=False):
        start = rec.established.year
        for year in OUTPUT_YEARS:
            if year >= start:
                cells.append((rec.platform_id, rec.type, start, year))
    pid = np.array([c[0] for c in cells])
    types = [c[1] for c in cells]
    est = np.array([c[2] for c in cells])
    year = np.array([c[3] for c in cells])
    ids = list(platforms.platform_id)
    # A few platforms produce most: lognormal productivity per platform (and per kind of output).
    productivity = dict(zip(ids, np.exp(rng.normal(0.0, 1.1, len(ids))), strict=True))
    patent_skill = dict(zip(ids, np.exp(rng.normal(0.0, 0.9, len(ids))), strict=True))
    kind = np.array([_TYPE_OUTPUT[t] for t in types])
    ramp = np.where(year == est, 0.5, 1.0) * 1.1 ** (year - OUTPUT_YEARS[0])
    w_projects = np.array([productivity[p] for p in pid]) * kind[:, 0] * ramp
    w_projects *= np.exp(rng.normal(0, 0.3, len(cells)))
    projects = rng.multinomial(PROJECTS_APPROVED, w_projects / w_projects.sum())
    w_funding = projects * np.exp(rng.normal(0, 0.4, len(cells)))
    funding = rng.multinomial(FUNDING_10K_YUAN, w_funding / w_funding.sum())
    patents_total = PATENTS_GRANTED_MIN + int(rng.integers(15, 45))
    w_patents = np.array([productivity[p] * patent_skill[p] for p in pid]) * kind[:, 1] * ramp
    w_patents *= np.exp(rng.normal(0, 0.3, len(cells)))
    granted = rng.multinomial(patents_total, w_patents / w_patents.sum())
    applied = granted + rng.poisson(0.6 * granted + 1)
    hosted = rng.poisson(kind[:, 2] * (1 + 0.1 * (year - est))) + 1
    frame = pd.DataFrame(
        {
            "platform_id": pid,
            "year": year.astype(np.int64),
            "projects_approved": projects.astype(np.int64),
            "funding_10k_yuan": funding.astype(np.int64),
            "patents_applied": applied.astype(np.int64),
            "patents_granted": granted.astype(np.int64),
            "talents_hosted": hosted.astype(np.int64),
            "provenance": PROVENANCE,
        }
    ).sort_values(["platform_id", "year"], kind="stable")
    totals = {
        "projects_approved": PROJECTS_APPROVED,
        "funding_10k_yuan": FUNDING_10K_YUAN,
        "patents_granted": patents_total,
    }
    notes = (
        f"Platform × year 2016-2020, for years from the platform's recognition on (a platform "
        f"recognised in 2021 has none). Totals: {PROJECTS_APPROVED} projects (F035), "
        f"{FUNDING_10K_YUAN} 万元 of funding in whole 万元 (F036), {patents_total} patents "
        f"granted (≥500, F037); applications ≥ grants in every row. Output is concentrated: "
        f"lognormal productivity per platform, scaled by platform type, half a year in the "
        f"year of recognition, +10% a year; cells are multinomial draws of the totals."
    )
    return _frame("platform_outputs", frame), totals, notes


# ----------------------------------------------------------------------------------------------
# public API


def generate(seed: int = 0, scale: float = 1.0) -> IllustrativeData:
    """Illustrative tables and their true effects; the same seed gives the same data.

    Parameters
    ----------
    seed
        Seed of `numpy.random.default_rng`; each table draws from its own child stream, so
        `scale` changes talent_records only.
    scale
        Size of talent_records relative to the talent stock (1 = one record per person of the
        counties' 2020 stock, about 428,000 rows).
    """
    if not (isinstance(scale, int | float) and math.isfinite(scale) and scale >= 0):
        raise ValueError(f"scale must be a finite number ≥ 0, not {scale!r}")
    streams = dict(
        zip(
            (
                "stock",
                "records",
                "recruitment",
                "treatment",
                "exchanges",
                "outcomes",
                "platforms",
                "outputs",
            ),
            np.random.default_rng(seed).spawn(8),
            strict=True,
        )
    )
    tables, notes = {}, {}
    tables["talent_stock"], notes["talent_stock"] = _talent_stock(streams["stock"])
    tables["recruitment"], recruitment_totals, notes["recruitment"] = _recruitment(
        streams["recruitment"]
    )
    institutions = _institutions()
    tables["institutions"] = institutions
    notes["institutions"] = (
        f"{N_SCHOOLS} schools and {N_HOSPITALS} hospitals spread over the four counties in "
        f"proportion to their size; invented names ending with （示例）."
    )
    baseline = _baselines(streams["treatment"], institutions)
    cohort = _assign_cohorts(streams["treatment"], institutions, baseline)
    tables["exchanges"], notes["exchanges"] = _exchanges(streams["exchanges"], institutions, cohort)
    tables["institution_outcomes"], notes["institution_outcomes"] = _outcomes(
        streams["outcomes"], institutions, baseline, cohort
    )
    tables["platforms"], notes["platforms"] = _platforms(streams["platforms"])
    tables["platform_outputs"], output_totals, notes["platform_outputs"] = _platform_outputs(
        streams["outputs"], tables["platforms"]
    )
    tables["talent_records"], notes["talent_records"] = _talent_records(
        streams["records"], tables["talent_stock"], scale
    )
    truth = _truth(institutions, cohort)
    truth["totals"] = {**recruitment_totals, **output_totals, "exchange_persons": EXCHANGE_PERSONS}
    return IllustrativeData(
        tables={name: tables[name] for name in TABLE_ORDER},
        truth=truth,
        seed=seed,
        scale=scale,
        notes=notes,
    )


_TITLES = {
    "talent_stock": "【示例数据】人才规模总量（2015—2020年，分区县、分人才类别）",
    "recruitment": "【示例数据】人才引进（2013—2021年，分区县、渠道、层次）",
    "institutions": "【示例数据】东西部协作受援单位（学校、医院）",
    "exchanges": "【示例数据】东西部协作人才交流（与大连互派，2016—2020年）",
    "institution_outcomes": "【示例数据】受援单位成效指标（2013—2022年）",
    "platforms": "【示例数据】人才平台（国家级6个、省级15个）",
    "platform_outputs": "【示例数据】人才平台产出（2016—2020年）",
    "talent_records": "【示例数据】人才个人记录（脱敏，2020年）",
}


def sidecar(name: str, data: IllustrativeData) -> dict:
    """The `.meta.yaml` content of one generated table."""
    meta = {
        "title": _TITLES[name],
        "producer": PRODUCER,
        "url": "",
        "date_accessed": "",
        "date_published": "",
        "licence": LICENCE,
        "provenance": PROVENANCE,
        "notes": (
            f"示例数据：由程序生成，不是真实统计，不得作为事实引用。Generated example data, not "
            f"real: seed={data.seed}, scale={data.scale:g} (lps sample-data --seed "
            f"{data.seed} --scale {data.scale:g}). {data.notes[name]}"
        ),
        "seed": data.seed,
        "scale": float(data.scale),
    }
    if name == "institution_outcomes":
        meta["true_effect"] = data.truth
    return meta


def _write_table(frame: pd.DataFrame, path: Path) -> None:
    if path.suffix == ".parquet":
        frame.to_parquet(path, index=False, engine="pyarrow", compression="zstd")
    else:
        frame.to_csv(
            path,
            index=False,
            encoding="utf-8",
            lineterminator="\n",
            date_format="%Y-%m-%d",
            float_format="%.10g",
        )


def write_sample_data(out_dir: Path, seed: int = 0, scale: float = 1.0) -> list[Path]:
    """Write every illustrative table with its sidecar into `out_dir`; return the files written.

    All files are written into a temporary sibling folder first and moved into `out_dir` only
    when every one is complete, so a failure leaves no partial output. Files of the same table
    in another format already in `out_dir` are refused (the folder would hold two versions).
    """
    out_dir = Path(out_dir)
    files = {
        name: f"{name}.parquet" if name in PARQUET_TABLES else f"{name}.csv" for name in TABLE_ORDER
    }
    if out_dir.is_dir():
        clashes = sorted(
            p.name
            for name, file in files.items()
            for p in out_dir.glob(f"{name}.*")
            if p.suffix.lower() in (".csv", ".xlsx", ".parquet") and p.name != file
        )
        if clashes:
            raise FileExistsError(
                f"{out_dir} already holds {', '.join(clashes)}: remove them first (a table may "
                f"have one file only)."
            )
    data = generate(seed=seed, scale=scale)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=out_dir.parent))
    try:
        written = []
        for name in TABLE_ORDER:
            path = staging / files[name]
            _write_table(data.tables[name], path)
            meta_path = staging / f"{name}.meta.yaml"
            meta_path.write_text(
                yaml.safe_dump(sidecar(name, data), allow_unicode=True, sort_keys=False, width=100),
                encoding="utf-8",
            )
            written += [path.name, meta_path.name]
        out_dir.mkdir(parents=True, exist_ok=True)
        for file in written:
            os.replace(staging / file, out_dir / file)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sorted(out_dir / file for file in written)


__all__ = [
    "IllustrativeData",
    "apportion",
    "generate",
    "record_counts",
    "sidecar",
    "true_effect",
    "write_sample_data",
]

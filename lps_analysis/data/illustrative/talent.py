"""Talent tables: the talent stock, the individual talent records and recruitment.

`_talent_stock` splits the article's city figures of 2015 and 2020 across the counties (they
sum exactly) with a smooth path between; `record_counts` and `_talent_records` draw one
person-level record of 2020 per person (times `scale`) with coded attributes;
`_recruitment` draws introductions per county, year, channel and level that meet the
article's lower bounds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from lps_analysis.data.illustrative.common import (
    ARTICLE_STOCK,
    CITY,
    COUNTIES,
    EXPO_SIGNED_MIN,
    GREEN_CHANNEL_MIN,
    INTRODUCED_MIN,
    PROVENANCE,
    RECRUITMENT_YEARS,
    SOURCE,
    STOCK_CATEGORIES,
    STOCK_YEARS,
    _frame,
    _perturbed_weights,
    apportion,
)
from lps_analysis.data.tables import (
    EDUCATION_LEVELS,
    GENDERS,
    ORIGINS,
    TABLES,
    TITLE_LEVELS,
)

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

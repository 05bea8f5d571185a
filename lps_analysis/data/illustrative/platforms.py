"""Talent platforms and their outputs.

`_platforms` lists 6 national and 15 provincial platforms, two of them the article's on its
dates and the rest invented; `_platform_outputs` draws their yearly projects, funding,
patents and hosted talents, concentrated on a few platforms, to the article's totals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lps_analysis.data.illustrative.common import (
    COUNTIES,
    COUNTY_WEIGHTS,
    FUNDING_10K_YUAN,
    N_NATIONAL,
    N_PROVINCIAL,
    OUTPUT_YEARS,
    PATENTS_GRANTED_MIN,
    PROJECTS_APPROVED,
    PROVENANCE,
    SOURCE,
    SUFFIX,
    _frame,
)

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

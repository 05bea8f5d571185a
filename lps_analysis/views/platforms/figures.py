"""The headline figures of notebook 03 as Values, and what the article says, under what it says.

The article attributes its figures to different things, and the report keeps them apart:

- 国家级平台及院士工作站6个、省级人才平台15个 (F024, F025) are the city's platform counts;
- 引进人才申报各类项目获批281个、争取立项经费1585万元、授权专利500余项 (F035–F037) are what
  *introduced talents* achieved — not platform outputs;
- 年度专利申请量与授权量突破1000件、每万人专利拥有量增长246.15% (F022, F023) are city-wide.

Platform outputs come only from the ``platform_outputs`` table.
"""

from __future__ import annotations

import pandas as pd

from lps_analysis import platforms as pf
from lps_analysis.data.registry import Scope, current_scopes
from lps_analysis.value import Value

# Metric id → the fact base's indicator it restates (city scope, the article's own figure).
PLATFORM_FACTS = {
    "platforms.national": "platforms.national",
    "platforms.provincial": "platforms.provincial",
}
INTRODUCED_TALENT_FACTS = {
    "introduced_talent.projects_approved": "outputs.projects_approved",
    "introduced_talent.funding_10k_yuan": "outputs.funding_10k_yuan",
    "introduced_talent.patents_granted": "outputs.patents_granted",
}
CITY_PATENT_FACTS = {
    "innovation.patents_yearly_applied_and_granted": "outputs.patents_yearly_applied_and_granted",
    "innovation.patents_per_10k_growth": "outputs.patents_per_10k_growth",
}
LABELS = {
    "platforms.national": "国家级平台及院士工作站",
    "platforms.provincial": "省级人才平台",
    "platforms.total": "国家级和省级平台合计",
    "introduced_talent.projects_approved": "引进人才申报项目获批",
    "introduced_talent.funding_10k_yuan": "争取立项经费",
    "introduced_talent.funding_per_project_10k_yuan": "平均每个项目经费",
    "introduced_talent.patents_granted": "授权专利",
    "innovation.patents_yearly_applied_and_granted": "年度专利申请量与授权量",
    "innovation.patents_per_10k_growth": "每万人专利拥有量增长",
}
# Canonical unit of each fact-based figure (fmt prints the measure word).
UNITS = {
    "platforms.national": "platforms",
    "platforms.provincial": "platforms",
    "platforms.total": "platforms",
    "introduced_talent.projects_approved": "projects",
    "introduced_talent.funding_10k_yuan": "10k_yuan",
    "introduced_talent.funding_per_project_10k_yuan": "10k_yuan_per_project",
    "introduced_talent.patents_granted": "patents",  # 件 (the article's 500余项 is quoted)
    "innovation.patents_yearly_applied_and_granted": "件",
    "innovation.patents_per_10k_growth": "ratio",
}
# The two platforms the article names: fact category → name as written.
NAMED_PLATFORMS = {
    "national_agricultural_park": "水城现代农业产业园",
    "national_incubator": "六盘水市科技企业孵化器",
}


# --------------------------------------------------------------------------- selection


def scope_codes(scope: Scope) -> list[str]:
    """Codes whose platforms belong to the scope: the city takes its own rows and every county's."""
    if scope.level == "city":
        return [s.code for s in current_scopes()]
    return [scope.code]


def scope_platforms(platforms: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    return platforms[platforms.scope_code.isin(scope_codes(scope))].reset_index(drop=True)


def scope_outputs(outputs: pd.DataFrame, platforms_in_scope: pd.DataFrame) -> pd.DataFrame:
    return outputs[outputs.platform_id.isin(platforms_in_scope.platform_id)].reset_index(drop=True)


def observed_years(outputs: pd.DataFrame, start: int, end: int) -> list[int]:
    """Years within `start`–`end` for which the outputs table has rows."""
    years = outputs.year[(outputs.year >= start) & (outputs.year <= end)]
    return sorted(int(y) for y in years.unique())


# --------------------------------------------------------------------------- the article


def article_facts(facts: pd.DataFrame) -> dict[str, pd.Series]:
    """The city's platform and output facts by indicator (one row each)."""
    sub = facts[facts.topic.isin(["platforms", "outputs"]) & (facts.category == "")]
    return {rec.indicator: rec for _, rec in sub.iterrows()}


def fact_value(fact: pd.Series, unit: str) -> Value:
    """An article fact as a Value: provenance `article`, its bound, its fact id as source."""
    return Value(float(fact.value), unit, "article", fact.bound, (fact.fact_id,))


def _stated(facts: dict[str, pd.Series], wanted: dict[str, str]) -> dict[str, Value]:
    out = {}
    for metric_id, indicator in wanted.items():
        fact = facts.get(indicator)
        out[metric_id] = (
            Value.absent(UNITS[metric_id], "facts")
            if fact is None
            else fact_value(fact, UNITS[metric_id])
        )
    return out


def introduced_talent(facts: dict[str, pd.Series]) -> dict[str, Value]:
    """What the article says introduced talents achieved (F035–F037) and the per-project mean."""
    out = _stated(facts, INTRODUCED_TALENT_FACTS)
    out["introduced_talent.funding_per_project_10k_yuan"] = pf.funding_per_project(
        out["introduced_talent.funding_10k_yuan"], out["introduced_talent.projects_approved"]
    )
    return out


def city_patents(facts: dict[str, pd.Series]) -> dict[str, Value]:
    """The article's city-wide patent figures (F022, F023)."""
    return _stated(facts, CITY_PATENT_FACTS)


def fact_quote(facts: dict[str, pd.Series], metric_id: str) -> pd.Series | None:
    """The fact row a metric restates (None for a derived figure or an absent fact)."""
    table = {**PLATFORM_FACTS, **INTRODUCED_TALENT_FACTS, **CITY_PATENT_FACTS}
    return facts.get(table.get(metric_id, ""))


# --------------------------------------------------------------------------- platform counts


def platform_counts(
    scope: Scope,
    facts: dict[str, pd.Series],
    mine: pd.DataFrame | None,
    listing: pd.DataFrame | None,
) -> dict[str, Value]:
    """National, provincial and total platforms: the article's at city scope, the data's else.

    A count from the data takes the marks of the whole listing (see
    :func:`lps_analysis.platforms.count_by`); with no platforms table it is missing, not 0.
    The total is national + provincial, as the article counts.
    """
    if scope.level == "city" and all(facts.get(i) is not None for i in PLATFORM_FACTS.values()):
        out = _stated(facts, PLATFORM_FACTS)
    elif mine is None or listing is None:
        out = {m: Value.absent("platforms", "platforms") for m in PLATFORM_FACTS}
    else:
        marks = pf.listing_marks(listing)
        out = {
            f"platforms.{level}": Value(float((mine.level == level).sum()), "platforms", **marks)
            for level in ("national", "provincial")
        }
    out["platforms.total"] = out["platforms.national"] + out["platforms.provincial"]
    return out


# --------------------------------------------------------------------------- named platforms


def named_platforms(facts: pd.DataFrame, platforms: pd.DataFrame) -> pd.DataFrame:
    """The platforms the article names, with its date and the data's, for the timeline.

    Returns ``name_zh``, ``fact_id``, ``quote``, ``article_date`` (first of the stated month),
    ``fact_scope``, ``data_date`` and ``data_scope`` (NaT/None when the data lack it).
    """
    rows = []
    sub = facts[facts.category.isin(list(NAMED_PLATFORMS))]
    for _, fact in sub.iterrows():
        name = NAMED_PLATFORMS[fact.category]
        in_data = platforms[platforms.name_zh == name]
        rows.append(
            {
                "name_zh": name,
                "fact_id": fact.fact_id,
                "quote": fact.quote,
                "article_date": pd.Timestamp(f"{fact.period}-01"),
                "fact_scope": fact.scope_code,
                "data_date": in_data.established.iloc[0] if len(in_data) else pd.NaT,
                "data_scope": in_data.scope_code.iloc[0] if len(in_data) else None,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "name_zh",
            "fact_id",
            "quote",
            "article_date",
            "fact_scope",
            "data_date",
            "data_scope",
        ],
    )


def named_in_scope(named: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """Named platforms for a scope: all at city scope, else those located in the county.

    A platform the article places at city level (六盘水市科技企业孵化器, F027) belongs to no
    county report.
    """
    if scope.level == "city":
        return named.reset_index(drop=True)
    located = named.data_scope.where(named.data_scope.notna(), named.fact_scope)
    return named[located == scope.code].reset_index(drop=True)

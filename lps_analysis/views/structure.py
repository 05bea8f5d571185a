"""What notebook 01 computes for one scope: the talent stock, its change, shift-share, density.

Turns validated tables into the frames of the talent-structure report; every frame carries, per
row, the provenance and sources of the inputs it rests on (:mod:`lps_analysis.structure.lineage`),
so that the sentences (:mod:`.structure_text`), tables (:mod:`.structure_tables`), charts and
metrics (:mod:`.structure_metrics`) take each figure's mark from its value. No file I/O: the
notebook passes in what `lps_analysis.data` loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from lps_analysis import fmt, structure
from lps_analysis.data.registry import Scope, city, current_scopes, get_scope
from lps_analysis.data.vocab import TOTAL_CATEGORY, TOTAL_CATEGORY_ZH, category_name_zh
from lps_analysis.structure import lineage
from lps_analysis.value import PROVENANCES, Value, combined_provenance, derive, from_row
from lps_analysis.views.structure_text import boundary_note

REPORTED_CATEGORIES = ("management", "professional", "skilled", "unspecified")
REFERENCE_REGION = "贵州省"
ILLUSTRATIVE_MARK = fmt.ILLUSTRATIVE_MARK
# The rule lives in lps_analysis.value; kept under its old name for the other views.
combine_provenance = combined_provenance


def scope_stock(stock: pd.DataFrame, scope_code: str) -> pd.DataFrame:
    """The talent_stock rows of one scope.

    At city scope, a year with no city rows but all four counties gets the county sums, whose
    provenance and sources are those of the county rows summed (illustrative stays illustrative).
    """
    own = lineage.with_lineage(stock[stock.scope_code == scope_code])
    if scope_code != city().code:
        return own.reset_index(drop=True)
    counties = [s.code for s in current_scopes() if s.level == "county"]
    sub = lineage.with_lineage(stock[stock.scope_code.isin(counties)])
    extra = []
    for year, rows in sub.groupby("year"):
        if year in set(own.year) or rows.scope_code.nunique() < len(counties):
            continue
        for category, cat_rows in rows.groupby("category"):
            if cat_rows.scope_code.nunique() < len(counties):
                continue
            kind, sources = lineage.combine(lineage.lineages(cat_rows))
            extra.append(
                {
                    "scope_code": scope_code,
                    "year": int(year),
                    "category": category,
                    "count": float(cat_rows["count"].sum()),
                    "provenance": kind,
                    "source": "各县级单位之和",
                    "sources": sources,
                }
            )
    if not extra:
        return own.reset_index(drop=True)
    return pd.concat([own, pd.DataFrame(extra)], ignore_index=True)


def guizhou_reference(benchmarks: pd.DataFrame) -> pd.DataFrame:
    """Guizhou's talent stock by category (official), in the talent_stock shape, with sources."""
    gz = benchmarks[
        (benchmarks.region == REFERENCE_REGION)
        & (benchmarks.indicator == "talent_stock")
        & benchmarks.category.isin([*structure.NAMED_CATEGORIES, TOTAL_CATEGORY])
    ]
    return gz.rename(columns={"region": "scope_code", "value": "count"})[
        ["scope_code", "year", "category", "count", "bound", "provenance", "source"]
    ].reset_index(drop=True)


def years_available(stock: pd.DataFrame) -> list[int]:
    return sorted(int(y) for y in stock.year.unique())


def missing_sentences(stock: pd.DataFrame, scope: Scope, start: int, end: int) -> list[str]:
    """Chinese sentences naming what this scope lacks for the requested comparison."""
    out = []
    years = set(years_available(stock))
    for year in (start, end):
        if year not in years:
            out.append(f"{scope.name_zh}缺少{year}年人才数据，涉及该年的指标未计算。")
    for year in sorted(years & {start, end}):
        present = set(stock[stock.year == year].category)
        lacking = [c for c in ("management", "professional", "skilled") if c not in present]
        if lacking:
            names = "、".join(category_name_zh(c) for c in lacking)
            out.append(f"{scope.name_zh}{year}年缺少{names}数据。")
    return out


def illustrative_parts(parts: dict[str, pd.DataFrame | None]) -> list[str]:
    """Names of the report parts whose data include illustrative rows."""
    return [
        name
        for name, frame in parts.items()
        if frame is not None
        and "provenance" in frame
        and (frame.provenance == "illustrative").any()
    ]


def banner(parts: dict[str, pd.DataFrame | None]) -> str | None:
    """The warning shown at the top of a report that contains illustrative data (Markdown)."""
    names = illustrative_parts(parts)
    if not names:
        return None
    return (
        "> ⚠️ **本报告含示例数据（非真实统计）**："
        + "、".join(names)
        + "中的部分数值为程序生成的示例数据，"
        f"仅用于演示分析流程，文中和表中以“{ILLUSTRATIVE_MARK}”标注、图中以斜线填充标注。"
        "请以各县区上报的真实数据替换后再用于决策。"
    )


def _population_value(row: pd.Series) -> Value:
    """A population row as a value: its own provenance and the page it came from."""
    kind = row.get("provenance")
    default = kind if isinstance(kind, str) and kind in PROVENANCES else "illustrative"
    return from_row(row, "residents", "persons", table="population", default_provenance=default)


def talent_density(
    completed: pd.DataFrame, population: pd.DataFrame, scope_code: str
) -> pd.DataFrame:
    """Talents per 10,000 residents for the years where the scope's population is known.

    One row per year: ``year``, ``talent_total``, ``residents``, ``per_10k`` (each a
    :class:`Value`: the per-10k is real only where both the total and the population are),
    ``title`` and ``reliability`` of the population's source (empty when not stated).
    """
    pop = population[population.scope_code.astype(str) == scope_code]
    totals = completed[completed.category == TOTAL_CATEGORY]
    rows = []
    for rec in totals.itertuples(index=False):
        match = pop[pop.year == rec.year]
        if match.empty:
            continue
        source = match.iloc[0]
        talent = structure.cell_value(rec, "count", "persons")
        residents = _population_value(source)
        bound = structure.combine_bounds(talent.bound, residents.bound, operation="ratio")
        per_10k = derive(structure.per_10k, talent, residents, unit="persons_per_10k", bound=bound)
        rows.append(
            {
                "year": int(rec.year),
                "talent_total": talent,
                "residents": residents,
                "per_10k": per_10k,
                "title": _text(source.get("title")),
                "reliability": _text(source.get("reliability")),
            }
        )
    columns = ["year", "talent_total", "residents", "per_10k", "title", "reliability"]
    return pd.DataFrame(rows, columns=columns)


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def structure_dissimilarity(shares: pd.DataFrame, start: int, end: int) -> Value:
    """Duncan index of the start vs end structure, with the lineage of both years' shares."""
    a, b = shares[shares.year == start], shares[shares.year == end]
    if a.empty or b.empty:
        return Value.absent("index", "talent_stock")
    kind, sources = lineage.combine(lineage.lineages(pd.concat([a, b])))
    number = structure.dissimilarity(a.set_index("category").share, b.set_index("category").share)
    bound = structure.combine_bounds(*a.bound, *b.bound, operation="ratio")
    return Value(number, "index", kind, bound, sources)


@dataclass
class StructureView:
    """Everything notebook 01 shows for one scope."""

    scope: Scope
    start: int
    end: int
    completed: pd.DataFrame
    shares: pd.DataFrame
    change: pd.DataFrame
    shift: pd.DataFrame
    dissimilarity: Value
    density: pd.DataFrame
    compare: pd.DataFrame | None
    notes: list[str] = field(default_factory=list)
    banner: str | None = None
    population_known: bool = False  # whether any year of the scope has a population figure
    boundary: str | None = None  # caveat when the scope's area changed between the two years
    compare_boundary: str | None = None  # the same for the scopes of the county comparison


def _empty_stock() -> pd.DataFrame:
    return pd.DataFrame(columns=["scope_code", "year", "category", "count", "provenance", "source"])


def _county_compare(stock: pd.DataFrame, start: int, end: int) -> pd.DataFrame | None:
    """Every scope with both years, compared (city reports only); None with fewer than two."""
    frames = [scope_stock(stock, s.code) for s in current_scopes()]
    frames = [f for f in frames if {start, end} <= set(f.year)]
    if len(frames) < 2:
        return None
    return structure.compare_scopes(pd.concat(frames, ignore_index=True), start, end)


def build(
    scope: Scope,
    start: int,
    end: int,
    *,
    talent_stock: pd.DataFrame | None,
    benchmarks: pd.DataFrame,
    population: pd.DataFrame,
) -> StructureView:
    """Compute every frame of the talent-structure report for one scope; never raises on gaps."""
    stock_all = talent_stock if talent_stock is not None else _empty_stock()
    notes = (
        []
        if talent_stock is not None
        else [f"数据中没有{TOTAL_CATEGORY_ZH}表（talent_stock），本节无法计算。"]
    )
    own = scope_stock(stock_all, scope.code)
    completed = structure.complete_categories(own)
    if talent_stock is not None:
        notes += missing_sentences(own, scope, start, end)
    both_years = {start, end} <= set(years_available(own))
    shares = structure.shares(completed)
    shift = structure.shift_share(completed, guizhou_reference(benchmarks), start, end)
    if not both_years:
        shift = shift.iloc[:0]  # a decomposition needs both years
    compare = None
    if scope.level == "city" and talent_stock is not None:
        compare = _county_compare(stock_all, start, end)
    compared = [] if compare is None else [get_scope(c) for c in compare.scope_code]
    return StructureView(
        scope=scope,
        start=start,
        end=end,
        completed=completed,
        shares=shares,
        change=structure.change(completed, start, end),
        shift=shift,
        dissimilarity=structure_dissimilarity(shares, start, end),
        density=talent_density(completed, population, scope.code),
        compare=compare,
        notes=notes,
        banner=banner({TOTAL_CATEGORY_ZH: completed, "县级单位比较": compare}),
        population_known=bool((population.scope_code.astype(str) == scope.code).any()),
        boundary=boundary_note([scope], start, end) if both_years else None,
        compare_boundary=boundary_note(compared, start, end),
    )

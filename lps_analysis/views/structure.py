"""What notebook 01 shows: the talent stock of one scope, its change, and text computed from it.

Turns validated tables into the frames, sentences and metrics of the talent-structure report.
No file I/O: the notebook passes in what `lps_analysis.data` loaded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from lps_analysis import fmt, structure
from lps_analysis.data.registry import Scope, city, current_scopes
from lps_analysis.data.vocab import TOTAL_CATEGORY, category_name_zh
from lps_analysis.metrics import Metrics

REPORTED_CATEGORIES = ("management", "professional", "skilled", "unspecified")
REFERENCE_REGION = "贵州省"
ILLUSTRATIVE_MARK = "*"


def combine_provenance(kinds, *, computed: bool) -> str:
    """Provenance of a figure made from inputs of the given kinds.

    Anything touched by illustrative data is illustrative (never presented as fact); a figure
    computed from real inputs is `derived`; a figure taken as is keeps its single kind.
    """
    kinds = {k for k in kinds if isinstance(k, str) and k}
    if "illustrative" in kinds:
        return "illustrative"
    if computed or len(kinds) != 1:
        return "derived"
    return next(iter(kinds))


def scope_stock(stock: pd.DataFrame, scope_code: str) -> pd.DataFrame:
    """The talent_stock rows of one scope.

    At city scope, a year with no city rows but all four counties gets the county sums
    (provenance follows the counties: illustrative stays illustrative).
    """
    own = stock[stock.scope_code == scope_code].copy()
    if scope_code != city().code:
        return own.reset_index(drop=True)
    counties = [s.code for s in current_scopes() if s.level == "county"]
    sub = stock[stock.scope_code.isin(counties)]
    extra = []
    for year, rows in sub.groupby("year"):
        if year in set(own.year) or rows.scope_code.nunique() < len(counties):
            continue
        for category, cat_rows in rows.groupby("category"):
            if cat_rows.scope_code.nunique() < len(counties):
                continue
            extra.append(
                {
                    "scope_code": scope_code,
                    "year": int(year),
                    "category": category,
                    "count": float(cat_rows["count"].sum()),
                    "provenance": combine_provenance(cat_rows.provenance, computed=True),
                    "source": "各县级单位之和",
                }
            )
    return (
        pd.concat([own, pd.DataFrame(extra)], ignore_index=True)
        if extra
        else own.reset_index(drop=True)
    )


def guizhou_reference(benchmarks: pd.DataFrame) -> pd.DataFrame:
    """Guizhou's talent stock by category (official), in the talent_stock shape."""
    gz = benchmarks[
        (benchmarks.region == REFERENCE_REGION)
        & (benchmarks.indicator == "talent_stock")
        & benchmarks.category.isin([*structure.NAMED_CATEGORIES, TOTAL_CATEGORY])
    ]
    return gz.rename(columns={"region": "scope_code", "value": "count"})[
        ["scope_code", "year", "category", "count", "bound", "provenance"]
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


def illustrative_parts(parts: dict[str, pd.DataFrame]) -> list[str]:
    """Names of the report parts whose data include illustrative rows."""
    return [
        name
        for name, frame in parts.items()
        if "provenance" in frame and (frame.provenance == "illustrative").any()
    ]


def banner(parts: dict[str, pd.DataFrame]) -> str | None:
    """The warning shown at the top of a report that contains illustrative data (Markdown)."""
    names = illustrative_parts(parts)
    if not names:
        return None
    return (
        "> ⚠️ **本报告含示例数据（非真实统计）**："
        + "、".join(names)
        + "中的部分数值为程序生成的示例数据，"
        f"仅用于演示分析流程，表中以“{ILLUSTRATIVE_MARK}”标注、图中以斜线填充标注。"
        "请以各县区上报的真实数据替换后再用于决策。"
    )


def stock_table(completed: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Talent stock by category (rows) and year (columns) in 万人, one decimal; * marks illustrative."""
    rows = {}
    order = [c for c in structure.CATEGORY_ORDER if c in set(completed.category)]
    for category in order:
        row = {}
        for year in years:
            cell = completed[(completed.category == category) & (completed.year == year)]
            if cell.empty or pd.isna(cell["count"].iloc[0]):
                row[f"{year}年"] = "—"
                continue
            mark = ILLUSTRATIVE_MARK if (cell.get("provenance") == "illustrative").any() else ""
            bound = cell["bound"].iloc[0] if "bound" in cell else "exact"
            row[f"{year}年"] = fmt.wan(cell["count"].iloc[0], unit="", bound=bound) + mark
        rows[category_name_zh(category)] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "人才类别（万人）"
    return table


def change_table(change: pd.DataFrame) -> pd.DataFrame:
    """The change between two years per category, formatted for a report."""
    out = pd.DataFrame(
        {
            "人才类别": [category_name_zh(c) for c in change.category],
            "起始（万人）": [fmt.wan(v, unit="") for v in change.start_count],
            "末期（万人）": [fmt.wan(v, unit="") for v in change.end_count],
            "增量（万人）": [fmt.wan(v, unit="") for v in change.change_persons],
            "增长率": [fmt.pct(v) for v in change.change_ratio],
            "年均增长率": [fmt.pct(v) for v in change.cagr],
            "占比变化": [fmt.pp(v) if not math.isnan(v) else "—" for v in change.share_change_pp],
        }
    )
    return out.set_index("人才类别")


def _row(frame: pd.DataFrame, category: str) -> pd.Series | None:
    sel = frame[frame.category == category]
    return None if sel.empty else sel.iloc[0]


def narrative(
    change: pd.DataFrame, scope: Scope, start: int, end: int, dissimilarity: float
) -> str:
    """Two or three Chinese sentences on the change, every number computed (Markdown)."""
    total = _row(change, TOTAL_CATEGORY)
    if total is None or math.isnan(total.change_ratio):
        return f"{scope.name_zh}{start}年和{end}年的人才总量不全，无法计算总量变化。"
    approx = "约" if total.bound != "exact" else ""
    parts = [
        f"{scope.name_zh}人才总量由{start}年的{fmt.wan(total.start_count, digits=2)}"
        f"增长到{end}年的{fmt.wan(total.end_count, digits=2)}，"
        f"{approx}增长{fmt.pct(total.change_ratio)}，年均增长{fmt.pct(total.cagr)}。"
    ]
    named = change[change.category.isin(["management", "professional", "skilled"])].dropna(
        subset=["share_change_pp"]
    )
    if not named.empty:
        up = named.loc[named.share_change_pp.idxmax()]
        down = named.loc[named.share_change_pp.idxmin()]
        lowest = "占比下降" if down.share_change_pp < 0 else "占比上升最少"
        parts.append(
            f"结构上，{category_name_zh(up.category)}占比上升最多（{fmt.pp(up.share_change_pp)}），"
            f"{category_name_zh(down.category)}{lowest}（{fmt.pp(down.share_change_pp)}）。"
        )
    if not math.isnan(dissimilarity):
        parts.append(
            f"两年结构的相异指数为{dissimilarity:.4f}（0 表示结构完全相同），"
            + ("结构总体稳定。" if dissimilarity < 0.05 else "结构变化明显。")
        )
    return "".join(parts)


def shift_share_sentence(shift: pd.DataFrame, scope: Scope) -> str:
    """What the shift-share decomposition says, in one Chinese sentence (Markdown)."""
    total = _row(shift, TOTAL_CATEGORY)
    if total is None or math.isnan(total.actual_change):
        return f"{scope.name_zh}缺少计算偏离—份额分解所需的数据。"
    verdict = "快于" if total.local_component > 0 else "慢于"

    def signed(persons: float) -> str:
        return ("增加" if persons >= 0 else "减少") + fmt.wan(abs(persons))

    return (
        f"若按贵州全省同期人才增速（{fmt.pct(total.reference_total_growth)}）增长，{scope.name_zh}人才应"
        f"{signed(total.reference_component)}；人才类别构成的差异使之{signed(total.mix_component)}，"
        f"本地因素使之{signed(total.local_component)}，即扣除结构因素后，本地增长{verdict}全省同类人才的平均水平。"
    )


def record_metrics(metrics: Metrics, view: StructureView) -> None:
    """Record the talent.* metrics of DESIGN.md's contract (missing figures are not recorded)."""
    completed, change, shift = view.completed, view.change, view.shift
    dissimilarity, density, start, end = view.dissimilarity, view.density, view.start, view.end
    for year in (start, end):
        for category in (TOTAL_CATEGORY, *REPORTED_CATEGORIES):
            cell = completed[(completed.year == year) & (completed.category == category)]
            if cell.empty:
                continue
            rec = cell.iloc[0]
            name = "total" if category == TOTAL_CATEGORY else category
            metrics.record(
                f"talent.{name}.{year}",
                rec["count"],
                unit="persons",
                provenance=combine_provenance([rec.get("provenance")], computed=False),
                bound=rec.get("bound", "exact"),
            )
    shares = structure.shares(completed)
    for rec in shares.itertuples(index=False):
        if rec.year in (start, end) and rec.category in REPORTED_CATEGORIES:
            prov = combine_provenance(
                completed[completed.year == rec.year].provenance, computed=True
            )
            metrics.record(
                f"talent.share.{rec.category}.{rec.year}",
                rec.share,
                unit="ratio",
                provenance=prov,
                bound=rec.bound,
            )
    prov_all = combine_provenance(completed.provenance, computed=True)
    total = _row(change, TOTAL_CATEGORY)
    if total is not None:
        metrics.record(
            "talent.total.growth",
            total.change_ratio,
            unit="ratio",
            provenance=prov_all,
            bound=total.bound,
        )
        metrics.record(
            "talent.total.cagr", total.cagr, unit="ratio", provenance=prov_all, bound=total.bound
        )
    for rec in change.itertuples(index=False):
        if rec.category in REPORTED_CATEGORIES:
            metrics.record(
                f"talent.share_change_pp.{rec.category}",
                rec.share_change_pp,
                unit="percentage_points",
                provenance=prov_all,
                bound=rec.bound,
            )
    if not math.isnan(dissimilarity):
        used = completed[completed.year.isin([start, end])]
        bound = structure.combine_bounds(*used.bound, operation="ratio")
        metrics.record(
            "talent.dissimilarity", dissimilarity, unit="index", provenance=prov_all, bound=bound
        )
    for rec in shift.itertuples(index=False):
        if rec.category not in REPORTED_CATEGORIES:
            continue
        for part in ("reference", "mix", "local"):
            metrics.record(
                f"talent.shift_share.{rec.category}.{part}",
                getattr(rec, f"{part}_component"),
                unit="persons",
                provenance=prov_all,
                bound=rec.bound,
            )
    for rec in density.itertuples(index=False):
        metrics.record(
            f"talent.per_10k.{rec.year}",
            rec.per_10k,
            unit="persons_per_10k",
            provenance=rec.provenance,
            bound=rec.bound,
        )


def compare_table(compare: pd.DataFrame) -> pd.DataFrame:
    """County comparison formatted for a report: totals, growth, CAGR, structure change."""
    names = {s.code: s.name_zh for s in current_scopes()}
    return pd.DataFrame(
        {
            "范围": [names.get(c, c) for c in compare.scope_code],
            "起始（万人）": [fmt.wan(v, unit="") for v in compare.start_total],
            "末期（万人）": [fmt.wan(v, unit="") for v in compare.end_total],
            "增长率": [fmt.pct(v) for v in compare.change_ratio],
            "年均增长率": [fmt.pct(v) for v in compare.cagr],
            "结构相异指数": [f"{v:.4f}" for v in compare.dissimilarity],
            "占比上升最多": [
                category_name_zh(c) if isinstance(c, str) else "—"
                for c in compare.largest_gain_category
            ],
        }
    ).set_index("范围")


def talent_density(
    completed: pd.DataFrame, population: pd.DataFrame, scope_code: str
) -> pd.DataFrame:
    """Talents per 10,000 residents for the years where the scope's population is known."""
    pop = population[population.scope_code == scope_code]
    totals = completed[completed.category == TOTAL_CATEGORY]
    rows = []
    for rec in totals.itertuples(index=False):
        match = pop[pop.year == rec.year]
        if match.empty:
            continue
        rows.append(
            {
                "year": int(rec.year),
                "talent_total": rec.count,
                "residents": int(match.residents.iloc[0]),
                "per_10k": structure.per_10k(rec.count, match.residents.iloc[0]),
                "bound": structure.combine_bounds(rec.bound, operation="ratio"),
                "provenance": combine_provenance(
                    [rec.provenance, match.provenance.iloc[0]], computed=True
                ),
            }
        )
    return pd.DataFrame(
        rows, columns=["year", "talent_total", "residents", "per_10k", "bound", "provenance"]
    )


def density_sentence(density: pd.DataFrame, scope: Scope) -> str:
    if density.empty:
        return (
            f"{scope.name_zh}没有官方常住人口数据，未计算每万人人才数"
            "（不作估算；分析人员可在 population 表中补充）。"
        )
    latest = density.iloc[-1]
    return (
        f"{int(latest.year)}年{scope.name_zh}常住人口{fmt.count(latest.residents)}人，"
        f"每万人拥有人才{latest.per_10k:.0f}人。"
    )


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
    dissimilarity: float
    density: pd.DataFrame
    compare: pd.DataFrame | None
    notes: list[str] = field(default_factory=list)
    banner: str | None = None

    @property
    def illustrative(self) -> bool:
        """Whether the compared years (start, end) rest on illustrative data."""
        used = self.completed[self.completed.year.isin([self.start, self.end])]
        return bool((used.provenance == "illustrative").any())


def _taint_derived_rows(completed: pd.DataFrame) -> pd.DataFrame:
    """A total or remainder computed from illustrative rows of its year is illustrative too."""
    if completed.empty:
        return completed
    out = completed.copy()
    for year, rows in out.groupby("year"):
        kinds = set(rows.provenance.dropna())
        derived = (out.year == year) & (out.provenance == "derived")
        out.loc[derived, "provenance"] = combine_provenance(
            kinds - {"derived"} or {"derived"}, computed=True
        )
    return out


def _empty_stock() -> pd.DataFrame:
    return pd.DataFrame(columns=["scope_code", "year", "category", "count", "provenance", "source"])


def build(
    scope: Scope,
    start: int,
    end: int,
    *,
    talent_stock: pd.DataFrame | None,
    benchmarks: pd.DataFrame,
    population: pd.DataFrame,
) -> StructureView:
    """Compute every table of the talent-structure report for one scope; never raises on gaps."""
    stock_all = talent_stock if talent_stock is not None else _empty_stock()
    notes = (
        []
        if talent_stock is not None
        else ["数据中没有人才资源总量表（talent_stock），本节无法计算。"]
    )
    own = scope_stock(stock_all, scope.code)
    completed = (
        structure.complete_categories(own)
        if not own.empty
        else _empty_stock().assign(bound=[], is_total=[])
    )
    notes += missing_sentences(own, scope, start, end)
    years = set(years_available(own))
    change = (
        structure.change(completed, start, end)
        if not own.empty
        else pd.DataFrame(
            columns=[
                "category",
                "start_count",
                "end_count",
                "change_persons",
                "change_ratio",
                "cagr",
                "start_share",
                "end_share",
                "share_change_pp",
                "bound",
                "missing",
            ]
        )
    )
    shift = (
        structure.shift_share(completed, guizhou_reference(benchmarks), start, end)
        if {start, end} <= years
        else pd.DataFrame(
            columns=[
                "category",
                "actual_change",
                "reference_component",
                "mix_component",
                "local_component",
                "reference_total_growth",
                "bound",
            ]
        )
    )
    shares_frame = (
        structure.shares(completed)
        if not own.empty
        else pd.DataFrame(columns=["year", "category", "share"])
    )
    if not shares_frame.empty:
        shares_frame = shares_frame.merge(
            completed[["year", "category", "provenance"]], on=["year", "category"], how="left"
        )
    dissim = math.nan
    if {start, end} <= years:
        a = shares_frame[shares_frame.year == start].set_index("category").share
        b = shares_frame[shares_frame.year == end].set_index("category").share
        dissim = structure.dissimilarity(a, b)
    compare = None
    if scope.level == "city" and talent_stock is not None:
        frames = [scope_stock(stock_all, s.code) for s in current_scopes()]
        frames = [f for f in frames if {start, end} <= set(f.year)]
        if len(frames) > 1:
            compare = structure.compare_scopes(pd.concat(frames, ignore_index=True), start, end)
    return StructureView(
        scope=scope,
        start=start,
        end=end,
        completed=completed,
        shares=shares_frame,
        change=change,
        shift=shift,
        dissimilarity=dissim,
        density=talent_density(completed, population, scope.code)
        if not own.empty
        else talent_density(completed.iloc[:0], population, scope.code),
        compare=compare,
        notes=notes,
        banner=banner({"人才资源总量": completed}) if not own.empty else None,
    )

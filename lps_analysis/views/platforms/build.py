"""Everything notebook 03 shows for one scope, computed once: :func:`build` → :class:`PlatformView`.

No file I/O: the notebook passes in what `lps_analysis.data` loaded. Every figure is a Value or
sits in a frame whose rows carry the marks of the input rows behind them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from lps_analysis import fmt
from lps_analysis import platforms as pf
from lps_analysis.data.registry import Scope, current_scopes
from lps_analysis.textsafe import md_text
from lps_analysis.value import Value
from lps_analysis.views.platforms import figures as fig
from lps_analysis.views.structure import banner

TOP_FRACTION = 0.2


@dataclass
class PlatformView:
    """Everything notebook 03 shows for one scope."""

    scope: Scope
    start: int
    end: int
    years: list[int]  # years within start–end that the outputs table covers
    platforms: pd.DataFrame  # the scope's platforms
    listing: pd.DataFrame | None  # every platform of the table (None: no table)
    outputs: pd.DataFrame
    stock: pd.DataFrame  # year × level: stock at year-end, new, marks
    timeline_years: list[int]
    by_type: pd.DataFrame
    per_platform: pd.DataFrame
    totals: dict[str, Value]  # the scope's platform outputs (data)
    yearly: pd.DataFrame
    density: pd.DataFrame
    concentration: pd.DataFrame
    lorenz: pd.DataFrame  # output, platform_share, output_share, marks
    counts: dict[str, Value]  # platforms.national / provincial / total
    introduced: dict[str, Value]  # the article's introduced-talent figures (city only)
    city_patents: dict[str, Value]  # the article's city-wide patent figures (city only)
    named: pd.DataFrame
    facts: dict[str, pd.Series]
    compare: pd.DataFrame | None = None
    city_level: pd.DataFrame | None = None  # platforms listed at city level, in no county
    poisson: pf.PoissonFE | None = None
    poisson_note: str | None = None
    notes: list[str] = field(default_factory=list)
    banner: str | None = None


def _empty_platforms() -> pd.DataFrame:
    columns = ["platform_id", "name_zh", "level", "type", "scope_code", "provenance", "source"]
    frame = pd.DataFrame({c: pd.Series(dtype=str) for c in columns})
    return frame.assign(established=pd.Series(dtype="datetime64[ns]"))


def _empty_outputs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "platform_id": pd.Series(dtype=str),
            "year": pd.Series(dtype="int64"),
            **{c: pd.Series(dtype=float) for c in pf.OUTPUT_COLUMNS},
            "provenance": pd.Series(dtype=str),
        }
    )


def _timeline_years(platforms: pd.DataFrame, start: int, end: int) -> list[int]:
    if platforms.empty:
        return list(range(start, end + 1))
    years = pd.to_datetime(platforms.established).dt.year
    return list(range(min(int(years.min()), start), max(int(years.max()), end) + 1))


def _gap_notes(scope: Scope, platforms, outputs, years: list[int], start: int, end: int):
    if not years:
        return [f"{scope.name_zh}{start}—{end}年没有平台产出数据，产出指标未计算。"]
    notes, missing = [], []
    for rec in platforms.itertuples(index=False):
        reported = set(outputs.year[outputs.platform_id == rec.platform_id])
        active = [y for y in years if pf.active_fraction(rec.established, y) > 0]
        lacking = [y for y in active if y not in reported]
        if lacking:
            name = pf.platform_label(md_text(rec.name_zh), getattr(rec, "provenance", None))
            missing.append(f"{name}（{'、'.join(map(str, lacking))}年）")
    if missing:
        notes.append(
            fmt.markdown(
                f"以下平台在已认定的年份缺少产出记录，按缺报处理（不计入平台年，也不按{fmt.setting(0)}计）："
                + "；".join(missing)
                + "。"
            )
        )
    early = outputs.merge(platforms[["platform_id", "established"]], on="platform_id")
    early = early[early.year < pd.to_datetime(early.established).dt.year]
    if len(early):
        marks = pf.combine(pf.row_marks(early, "platform_outputs"))
        n = fmt.show(Value(len(early), "条", **marks))
        notes.append(
            f"有{n}产出记录早于平台认定年份，平台年为{fmt.setting(0)}，未计入每平台年产出。"
        )
    return notes


def _compare_row(county: Scope, mine, outputs, population, listing, years) -> dict:
    """One county's platforms and outputs as Values (marks from the rows behind each)."""
    window = (min(years, default=0), max(years, default=0))
    per = pf.outputs_per_platform(mine, outputs, start=window[0], end=window[1])
    totals = pf.output_totals(per)
    yearly = pf.yearly_outputs(fig.scope_outputs(outputs, mine), start=window[0], end=window[1])
    density = pf.patent_density(yearly, population, county.code)
    at_last = density[density.year == (max(years) if years else None)]
    counts = fig.platform_counts(county, {}, None if listing is None else mine, listing)
    # Missing for want of outputs, or of a population figure: the note names only the latter.
    per_10k = Value.absent("patents_per_10k", "population" if len(yearly) else "platform_outputs")
    if len(at_last):
        rec = at_last.iloc[0]
        per_10k = Value(rec.granted_flow_per_10k, "patents_per_10k", **rec.flow_marks)
    return {
        "scope_code": county.code,
        "name_zh": county.name_zh,
        "national": counts["platforms.national"],
        "provincial": counts["platforms.provincial"],
        "total": counts["platforms.total"],
        "projects_approved": totals.get("projects_approved"),
        "funding_10k_yuan": totals.get("funding_10k_yuan"),
        "patents_granted": totals.get("patents_granted"),
        "projects_per_platform_year": pf.per_platform_year(
            totals["projects_approved"], totals["exposure_years"], "个"
        ),
        "patents_per_platform_year": pf.per_platform_year(
            totals["patents_granted"], totals["exposure_years"], "件"
        ),
        "patents_per_10k": per_10k,
    }


def county_compare(
    platforms: pd.DataFrame | None,
    outputs: pd.DataFrame,
    population: pd.DataFrame,
    years: list[int],
) -> pd.DataFrame:
    """One row per county; each figure a Value (platform counts, outputs, rates, per 10k).

    `platforms` None (no platforms table) leaves the counts missing, not 0.
    """
    listing = platforms if platforms is not None else _empty_platforms()
    rows = [
        _compare_row(
            county,
            listing[listing.scope_code == county.code],
            outputs,
            population,
            platforms,
            years,
        )
        for county in current_scopes()
        if county.level == "county"
    ]
    return pd.DataFrame(rows)


def _fit_poisson(platforms, outputs, years) -> tuple[pf.PoissonFE | None, str | None]:
    counties = [s.code for s in current_scopes() if s.level == "county"]
    if not years:
        return None, "没有平台产出数据，未做固定效应泊松回归。"
    if len(years) < 2:
        return None, "平台产出数据只有一年，未做固定效应泊松回归。"
    panel = pf.county_year_panel(platforms, outputs, scope_codes=counties, years=years)
    try:
        return pf.fe_poisson(panel), None
    except ImportError:
        return None, "未安装 statsmodels，未做固定效应泊松回归（安装后重新运行）。"
    except pf.ModelNotEstimable:
        return None, "数据不足以估计固定效应泊松回归（县区或年份太少，或平台数在县区内没有变化）。"


def _table_notes(platforms, platform_outputs, mine, scope) -> list[str]:
    notes = []
    if platforms is None:
        notes.append("数据中没有人才平台表（platforms），平台数量和时间线无法计算。")
    if platform_outputs is None:
        notes.append("数据中没有平台产出表（platform_outputs），产出指标无法计算。")
    if platforms is not None and mine.empty:
        notes.append(f"数据中没有{scope.name_zh}的人才平台。")
    return notes


def build(
    scope: Scope,
    start: int,
    end: int,
    *,
    platforms: pd.DataFrame | None,
    platform_outputs: pd.DataFrame | None,
    population: pd.DataFrame,
    facts: pd.DataFrame,
) -> PlatformView:
    """Compute every table of the platform-outputs report for one scope; never raises on gaps."""
    listing = platforms if platforms is not None else _empty_platforms()
    all_outputs = platform_outputs if platform_outputs is not None else _empty_outputs()
    mine = fig.scope_platforms(listing, scope)
    outputs = fig.scope_outputs(all_outputs, mine)
    years = fig.observed_years(outputs, start, end)
    notes = _table_notes(platforms, platform_outputs, mine, scope)
    if platform_outputs is not None:
        notes += _gap_notes(scope, mine, outputs, years, start, end)
    timeline_years = _timeline_years(mine, start, end)
    per_platform = pf.outputs_per_platform(mine, outputs, start=start, end=end)
    if platform_outputs is None:
        per_platform = per_platform.iloc[0:0]
    yearly = pf.yearly_outputs(outputs, start=start, end=end)
    stated = fig.article_facts(facts)
    city = scope.level == "city"
    view = PlatformView(
        scope=scope,
        start=start,
        end=end,
        years=years,
        platforms=mine,
        listing=platforms,
        outputs=outputs,
        stock=pf.stock_by_year(mine, timeline_years, by="level", listing=listing),
        timeline_years=timeline_years,
        by_type=pf.count_by(mine, ["level", "type"], listing=listing),
        per_platform=per_platform,
        totals=pf.output_totals(per_platform),
        yearly=yearly,
        density=pf.patent_density(yearly, population, scope.code),
        concentration=pf.concentration(per_platform, top_fraction=TOP_FRACTION),
        lorenz=pf.lorenz_by_output(per_platform),
        counts=fig.platform_counts(
            scope, stated, mine if platforms is not None else None, platforms
        ),
        introduced=fig.introduced_talent(stated) if city else {},
        city_patents=fig.city_patents(stated) if city else {},
        named=fig.named_in_scope(fig.named_platforms(facts, listing), scope),
        facts=stated,
        notes=notes,
        banner=banner({"人才平台": mine, "平台产出": outputs}),
    )
    if city:
        view.compare = county_compare(platforms, all_outputs, population, years)
        view.city_level = mine[mine.scope_code == scope.code].reset_index(drop=True)
        view.poisson, view.poisson_note = _fit_poisson(listing, all_outputs, years)
    else:
        view.poisson_note = "固定效应泊松回归比较各县级单位，只在全市报告中显示。"
    return view

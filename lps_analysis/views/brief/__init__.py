"""What notebook 00 (the leadership brief) shows: key figures, the 七个并重, the county comparison.

Three rooms: :mod:`.figures` (the key figures of the first page), :mod:`.balances` (the seven
balances) and :mod:`.counties` (the city brief's county comparison); :mod:`.numbers` reads the
metrics files and turns each metric or fact into a cited, formatted value. The brief computes
nothing new and never decides a mark: every number is printed by :mod:`lps_analysis.fmt` from
its value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from lps_analysis import fmt, paths
from lps_analysis.data.registry import Scope
from lps_analysis.metrics import Metric, analyses_without_results

from .balances import (
    BALANCES,
    BalanceResult,
    balances,
    balances_frame,
    balances_sentence,
    balances_table,
)
from .counties import (
    COUNTY_MEASURES,
    CountyRow,
    county_frame,
    county_notes,
    county_rows,
    county_small_multiples,
    county_table,
)
from .figures import (
    KeyFigure,
    effect_is_assertable,
    key_figures,
    key_figures_frame,
    key_figures_note,
    key_figures_table,
    talent_years,
)
from .findings import findings, findings_markdown
from .gaps import Gap, data_gaps, gaps_frame, gaps_sentence, gaps_table
from .issues import Issue, Issues, find_issues, issues_markdown
from .numbers import (
    ANALYSES,
    MISSING,
    Cite,
    Numbers,
    metrics_folder,
    read_county_metrics,
    read_metrics,
    styled,
)
from .prefectures import (
    PrefectureRow,
    prefecture_cites,
    prefecture_frame,
    prefecture_rows,
    prefecture_sources,
    prefecture_sources_markdown,
    prefecture_table,
)
from .recommendations import Recommendations, read_recommendations, recommendations_markdown

__all__ = [
    "Gap",
    "Issue",
    "Issues",
    "PrefectureRow",
    "Recommendations",
    "data_gaps",
    "find_issues",
    "findings",
    "findings_markdown",
    "gaps_frame",
    "gaps_sentence",
    "gaps_table",
    "issues_markdown",
    "prefecture_cites",
    "prefecture_frame",
    "prefecture_rows",
    "prefecture_sources",
    "prefecture_sources_markdown",
    "prefecture_table",
    "read_recommendations",
    "recommendations_markdown",
    "ANALYSES",
    "BALANCES",
    "COUNTY_MEASURES",
    "MISSING",
    "BalanceResult",
    "BriefView",
    "Cite",
    "CountyRow",
    "KeyFigure",
    "Numbers",
    "balances",
    "balances_frame",
    "balances_sentence",
    "balances_table",
    "banner",
    "build",
    "county_frame",
    "county_notes",
    "county_rows",
    "county_small_multiples",
    "county_table",
    "effect_is_assertable",
    "heading",
    "key_figures",
    "key_figures_frame",
    "key_figures_note",
    "key_figures_table",
    "metrics_folder",
    "read_county_metrics",
    "read_metrics",
    "styled",
    "talent_years",
]


@dataclass
class BriefView:
    """Everything notebook 00 shows for one scope."""

    scope: Scope
    start: int | None
    end: int | None
    figures: list[KeyFigure]
    balances: list[BalanceResult]
    counties: list[CountyRow] | None = None
    notes: list[str] = field(default_factory=list)
    issues: Issues = field(default_factory=lambda: Issues((), ()))
    recommendations: Recommendations = field(default_factory=lambda: Recommendations((), 0, ""))
    prefectures: list[PrefectureRow] | None = None  # city brief only
    gaps: list[Gap] | None = None  # county brief only
    not_run: tuple[str, ...] = ()  # analyses with no results yet (their gaps are unknown)

    def cites(self) -> list[Cite]:
        """Every number the brief shows, with its source."""
        out = [c for f in self.figures for c in f.cites]
        out += [c for b in self.balances for s in b.sides for c in s.cites]
        out += [c for r in self.counties or [] for c in r.cells if c is not None]
        out += [c for i in self.issues.found for c in i.cites]
        out += prefecture_cites(self.prefectures or [])
        return out

    @property
    def illustrative(self) -> bool:
        return any(c.illustrative for c in self.cites())


def _analysis_notes(scope: Scope, metrics: dict[str, Metric], folder) -> list[str]:
    if not metrics:
        where = f"（{_display_folder(folder)}）" if folder else ""
        return [
            f"尚未找到{scope.name_zh}的分析指标{where}：请先运行 lps run 生成各篇分析，"
            "简报中的数字暂记为“暂无数据”。"
        ]
    missing = analyses_without_results(metrics)
    if missing:
        return ["、".join(missing) + "尚无结果，相关数字记为“暂无数据”（请先运行 lps run）。"]
    return []


def build(
    scope: Scope,
    *,
    metrics: dict[str, Metric],
    facts: pd.DataFrame | None,
    counties: dict[str, dict[str, Metric]] | None = None,
    folder: str | Path | None = None,
    benchmarks: pd.DataFrame | None = None,
    recommendations_dir: str | Path | None = None,
) -> BriefView:
    """The brief of one scope from its metrics, the fact base and (city) the counties' metrics.

    Never raises on gaps: what is missing is shown as 暂无数据 and said in `notes`.
    """
    start, end = talent_years(metrics)
    rows = None
    if scope.level == "city" and counties is not None:
        rows = county_rows(metrics, counties, scope)
    city = scope.level == "city"
    return BriefView(
        scope=scope,
        start=start,
        end=end,
        figures=key_figures(metrics, facts, scope),
        balances=balances(metrics, facts, scope),
        counties=rows,
        notes=_analysis_notes(scope, metrics, folder),
        issues=find_issues(scope, metrics, benchmarks, start=start, end=end, counties=rows),
        recommendations=read_recommendations(scope.code, recommendations_dir),
        prefectures=prefecture_rows(benchmarks, metrics)
        if city and benchmarks is not None
        else None,
        gaps=None if city else data_gaps(metrics),
        not_run=tuple(analyses_without_results(metrics)),
    )


def _display_folder(folder: str | Path) -> str:
    folder = Path(folder)
    try:
        return str(folder.resolve().relative_to(paths.ROOT))
    except ValueError:
        return folder.name


def heading(view: BriefView) -> str:
    """The line under the title: scope and period (Markdown)."""
    period = f"　期间：{view.start}—{view.end}年" if view.start and view.end else ""
    return f"**分析范围：{view.scope.name_zh}（{view.scope.code}）{period}**"


def banner(view: BriefView) -> str | None:
    """The warning shown when any figure of the brief is illustrative (Markdown)."""
    if not view.illustrative:
        return None
    return (
        "> ⚠️ **本简报含示例数据（非真实统计）**："
        + fmt.ILLUSTRATIVE_NOTE
        + "不得作为事实引用；请以各县区上报的真实数据替换后再用于决策。"
    )

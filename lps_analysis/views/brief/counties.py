"""The city brief's county comparison: a table and small multiples, one panel per measure.

Each cell is a cited metric of the county (marks from its value: an illustrative county figure
is starred in the table and hatched in the chart); a county without the figure says 暂无数据.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lps_analysis.data.registry import Scope, current_scopes
from lps_analysis.data.vocab import TOTAL_CATEGORY_ZH
from lps_analysis.metrics import Metric
from lps_analysis.viz.printsize import PRINT_WIDTH_IN

from .figures import talent_years
from .numbers import ANALYSES, MISSING, Cite, Numbers, styled

COUNTY_MEASURES: tuple[tuple[str, str], ...] = (
    ("talent.total.cagr", TOTAL_CATEGORY_ZH + "年均增长率"),
    ("talent.per_10k.{end}", "每万人拥有人才（{end}年）"),
    ("exchange.persons.total", "东西部协作互派人才"),
    ("platforms.total", "国家级、省级人才平台"),
)
# Rates are compared with the city's value; counts add up to it, so no city line is drawn.
_CITY_LINE = {"talent.total.cagr", "talent.per_10k.{end}"}


@dataclass(frozen=True)
class CountyRow:
    scope: Scope
    cells: tuple[Cite | None, ...]  # one per COUNTY_MEASURES
    found: bool  # whether any metrics file of the scope was found
    families: frozenset[str] = frozenset()  # metric id families found (talent, exchange, ...)


def county_rows(
    city_metrics: dict[str, Metric],
    counties: dict[str, dict[str, Metric]],
    city_scope: Scope,
) -> list[CountyRow]:
    """One row per county (registry order) and a last row for the city."""
    _, end = talent_years(city_metrics)
    rows = []
    for scope in [s for s in current_scopes() if s.level == "county"] + [city_scope]:
        metrics = city_metrics if scope.code == city_scope.code else counties.get(scope.code, {})
        numbers = Numbers(metrics, None, scope.code)
        cells = tuple(numbers.metric(mid.format(end=end)) for mid, _ in COUNTY_MEASURES)
        families = frozenset(k.split(".")[0] for k in metrics)
        rows.append(CountyRow(scope, cells, bool(metrics), families))
    return rows


def county_labels(end: int | None) -> list[str]:
    return [label.format(end=end) for _, label in COUNTY_MEASURES]


def county_frame(rows: list[CountyRow], end: int | None) -> pd.DataFrame:
    """Counties × measures, formatted; 暂无数据 where a county has no figure."""
    data = {"范围": [r.scope.name_zh for r in rows]}
    for i, label in enumerate(county_labels(end)):
        data[label] = [r.cells[i].shown() if r.cells[i] else MISSING for r in rows]
    return pd.DataFrame(data)


def county_table(rows: list[CountyRow], end: int | None):
    """The county comparison as the report shows it."""
    return styled(
        county_frame(rows, end),
        uuid="brief_counties",
        widths=(14, 21.5, 21.5, 21.5, 21.5),
        right=(1, 2, 3, 4),
    )


def county_notes(rows: list[CountyRow]) -> list[str]:
    """Chinese sentences on counties without metrics, or without an analysis the city has."""
    out = []
    absent = [r.scope.name_zh for r in rows[:-1] if not r.found]  # the last row is the city
    if absent:
        out.append(
            "、".join(absent) + "尚无分析指标，表中记为“暂无数据”（请先运行 lps run 生成其分析）。"
        )
    city = rows[-1]
    for row in rows[:-1]:
        if not row.found:
            continue
        lacking = [
            ANALYSES[m.split(".")[0]]
            for m, _ in COUNTY_MEASURES
            if m.split(".")[0] in city.families and m.split(".")[0] not in row.families
        ]
        if lacking:
            out.append(
                f"{row.scope.name_zh}尚无{'、'.join(dict.fromkeys(lacking))}的指标，"
                "相应栏记为“暂无数据”。"
            )
    return out


def county_small_multiples(rows: list[CountyRow], *, end: int | None, city_code: str, fig=None):
    """One figure, four small panels (one per measure): a bar per county, the city as a line.

    Illustrative values are hatched; a county without the figure shows 暂无数据. Returns the
    Figure.
    """
    import matplotlib.pyplot as plt
    from matplotlib.transforms import ScaledTranslation, blended_transform_factory

    from lps_analysis.viz.legibility import value_label
    from lps_analysis.viz.theme import ILLUSTRATIVE_HATCH, ILLUSTRATIVE_NOTE

    fig = fig or plt.figure(figsize=(PRINT_WIDTH_IN - 0.2, 5.4))  # prints at its own size
    axes = fig.subplots(2, 2)
    counties = [r for r in rows if r.scope.code != city_code]
    city_row = next((r for r in rows if r.scope.code == city_code), None)
    names = [r.scope.name_zh for r in counties]
    any_illustrative = False
    for i, ((metric_id, _), label) in enumerate(
        zip(COUNTY_MEASURES, county_labels(end), strict=True)
    ):
        ax = axes.flat[i]
        values = [r.cells[i] for r in counties]
        top = max([abs(c.number) for c in values if c] or [1.0])
        # Value labels sit in a column at the right edge, clear of the bars and the city line.
        trans = blended_transform_factory(ax.transAxes, ax.transData)
        off_axis = ScaledTranslation(4 / 72, 0, fig.dpi_scale_trans)  # 4 pt
        for y, cite in enumerate(values):
            if cite is None:  # just right of the axis line, its box clear of it
                value_label(
                    ax,
                    0,
                    y,
                    MISSING,
                    va="center",
                    ha="left",
                    color="#7b8794",
                    transform=ax.transData + off_axis,
                )
                continue
            any_illustrative |= cite.illustrative
            ax.barh(
                y,
                cite.number,
                color="#4c78a8",
                hatch=ILLUSTRATIVE_HATCH if cite.illustrative else None,
                edgecolor="white",
                height=0.6,
            )
            value_label(ax, 1.0, y, cite.text, va="center", ha="right", transform=trans)
        city = city_row.cells[i] if city_row else None
        if city is not None and metric_id in _CITY_LINE:
            ax.axvline(city.number, color="#b00020", ls="--", lw=1)
            label = f"{label}\n（虚线：全市 {city.text}）"
            top = max(top, abs(city.number))
        low = min([c.number for c in values if c] + [0.0])  # a fall (negative growth) shows too
        ax.set_xlim(low * 1.2, top * 1.6)
        ax.set_ylim(len(counties) - 0.4, -0.6)
        ax.set_yticks(range(len(counties)), names, fontsize=9)
        ax.set_xticks([])
        ax.grid(False)
        for spine in ("top", "right", "bottom"):
            ax.spines[spine].set_visible(False)
        ax.set_title(label, fontsize=10.5)
    fig.suptitle("县级单位比较", fontsize=12, fontweight="bold")
    if any_illustrative:
        fig.text(
            0.99,
            0.005,
            f"斜线填充：{ILLUSTRATIVE_NOTE}",
            ha="right",
            va="bottom",
            fontsize=9,
            color="#a33",
        )
    fig.set_layout_engine("none")  # laid out once, here: not the theme's constrained layout
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


# ---------------------------------------------------------------------------------------------

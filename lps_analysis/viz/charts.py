"""Chart helpers, seaborn style: `fn(data, *, ..., ax=None) -> Axes`. Illustrative data are hatched."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from lps_analysis.data.vocab import category_name_zh
from lps_analysis.viz.theme import CATEGORY_COLOURS, ILLUSTRATIVE_HATCH, ILLUSTRATIVE_NOTE


def _ax(ax):
    return ax if ax is not None else plt.subplots()[1]


def _note_illustrative(ax, illustrative: bool) -> None:
    if illustrative:
        ax.text(
            1.0,
            -0.16,
            f"斜线填充：{ILLUSTRATIVE_NOTE}",
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=9,
            color="#a33",
        )


def composition_bars(shares: pd.DataFrame, *, years=None, title: str = "", ax=None):
    """Stacked horizontal bars of category shares per year (shares: year, category, share[, provenance])."""
    ax = _ax(ax)
    data = shares[shares.category != "all"]
    years = years or sorted(data.year.unique())
    cats = [c for c in CATEGORY_COLOURS if c in set(data.category)]
    illustrative = False
    for i, year in enumerate(years):
        left = 0.0
        for cat in cats:
            cell = data[(data.year == year) & (data.category == cat)]
            if cell.empty:
                continue
            share = float(cell.share.iloc[0])
            hatch = ILLUSTRATIVE_HATCH if (cell.get("provenance") == "illustrative").any() else None
            illustrative |= hatch is not None
            ax.barh(
                i,
                share,
                left=left,
                color=CATEGORY_COLOURS[cat],
                hatch=hatch,
                edgecolor="white",
                label=category_name_zh(cat) if i == 0 else None,
            )
            if share >= 0.06:
                ax.text(left + share / 2, i, f"{share:.0%}", ha="center", va="center", fontsize=9)
            left += share
    ax.set_yticks(range(len(years)), [f"{y}年" for y in years])
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_title(title or "人才结构（各类人才占比）")
    ax.legend(ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.08), frameon=False, fontsize=9)
    _note_illustrative(ax, illustrative)
    return ax


def share_slope(change: pd.DataFrame, *, start: int, end: int, title: str = "", ax=None):
    """Slope chart: each category's share at start and end (change: category, start_share, end_share)."""
    ax = _ax(ax)
    data = change.dropna(subset=["start_share", "end_share"])
    data = data[data.category != "all"]
    for rec in data.itertuples(index=False):
        colour = CATEGORY_COLOURS.get(rec.category, "#555")
        ax.plot([0, 1], [rec.start_share, rec.end_share], marker="o", color=colour, lw=2)
        ax.text(
            1.04,
            rec.end_share,
            f"{category_name_zh(rec.category)} {rec.end_share:.1%}",
            va="center",
            fontsize=9,
        )
        ax.text(
            -0.04, rec.start_share, f"{rec.start_share:.1%}", va="center", ha="right", fontsize=9
        )
    ax.set_xticks([0, 1], [f"{start}年", f"{end}年"])
    ax.set_xlim(-0.3, 1.7)
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_title(title or "各类人才占比变化")
    ax.grid(axis="x", visible=False)
    return ax


def shift_share_bars(shift: pd.DataFrame, *, title: str = "", illustrative: bool = False, ax=None):
    """Grouped bars of the three shift-share components per category, in 万人."""
    ax = _ax(ax)
    data = shift[shift.category != "all"].dropna(subset=["actual_change"])
    parts = [
        ("reference_component", "全省增速效应", "#4c78a8"),
        ("mix_component", "结构效应", "#f58518"),
        ("local_component", "本地竞争效应", "#54a24b"),
    ]
    x = np.arange(len(data))
    width = 0.26
    for j, (col, label, colour) in enumerate(parts):
        ax.bar(
            x + (j - 1) * width,
            data[col] / 10_000,
            width,
            label=label,
            color=colour,
            hatch=ILLUSTRATIVE_HATCH if illustrative else None,
            edgecolor="white",
        )
    ax.scatter(
        x, data.actual_change / 10_000, color="black", zorder=3, label="实际增量", marker="D", s=18
    )
    ax.axhline(0, color="#333", lw=0.8)
    ax.set_xticks(x, [category_name_zh(c) for c in data.category], fontsize=9)
    ax.set_ylabel("万人")
    ax.set_title(title or "人才增量的偏离—份额分解（对照贵州全省）")
    ax.legend(fontsize=9, ncol=2)
    _note_illustrative(ax, illustrative)
    return ax


def county_comparison(
    compare: pd.DataFrame,
    names: dict[str, str],
    *,
    city_code: str,
    title: str = "",
    illustrative: bool = False,
    ax=None,
):
    """Bars of each county's average annual growth, with the city's as a line."""
    ax = _ax(ax)
    counties = compare[compare.scope_code != city_code]
    colours = ["#4c78a8"] * len(counties)
    ax.bar(
        [names[c] for c in counties.scope_code],
        counties.cagr,
        color=colours,
        hatch=ILLUSTRATIVE_HATCH if illustrative else None,
        edgecolor="white",
    )
    for i, v in enumerate(counties.cagr):
        ax.text(i, v, f"{v:.2%}", ha="center", va="bottom", fontsize=9)
    city_row = compare[compare.scope_code == city_code]
    if not city_row.empty:
        ax.axhline(
            city_row.cagr.iloc[0],
            color="#b00020",
            ls="--",
            lw=1.2,
            label=f"全市 {city_row.cagr.iloc[0]:.2%}",
        )
        ax.legend(fontsize=9)
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.1%}")
    ax.set_title(title or "各县级单位人才总量年均增长率")
    _note_illustrative(ax, illustrative)
    return ax


# --------------------------------------------------------------------------- platforms (notebook 03)

# Colour per platform level, fixed across charts.
LEVEL_COLOURS = {"national": "#b03a2e", "provincial": "#2e86c1", "municipal": "#7f8c8d"}
LEVEL_NAMES = {"national": "国家级", "provincial": "省级", "municipal": "市级"}
OUTPUT_LABELS = {
    "projects_approved": "获批项目",
    "funding_10k_yuan": "立项经费（万元）",
    "patents_applied": "专利申请",
    "patents_granted": "授权专利",
}


def platform_timeline(
    stock: pd.DataFrame,
    *,
    events: pd.DataFrame | None = None,
    illustrative: bool = False,
    title: str = "",
    ax=None,
):
    """Stacked bars of platforms at each year-end by level, with named platforms annotated.

    stock: year, level, stock (from `platforms.stock_by_year`); events: name_zh and a date column
    (``data_date`` where known, else ``article_date``).
    """
    ax = _ax(ax)
    years = sorted(stock.year.unique())
    bottom = np.zeros(len(years))
    levels = [lv for lv in LEVEL_COLOURS if lv in set(stock.level)]
    for level in levels:
        values = stock[stock.level == level].set_index("year").stock.reindex(years, fill_value=0)
        ax.bar(
            years,
            values.to_numpy(),
            bottom=bottom,
            color=LEVEL_COLOURS[level],
            hatch=ILLUSTRATIVE_HATCH if illustrative else None,
            edgecolor="white",
            label=LEVEL_NAMES.get(level, level),
        )
        bottom += values.to_numpy()
    for i, year in enumerate(years):
        ax.text(year, bottom[i], f"{bottom[i]:.0f}", ha="center", va="bottom", fontsize=8)
    top = max(bottom.max() if len(bottom) else 1, 1)
    if events is not None and len(events):
        for k, rec in enumerate(events.itertuples(index=False)):
            date = rec.data_date if not pd.isna(rec.data_date) else rec.article_date
            if date.year not in years:
                continue
            y = bottom[years.index(date.year)]
            ax.annotate(
                f"{rec.name_zh}\n{date.year}年{date.month}月",
                xy=(date.year, y),
                xytext=(date.year - 2.2, top * (1.25 + 0.22 * k)),
                fontsize=8,
                ha="center",
                arrowprops={"arrowstyle": "->", "color": "#333", "lw": 0.8},
            )
        ax.set_ylim(0, top * (1.55 + 0.22 * len(events)))
    ax.set_xticks(years, [str(y) for y in years], fontsize=8, rotation=45)
    ax.set_ylabel("平台数（年末，个）")
    ax.set_title(title or "人才平台数量（按认定时间，年末在册）")
    ax.legend(fontsize=9, loc="upper left")
    ax.grid(axis="x", visible=False)
    _note_illustrative(ax, illustrative)
    return ax


def platform_output_bars(
    per_platform: pd.DataFrame,
    *,
    value: str = "patents_granted",
    top: int | None = None,
    title: str = "",
    ax=None,
):
    """Horizontal bars of each platform's total output, coloured by level; hatched if illustrative.

    per_platform: from `platforms.outputs_per_platform` (name_zh, level, `value`,
    output_provenance, exposure_years).
    """
    ax = _ax(ax)
    data = per_platform[per_platform.exposure_years > 0].sort_values(value, ascending=True)
    if top is not None:
        data = data.tail(top)
    illustrative = False
    for i, rec in enumerate(data.itertuples(index=False)):
        is_ill = getattr(rec, "output_provenance", None) == "illustrative"
        illustrative |= is_ill
        v = getattr(rec, value)
        ax.barh(
            i,
            v,
            color=LEVEL_COLOURS.get(rec.level, "#555"),
            hatch=ILLUSTRATIVE_HATCH if is_ill else None,
            edgecolor="white",
        )
        ax.text(v, i, f" {v:,.0f}", va="center", fontsize=8)
    ax.set_yticks(range(len(data)), [n.replace("（示例）", "*") for n in data.name_zh], fontsize=7)
    handles = [
        plt.Rectangle((0, 0), 1, 1, color=LEVEL_COLOURS[lv])
        for lv in LEVEL_COLOURS
        if lv in set(data.level)
    ]
    labels = [LEVEL_NAMES[lv] for lv in LEVEL_COLOURS if lv in set(data.level)]
    ax.legend(handles, labels, fontsize=9, loc="lower right")
    ax.set_xlabel(OUTPUT_LABELS.get(value, value))
    ax.set_title(title or f"各平台{OUTPUT_LABELS.get(value, value)}")
    ax.grid(axis="y", visible=False)
    _note_illustrative(ax, illustrative)
    return ax


def lorenz_curves(
    lorenz: pd.DataFrame,
    *,
    ginis: dict[str, float] | None = None,
    illustrative: bool = False,
    title: str = "",
    ax=None,
):
    """Lorenz curves of outputs across platforms (lorenz: output, platform_share, output_share)."""
    ax = _ax(ax)
    colours = {"patents_granted": "#b03a2e", "projects_approved": "#2e86c1"}
    ax.plot([0, 1], [0, 1], color="#888", ls="--", lw=1, label="完全均等")
    for output, rows in lorenz.groupby("output", sort=False):
        label = OUTPUT_LABELS.get(output, output)
        if ginis and output in ginis:
            label += f"（基尼系数 {ginis[output]:.2f}）"
        ax.plot(
            rows.platform_share,
            rows.output_share,
            marker="o",
            ms=3,
            color=colours.get(output, "#555"),
            ls=":" if illustrative else "-",
            label=label,
        )
        if output == "patents_granted":
            ax.fill_between(
                rows.platform_share,
                rows.output_share,
                rows.platform_share,
                color=colours[output],
                alpha=0.08,
                hatch=ILLUSTRATIVE_HATCH if illustrative else None,
            )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlabel("平台累计占比（按产出由少到多）")
    ax.set_ylabel("产出累计占比")
    ax.set_title(title or "平台产出的洛伦兹曲线")
    ax.legend(fontsize=9, loc="upper left")
    _note_illustrative(ax, illustrative)
    return ax


def county_platform_comparison(
    compare: pd.DataFrame, *, illustrative: bool = False, title: str = "", ax=None
):
    """Grouped bars per county: projects and patents per platform-year; platform counts in labels.

    compare: name_zh, total, projects_per_platform_year, patents_per_platform_year.
    """
    ax = _ax(ax)
    x = np.arange(len(compare))
    width = 0.38
    for j, (col, label, colour) in enumerate(
        (
            ("projects_per_platform_year", "每平台年获批项目", "#2e86c1"),
            ("patents_per_platform_year", "每平台年授权专利", "#b03a2e"),
        )
    ):
        values = compare[col].fillna(0).to_numpy()
        ax.bar(
            x + (j - 0.5) * width,
            values,
            width,
            label=label,
            color=colour,
            hatch=ILLUSTRATIVE_HATCH if illustrative else None,
            edgecolor="white",
        )
        for xi, v in zip(x, compare[col], strict=True):
            if not pd.isna(v):
                ax.text(xi + (j - 0.5) * width, v, f"{v:.1f}", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(
        x, [f"{n}\n（{t}个平台）" for n, t in zip(compare.name_zh, compare.total, strict=True)]
    )
    ax.set_ylabel("个/件 每平台年")
    ax.set_title(title or "各县级单位平台产出（每平台年）")
    ax.legend(fontsize=9)
    ax.grid(axis="x", visible=False)
    _note_illustrative(ax, illustrative)
    return ax

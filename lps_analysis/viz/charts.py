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

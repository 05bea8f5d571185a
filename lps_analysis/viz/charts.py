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


# --------------------------------------------------------------------------- exchanges (notebook 02)

FIELD_COLOURS = {"education": "#2e86c1", "health": "#c0392b"}
FIELD_NAMES = {"education": "教育", "health": "医疗卫生"}


def exchange_bars(
    totals: pd.DataFrame,
    *,
    value: str = "persons",
    illustrative: bool = False,
    title: str = "",
    ax=None,
):
    """Stacked bars of exchange persons (or person-months) per start year, one colour per field.

    totals: year, field and `value` (from `exchange.exchange_totals(…, ["year", "field"])`).
    """
    ax = _ax(ax)
    years = sorted(int(y) for y in totals.year.unique())
    bottom = np.zeros(len(years))
    for field_ in [f for f in FIELD_COLOURS if f in set(totals.field)]:
        values = (
            totals[totals.field == field_].set_index("year")[value].reindex(years, fill_value=0)
        ).to_numpy(dtype=float)
        ax.bar(
            years,
            values,
            bottom=bottom,
            color=FIELD_COLOURS[field_],
            hatch=ILLUSTRATIVE_HATCH if illustrative else None,
            edgecolor="white",
            label=FIELD_NAMES[field_],
        )
        bottom += values
    for year, top in zip(years, bottom, strict=True):
        ax.text(year, top, f"{top:,.0f}", ha="center", va="bottom", fontsize=9)
    ax.set_xticks(years, [f"{y}年" for y in years])
    ax.set_ylabel("人" if value == "persons" else "人·月")
    ax.set_title(title or "东西部协作人才交流人数（按开始年份）")
    ax.legend(fontsize=9)
    ax.grid(axis="x", visible=False)
    _note_illustrative(ax, illustrative)
    return ax


def event_study_plot(
    estimates: pd.DataFrame,
    *,
    att: float | None = None,
    unit_label: str = "",
    scale: float = 1.0,
    illustrative: bool = False,
    title: str = "",
    ax=None,
):
    """Event-study coefficients with 95% intervals around the first exchange year (event time 0).

    estimates: event_time, estimate, ci_low, ci_high (event time −1 is the reference, 0).
    `scale` multiplies the values (100 shows a ratio in percentage points); `att` draws the
    average effect after the exchange as a dashed line.
    """
    ax = _ax(ax)
    data = estimates.sort_values("event_time")
    x = data.event_time.to_numpy()
    est = data.estimate.to_numpy(dtype=float) * scale
    lo = data.ci_low.to_numpy(dtype=float) * scale
    hi = data.ci_high.to_numpy(dtype=float) * scale
    post = x >= 0
    colour = np.where(post, "#c0392b", "#555555")
    ax.vlines(x, lo, hi, color=colour, lw=1.6, linestyles=":" if illustrative else "-")
    ax.scatter(x, est, color=colour, zorder=3, s=28)
    ref = x == -1
    ax.scatter(x[ref], est[ref], facecolor="white", edgecolor="#555555", zorder=4, s=28)
    ax.axhline(0, color="#333", lw=0.8)
    ax.axvline(-0.5, color="#888", lw=1, ls="--")
    if att is not None and post.any():
        ax.hlines(
            att * scale,
            -0.3,
            x.max() + 0.3,
            color="#c0392b",
            lw=1.2,
            ls="--",
            label=f"交流后平均效应（主估计）{att * scale:,.2f}",
        )
        ax.legend(fontsize=9, loc="upper left")
    ax.set_xticks(x, [str(int(v)) for v in x])
    ax.set_xlabel("距首次交流的年数（0 = 首次交流当年，−1 = 参照年）")
    ax.set_ylabel(unit_label or "效应")
    ax.set_title(title or "事件研究：交流前后的效应（95%置信区间）")
    ax.grid(axis="x", visible=False)
    if illustrative:
        ax.text(
            1.0,
            -0.16,
            f"点线区间：{ILLUSTRATIVE_NOTE}",
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=9,
            color="#a33",
        )
    return ax

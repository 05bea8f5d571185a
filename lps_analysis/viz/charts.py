"""Chart helpers, seaborn style: `fn(data, *, ..., ax=None) -> Axes`. Illustrative data are hatched.

The structure charts (notebook 01) take the mark of each bar, segment and line from the
provenance of the row it draws, and print their value labels through `fmt`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from lps_analysis import fmt
from lps_analysis.data.vocab import category_name_zh
from lps_analysis.structure import cell_value
from lps_analysis.viz.legibility import keep_labels_inside, place_legend, value_label
from lps_analysis.viz.theme import CATEGORY_COLOURS, ILLUSTRATIVE_HATCH, ILLUSTRATIVE_NOTE


def _ax(ax):
    return ax if ax is not None else plt.subplots()[1]


def _note_illustrative(ax, illustrative: bool, *, what: str = "斜线填充", y: float = -0.16) -> None:
    """The note under the chart (`y` in axes fractions, its top) when anything is illustrative."""
    if illustrative:
        ax.text(
            1.0,
            y,
            f"{what}：{ILLUSTRATIVE_NOTE}",
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=9,
            color="#a33",
        )


def _illustrative(kind) -> bool:
    return kind == "illustrative"


def composition_bars(shares: pd.DataFrame, *, years=None, title: str = "", ax=None):
    """Stacked horizontal bars of category shares per year.

    shares: year, category, share, and each row's provenance/bound/sources (from
    `structure.shares`); a segment is hatched when its share is illustrative, solid when real,
    and its label is printed by `fmt` (with ``*`` when illustrative).
    """
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
            v = cell_value(cell.iloc[0], "share", "ratio")
            if v.is_missing:
                continue
            illustrative |= v.illustrative
            ax.barh(
                i,
                v.value,
                left=left,
                color=CATEGORY_COLOURS[cat],
                hatch=ILLUSTRATIVE_HATCH if v.illustrative else None,
                edgecolor="white",
                label=category_name_zh(cat) if i == 0 else None,
            )
            if v.value >= 0.06:
                label = fmt.show(v, style="pct", digits=0)
                value_label(ax, left + v.value / 2, i, label, ha="center", va="center")
            left += v.value
    ax.set_yticks(range(len(years)), [f"{y}年" for y in years])
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_title(title or "人才结构（各类人才占比）")
    ax.legend(ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.08), frameon=False, fontsize=9)
    _note_illustrative(ax, illustrative, y=-0.2)  # under the legend row, not on it
    return ax


def share_slope(change: pd.DataFrame, *, start: int, end: int, title: str = "", ax=None):
    """Slope chart: each category's share at start and end.

    change: category, start_share, end_share and the shares' lineage (``share_provenance`` …,
    from `structure.change`); an illustrative line is dotted with hollow points, a real one
    solid; labels are printed by `fmt`.
    """
    ax = _ax(ax)
    data = change.dropna(subset=["start_share", "end_share"])
    data = data[data.category != "all"]
    illustrative = False
    for _, rec in data.iterrows():
        first = cell_value(rec, "start_share", "ratio", prefix="share_")
        last = cell_value(rec, "end_share", "ratio", prefix="share_")
        dotted = first.illustrative or last.illustrative
        illustrative |= dotted
        colour = CATEGORY_COLOURS.get(rec.category, "#555")
        ax.plot(
            [0, 1],
            [first.value, last.value],
            marker="o",
            color=colour,
            lw=2,
            ls=":" if dotted else "-",
            markerfacecolor="white" if dotted else colour,
        )
        name = category_name_zh(rec.category)
        end_label = f"{name} {fmt.show(last, style='pct', digits=1)}"
        ax.text(1.04, last.value, end_label, va="center", fontsize=9)
        start_label = fmt.show(first, style="pct", digits=1)
        ax.text(-0.04, first.value, start_label, va="center", ha="right", fontsize=9)
    ax.set_xticks([0, 1], [f"{start}年", f"{end}年"])
    ax.set_xlim(-0.3, 1.7)
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_title(title or "各类人才占比变化")
    ax.grid(axis="x", visible=False)
    _note_illustrative(ax, illustrative, what="点线")
    return ax


def shift_share_bars(shift: pd.DataFrame, *, title: str = "", ax=None):
    """Grouped bars of the three shift-share components per category, in 万人.

    shift: from `structure.shift_share`, each row with its provenance; a category's bars are
    hatched when its decomposition rests on an illustrative figure, solid when real.
    """
    ax = _ax(ax)
    data = shift[shift.category != "all"].dropna(subset=["actual_change"])
    parts = [
        ("reference_component", "全省增速效应", "#4c78a8"),
        ("mix_component", "结构效应", "#f58518"),
        ("local_component", "本地竞争效应", "#54a24b"),
    ]
    x = np.arange(len(data))
    width = 0.26
    hatches = [ILLUSTRATIVE_HATCH if _illustrative(k) else None for k in data.provenance]
    for j, (col, label, colour) in enumerate(parts):
        bars = ax.bar(
            x + (j - 1) * width,
            data[col] / 10_000,
            width,
            label=label,
            color=colour,
            edgecolor="white",
        )
        for bar, hatch in zip(bars, hatches, strict=True):
            bar.set_hatch(hatch)
    ax.scatter(
        x, data.actual_change / 10_000, color="black", zorder=3, label="实际增量", marker="D", s=18
    )
    ax.axhline(0, color="#333", lw=0.8)
    ax.set_xticks(x, [category_name_zh(c) for c in data.category], fontsize=9)
    ax.set_ylabel("万人")
    ax.set_title(title or "人才增量的偏离—份额分解（对照贵州全省）")
    place_legend(ax, fontsize=9, ncol=2)
    _note_illustrative(ax, any(h is not None for h in hatches))
    return ax


def county_comparison(
    compare: pd.DataFrame,
    names: dict[str, str],
    *,
    city_code: str,
    title: str = "",
    ax=None,
):
    """Bars of each county's average annual growth, with the city's as a line.

    compare: from `structure.compare_scopes`, each row with its provenance; a county's bar is
    hatched when its growth is illustrative, solid when real; labels are printed by `fmt`.
    """
    ax = _ax(ax)
    counties = compare[compare.scope_code != city_code]
    values = [cell_value(r, "cagr", "ratio") for _, r in counties.iterrows()]
    bars = ax.bar(
        [names[c] for c in counties.scope_code],
        [0.0 if v.is_missing else v.value for v in values],
        color="#4c78a8",
        edgecolor="white",
    )
    for i, (bar, v) in enumerate(zip(bars, values, strict=True)):
        bar.set_hatch(ILLUSTRATIVE_HATCH if v.illustrative else None)
        label = fmt.show(v, style="pct", digits=2)
        value_label(ax, i, 0.0 if v.is_missing else v.value, label, ha="center", va="bottom")
    illustrative = any(v.illustrative for v in values)
    city_row = compare[compare.scope_code == city_code]
    if not city_row.empty:
        city_cagr = cell_value(city_row.iloc[0], "cagr", "ratio")
        illustrative |= city_cagr.illustrative
        if not city_cagr.is_missing:
            ax.axhline(
                city_cagr.value,
                color="#b00020",
                ls=":" if city_cagr.illustrative else "--",
                lw=1.2,
                label=f"全市 {fmt.show(city_cagr, style='pct', digits=2)}",
            )
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.1%}")
    ax.set_title(title or "各县级单位人才规模总量年均增长率")
    _note_illustrative(ax, illustrative)
    # Once the figure's layout is final (the note below shrinks the plot): the fastest county's
    # label stays above its bar, not on the top spine.
    keep_labels_inside(ax)
    if ax.get_legend_handles_labels()[0]:
        place_legend(ax, fontsize=9)  # after the title and labels it must keep clear of
    return ax

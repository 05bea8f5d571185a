"""Chart helpers of notebook 03, seaborn style: `fn(data, *, ..., ax=None) -> Axes`.

Each bar, segment or curve takes its mark from the values it draws: hatched when its own figure
is illustrative, solid when real — never one flag for the whole chart. Value labels are printed
by `fmt`, so they carry ``*`` exactly when the figure does. The note under a chart appears only
when something in it is illustrative.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from lps_analysis import fmt
from lps_analysis import platforms as pf
from lps_analysis.value import Value, total
from lps_analysis.viz.legibility import keep_labels_inside, place_legend, value_label
from lps_analysis.viz.printsize import PRINT_WIDTH_IN
from lps_analysis.viz.theme import ILLUSTRATIVE_HATCH, ILLUSTRATIVE_NOTE

# Colour per platform level, fixed across charts.
LEVEL_COLOURS = {"national": "#b03a2e", "provincial": "#2e86c1", "municipal": "#7f8c8d"}
LEVEL_NAMES = {"national": "国家级", "provincial": "省级", "municipal": "市级"}
OUTPUT_LABELS = {
    "projects_approved": "获批项目",
    "funding_10k_yuan": "立项经费（万元）",
    "patents_applied": "专利申请",
    "patents_granted": "授权专利",
}


def _ax(ax):
    return ax if ax is not None else plt.subplots()[1]


def _hatch(value: Value) -> str | None:
    return ILLUSTRATIVE_HATCH if value.illustrative else None


def _note_illustrative(ax, values) -> None:
    """The hatch legend under the chart, when any drawn value is illustrative."""
    if any(v.illustrative for v in values):
        ax.text(
            1.0,
            -0.16,
            f"斜线填充、带“*”：{ILLUSTRATIVE_NOTE}",
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=9,
            color="#a33",
        )


def _annotate_events(ax, events, years, tops) -> None:
    top = max(max(tops, default=1), 1)
    for k, rec in enumerate(events.itertuples(index=False)):
        date = rec.data_date if not pd.isna(rec.data_date) else rec.article_date
        if date.year not in years:
            continue
        ax.annotate(
            f"{rec.name_zh}\n{date.year}年{date.month}月",
            xy=(date.year, tops[years.index(date.year)]),
            xytext=(date.year - 2.2, top * (1.25 + 0.22 * k)),
            fontsize=9,
            ha="center",
            arrowprops={"arrowstyle": "->", "color": "#333", "lw": 0.8},
        )
    ax.set_ylim(0, top * (1.55 + 0.22 * len(events)))


def platform_timeline(
    stock: pd.DataFrame, *, events: pd.DataFrame | None = None, title: str = "", ax=None
):
    """Stacked bars of platforms at each year-end by level, with named platforms annotated.

    stock: year, level, stock and the marks of each row (from `platforms.stock_by_year`);
    events: name_zh and a date column (``data_date`` where known, else ``article_date``).
    """
    ax = _ax(ax)
    years = sorted(int(y) for y in stock.year.unique())
    stacks: dict[int, list[Value]] = {y: [] for y in years}
    drawn = []
    for level in [lv for lv in LEVEL_COLOURS if lv in set(stock.level)]:
        rows = stock[stock.level == level]
        for i, (_, rec) in enumerate(rows.iterrows()):
            v = pf.value_of(rec, "stock", "platforms", table="platforms")
            below = total(stacks[int(rec.year)]).value if stacks[int(rec.year)] else 0.0
            ax.bar(
                int(rec.year),
                v.value,
                bottom=below,
                color=LEVEL_COLOURS[level],
                hatch=_hatch(v),
                edgecolor="white",
                label=LEVEL_NAMES.get(level, level) if i == 0 else None,
            )
            stacks[int(rec.year)].append(v)
            drawn.append(v)
    tops = []
    for year in years:
        height = total(stacks[year], "platforms") if stacks[year] else Value(0, "platforms")
        tops.append(height.value or 0.0)
        value_label(ax, year, tops[-1], fmt.show(height, style="bare"), ha="center", va="bottom")
    if events is not None and len(events):
        _annotate_events(ax, events, years, tops)
    ax.set_xticks(years, [f"{y}年" for y in years], fontsize=9)
    ax.set_ylabel("平台数（年末，个）")
    ax.set_title(title or "人才平台数量（按认定时间，年末在册）")
    ax.grid(axis="x", visible=False)
    _note_illustrative(ax, drawn)
    keep_labels_inside(ax)  # with the layout final (the note shrinks the plot)
    if drawn:
        place_legend(ax, fontsize=9, loc="upper left")
    return ax


def platform_output_bars(
    per_platform: pd.DataFrame,
    *,
    value: str = "patents_granted",
    top: int | None = None,
    title: str = "",
    ax=None,
):
    """Horizontal bars of each platform's total output, coloured by level, hatched per bar.

    per_platform: from `platforms.outputs_per_platform` (name_zh, level, `value`,
    exposure_years and the marks of each platform's rows).
    """
    data = per_platform[per_platform.exposure_years > 0].sort_values(value, ascending=True)
    if top is not None:
        data = data.tail(top)
    if ax is None:  # one 9-pt name per bar: the figure grows with the number of platforms
        ax = plt.subplots(figsize=(PRINT_WIDTH_IN - 0.2, max(4.2, 0.26 * len(data) + 1.4)))[1]
    drawn = []
    for i, (_, rec) in enumerate(data.iterrows()):
        v = pf.value_of(rec, value, pf.OUTPUT_UNITS.get(value, ""), table="platform_outputs")
        ax.barh(
            i,
            v.value or 0.0,
            color=LEVEL_COLOURS.get(rec.level, "#555"),
            hatch=_hatch(v),
            edgecolor="white",
        )
        value_label(ax, v.value or 0.0, i, " " + fmt.show(v, style="bare", digits=0), va="center")
        drawn.append(v)
    names = [
        pf.platform_label(n, p) for n, p in zip(data.name_zh, data.platform_provenance, strict=True)
    ]
    ax.set_yticks(range(len(data)), names, fontsize=9)
    ax.set_xlabel(OUTPUT_LABELS.get(value, value))
    ax.set_title(title or f"各平台{OUTPUT_LABELS.get(value, value)}")
    ax.grid(axis="y", visible=False)
    _note_illustrative(ax, drawn)
    keep_labels_inside(ax)  # the longest bar's number right of it, inside the frame
    levels = [lv for lv in LEVEL_COLOURS if lv in set(data.level)]
    handles = [plt.Rectangle((0, 0), 1, 1, color=LEVEL_COLOURS[lv]) for lv in levels]
    place_legend(ax, handles, [LEVEL_NAMES[lv] for lv in levels], fontsize=9, loc="lower right")
    return ax


def lorenz_curves(
    lorenz: pd.DataFrame, *, concentration: pd.DataFrame | None = None, title: str = "", ax=None
):
    """Lorenz curves of outputs across platforms, each curve dotted and hatched if illustrative.

    lorenz: output, platform_share, output_share and the marks of the points (from
    `platforms.lorenz_by_output`); concentration: the Gini of each output, for the legend.
    """
    ax = _ax(ax)
    colours = {"patents_granted": "#b03a2e", "projects_approved": "#2e86c1"}
    ginis = {} if concentration is None else concentration.set_index("output")
    ax.plot([0, 1], [0, 1], color="#888", ls="--", lw=1, label="完全均等")
    drawn = []
    for output, rows in lorenz.groupby("output", sort=False):
        marks = pf.value_of(rows.iloc[-1], "output_share", "ratio", table="platform_outputs")
        label = OUTPUT_LABELS.get(output, output)
        if output in getattr(ginis, "index", ()):
            gini = pf.value_of(ginis.loc[output], "gini", "index", table="platform_outputs")
            label += f"（基尼系数 {fmt.show(gini, digits=2)}）"
        ax.plot(
            rows.platform_share,
            rows.output_share,
            marker="o",
            ms=3,
            color=colours.get(output, "#555"),
            ls=":" if marks.illustrative else "-",
            label=label,
        )
        if output == "patents_granted":
            ax.fill_between(
                rows.platform_share.astype(float),
                rows.output_share.astype(float),
                rows.platform_share.astype(float),
                color=colours[output],
                alpha=0.08,
                hatch=_hatch(marks),
            )
        drawn.append(marks)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlabel("平台累计占比（按产出由少到多）")
    ax.set_ylabel("产出累计占比")
    ax.set_title(title or "平台产出的洛伦兹曲线")
    place_legend(ax, fontsize=9, loc="upper left")
    _note_illustrative(ax, drawn)
    return ax


def county_platform_comparison(compare: pd.DataFrame, *, title: str = "", ax=None):
    """Grouped bars per county: projects and patents per platform-year, each bar hatched by its
    own value; platform counts in the labels.

    compare: name_zh, total, projects_per_platform_year, patents_per_platform_year (Values,
    from `views.platforms.county_compare`).
    """
    ax = _ax(ax)
    x = np.arange(len(compare))
    width = 0.38
    drawn = []
    series = (
        ("projects_per_platform_year", "获批项目（个）", "#2e86c1"),
        ("patents_per_platform_year", "授权专利（件）", "#b03a2e"),
    )
    for j, (col, label, colour) in enumerate(series):
        legend = label  # on the first bar of the series drawn
        for xi, v in zip(x, compare[col], strict=True):
            # A missing figure gets no bar (a bar of height 0 would read as a zero), only "—".
            if not v.is_missing:
                ax.bar(
                    xi + (j - 0.5) * width,
                    v.value,
                    width,
                    label=legend,
                    color=colour,
                    hatch=_hatch(v),
                    edgecolor="white",
                )
                drawn.append(v)
                legend = None
            value_label(
                ax,
                xi + (j - 0.5) * width,
                v.value or 0.0,
                fmt.show(v, style="bare", digits=1),
                ha="center",
                va="bottom",
            )
    ax.set_xticks(
        x,
        [
            f"{n}\n（{fmt.show(t)}平台）"
            for n, t in zip(compare.name_zh, compare.total, strict=True)
        ],
    )
    ax.set_ylabel("每个平台每年（个或件）")
    ax.set_title(title or "各县级单位平台产出（每个平台每年）")
    ax.grid(axis="x", visible=False)
    _note_illustrative(ax, drawn + list(compare.total))
    keep_labels_inside(ax)  # with the layout final (the note shrinks the plot)
    if drawn:
        place_legend(ax, fontsize=9)
    return ax

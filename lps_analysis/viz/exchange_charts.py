"""Charts of notebook 02, seaborn style: `fn(data, *, ..., ax=None) -> Axes`.

Each bar segment and point takes its mark from its own row (`provenance`, `bound`, `source`
columns, read with :func:`lps_analysis.value.from_row`): an illustrative one is hatched (a bar)
or drawn dotted and hollow (an interval), a real one solid; value labels go through
:func:`lps_analysis.fmt.show`. The note under a chart appears only when it draws an
illustrative element.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from lps_analysis import fmt
from lps_analysis.value import Value, from_row, total
from lps_analysis.viz.legibility import keep_labels_inside, place_legend, value_label
from lps_analysis.viz.theme import ILLUSTRATIVE_HATCH

FIELD_COLOURS = {"education": "#2e86c1", "health": "#c0392b"}
FIELD_NAMES = {"education": "教育", "health": "医疗卫生"}
BAR_NOTE = "斜线填充、数字带“*”：示例数据（程序生成，非真实统计）"
POINT_NOTE = "空心点、点线区间：示例数据（程序生成，非真实统计）"


def _ax(ax):
    return ax if ax is not None else plt.subplots()[1]


def _note(ax, text: str) -> None:
    ax.text(
        1.0, -0.16, text, transform=ax.transAxes, ha="right", va="top", fontsize=9, color="#a33"
    )


def exchange_bars(totals: pd.DataFrame, *, value: str = "persons", title: str = "", ax=None):
    """Stacked bars of exchange persons (or person-months) per start year, one colour per field.

    totals: year, field, `value` and per row its ``provenance`` (and ``bound``, ``source``)
    from the rows it sums (`views.exchange.field_year_totals`). Each segment is hatched if its
    row is illustrative; the label on top is the year's total through fmt, marked from its parts.
    """
    ax = _ax(ax)
    unit = "persons" if value == "persons" else "person_months"
    years = sorted(int(y) for y in totals.year.unique())
    bottom = np.zeros(len(years))
    stacks: dict[int, list[Value]] = {y: [] for y in years}
    any_illustrative = False
    labelled: set[str] = set()
    for field_ in [f for f in FIELD_COLOURS if f in set(totals.field)]:
        rows = totals[totals.field == field_]
        for _, rec in rows.iterrows():
            segment = from_row(rec, value, unit, table="exchanges")
            year = int(rec.year)
            i = years.index(year)
            ax.bar(
                year,
                segment.value or 0.0,
                bottom=bottom[i],
                color=FIELD_COLOURS[field_],
                hatch=ILLUSTRATIVE_HATCH if segment.illustrative else None,
                edgecolor="white",
                label=FIELD_NAMES[field_] if field_ not in labelled else None,
            )
            labelled.add(field_)
            bottom[i] += segment.value or 0.0
            stacks[year].append(segment)
            any_illustrative |= segment.illustrative
    for i, year in enumerate(years):
        label = fmt.show(total(stacks[year], unit), style="bare", digits=0)
        value_label(ax, year, bottom[i], label, ha="center", va="bottom")
    ax.set_xticks(years, [f"{y}年" for y in years])
    ax.set_ylabel("人" if value == "persons" else "人·月")
    ax.set_title(title or "东西部协作人才交流人数（按开始年份）")
    ax.grid(axis="x", visible=False)
    if any_illustrative:
        _note(ax, BAR_NOTE)
    keep_labels_inside(ax)  # with the layout final (the note shrinks the plot)
    place_legend(ax, fontsize=9)
    return ax


def event_study_plot(
    points: pd.DataFrame,
    *,
    att: Value | None = None,
    att_label: str = "",
    unit_label: str = "",
    scale: float = 1.0,
    title: str = "",
    ax=None,
):
    """Event-study coefficients with their intervals around the first exchange year (time 0).

    points: event_time, estimate, ci_low, ci_high and per row its ``provenance`` (event time
    −1 is the reference, 0). `scale` multiplies the values (100 shows a ratio in percentage
    points); `att` draws the average effect after the exchange as a dashed line labelled
    `att_label` (text made by fmt from `att`). An illustrative point is hollow with a dotted
    interval; a real one solid.
    """
    ax = _ax(ax)
    data = points.sort_values("event_time")
    any_illustrative = False
    for _, rec in data.iterrows():
        estimate = from_row(rec, "estimate", "", table="estimates")
        x = int(rec.event_time)
        colour = "#c0392b" if x >= 0 else "#555555"
        ill = estimate.illustrative
        any_illustrative |= ill
        ax.vlines(
            x,
            rec.ci_low * scale,
            rec.ci_high * scale,
            color=colour,
            lw=1.6,
            linestyles=":" if ill else "-",
        )
        hollow = ill or x == -1
        ax.scatter(
            [x],
            [rec.estimate * scale],
            s=28,
            zorder=3,
            edgecolor=colour,
            facecolor="white" if hollow else colour,
        )
    ax.axhline(0, color="#333", lw=0.8)
    ax.axvline(-0.5, color="#888", lw=1, ls="--")
    xs = data.event_time.to_numpy()
    if att is not None and att.value is not None and (xs >= 0).any():
        ax.hlines(
            att.value * scale,
            -0.3,
            xs.max() + 0.3,
            color="#c0392b",
            lw=1.2,
            ls=":" if att.illustrative else "--",
            label=att_label,
        )
    ax.set_xticks(xs, [str(int(v)) for v in xs])
    ax.set_xlabel("距首次交流的年数（0 = 首次交流当年，−1 = 参照年）")
    ax.set_ylabel(unit_label or "效应")
    ax.set_title(title or "事件研究：交流前后的差异（95%置信区间）")
    ax.grid(axis="x", visible=False)
    if ax.get_legend_handles_labels()[0]:
        place_legend(ax, fontsize=9, loc="upper left")
    if any_illustrative:
        _note(ax, POINT_NOTE)
    return ax

"""Shift-share decomposition of a talent stock's change against a reference region."""

from __future__ import annotations

import math

import pandas as pd

from lps_analysis.data.vocab import TOTAL_CATEGORY
from lps_analysis.structure import lineage
from lps_analysis.structure.bounds import combine_bounds
from lps_analysis.structure.change import missing_notes
from lps_analysis.structure.stock import (
    NOTE_SEP,
    UNSPECIFIED,
    check_period,
    complete_categories,
    growth,
    ordered,
    unique,
    value_at,
)


def shift_share(local: pd.DataFrame, reference: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    """Shift-share decomposition of each local category's change against a reference region.

    With ``L`` the local start count of category *i*, ``g_T`` the reference total growth,
    ``g_i`` the reference growth of *i* and ``g_L`` the local growth of *i*:

    - reference component ``L·g_T`` — growth had the category grown like the reference total;
    - mix component ``L·(g_i − g_T)`` — the category growing faster or slower in the reference;
    - local (competitive) component ``L·(g_L − g_i)``.

    They sum to the actual change (the local component is computed as the remainder, which is
    the same thing algebraically and closes exactly in floating point; it also covers ``L = 0``).
    Both frames are completed first; the reference total uses its ``all`` row when stated, else
    the sum of its categories. A local category the reference does not have (or has at 0 in the
    start year) uses ``g_i = g_T``, so its mix component is 0; ``unspecified`` is never matched,
    since what it holds depends on which categories each source names. ``note`` says so.

    Parameters
    ----------
    local : DataFrame
        ``talent_stock`` of one or more scopes.
    reference : DataFrame
        The same columns for one reference region (``scope_code`` may be a name, e.g. 贵州省).

    Returns
    -------
    DataFrame
        One row per local scope × category plus an ``all`` row (sum of the categories):
        ``scope_code, reference_region, category, start_count, end_count, actual_change``
        (persons), ``local_growth``, ``reference_category_growth``, ``reference_total_growth``
        (ratios), ``reference_component, mix_component, local_component`` (persons),
        ``bound`` (``ratio`` rule), ``note``; ``provenance``/``sources`` of the row's figures
        (the local counts and the reference rows used), ``reference_provenance``/
        ``reference_sources`` of the reference total growth (the reference totals).
    """
    check_period(start, end)
    local_frame = complete_categories(local)
    ref_frame = complete_categories(reference)
    regions = ref_frame["scope_code"].unique()
    if len(regions) != 1:
        raise ValueError(f"reference must hold one region, got {list(regions)}")
    region = regions[0]
    ref_start = ref_frame[ref_frame["year"] == start].set_index("category")
    ref_end = ref_frame[ref_frame["year"] == end].set_index("category")
    ref_notes = [
        f"参照地区缺少{y}年数据" for y, f in ((start, ref_start), (end, ref_end)) if f.empty
    ]
    if ref_notes:
        g_total, total_bounds, total_lineage = math.nan, [], []
    else:
        total_lineage = [
            lineage.lineage_of(ref_start, TOTAL_CATEGORY),
            lineage.lineage_of(ref_end, TOTAL_CATEGORY),
        ]
        g_total = growth(ref_start.at[TOTAL_CATEGORY, "count"], ref_end.at[TOTAL_CATEGORY, "count"])
        total_bounds = [ref_start.at[TOTAL_CATEGORY, "bound"], ref_end.at[TOTAL_CATEGORY, "bound"]]

    rows = []
    for scope, at_scope in local_frame.groupby("scope_code", sort=True):
        at_start = at_scope[at_scope["year"] == start].set_index("category")
        at_end = at_scope[at_scope["year"] == end].set_index("category")
        categories = ordered((set(at_start.index) | set(at_end.index)) - {TOTAL_CATEGORY})
        scope_rows = []
        for category in categories:
            notes = list(ref_notes) + missing_notes(category, start, end, at_start, at_end)
            l_start = value_at(at_start, category, "count")
            l_end = value_at(at_end, category, "count")
            bounds = [value_at(at_start, category, "bound"), value_at(at_end, category, "bound")]
            used = [
                lineage.lineage_of(at_start, category),
                lineage.lineage_of(at_end, category),
                *total_lineage,
            ]
            matched = (
                not ref_notes
                and category != UNSPECIFIED
                and category in ref_start.index
                and category in ref_end.index
                and ref_start.at[category, "count"] > 0
            )
            if matched:
                g_category = growth(ref_start.at[category, "count"], ref_end.at[category, "count"])
                bounds += [ref_start.at[category, "bound"], ref_end.at[category, "bound"]]
                used += [
                    lineage.lineage_of(ref_start, category),
                    lineage.lineage_of(ref_end, category),
                ]
            else:
                g_category = g_total
                if not ref_notes:
                    notes.append(
                        "未列明类别不与参照地区对应，按总量增速计"
                        if category == UNSPECIFIED
                        else "参照地区无此类别，按总量增速计"
                    )
            actual = l_end - l_start
            row_lineage = lineage.combine(used)
            reference_lineage = lineage.combine(total_lineage)
            reference_component = l_start * g_total
            mix_component = l_start * (g_category - g_total)
            scope_rows.append(
                {
                    "scope_code": scope,
                    "reference_region": region,
                    "category": category,
                    "start_count": l_start,
                    "end_count": l_end,
                    "actual_change": actual,
                    "local_growth": growth(l_start, l_end),
                    "reference_category_growth": g_category,
                    "reference_total_growth": g_total,
                    "reference_component": reference_component,
                    "mix_component": mix_component,
                    "local_component": actual - reference_component - mix_component,
                    "bound": combine_bounds(*bounds, *total_bounds, operation="ratio"),
                    "note": NOTE_SEP.join(notes),
                    "provenance": row_lineage[0],
                    "sources": row_lineage[1],
                    "reference_provenance": reference_lineage[0],
                    "reference_sources": reference_lineage[1],
                }
            )
        rows.extend(scope_rows)
        total_notes = list(ref_notes)
        if not scope_rows:  # nothing to add up: the total says which year is missing
            total_notes += missing_notes(TOTAL_CATEGORY, start, end, at_start, at_end)
        rows.append(
            _shift_share_total(
                scope, region, scope_rows, g_total, total_notes, lineage.combine(total_lineage)
            )
        )
    return pd.DataFrame(
        rows,
        columns=[
            "scope_code",
            "reference_region",
            "category",
            "start_count",
            "end_count",
            "actual_change",
            "local_growth",
            "reference_category_growth",
            "reference_total_growth",
            "reference_component",
            "mix_component",
            "local_component",
            "bound",
            "note",
            "provenance",
            "sources",
            "reference_provenance",
            "reference_sources",
        ],
    )


def _shift_share_total(scope, region, scope_rows, g_total, ref_notes, reference_lineage) -> dict:
    frame = pd.DataFrame(scope_rows)
    summed = {}
    for column in (
        "start_count",
        "end_count",
        "actual_change",
        "reference_component",
        "mix_component",
        "local_component",
    ):
        # A missing category makes the total unknown, not smaller.
        has_nan = frame[column].isna().any() if len(frame) else True
        summed[column] = math.nan if has_nan else float(frame[column].sum())
    total_lineage = lineage.combine(
        zip(frame["provenance"], frame["sources"], strict=True) if len(frame) else []
    )
    # The total inherits what its categories miss (the rest of their notes are about matching).
    notes = unique(
        [
            *ref_notes,
            *(
                n
                for note in (frame["note"] if len(frame) else [])
                for n in note.split(NOTE_SEP)
                if n.startswith("缺少")
            ),
        ]
    )
    return {
        "scope_code": scope,
        "reference_region": region,
        "category": TOTAL_CATEGORY,
        **summed,
        "local_growth": growth(summed["start_count"], summed["end_count"]),
        "reference_category_growth": g_total,
        "reference_total_growth": g_total,
        "bound": combine_bounds(*(frame["bound"] if len(frame) else []), operation="ratio"),
        "note": NOTE_SEP.join(notes),
        "provenance": total_lineage[0],
        "sources": total_lineage[1],
        "reference_provenance": reference_lineage[0],
        "reference_sources": reference_lineage[1],
    }

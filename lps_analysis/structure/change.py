"""Change of a talent stock between two years, per category and per scope.

Every row carries the lineage of the figures it holds (see :mod:`.lineage`): ``start_`` and
``end_`` for the two counts as they are, the row's own ``provenance``/``sources`` for what is
computed from those two counts (change, growth, CAGR), and ``share_`` for the shares and their
change, which rest on every category of both years.
"""

from __future__ import annotations

import math

import pandas as pd

from lps_analysis.data.vocab import TOTAL_CATEGORY, category_name_zh
from lps_analysis.structure import lineage
from lps_analysis.structure.bounds import combine_bounds
from lps_analysis.structure.measures import cagr, dissimilarity
from lps_analysis.structure.stock import (
    NOTE_SEP,
    UNSPECIFIED,
    check_period,
    complete_categories,
    growth,
    ordered,
    unique,
    value_at,
    with_shares,
)


def change(stock: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    """Change of each category (and the ``all`` total) of each scope between two years.

    What cannot be computed is NaN and the ``missing`` column says why in short Chinese
    (e.g. ``缺少2015年数据``); it is ``""`` when nothing is missing.

    Returns
    -------
    DataFrame
        One row per scope × category: ``start_count``, ``end_count`` (persons),
        ``change_persons`` (persons), ``change_ratio`` (ratio), ``cagr`` (ratio per year),
        ``start_share``, ``end_share`` (ratio; NaN on the ``all`` row), ``share_change_pp``
        (percentage points), ``bound`` (``ratio`` rule over every input of the row, shares'
        totals included) and ``missing``; the lineage columns ``start_provenance``,
        ``start_sources``, ``start_bound`` (and ``end_``) of the two counts, ``provenance`` and
        ``sources`` of change/growth/CAGR (the two counts), ``share_provenance`` and
        ``share_sources`` of the shares and their change (every category of both years).
    """
    check_period(start, end)
    frame = with_shares(complete_categories(stock))
    rows = []
    for scope, at_scope in frame.groupby("scope_code", sort=True):
        at_start = at_scope[at_scope["year"] == start].set_index("category")
        at_end = at_scope[at_scope["year"] == end].set_index("category")
        categories = ordered(set(at_start.index) | set(at_end.index) | {TOTAL_CATEGORY})
        for category in categories:
            rows.append(_change_row(scope, category, start, end, at_start, at_end))
    columns = [
        "scope_code",
        "category",
        "start_count",
        "end_count",
        "change_persons",
        "change_ratio",
        "cagr",
        "start_share",
        "end_share",
        "share_change_pp",
        "bound",
        "missing",
        *LINEAGE_COLUMNS,
    ]
    return pd.DataFrame(rows, columns=columns)


LINEAGE_COLUMNS = (
    "start_provenance",
    "start_sources",
    "start_bound",
    "end_provenance",
    "end_sources",
    "end_bound",
    "provenance",
    "sources",
    "share_provenance",
    "share_sources",
)


def compare_scopes(stock: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    """One row per scope: total talents and how their structure changed between two years.

    The largest gain is the named category whose share rose most (percentage points);
    ``unspecified`` is not a candidate, since what it holds differs between sources.

    Returns
    -------
    DataFrame
        ``scope_code, start_total, end_total`` (persons), ``change_persons``, ``change_ratio``,
        ``cagr`` (ratio per year), ``dissimilarity`` (Duncan index of start vs end structure,
        ratio), ``largest_gain_category``, ``largest_gain_pp``, ``bound``, ``missing``;
        ``provenance``/``sources`` of the totals and their growth (the two totals),
        ``structure_provenance``/``structure_sources`` of the dissimilarity and the largest gain
        (every category of both years).
    """
    changes = change(stock, start, end)
    rows = []
    for scope, at_scope in changes.groupby("scope_code", sort=True):
        total = at_scope[at_scope["category"] == TOTAL_CATEGORY].iloc[0]
        parts = at_scope[at_scope["category"] != TOTAL_CATEGORY]
        named = parts[(parts["category"] != UNSPECIFIED) & parts["share_change_pp"].notna()]
        gain = named.loc[named["share_change_pp"].idxmax()] if len(named) else None
        notes = unique(n for note in at_scope["missing"] for n in note.split(NOTE_SEP) if n)
        structure_lineage = lineage.combine(
            zip(parts["share_provenance"], parts["share_sources"], strict=True)
        )
        rows.append(
            {
                "scope_code": scope,
                "start_total": total["start_count"],
                "end_total": total["end_count"],
                "change_persons": total["change_persons"],
                "change_ratio": total["change_ratio"],
                "cagr": total["cagr"],
                "dissimilarity": _structure_dissimilarity(parts),
                "largest_gain_category": None if gain is None else gain["category"],
                "largest_gain_pp": math.nan if gain is None else gain["share_change_pp"],
                "bound": combine_bounds(*at_scope["bound"], operation="ratio"),
                "missing": NOTE_SEP.join(notes),
                "provenance": total["provenance"],
                "sources": total["sources"],
                "structure_provenance": structure_lineage[0],
                "structure_sources": structure_lineage[1],
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "scope_code",
            "start_total",
            "end_total",
            "change_persons",
            "change_ratio",
            "cagr",
            "dissimilarity",
            "largest_gain_category",
            "largest_gain_pp",
            "bound",
            "missing",
            "provenance",
            "sources",
            "structure_provenance",
            "structure_sources",
        ],
    )


def missing_notes(category, start, end, at_start, at_end) -> list[str]:
    """Short Chinese notes on what a category lacks in the two years."""
    notes = []
    for year, frame in ((start, at_start), (end, at_end)):
        if frame.empty:
            notes.append(f"缺少{year}年数据")
        elif category not in frame.index:
            notes.append(f"缺少{year}年{category_name_zh(category)}数据")
    return notes


def _change_row(scope, category, start, end, at_start, at_end) -> dict:
    notes = missing_notes(category, start, end, at_start, at_end)
    start_count = value_at(at_start, category, "count")
    end_count = value_at(at_end, category, "count")
    start_share = value_at(at_start, category, "share")
    end_share = value_at(at_end, category, "share")
    if start_count == 0:
        notes.append(f"{start}年为0，无法计算增长率")
    if category == UNSPECIFIED and not (at_start.empty or at_end.empty):
        named_start = set(at_start.index) - {UNSPECIFIED, TOTAL_CATEGORY}
        named_end = set(at_end.index) - {UNSPECIFIED, TOTAL_CATEGORY}
        if named_start != named_end:
            notes.append("两年列明的类别不同，未列明部分口径不一")
    bound = combine_bounds(
        value_at(at_start, category, "bound"),
        value_at(at_end, category, "bound"),
        value_at(at_start, category, "share_bound"),
        value_at(at_end, category, "share_bound"),
        operation="ratio",
    )
    computable = not (math.isnan(start_count) or math.isnan(end_count)) and start_count > 0
    start_lineage = lineage.lineage_of(at_start, category)
    end_lineage = lineage.lineage_of(at_end, category)
    shares_lineage = lineage.combine(
        [_share_lineage(at_start, category), _share_lineage(at_end, category)]
    )
    own = lineage.combine([start_lineage, end_lineage])
    return {
        "scope_code": scope,
        "category": category,
        "start_count": start_count,
        "end_count": end_count,
        "change_persons": end_count - start_count,
        "change_ratio": growth(start_count, end_count),
        "cagr": cagr(start_count, end_count, end - start) if computable else math.nan,
        "start_share": start_share,
        "end_share": end_share,
        "share_change_pp": (end_share - start_share) * 100,
        "bound": bound,
        "missing": NOTE_SEP.join(notes),
        "start_provenance": start_lineage[0] if start_lineage else None,
        "start_sources": start_lineage[1] if start_lineage else (),
        "start_bound": value_at(at_start, category, "bound"),
        "end_provenance": end_lineage[0] if end_lineage else None,
        "end_sources": end_lineage[1] if end_lineage else (),
        "end_bound": value_at(at_end, category, "bound"),
        "provenance": own[0],
        "sources": own[1],
        "share_provenance": shares_lineage[0],
        "share_sources": shares_lineage[1],
    }


def _share_lineage(at_year: pd.DataFrame, category: str) -> lineage.Lineage | None:
    """The lineage of a category's share in one year (every category of that year)."""
    if category not in at_year.index:
        return None
    return at_year.at[category, "share_provenance"], tuple(at_year.at[category, "share_sources"])


def _structure_dissimilarity(parts: pd.DataFrame) -> float:
    """Dissimilarity of a scope's start and end shares; NaN when either year has no structure."""
    start = parts.set_index("category")["start_share"].dropna()
    end = parts.set_index("category")["end_share"].dropna()
    if start.empty or end.empty:
        return math.nan
    return dissimilarity(start, end)

"""The marks of the rows a platform figure rests on: provenance, bound and sources.

Every frame the platform analyses return carries, per row, the ``provenance``, ``bound`` and
``sources`` of exactly the input rows that row was computed from, combined by the one rule of
:mod:`lps_analysis.value` (any illustrative row makes it illustrative; real rows give `derived`
citing their sources). :func:`value_of` turns a cell of such a frame into a
:class:`~lps_analysis.value.Value`, which is what views print.
"""

from __future__ import annotations

import math

import pandas as pd

from lps_analysis.value import (
    BOUNDS,
    PROVENANCES,
    Value,
    combined_bound,
    combined_provenance,
)

MARK_COLUMNS = ("provenance", "bound", "sources")


def row_sources(frame: pd.DataFrame, table: str) -> list[tuple[str, ...]]:
    """Each row's sources: its `source` text where it has one, else the table's name."""
    if "source" not in frame:
        return [(table,)] * len(frame)
    return [(s,) if isinstance(s, str) and s else (table,) for s in frame["source"]]


def row_marks(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """`frame` with the mark columns of its own rows (an input table's rows as they are).

    A row without a valid provenance is treated as illustrative, as :func:`value.from_row` does.
    """
    prov = frame["provenance"] if "provenance" in frame else pd.Series(None, index=frame.index)
    bound = frame["bound"] if "bound" in frame else pd.Series(None, index=frame.index)
    return frame.assign(
        provenance=[p if p in PROVENANCES else "illustrative" for p in prov],
        bound=[b if b in BOUNDS else "exact" for b in bound],
        sources=row_sources(frame, table),
    )


def combine(*frames: pd.DataFrame) -> dict:
    """The marks of a figure computed from all rows of these frames (each with mark columns).

    Returns ``provenance``, ``bound`` and ``sources`` (a tuple, in first-seen order). A figure
    computed from no rows at all is `derived` with no sources.
    """
    kinds, bounds, sources = [], [], []
    for frame in frames:
        if frame is None or len(frame) == 0:
            continue
        kinds += list(frame["provenance"])
        bounds += list(frame["bound"])
        for row in frame["sources"]:
            sources += list(row)
    return {
        "provenance": combined_provenance(kinds, computed=True),
        "bound": combined_bound(bounds),
        "sources": tuple(dict.fromkeys(sources)),
    }


SAMPLE_NAME_TAG = "（示例）"  # the sample generator's tag on invented platform names


def platform_label(name: str, provenance: str) -> str:
    """A platform's name as a reader sees it: ``*`` after it when its own row is illustrative.

    The sample generator tags invented names with （示例）; the mark comes from the row's
    provenance instead, so the same name relabelled as real carries no tag.
    """
    name = str(name).replace(SAMPLE_NAME_TAG, "")
    return name + "*" if provenance == "illustrative" else name


def value_of(row, column: str, unit: str, *, table: str) -> Value:
    """One cell of a marked frame as a Value; NaN is missing, naming `table` as the gap."""
    number = row[column]
    marks = {k: row[k] for k in MARK_COLUMNS}
    if number is None or (isinstance(number, float) and math.isnan(number)):
        return Value(None, unit, marks["provenance"], "exact", tuple(marks["sources"]), (table,))
    return Value(float(number), unit, marks["provenance"], marks["bound"], tuple(marks["sources"]))


def values_of(frame: pd.DataFrame, column: str, unit: str, *, table: str) -> list[Value]:
    """Every row's cell of `column` as a Value (see :func:`value_of`)."""
    return [value_of(row, column, unit, table=table) for _, row in frame.iterrows()]

"""Where each row of a structure frame comes from: provenance and sources per row.

The structure functions work on DataFrames; every frame they return carries, per row, the
provenance and the sources of exactly the input rows its figures were computed from (a 2015→2020
city growth rests on the two city totals only, whatever the other years hold). The rule is
:func:`lps_analysis.value.combined_provenance`; :func:`cell_value` turns one cell back into a
:class:`~lps_analysis.value.Value` for the formatter.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

import pandas as pd

from lps_analysis.value import PROVENANCES, Value, combined_provenance

# A fact id of the article's fact base (F009) inside a source text such as "原文 F009".
_FACT_ID = re.compile(r"(?<![A-Za-z0-9])F\d{3}(?!\d)")

Lineage = tuple[str, tuple[str, ...]]  # (provenance, sources)


def row_sources(source, table: str = "talent_stock") -> tuple[str, ...]:
    """The sources of one input row: its fact ids if the source text names any, else the text,
    else the table's name."""
    if isinstance(source, (tuple, list)):
        return tuple(str(s) for s in source)
    text = source.strip() if isinstance(source, str) else ""
    if not text:
        return (table,)
    ids = _FACT_ID.findall(text)
    return tuple(dict.fromkeys(ids)) if ids else (text,)


def with_lineage(frame: pd.DataFrame, table: str = "talent_stock") -> pd.DataFrame:
    """The frame with a checked ``provenance`` and a ``sources`` tuple on every row.

    A row without a known provenance is `illustrative` (as :func:`lps_analysis.value.from_row`
    treats it): an unlabelled figure is never presented as fact. Existing ``sources`` are kept.
    """
    out = frame.copy()
    kinds = out["provenance"] if "provenance" in out else pd.Series([None] * len(out), out.index)
    out["provenance"] = [k if k in PROVENANCES else "illustrative" for k in kinds]
    if "sources" in out:
        out["sources"] = [row_sources(s, table) for s in out["sources"]]
    elif "source" in out:
        out["sources"] = [row_sources(s, table) for s in out["source"]]
    else:
        out["sources"] = [(table,)] * len(out)
    return out


def combine(lineages: Iterable[Lineage | None], *, computed: bool = True) -> Lineage:
    """Provenance and sources of a figure made from inputs with these lineages (None: absent)."""
    present = [lin for lin in lineages if lin is not None]
    provenance = combined_provenance([p for p, _ in present], computed=computed)
    sources = tuple(dict.fromkeys(s for _, srcs in present for s in srcs))
    return provenance, sources


def lineage_of(frame: pd.DataFrame, label=None) -> Lineage | None:
    """The lineage of one row (by index label) of a frame indexed by category; None if absent."""
    if label is None or label not in frame.index:
        return None
    return frame.at[label, "provenance"], tuple(frame.at[label, "sources"])


def lineages(frame: pd.DataFrame) -> list[Lineage]:
    """The lineage of every row of a frame."""
    return list(zip(frame["provenance"], map(tuple, frame["sources"]), strict=True))


def _get(row, name: str, default=None):
    if isinstance(row, (pd.Series, dict)):
        value = row.get(name, default)
    else:
        value = getattr(row, name, default)
    return default if value is None or (isinstance(value, float) and math.isnan(value)) else value


def cell_value(
    row, column: str, unit: str, *, prefix: str = "", table: str = "talent_stock"
) -> Value:
    """One cell of a structure frame as a :class:`Value` (the row's lineage; `prefix` picks a
    column group such as ``start_`` or ``share_``).

    A missing number gives a missing value naming `table`, never 0.
    """
    provenance = _get(row, f"{prefix}provenance") or _get(row, "provenance") or "illustrative"
    bound = _get(row, f"{prefix}bound") or _get(row, "bound") or "exact"
    sources = _get(row, f"{prefix}sources")
    sources = tuple(sources) if sources is not None else tuple(_get(row, "sources", ()) or ())
    number = _get(row, column)
    if number is None:
        return Value(None, unit, provenance, "exact", sources, (table,))
    return Value(float(number), unit, provenance, bound, sources)

"""How many platforms: counts by level or type, and the stock at each year-end.

A count rests on the whole listing — the rows present and the ones absent — so its marks are
those of every row of the listing it was counted from (`listing`, by default the platforms
passed in): moving one illustrative platform to another county changes every county's count.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from lps_analysis.platforms.marks import combine, row_marks

LEVEL_ORDER = ("national", "provincial", "municipal")


def year_end(year: int) -> pd.Timestamp:
    return pd.Timestamp(year=int(year), month=12, day=31)


def established(platforms: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(platforms["established"])


def level_sort_key(level) -> tuple[int, str]:
    """Sort key: national, provincial, municipal, then anything else by name."""
    return (LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER), str(level))


def listing_marks(listing: pd.DataFrame) -> dict:
    """The marks of a count taken from this listing of platforms (every row counts)."""
    return combine(row_marks(listing, "platforms"))


def count_by(
    platforms: pd.DataFrame,
    by: str | Sequence[str] = "level",
    *,
    as_of=None,
    listing: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Number of platforms per value of `by` (level, type, scope_code…), optionally as of a date.

    Returns the `by` columns, ``count`` (platforms) and the marks of `listing` (default:
    `platforms`), sorted by `by`.
    """
    keys = [by] if isinstance(by, str) else list(by)
    frame = platforms
    if as_of is not None:
        frame = frame[established(frame) <= pd.Timestamp(as_of)]
    counts = frame.groupby(keys, dropna=False).size().rename("count").reset_index()
    marks = listing_marks(platforms if listing is None else listing)
    counts = counts.sort_values(keys, kind="stable").reset_index(drop=True)
    return counts.assign(**{k: [v] * len(counts) for k, v in marks.items()})


def stock_by_year(
    platforms: pd.DataFrame,
    years: Iterable[int],
    *,
    by: str | None = "level",
    listing: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Stock of platforms at each year-end (recognised on or before 31 December), with new ones.

    Returns a long frame: ``year``, the `by` column (omitted when `by` is None), ``stock``
    (platforms at year-end), ``new`` (recognised during that year) and the marks of `listing`
    (default: `platforms`). Every (year, value of `by`) pair appears, with zeros where there
    are none.
    """
    years = sorted({int(y) for y in years})
    est = established(platforms)
    groups = (
        [None]
        if by is None
        else sorted(platforms[by].dropna().unique(), key=level_sort_key if by == "level" else str)
    )
    rows = []
    for year in years:
        for value in groups:
            mask = np.ones(len(platforms), dtype=bool) if by is None else platforms[by] == value
            stock = int(((est <= year_end(year)) & mask).sum())
            new = int(((est.dt.year == year) & mask).sum())
            row = {"year": year, "stock": stock, "new": new}
            if by is not None:
                row[by] = value
            rows.append(row)
    columns = ["year", *([by] if by else []), "stock", "new"]
    out = pd.DataFrame(rows, columns=columns)
    marks = listing_marks(platforms if listing is None else listing)
    return out.assign(**{k: [v] * len(out) for k, v in marks.items()})


def stock_totals(stock: pd.DataFrame) -> pd.DataFrame:
    """Stock summed over levels per year-end, marks kept (every level rests on one listing)."""
    if stock.empty:
        return pd.DataFrame(columns=["year", "stock", "provenance", "bound", "sources"])
    totals = stock.groupby("year", as_index=False)["stock"].sum()
    first = stock.drop_duplicates("year").set_index("year")
    return totals.assign(
        provenance=list(first.loc[totals.year, "provenance"]),
        bound=list(first.loc[totals.year, "bound"]),
        sources=list(first.loc[totals.year, "sources"]),
    )

"""The completed talent stock and its shares, each row with its bound and lineage.

Pure functions over the tidy ``talent_stock`` table: ``scope_code`` (str), ``year`` (int),
``category`` (a talent category id, or ``all`` for a stated total), ``count`` (persons), and
optionally ``bound`` (``exact``/``lower``/``approx``; ``exact`` when the column is absent or a cell
is empty), ``provenance`` and ``source``. No file I/O, no printing.

Every output frame has a ``bound`` column computed by :func:`combine_bounds`, so a figure computed
from a lower bound (余/多/以上) is never presented as exact, and ``provenance``/``sources``
computed from exactly the rows each figure rests on (:mod:`.lineage`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from lps_analysis.data.vocab import TALENT_CATEGORIES, TOTAL_CATEGORY
from lps_analysis.structure import lineage
from lps_analysis.structure.bounds import BOUNDS, combine_bounds, is_missing

UNSPECIFIED = "unspecified"
NAMED_CATEGORIES = tuple(c for c in TALENT_CATEGORIES if c != UNSPECIFIED)
CATEGORY_ORDER = (*NAMED_CATEGORIES, UNSPECIFIED, TOTAL_CATEGORY)

# A stated total and the sum of its categories are "equal" within this relative tolerance:
# counts arrive as floats (万人 × 10 000) and must not fail on the last binary digit.
_REL_TOL = 1e-9
NOTE_SEP = "；"

# --------------------------------------------------------------------------- frames


def complete_categories(stock: pd.DataFrame) -> pd.DataFrame:
    """Add ``unspecified`` and ``all`` rows so that each scope-year's categories sum to its total.

    Per scope-year: with a stated ``all`` total, an ``unspecified`` row = total − sum of the
    named categories is added (0 when they match; bound by the ``difference`` rule); with no
    ``all`` row, one = sum of the categories is added (``sum`` rule) — this assumes the
    categories present are all there are. An added row's provenance and sources combine those
    of the rows it is computed from (illustrative if any of them is).

    Returns
    -------
    DataFrame
        The input rows plus the added ones, with ``bound``, ``provenance``, ``sources`` and
        ``is_total``
        (True on the ``all`` row), sorted by scope, year and category.

    Raises
    ------
    ValueError
        When named categories add up to more than the stated total (scope, year and both
        numbers in the message), or when an ``unspecified`` row is given but the categories
        still fall short of the total.
    """
    df = _prepare(stock)
    # Plain Python over the rows: these tables are small and pandas per-group overhead dominates.
    groups: dict[tuple, list[tuple]] = {}
    for scope, year, category, count, bound, lin in zip(
        df["scope_code"],
        df["year"],
        df["category"],
        df["count"],
        df["bound"],
        lineage.lineages(df),
        strict=True,
    ):
        groups.setdefault((scope, year), []).append((category, count, bound, lin))
    added = []
    for (scope, year), members in groups.items():
        named = [(c, n, b) for c, n, b, _ in members if c != TOTAL_CATEGORY]
        named_sum = float(sum(n for _, n, _ in named))
        named_bounds = [b for _, _, b in named]
        named_lineage = [lin for c, _, _, lin in members if c != TOTAL_CATEGORY]
        totals = [(n, b, lin) for c, n, b, lin in members if c == TOTAL_CATEGORY]
        if not totals:
            added.append(
                _derived_row(
                    scope,
                    year,
                    TOTAL_CATEGORY,
                    named_sum,
                    combine_bounds(*named_bounds, operation="sum"),
                    lineage.combine(named_lineage),
                )
            )
            continue
        total, total_bound, total_lineage = float(totals[0][0]), totals[0][1], totals[0][2]
        residual = total - named_sum
        tolerance = _REL_TOL * max(abs(total), 1.0)
        if residual < -tolerance:
            raise ValueError(
                f"scope {scope}, year {year}: named categories sum to {_fmt(named_sum)} persons, "
                f"more than the stated total {_fmt(total)} persons ({total_bound}) — "
                f"{scope} {year}年各类人才合计 {_fmt(named_sum)} 人，超过人才总量 {_fmt(total)} 人"
            )
        residual = residual if residual > tolerance else 0.0  # float noise is not a category
        if any(c == UNSPECIFIED for c, _, _ in named):
            if residual > 0:
                raise ValueError(
                    f"scope {scope}, year {year}: categories including 'unspecified' sum to "
                    f"{_fmt(named_sum)} persons, short of the stated total {_fmt(total)} persons"
                )
            continue
        # With no named category the "difference" is a copy of the total: keep its bound.
        operation = "difference" if named else "sum"
        added.append(
            _derived_row(
                scope,
                year,
                UNSPECIFIED,
                residual,
                combine_bounds(total_bound, *named_bounds, operation=operation),
                lineage.combine([total_lineage, *named_lineage]),
            )
        )
    if added:
        df = pd.concat([df, pd.DataFrame(added)], ignore_index=True)
    df["is_total"] = df["category"] == TOTAL_CATEGORY
    return sort_rows(df)


def shares(stock: pd.DataFrame) -> pd.DataFrame:
    """Share of each category in its scope-year total (ratio 0–1); shares of a scope-year sum to 1.

    The stock is completed first (:func:`complete_categories`), so ``unspecified`` is a category
    and the ``all`` row is left out. Bound: ``ratio`` rule over the count and the total; a
    share rests on every category of its scope-year (its lineage is theirs).

    Returns
    -------
    DataFrame
        ``scope_code, year, category, count`` (persons), ``share`` (ratio), ``bound``,
        ``provenance``, ``sources``.
    """
    frame = with_shares(complete_categories(stock))
    frame = frame[~frame["is_total"]]
    columns = ["scope_code", "year", "category", "count", "share", "share_bound"]
    out = frame[[*columns, "share_provenance", "share_sources"]]
    return out.rename(
        columns={
            "share_bound": "bound",
            "share_provenance": "provenance",
            "share_sources": "sources",
        }
    ).reset_index(drop=True)


# --------------------------------------------------------------------------- internals


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else f"{number:.6g}"


def _prepare(stock: pd.DataFrame, name: str = "talent_stock") -> pd.DataFrame:
    """Checked copy with a ``bound`` column; rows without a count are dropped (they are missing)."""
    if not isinstance(stock, pd.DataFrame):
        raise TypeError(f"{name} must be a DataFrame, got {type(stock).__name__}")
    required = ["scope_code", "year", "category", "count"]
    absent = [c for c in required if c not in stock.columns]
    if absent:
        raise ValueError(f"{name} lacks column(s) {absent}")
    df = lineage.with_lineage(stock, name)
    df["bound"] = df["bound"].where(df["bound"].notna(), "exact") if "bound" in df else "exact"
    df["bound"] = df["bound"].astype(object)
    unknown_bounds = sorted(set(df["bound"]) - set(BOUNDS))
    if unknown_bounds:
        raise ValueError(f"{name}: unknown bound(s) {unknown_bounds}; expected one of {BOUNDS}")
    unknown = sorted(set(df["category"].astype(str)) - set(CATEGORY_ORDER))
    if unknown:
        raise ValueError(f"{name}: unknown categor(ies) {unknown}; expected {CATEGORY_ORDER}")
    if df["year"].isna().any():
        raise ValueError(f"{name}: rows without a year")
    df["scope_code"] = df["scope_code"].astype(str).astype(object)
    df["category"] = df["category"].astype(str).astype(object)
    df["year"] = df["year"].astype(int)
    df["count"] = pd.to_numeric(df["count"]).astype(float)
    df = df[df["count"].notna()].reset_index(drop=True)
    if (df["count"] < 0).any():
        bad = df[df["count"] < 0].iloc[0]
        raise ValueError(
            f"{name}: negative count {bad['count']} for {bad['scope_code']} {bad['year']} "
            f"{bad['category']}"
        )
    duplicated = df.duplicated(["scope_code", "year", "category"], keep=False)
    if duplicated.any():
        keys = df.loc[duplicated, ["scope_code", "year", "category"]].drop_duplicates()
        raise ValueError(f"{name}: duplicated scope-year-category rows {keys.values.tolist()}")
    return df


def _derived_row(
    scope: str, year: int, category: str, count: float, bound: str, lin: lineage.Lineage
) -> dict:
    return {
        "scope_code": scope,
        "year": year,
        "category": category,
        "count": count,
        "bound": bound,
        "provenance": lin[0],
        "sources": lin[1],
    }


def sort_rows(df: pd.DataFrame) -> pd.DataFrame:
    keys = list(
        zip(df["scope_code"], df["year"], map(CATEGORY_ORDER.index, df["category"]), strict=True)
    )
    order = sorted(range(len(df)), key=keys.__getitem__)
    return df.iloc[order].reset_index(drop=True)


def ordered(categories: Iterable[str]) -> list[str]:
    return sorted(categories, key=CATEGORY_ORDER.index)


def unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def with_shares(completed: pd.DataFrame) -> pd.DataFrame:
    """Completed stock plus ``share`` (NaN on ``all``), ``share_bound`` and the shares' lineage
    (``share_provenance``, ``share_sources``: every category of the scope-year)."""
    df = completed.copy()
    keys = [df["scope_code"], df["year"]]
    is_part = ~df["is_total"]
    # The sum of the parts equals the completed total; dividing by it makes shares sum to 1.
    denominator = df["count"].where(is_part, 0.0).groupby(keys).transform("sum")
    df["share"] = (df["count"] / denominator).where(is_part & (denominator > 0))
    total_bound = df["bound"].where(df["is_total"]).groupby(keys).transform("first")
    df["share_bound"] = [
        combine_bounds(b, t, operation="ratio") if part else b
        for b, t, part in zip(df["bound"], total_bound, is_part, strict=True)
    ]
    year_lineage = {
        key: lineage.combine(lineage.lineages(rows[~rows["is_total"]]))
        for key, rows in df.groupby(["scope_code", "year"], sort=False)
    }
    keyed = [year_lineage[k] for k in zip(df["scope_code"], df["year"], strict=True)]
    df["share_provenance"] = [p for p, _ in keyed]
    df["share_sources"] = [s for _, s in keyed]
    return df


def check_period(start: int, end: int) -> None:
    if end <= start:
        raise ValueError(f"end year must be after start year, got {start}–{end}")


def value_at(frame: pd.DataFrame, category: str, column: str):
    """One cell of a frame indexed by category: NaN for a missing count or share, else None."""
    if category in frame.index:
        return frame.at[category, column]
    return math.nan if column in ("count", "share") else None


def growth(start_value: float, end_value: float) -> float:
    """Growth ratio end/start − 1; NaN when either is missing or the start is not positive."""
    if is_missing(start_value) or is_missing(end_value) or start_value <= 0:
        return math.nan
    return end_value / start_value - 1.0

"""Talent-structure measures: completed categories, shares, change, diversity, shift-share.

Pure functions over the tidy ``talent_stock`` table: ``scope_code`` (str), ``year`` (int),
``category`` (a talent category id, or ``all`` for a stated total), ``count`` (persons), and
optionally ``bound`` (``exact``/``lower``/``approx``; ``exact`` when the column is absent or a cell
is empty) and ``provenance``. No file I/O, no printing.

Every output frame has a ``bound`` column computed by :func:`combine_bounds`, so a figure computed
from a lower bound (余/多/以上) is never presented as exact.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from lps_analysis.data.vocab import TALENT_CATEGORIES, TOTAL_CATEGORY, category_name_zh

UNSPECIFIED = "unspecified"
NAMED_CATEGORIES = tuple(c for c in TALENT_CATEGORIES if c != UNSPECIFIED)
CATEGORY_ORDER = (*NAMED_CATEGORIES, UNSPECIFIED, TOTAL_CATEGORY)
BOUNDS = ("exact", "lower", "approx")
OPERATIONS = ("sum", "difference", "ratio")

# A stated total and the sum of its categories are "equal" within this relative tolerance:
# counts arrive as floats (万人 × 10 000) and must not fail on the last binary digit.
_REL_TOL = 1e-9
# Shares passed to dissimilarity / diversity must sum to 1 within this.
_SHARE_SUM_TOL = 1e-6
_NOTE_SEP = "；"


# --------------------------------------------------------------------------- bounds


def combine_bounds(*bounds: str | None, operation: str = "sum") -> str:
    """Bound of a figure computed from figures with the given bounds.

    Rules, in order: any ``approx`` input → ``approx``; a ``lower`` input → ``lower`` for a
    ``sum`` (adding to a lower bound keeps it one) but ``approx`` for a ``difference`` or
    ``ratio`` (growth, share, CAGR: the direction of the error is unknown); otherwise ``exact``.

    Parameters
    ----------
    *bounds
        Bounds of the inputs. ``None``/NaN (an input that is missing) are ignored.
    operation : {"sum", "difference", "ratio"}
        How the inputs are combined.

    Returns
    -------
    str
        ``exact``, ``lower`` or ``approx``.
    """
    if operation not in OPERATIONS:
        raise ValueError(f"operation must be one of {OPERATIONS}, got {operation!r}")
    present = [b for b in bounds if not _is_missing(b)]
    unknown = sorted(set(present) - set(BOUNDS))
    if unknown:
        raise ValueError(f"unknown bound(s) {unknown}; expected one of {BOUNDS}")
    if "approx" in present:
        return "approx"
    if "lower" in present:
        return "lower" if operation == "sum" else "approx"
    return "exact"


# --------------------------------------------------------------------------- scalar helpers


def cagr(start_value: float, end_value: float, years: float) -> float:
    """Compound annual growth rate ``(end/start)**(1/years) - 1`` (ratio per year).

    NaN in either value gives NaN. Raises ValueError when ``years <= 0``, ``start_value <= 0``
    or ``end_value < 0`` (no rate exists).
    """
    if years <= 0:
        raise ValueError(f"years must be positive, got {years}")
    if _is_missing(start_value) or _is_missing(end_value):
        return math.nan
    if start_value <= 0 or end_value < 0:
        raise ValueError(
            f"CAGR needs start > 0 and end >= 0, got start={start_value}, end={end_value}"
        )
    return (end_value / start_value) ** (1.0 / years) - 1.0


def compound(start_value: float, rate: float, years: float) -> float:
    """Value after ``years`` of growth at ``rate`` per year: ``start * (1 + rate)**years``.

    The inverse of :func:`cagr`. Raises ValueError when ``rate < -1``.
    """
    if _is_missing(start_value) or _is_missing(rate):
        return math.nan
    if rate < -1:
        raise ValueError(f"rate must be >= -1 (a fall of at most 100%), got {rate}")
    return start_value * (1.0 + rate) ** years


def per_10k(talent_total, residents):
    """Talents per 10,000 residents (persons per 10k residents).

    Works on numbers, arrays or aligned Series. Raises ValueError for a resident count <= 0;
    NaN propagates. The bound of the result is ``combine_bounds(..., operation="ratio")`` of the
    inputs' bounds — the caller carries it.
    """
    if np.any(np.asarray(residents, dtype=float) <= 0):
        raise ValueError("residents must be positive (persons)")
    result = talent_total / residents * 10_000
    return float(result) if np.ndim(result) == 0 else result


def dissimilarity(shares_a, shares_b) -> float:
    """Duncan dissimilarity index ½·Σ|a_i − b_i| between two structures (ratio 0–1).

    The sum runs over the union of categories; a category absent from one side counts as 0.
    It is the share of talents that would have to change category for the structures to match.

    Parameters
    ----------
    shares_a, shares_b : Series, Mapping or DataFrame
        Shares (ratios summing to 1) indexed by category, or one scope-year of :func:`shares`.
    """
    a = _as_distribution(shares_a, "shares_a")
    b = _as_distribution(shares_b, "shares_b")
    return 0.5 * math.fsum(abs(a.get(c, 0.0) - b.get(c, 0.0)) for c in a.keys() | b.keys())


def shannon_diversity(shares) -> float:
    """Shannon diversity −Σ p·ln p of a structure (natural log, so in nats; 0 … ln k).

    Zero shares are ignored (p·ln p → 0). ``shares`` as for :func:`dissimilarity`.
    """
    p = [v for v in _as_distribution(shares, "shares").values() if v > 0]
    return max(0.0, -math.fsum(v * math.log(v) for v in p))  # max: −0.0 for a single category


# --------------------------------------------------------------------------- frames


def complete_categories(stock: pd.DataFrame) -> pd.DataFrame:
    """Add ``unspecified`` and ``all`` rows so that each scope-year's categories sum to its total.

    Per scope-year: with a stated ``all`` total, an ``unspecified`` row = total − sum of the
    named categories is added (0 when they match; bound by the ``difference`` rule); with no
    ``all`` row, one = sum of the categories is added (``sum`` rule) — this assumes the
    categories present are all there are. Added rows have provenance ``derived``.

    Returns
    -------
    DataFrame
        The input rows plus the added ones, with ``bound``, ``provenance`` and ``is_total``
        (True on the ``all`` row), sorted by scope, year and category.

    Raises
    ------
    ValueError
        When named categories add up to more than the stated total (scope, year and both
        numbers in the message), or when an ``unspecified`` row is given but the categories
        still fall short of the total.
    """
    df = _prepare(stock)
    if "provenance" not in df.columns:
        df["provenance"] = None
    # Plain Python over the rows: these tables are small and pandas per-group overhead dominates.
    groups: dict[tuple, list[tuple]] = {}
    for scope, year, category, count, bound in zip(
        df["scope_code"], df["year"], df["category"], df["count"], df["bound"], strict=True
    ):
        groups.setdefault((scope, year), []).append((category, count, bound))
    added = []
    for (scope, year), members in groups.items():
        named = [(c, n, b) for c, n, b in members if c != TOTAL_CATEGORY]
        named_sum = float(sum(n for _, n, _ in named))
        named_bounds = [b for _, _, b in named]
        totals = [(n, b) for c, n, b in members if c == TOTAL_CATEGORY]
        if not totals:
            added.append(
                _derived_row(
                    scope,
                    year,
                    TOTAL_CATEGORY,
                    named_sum,
                    combine_bounds(*named_bounds, operation="sum"),
                )
            )
            continue
        total, total_bound = float(totals[0][0]), totals[0][1]
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
            )
        )
    if added:
        df = pd.concat([df, pd.DataFrame(added)], ignore_index=True)
    df["is_total"] = df["category"] == TOTAL_CATEGORY
    return _sorted(df)


def shares(stock: pd.DataFrame) -> pd.DataFrame:
    """Share of each category in its scope-year total (ratio 0–1); shares of a scope-year sum to 1.

    The stock is completed first (:func:`complete_categories`), so ``unspecified`` is a category
    and the ``all`` row is left out. Bound: ``ratio`` rule over the count and the total.

    Returns
    -------
    DataFrame
        ``scope_code, year, category, count`` (persons), ``share`` (ratio), ``bound``.
    """
    frame = _with_shares(complete_categories(stock))
    frame = frame[~frame["is_total"]]
    out = frame[["scope_code", "year", "category", "count", "share", "share_bound"]]
    return out.rename(columns={"share_bound": "bound"}).reset_index(drop=True)


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
        totals included) and ``missing``.
    """
    _check_period(start, end)
    frame = _with_shares(complete_categories(stock))
    rows = []
    for scope, at_scope in frame.groupby("scope_code", sort=True):
        at_start = at_scope[at_scope["year"] == start].set_index("category")
        at_end = at_scope[at_scope["year"] == end].set_index("category")
        categories = _ordered(set(at_start.index) | set(at_end.index) | {TOTAL_CATEGORY})
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
    ]
    return pd.DataFrame(rows, columns=columns)


def compare_scopes(stock: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    """One row per scope: total talents and how their structure changed between two years.

    The largest gain is the named category whose share rose most (percentage points);
    ``unspecified`` is not a candidate, since what it holds differs between sources.

    Returns
    -------
    DataFrame
        ``scope_code, start_total, end_total`` (persons), ``change_persons``, ``change_ratio``,
        ``cagr`` (ratio per year), ``dissimilarity`` (Duncan index of start vs end structure,
        ratio), ``largest_gain_category``, ``largest_gain_pp``, ``bound``, ``missing``.
    """
    changes = change(stock, start, end)
    rows = []
    for scope, at_scope in changes.groupby("scope_code", sort=True):
        total = at_scope[at_scope["category"] == TOTAL_CATEGORY].iloc[0]
        parts = at_scope[at_scope["category"] != TOTAL_CATEGORY]
        named = parts[(parts["category"] != UNSPECIFIED) & parts["share_change_pp"].notna()]
        gain = named.loc[named["share_change_pp"].idxmax()] if len(named) else None
        notes = _unique(n for note in at_scope["missing"] for n in note.split(_NOTE_SEP) if n)
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
                "missing": _NOTE_SEP.join(notes),
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
        ],
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
        ``bound`` (``ratio`` rule), ``note``.
    """
    _check_period(start, end)
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
        g_total, total_bounds = math.nan, []
    else:
        g_total = _growth(
            ref_start.at[TOTAL_CATEGORY, "count"], ref_end.at[TOTAL_CATEGORY, "count"]
        )
        total_bounds = [ref_start.at[TOTAL_CATEGORY, "bound"], ref_end.at[TOTAL_CATEGORY, "bound"]]

    rows = []
    for scope, at_scope in local_frame.groupby("scope_code", sort=True):
        at_start = at_scope[at_scope["year"] == start].set_index("category")
        at_end = at_scope[at_scope["year"] == end].set_index("category")
        categories = _ordered((set(at_start.index) | set(at_end.index)) - {TOTAL_CATEGORY})
        scope_rows = []
        for category in categories:
            notes = list(ref_notes) + _missing_notes(category, start, end, at_start, at_end)
            l_start = _value(at_start, category, "count")
            l_end = _value(at_end, category, "count")
            bounds = [_value(at_start, category, "bound"), _value(at_end, category, "bound")]
            matched = (
                not ref_notes
                and category != UNSPECIFIED
                and category in ref_start.index
                and category in ref_end.index
                and ref_start.at[category, "count"] > 0
            )
            if matched:
                g_category = _growth(ref_start.at[category, "count"], ref_end.at[category, "count"])
                bounds += [ref_start.at[category, "bound"], ref_end.at[category, "bound"]]
            else:
                g_category = g_total
                if not ref_notes:
                    notes.append(
                        "未列明类别不与参照地区对应，按总量增速计"
                        if category == UNSPECIFIED
                        else "参照地区无此类别，按总量增速计"
                    )
            actual = l_end - l_start
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
                    "local_growth": _growth(l_start, l_end),
                    "reference_category_growth": g_category,
                    "reference_total_growth": g_total,
                    "reference_component": reference_component,
                    "mix_component": mix_component,
                    "local_component": actual - reference_component - mix_component,
                    "bound": combine_bounds(*bounds, *total_bounds, operation="ratio"),
                    "note": _NOTE_SEP.join(notes),
                }
            )
        rows.extend(scope_rows)
        rows.append(_shift_share_total(scope, region, scope_rows, g_total, ref_notes))
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
        ],
    )


# --------------------------------------------------------------------------- internals


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


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
    df = stock.copy()
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


def _derived_row(scope: str, year: int, category: str, count: float, bound: str) -> dict:
    return {
        "scope_code": scope,
        "year": year,
        "category": category,
        "count": count,
        "bound": bound,
        "provenance": "derived",
    }


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    keys = list(
        zip(df["scope_code"], df["year"], map(CATEGORY_ORDER.index, df["category"]), strict=True)
    )
    order = sorted(range(len(df)), key=keys.__getitem__)
    return df.iloc[order].reset_index(drop=True)


def _ordered(categories: Iterable[str]) -> list[str]:
    return sorted(categories, key=CATEGORY_ORDER.index)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _with_shares(completed: pd.DataFrame) -> pd.DataFrame:
    """Completed stock plus ``share`` (NaN on ``all``) and ``share_bound``."""
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
    return df


def _check_period(start: int, end: int) -> None:
    if end <= start:
        raise ValueError(f"end year must be after start year, got {start}–{end}")


def _value(frame: pd.DataFrame, category: str, column: str):
    if category in frame.index:
        return frame.at[category, column]
    return math.nan if column in ("count", "share") else None


def _growth(start_value: float, end_value: float) -> float:
    if _is_missing(start_value) or _is_missing(end_value) or start_value <= 0:
        return math.nan
    return end_value / start_value - 1.0


def _missing_notes(category, start, end, at_start, at_end) -> list[str]:
    notes = []
    for year, frame in ((start, at_start), (end, at_end)):
        if frame.empty:
            notes.append(f"缺少{year}年数据")
        elif category not in frame.index:
            notes.append(f"缺少{year}年{category_name_zh(category)}数据")
    return notes


def _change_row(scope, category, start, end, at_start, at_end) -> dict:
    notes = _missing_notes(category, start, end, at_start, at_end)
    start_count = _value(at_start, category, "count")
    end_count = _value(at_end, category, "count")
    start_share = _value(at_start, category, "share")
    end_share = _value(at_end, category, "share")
    if start_count == 0:
        notes.append(f"{start}年为0，无法计算增长率")
    if category == UNSPECIFIED and not (at_start.empty or at_end.empty):
        named_start = set(at_start.index) - {UNSPECIFIED, TOTAL_CATEGORY}
        named_end = set(at_end.index) - {UNSPECIFIED, TOTAL_CATEGORY}
        if named_start != named_end:
            notes.append("两年列明的类别不同，未列明部分口径不一")
    bound = combine_bounds(
        _value(at_start, category, "bound"),
        _value(at_end, category, "bound"),
        _value(at_start, category, "share_bound"),
        _value(at_end, category, "share_bound"),
        operation="ratio",
    )
    computable = not (math.isnan(start_count) or math.isnan(end_count)) and start_count > 0
    return {
        "scope_code": scope,
        "category": category,
        "start_count": start_count,
        "end_count": end_count,
        "change_persons": end_count - start_count,
        "change_ratio": _growth(start_count, end_count),
        "cagr": cagr(start_count, end_count, end - start) if computable else math.nan,
        "start_share": start_share,
        "end_share": end_share,
        "share_change_pp": (end_share - start_share) * 100,
        "bound": bound,
        "missing": _NOTE_SEP.join(notes),
    }


def _structure_dissimilarity(parts: pd.DataFrame) -> float:
    """Dissimilarity of a scope's start and end shares; NaN when either year has no structure."""
    start = parts.set_index("category")["start_share"].dropna()
    end = parts.set_index("category")["end_share"].dropna()
    if start.empty or end.empty:
        return math.nan
    return dissimilarity(start, end)


def _shift_share_total(scope, region, scope_rows, g_total, ref_notes) -> dict:
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
    # The total inherits what its categories miss (the rest of their notes are about matching).
    notes = _unique(
        [
            *ref_notes,
            *(
                n
                for note in (frame["note"] if len(frame) else [])
                for n in note.split(_NOTE_SEP)
                if n.startswith("缺少")
            ),
        ]
    )
    return {
        "scope_code": scope,
        "reference_region": region,
        "category": TOTAL_CATEGORY,
        **summed,
        "local_growth": _growth(summed["start_count"], summed["end_count"]),
        "reference_category_growth": g_total,
        "reference_total_growth": g_total,
        "bound": combine_bounds(*(frame["bound"] if len(frame) else []), operation="ratio"),
        "note": _NOTE_SEP.join(notes),
    }


def _as_distribution(shares, name: str) -> dict[str, float]:
    """Shares as {category: ratio}, checked (≥ 0, sum 1) and rescaled to sum exactly 1."""
    if isinstance(shares, pd.DataFrame):
        if not {"category", "share"} <= set(shares.columns):
            raise ValueError(f"{name}: a DataFrame needs 'category' and 'share' columns")
        for key in ("scope_code", "year"):
            if key in shares.columns and shares[key].nunique() > 1:
                raise ValueError(f"{name}: pass one scope-year, got several {key} values")
        pairs = list(zip(shares["category"], shares["share"], strict=True))
    elif isinstance(shares, (Mapping, pd.Series)):
        pairs = list(shares.items())
    else:
        raise TypeError(f"{name} must be a Series, Mapping or DataFrame of shares")
    if not pairs:
        raise ValueError(f"{name}: no shares")
    distribution = {category: float(value) for category, value in pairs}
    if len(distribution) != len(pairs):
        raise ValueError(f"{name}: a category appears twice")
    if any(math.isnan(v) or v < 0 for v in distribution.values()):
        raise ValueError(f"{name}: shares must be non-negative numbers, got {distribution}")
    total = math.fsum(distribution.values())
    if abs(total - 1.0) > _SHARE_SUM_TOL:
        raise ValueError(f"{name}: shares must sum to 1 (ratios, not counts or %), got {total:.6g}")
    return {category: value / total for category, value in distribution.items()}

"""Platform output measures: platform counts and stock, outputs per platform-year, concentration.

Pure functions over the tidy ``platforms`` table (``platform_id``, ``name_zh``, ``level``,
``type``, ``scope_code``, ``established`` as a date, ``provenance``) and the ``platform_outputs``
table (``platform_id`` × ``year``: ``projects_approved`` 个, ``funding_10k_yuan`` 万元,
``patents_applied`` / ``patents_granted`` 件, ``talents_hosted`` 人). No file I/O, no printing.

Vocabulary kept apart on purpose:

- *stock of platforms* at a year: platforms recognised on or before 31 December of that year;
- *exposure*: platform-years of operation in the years a platform reports outputs — a platform
  recognised on 1 July 2018 contributes 184/365 of 2018;
- patents *flow* (授权量, grants in a year) versus patents *stock* (拥有量, patents held). The
  platform tables give only flows; the cumulative sum of grants over the years the data cover is
  a stand-in for a stock that ignores earlier grants and lapses (see :func:`patent_density`).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd

OUTPUT_COLUMNS = (
    "projects_approved",
    "funding_10k_yuan",
    "patents_applied",
    "patents_granted",
    "talents_hosted",
)
LEVEL_ORDER = ("national", "provincial", "municipal")


# --------------------------------------------------------------------------- platform counts


def _year_end(year: int) -> pd.Timestamp:
    return pd.Timestamp(year=int(year), month=12, day=31)


def _established(platforms: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(platforms["established"])


def count_by(
    platforms: pd.DataFrame, by: str | Sequence[str] = "level", *, as_of=None
) -> pd.DataFrame:
    """Number of platforms per value of `by` (level, type, scope_code…), optionally as of a date.

    Returns a frame with the `by` columns and ``count`` (platforms), sorted by `by`.
    """
    keys = [by] if isinstance(by, str) else list(by)
    frame = platforms
    if as_of is not None:
        frame = frame[_established(frame) <= pd.Timestamp(as_of)]
    counts = frame.groupby(keys, dropna=False).size().rename("count").reset_index()
    return counts.sort_values(keys, kind="stable").reset_index(drop=True)


def stock_by_year(
    platforms: pd.DataFrame, years: Iterable[int], *, by: str | None = "level"
) -> pd.DataFrame:
    """Stock of platforms at each year-end (recognised on or before 31 December), with new ones.

    Returns a long frame: ``year``, the `by` column (omitted when `by` is None), ``stock``
    (platforms at year-end) and ``new`` (recognised during that year). Every (year, value of
    `by`) pair appears, with zeros where there are none.
    """
    years = sorted({int(y) for y in years})
    est = _established(platforms)
    groups = (
        [None]
        if by is None
        else sorted(platforms[by].dropna().unique(), key=level_sort_key if by == "level" else str)
    )
    rows = []
    for year in years:
        for value in groups:
            mask = np.ones(len(platforms), dtype=bool) if by is None else platforms[by] == value
            stock = int(((est <= _year_end(year)) & mask).sum())
            new = int(((est.dt.year == year) & mask).sum())
            row = {"year": year, "stock": stock, "new": new}
            if by is not None:
                row[by] = value
            rows.append(row)
    columns = ["year", *([by] if by else []), "stock", "new"]
    return pd.DataFrame(rows, columns=columns)


def level_sort_key(level) -> tuple[int, str]:
    """Sort key: national, provincial, municipal, then anything else by name."""
    return (LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER), str(level))


# --------------------------------------------------------------------------- exposure and outputs


def active_fraction(established, year: int) -> float:
    """Share of `year` during which a platform recognised on `established` was in operation.

    1 for a year after the year of recognition, 0 before it, and (days from recognition to
    31 December, both included) / days in the year for the year of recognition.
    """
    est = pd.Timestamp(established)
    start, end = pd.Timestamp(year=int(year), month=1, day=1), _year_end(year)
    if est <= start:
        return 1.0
    if est > end:
        return 0.0
    return ((end - est).days + 1) / ((end - start).days + 1)


def exposure(platforms: pd.DataFrame, outputs: pd.DataFrame) -> pd.DataFrame:
    """Platform-years of exposure behind each output row.

    Returns `outputs` with ``exposure_years`` (0–1: the share of that year the platform was
    recognised) and the platform's ``level``, ``type``, ``scope_code``, ``name_zh``.
    Rows of platforms not in `platforms` are dropped (validation refuses them anyway).
    """
    info = platforms[["platform_id", "name_zh", "level", "type", "scope_code", "established"]]
    merged = outputs.merge(
        info, on="platform_id", how="inner", suffixes=("", "_platform"), validate="many_to_one"
    )
    merged["exposure_years"] = [
        active_fraction(est, year)
        for est, year in zip(merged["established"], merged["year"], strict=True)
    ]
    return merged.reset_index(drop=True)


def outputs_per_platform(
    platforms: pd.DataFrame, outputs: pd.DataFrame, *, start: int, end: int
) -> pd.DataFrame:
    """Each platform's outputs over the years `start`–`end`, in total and per platform-year.

    Exposure counts only the years a platform reports (a missing row is a gap, not a zero).
    Platforms with no report in the window keep a row with zero exposure and NaN rates.

    Returns one row per platform: ``platform_id``, ``name_zh``, ``level``, ``type``,
    ``scope_code``, ``established``, ``provenance`` (of the platform row),
    ``output_provenance`` (of its output rows, see :func:`provenance_of`), ``years_reported``,
    ``exposure_years``, the totals of :data:`OUTPUT_COLUMNS` and ``<output>_per_platform_year``
    for each; sorted by patents granted (descending), then id.
    """
    window = outputs[(outputs.year >= start) & (outputs.year <= end)]
    exposed = exposure(platforms, window)
    present = [c for c in OUTPUT_COLUMNS if c in exposed]
    totals = exposed.groupby("platform_id").agg(
        years_reported=("year", "nunique"),
        exposure_years=("exposure_years", "sum"),
        **{c: (c, "sum") for c in present},
        **({"output_provenance": ("provenance", provenance_of)} if "provenance" in exposed else {}),
    )
    base = platforms[
        ["platform_id", "name_zh", "level", "type", "scope_code", "established", "provenance"]
    ].set_index("platform_id")
    out = base.join(totals, how="left")
    out["years_reported"] = out["years_reported"].fillna(0).astype(int)
    out["exposure_years"] = out["exposure_years"].fillna(0.0)
    for col in present:
        out[col] = out[col].fillna(0)
        out[f"{col}_per_platform_year"] = rate_per_exposure(out[col], out["exposure_years"])
    out = out.reset_index()
    sort_col = "patents_granted" if "patents_granted" in out else "platform_id"
    return out.sort_values(
        [sort_col, "platform_id"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


def provenance_of(kinds: Iterable[str]) -> str | None:
    """One provenance for figures summed from rows of these kinds.

    Illustrative taints everything; a single kind is kept; a mix of real kinds is `derived`;
    no rows gives None.
    """
    present = {k for k in kinds if isinstance(k, str) and k}
    if not present:
        return None
    if "illustrative" in present:
        return "illustrative"
    return next(iter(present)) if len(present) == 1 else "derived"


def rate_per_exposure(total, exposure_years):
    """Output per platform-year; NaN where the exposure is zero (no chance to produce)."""
    total = np.asarray(total, dtype=float)
    exposure_years = np.asarray(exposure_years, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(exposure_years > 0, total / exposure_years, np.nan)
    return float(rate) if rate.ndim == 0 else rate


def output_totals(per_platform: pd.DataFrame) -> dict[str, float]:
    """Sums of the outputs and of the exposure over platforms (个, 万元, 件, 人, platform-years)."""
    cols = [c for c in (*OUTPUT_COLUMNS, "exposure_years") if c in per_platform]
    return {c: float(per_platform[c].sum()) for c in cols}


def funding_per_project(funding_10k_yuan: float, projects: float) -> float:
    """Funding per approved project (万元 per project); NaN when there are no projects."""
    if projects is None or pd.isna(projects) or projects <= 0 or pd.isna(funding_10k_yuan):
        return math.nan
    return float(funding_10k_yuan) / float(projects)


def yearly_outputs(outputs: pd.DataFrame, *, start: int, end: int) -> pd.DataFrame:
    """Outputs summed per year within `start`–`end` (one row per year reported)."""
    window = outputs[(outputs.year >= start) & (outputs.year <= end)]
    present = [c for c in OUTPUT_COLUMNS if c in window]
    return window.groupby("year", as_index=False)[present].sum().sort_values("year")


# --------------------------------------------------------------------------- patents per 10k


def per_10k(count, residents):
    """Count per 10,000 residents. Raises ValueError for residents ≤ 0; NaN propagates."""
    if np.any(np.asarray(residents, dtype=float) <= 0):
        raise ValueError("residents must be positive (persons)")
    result = np.asarray(count, dtype=float) * 10_000 / np.asarray(residents, dtype=float)
    return float(result) if np.ndim(result) == 0 else result


def patent_density(yearly: pd.DataFrame, population: pd.DataFrame, scope_code: str) -> pd.DataFrame:
    """Patents granted per 10,000 residents, flow and cumulative stock kept apart.

    Parameters
    ----------
    yearly
        Patents granted per year (``year``, ``patents_granted``), e.g. from :func:`yearly_outputs`.
    population
        ``scope_code``, ``year``, ``residents`` (persons), ``provenance``.

    Returns
    -------
    DataFrame
        One row per year with a population figure: ``year``, ``residents``, ``granted_flow``
        (授权量: grants that year), ``granted_flow_per_10k``, ``granted_stock`` (grants summed
        from the first year of `yearly` to this one), ``granted_stock_per_10k``,
        ``stock_since`` (that first year) and ``population_provenance``. The stock is not the
        official 拥有量: grants before ``stock_since`` are missing and lapsed patents are not
        removed. Empty (same columns) when the scope has no population figure for those years.
    """
    columns = [
        "year",
        "residents",
        "granted_flow",
        "granted_flow_per_10k",
        "granted_stock",
        "granted_stock_per_10k",
        "stock_since",
        "population_provenance",
    ]
    pop = population[population.scope_code.astype(str) == str(scope_code)]
    if yearly.empty or pop.empty:
        return pd.DataFrame(columns=columns)
    flows = yearly.sort_values("year")[["year", "patents_granted"]].copy()
    flows["granted_stock"] = flows.patents_granted.cumsum()
    since = int(flows.year.min())
    merged = flows.merge(pop[["year", "residents", "provenance"]], on="year", how="inner")
    out = pd.DataFrame(
        {
            "year": merged.year.astype(int),
            "residents": merged.residents.astype(float),
            "granted_flow": merged.patents_granted.astype(float),
            "granted_flow_per_10k": per_10k(merged.patents_granted, merged.residents),
            "granted_stock": merged.granted_stock.astype(float),
            "granted_stock_per_10k": per_10k(merged.granted_stock, merged.residents),
            "stock_since": since,
            "population_provenance": merged.provenance,
        },
        columns=columns,
    )
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- growth


def growth(start_value: float, end_value: float) -> float:
    """Growth ratio ``end/start − 1`` (2.4615 is +246.15%); NaN when start is 0 or missing."""
    if start_value is None or end_value is None or pd.isna(start_value) or pd.isna(end_value):
        return math.nan
    if start_value == 0:
        return math.nan
    return float(end_value) / float(start_value) - 1.0


def growth_between(frame: pd.DataFrame, value: str, start: int, end: int) -> float:
    """Growth of column `value` of a frame with one row per ``year`` from `start` to `end`."""
    by_year = frame.set_index("year")[value]
    if start not in by_year.index or end not in by_year.index:
        return math.nan
    return growth(by_year[start], by_year[end])


def _decimals_of(rate: Decimal) -> int:
    exponent = rate.normalize().as_tuple().exponent
    return max(0, -int(exponent))


def consistent_level_pairs(
    rate: float | str, *, decimals: int | None = None, max_start: int = 100
) -> list[tuple[int, int]]:
    """Integer levels (start, end) whose growth ``end/start − 1`` rounds to the stated `rate`.

    A published growth rate is rounded; this lists the small whole-number levels it could come
    from, e.g. 246.15% (`rate` 2.4615, 4 decimals) ← (13, 45), (26, 90), … since 45/13 − 1 =
    2.461538…. Exact arithmetic: no floating-point edge cases at the rounding boundary.

    Parameters
    ----------
    rate
        The stated growth as a ratio (2.4615, not 246.15). Pass a string ("2.4615") to keep
        trailing zeros significant.
    decimals
        Decimals of the ratio as stated (4 for 246.15%); inferred from `rate` when None.
    max_start
        Largest start level tried (1…max_start).

    Returns
    -------
    list of (start, end)
        Sorted by start; the first pair is the simplest ratio.
    """
    stated = Decimal(str(rate))
    places = _decimals_of(stated) if decimals is None else int(decimals)
    half = Fraction(1, 2 * 10**places)
    low, high = Fraction(stated) + 1 - half, Fraction(stated) + 1 + half
    pairs = []
    for start in range(1, max_start + 1):
        # The end levels with low ≤ end/start < high (round half up at the boundary).
        first = math.ceil(low * start)
        for end in range(first, math.ceil(high * start)):
            if low <= Fraction(end, start) < high:
                pairs.append((start, end))
    return pairs


# --------------------------------------------------------------------------- concentration


def _values(values) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    arr = arr[~np.isnan(arr)]
    if np.any(arr < 0):
        raise ValueError("outputs must be non-negative")
    return arr


def shares_of_total(values) -> np.ndarray:
    arr = _values(values)
    total = arr.sum()
    return arr / total if total > 0 else np.full(arr.shape, np.nan)


def hhi(values) -> float:
    """Herfindahl–Hirschman index of output shares (0–1; 1 = one platform produces everything).

    NaN when the total is zero.
    """
    shares = shares_of_total(values)
    if shares.size == 0 or np.isnan(shares).all():
        return math.nan
    return float(np.sum(shares**2))


def gini(values) -> float:
    """Gini coefficient of outputs across platforms (0 = equal, → 1 = one platform has all).

    The population form ``Σ|xᵢ − xⱼ| / (2 n² mean)``, which equals 1 − 2 × the area under
    :func:`lorenz_curve`. NaN for no platforms or a zero total.
    """
    arr = np.sort(_values(values))
    n = arr.size
    if n == 0 or arr.sum() == 0:
        return math.nan
    ranks = np.arange(1, n + 1)
    return float(np.sum((2 * ranks - n - 1) * arr) / (n * arr.sum()))


def top_share(values, *, k: int | None = None, fraction: float | None = None) -> float:
    """Share of the total produced by the top `k` platforms (or the top `fraction` of them).

    With `fraction`, the top ``ceil(fraction × n)`` platforms count. NaN for a zero total.
    """
    if (k is None) == (fraction is None):
        raise ValueError("give exactly one of k and fraction")
    arr = np.sort(_values(values))[::-1]
    if arr.size == 0 or arr.sum() == 0:
        return math.nan
    if fraction is not None:
        if not 0 < fraction <= 1:
            raise ValueError("fraction must be in (0, 1]")
        k = math.ceil(fraction * arr.size - 1e-9)
    return float(arr[: int(k)].sum() / arr.sum())


def lorenz_curve(values) -> pd.DataFrame:
    """Points of the Lorenz curve: platforms from least to most productive.

    Returns ``platform_share`` (cumulative share of platforms, 0…1) and ``output_share``
    (cumulative share of the output), starting at (0, 0) and ending at (1, 1). Empty when the
    total is zero.
    """
    arr = np.sort(_values(values))
    if arr.size == 0 or arr.sum() == 0:
        return pd.DataFrame(columns=["platform_share", "output_share"])
    x = np.concatenate([[0.0], np.arange(1, arr.size + 1) / arr.size])
    y = np.concatenate([[0.0], np.cumsum(arr) / arr.sum()])
    return pd.DataFrame({"platform_share": x, "output_share": y})


def concentration(
    per_platform: pd.DataFrame,
    outputs: Sequence[str] = ("patents_granted", "projects_approved", "funding_10k_yuan"),
    *,
    top_fraction: float = 0.2,
) -> pd.DataFrame:
    """Concentration of each output across the platforms that had some exposure.

    Platforms with zero exposure (not yet recognised in the window) are left out: they had no
    chance to produce. Returns ``output``, ``platforms``, ``total``, ``hhi``, ``gini``,
    ``top_share`` (share of the top `top_fraction` of platforms) and ``top_n``.
    """
    exposed = per_platform[per_platform.exposure_years > 0]
    rows = []
    for col in outputs:
        if col not in exposed:
            continue
        values = exposed[col].to_numpy(dtype=float)
        rows.append(
            {
                "output": col,
                "platforms": int(values.size),
                "total": float(values.sum()),
                "hhi": hhi(values),
                "gini": gini(values),
                "top_share": top_share(values, fraction=top_fraction) if values.size else math.nan,
                "top_n": math.ceil(top_fraction * values.size - 1e-9),
            }
        )
    return pd.DataFrame(
        rows, columns=["output", "platforms", "total", "hhi", "gini", "top_share", "top_n"]
    )


# --------------------------------------------------------------------------- county-year panel


def county_year_panel(
    platforms: pd.DataFrame,
    outputs: pd.DataFrame,
    *,
    scope_codes: Sequence[str],
    years: Iterable[int],
    outcome: str = "patents_granted",
) -> pd.DataFrame:
    """County × year panel: platforms present at year-end, platform-years, and the outcome.

    ``platforms_present`` is the stock at 31 December; ``platform_years`` the exposure in that
    year; the outcome is the platforms' own output summed by county (0 where none reported).
    """
    years = sorted({int(y) for y in years})
    exposed = exposure(platforms, outputs[outputs.year.isin(years)])
    sums = exposed.groupby(["scope_code", "year"])[outcome].sum()
    est = _established(platforms)
    rows = []
    for code in scope_codes:
        mine = (platforms.scope_code == code).to_numpy()
        for year in years:
            rows.append(
                {
                    "scope_code": code,
                    "year": year,
                    "platforms_present": int(((est <= _year_end(year)).to_numpy() & mine).sum()),
                    "platform_years": float(
                        sum(active_fraction(e, year) for e in est[mine])  # few platforms
                    ),
                    outcome: float(sums.get((code, year), 0.0)),
                }
            )
    return pd.DataFrame(rows)


@dataclass
class PoissonFE:
    """An exploratory fixed-effects Poisson fit: an association, not an effect."""

    outcome: str
    regressor: str
    coefficient: float
    std_error: float
    ci_low: float
    ci_high: float
    p_value: float
    n_obs: int
    n_units: int
    n_years: int
    dropped_units: list[str] = field(default_factory=list)
    covariance: str = "HC1"
    interpretation: str = "association"

    @property
    def rate_ratio(self) -> float:
        """Multiplicative change in the expected outcome per additional platform (IRR)."""
        return math.exp(self.coefficient)

    @property
    def rate_ratio_ci(self) -> tuple[float, float]:
        return math.exp(self.ci_low), math.exp(self.ci_high)


class ModelNotEstimable(ValueError):
    """The panel cannot identify the coefficient (too few units, no variation, all zeros)."""


def fe_poisson(
    panel: pd.DataFrame,
    *,
    outcome: str = "patents_granted",
    regressor: str = "platforms_present",
    unit: str = "scope_code",
    time: str = "year",
) -> PoissonFE:
    """Poisson regression of `outcome` on `regressor` with unit and year fixed effects.

    statsmodels GLM (Poisson family, log link) with dummies for units and years; robust (HC1)
    standard errors — with a handful of counties clustered errors would not be credible.
    Units whose outcome is zero in every year carry no information (their fixed effect goes to
    −∞) and are dropped, as pyfixest's fepois does. The coefficient describes an association
    in these data; it is not the causal effect of a platform.

    Raises
    ------
    ModelNotEstimable
        Fewer than two units or years left, or no variation of `regressor` within units.
    ImportError
        statsmodels is not installed.
    """
    import statsmodels.api as sm

    data = panel[[unit, time, outcome, regressor]].dropna()
    informative = data.groupby(unit)[outcome].transform("sum") > 0
    dropped = sorted(data.loc[~informative, unit].astype(str).unique())
    data = data[informative]
    if data[unit].nunique() < 2 or data[time].nunique() < 2:
        raise ModelNotEstimable("need at least two units and two years with outcomes")
    within = data[regressor] - data.groupby(unit)[regressor].transform("mean")
    if np.allclose(within, 0):
        raise ModelNotEstimable(f"{regressor} does not vary within {unit}")
    dummies = pd.get_dummies(
        data[[unit, time]].astype(str), drop_first=True, dtype=float
    ).reset_index(drop=True)
    design = pd.concat([data[[regressor]].reset_index(drop=True).astype(float), dummies], axis=1)
    design = sm.add_constant(design, has_constant="add")
    if np.linalg.matrix_rank(design.to_numpy()) < design.shape[1]:
        raise ModelNotEstimable(f"{regressor} is collinear with the fixed effects")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = sm.GLM(
            data[outcome].reset_index(drop=True).astype(float),
            design,
            family=sm.families.Poisson(),
        ).fit(cov_type="HC1")
    low, high = fit.conf_int().loc[regressor]
    return PoissonFE(
        outcome=outcome,
        regressor=regressor,
        coefficient=float(fit.params[regressor]),
        std_error=float(fit.bse[regressor]),
        ci_low=float(low),
        ci_high=float(high),
        p_value=float(fit.pvalues[regressor]),
        n_obs=int(len(data)),
        n_units=int(data[unit].nunique()),
        n_years=int(data[time].nunique()),
        dropped_units=dropped,
    )

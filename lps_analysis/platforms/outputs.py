"""What platforms produced: exposure in platform-years, outputs per platform, totals per year.

*Exposure* is platform-years of operation in the years a platform reports outputs: a platform
recognised on 1 July 2018 contributes 184/365 of 2018. A year without a report is a gap, not a
zero. Each returned row carries the marks of the rows it was computed from: a platform's totals
those of its output rows in the window and of its own platform row (its recognition date sets
the exposure); a year's totals those of that year's output rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lps_analysis.platforms.counts import year_end
from lps_analysis.platforms.marks import combine, row_marks, values_of
from lps_analysis.value import Value, derive, total

OUTPUT_COLUMNS = (
    "projects_approved",
    "funding_10k_yuan",
    "patents_applied",
    "patents_granted",
    "talents_hosted",
)
# Canonical unit of each output (fmt prints 个, 万元, 件, 人).
OUTPUT_UNITS = {
    "projects_approved": "projects",
    "funding_10k_yuan": "10k_yuan",
    "patents_applied": "patents",
    "patents_granted": "patents",
    "talents_hosted": "persons",
    "exposure_years": "platform_years",
}
PLATFORM_INFO = ["platform_id", "name_zh", "level", "type", "scope_code", "established"]


def active_fraction(established, year: int) -> float:
    """Share of `year` during which a platform recognised on `established` was in operation.

    1 for a year after the year of recognition, 0 before it, and (days from recognition to
    31 December, both included) / days in the year for the year of recognition.
    """
    est = pd.Timestamp(established)
    start, end = pd.Timestamp(year=int(year), month=1, day=1), year_end(year)
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
    merged = outputs.merge(
        platforms[PLATFORM_INFO],
        on="platform_id",
        how="inner",
        suffixes=("", "_platform"),
        validate="many_to_one",
    )
    merged["exposure_years"] = [
        active_fraction(est, year)
        for est, year in zip(merged["established"], merged["year"], strict=True)
    ]
    return merged.reset_index(drop=True)


def _window(outputs: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    return outputs[(outputs.year >= start) & (outputs.year <= end)]


def outputs_per_platform(
    platforms: pd.DataFrame, outputs: pd.DataFrame, *, start: int, end: int
) -> pd.DataFrame:
    """Each platform's outputs over the years `start`–`end`, in total and per platform-year.

    Platforms with no report in the window keep a row with NaN exposure, outputs and rates
    (not reported is not zero). Returns one row per platform: the platform's
    ``platform_id``, ``name_zh``, ``level``, ``type``, ``scope_code``, ``established``,
    ``years_reported``, ``exposure_years``, the totals of :data:`OUTPUT_COLUMNS`,
    ``<output>_per_platform_year``, ``platform_provenance`` (of its own row), and the marks (``provenance``, ``bound``, ``sources``) of
    its output rows in the window and its platform row; sorted by patents granted
    (descending), then id.
    """
    window = row_marks(_window(outputs, start, end), "platform_outputs")
    exposed = exposure(platforms, window)
    present = [c for c in OUTPUT_COLUMNS if c in exposed]
    totals = exposed.groupby("platform_id").agg(
        years_reported=("year", "nunique"),
        exposure_years=("exposure_years", "sum"),
        **{c: (c, "sum") for c in present},
    )
    base = platforms[PLATFORM_INFO].set_index("platform_id")
    out = base.join(totals, how="left")
    out["years_reported"] = out["years_reported"].fillna(0).astype(int)
    for col in present:
        out[f"{col}_per_platform_year"] = rate_per_exposure(out[col], out["exposure_years"])
    marked = row_marks(platforms, "platforms").set_index("platform_id")
    out["platform_provenance"] = marked.loc[out.index, "provenance"]
    marks = [combine(marked.loc[[pid]], window[window.platform_id == pid]) for pid in out.index]
    out = out.assign(**{k: [m[k] for m in marks] for k in ("provenance", "bound", "sources")})
    out = out.reset_index()
    sort_col = "patents_granted" if "patents_granted" in out else "platform_id"
    return out.sort_values(
        [sort_col, "platform_id"], ascending=[False, True], kind="stable", na_position="last"
    ).reset_index(drop=True)


def rate_per_exposure(amount, exposure_years):
    """Output per platform-year; NaN where the exposure is zero (no chance to produce)."""
    amount = np.asarray(amount, dtype=float)
    exposure_years = np.asarray(exposure_years, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(exposure_years > 0, amount / exposure_years, np.nan)
    return float(rate) if rate.ndim == 0 else rate


def output_totals(per_platform: pd.DataFrame) -> dict[str, Value]:
    """Outputs and exposure summed over the platforms that reported (个, 万元, 件, 人, 平台年).

    Each total is a Value whose marks combine the platforms summed; missing (naming
    ``platform_outputs``) when no platform reported at all — never 0.
    """
    reported = per_platform[per_platform.years_reported > 0]
    cols = [c for c in (*OUTPUT_COLUMNS, "exposure_years") if c in per_platform]
    out = {}
    for col in cols:
        unit = OUTPUT_UNITS[col]
        if reported.empty:
            out[col] = Value.absent(unit, "platform_outputs")
        else:
            out[col] = total(values_of(reported, col, unit, table="platform_outputs"), unit)
    return out


def per_platform_year(amount: Value, exposure_years: Value, unit: str) -> Value:
    """A total per platform-year of exposure (missing when the exposure is zero)."""
    return derive(lambda a, e: a / e if e > 0 else float("nan"), amount, exposure_years, unit=unit)


def funding_per_project(funding_10k_yuan: Value, projects: Value) -> Value:
    """Funding per approved project (万元 per project); missing when there are no projects."""
    return derive(
        lambda f, p: f / p if p > 0 else float("nan"),
        funding_10k_yuan,
        projects,
        unit="10k_yuan_per_project",
        bound=_quotient_bound(funding_10k_yuan, projects),
    )


def _quotient_bound(numerator: Value, denominator: Value) -> str:
    # x/y with y exact keeps x's lower bound; any other inexact input makes it approximate.
    if denominator.bound == "exact" and numerator.bound in ("exact", "lower"):
        return numerator.bound
    return "approx"


def yearly_outputs(outputs: pd.DataFrame, *, start: int, end: int) -> pd.DataFrame:
    """Outputs summed per year within `start`–`end`, with the marks of that year's rows."""
    window = row_marks(_window(outputs, start, end), "platform_outputs")
    present = [c for c in OUTPUT_COLUMNS if c in window]
    sums = window.groupby("year", as_index=False)[present].sum().sort_values("year")
    marks = [combine(window[window.year == y]) for y in sums.year]
    return sums.assign(
        **{k: [m[k] for m in marks] for k in ("provenance", "bound", "sources")}
    ).reset_index(drop=True)

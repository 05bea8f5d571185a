"""Scalar talent-structure measures: growth rates, density, dissimilarity, diversity.

Plain numbers in, a number out (ratios, persons per 10,000 residents, indices); the frame
functions and the views carry provenance and bounds around them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from lps_analysis.structure.bounds import is_missing as _is_missing

# Shares passed to dissimilarity / diversity must sum to 1 within this.
_SHARE_SUM_TOL = 1e-6


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

"""How concentrated outputs are across platforms: shares, HHI, Gini, top share, Lorenz curve."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from lps_analysis.platforms.marks import combine


def _values(values) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    arr = arr[~np.isnan(arr)]
    if np.any(arr < 0):
        raise ValueError("outputs must be non-negative")
    return arr


def shares_of_total(values) -> np.ndarray:
    arr = _values(values)
    whole = arr.sum()
    return arr / whole if whole > 0 else np.full(arr.shape, np.nan)


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


CONCENTRATION_COLUMNS = [
    "output",
    "platforms",
    "total",
    "hhi",
    "gini",
    "top_share",
    "top_n",
    "provenance",
    "bound",
    "sources",
]


def concentration(
    per_platform: pd.DataFrame,
    outputs: Sequence[str] = ("patents_granted", "projects_approved", "funding_10k_yuan"),
    *,
    top_fraction: float = 0.2,
) -> pd.DataFrame:
    """Concentration of each output across the platforms that had some exposure.

    Platforms with zero exposure (not yet recognised in the window) are left out: they had no
    chance to produce; with none left the frame is empty. Returns ``output``, ``platforms``, ``total``, ``hhi``, ``gini``,
    ``top_share`` (share of the top `top_fraction` of platforms), ``top_n`` and the marks of
    the platform rows used (`per_platform` carries them, from :func:`outputs_per_platform`).
    """
    exposed = per_platform[per_platform.exposure_years > 0]
    if exposed.empty:  # nothing reported: no concentration, not a zero one
        return pd.DataFrame(columns=CONCENTRATION_COLUMNS)
    marks = combine(exposed)
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
                **marks,
            }
        )
    return pd.DataFrame(rows, columns=CONCENTRATION_COLUMNS)


def lorenz_by_output(
    per_platform: pd.DataFrame, outputs: Sequence[str] = ("patents_granted", "projects_approved")
) -> pd.DataFrame:
    """Lorenz points per output (``output``, ``platform_share``, ``output_share``) with the marks
    of the exposed platforms they are drawn from."""
    exposed = per_platform[per_platform.exposure_years > 0]
    marks = combine(exposed)
    parts = [lorenz_curve(exposed[col]).assign(output=col) for col in outputs if col in exposed]
    columns = ["platform_share", "output_share", "output", "provenance", "bound", "sources"]
    if not parts:
        return pd.DataFrame(columns=columns)
    points = pd.concat(parts, ignore_index=True)
    return points.assign(**{k: [v] * len(points) for k, v in marks.items()})[columns]

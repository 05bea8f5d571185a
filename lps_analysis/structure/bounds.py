"""Bounds of computed figures: a lower bound (余/多/以上) never becomes an exact figure."""

from __future__ import annotations

import math

import pandas as pd

BOUNDS = ("exact", "lower", "approx")
OPERATIONS = ("sum", "difference", "ratio")


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
    present = [b for b in bounds if not is_missing(b)]
    unknown = sorted(set(present) - set(BOUNDS))
    if unknown:
        raise ValueError(f"unknown bound(s) {unknown}; expected one of {BOUNDS}")
    if "approx" in present:
        return "approx"
    if "lower" in present:
        return "lower" if operation == "sum" else "approx"
    return "exact"


def is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA

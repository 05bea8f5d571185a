"""Numbers as Chinese readers expect them in narrative text and tables."""

from __future__ import annotations

import math

BOUND_PREFIX = {"exact": "", "lower": "≥", "approx": "约"}


def _prefix(bound: str) -> str:
    return BOUND_PREFIX[bound]


def wan(persons: float, *, digits: int = 1, unit: str = "万人", bound: str = "exact") -> str:
    """298200 → '29.8万人'; a lower bound gets '≥'."""
    if persons is None or (isinstance(persons, float) and math.isnan(persons)):
        return "—"
    return f"{_prefix(bound)}{persons / 10_000:,.{digits}f}{unit}"


def count(value: float, *, unit: str = "", bound: str = "exact") -> str:
    """1827 → '1,827'; with a unit '1,827人'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return f"{_prefix(bound)}{text}{unit}"


def pct(ratio: float, *, digits: int = 2, bound: str = "exact", signed: bool = False) -> str:
    """0.43528 → '43.53%'."""
    if ratio is None or (isinstance(ratio, float) and math.isnan(ratio)):
        return "—"
    sign = "+" if signed and ratio > 0 else ""
    return f"{_prefix(bound)}{sign}{ratio * 100:.{digits}f}%"


def pp(points: float, *, digits: int = 2) -> str:
    """Percentage points with sign: 0.84 → '+0.84个百分点'."""
    if points is None or (isinstance(points, float) and math.isnan(points)):
        return "—"
    return f"{points:+.{digits}f}个百分点"


def money_10k(value: float, *, digits: int = 0, bound: str = "exact") -> str:
    """1585 (万元) → '1,585万元'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{_prefix(bound)}{value:,.{digits}f}万元"

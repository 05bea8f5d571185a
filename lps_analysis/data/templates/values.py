"""What goes into the cells: the dropdown options (scopes, talent categories, coded values),
the input tables, a canonical value as the template shows it (`cell_value`: Chinese labels,
numbers, dates), user text stored as text and never as a formula (`_as_text`,
`FORMULA_PREFIXES`), and the display width that sizes the columns.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata

import pandas as pd

from lps_analysis.data import registry
from lps_analysis.data.tables import TABLES, Column, TableSpec
from lps_analysis.data.vocab import (
    TALENT_CATEGORIES,
    TOTAL_CATEGORY,
    TOTAL_CATEGORY_ZH,
    category_id,
)

# Tables whose category column may also hold the stated total (人才总量, id `all`).
CATEGORY_TOTAL_TABLES = ("talent_stock",)


# --- vocabularies shown in dropdowns -------------------------------------------------------------


def scope_options() -> list[str]:
    """Names of the current scopes (the city first), as the dropdown lists them."""
    return [s.name_zh for s in registry.current_scopes()]


def category_options(table: str) -> list[str]:
    """Chinese category names; plus 人才总量 for tables that state totals."""
    names = list(TALENT_CATEGORIES.values())
    return names + [TOTAL_CATEGORY_ZH] if table in CATEGORY_TOTAL_TABLES else names


def options_for(spec: TableSpec, col: Column) -> list[str] | None:
    """The dropdown values of a column, or None when it has no dropdown."""
    if col.kind == "scope":
        return scope_options()
    if col.kind == "category":
        return category_options(spec.name)
    if col.kind == "code":
        return list((col.allowed or {}).values())
    return None


def input_tables() -> list[str]:
    """The tables the offices fill in (every table but the scope registry)."""
    return [name for name in TABLES if name != "scopes"]


# --- cell values ---------------------------------------------------------------------------------


def _missing(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        return bool(pd.isna(value)) and not isinstance(value, str)
    except (TypeError, ValueError):
        return False


def _scope_name(value) -> str:
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    for s in registry.load_scopes():
        if text in (s.code, s.name_zh, s.slug) or text in s.former_names:
            return s.name_zh if text not in s.former_names else text
    raise ValueError(f"unknown scope {value!r}")


def cell_value(col: Column, value):
    """A canonical value as the template shows it (Chinese labels, numbers, dates)."""
    if _missing(value):
        return None
    if col.kind == "scope":
        return _scope_name(value)
    if col.kind == "category":
        try:
            cid = category_id(str(value))
        except KeyError:
            raise ValueError(f"{col.name}: unknown talent category {value!r}") from None
        return TOTAL_CATEGORY_ZH if cid == TOTAL_CATEGORY else TALENT_CATEGORIES[cid]
    if col.kind == "code":
        allowed = col.allowed or {}
        if value in allowed:
            return allowed[value]
        if value in allowed.values():
            return value
        raise ValueError(f"{col.name}: value {value!r} not in {sorted(allowed)}")
    if col.kind == "date":
        stamp = pd.Timestamp(value)
        return stamp.to_pydatetime().replace(tzinfo=None)
    if col.kind in ("year", "int", "float"):
        number = float(value)  # whole numbers as int; fractions kept (the validator flags them)
        return int(number) if number.is_integer() and abs(number) < 1e15 else number
    return str(value)


# A cell typed starting with one of these is taken by spreadsheet programs as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _as_text(cell) -> None:
    """Store a user's string as text, never as a formula (openpyxl reads a leading = as one).

    Text that a spreadsheet would read as a formula when the cell is edited also gets Excel's
    quote prefix (the hidden leading apostrophe), so it stays text then too.
    """
    cell.data_type = "s"
    if str(cell.value).startswith(FORMULA_PREFIXES):
        cell.quotePrefix = True


def _display_width(text: object) -> int:
    if isinstance(text, dt.date):
        return 10
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))

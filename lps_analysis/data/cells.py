"""One cell of a county spreadsheet: its text, its number, its date, its code.

Everything here works on a single value and is shared by the readers (which mark cells they
cannot take at face value) and by `normalise` (which types whole columns). Accepted spellings:
full-width digits and punctuation, thousands separators, invisible characters pasted from web
pages or Word (removed), a unit word after a number when it is one the column's header may carry
(`12人`, `3个`, `20万元`, `1985年`). Refused: approximate or non-finite numbers (`约300`,
`1e999`, `nan`), anything that is not plainly the value asked for.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from lps_analysis.data import registry
from lps_analysis.data.tables import VALUE_ALIASES, Column
from lps_analysis.data.vocab import TALENT_CATEGORIES, category_id
from lps_analysis.errors import UnknownScopeError

EXCEL_CELL_CHARS = 32_767  # Excel's own limit for the text of one cell
SHOWN_CHARS = 40  # a value quoted in a message is cut to this many characters

# Zero-width and direction marks, BOM, soft hyphen, word joiner: invisible, yet they make
# "S001" and "S001\u200b" different keys.
INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")

# Units a header or a cell may carry, per column: multiplier to the canonical unit.
PERSON_UNITS = {
    "人": 1,
    "名": 1,
    "个": 1,
    "件": 1,
    "项": 1,
    "人次": 1,
    "万人": 10_000,
    "万": 10_000,
    "万个": 10_000,
    "万件": 10_000,
}
MONEY_UNITS = {"万元": 1, "元": 1e-4, "亿元": 10_000, "千元": 0.1}
YEAR_UNITS = {"年": 1, "年度": 1}

_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


# --- cells a reader could not take at face value ----------------------------------------------


@dataclass(frozen=True)
class FlaggedCell:
    """A cell whose content is not a value: its text says what it is, `problem` says why."""

    text: str
    zh: str
    en: str

    def __str__(self) -> str:
        return self.text


def oversized(text: str) -> FlaggedCell:
    """A cell longer than Excel allows: kept as a short preview, never as the value."""
    return FlaggedCell(
        text[:SHOWN_CHARS] + "…",
        f"单元格内容过长（{len(text):,} 个字符，超过 Excel 单元格上限 {EXCEL_CELL_CHARS:,}）。",
        f"Cell text of {len(text):,} characters exceeds Excel's limit of {EXCEL_CELL_CHARS:,}.",
    )


def uncached_formula(formula: str) -> FlaggedCell:
    return FlaggedCell(
        shown("=" + formula),
        "公式没有保存计算结果（文件不是由 Excel 保存的）：请在 Excel 中打开并保存，或把公式粘贴为数值。",
        "Formula without a cached value: open and save the file in Excel, or paste as values.",
    )


def formula_error(code: str) -> FlaggedCell:
    return FlaggedCell(
        code,
        f"公式计算出错（{code}）：请在 Excel 中修正公式。",
        f"The formula evaluates to an error ({code}).",
    )


# --- text ------------------------------------------------------------------------------------


def shown(value: object) -> str:
    """A value as quoted in a message: at most SHOWN_CHARS characters."""
    text = str(value)
    if len(text) <= SHOWN_CHARS:
        return text
    return f"{text[:SHOWN_CHARS]}…（共 {len(text):,} 字符）"


def strip_invisible(text: str) -> str:
    return INVISIBLE.sub("", text)


def norm_text(value: object) -> str:
    """Cell text: NFKC (full-width digits, letters and punctuation → ASCII), invisibles removed,
    trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = unicodedata.normalize("NFKC", str(value))
    return strip_invisible(text).strip()


def split_header(text: object) -> tuple[str, str]:
    """'人数（万人）' → ('人数', '万人'); '* 年份 ' → ('年份', '')."""
    clean = re.sub(r"\s+", "", norm_text(text)).strip("*")
    match = re.fullmatch(r"(.*?)\((.*?)\)", clean)
    if match:
        return match.group(1), match.group(2)
    return clean, ""


# --- numbers ---------------------------------------------------------------------------------


def units_of(col: Column) -> dict[str, float]:
    """Unit words a header or a cell of this column may carry."""
    if col.kind == "year" or col.name == "birth_year":
        return YEAR_UNITS
    if col.unit_zh == "万元":
        return MONEY_UNITS
    if col.per_wan or col.whole:
        return PERSON_UNITS
    return {}


def _number(text: str) -> float | None:
    """'12,345' → 12345.0; '1.2万' → 12000.0; '' → None; ValueError when not a finite number."""
    t = text.replace(",", "").replace(" ", "")
    if t in ("", "-", "—", "--", "/"):
        return None
    factor = 1.0
    if t.endswith("万"):
        t, factor = t[:-1], 10_000.0
    if not _DECIMAL.fullmatch(t):
        raise ValueError(text)
    value = float(t) * factor
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def number_with_unit(text: str, units: dict[str, float], header_factor: float) -> float | None:
    """A number that may end in one of `units`: the cell's own unit wins over the header's."""
    t = text.replace(" ", "")
    for word in sorted(units, key=len, reverse=True):
        if t.endswith(word) and len(t) > len(word) and t[-len(word) - 1].isdigit():
            number = _number(t[: -len(word)])
            return None if number is None else number * units[word]
    number = _number(t)
    return None if number is None else number * header_factor


def _date(value: object) -> pd.Timestamp | None:
    if isinstance(value, dt.datetime | dt.date | pd.Timestamp):
        return pd.Timestamp(value).normalize()
    text = norm_text(value)
    if not text:
        return None
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?)?\s*月?", text)
    if m:
        return pd.Timestamp(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
    if re.fullmatch(r"\d{4}", text):
        return pd.Timestamp(int(text), 1, 1)
    raise ValueError(text)


# --- coded values ----------------------------------------------------------------------------


def _code_lookup(col: Column) -> dict[str, str]:
    # Keys go through the same NFKC as cells: 示例数据（非真实） must match 示例数据(非真实).
    lookup = {}
    for cid, label in (col.allowed or {}).items():
        lookup[cid] = cid
        lookup[norm_text(label)] = cid
        lookup[norm_text(label).lower()] = cid
    for alias, cid in VALUE_ALIASES.get(col.name, {}).items():
        if cid in (col.allowed or {}):
            lookup[norm_text(alias)] = cid
    return lookup


_KIND_ZH = {
    "year": "年份",
    "int": "整数",
    "float": "数字",
    "date": "日期（如 2018-12-01）",
}


@dataclass(frozen=True)
class _Bad:
    zh: str
    en: str


def _parse_value(value: object, col: Column, factor: float):
    """The typed value of one cell, a (value, note) pair for a former scope name, or `_Bad`."""
    if isinstance(value, FlaggedCell):
        return _Bad(value.zh, value.en)
    text = norm_text(value)
    kind = col.kind
    if text == "" and not isinstance(value, dt.date | dt.datetime):
        return None
    try:
        if kind == "str":
            # Names keep their own spelling ((示例) stays full-width); invisibles never.
            return strip_invisible(str(value)).strip()
        if kind == "scope":
            scope, note = registry.resolve_scope(re.sub(r"\.0$", "", text))
            return (scope.code, note) if note else scope.code
        if kind == "category":
            return category_id(text)
        if kind == "code":
            lookup = _code_lookup(col)
            key = text if text in lookup else text.lower()
            return lookup[key]
        if kind in ("year", "int", "float"):
            number = number_with_unit(text, units_of(col), factor)
            if kind == "year" and number is not None and not float(number).is_integer():
                raise ValueError(text)
            return number
        if kind == "date":
            return _date(value)
    except UnknownScopeError:
        return _Bad(
            "未知的地区（应为六盘水市或其县级单位的名称或代码，见 `lps scopes`）。",
            "Unknown scope: use a name or code listed by `lps scopes`.",
        )
    except KeyError:
        if kind == "category":
            allowed = "、".join(["人才总量", *TALENT_CATEGORIES.values()])
            return _Bad(f"人才类别无法识别（可选：{allowed}）。", "Unknown talent category.")
        allowed = "、".join((col.allowed or {}).values())
        return _Bad(f"取值无法识别（可选：{allowed}）。", f"Value not allowed for {col.name}.")
    except (ValueError, OverflowError):
        what = _KIND_ZH.get(kind, "数值")
        return _Bad(
            f"不是有效的{what}（只写数字，可带表头中的单位；不接受“约”“余”、inf、nan）。",
            f"Not a valid finite {kind} for {col.name}.",
        )
    raise AssertionError(kind)  # pragma: no cover

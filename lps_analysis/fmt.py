"""The one formatter: a :class:`~lps_analysis.value.Value` becomes the text a reader sees.

Every number a report prints passes through here, so its mark comes from its value, never from
the view that prints it: ``≥`` for a lower bound, ``约`` for an approximate figure, ``*`` after an
illustrative (示例) figure, ``—`` for a missing one. Real figures (原文, 官方, 上报, 计算) carry no
mark in the text; tables that list sources say which by :func:`provenance_label`.

Each printed text is also written to a ledger (:data:`PRINTED`), which the notebook saves with
its metrics: the honesty audit in the tests checks every number on every page against it.
Plain numbers (no Value) are still accepted for method settings (:func:`setting`, e.g. a 95%
confidence level) and are recorded as such.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace

from lps_analysis.value import Value

BOUND_PREFIX = {"exact": "", "lower": "≥", "approx": "约"}
ILLUSTRATIVE_MARK = "*"
MISSING = "—"
PROVENANCE_LABEL = {
    "article": "原文",
    "official": "官方",
    "analyst": "上报",
    "derived": "计算",
    "illustrative": "示例",
}
ILLUSTRATIVE_NOTE = "带“*”的数字为示例数据（程序生成，非真实统计），仅用于演示分析方法。"

# Measure words printed after a number, by canonical unit.
UNIT_WORDS = {
    "persons": "人",
    "person_visits": "人次",
    "platforms": "个",
    "projects": "个",
    "patents": "件",
    "件": "件",
    "项": "项",
    "techniques": "项",
    "items": "项",
    "institutions": "家",
    "persons_per_10k": "人",  # labels say 每万人…
    "patents_per_10k": "件",
    "10k_yuan": "万元",
    "万元": "万元",
    "10k_yuan_per_project": "万元/个",
    "person_months": "人·月",
    "platform_years": "平台年",
    "ratio": "",
    "index": "",
    "p_value": "",
}

# The ledger of everything printed in this process (one notebook run): text and its value.
PRINTED: list[dict] = []


def _record(text: str, value: Value | None, kind: str | None = None) -> str:
    entry = {"text": text}
    if value is not None and kind is None:
        entry.update(
            value=value.value,
            unit=value.unit,
            provenance=value.provenance,
            bound=value.bound,
            sources=list(value.sources),
            missing=list(value.missing),
        )
    else:
        entry["provenance"] = kind or "unmarked"
    PRINTED.append(entry)
    return text


def printed_records() -> list[dict]:
    """What this process has printed so far (deduplicated, in first-printed order)."""
    seen, out = set(), []
    for entry in PRINTED:
        key = (entry["text"], entry.get("provenance"), tuple(entry.get("sources", ())))
        if key not in seen:
            seen.add(key)
            out.append(entry)
    return out


# The one number style (docs/assumptions_caveats.md): at most these decimals, trailing zeros
# dropped (42.8万, 5平台年, 0.02, 66.7%), no thousands separator (1827人, 1585万元, as the
# article and the city's documents write them), 件 for patents.
MAX_DIGITS = {
    "wan": 2,  # 29.82万人, 42.8万人
    "pct": 1,  # 66.7%, not 66.67%; 200%, not 200.00%
    "pp": 2,  # +0.84个百分点: a change of shares, small ones must not print as 0
    "index": 3,  # Gini, HHI, dissimilarity: 0.02, not 0.0200
    "count": 2,  # 3.4个 per platform-year, 0.63件 per 10,000 residents; whole numbers whole
}


def _trim(number: str) -> str:
    """'42.80' → '42.8', '15.00' → '15' (the article writes 42.8万, not 42.80万)."""
    if "." in number:
        number = number.rstrip("0").rstrip(".")
    return number


def _number(x: float, digits: int, *, signed: bool = False) -> str:
    """`x` to at most `digits` decimals, trailing zeros dropped, no thousands separator."""
    text = _trim(f"{x:+.{digits}f}" if signed else f"{x:.{digits}f}")
    if text.lstrip("+-") == "0":
        text = "0"  # no signed zero: '+0.00' and '-0.0' print as '0'
    return text


def _digits(style: str, requested: int | None, default: int) -> int:
    """The decimals a style allows: the caller's request, never more than the style's cap.

    An article figure keeps the article's own precision (每万人专利拥有量增长246.15%): it is
    printed by :func:`_article_body`, which does not come here.
    """
    places = default if requested is None else requested
    return min(places, MAX_DIGITS[style])


def _word(unit: str) -> str:
    if unit in UNIT_WORDS:
        return UNIT_WORDS[unit]
    return unit if unit and all("\u4e00" <= ch <= "\u9fff" for ch in unit) else ""


def _body(v: Value, style: str | None, digits: int | None, signed: bool, word=None) -> str:
    x, unit = v.value, v.unit
    if v.provenance == "article" and digits is not None:
        return _article_body(v, style, digits, signed, word)
    if word is not None:
        return _number(x, _digits("count", digits, 1), signed=signed) + word
    style = style or _default_style(v)
    if style == "wan":  # persons in 万人, as the article writes them (42.8万人, 29.82万人)
        word = "万" + _word(unit) if unit in ("persons", "person_visits") else "万"
        return _number(x / 10_000, _digits("wan", digits, 2), signed=signed) + word
    if style == "wan_bare":  # a table whose header says （万人）
        return _number(x / 10_000, _digits("wan", digits, 2), signed=signed)
    if style == "pct":
        return _number(x * 100, _digits("pct", digits, 1), signed=signed) + "%"
    if style == "pp":  # percentage points: a ratio difference, or a value already in points
        points = x * 100 if unit == "ratio" else x
        return _number(points, _digits("pp", digits, 2), signed=True) + "个百分点"
    if style == "index":
        places = _digits("index", digits, 3)
        text = _number(x, places, signed=signed)
        if text == "0" and x > 0:  # a p-value of 0.0004 is not 0
            return f"<{_number(10**-places, places)}"
        return text
    if style == "bare":
        return _number(x, _digits("count", digits, 1), signed=signed)
    return _number(x, _digits("count", digits, 1), signed=signed) + _word(unit)


def _article_body(v: Value, style, digits: int, signed: bool, word) -> str:
    """An article figure at the precision the view asks for (the article's), zeros trimmed."""
    x, unit = v.value, v.unit
    style = style or _default_style(v)
    if word is None and style == "pct":
        return _number(x * 100, digits, signed=signed) + "%"
    if word is None and style in ("wan", "wan_bare"):
        suffix = ("万" + _word(unit) if unit in ("persons", "person_visits") else "万") * (
            style == "wan"
        )
        return _number(x / 10_000, digits, signed=signed) + suffix
    if word is None and style in ("index", "bare", "pp"):
        return _body(replace(v, provenance="derived"), style, digits, signed)
    return _number(x, digits, signed=signed) + (_word(unit) if word is None else word)


def _default_style(v: Value) -> str:
    if v.unit == "ratio":
        return "pct"
    if v.unit in ("percentage_points", "pp"):
        return "pp"
    if v.unit in ("index", "p_value"):
        return "index"
    if v.unit in ("persons", "person_visits") and abs(v.value) >= 100_000:
        return "wan"
    return "count"


def show(
    v: Value,
    *,
    style: str | None = None,
    digits: int | None = None,
    signed: bool = False,
    mark: bool = True,
    word: str | None = None,
    _bare: bool = False,
) -> str:
    """The text of a value: bound prefix, number, measure word, and ``*`` if illustrative.

    `style`: ``wan`` (万人), ``wan_bare`` (万, no word), ``pct``, ``pp`` (个百分点), ``index``,
    ``bare`` (no word), ``count`` (number + measure word); by default chosen from the unit.
    `mark=False` only where the surrounding table already marks the whole row or column.
    `word` overrides the measure word (an indicator's own unit, e.g. 台次/年).
    """
    if not isinstance(v, Value):
        raise TypeError(f"fmt.show takes a Value, not {type(v).__name__}: marks come from values")
    kind = "unmarked" if _bare else None  # a bare number: the audit fails on it in a report
    if v.value is None:
        return _record(MISSING, v, kind)
    text = BOUND_PREFIX[v.bound] + _body(v, style, digits, signed, word)
    if mark and v.illustrative:
        text += ILLUSTRATIVE_MARK
    return _record(text, v, kind)


def quoted(v: Value, phrase: str) -> str:
    """A source's phrase verbatim, its figure as the source writes it (…人才1827人, 40余项).

    For quoting the article or an official page word for word; the phrase is recorded in the
    ledger with the value's provenance and sources. The phrase must state the value's number.
    """
    if not isinstance(v, Value) or v.value is None:
        raise TypeError("fmt.quoted takes a Value with a number")
    number = _trim(f"{v.value:.6f}")
    if number not in phrase.replace(",", ""):
        raise ValueError(f"the phrase {phrase!r} does not state {number}")
    return _record(phrase, v)


def parts_of(parts: list[Value], whole: Value, *, digits: int = 0) -> list[Value]:
    """The parts of a whole rounded so that, printed at `digits` decimals, they add up to the whole
    printed the same way (largest remainder: each part moves less than one last digit).

    Rounding each cell on its own prints one total as several (person-months by year, county,
    direction and mode summed to 13861, 13860 and 13859 for one 13860). Marks, bounds and
    sources stay each part's own. Parts with a missing figure, or a missing whole, come back
    unchanged. Raises ValueError when the parts do not add up to the whole: they are not its
    parts.
    """
    if whole.value is None or any(p.value is None for p in parts):
        return list(parts)
    scale = 10**digits
    exact = [p.value * scale for p in parts]
    if not math.isclose(sum(exact), whole.value * scale, rel_tol=1e-9, abs_tol=1e-6):
        raise ValueError(f"parts sum to {sum(exact) / scale}, not to the whole {whole.value}")
    floors = [math.floor(x) for x in exact]
    short = round(whole.value * scale) - sum(floors)  # last digits the floors left out
    by_remainder = sorted(range(len(parts)), key=lambda i: (floors[i] - exact[i], i))
    bumped = set(by_remainder[:short])
    return [replace(p, value=(floors[i] + (i in bumped)) / scale) for i, p in enumerate(parts)]


def setting(number: float, unit: str = "", *, digits: int = 0) -> str:
    """A method setting printed in text (a 95% level, the 10-person threshold): never marked."""
    text = _number(number, digits) + unit
    return _record(text, None, kind="setting")


def quote(phrase: str, source: str) -> str:
    """An article phrase quoted verbatim in 「」, never re-formatted or marked.

    The phrase goes into the ledger as the article's (with its fact id), so the numbers inside
    it are accounted for in the honesty audit as the article's own words.
    """
    PRINTED.append({"text": phrase, "provenance": "article", "sources": [source]})
    return f"「{phrase}」"


def supplied(text: str, source: str) -> str:
    """Text the analysts wrote (a recommendation), printed as they wrote it, never re-formatted.

    Recorded in the ledger as the analysts' own words (provenance ``analyst``, `source` the file
    it came from), so the numbers inside it are accounted for in the honesty audit as theirs.
    """
    PRINTED.append({"text": text, "provenance": "analyst", "sources": [source]})
    return text


def provenance_label(v: Value) -> str:
    """原文 / 官方 / 上报 / 计算 / 示例, or 缺失 for a missing value."""
    return "缺失" if v.value is None else PROVENANCE_LABEL[v.provenance]


def _plain(number, bound: str) -> tuple[Value, bool]:
    """A Value as is, or a bare number wrapped (and flagged: it has no provenance)."""
    if isinstance(number, Value):
        return number, False
    if number is None or (isinstance(number, float) and math.isnan(number)):
        return Value(None, ""), True
    return Value(number, "", "derived", bound), True


# Short forms used by the views. Each takes a Value; a bare number prints without a mark and is
# recorded as "unmarked", which the honesty audit refuses in a report.
def wan(v, *, digits: int = 2, unit: str = "万人", bound: str = "exact") -> str:
    """298200 persons → '29.82万人' (≥ for a lower bound, * for an illustrative value)."""
    value, bare = _plain(v, bound)
    style = "wan" if unit == "万人" else "wan_bare"
    return show(value.with_unit("persons"), style=style, digits=digits, _bare=bare)


def count(v, *, unit: str = "", bound: str = "exact") -> str:
    """1827 persons → '1827人'."""
    value, bare = _plain(v, bound)
    return show(value.with_unit(unit or value.unit), style="count", _bare=bare)


def pct(v, *, digits: int = 2, bound: str = "exact", signed: bool = False) -> str:
    """0.43528 → '43.5%'."""
    value, bare = _plain(v, bound)
    return show(value, style="pct", digits=digits, signed=signed, _bare=bare)


def pp(v, *, digits: int = 2) -> str:
    """Percentage points with sign: 0.84 → '+0.84个百分点'."""
    value, bare = _plain(v, "exact")
    return show(
        value if value.unit else value.with_unit("pp"), style="pp", digits=digits, _bare=bare
    )


def money_10k(v, *, digits: int = 0, bound: str = "exact") -> str:
    """1585 (万元) → '1585万元'."""
    value, bare = _plain(v, bound)
    return show(value.with_unit("万元"), style="count", digits=digits, _bare=bare)


def markdown(text: str) -> str:
    """Text holding formatted figures, ready for a Markdown cell or ``display(Markdown(...))``.

    Markdown reads two ``*`` in one paragraph as italics and drops them, so the illustrative
    mark would vanish from a sentence with two illustrative figures: it is escaped here. A
    doubled ``**`` is the text's own bold and is left alone.
    """
    return re.sub(r"(?<![*\\])\*(?!\*)", r"\\*", text)

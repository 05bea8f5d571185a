"""The honesty audit: every number a report shows is one the formatter printed from a value.

Each notebook saves, beside its metrics, the ledger of texts :mod:`lps_analysis.fmt` printed
(``printed`` in ``reports/<slug>/.metrics/NN.json``). The audit reads a report's visible text and
checks that each number in it is covered by a printed text of that job, or is structural (a year,
a date, a scope code, an identifier). A number typed into narrative, or formatted by hand outside
the formatter, shows up as unaccounted. With two runs whose illustrative inputs differ, a number
that changes must carry the illustrative mark (:func:`unmarked_changes`).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from pathlib import Path

from bs4 import BeautifulSoup

from lps_analysis.fmt import ILLUSTRATIVE_MARK, MISSING

NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_STRUCTURAL = re.compile(
    "|".join(
        [
            r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?",  # dates and timestamps
            r"(?<![\d.,])\d{1,2}(?=月|日)",  # 12月, 1日
            r"(?<![\d.,])\d{1,2}:\d{2}(?::\d{2})?(?![\d])",  # a time of day: 生成时间 01:56
            r"(?<![\d.,≥约+\-])(?:19|20)\d{2}(?![\d.,%])(?=年|—|–|→|～|~|-|/|\s|$|）|\)|、|，|“|”)",
            r"(?<=[—–→～~\-/])(?:19|20)\d{2}(?![\d.,%])",  # the end year of 2015—2020
            r"(?<![\d.,])52\d{4}(?![\d.,])",  # scope codes
            r"[A-Za-z_][A-Za-z_\-]*\d[\w.\-]*",  # identifiers: F009, PN01, 01_talent_structure
            r"\d+[A-Za-z_][\w.\-]*",
            r"（0\d）",  # the analysis number after its title: 人才结构分析（01）
            r"第\s*\d+\s*[页章节条]|共\s*\d+\s*页",
        ]
    )
)
# Tags whose text a reader sees as a block (one sentence, cell, heading or list item).
_BLOCKS = ("p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "caption", "figcaption", "dt", "dd")


def blocks(html: str) -> list[str]:
    """The visible text blocks of a report page, in reading order (scripts and styles dropped)."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "title"]):
        tag.decompose()
    out = []
    for tag in soup.find_all(_BLOCKS):
        if tag.find(_BLOCKS):  # a list item holding paragraphs: take the inner blocks
            continue
        text = " ".join(tag.get_text("").split())  # inline spans (no-wrap numbers) join as read
        if text:
            out.append(text)
    return out


def ledger(metrics_file: Path) -> list[dict]:
    """The printed texts one notebook run recorded (empty when the file or key is absent)."""
    try:
        return json.loads(Path(metrics_file).read_text(encoding="utf-8")).get("printed", [])
    except (OSError, ValueError):
        return []


def _blank(pattern: str, text: str) -> str:
    return re.sub(pattern, lambda m: " " * len(m.group(0)), text)


def _mask_printed(text: str, items: list[str]) -> str:
    for item in items:
        head = r"(?<![\d.,])" if item[0].isdigit() else ""
        tail = r"(?![\d])" if item[-1].isdigit() else ""
        text = _blank(head + re.escape(item) + tail, text)
    return text


def _mask(text: str, printed: Iterable[str]) -> str:
    """`text` with every printed text and structural number blanked out.

    Quoted phrases (long printed texts) go first, as printed; then the structural numbers, so a
    printed 10 cannot split the time 03:10; then the other printed texts.
    """
    items = sorted(
        {p for p in printed if p and p != MISSING and any(ch.isdigit() for ch in p)},
        key=len,
        reverse=True,
    )
    text = _mask_printed(text, [i for i in items if len(i) >= 8])
    text = _STRUCTURAL.sub(lambda m: " " * len(m.group(0)), text)
    return _mask_printed(text, [i for i in items if len(i) < 8])


def unaccounted(text: str, printed: Iterable[str]) -> list[str]:
    """Numbers in `text` that no printed text covers and that are not structural."""
    return NUMBER.findall(_mask(text, list(printed)))


def _is_marked(block: str, start: int, end: int) -> bool:
    """Whether the number at block[start:end] carries the illustrative mark after its unit."""
    rest = block[end : end + 8]
    m = re.match(r"[^\d\s，。；、,;:：（）()]{0,6}?" + re.escape(ILLUSTRATIVE_MARK), rest)
    return m is not None


def _numbers(block: str) -> list[tuple[str, int, int]]:
    masked = _STRUCTURAL.sub(lambda m: " " * len(m.group(0)), block)
    return [(m.group(0), m.start(), m.end()) for m in NUMBER.finditer(masked)]


def unmarked_changes(base: list[str], changed: list[str]) -> list[str]:
    """Numbers that differ between two runs' blocks but carry no illustrative mark.

    `base` and `changed` are the blocks of the same page from two runs whose inputs differ only
    in illustrative values; each changed number must be marked. Blocks are aligned on their text
    with the numbers taken out, so a sentence keeps its place when a table gains a row.
    """

    def skeleton(block: str) -> str:
        return NUMBER.sub("#", block)

    matcher = difflib.SequenceMatcher(
        a=[skeleton(b) for b in base], b=[skeleton(b) for b in changed], autojunk=False
    )
    bad = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for offset, new in enumerate(changed[j1:j2]):
            old = base[i1 + offset] if tag in ("equal", "replace") and i1 + offset < i2 else None
            old_numbers = [n for n, _, _ in _numbers(old)] if old is not None else None
            for k, (number, start, end) in enumerate(_numbers(new)):
                same = old_numbers is not None and len(old_numbers) == len(_numbers(new))
                if same and old_numbers[k] == number:
                    continue
                if old_numbers is not None and not same and number in old_numbers:
                    continue
                if not _is_marked(new, start, end):
                    bad.append(f"{number} in 「{new[:80]}」")
    return bad

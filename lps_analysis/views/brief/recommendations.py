"""The brief's 下一步工作建议: written by the analysts, one file per scope, never by the code.

The file is ``data/recommendations/<scope code>.md`` (UTF-8 text): one recommendation per line;
a leading list marker (``-``, ``*``, ``•``, ``1.``, ``（1）``) is dropped, blank lines and lines
starting with ``#`` (the file's own instructions) are skipped. Its text is data: every line is
printed as the characters it holds, never as Markdown or HTML (:func:`lps_analysis.textsafe.md_text`),
and recorded in the formatter's ledger as the analysts' words. An absent or empty file gives a
clear placeholder. The brief holds one page, so at most :data:`MAX_ITEMS` lines of at most
:data:`MAX_CHARS` characters are shown; the rest is said to be left out, never silently dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lps_analysis import fmt, paths
from lps_analysis.textsafe import CONTROL_CHARACTERS, md_text

MAX_ITEMS = 5
MAX_CHARS = 38  # one printed line each: the page also holds findings and shortfalls
PLACEHOLDER = "（本节待填写：下一步工作建议由分析人员根据以上问题提出，程序不自动生成。）"
_MARKER = re.compile(r"^(?:[-*•·]|\d{1,2}[.、)）]|[（(]\d{1,2}[)）])\s*")


@dataclass(frozen=True)
class Recommendations:
    """The lines to show, how many were left out, and the file they came from (relative)."""

    items: tuple[str, ...]
    left_out: int
    source: str

    @property
    def empty(self) -> bool:
        return not self.items


def recommendations_file(scope_code: str, folder: str | Path | None = None) -> Path:
    """Where the analysts write a scope's recommendations (``data/recommendations/<code>.md``)."""
    return Path(folder or paths.RECOMMENDATIONS_DIR) / f"{scope_code}.md"


def _clean(line: str) -> str:
    text = " ".join(CONTROL_CHARACTERS.sub(" ", line).split())
    return _MARKER.sub("", text).strip()


def parse(text: str) -> list[str]:
    """The recommendation lines of a file's text (markers, blanks and # lines removed)."""
    out = []
    for raw in text.splitlines():
        if raw.lstrip().startswith("#"):
            continue
        line = _clean(raw)
        if line:
            out.append(line)
    return out


def read_recommendations(scope_code: str, folder: str | Path | None = None) -> Recommendations:
    """A scope's recommendations; empty (placeholder) when the file is absent or unreadable."""
    path = recommendations_file(scope_code, folder)
    try:
        source = str(path.resolve().relative_to(paths.ROOT))
    except ValueError:
        source = path.name
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return Recommendations((), 0, source)
    lines = parse(text)
    shown = [line if len(line) <= MAX_CHARS else line[:MAX_CHARS] + "……" for line in lines]
    return Recommendations(tuple(shown[:MAX_ITEMS]), max(0, len(lines) - MAX_ITEMS), source)


def recommendations_markdown(rec: Recommendations) -> str:
    """The section's body (Markdown): each line as text, or the placeholder."""
    if rec.empty:
        return PLACEHOLDER
    lines = [
        f"{n}. {md_text(fmt.supplied(item, rec.source))}" for n, item in enumerate(rec.items, 1)
    ]
    if rec.left_out:
        lines.append("")
        lines.append(f"（另有{fmt.setting(rec.left_out, '条')}建议限于篇幅未列出。）")
    return "\n".join(lines)

"""The brief's first page opens with 3–5 findings: the key figures that have a number, as sentences.

A finding is a key figure (:mod:`.figures`) told in one line: what, how much, the change, and its
sentence. Figures without a number are not findings (they stay in the key-figure table with
暂无数据); when fewer than :data:`MIN_FINDINGS` have a number, the page says so.
"""

from __future__ import annotations

from .figures import KeyFigure

MIN_FINDINGS = 3
MAX_FINDINGS = 5


def findings(figures: list[KeyFigure]) -> list[KeyFigure]:
    """The first :data:`MAX_FINDINGS` key figures that have a number, in reading order."""
    return [f for f in figures if not f.missing][:MAX_FINDINGS]


def finding_line(figure: KeyFigure) -> str:
    """One finding as a Markdown list item: label, value, change, sentence (text as printed)."""
    change = figure.change if figure.change and not figure.change.startswith("—") else ""
    head = f"**{figure.label}**：{figure.value}" + (f"（{change}）" if change else "")
    return f"- {head}。{figure.sentence}"


def findings_markdown(figures: list[KeyFigure]) -> str:
    """The findings section's body (Markdown)."""
    chosen = findings(figures)
    lines = [finding_line(f) for f in chosen]
    if len(chosen) < MIN_FINDINGS:
        lines.append("- 其余关键数字暂无数据，见下文“关键数字一览”及“数据待补充”。")
    return "\n".join(lines)

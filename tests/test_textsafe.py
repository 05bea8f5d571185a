"""Data strings print as the characters they are: no markup, no links, no new blocks."""

from __future__ import annotations

import html
import re

import pytest
from nbconvert.filters.markdown import markdown2html

from lps_analysis.textsafe import control_characters, md_join, md_text, show_control_characters

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(3))",
    "<svg onload=alert(2)>",
    '<a rel="attachment" href="file:///etc/passwd">附件</a>',
    "**粗体** _斜体_ `代码` $x^2$ ~~删~~",
    "# 标题",
    "1. 列表",
    "- 列表",
    "> 引用",
    "| a | b |",
    "http://example.invalid/x www.example.invalid",
    "&lt;b&gt; &amp; &#60;",
    "a\\*b\\",
    "![图](data:image/png;base64,AAAA)",
]


def _rendered_text(markdown: str) -> str:
    """What a reader sees: the rendered HTML with its tags removed and entities decoded."""
    rendered = markdown2html(markdown)
    return html.unescape(re.sub(r"<[^>]+>", "", rendered)).strip()


@pytest.mark.parametrize("name", HOSTILE)
def test_an_escaped_name_renders_as_its_own_characters_and_no_markup(name):
    sentence = f"平台{md_text(name)}尚无产出。"
    rendered = markdown2html(sentence)
    assert re.fullmatch(r"<p>[^<>]*</p>\s*", rendered), rendered
    assert _rendered_text(sentence) == f"平台{name}尚无产出。"


def test_unescaped_the_same_names_would_be_markup():
    # The check above can fail: without md_text these strings become elements.
    for name in HOSTILE[:3]:
        assert not re.fullmatch(r"<p>[^<>]*</p>\s*", markdown2html(f"平台{name}尚无产出。"))


def test_line_breaks_and_controls_cannot_open_a_block():
    sentence = f"平台{md_text('甲' + chr(10) + '# 乙' + chr(13) + '> 丙' + chr(0x202E))}。"
    assert "<h1" not in markdown2html(sentence) and "<blockquote" not in markdown2html(sentence)


def test_chinese_text_is_left_as_it_is():
    assert md_text("六盘水市科技企业孵化器（示例）") == "六盘水市科技企业孵化器（示例）"
    assert md_join(["甲", "<乙>"]) == "甲、&#60;乙&#62;"


def test_control_characters_are_named_by_code_point():
    assert control_characters("a\nb\u202ec\n") == ["U+000A", "U+202E"]
    assert control_characters("六盘水 平台") == []
    assert show_control_characters("a\tb") == "a[U+0009]b"

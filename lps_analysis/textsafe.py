"""Data strings as inert text: what an input file says is printed, never obeyed.

Names in the input tables (platforms, institutions, sectors, partner cities) are free text typed
by county staff or copied from other systems. Views put them into Markdown sentences, which
nbconvert renders to HTML: unescaped, `<img onerror=…>` would run in the HTML report and
`[x](javascript:…)` would become a live link. :func:`md_text` turns such a string into Markdown
that renders as exactly the same characters, whatever they are.

Every ASCII punctuation character becomes a numeric character reference (`&#60;` for `<`):
CommonMark and the renderers nbconvert and JupyterLab use treat references as literal text,
never as markup, so no emphasis, link, autolink, math (`$`), raw HTML, table pipe or list marker
can start from data. Line breaks and control characters become a space, so a value cannot open a
new block (heading, quote, list) either. CJK text is left as it is.
"""

from __future__ import annotations

import re

# C0 and C1 controls (tab, line feed and carriage return included: a name has none), DEL, and
# the bidirectional overrides and isolates that make text display in another order than it is
# stored in ("Trojan Source").
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def control_characters(text: str) -> list[str]:
    """The control characters in `text`, as ``U+000A``-style code points, in order, unique."""
    found = dict.fromkeys(f"U+{ord(c):04X}" for c in CONTROL_CHARACTERS.findall(str(text)))
    return list(found)


def show_control_characters(text: str) -> str:
    """`text` with each control character written as ``[U+000A]``, for an error message."""
    return CONTROL_CHARACTERS.sub(lambda m: f"[U+{ord(m.group(0)):04X}]", str(text))


def md_text(value: object) -> str:
    """`value` as Markdown that renders as its own characters, never as markup.

    Parameters
    ----------
    value : object
        A data string (or anything: it is passed through ``str``).

    Returns
    -------
    str
        Safe to put anywhere inside a Markdown paragraph or an HTML text node.
    """
    text = CONTROL_CHARACTERS.sub(" ", str(value))
    return "".join(f"&#{ord(c)};" if c in _PUNCTUATION else c for c in text)


def md_join(values, sep: str = "、") -> str:
    """Data strings escaped with :func:`md_text` and joined with `sep` (default 、)."""
    return sep.join(md_text(v) for v in values)

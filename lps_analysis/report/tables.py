"""Tables as a printed page wants them: one header row, short values unbroken, text left-aligned.

pandas writes a second header row holding only the index's name (``人才类别``) when the index is
named; a reader sees an empty band under the headers. :func:`tidy_tables` moves that name into
the empty top-left header cell and drops the row. Cells whose text is short and has no space (a
date ``2016年1月``, ``+97.8台次/年*``, ``原文、示例``, a nine-character platform name) get
``lps-nowrap``, so the printed table never breaks them inside (in tables with fixed column
widths, :data:`FIXED_WIDTH_TABLES`, where a whole cell would run into the next column, only
its pieces between 、，； and brackets); cells holding words rather than a figure get
``lps-text`` (left-aligned). :func:`keep_notes_with_tables` keeps a table's or chart's note on
the page where the table or chart ends.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

NOWRAP_MAX = 12  # characters: longer text may wrap (at spaces or between Chinese characters)
_FIGURE = re.compile(r"^[-+≥约]?[\d,.]+")
# Inside a longer cell, what must stay on one line: a figure with its unit and mark
# (+101.7台次/年*), a run of Latin words (a file or command name, not a long URL), and the
# last character before an illustrative mark (工作站*).
_UNBREAKABLE = re.compile(
    r"[-+≥约]?\d[\d.,]*[^\s\d，。；、（）()至—～]{0,4}\*?"
    r"|[A-Za-z][A-Za-z0-9_.:\-/]*(?: [A-Za-z][A-Za-z0-9_.:\-/]*)*"
    r"|\S\*"
)
LATIN_MAX = 30
# Tables laid out with fixed column widths (the brief's, the appendix's) choose their own
# wrapping: a cell kept on one line there runs into the next column instead of widening its own.
FIXED_WIDTH_TABLES = ("lps-brief-table", "lps-appendix-table")


def _fold_index_name_row(table) -> None:
    head = table.find("thead")
    rows = head.find_all("tr", recursive=False) if head else []
    if len(rows) < 2:
        return
    cells = rows[-1].find_all(["th", "td"], recursive=False)
    texts = [c.get_text(strip=True) for c in cells]
    if len(texts) < 2 or not texts[0] or any(texts[1:]):
        return
    corner = rows[0].find(["th", "td"])
    if corner is not None and not corner.get_text(strip=True) and not corner.get("colspan"):
        corner.string = texts[0]
        rows[-1].decompose()


def _classify_cells(table, cell_soup) -> None:
    fixed = any(name in FIXED_WIDTH_TABLES for name in table.get("class") or [])
    for cell in table.find_all(["td", "th"]):
        text = cell.get_text(strip=True)
        classes = list(cell.get("class") or [])
        body = cell.find_parent("thead") is None  # headers wrap, so columns stay narrow
        if not body or not text:
            pass
        elif len(text) <= NOWRAP_MAX and not re.search(r"\s", text):
            if fixed:
                _keep_pieces_together(cell, cell_soup)
            else:
                classes.append("lps-nowrap")
        else:
            _keep_together(cell, cell_soup)
        if text and not _FIGURE.match(text) and cell.name == "td":
            classes.append("lps-text")
        if classes:
            cell["class"] = list(dict.fromkeys(classes))


# Where a short cell of a fixed-width table may break: after 、，； and before an opening bracket
# (国家级、/省级人才平台, 引进人才授权专利/（累计）, 原文、/计算).
_PIECE_BREAK = re.compile(r"(?<=[、，；])|(?=[（(])")


def _keep_pieces_together(cell, soup) -> None:
    """Wrap each piece of a short cell's text between its break points in an ``lps-nowrap`` span."""
    _wrap_pieces(cell, soup, lambda text: [(p, True) for p in _PIECE_BREAK.split(text) if p])


def _keep_together(cell, soup) -> None:
    """Wrap the unbreakable pieces of a long cell's text in ``lps-nowrap`` spans."""

    def pieces_of(text: str) -> list[tuple[str, bool]]:
        pieces, last = [], 0
        for found in _UNBREAKABLE.finditer(text):
            if found.group(0)[0].isalpha() and len(found.group(0)) > LATIN_MAX:
                continue  # a URL may break
            pieces += [(text[last : found.start()], False), (found.group(0), True)]
            last = found.end()
        return pieces + [(text[last:], False)] if pieces else []

    _wrap_pieces(cell, soup, pieces_of)


def _wrap_pieces(cell, soup, pieces_of) -> None:
    """Replace each text of `cell` (outside ``lps-nowrap`` spans and styles) by its pieces, the
    unbreakable ones in ``lps-nowrap`` spans. `pieces_of(text)` gives (piece, unbreakable)
    pairs; a text it gives none for is left as it is."""
    for text in list(cell.find_all(string=True)):
        if text.find_parent(class_="lps-nowrap") is not None or text.parent.name == "style":
            continue
        nodes = []
        for piece, unbreakable in pieces_of(str(text)):
            if unbreakable:
                span = soup.new_tag("span", attrs={"class": "lps-nowrap"})
                span.string = piece
                nodes.append(span)
            elif piece:
                nodes.append(piece)
        if nodes:
            text.replace_with(*nodes)


def tidy_tables(html: str) -> str:
    """An HTML fragment with its tables tidied for print (see module doc); other HTML as is."""
    if "<table" not in html:
        return html
    soup = BeautifulSoup(html, "html.parser")
    tidy_tables_in(soup)
    return str(soup)


def tidy_tables_in(soup: BeautifulSoup) -> None:
    """:func:`tidy_tables` on a parsed document, in place."""
    for table in soup.find_all("table"):
        _fold_index_name_row(table)
        _classify_cells(table, soup)


def keep_notes_with_tables(html: str) -> str:
    """A note directly after a table or chart gets ``lps-keep-with-previous`` (no break before)."""
    soup = BeautifulSoup(html, "html.parser")
    keep_notes_with_tables_in(soup)
    return str(soup)


def keep_notes_with_tables_in(soup: BeautifulSoup) -> None:
    """:func:`keep_notes_with_tables` on a parsed document, in place."""
    from lps_analysis.report.layout import _blocks, _kind

    previous = None
    for block in _blocks(soup):
        kind = _kind(block)
        if kind == "note" and previous in ("table", "figure"):
            block["class"] = [*(block.get("class") or []), "lps-keep-with-previous"]
        previous = kind

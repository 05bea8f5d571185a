"""Print rules for the PDF reports, checked on the PDFs themselves (poppler).

Before layout, :func:`mark_anchors` gives every block of a report (heading, table, figure, note,
paragraph) and every table body row an id that names its kind; WeasyPrint writes ids as named
destinations, so ``pdfinfo -dests`` tells on which page each block and row landed. With the text
boxes of ``pdftotext -bbox-layout``, a low-resolution render (``pdftoppm``) and the image list
(``pdfimages -list``), the rules below are checked over whatever pages a report has:

- :func:`sparse_pages`: no page under :data:`MIN_FILL` filled, except a chapter's last;
- :func:`split_tables`: no table split leaving fewer than :data:`MIN_ROWS` rows on a page;
- :func:`orphans`: no heading alone at a page's bottom, no note alone at a page's top;
- :func:`broken_words`: no word broken inside a table cell (a one-character line, or a break
  inside a run of Latin letters and digits);
- :func:`overflowing_text`: no text beyond the side margins (a table too wide);
- :func:`small_chart_text`: chart text at least 8 pt at print size;
- :func:`illegible_charts`: no legend over a label, no unitless number in a legend, no value
  label struck through by hatching or a line (:mod:`lps_analysis.viz.legibility`, recorded per
  chart when it is shown);
- :func:`index_name_rows`: no header row that only names a table's index (pandas' index name).
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup

MIN_FILL = 0.35
MIN_ROWS = 3
ANCHOR = re.compile(r"^lps-b(\d+)-(h|table|figure|note|p|break|part)(?:-r(\d+))?$")
# A4 in points, and the body between the @page margins (24 mm top, 20 mm bottom).
PAGE_H = 841.89
BODY_TOP, BODY_BOTTOM = 24 / 25.4 * 72, PAGE_H - 20 / 25.4 * 72
BODY_WIDTH = (210 - 2 * 18) / 25.4 * 72
_NOTE_START = ("注", "说明", "带“*”", "数据来源", "来源", "平台年：", "每万人")


# ---------------------------------------------------------------------------------------------
# Marking the HTML before layout


def _kind(tag) -> str:
    classes = set(tag.get("class") or ())
    if tag.name in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return "break" if "lps-page-break" in classes else "h"
    if tag.name == "section":
        return "part"
    if tag.find("table") is not None or tag.name == "table":
        return "table"
    if tag.find("img") is not None or "lps-figure" in classes:
        return "figure"
    text = tag.get_text(" ", strip=True)
    if text.startswith(_NOTE_START) or "lps-note" in classes:
        return "note"
    return "p"


def _blocks(soup):
    main = soup.find("main")
    if main is None:
        return
    for child in main.find_all(recursive=False):
        if child.name == "section":
            yield child
            yield from child.find_all(recursive=False)
        else:
            yield child


def mark_anchors(html: str) -> str:
    """The report HTML with an id on every block and every table body row (see module doc)."""
    soup = BeautifulSoup(html, "html.parser")
    mark_anchors_in(soup)
    return str(soup)


def mark_anchors_in(soup: BeautifulSoup) -> None:
    """:func:`mark_anchors` on a parsed document, in place."""
    for n, block in enumerate(_blocks(soup)):
        name = f"lps-b{n}-{_kind(block)}"
        if block.get("id"):
            marker = soup.new_tag("span", attrs={"id": name})
            block.insert(0, marker)
        else:
            block["id"] = name
        if name.endswith("-table"):
            rows = [r for b in block.find_all("tbody") for r in b.find_all("tr", recursive=False)]
            if block.name == "table" and not rows:
                rows = block.find_all("tr")
            for i, row in enumerate(rows):
                if not row.get("id"):
                    row["id"] = f"{name}-r{i}"


# ---------------------------------------------------------------------------------------------
# Reading a PDF with poppler


@dataclass(frozen=True)
class Anchor:
    page: int
    block: int
    kind: str
    row: int | None


def _poppler(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def anchors(pdf: Path) -> list[Anchor]:
    """The marked blocks and rows of a PDF, in document order."""
    out = []
    for line in _poppler("pdfinfo", "-dests", str(pdf)).splitlines():
        found = re.match(r'\s*(\d+)\s+\[.*\]\s+"(.+)"\s*$', line)
        if not found:
            continue
        name = ANCHOR.match(found.group(2))
        if name:
            row = int(name.group(3)) if name.group(3) is not None else None
            out.append(Anchor(int(found.group(1)), int(name.group(1)), name.group(2), row))
    return sorted(out, key=lambda a: (a.block, -1 if a.row is None else a.row))


def page_fill(pdf: Path, *, resolution: int = 24) -> list[float]:
    """Per page, how far down the body the lowest ink reaches (0 empty … 1 full)."""
    import io

    import numpy as np
    from PIL import Image

    count = int(re.search(r"Pages:\s+(\d+)", _poppler("pdfinfo", str(pdf))).group(1))
    fills = []
    for page in range(1, count + 1):
        png = subprocess.run(
            [
                "pdftoppm",
                "-r",
                str(resolution),
                "-gray",
                "-png",
                "-f",
                str(page),
                "-l",
                str(page),
                str(pdf),
            ],
            capture_output=True,
            check=True,
        ).stdout
        ink = np.asarray(Image.open(io.BytesIO(png)).convert("L")) < 200
        scale = ink.shape[0] / PAGE_H
        top, bottom = int(BODY_TOP * scale) + 1, int(BODY_BOTTOM * scale) - 1
        rows = np.flatnonzero(ink[top:bottom].any(axis=1))
        fills.append((rows[-1] + 1) / (bottom - top) if rows.size else 0.0)
    return fills


@dataclass(frozen=True)
class TextBlock:
    page: int
    x0: float
    x1: float
    lines: tuple[str, ...]


def text_blocks(pdf: Path) -> list[TextBlock]:
    """The text blocks poppler finds on each page, with their lines."""
    soup = BeautifulSoup(_poppler("pdftotext", "-bbox-layout", str(pdf), "-"), "html.parser")
    out = []
    for number, page in enumerate(soup.find_all("page"), start=1):
        for block in page.find_all("block"):
            lines = tuple(
                "".join(w.get_text() for w in line.find_all("word")) for line in block("line")
            )
            out.append(TextBlock(number, float(block["xmin"]), float(block["xmax"]), lines))
    return out


def images(pdf: Path) -> list[tuple[int, int, int, float]]:
    """(page, width px, height px, x-ppi) of each image, in page order."""
    out = []
    for line in _poppler("pdfimages", "-list", str(pdf)).splitlines()[2:]:
        cells = line.split()
        if len(cells) >= 14 and cells[2] == "image":
            out.append((int(cells[0]), int(cells[3]), int(cells[4]), float(cells[12])))
    return out


# ---------------------------------------------------------------------------------------------
# The rules (each returns a list of problems in words; empty when the rule holds)


def chapter_last_pages(marks: list[Anchor], page_count: int) -> set[int]:
    """Pages that end a chapter: before a part, an appendix or a forced page break; the last."""
    ends = {page_count}
    for a in marks:
        if a.row is None and a.kind in ("part", "break") and a.page > 1:
            ends.add(a.page - 1)
    return ends


def sparse_pages(fills: list[float], exempt: set[int], *, skip: int = 0) -> list[str]:
    """Pages (after the first `skip`: cover, contents) filled less than MIN_FILL."""
    return [
        f"第{page}页（PDF页码）只填了{fill:.0%}"
        for page, fill in enumerate(fills, start=1)
        if page > skip and page not in exempt and fill < MIN_FILL
    ]


def split_tables(marks: list[Anchor]) -> list[str]:
    problems = []
    rows: dict[int, list[int]] = {}
    for a in marks:
        if a.row is not None:
            rows.setdefault(a.block, []).append(a.page)
    for block, pages in rows.items():
        counts = [pages.count(p) for p in sorted(set(pages))]
        if len(counts) > 1 and (counts[0] < MIN_ROWS or counts[-1] < MIN_ROWS):
            problems.append(f"表格（块{block}）跨页拆分为 {counts} 行")
    return problems


def orphans(marks: list[Anchor]) -> list[str]:
    """Headings whose next block starts on a later page; notes that start a page alone."""
    blocks = [a for a in marks if a.row is None]
    last_row_page = {}
    for a in marks:
        if a.row is not None:
            last_row_page[a.block] = a.page
    problems = []
    for before, after in zip(blocks, blocks[1:], strict=False):
        if before.kind == "h" and after.page > before.page:
            problems.append(f"标题（块{before.block}）孤立在第{before.page}页底部")
        if after.kind == "note" and before.kind in ("table", "figure"):
            end = last_row_page.get(before.block, before.page)
            if after.page > end:
                problems.append(
                    f"注释（块{after.block}）与其表/图分离，独自出现在第{after.page}页顶部"
                )
    return problems


def broken_words(blocks: list[TextBlock]) -> list[str]:
    """Narrow text blocks (table cells) whose lines break a word."""
    problems = []
    for b in blocks:
        if len(b.lines) < 2 or b.x1 - b.x0 > 0.45 * BODY_WIDTH:
            continue
        for first, second in zip(b.lines, b.lines[1:], strict=False):
            latin = re.search(r"[A-Za-z0-9_.]$", first) and re.match(r"[A-Za-z0-9_.]", second)
            if len(second) == 1 or latin:
                problems.append(f"第{b.page}页单元格断词：「{first}/{second}」")
    return problems


def overflowing_text(blocks: list[TextBlock]) -> list[str]:
    """Text set beyond the page's side margins (a table too wide for the page)."""
    left, right = (595.28 - BODY_WIDTH) / 2, (595.28 + BODY_WIDTH) / 2
    return [
        f"第{b.page}页文字超出版心：「{''.join(b.lines)[:20]}」"
        for b in blocks
        if b.x0 < left - 2 or b.x1 > right + 2
    ]


def small_chart_text(charts: list[dict], shown: list[tuple[int, int, int, float]]) -> list[str]:
    """Charts whose smallest text prints under MIN_PRINTED_PT, pairing records with PDF images."""
    from lps_analysis.viz.printsize import MIN_PRINTED_PT

    if len(charts) != len(shown):
        return [f"图表记录 {len(charts)} 个，PDF 中图片 {len(shown)} 个，无法一一对应"]
    problems = []
    for chart, (page, width, _height, ppi) in zip(charts, shown, strict=True):
        if abs(width - chart["width_px"]) > 0.02 * width:  # the tight box is estimated
            problems.append(f"第{page}页图片宽 {width}px，与图表记录 {chart['width_px']}px 不符")
            continue
        printed = chart["smallest_pt"] * chart["dpi"] / ppi
        if printed < MIN_PRINTED_PT:
            problems.append(
                f"第{page}页图表文字「{chart['smallest_text'][:20]}」印出 {printed:.1f} pt"
            )
    return problems


def illegible_charts(charts: list[dict]) -> list[str]:
    """The legibility defects recorded with each shown chart (numbered in showing order)."""
    return [
        f"第{n}个图表：{defect}"
        for n, chart in enumerate(charts, start=1)
        for defect in chart.get("defects", ())
    ]


def index_name_rows(html: str) -> list[str]:
    """Header rows that hold only the index's name (first cell) and nothing else."""
    problems = []
    for table in BeautifulSoup(html, "html.parser").find_all("table"):
        head = table.find("thead")
        for row in head.find_all("tr") if head else ():
            cells = [c.get_text(strip=True) for c in row.find_all(["th", "td"])]
            if len(cells) > 1 and any(cells[:1]) and not any(cells[1:]):
                problems.append(f"表头行只有索引名「{cells[0]}」")
    return problems

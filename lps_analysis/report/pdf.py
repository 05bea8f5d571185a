"""Report HTML to PDF bytes (WeasyPrint): the print passes, then the layout.

Two costs of a report's PDF that are not WeasyPrint's own work are kept small here:

- **One parse for the print passes.** Tables are tidied, notes kept with their tables and every
  block and table row given an anchor (:mod:`.tables`, :mod:`.layout`) on one parsed tree. A
  report's HTML carries its charts inline (a city report, about 2 MB), and parsing and
  serialising it once per pass was a third of a second per report.
- **Charts kept out of the parsers.** A chart is a ``data:`` URL of some 100 kB of base64 in its
  ``<img src>``; both the print passes and WeasyPrint's own HTML parser would read every
  character of it. :func:`detach_images` replaces each by a short name before parsing, and the
  report's URL fetcher hands WeasyPrint the image under that name (half of a city report's
  parse time).
- **Charts not compressed again.** Opaque charts are RGB PNGs, whose compressed rows go into the
  PDF as they are (:mod:`.png_passthrough`).
- **Fewer garbage collections during layout.** WeasyPrint builds a box tree of about a million
  small objects that all stay alive until the PDF is written. With CPython's default thresholds a
  full collection runs many times while it grows, each scanning every live object, and finds
  almost nothing: about 15% of a report's layout time on this kind of machine. During the layout
  the youngest generation is collected every :data:`LAYOUT_GC_THRESHOLDS` ``[0]`` allocations
  instead of 700; the process's own thresholds are restored afterwards, also on an error.
"""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager

from bs4 import BeautifulSoup

from lps_analysis.report.layout import mark_anchors_in
from lps_analysis.report.sanitize import report_url_fetcher
from lps_analysis.report.tables import keep_notes_with_tables_in, tidy_tables_in

# (generation 0, 1, 2) thresholds while a PDF is laid out (CPython's defaults: 700, 10, 10).
LAYOUT_GC_THRESHOLDS = (50_000, 10, 10)


@contextmanager
def fewer_collections(thresholds: tuple[int, int, int] = LAYOUT_GC_THRESHOLDS) -> Iterator[None]:
    """Run the block with these collection thresholds; the previous ones are restored after."""
    previous = gc.get_threshold()
    gc.set_threshold(*thresholds)
    try:
        yield
    finally:
        gc.set_threshold(*previous)


# An inline image in an <img>'s src, as the exporters write charts. `[^>]` keeps the match inside
# one tag; text and attribute values never hold a literal `src="` (quotes in them are escaped),
# and an image the pattern misses simply stays inline.
_INLINE_IMG_SRC = re.compile(
    r'(<img\b[^>]*?\ssrc=")(data:image/(?:png|jpeg|gif|svg\+xml);base64,[A-Za-z0-9+/=]+)(")',
    re.IGNORECASE,
)
DETACHED_SCHEME = "lps-image"


def detach_images(html: str) -> tuple[str, dict[str, str]]:
    """The HTML with each inline image's data URL replaced by a name, and each name's data URL.

    The names (``lps-image:0``, ``lps-image:1``...) are what :func:`report_url_fetcher` serves.
    """
    images: dict[str, str] = {}

    def name(match: re.Match) -> str:
        key = f"{DETACHED_SCHEME}:{len(images)}"
        images[key] = match.group(2)
        return match.group(1) + key + match.group(3)

    return _INLINE_IMG_SRC.sub(name, html), images


def print_ready(html: str) -> str:
    """The report HTML as it is laid out: tables tidied, notes kept with them, anchors set.

    The same result as ``mark_anchors(keep_notes_with_tables(tidy_tables(html)))``, parsed once.
    Anchors name each block and table row in the PDF, so its layout can be checked.
    """
    soup = BeautifulSoup(html, "html.parser")
    tidy_tables_in(soup)
    keep_notes_with_tables_in(soup)
    mark_anchors_in(soup)
    return str(soup)


def html_to_pdf(html: str, *, base_url: str | None = None, font_config=None) -> bytes:
    """Lay out report HTML as PDF bytes; only inline images and the package's assets are fetched."""
    from weasyprint import HTML

    from lps_analysis.report import png_passthrough

    png_passthrough.install()
    html, images = detach_images(html)
    document = HTML(
        string=print_ready(html),
        base_url=base_url or os.getcwd(),
        url_fetcher=report_url_fetcher(images),
    )
    with fewer_collections():
        return document.write_pdf(font_config=font_config)

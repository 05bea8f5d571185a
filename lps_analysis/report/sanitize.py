"""What the report HTML may contain, and what WeasyPrint may fetch while laying it out.

Two fences behind the escaping of data strings (:mod:`lps_analysis.textsafe`):

* :func:`sanitize_html` passes every rendered cell (Markdown and HTML outputs) through an
  allow-list sanitizer (nh3, the Python binding of the Rust crate ammonia): the elements and
  attributes a report uses stay; event attributes (``onerror``, ``onload``), ``<script>``,
  ``<svg>``, ``<iframe>``, forms and other foreign elements go, and so do links and sources whose
  scheme is not http(s)/mailto — ``javascript:``, ``file:`` and ``data:`` links included. The only
  ``data:`` URL kept is a PNG/JPEG/GIF image in ``<img src>`` (charts are embedded that way).
* :func:`report_url_fetcher` gives the only way WeasyPrint reads anything: it serves inline
  images (``data:image/png|jpeg|gif|svg+xml``) and files inside the package's own templates
  folder, and refuses ``file:`` elsewhere, ``http(s):`` and every other scheme, so that no markup
  can make a PDF embed (``rel="attachment"``) or show a local file, or contact a server.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nh3

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

_LOG = logging.getLogger(__name__)

# Elements a report is made of (pandas and Styler tables, rendered Markdown, figures); `style`
# only carries the CSS a Styler writes for its own table (remote `url()` and `@import` are removed
# from it by `offline_html` before this runs, and WeasyPrint fetches nothing anyway).
ALLOWED_TAGS = frozenset(
    {
        *("p", "div", "span", "br", "hr", "blockquote", "pre", "code", "figure", "figcaption"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s", "del", "ins"),
        *("sub", "sup", "small", "mark", "abbr", "ul", "ol", "li", "dl", "dt", "dd", "a", "img"),
        *("table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col"),
        "style",
    }
)
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "align"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "table": {"border"},
    "ol": {"start"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "data"})
_INLINE_IMAGE = re.compile(r"^data:image/(?:png|jpeg|gif);base64,", re.IGNORECASE)
# What WeasyPrint may decode: the same, and SVG charts (the template embeds image/svg+xml
# outputs as data URLs); anything an SVG refers to comes back through the same fetcher.
_FETCHABLE_IMAGE = re.compile(r"^data:image/(?:png|jpeg|gif|svg\+xml)[;,]", re.IGNORECASE)


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    """Keep `data:` URLs only as inline raster images; drop them in links and elsewhere."""
    if attribute in ("href", "src") and value.strip().lower().startswith("data:"):
        return value if tag == "img" and attribute == "src" and _INLINE_IMAGE.match(value) else None
    return value


def sanitize_html(fragment: str) -> str:
    """An HTML fragment with only the report's own elements, attributes and URL schemes.

    Text content is kept as text (escaped); comments are removed.
    """
    if not fragment:
        return fragment
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script"},
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_attribute_filter,
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
    )


class RefusedURL(ValueError):
    """A URL the report may not fetch (WeasyPrint logs it and lays out without it)."""


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def report_url_fetcher(images: dict[str, str] | None = None):
    """A new WeasyPrint URL fetcher that serves only inline images and the package's own assets.

    `images`: inline images taken out of the HTML before it was parsed, by the name that now
    stands in their ``src`` (:func:`lps_analysis.report.pdf.detach_images`); each is served as
    its data URL would be.

    Everything else raises :class:`RefusedURL` (WeasyPrint logs it and lays out without the
    resource); the refused URLs are kept in the fetcher's ``refused`` list. WeasyPrint is
    imported here, not with this module, because it is slow to import.
    """
    from weasyprint.urls import URLFetcher

    class ReportURLFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False)
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            url = detached.get(url, url)
            if _FETCHABLE_IMAGE.match(url):
                return super().fetch(url, headers)
            parts = urlsplit(url)
            if parts.scheme.lower() == "file" and parts.netloc in ("", "localhost"):
                if _inside(Path(unquote(parts.path)), TEMPLATES_DIR):
                    return super().fetch(url, headers)
            self.refused.append(url)
            _LOG.warning("report refused to fetch %s", url[:200])
            raise RefusedURL(f"the report fetches no {url[:80]!r}")

    detached = dict(images or {})
    return ReportURLFetcher()

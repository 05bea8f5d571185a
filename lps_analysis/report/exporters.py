"""nbconvert exporters for the leadership reports: `lps_html` (HTML) and `lps_pdf` (WeasyPrint PDF).

Both show no code: only markdown and cell outputs, with a header naming the scope, where the data
come from and when the report was generated. The HTML is self-contained (images as data URIs, no
script, stylesheet or font fetched from a network) so it opens on an intranet PC; the PDF is the
same HTML laid out by WeasyPrint with the print rules of the same stylesheet (A4, cover, running
header, `第 X 页 共 Y 页`).

Entry points (pyproject.toml): `jupyter nbconvert --to lps_html|lps_pdf x.ipynb`. In-process
callers (the pipeline) use :func:`export_html` / :func:`export_pdf`, which reuse one exporter per
thread because compiling the templates is the slow part.
"""

from __future__ import annotations

import re
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from traitlets import Bool, Set, Unicode, default
from traitlets.config import Config

from lps_analysis.report.info import (  # noqa: F401 - re-exported: the exporters' header facts
    BEIJING,
    DEFAULT_PROVENANCE,
    MONO_FONT_STACK,
    PROJECT_NAME_ZH,
    _as_datetime,
    css_string,
    first_h1,
    format_generated,
    notebook_scope_code,
    report_info,
)
from lps_analysis.report.pdf import html_to_pdf
from lps_analysis.report.sanitize import sanitize_html
from lps_analysis.report.tables import tidy_tables

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "lps"

# A URL that makes the reader's browser (or WeasyPrint) go to the network: http(s) or
# protocol-relative.
_REMOTE_URL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
_REMOTE_CSS = re.compile(
    r"@import\s+(?:url\()?\s*['\"]?\s*(?:[a-z][a-z0-9+.-]*:)?//[^;]*;?"
    r"|url\(\s*['\"]?\s*(?:[a-z][a-z0-9+.-]*:)?//[^)]*\)",
    re.IGNORECASE,
)
# Default-looking reprs a cell leaves as its last expression (`ax`, `ax.set_title(...)`,
# `plt.plot(...)`): noise in a report, never a result.
_OBJECT_REPR = re.compile(
    r"\[?<[^<>\n]*(?: at 0x[0-9a-f]+|: [^<>\n]*|object)>(?:, <[^<>\n]*>)*\]?"
    r"|(?:Text|Legend|Line2D)\(.*\)",
    re.IGNORECASE | re.DOTALL,
)
# What a printed page can show; anything else (widgets, scripts, vega, plotly JSON) needs a
# browser runtime.
_STATIC_MIMETYPES = frozenset(
    {
        "image/png",
        "image/jpeg",
        "image/svg+xml",
        "text/html",
        "text/markdown",
        "text/latex",
        "text/plain",
    }
)


# ---------------------------------------------------------------------------------------------
# Cleaning the notebook: what the readers never see


class LpsReportPreprocessor(Preprocessor):
    """Drop hidden cells, stderr/warnings, noise reprs and cells left with nothing to show."""

    remove_cell_tags = Set(
        {"parameters", "injected-parameters", "remove-cell"},
        help="Cells with any of these tags are not shown at all.",
    ).tag(config=True)
    remove_output_tags = Set(
        {"remove-output"}, help="Code cells with any of these tags show no output."
    ).tag(config=True)
    drop_object_reprs = Bool(
        True, help="Drop text-only results such as `<Axes: …>` or `Text(0.5, 1.0, '…')`."
    ).tag(config=True)

    def preprocess(self, nb, resources):
        cells = []
        for cell in nb.cells:
            tags = set(cell.metadata.get("tags", []))
            if tags & self.remove_cell_tags:
                continue
            if cell.cell_type == "code":
                cell.outputs = [] if tags & self.remove_output_tags else self._shown(cell.outputs)
                if not cell.outputs:
                    continue
            cells.append(cell)
        nb.cells = cells
        return nb, resources

    def _shown(self, outputs):
        shown = []
        for output in outputs:
            if output.output_type == "stream" and output.get("name") != "stdout":
                continue  # stderr: warnings, progress bars, logging
            if output.output_type in ("display_data", "execute_result"):
                data = output.get("data", {})
                if not set(data) & _STATIC_MIMETYPES:
                    continue
                if not set(data) & (_STATIC_MIMETYPES - {"text/plain"}):
                    # Only text: a widget's or a script's fallback repr is not content, and
                    # neither is a cell's trailing `ax` or `ax.set_title(...)`.
                    if set(data) != {"text/plain"}:
                        continue
                    if (
                        self.drop_object_reprs
                        and output.output_type == "execute_result"
                        and _OBJECT_REPR.fullmatch(data["text/plain"].strip())
                    ):
                        continue
            shown.append(output)
        return shown


# ---------------------------------------------------------------------------------------------
# Keeping outputs offline


def _is_remote(url: str | None) -> bool:
    return bool(url) and bool(_REMOTE_URL.match(url))


def offline_html(fragment: str) -> str:
    """An HTML fragment with everything that would load from a network removed.

    Scripts go entirely (the report is a static document); a remote image becomes a short note;
    remote stylesheets, frames, media and CSS `@import`/`url()` references are dropped. Links
    (`<a href>`) stay: nothing is fetched until someone clicks one.
    """
    if "<" not in fragment:  # no tag, so nothing that could load anything
        return fragment
    soup = BeautifulSoup(fragment, "html.parser")
    changed = False
    for tag in soup.find_all(["script", "base", "noscript"]):
        tag.decompose()
        changed = True
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        if tag.name == "img" and _is_remote(tag.get("src")):
            note = soup.new_tag("span", attrs={"class": "lps-offline-note"})
            note.string = f"（外部图片未嵌入：{tag.get('alt') or tag['src']}）"
            tag.replace_with(note)
            changed = True
        elif tag.name != "a" and any(
            _is_remote(tag.get(attr)) for attr in ("src", "href", "data", "poster")
        ):
            tag.decompose()  # <link rel=stylesheet>, <iframe>, <video>, <source>, <object>, <embed>
            changed = True
        else:
            for attr in ("srcset", "background"):
                if attr in tag.attrs and re.search(r"//", tag[attr]):
                    del tag[attr]
                    changed = True
            if tag.get("style") and _REMOTE_CSS.search(tag["style"]):
                tag["style"] = _REMOTE_CSS.sub("none", tag["style"])
                changed = True
    for style in soup.find_all("style"):
        css = style.string or ""
        if _REMOTE_CSS.search(css):
            style.string = _REMOTE_CSS.sub(
                lambda m: "" if m.group(0).lower().startswith("@import") else "none", css
            )
            changed = True
    return str(soup) if changed else fragment


# ---------------------------------------------------------------------------------------------
# Exporters


class LpsHTMLExporter(HTMLExporter):
    """Self-contained Chinese HTML report: outputs and text only, no code, no network."""

    export_from_notebook = "六盘水报告 HTML"

    generated = Unicode(
        "",
        help="Fixed generation time (ISO 8601) instead of now, for reproducible exports.",
    ).tag(config=True)

    @default("template_name")
    def _template_name_default(self):
        return TEMPLATE_NAME

    @default("extra_template_basedirs")
    def _default_extra_template_basedirs(self):
        return [str(TEMPLATES_DIR)]

    @default("exclude_input")
    def _exclude_input_default(self):
        return True

    @default("exclude_input_prompt")
    def _exclude_input_prompt_default(self):
        return True

    @default("exclude_output_prompt")
    def _exclude_output_prompt_default(self):
        return True

    @default("embed_images")
    def _embed_images_default(self):
        return True

    @default("exclude_anchor_links")
    def _exclude_anchor_links_default(self):
        return True

    @property
    def default_config(self):
        config = super().default_config
        # A static report: a picture beats the HTML of the same output (that HTML usually needs
        # a script from a CDN to draw anything); widgets and scripts are not shown at all.
        config.merge(
            Config(
                {
                    "NbConvertBase": {
                        "display_data_priority": [
                            "image/png",
                            "image/jpeg",
                            "image/svg+xml",
                            "text/html",
                            "text/markdown",
                            "text/latex",
                            "text/plain",
                        ]
                    }
                }
            )
        )
        return config

    def _init_preprocessors(self):
        super()._init_preprocessors()
        self.register_preprocessor(LpsReportPreprocessor(parent=self), enabled=True)

    def default_filters(self):
        yield from super().default_filters()
        yield ("lps_offline", offline_html)
        yield ("lps_sanitize", sanitize_html)
        yield ("lps_tables", tidy_tables)
        yield ("css_string", css_string)

    def from_notebook_node(self, nb, resources=None, **kw):
        resources = dict(resources or {})
        lps = dict(resources.get("lps") or {})
        name = (resources.get("metadata") or {}).get("name")
        lps.update(
            report_info(nb, generated=lps.get("generated") or self.generated or None, name=name)
        )
        resources["lps"] = lps

        # What HTMLExporter.from_notebook_node does, minus its BeautifulSoup pass over the whole
        # page (which only adds English alt texts and tab stops, and costs time on big images).
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight_code = self.filters.get(
            "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
        )
        resources = self._init_resources(resources)
        filter_data_type = WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources
        )
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", filter_data_type)
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


class LpsPDFExporter(LpsHTMLExporter):
    """The same report as a printed A4 PDF (WeasyPrint, CSS paged media)."""

    export_from_notebook = "六盘水报告 PDF"
    output_mimetype = "application/pdf"

    @default("file_extension")
    def _file_extension_default(self):
        return ".pdf"

    @default("template_extension")
    def _template_extension_default(self):
        return ".html.j2"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._font_config = None

    def from_notebook_node(self, nb, resources=None, **kw):
        html, resources = super().from_notebook_node(nb, resources, **kw)
        pdf = html_to_pdf(
            html,
            base_url=(resources.get("metadata") or {}).get("path") or None,
            font_config=self._fonts(),
        )
        resources["output_extension"] = ".pdf"
        return pdf, resources

    def _fonts(self):
        if self._font_config is None:
            from weasyprint.text.fonts import FontConfiguration

            self._font_config = FontConfiguration()
        return self._font_config


# ---------------------------------------------------------------------------------------------
# In-process API for the pipeline

_cache = threading.local()


def _exporter(cls):
    """One exporter per class and thread: templates compile once, filters are not shared."""
    exporters = _cache.__dict__.setdefault("exporters", {})
    if cls not in exporters:
        exporters[cls] = cls()
    return exporters[cls]


def _resources(generated: datetime | None) -> dict[str, Any]:
    return {"lps": {"generated": generated}} if generated is not None else {}


def export_html(nb: NotebookNode, *, generated: datetime | None = None) -> str:
    """The report HTML of an executed notebook (self-contained, no code shown).

    Parameters
    ----------
    nb
        An executed notebook (e.g. papermill's output); it is not modified.
    generated
        Generation time shown in the header; default: `metadata.lps.generated`,
        `SOURCE_DATE_EPOCH`, else now (Beijing time).
    """
    html, _ = _exporter(LpsHTMLExporter).from_notebook_node(nb, _resources(generated))
    return html


def export_pdf(nb: NotebookNode, *, generated: datetime | None = None) -> bytes:
    """The report PDF (A4, cover, running header, page numbers) of an executed notebook."""
    pdf, _ = _exporter(LpsPDFExporter).from_notebook_node(nb, _resources(generated))
    return pdf


def pdf_of_report_html(html: str) -> bytes:
    """The PDF of report HTML that :func:`export_html` made: what :func:`export_pdf` would give
    for the same notebook and generation time, without rendering the HTML a second time."""
    return html_to_pdf(html, font_config=_exporter(LpsPDFExporter)._fonts())

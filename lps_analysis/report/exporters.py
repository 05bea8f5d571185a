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

import ast
import os
import re
import threading
from datetime import datetime, timedelta, timezone
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

from lps_analysis.data.registry import city, get_scope
from lps_analysis.report.pdf import html_to_pdf
from lps_analysis.report.sanitize import sanitize_html
from lps_analysis.report.tables import tidy_tables
from lps_analysis.viz.fonts import CSS_FONT_STACK

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "lps"

PROJECT_NAME_ZH = "六盘水人才发展分析"
DEFAULT_PROVENANCE = (
    "本报告各表、图的数据来源已在表内或图注中逐项标注"
    "（原文摘录、官方发布、分析人员上报、据此计算）；"
    "数字后带“*”的是程序生成的演示数据，不作为事实引用。"
)
MONO_FONT_STACK = '"Noto Sans Mono CJK SC", "DejaVu Sans Mono", monospace'

try:
    from zoneinfo import ZoneInfo

    BEIJING = ZoneInfo("Asia/Shanghai")
except Exception:  # no tz database: China has kept UTC+8 without DST since 1991
    BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")

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
_H1 = re.compile(r"^ {0,3}#(?!#)\s+(.+?)(?:\s+#+)?\s*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


# ---------------------------------------------------------------------------------------------
# Report metadata: scope, title, provenance, generation time


def format_generated(moment: datetime) -> str:
    """`2024年5月1日 09:30` in Beijing time (a naive datetime is taken as Beijing time)."""
    local = moment.astimezone(BEIJING) if moment.tzinfo else moment
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def _as_datetime(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, BEIJING)
    return datetime.fromisoformat(str(value).strip())


def _parameters_cell_scope(nb: NotebookNode) -> str | None:
    """The literal `scope = "…"` of the notebook's `parameters` cell, if any."""
    for cell in nb.cells:
        if cell.cell_type != "code" or "parameters" not in cell.metadata.get("tags", []):
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            return None
        for node in tree.body:
            target = node.target if isinstance(node, ast.AnnAssign) else None
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
            if (
                isinstance(target, ast.Name)
                and target.id == "scope"
                and isinstance(node.value, ast.Constant)
            ):
                return str(node.value.value)
    return None


def notebook_scope_code(nb: NotebookNode) -> str:
    """The scope a notebook was run for.

    papermill's parameters first, then `metadata.lps.scope`, then the literal in the notebook's
    `parameters` cell (a notebook run by hand in JupyterLab), else the city (520200).
    """
    params = nb.metadata.get("papermill", {}).get("parameters", {}) or {}
    for candidate in (
        params.get("scope"),
        nb.metadata.get("lps", {}).get("scope"),
        _parameters_cell_scope(nb),
    ):
        if candidate not in (None, ""):
            return str(candidate).strip()
    return city().code


def first_h1(nb: NotebookNode) -> str | None:
    """Text of the first markdown `# heading` (outside code fences) of the shown cells."""
    for cell in nb.cells:
        if cell.cell_type != "markdown" or "remove-cell" in cell.metadata.get("tags", []):
            continue
        fenced = False
        for line in cell.source.splitlines():
            if _FENCE.match(line):
                fenced = not fenced
                continue
            match = None if fenced else _H1.match(line)
            if match:
                # The title as text: without inline markup such as **bold** or `code`.
                return re.sub(r"\*\*|__|[*`]", "", match.group(1)).strip()
    return None


def report_info(
    nb: NotebookNode, *, generated: datetime | str | None = None, name: str | None = None
) -> dict[str, Any]:
    """What the report header, cover and running header show (all strings).

    Raises
    ------
    UnknownScopeError
        The notebook names a scope that is not a current registry entry.
    """
    lps_meta = nb.metadata.get("lps", {}) or {}
    scope = get_scope(notebook_scope_code(nb))
    h1 = first_h1(nb)
    title = (
        lps_meta.get("title") or h1 or nb.metadata.get("title") or name or f"{PROJECT_NAME_ZH}报告"
    )
    moment = _as_datetime(generated) or _as_datetime(lps_meta.get("generated"))
    if moment is None and os.environ.get("SOURCE_DATE_EPOCH"):
        moment = datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), BEIJING)
    if moment is None:
        moment = datetime.now(BEIJING)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BEIJING)
    local = moment.astimezone(BEIJING)
    scope_label = f"{scope.name_zh}（{scope.code}）"
    return {
        "project": PROJECT_NAME_ZH,
        "title": str(title),
        # The masthead repeats the title only when the notebook's own H1 does not show it.
        "show_title": str(title) != h1,
        "scope_code": scope.code,
        "scope_name": scope.name_zh,
        "scope_label": scope_label,
        "provenance": str(lps_meta.get("provenance") or DEFAULT_PROVENANCE),
        "generated": format_generated(local),
        "generated_date": f"{local.year}年{local.month}月{local.day}日",
        "generated_iso": local.isoformat(timespec="seconds"),
        "running_header": f"{title} · {scope.name_zh}",
        "font_stack": CSS_FONT_STACK,
        "mono_font_stack": MONO_FONT_STACK,
    }


def css_string(text: str) -> str:
    """`text` as a quoted CSS string, safe inside an HTML <style> element."""
    out = []
    for char in str(text):
        if char in '"\\<>&' or ord(char) < 0x20:
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


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
    if not fragment or not re.search(r"<|url\(|@import", fragment, re.IGNORECASE):
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

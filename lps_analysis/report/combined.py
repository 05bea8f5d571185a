"""The combined leadership report of one scope: one PDF for each member of the leadership group.

Cover (title, period, date, provenance, confidentiality line), 目录 with page numbers, then the
brief (00) and the analyses (01, 02, 03: whichever were executed) without any code, then an
appendix: 数据来源 (every dataset's metadata sidecar, and every article figure used with its exact
phrase) and 指标释义 (a plain-Chinese glossary of the measures).

Each notebook goes through the `lps_html` exporter (same cleaning: no code, no stderr, no hidden
cells, offline) and its `<main>` is placed in one document that reuses the exporter's stylesheet
(A4, running header, 第 X 页 共 Y 页) plus `templates/lps_report/combined.css.j2`.

The pipeline calls :func:`build_scope_report` once all of a scope's jobs succeeded and writes
`reports/<slug>/report.pdf` atomically.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import jinja2
import nbformat
from bs4 import BeautifulSoup
from markupsafe import Markup

from lps_analysis import paths
from lps_analysis.data.reference import load_facts
from lps_analysis.data.registry import get_scope
from lps_analysis.metrics import read_metrics
from lps_analysis.report.exporters import TEMPLATES_DIR, export_html
from lps_analysis.report.glossary import GLOSSARY
from lps_analysis.report.info import (
    PROJECT_NAME_ZH,
    css_string,
    notebook_parameter,
    notebook_scope_code,
    report_info,
)
from lps_analysis.report.pdf import html_to_pdf
from lps_analysis.report.sources import (
    _folder_label,
    dataset_sources,
    facts_used,
    user_table_sources,
)

CONFIDENTIALITY = "内部资料　注意保存"
# The order of the parts, by notebook number; anything else follows in name order.
PART_KINDS = {"00": "brief", "01": "structure", "02": "exchange", "03": "platforms"}
# The sections of the brief's first page (主要发现, 问题与不足, 下一步工作建议); every later
# section starts a new page in the combined report.
FIRST_PAGE_SECTIONS = 3

# ---------------------------------------------------------------------------------------------
# Reading the executed notebooks


def _part_key(path: Path) -> tuple[int, str]:
    number = path.name[:2]
    order = list(PART_KINDS).index(number) if number in PART_KINDS else len(PART_KINDS)
    return order, path.name


@dataclass
class Part:
    """One notebook in the report: its cleaned HTML and its headings (for the 目录)."""

    stem: str
    kind: str
    title: str
    anchor: str
    html: Markup
    sections: list[tuple[str, str]]  # (text, anchor) of its ## headings
    lead: Markup | None = None  # the brief's first page, printed before the 目录


def _heading_text(tag) -> str:
    return re.sub(r"\s+", " ", tag.get_text(" ", strip=True)).strip()


def notebook_part(nb, stem: str, *, generated: datetime | None, html: str | None = None) -> Part:
    """Export one executed notebook with `lps_html` and keep its report body, headings numbered.

    The first `#` heading is the part's title; `##` headings become 目录 entries. In the brief,
    the first :data:`FIRST_PAGE_SECTIONS` sections share page one
    (findings, 问题与不足, 下一步工作建议); every later section starts on a new page.
    """
    if html is None:
        html = export_html(nb, generated=generated)
    soup = BeautifulSoup(html, "html.parser")
    main = soup.find("main")
    kind = PART_KINDS.get(stem[:2], "other")
    for link in main.select("a.anchor-link"):
        link.decompose()
    prefix = f"part-{stem[:2]}"
    title_tag = main.find("h1")
    if title_tag is None:
        title_tag = soup.new_tag("h1")
        title_tag.string = report_info(nb, generated=generated)["title"]
        main.insert(0, title_tag)
    title_tag["id"] = f"{prefix}-title"
    title_tag["class"] = [*title_tag.get("class", []), "lps-part-title"]
    sections = []
    for n, tag in enumerate(main.find_all("h2"), start=1):
        tag["id"] = f"{prefix}-s{n}"
        if kind == "brief" and n > FIRST_PAGE_SECTIONS:
            tag["class"] = [*tag.get("class", []), "lps-page-break"]
        sections.append((_heading_text(tag), tag["id"]))
    lead = _split_lead(main) if kind == "brief" else None
    return Part(
        stem=stem,
        kind=kind,
        title=_heading_text(title_tag),
        anchor=title_tag["id"],
        html=Markup(main.decode_contents()),
        sections=sections,
        lead=lead,
    )


def _split_lead(main) -> Markup | None:
    """Take the brief's first page out of `main`: everything before its first page break.

    The report prints it right after the cover, before the 目录, so that the first page a
    reader turns to is the brief. None when the brief has no page break (it is all one page).
    """
    first_break = main.find("h2", class_="lps-page-break")
    if first_break is None:
        return None
    top = first_break
    while top.parent is not main:
        top = top.parent
    lead = []
    for child in list(main.children):
        if child is top:
            break
        lead.append(child.extract())
    # The rest of the brief now opens its part, which starts a page after the 目录: a second
    # forced break at its first heading would leave a blank page between them.
    first_break["class"] = [c for c in first_break["class"] if c != "lps-page-break"]
    return Markup("".join(str(c) for c in lead))


# ---------------------------------------------------------------------------------------------
# The document


_local = threading.local()


def _environment(autoescape: bool) -> jinja2.Environment:
    key = f"env_{autoescape}"
    if not hasattr(_local, key):
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(
                [str(TEMPLATES_DIR / "lps_report"), str(TEMPLATES_DIR / "lps")]
            ),
            autoescape=autoescape,
            keep_trailing_newline=True,
        )
        env.filters["css_string"] = css_string
        setattr(_local, key, env)
    return getattr(_local, key)


def _fonts():
    if not hasattr(_local, "fonts"):
        from weasyprint.text.fonts import FontConfiguration

        _local.fonts = FontConfiguration()
    return _local.fonts


def _period(notebooks) -> str:
    starts = [notebook_parameter(nb, "start_year") for nb in notebooks]
    ends = [notebook_parameter(nb, "end_year") for nb in notebooks]
    starts = [int(s) for s in starts if isinstance(s, int | float | str) and str(s).isdigit()]
    ends = [int(e) for e in ends if isinstance(e, int | float | str) and str(e).isdigit()]
    return f"{min(starts)}—{max(ends)}年" if starts and ends else ""


def _data_dir(notebooks) -> Path:
    for nb in notebooks:
        value = notebook_parameter(nb, "data_dir")
        if value:  # published notebooks hold it relative to the project
            return Path(value) if Path(value).is_absolute() else paths.ROOT / value
    return paths.DATA_DIR


def _short_title(title: str) -> str:
    """`【示例数据】人才规模总量（2015—2020年，…）` → `人才规模总量`."""
    return re.split(r"[（(]", re.sub(r"【[^】]*】", "", title), maxsplit=1)[0].strip()


def _provenance_statement(datasets: list[dict], data_dir: Path) -> tuple[str, str]:
    """(what the figures come from, the illustrative warning or '')."""
    article = next((d for d in datasets if d["provenance_id"] == "article"), None)
    official = [d for d in datasets if d["provenance_id"] == "official"]
    parts = []
    if article:
        parts.append(
            f"{article['producer']}{article['date_published']}年报道《{article['title']}》中的数字"
            "（保留原文表述，见附录）"
        )
    if official:
        parts.append("官方统计（" + "；".join(d["title"] for d in official) + "）")
    parts.append(f"数据文件夹“{_folder_label(data_dir)}”中的数据")
    text = "本报告的数字来自" + "、".join(parts) + "，由程序计算；每个表、图注明数据性质。"
    illustrative = [d for d in datasets if d["provenance_id"] == "illustrative"]
    warning = ""
    if illustrative:
        warning = (
            "本报告含示例数据（程序生成，非真实统计）："
            + "、".join(dict.fromkeys(_short_title(d["title"]) for d in illustrative))
            + "等表中的数字。数字后以“*”、图中以斜线填充标注，仅用于演示分析流程，不得作为事实引用。"
        )
    return text, warning


def _exported(notebook: Path) -> str | None:
    """The report HTML exported beside an executed notebook, if there is one."""
    html = notebook.with_suffix(".html")
    return html.read_text(encoding="utf-8") if html.is_file() else None


def scope_report_html(
    scope_code: str,
    notebooks: list[Path],
    *,
    generated: datetime | None = None,
    data_dir: Path | None = None,
    reuse_html: bool = False,
) -> str:
    """The combined report as one HTML document (what :func:`build_scope_report` lays out).

    With `reuse_html`, a notebook's part is read from the ``.html`` exported beside it (as a
    run publishes both together) instead of being exported again; only its ``<main>`` is used,
    which holds nothing of the export's own time. A notebook without one is exported here.
    """
    scope = get_scope(scope_code)
    paths_in_order = sorted(
        (Path(p) for p in notebooks if Path(p).suffix == ".ipynb" and Path(p).exists()),
        key=_part_key,
    )
    if not paths_in_order:
        raise FileNotFoundError(f"{scope.name_zh}没有已运行的分析笔记本，无法生成综合报告。")
    executed = [nbformat.read(p, as_version=4) for p in paths_in_order]
    for path, nb in zip(paths_in_order, executed, strict=True):
        if notebook_scope_code(nb) != scope.code:
            raise ValueError(
                f"{path.name} 的分析范围是 {notebook_scope_code(nb)}，不是 {scope.code}：不合并。"
            )
    info = report_info(executed[0], generated=generated)
    # One moment for every part, whatever the default (SOURCE_DATE_EPOCH or now) would give.
    generated = datetime.fromisoformat(info["generated_iso"])
    title = f"{scope.name_zh}人才发展分析报告"
    parts = [
        notebook_part(nb, p.stem, generated=generated, html=_exported(p) if reuse_html else None)
        for p, nb in zip(paths_in_order, executed, strict=True)
    ]

    data_dir = Path(data_dir) if data_dir else _data_dir(executed)
    datasets = dataset_sources(data_dir) + user_table_sources(data_dir)
    folder = paths_in_order[0].parent / ".metrics"
    metrics = read_metrics(folder)
    used = facts_used(folder, load_facts())
    provenance, warning = _provenance_statement(datasets, data_dir)
    if not warning and any(m.provenance == "illustrative" for m in metrics.values()):
        warning = "本报告含示例数据（程序生成，非真实统计），已在表图中标注，不得作为事实引用。"

    toc = []
    for part in parts:
        toc.append({"kind": "part", "text": part.title, "anchor": part.anchor})
        toc += [{"kind": "section", "text": t, "anchor": a} for t, a in part.sections]
    toc += [
        {"kind": "part", "text": "附录一　数据来源", "anchor": "appendix-sources"},
        {"kind": "section", "text": "一、数据集", "anchor": "appendix-datasets"},
        {"kind": "section", "text": "二、引用的原文数字", "anchor": "appendix-facts"},
        {"kind": "part", "text": "附录二　指标释义", "anchor": "appendix-glossary"},
    ]
    report = {
        "project": PROJECT_NAME_ZH,
        "title": title,
        "period": _period(executed),
        "scope_name": scope.name_zh,
        "scope_code": scope.code,
        "generated": info["generated"],
        "generated_date": info["generated_date"],
        "generated_iso": info["generated_iso"],
        "provenance": provenance,
        "illustrative": warning,
        "confidentiality": CONFIDENTIALITY,
    }
    css_context = {
        "resources": {"lps": {**info, "running_header": title}},
        "report": report,
    }
    css_env = _environment(autoescape=False)
    css = css_env.get_template("report.css.j2").render(**css_context)
    css += "\n" + css_env.get_template("combined.css.j2").render(**css_context)
    article_sentence = (
        "下表列出本报告（简报与各篇分析）引用的每个原文数字及其原话，编号对应 data/facts/facts.csv。"
        if used
        else f"{scope.name_zh}的报告没有引用原文数字。"
    )
    return (
        _environment(autoescape=True)
        .get_template("report.html.j2")
        .render(
            css=Markup(css),
            report=report,
            toc=toc,
            parts=parts,
            datasets=datasets,
            facts=used,
            article_sentence=article_sentence,
            glossary=[{"name": n, "text": t} for n, t in GLOSSARY if warning or n != "示例数据"],
        )
    )


def build_scope_report(
    scope_code: str,
    notebooks: list[Path],
    *,
    generated: datetime | None = None,
    data_dir: Path | None = None,
    reuse_html: bool = False,
) -> bytes:
    """The combined leadership PDF of one scope from its executed notebooks.

    Parameters
    ----------
    scope_code
        A current registry code (e.g. ``"520200"``); every notebook must have been run for it.
    notebooks
        Executed notebooks (`.ipynb`) of the scope, in any order: parts follow 00, 01, 02, 03;
        missing ones are left out. Files that are not `.ipynb` or do not exist are ignored.
    generated
        Generation time shown on the cover (Beijing time); default as in the exporter
        (`SOURCE_DATE_EPOCH`, else now). With a fixed time the bytes are reproducible.
    data_dir
        The input data folder whose sidecars the sources appendix lists; default: the
        notebooks' `data_dir` parameter (relative to the project), else the bundled data.
    reuse_html
        Read each part from the ``.html`` exported beside its notebook (see
        :func:`scope_report_html`); `lps run` sets it when its jobs export HTML.

    Returns
    -------
    bytes
        The PDF (A4, cover, 目录, brief, analyses, appendix; 第 X 页 共 Y 页).
    """
    html = scope_report_html(
        scope_code, notebooks, generated=generated, data_dir=data_dir, reuse_html=reuse_html
    )
    return html_to_pdf(html, base_url=str(paths.ROOT), font_config=_fonts())

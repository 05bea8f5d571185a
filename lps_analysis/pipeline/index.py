"""reports/index.html: every scope × notebook with status, duration, links and provenance.

A single self-contained page (inline CSS, no scripts) that opens from disk with no server.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from lps_analysis import paths
from lps_analysis.atomic import write_atomic
from lps_analysis.data.registry import get_scope, load_scopes
from lps_analysis.data.vocab import PROVENANCE_KINDS
from lps_analysis.viz.fonts import CSS_FONT_STACK

STATUS = {"ok": ("完成", "ok"), "failed": ("失败", "failed")}


def _provenance(out_root: Path, scope_slug: str, stem: str) -> str:
    """The kinds of data a job's figures rest on: its metrics, and what it printed (the brief
    records no metrics of its own, only the printed ledger)."""
    path = out_root / scope_slug / ".metrics" / f"{stem}.json"
    if not path.exists():
        return "—"
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "—"
    kinds = {m.get("provenance") for m in record.get("metrics", [])}
    kinds |= {p.get("provenance") for p in record.get("printed", [])}
    return "、".join(PROVENANCE_KINDS[k] for k in PROVENANCE_KINDS if k in kinds) or "—"


def analysis_title(stem: str) -> str:
    """An analysis's Chinese title: the first `#` heading of its notebook, else its file name."""
    path = paths.NOTEBOOKS_DIR / f"{stem}.ipynb"
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return stem
    for cell in cells:
        source = "".join(cell.get("source", []))
        if cell.get("cell_type") == "markdown" and source.startswith("# "):
            return source.splitlines()[0][2:].strip() or stem
    return stem


def _job_links(job: dict, out_root: Path) -> list[str]:
    """Links to a job's current files; for a failed job, its failed notebook and kernel log."""
    links = []
    if job["status"] == "ok":
        names = {
            "html": "网页",
            "pdf": "PDF",
        }  # the executed notebook is for analysts, in the folder
        for rel in job.get("outputs", {}):
            ext = rel.rsplit(".", 1)[-1]
            if ext in names and "/.metrics/" not in rel and (out_root / rel).exists():
                links.append(f'<a href="{html.escape(rel)}">{names[ext]}</a>')
    for key, name in (("failed_notebook", "失败的笔记本（含出错单元格）"), ("log", "内核日志")):
        if job.get(key) and (out_root / job[key]).exists():
            links.append(f'<a href="{html.escape(job[key])}">{name}</a>')
    return links


def _reports_section(manifest: dict, out_root: Path, slugs: dict) -> str:
    items = []
    for code, entry in manifest.get("reports", {}).items():
        slug, name = slugs.get(code), html.escape(get_scope(code).name_zh)
        exists = slug is not None and (out_root / slug / "report.pdf").exists()
        if entry.get("status") in ("ok", "skipped") and exists:
            items.append(f'<li><a href="{slug}/report.pdf">{name} 领导小组报告（PDF）</a></li>')
            continue
        why = html.escape(entry.get("reason") or entry.get("error") or "")
        old = (
            f'；<a href="{slug}/report.pdf">旧版（已过期，内容与当前结果不符）</a>'
            if exists
            else ""
        )
        items.append(f'<li class="failed">{name} 综合报告未生成：{why}{old}</li>')
    return f"<h2>综合报告</h2><ul>{''.join(items)}</ul>" if items else ""


def render_index(manifest: dict, out_root: Path) -> str:
    slugs = {s.code: s.slug for s in load_scopes()}
    rows = []
    for job in manifest["jobs"]:
        scope = get_scope(job["scope"])
        slug = slugs[job["scope"]]
        label, css = STATUS.get(job["status"], (job["status"], ""))
        if not job.get("ran", True) and job["status"] == "ok":
            label = "完成（未变化，沿用）"
        links = _job_links(job, out_root)
        error = ""
        if job.get("error"):
            cell = f"\n单元格 {html.escape(job['cell'])}" if job.get("cell") else ""
            error = f'<div class="err">{html.escape(job["error"])}{cell}</div>'
        rows.append(
            "<tr>"
            f"<td>{html.escape(scope.name_zh)}<br><small>{scope.code}</small></td>"
            f"<td>{html.escape(analysis_title(job['notebook']))}"
            f"<br><small>{html.escape(job['notebook'])}</small></td>"
            f'<td class="{css}">{label}{error}</td>'
            f"<td>{job.get('seconds', 0):.1f} 秒</td>"
            f"<td>{' · '.join(links) or '—'}</td>"
            f"<td>{html.escape(_provenance(out_root, slug, job['notebook']))}</td>"
            "</tr>"
        )
    reports_html = _reports_section(manifest, out_root, slugs)
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>六盘水人才发展分析 — 报告索引</title>
<style>
body {{ font-family: {CSS_FONT_STACK}; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 1px solid #ccc; padding: .4em .6em; text-align: left; vertical-align: top; }}
th {{ background: #f0f3f7; }}
.ok {{ color: #176b2c; }} .failed {{ color: #b00020; font-weight: bold; }}
.err {{ font-weight: normal; font-size: .85em; white-space: pre-wrap; }}
small {{ color: #666; }}
</style></head><body>
<h1>六盘水人才发展分析 — 报告索引</h1>
<p>生成时间：{html.escape(manifest["generated"])}；输入数据：{html.escape(manifest["data_dir"])}；
<a href="run.log">运行记录（run.log）</a>。
数据性质见各行“数据性质”一栏：示例数据为生成的演示数据，不是真实统计。</p>
{reports_html}
<table><thead><tr><th>范围</th><th>分析</th><th>状态</th><th>用时</th><th>文件</th><th>数据性质</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
</body></html>
"""


def write_index(manifest: dict, out_root: Path) -> Path:
    path = out_root / "index.html"
    write_atomic(path, render_index(manifest, out_root))
    return path

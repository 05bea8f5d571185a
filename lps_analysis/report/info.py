"""Report metadata from an executed notebook: its scope, title, provenance line and generation time.

What the exporters' header and cover show (:func:`report_info`), kept apart from the exporters so
the combined report reads the same facts the same way.
"""

from __future__ import annotations

import ast
import os
import re
from datetime import datetime, timedelta, timezone
from typing import Any

from nbformat import NotebookNode

from lps_analysis.data.registry import city, get_scope
from lps_analysis.viz.fonts import CSS_FONT_STACK

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

_H1 = re.compile(r"^ {0,3}#(?!#)\s+(.+?)(?:\s+#+)?\s*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


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


def parameter_default(nb: NotebookNode, name: str) -> Any:
    """The literal default of `name` in the notebook's `parameters` cell (`name = …` or
    `name: T = …`); None when there is no such cell, no such literal, or the cell does not parse.
    """
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
                and target.id == name
                and isinstance(node.value, ast.Constant)
            ):
                return node.value.value
    return None


def notebook_parameter(nb: NotebookNode, name: str) -> Any:
    """A parameter of an executed notebook: papermill's injected value, else the literal default
    of its `parameters` cell; None when neither exists."""
    params = nb.metadata.get("papermill", {}).get("parameters", {}) or {}
    return params[name] if name in params else parameter_default(nb, name)


def notebook_scope_code(nb: NotebookNode) -> str:
    """The scope a notebook was run for.

    papermill's parameters first, then `metadata.lps.scope`, then the literal in the notebook's
    `parameters` cell (a notebook run by hand in JupyterLab), else the city (520200).
    """
    params = nb.metadata.get("papermill", {}).get("parameters", {}) or {}
    for candidate in (
        params.get("scope"),
        nb.metadata.get("lps", {}).get("scope"),
        parameter_default(nb, "scope"),
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

"""One job, in a worker process: run the notebook, export it, stage every output for publishing.

Nothing here writes outside the job's work folder (`<scope>/.work/<notebook>/`): the runner
publishes the staged files together once the job has succeeded, or moves the failed notebook and
its log where the analyst can see them.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import sys
import time
import traceback
from contextlib import contextmanager
from pathlib import Path

from lps_analysis import paths
from lps_analysis.kernels.provisioner import launches

KERNEL_START_RETRIES = 3
CELL_TIMEOUT_S = 600  # default limit for one cell and for one export (`lps run --timeout`)
# Errors that mean the output folder itself cannot take the files: the run stops, not just a job.
OUTPUT_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM}
KERNEL_START_MARKERS = (
    "Kernel died before replying to kernel_info",
    "Kernel didn't respond",
    "Address already in use",
    "ZMQError",
)


class KernelStartError(RuntimeError):
    """The kernel did not come up (e.g. a port clash under parallel starts)."""


class ExportTimeout(Exception):
    """An export (HTML or PDF) ran past its time limit."""


class MissingChineseFont(RuntimeError):
    """Fontconfig offers no Simplified-Chinese face: every Chinese glyph of the PDF would be a box."""


# --- running the notebook ---------------------------------------------------------------------


def _started_cells(output: Path) -> list:
    """Code cells of the (partly) executed notebook that papermill began to run."""
    import nbformat

    try:
        nb = nbformat.read(output, as_version=4)
    except Exception:  # noqa: BLE001 - no notebook written yet: nothing started
        return []
    return [
        c
        for c in nb.cells
        if c.cell_type == "code" and c.metadata.get("papermill", {}).get("start_time")
    ]


def _is_kernel_start_failure(exc: BaseException, output: Path) -> bool:
    """Only a kernel that never came up is retried: a cell that ran (or timed out) is not."""
    from nbclient.exceptions import CellTimeoutError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError | CellTimeoutError):
        return False
    text = f"{type(exc).__name__}: {exc}"
    return any(m in text for m in KERNEL_START_MARKERS) and not _started_cells(output)


def execute(notebook: Path, output: Path, parameters: dict, cwd: Path, timeout: int) -> None:
    """papermill with a per-cell `timeout` (seconds), retrying a kernel that failed to start."""
    import papermill

    from lps_analysis.pipeline.batch_kernel import batch_options

    options = batch_options()
    last = None
    for attempt in range(1, KERNEL_START_RETRIES + 1):
        try:
            papermill.execute_notebook(
                str(notebook),
                str(output),
                parameters=parameters,
                kernel_name=paths.KERNEL_NAME,
                progress_bar=False,
                cwd=str(cwd),
                execution_timeout=timeout,
                start_timeout=120,
                **options,
            )
            return
        except Exception as exc:  # noqa: BLE001 - classified below
            if not _is_kernel_start_failure(exc, output):
                raise
            last = exc
            time.sleep(0.5 * attempt)
    raise KernelStartError(f"内核启动失败（已重试 {KERNEL_START_RETRIES} 次）：{last}")


def _cell_label(cell) -> str:
    first = (cell.source or "").strip().splitlines()[:1]
    count = cell.get("execution_count")
    prefix = f"[{count}] " if count else ""
    return f"{prefix}{first[0] if first else ''}".strip()


def timed_out_cell(output: Path) -> str | None:
    """The cell that was running when the timeout struck: the last one papermill started."""
    started = _started_cells(output)
    return _cell_label(started[-1]) if started else None


# --- exporting --------------------------------------------------------------------------------


@contextmanager
def time_limit(seconds: int, what: str, what_en: str):
    """Raise ExportTimeout in this (main) thread when the block runs longer than `seconds`."""

    def _expired(signum, frame):
        raise ExportTimeout(
            f"{what}超过 {seconds} 秒，已中止（--timeout 可调整）。 / {what_en} timed out."
        )

    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def require_chinese_font() -> None:
    from lps_analysis.viz.fonts import fontconfig_sc_font

    if fontconfig_sc_font() is None:
        raise MissingChineseFont(
            "缺少中文字体（Noto Sans CJK SC）：PDF 中的中文会显示为方框，已拒绝导出。"
            "请安装 Debian 软件包 fonts-noto-cjk（`lps doctor` 可检查）。\n"
            "    No Simplified-Chinese font for the PDF: install fonts-noto-cjk."
        )


def export_all(executed: Path, formats: list[str], timeout: int) -> dict[str, bytes]:
    """{extension: bytes} of each requested export, each within `timeout` seconds.

    With both, the PDF is laid out from the HTML export (the same page, rendered once).
    """
    import nbformat

    from lps_analysis.report.exporters import export_html, export_pdf, pdf_of_report_html

    nb = nbformat.read(executed, as_version=4)
    out = {}
    html = None
    if "html" in formats:
        with time_limit(timeout, "HTML 导出", "HTML export"):
            html = export_html(nb)
            out["html"] = html.encode("utf-8")
    if "pdf" in formats:
        require_chinese_font()
        with time_limit(timeout, "PDF 导出", "PDF export"):
            out["pdf"] = export_pdf(nb) if html is None else pdf_of_report_html(html)
    return out


# --- paths in what is published ---------------------------------------------------------------


def relative_paths(text: str, replacements: dict[str, str]) -> str:
    """Replace absolute machine paths by project- or output-relative ones, longest first.

    A path is replaced only where it ends (a separator, a quote, a space...), so `/a/b` never
    eats the start of `/a/bc`.
    """
    for absolute in sorted(replacements, key=len, reverse=True):
        relative = replacements[absolute]
        text = re.sub(re.escape(absolute + os.sep), relative + "/" if relative else "", text)
        text = re.sub(re.escape(absolute) + r"(?![\w.\-])", relative or ".", text)
    return text


def _project_relative(folder: Path) -> str:
    """`folder` relative to the project when inside it; else its name alone (no machine path)."""
    folder = Path(folder).resolve()
    return (
        folder.relative_to(paths.ROOT).as_posix()
        if folder.is_relative_to(paths.ROOT)
        else folder.name
    )


def path_replacements(spec: dict, work: Path) -> dict[str, str]:
    out_root = Path(spec["out_root"])
    slug, stem = spec["slug"], Path(spec["notebook"]).stem
    data_dir = Path(spec["parameters"].get("data_dir") or paths.DATA_DIR)
    return {
        str(work / "metrics.json"): f"{slug}/.metrics/{stem}.json",
        str(work / f"{stem}.ipynb"): f"{slug}/{stem}.ipynb",
        str(work): slug,
        str(out_root): "",
        str(data_dir): _project_relative(data_dir),
        str(Path(spec["notebook"]).parent): _project_relative(Path(spec["notebook"]).parent),
        str(paths.ROOT): "",
    }


# --- the job ----------------------------------------------------------------------------------


def _stage(work: Path, name: str, data: bytes) -> str:
    path = work / "stage" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    return str(path)


def _describe_failure(exc: Exception, executed: Path, timeout: int) -> dict:
    from nbclient.exceptions import CellTimeoutError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        first = (exc.source or "").strip().splitlines()[:1]
        cell = f"[{exc.exec_count}] {first[0] if first else ''}".strip()
        return {"cell": cell, "error": f"{exc.ename}: {exc.evalue}", "kind": "cell"}
    if isinstance(exc, CellTimeoutError):
        return {
            "cell": timed_out_cell(executed),
            "error": f"单元格运行超过 {timeout} 秒，已中止（--timeout 可调整）。 / Cell timed out.",
            "kind": "timeout",
        }
    if isinstance(exc, OSError) and exc.errno in OUTPUT_ERRNOS:
        from lps_analysis.pipeline.outdir import os_error_reason

        error = f"输出文件夹无法写入（{os_error_reason(exc)}） / {exc.strerror}"
        return {"cell": None, "error": error, "kind": "output", "errno": exc.errno}
    kind = {ExportTimeout: "export_timeout", MissingChineseFont: "font"}.get(type(exc), "error")
    return {"cell": None, "error": f"{type(exc).__name__}: {exc}", "kind": kind}


def run_job(spec: dict) -> dict:
    """Run one job described by a plain dict; return its result, with its files staged."""
    started = time.perf_counter()
    notebook = Path(spec["notebook"])
    stem = notebook.stem
    work = Path(spec["work_dir"])
    timeout = int(spec.get("timeout") or CELL_TIMEOUT_S)
    executed = work / f"{stem}.ipynb"
    result = {"status": "failed", "error": None, "cell": None, "staged": {}}
    try:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        parameters = dict(spec["parameters"], metrics_path=str(work / "metrics.json"))
        with open(work / "kernel.log", "ab") as log, _stderr_to(log), _snapshot(spec):
            before = dict(launches)
            execute(notebook, executed, parameters, work, timeout)
            result["kernel"] = "forked" if launches["forked"] > before["forked"] else "spawned"
            exports = export_all(executed, spec["formats"], timeout)
        replacements = path_replacements(spec, work)
        text = relative_paths(executed.read_text(encoding="utf-8"), replacements)
        staged = {f"{stem}.ipynb": _stage(work, f"{stem}.ipynb", text.encode("utf-8"))}
        for ext, data in exports.items():
            staged[f"{stem}.{ext}"] = _stage(work, f"{stem}.{ext}", data)
        if (work / "metrics.json").exists():
            data = (work / "metrics.json").read_bytes()
            staged[f".metrics/{stem}.json"] = _stage(work, f"{stem}.metrics.json", data)
        result.update(status="ok", staged=staged)
    except Exception as exc:  # noqa: BLE001 - every failure is reported, none stops the batch
        result.update(_describe_failure(exc, executed, timeout))
        result["traceback"] = traceback.format_exc()
        if executed.exists():
            text = relative_paths(
                executed.read_text(encoding="utf-8"), path_replacements(spec, work)
            )
            executed.write_text(text, encoding="utf-8")
            result["executed"] = str(executed)
        if (work / "kernel.log").exists():
            result["log"] = str(work / "kernel.log")
    result["seconds"] = round(time.perf_counter() - started, 3)
    return result


@contextmanager
def _snapshot(spec: dict):
    """The job's kernel reads the run's checked tables (LPS_DATA_SNAPSHOT), if it has them."""
    from lps_analysis.data.snapshot import SNAPSHOT_ENV

    os.environ.pop(SNAPSHOT_ENV, None)
    if spec.get("snapshot"):
        os.environ[SNAPSHOT_ENV] = spec["snapshot"]
    try:
        yield
    finally:
        os.environ.pop(SNAPSHOT_ENV, None)


@contextmanager
def _stderr_to(log):
    """The kernel's own stderr (start-up warnings) goes to the job's log, not the terminal."""
    sys.stderr.flush()
    saved = os.dup(2)
    os.dup2(log.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def run_report(spec: dict) -> dict:
    """Build one scope's combined report (report.pdf), staged in the scope's work folder."""
    started = time.perf_counter()
    try:
        from lps_analysis.report.combined import build_scope_report

        require_chinese_font()
        timeout = int(spec.get("timeout") or CELL_TIMEOUT_S)
        with time_limit(timeout, "综合报告导出", "Combined report"):
            notebooks = [Path(p) for p in spec["notebooks"]]
            data = build_scope_report(
                spec["scope"],
                notebooks,
                data_dir=spec.get("data_dir"),
                reuse_html=bool(spec.get("reuse_html")),
            )
        work = Path(spec["work_dir"])
        work.mkdir(parents=True, exist_ok=True)
        result = {"status": "ok", "staged": {"report.pdf": _stage(work, "report.pdf", data)}}
    except Exception as exc:  # noqa: BLE001 - reported in the manifest and the final table
        result = {"status": "failed", "error": f"{type(exc).__name__}: {exc}", "staged": {}}
        if isinstance(exc, OSError) and exc.errno in OUTPUT_ERRNOS:
            result.update(kind="output", errno=exc.errno)
    return result | {"seconds": round(time.perf_counter() - started, 3)}

"""One job in a worker process: papermill execution, then HTML/PDF export in the same process.

Each job works in its own folder (`<scope>/.work/<notebook>/`), so parallel jobs never share
files or figures; finished files are moved into place by rename, so a crash or a kill never
leaves a truncated report where a good one stood.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import traceback
from pathlib import Path

from lps_analysis import paths

KERNEL_START_RETRIES = 3
CELL_TIMEOUT_S = 600  # a hung cell fails its job after this long


class KernelStartError(RuntimeError):
    """The kernel did not come up (e.g. papermill's port clash under parallel starts)."""


def _is_kernel_start_failure(exc: BaseException) -> bool:
    text = f"{type(exc).__name__}: {exc}"
    return any(
        marker in text
        for marker in (
            "Kernel died before replying to kernel_info",
            "Address already in use",
            "ZMQError",
            "Kernel didn't respond",
            "kernel_info",
            "TimeoutError",
        )
    )


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write under a temporary name in the target folder, then rename into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def execute(notebook: Path, output: Path, parameters: dict, cwd: Path, timeout: int) -> None:
    import papermill

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
            )
            return
        except Exception as exc:  # noqa: BLE001 - classified below
            from papermill.exceptions import PapermillExecutionError

            if isinstance(exc, PapermillExecutionError) or not _is_kernel_start_failure(exc):
                raise
            last = exc
            time.sleep(0.5 * attempt)
    raise KernelStartError(f"内核启动失败（已重试 {KERNEL_START_RETRIES} 次）：{last}")


def run_job(spec: dict) -> dict:
    """Run one job described by a plain dict (picklable); return its result as a dict."""
    started = time.perf_counter()
    # The kernel inherits this process's environment: a non-interactive MPLBACKEND (Agg, as
    # test runners and headless shells set it) would make every chart silently vanish from
    # the reports. The kernel's own inline backend is what the notebooks draw with.
    os.environ.pop("MPLBACKEND", None)
    notebook = Path(spec["notebook"])
    out_dir = Path(spec["out_dir"])
    stem = notebook.stem
    work = out_dir / ".work" / stem
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    parameters = dict(spec["parameters"], metrics_path=str(work / "metrics.json"))
    executed = work / f"{stem}.ipynb"
    result = {"job": spec["name"], "status": "failed", "error": None, "cell": None, "outputs": []}
    # The kernel's own stderr (start-up warnings) goes to the job's log, not the user's terminal.
    log = open(work / "kernel.log", "ab")  # noqa: SIM115 - closed in finally
    saved_stderr = os.dup(2)
    os.dup2(log.fileno(), 2)
    try:
        execute(notebook, executed, parameters, work, spec.get("timeout", CELL_TIMEOUT_S))
        import nbformat

        from lps_analysis.report.exporters import export_html, export_pdf

        nb = nbformat.read(executed, as_version=4)
        files = {out_dir / f"{stem}.ipynb": executed.read_bytes()}
        if "html" in spec["formats"]:
            files[out_dir / f"{stem}.html"] = export_html(nb)
        if "pdf" in spec["formats"]:
            files[out_dir / f"{stem}.pdf"] = export_pdf(nb)
        metrics = work / "metrics.json"
        if metrics.exists():
            files[out_dir / ".metrics" / f"{stem}.json"] = metrics.read_bytes()
        for path, data in files.items():
            write_atomic(path, data)
        result.update(status="ok", outputs=[str(p) for p in files])
        shutil.rmtree(work, ignore_errors=True)
    except Exception as exc:  # noqa: BLE001 - every failure is reported, none stops the batch
        from papermill.exceptions import PapermillExecutionError

        if isinstance(exc, PapermillExecutionError):
            first_line = (exc.source or "").strip().splitlines()[:1]
            result["cell"] = f"[{exc.exec_count}] {first_line[0] if first_line else ''}".strip()
            result["error"] = f"{exc.ename}: {exc.evalue}"
            result["executed"] = str(executed)  # kept, with the error, for the analyst to open
        else:
            result["error"] = f"{type(exc).__name__}: {exc}"
            result["traceback"] = traceback.format_exc()
    finally:
        os.dup2(saved_stderr, 2)
        os.close(saved_stderr)
        log.close()
    result["seconds"] = round(time.perf_counter() - started, 3)
    return result


def run_report(spec: dict) -> dict:
    """Build one scope's combined leadership report (report.pdf) from its executed notebooks."""
    started = time.perf_counter()
    try:
        from lps_analysis.report.combined import build_scope_report

        notebooks = sorted(Path(p) for p in spec["notebooks"] if Path(p).exists())
        data = build_scope_report(spec["scope"], notebooks)
        write_atomic(Path(spec["out_dir"]) / "report.pdf", data)
        status = {"status": "ok"}
    except Exception as exc:  # noqa: BLE001 - reported in the manifest and the final table
        status = {"status": "failed", "error": f"{type(exc).__name__}: {exc}"}
    return status | {"seconds": round(time.perf_counter() - started, 3)}

"""The whole batch (5 scopes × the analysis notebooks, HTML + PDF) against a hand-written script.

Baseline, as a user would script it by hand: sequential `papermill` CLI per (scope, notebook),
then `jupyter nbconvert --to html` and `--to lps_pdf` per executed notebook, with kernels spawned
the usual way (`LPS_KERNEL_COLD=1`: the loop as it ran before warm kernels). `lps run` also
builds each scope's combined report.pdf, which no nbconvert call makes: a second figure adds
them to the loop (`build_scope_report` per scope, one process each), for the same outputs.
Second baseline: `lps run --force --cold` (no kernel template, no data snapshot), alternated
with `lps run --force` (BENCH_PAIRS times; medians). All in the same session on the same data.
Also: per-job start-up (kernel ready, then the imports and data of notebook 01's first cell)
warm against cold; the memory (PSS, shared pages counted once) of the run's process tree during
one more warm batch, not timed with the others; a no-change re-run of `lps run`; PDF export per
notebook (in-process) against Chromium printing the same HTML, when Chromium is installed.

    python -m bench bench_batch          BENCH_REPEATS=N to repeat the loop (default 1),
                                         BENCH_PAIRS=N warm and cold runs per repeat (default 3)
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from lps_analysis import paths
from lps_analysis.data.registry import current_scopes

BIN = Path(sys.executable).parent
REPEATS = int(os.environ.get("BENCH_REPEATS", "1"))
# `lps run` and `lps run --cold` per repeat (they take about 35 and 60 s against the loop's 5
# minutes): alternated, their medians are what a slow spell of the host moves least.
PAIRS = int(os.environ.get("BENCH_PAIRS", "3"))


def _timed(cmd, **kw) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, **kw)
    return time.perf_counter() - started


COLD = dict(os.environ, LPS_KERNEL_COLD="1")
START_UP_RUNS = 10
FIRST_CELL = (
    "import matplotlib.pyplot as plt\n"
    "from lps_analysis import paths\n"
    "from lps_analysis.data.validate import load_dataset\n"
    "from lps_analysis.views import structure as view\n"
    "from lps_analysis.viz.theme import set_theme\n"
    "set_theme()\n"
    "dataset = load_dataset(paths.DATA_DIR)\n"
)


def _tree_pss(pid: int) -> float:
    """PSS (MB) of a process and its descendants: pages shared after a fork counted once."""
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0
    for proc in procs:
        try:
            total += proc.memory_full_info().pss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total / 2**20


def _timed_with_memory(cmd) -> tuple[float, float]:
    """Seconds, and the peak PSS (MB) of the command's process tree sampled every 0.5 s."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, _tree_pss(proc.pid))
        time.sleep(0.5)
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, cmd)
    return time.perf_counter() - started, peak


async def _first_cell_seconds() -> float:
    """One kernel started, made ready and given notebook 01's first cell, as `lps run` does."""
    from lps_analysis.pipeline.batch_kernel import BATCH_KERNEL_ARGS, BatchKernelManager

    started = time.perf_counter()
    km = BatchKernelManager(kernel_name=paths.KERNEL_NAME)
    await km.start_kernel(extra_arguments=BATCH_KERNEL_ARGS)
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=600)
        reply = await kc.execute_interactive(FIRST_CELL, timeout=600)
        seconds = time.perf_counter() - started
        assert reply["content"]["status"] == "ok", reply["content"]
        return seconds
    finally:
        kc.stop_channels()
        await km.shutdown_kernel(now=True)


def _start_up(cold: bool, snapshot: Path | None) -> list[float]:
    """Kernel ready + notebook 01's imports and data, per kernel, START_UP_RUNS kernels."""
    import asyncio

    from lps_analysis.data.snapshot import SNAPSHOT_ENV
    from lps_analysis.kernels import provisioner

    saved = dict(os.environ)
    os.environ.pop("MPLBACKEND", None)
    if cold:
        os.environ[provisioner.COLD_ENV] = "1"
    if snapshot is not None:
        os.environ[SNAPSHOT_ENV] = str(snapshot)
    try:
        if not cold:  # as a `lps run` worker does: the template is up before the first job
            provisioner.template_for(provisioner.kernel_python(), dict(os.environ)).wait_ready(600)
        return [asyncio.run(_first_cell_seconds()) for _ in range(START_UP_RUNS)]
    finally:
        os.environ.clear()
        os.environ.update(saved)
        provisioner.stop_templates()


def _snapshot_of_bundled_data(folder: Path) -> Path:
    from lps_analysis.data.snapshot import input_hashes, write_snapshot
    from lps_analysis.data.validate import load_dataset

    inputs = input_hashes(paths.DATA_DIR)
    return write_snapshot(load_dataset(paths.DATA_DIR), folder, "bench", inputs)


def _by_hand(out: Path) -> float:
    started = time.perf_counter()
    for scope in current_scopes():
        for nb in sorted(paths.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb")):
            folder = out / scope.slug
            folder.mkdir(parents=True, exist_ok=True)
            executed = folder / nb.name
            subprocess.run(
                [
                    BIN / "papermill",
                    str(nb),
                    str(executed),
                    "-k",
                    paths.KERNEL_NAME,
                    "-p",
                    "scope",
                    scope.code,
                    "--no-progress-bar",
                    "--cwd",
                    str(folder),
                ],
                check=True,
                capture_output=True,
                env=COLD,
            )
            for fmt in ("html", "lps_pdf"):
                subprocess.run(
                    [BIN / "jupyter", "nbconvert", "--to", fmt, str(executed)],
                    check=True,
                    capture_output=True,
                    env=COLD,
                )
    return time.perf_counter() - started


# What a hand-written script would add to the loop for the outputs `lps run` also makes: each
# scope's combined report, with the package's documented function and its defaults.
REPORT_SCRIPT = (
    "import sys\n"
    "from pathlib import Path\n"
    "from lps_analysis.report.combined import build_scope_report\n"
    "folder = Path(sys.argv[1])\n"
    "pdf = build_scope_report(sys.argv[2], sorted(folder.glob('*.ipynb')))\n"
    "(folder / 'report.pdf').write_bytes(pdf)\n"
)


def _by_hand_reports(out: Path) -> float:
    """The combined report of every scope the loop ran, one process per scope."""
    started = time.perf_counter()
    for scope in current_scopes():
        subprocess.run(
            [sys.executable, "-c", REPORT_SCRIPT, str(out / scope.slug), scope.code],
            check=True,
            capture_output=True,
        )
    return time.perf_counter() - started


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def main() -> None:
    results: dict[str, list[float]] = {
        "lps run": [],
        "lps run --cold": [],
        "lps run, memory sampled": [],
        "by hand": [],
        "by hand + reports": [],
        "no-change re-run": [],
        "start-up warm": [],
        "start-up cold": [],
        "peak PSS MB": [],
    }
    load = [os.getloadavg()]
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for i in range(REPEATS):
            for j in range(PAIRS):  # warm and cold alternate, so a slow spell hits both
                out = tmp / f"lps{i}" if j == 0 else tmp / f"lps{i}-{j}"
                results["lps run"].append(
                    _timed([BIN / "lps", "run", "--out", str(out), "--force"])
                )
                cold = [BIN / "lps", "run", "--out", str(tmp / f"cold{i}-{j}"), "--force", "--cold"]
                results["lps run --cold"].append(_timed(cold))
            # Memory in a run of its own: reading every process's smaps twice a second costs
            # about 3 CPU-seconds per run, which would slow the timed warm runs.
            sampled = [BIN / "lps", "run", "--out", str(tmp / f"mem{i}"), "--force"]
            seconds, peak = _timed_with_memory(sampled)
            results["lps run, memory sampled"].append(seconds)
            results["peak PSS MB"].append(peak)
            results["by hand"].append(_by_hand(tmp / f"hand{i}"))
            reports = _by_hand_reports(tmp / f"hand{i}")
            results["by hand + reports"].append(results["by hand"][-1] + reports)
            load.append(os.getloadavg())
        snapshot = _snapshot_of_bundled_data(tmp / "snapshot")
        results["start-up warm"] = _start_up(cold=False, snapshot=snapshot)
        results["start-up cold"] = _start_up(cold=True, snapshot=None)
        load.append(os.getloadavg())
        for _ in range(5):
            results["no-change re-run"].append(
                _timed([BIN / "lps", "run", "--out", str(tmp / "lps0")])
            )

        import nbformat

        from lps_analysis.report.exporters import export_html, export_pdf

        executed = sorted((tmp / "lps0").glob("*/[0-9][0-9]_*.ipynb"))
        export_pdf(nbformat.read(executed[0], as_version=4))  # warm-up: templates and fonts
        pdf_times, chrome_times = [], []
        chrome = _chromium()
        for path in executed:
            nb = nbformat.read(path, as_version=4)
            for _ in range(3):
                started = time.perf_counter()
                export_pdf(nb)
                pdf_times.append(time.perf_counter() - started)
            if chrome:
                html = tmp / "chrome.html"
                html.write_text(export_html(nb), encoding="utf-8")
                chrome_times.append(
                    _timed(
                        [
                            chrome,
                            "--headless",
                            "--no-sandbox",
                            "--disable-gpu",
                            "--no-first-run",
                            "--disable-background-networking",
                            "--disable-component-update",
                            "--disable-sync",
                            f"--user-data-dir={tmp / 'chrome-profile'}",
                            f"--print-to-pdf={tmp / 'chrome.pdf'}",
                            html.as_uri(),
                        ]
                    )
                )
    med = {k: statistics.median(v) for k, v in results.items() if v}
    jobs = len(current_scopes()) * len(list(paths.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb")))
    print(f"batch benchmark — {jobs} jobs (scopes × notebooks), HTML + PDF; {os.cpu_count()} cores")
    print(f"  {when}; load average (1 min) during the runs: {_spread([a[0] for a in load])}")
    for name in (
        "lps run",
        "lps run --cold",
        "by hand",
        "by hand + reports",
        "lps run, memory sampled",
    ):
        runs = ", ".join(f"{v:.1f}" for v in results[name])
        print(f"  {name:<26} median {med[name]:7.1f} s  (runs: {runs})")
    print(f"  ratio lps/by hand          {med['lps run'] / med['by hand']:.2f}  (target ≤ 0.12)")
    print(
        f"  ratio lps/(by hand + the 5 combined reports, the same outputs)"
        f" {med['lps run'] / med['by hand + reports']:.2f}"
    )
    print(
        f"  ratio lps/--cold           {med['lps run'] / med['lps run --cold']:.2f}  (target ≤ 0.6)"
    )
    for name in ("start-up warm", "start-up cold"):
        print(
            f"  {name:<26} median {med[name]:7.2f} s  (range {_spread(results[name])}; target warm ≤ 0.5 s)"
        )
    print(
        f"  peak PSS, run + workers + templates + kernels: {_spread(results['peak PSS MB'])} MB (target ≤ 2048)"
    )
    print(
        f"  no-change re-run           median {med['no-change re-run']:.2f} s over 5  (target ≤ 1 s)"
    )
    print(
        f"  PDF export in-process      median {statistics.median(pdf_times):.2f} s per notebook over {len(pdf_times)}  (target ≤ 1 s)"
    )
    if chrome_times:
        print(
            f"  Chromium --print-to-pdf    median {statistics.median(chrome_times):.2f} s per notebook over {len(chrome_times)}"
        )
    else:
        print("  Chromium not installed: no browser baseline (apt-get install chromium)")
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "batch.json").write_text(
        json.dumps(
            {
                "date": when,
                "load_average": load,
                "runs": results,
                "pdf_export_s": pdf_times,
                "chromium_print_s": chrome_times,
            },
            indent=2,
        )
    )


def _spread(values: list[float]) -> str:
    """min–max of the values, or the one value."""
    if len(values) == 1:
        return f"{values[0]:.2f}"
    return f"{min(values):.2f}–{max(values):.2f}"


if __name__ == "__main__":
    main()

"""The whole batch (5 scopes × the analysis notebooks, HTML + PDF) against a hand-written script.

Baseline, as a user would script it by hand: sequential `papermill` CLI per (scope, notebook),
then `jupyter nbconvert --to html` and `--to lps_pdf` per executed notebook. Both run in the same
session on the same data. Also: a no-change re-run of `lps run`, and PDF export per notebook
(in-process) against Chromium printing the same HTML, when Chromium is installed.

    python -m bench bench_batch          BENCH_REPEATS=N to repeat the batch (default 1)
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
from pathlib import Path

from lps_analysis import paths
from lps_analysis.data.registry import current_scopes

BIN = Path(sys.executable).parent
REPEATS = int(os.environ.get("BENCH_REPEATS", "1"))


def _timed(cmd, **kw) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, **kw)
    return time.perf_counter() - started


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
            )
            for fmt in ("html", "lps_pdf"):
                subprocess.run(
                    [BIN / "jupyter", "nbconvert", "--to", fmt, str(executed)],
                    check=True,
                    capture_output=True,
                )
    return time.perf_counter() - started


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def main() -> None:
    results: dict[str, list[float]] = {"lps run": [], "by hand": [], "no-change re-run": []}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for i in range(REPEATS):
            out = tmp / f"lps{i}"
            results["lps run"].append(_timed([BIN / "lps", "run", "--out", str(out), "--force"]))
            results["by hand"].append(_by_hand(tmp / f"hand{i}"))
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
    print(
        f"  lps run --force            median {med['lps run']:7.1f} s  (runs: {', '.join(f'{t:.1f}' for t in results['lps run'])})"
    )
    print(
        f"  by hand (papermill+nbconvert) median {med['by hand']:7.1f} s  (runs: {', '.join(f'{t:.1f}' for t in results['by hand'])})"
    )
    print(f"  ratio lps/by hand          {med['lps run'] / med['by hand']:.2f}  (target ≤ 0.30)")
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
            {"runs": results, "pdf_export_s": pdf_times, "chromium_print_s": chrome_times}, indent=2
        )
    )


if __name__ == "__main__":
    main()

"""Reading hostile and large county workbooks (each at most 10 MB) in bounded time and memory.

Cases: dense person-level sheets with no stated dimension, of 90,000 rows (900,000 cells, within
the 1,000,000-cell budget) and 200,000 rows (refused); a small table with one
stray space at XFD1048576 (the last cell of a sheet) and at Z65536; a workbook whose sheet unpacks
to 190 MB of blank cells; one that states a 2 GB part. `lps` is `load_table` (read, normalise,
validate); the baseline is what an analyst would otherwise run, `pandas.read_excel` (openpyxl),
measured in the same run under a 4 GiB address-space cap and a 120 s limit (a run that fails or
times out is reported as such, once). Each run is a fresh process so
that its peak RSS is its own; medians of REPEATS runs. Target: every case within 10 s and 1 GB.

    python -m bench bench_county_files        (or: make bench)
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPEATS = 3
BASELINE_TIMEOUT_S = 120
BASELINE_CAP = 4 * 2**30  # address space of a baseline run, bytes
HEAD = ["地区", "年份", "人才类别", "人数（人）"]

_CHILD = r"""
import json, resource, sys, time
path, mode = sys.argv[1], sys.argv[2]
if mode == "pandas":  # the baseline may exhaust memory: cap it so the machine survives
    resource.setrlimit(resource.RLIMIT_AS, (BASELINE_CAP, BASELINE_CAP))
import pandas as pd
if mode == "lps":
    from lps_analysis.data.validate import load_table
    from lps_analysis.errors import DataValidationError
t0 = time.perf_counter()
outcome = "read"
if mode == "lps":
    try:
        rows = len(load_table(path).frame)
    except DataValidationError as err:
        rows, outcome = 0, "refused: " + err.problems[0].message_en[:60]
else:
    rows = len(pd.read_excel(path, sheet_name=None, engine="openpyxl"))
elapsed = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": elapsed, "peak_rss": rss, "rows": rows, "outcome": outcome}))
"""


def _dense(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)  # writes no <dimension>: a sized reader must scan it all
    ws = wb.create_sheet("talent_records")
    ws.append(
        [
            "人员编号",
            "地区",
            "年份",
            "人才类别",
            "性别",
            "出生年份",
            "学历",
            "职称等级",
            "行业",
            "来源",
        ]
    )
    rng = random.Random(0)
    for i in range(rows):
        ws.append(
            [
                f"K{i:07d}",
                rng.choice(["钟山区", "六枝特区", "水城区", "盘州市"]),
                2020,
                rng.choice(["专业技术人才", "技能人才", "党政人才"]),
                rng.choice("男女"),
                rng.randint(1955, 2000),
                rng.choice(["大学本科", "大学专科", "硕士研究生"]),
                rng.choice(["高级", "中级", "初级", "无职称"]),
                rng.choice(["教育", "卫生", "工业"]),
                rng.choice(["本地培养", "外部引进"]),
            ]
        )
    wb.save(path)


def _with_stray_cell(path: Path, ref: str) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEAD)
    for county in ("钟山区", "六枝特区", "水城区", "盘州市"):
        ws.append([county, 2020, "专业技术人才", 100])
    ws[ref] = " "  # a stray keystroke in a far cell
    wb.save(path)


def _sheet_zip(path: Path, body_chunks, *, declared: int | None = None) -> None:
    """A minimal workbook whose one sheet is streamed from `body_chunks`."""
    from openpyxl import Workbook

    template = path.with_suffix(".template.xlsx")
    Workbook().save(template)
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                out.writestr(info, src.read(info.filename))
        with out.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns='
                b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            for chunk in body_chunks:
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    template.unlink()


def _blank_cells(total_bytes: int):
    row = b'<row r="2">' + b'<c r="B2" s="0"/>' * 1000 + b"</row>"
    for _ in range(total_bytes // len(row)):
        yield row


def _measure(path: Path, mode: str) -> dict:
    runs = []
    for _ in range(REPEATS):
        try:
            out = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    _CHILD.replace("BASELINE_CAP", str(BASELINE_CAP)),
                    str(path),
                    mode,
                ],
                capture_output=True,
                text=True,
                timeout=BASELINE_TIMEOUT_S,
            )
        except subprocess.TimeoutExpired:
            return {"outcome": f"no result within {BASELINE_TIMEOUT_S} s"}
        if out.returncode != 0:
            return {"outcome": "failed: " + (out.stderr.strip().splitlines() or ["?"])[-1][:60]}
        runs.append(json.loads(out.stdout))
    return {
        "median_s": statistics.median(r["seconds"] for r in runs),
        "min_s": min(r["seconds"] for r in runs),
        "max_s": max(r["seconds"] for r in runs),
        "peak_rss_mb": max(r["peak_rss"] for r in runs) / 2**20,
        "outcome": runs[0]["outcome"],
    }


def main() -> None:
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cases = {
            "dense 90,000 rows × 10, no dimension": folder / "d90" / "talent_records.xlsx",
            "dense 200,000 rows × 10 (over the budget)": folder / "d200" / "talent_records.xlsx",
            "stray space at XFD1048576": folder / "xfd" / "talent_stock.xlsx",
            "stray space at Z65536": folder / "z" / "talent_stock.xlsx",
            "190 MB of blank cells": folder / "blank" / "talent_stock.xlsx",
        }
        for path in cases.values():
            path.parent.mkdir(exist_ok=True)
        _dense(cases["dense 90,000 rows × 10, no dimension"], 90_000)
        _dense(cases["dense 200,000 rows × 10 (over the budget)"], 200_000)
        _with_stray_cell(cases["stray space at XFD1048576"], "XFD1048576")
        _with_stray_cell(cases["stray space at Z65536"], "Z65536")
        _sheet_zip(cases["190 MB of blank cells"], _blank_cells(190 * 2**20))
        for name, path in cases.items():
            size = path.stat().st_size / 2**20
            baseline = _measure(path, "pandas")
            results[name] = {"size_mb": size, "lps": _measure(path, "lps"), "pandas": baseline}
    print(f"county workbooks — median of {REPEATS} fresh-process runs (seconds, peak RSS MB)")
    for name, r in results.items():
        line = f"{name:<40} {r['size_mb']:>6.1f} MB"
        for who in ("lps", "pandas"):
            m = r[who]
            if "median_s" in m:
                line += (
                    f" | {who} {m['median_s']:.2f} s ({m['min_s']:.2f}–{m['max_s']:.2f}) "
                    f"{m['peak_rss_mb']:.0f} MB {m['outcome'][:40]}"
                )
            else:
                line += f" | {who}: {m['outcome']}"
        print(line)
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "county_files.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()

"""Load + validate + aggregate person-level talent_records at K=1 and K=10 (Parquet).

Compared in the same run with the plain pandas path a user would write (read_csv + groupby,
and read_parquet + groupby, no checks). Each measurement runs in a fresh process so that its
peak RSS is its own; medians of REPEATS runs. Targets (2-core machine): K=1 ≤ 1 s, K=10 ≤ 6 s,
peak RSS ≤ 2 GB at K=10.

    python -m bench bench_data_layer        (or: make bench)
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPEATS = 5
SCALES = (1, 10)

_CHILD = r"""
import json, resource, sys, time
path, mode = sys.argv[1], sys.argv[2]
t_start = time.perf_counter()
import pandas as pd
if mode == "lps":
    from lps_analysis.data.validate import load_table
t0 = time.perf_counter()
imports = t0 - t_start
if mode == "lps":
    data = load_table(path).data
elif mode == "pandas_csv":
    data = pd.read_csv(path)
else:
    data = pd.read_parquet(path)
agg = data.groupby(["scope_code", "category"], observed=True).size()
elapsed = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": elapsed, "imports": imports, "peak_rss": rss, "rows": int(agg.sum())}))
"""


def _measure(path: Path, mode: str) -> dict:
    runs = []
    for _ in range(REPEATS):
        out = subprocess.run(
            [sys.executable, "-c", _CHILD, str(path), mode],
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(out.stdout))
    return {
        "median_s": statistics.median(r["seconds"] for r in runs),
        "median_imports_s": statistics.median(r["imports"] for r in runs),
        "min_s": min(r["seconds"] for r in runs),
        "max_s": max(r["seconds"] for r in runs),
        "peak_rss_mb": max(r["peak_rss"] for r in runs) / 2**20,
        "rows": runs[0]["rows"],
    }


def main() -> None:
    from lps_analysis.data.illustrative import generate

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for k in SCALES:
            records = generate(seed=0, scale=k).tables["talent_records"]
            parquet = Path(tmp) / f"k{k}" / "talent_records.parquet"
            parquet.parent.mkdir()
            records.to_parquet(parquet, index=False)
            csv = parquet.with_suffix(".csv")
            records.to_csv(csv, index=False)
            results[k] = {
                "lps load+validate+aggregate (parquet)": _measure(parquet, "lps"),
                "pandas read_csv+groupby (no checks)": _measure(csv, "pandas_csv"),
                "pandas read_parquet+groupby (no checks)": _measure(parquet, "pandas_parquet"),
            }
    print(
        f"talent_records benchmark — median of {REPEATS} fresh-process runs; seconds exclude imports"
    )
    print(
        f"{'K':>3} {'rows':>10}  {'path':<42} {'median s':>9} {'min–max s':>13} {'imports s':>10} {'peak RSS MB':>12}"
    )
    for k, paths_ in results.items():
        for name, r in paths_.items():
            print(
                f"{k:>3} {r['rows']:>10,}  {name:<42} {r['median_s']:>9.2f} "
                f"{r['min_s']:>6.2f}–{r['max_s']:<6.2f} {r['median_imports_s']:>10.2f} {r['peak_rss_mb']:>12.0f}"
            )
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "data_layer.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()

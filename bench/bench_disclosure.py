"""Release-level disclosure control on the bundled person records (428,000 rows, 10 tables).

`protect_release` (one pattern for every scope's tables, LP-checked protection interval) against
the baseline it replaces: `suppress_small_cells` table by table (exact recovery within one
table only), on the same counts, in the same process. Each 01 notebook job computes the release
once. Medians of REPEATS runs, seconds.

    python -m bench bench_disclosure        (or: make bench)
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

REPEATS = 5


def _time(call) -> list[float]:
    runs = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        call()
        runs.append(time.perf_counter() - started)
    return runs


def main() -> None:
    import pandas as pd

    from lps_analysis import paths
    from lps_analysis.data.disclosure import protect_release
    from lps_analysis.data.suppression import suppress_small_cells

    records = pd.read_parquet(paths.ILLUSTRATIVE_DIR / "talent_records.parquet")
    release = protect_release(records, 2020)
    tables = [t.counts for t in release.tables.values()]

    def table_by_table():
        for counts in tables:
            suppress_small_cells(counts)

    results = {
        "protect_release (whole release, LP-checked interval)": _time(
            lambda: protect_release(records, 2020)
        ),
        "suppress_small_cells per table (counts given)": _time(table_by_table),
    }
    print(
        f"disclosure benchmark — {len(records):,} records, {len(tables)} tables, "
        f"median of {REPEATS} runs"
    )
    for name, runs in results.items():
        print(f"  {name:<55} {statistics.median(runs):6.2f} s ({min(runs):.2f}–{max(runs):.2f})")
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "disclosure.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()

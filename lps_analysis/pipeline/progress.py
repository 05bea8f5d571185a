"""The live progress table of `lps run`: one row per job and combined report."""

from __future__ import annotations

import time

from rich.table import Table

STATUS_ZH = {
    "ok": "完成",
    "failed": "失败",
    "skipped": "未变化，沿用",
    "running": "运行中",
    "queued": "排队",
    "cancelled": "已取消",
    "not_built": "未生成",
}


def progress_table(rows: dict[str, dict], running: int) -> Table:
    """`rows`: name → {"label", "scope", "status", "seconds", "started"}; `running`: live tasks."""
    table = Table(title="lps run")
    for col in ("作业 job", "范围 scope", "状态 status", "用时 elapsed"):
        table.add_column(col)
    now = time.perf_counter()
    for row in rows.values():
        seconds = row.get("seconds")
        if seconds is None:
            seconds = now - row["started"] if row.get("started") else 0.0
        table.add_row(row["label"], row["scope"], STATUS_ZH[row["status"]], f"{seconds:.1f}s")
    statuses = [r["status"] for r in rows.values()]
    done = sum(s in ("ok", "skipped") for s in statuses)
    table.caption = (
        f"运行中 running {running}，完成 done {done} / {len(rows)}，"
        f"失败 failed {statuses.count('failed')}"
    )
    return table


FINISHED = ("ok", "failed", "skipped", "cancelled", "not_built")


def finished_lines(rows: dict[str, dict]) -> list[tuple[str, str]]:
    """`状态 status  作业  范围  用时` for each finished row: the progress in a log."""
    return [
        (
            name,
            f"{STATUS_ZH[r['status']]} {r['status']}\t{r['label']}\t{r['scope']}"
            f"\t{r.get('seconds') or 0:.1f}s",
        )
        for name, r in rows.items()
        if r["status"] in FINISHED
    ]

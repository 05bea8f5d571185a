"""The steps of `lps run` around its batch: is there work, workers, data checked, lock; summary.

Order, and why: the plan first (an unknown scope or notebook is a usage error, nothing started);
then whether any job is stale (a no-change re-run starts nothing and stays quick); then, when
there is work, the workers start, and their kernel templates import the analysis stack while
the data are validated here; then the output folder's lock. Bad data or a locked folder stop
the run there: the workers are let go (each stops its template and clears its folder), no
output folder has been touched and no kernel has started.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from lps_analysis.terminal import Column, print_table

FAILED_COLUMNS = [
    Column("作业 job"),
    Column("单元格 cell"),
    Column("错误 error", wrap=True, min_width=20),
]


def nothing_to_do(jobs, scope_jobs, data_dir: Path, out_dir: Path, force: bool) -> bool:
    """True when every job (and report) is current: nothing to validate, nothing to start."""
    from lps_analysis.pipeline.cache import all_up_to_date

    try:
        return not force and all_up_to_date(jobs, out_dir, data_dir, scope_jobs)
    except OSError:  # an unreadable output folder: validate, and let the lock say what is wrong
        return False


@contextmanager
def early_workers(needed: bool, *, workers: int | None, cold: bool, tasks: int) -> Iterator:
    """The run's worker pool, started now (None when not `needed`).

    If the run stops before its batch has taken the pool over (the batch closes it itself), the
    workers are let go and awaited, and the run's kernel template is stopped and its folder
    cleared (a killed process could leave a template that had not started yet behind).
    """
    if not needed:
        yield None
        return
    from lps_analysis.pipeline.pool import WorkerPool

    pool = WorkerPool(workers or os.cpu_count() or 1, cold=cold)
    pool.prestart(tasks)
    try:
        yield pool
    except BaseException:
        pool.close()
        raise


def checked_data(data_dir: Path) -> tuple:
    """The validated dataset (the jobs read it from a snapshot) and the hashes of the files
    checked; raises DataValidationError naming every problem."""
    from lps_analysis.data.snapshot import input_hashes
    from lps_analysis.data.validate import load_dataset  # pandera: only when needed

    inputs = input_hashes(data_dir)  # what was checked: a file changed later is not
    return load_dataset(data_dir), inputs


def locked_output(out_dir: Path, wait: bool, echo):
    """The output folder prepared and locked for this run (waiting for it with `wait`)."""
    from lps_analysis.pipeline.outdir import RunLock, RunLocked, prepare

    prepare(out_dir)
    lock = RunLock(out_dir)
    try:
        lock.acquire()
    except RunLocked as exc:
        if not wait:
            raise
        echo(f"{exc}\n等待中 / waiting…")
        lock = RunLock(out_dir, wait=True)
        lock.acquire()
    return lock


def summarise(outcome, out_dir: Path, console) -> int:
    """Print what the run did (and what failed, with links); return the exit code."""
    from lps_analysis.pipeline.outdir import RUN_LOG

    console.print()
    for note in outcome.notes:
        console.print(f"提示 note：{note}", highlight=False)
    states = outcome.states
    job_states = [states[n] for n in states if not n.endswith("/report.pdf")]
    ran = sum(s in ("ok", "failed") for s in job_states)
    records = {j["job"]: j for j in outcome.manifest["jobs"]}
    failed = [
        records[n]
        for n, s in states.items()
        if s == "failed" and records.get(n, {}).get("status") == "failed"
    ]
    failed += [
        {"job": f"{code}/report.pdf", "error": r.get("error")}
        for code, r in outcome.manifest.get("reports", {}).items()
        if r.get("status") == "failed" and states.get(f"{code}/report.pdf") == "failed"
    ]
    cancelled = job_states.count("cancelled")
    console.print(
        f"共 {len(job_states)} 个作业：运行 {ran}，沿用 {job_states.count('skipped')}，"
        f"失败 {len(failed)}，取消 {cancelled}。报告索引：{out_dir / 'index.html'}；"
        f"运行记录：{out_dir / RUN_LOG}",
        highlight=False,
        markup=False,
    )
    for code, r in outcome.manifest.get("reports", {}).items():
        if states.get(f"{code}/report.pdf") == "not_built":
            console.print(f"综合报告 {code}：{r.get('reason')}", highlight=False)
    if failed:
        rows = [
            [j["job"], "" if j.get("cell") is None else str(j["cell"]), j.get("error") or ""]
            for j in failed
        ]
        print_table(console, "失败的作业 Failed jobs", FAILED_COLUMNS, rows)
        for j in failed:
            for key, label in (("failed_notebook", "失败的笔记本 notebook"), ("log", "日志 log")):
                if j.get(key):
                    console.print(f"{j['job']} {label}：{out_dir / j[key]}", soft_wrap=True)
    if outcome.output_error:
        click.echo(outcome.output_error, err=True)
        return 1
    if outcome.interrupted:
        click.echo(
            f"已中断：{cancelled} 个作业取消，已完成的结果已保存；再次运行将只补做未完成的部分。"
            f"\n    Interrupted: finished jobs kept; the next run does the rest.",
            err=True,
        )
        return 128 + outcome.interrupted
    return 1 if failed else 0

"""What the runner records when a task's result arrives: pure functions over plain dicts.

The runner (`runner.Batch._land`) publishes the files and keeps the state; these build what it
writes: the manifest record of a job, the result of a worker that died under its task, the
line for the run log.
"""

from __future__ import annotations

from pathlib import Path

from lps_analysis.pipeline.jobs import Job


def worker_died(task: dict, returncode: int | None) -> dict:
    """The result of a task whose worker exited before answering (killed, crashed)."""
    result = {
        "status": "failed",
        "error": f"工作进程意外退出（退出码 {returncode}） / worker died (exit {returncode})",
        "cell": None,
        "staged": {},
        "seconds": 0.0,
    }
    log = Path(task.get("work_dir", "")) / "kernel.log"
    if task["kind"] == "job" and log.exists():
        result["log"] = str(log)
    return result


def job_record(job: Job, task: dict, result: dict) -> dict:
    """The manifest record of a job that ran (its outputs are added once they are published)."""
    record = {
        "job": job.name,
        "scope": job.scope.code,
        "notebook": job.stem,
        "status": result["status"],
        "reason": task["reason"],
        "ran": True,
        "seconds": result["seconds"],
        "kernel": result.get("kernel"),  # forked from the template, or spawned
        "key": task["key"],
        "parameters": {k: v for k, v in job.parameters.items() if k != "data_dir"},
    }
    if result["status"] != "ok":
        record.update(error=result.get("error"), cell=result.get("cell"))
    return record


def job_log_line(record: dict) -> str:
    """`ok 520201/01_talent_structure 3.5s`, with the error and its cell when it failed."""
    where = f"，单元格 {record['cell']}" if record.get("cell") else ""
    error = f"：{record.get('error')}{where}" if record["status"] != "ok" else ""
    return f"{record['status']} {record['job']} {record['seconds']:.1f}s{error}"


def report_not_built(missing: list[str], previous: dict) -> dict:
    """The manifest entry of a combined report left unbuilt because notebooks are not current.

    The hash of the report built before is kept as stale: index.html marks that file 已过期.
    """
    why = (
        f"未生成：{'、'.join(missing)} 没有当前的成功结果；综合报告需要本范围全部笔记本。"
        f" / not built: {', '.join(missing)} not current"
    )
    entry = {"status": "not_built", "reason": why}
    if previous.get("sha256"):
        entry["stale_sha256"] = previous["sha256"]
    return entry

"""What the runner sends a worker: a job (one notebook for one scope) or a combined report.

Tasks are plain dicts; the fields a worker needs travel as JSON, the runner's own (the Job,
its cache key, why it runs) stay behind (`RUNNER_ONLY`).
"""

from __future__ import annotations

import shutil
from itertools import count
from pathlib import Path

from lps_analysis.pipeline.cache import is_brief
from lps_analysis.pipeline.jobs import Job

RUNNER_ONLY = ("job", "key", "reason")
_ids = count(1)


def job_task(job: Job, *, out_root: Path, timeout: int, key: str, reason: str) -> dict:
    parameters = dict(job.parameters)
    if is_brief(job):
        parameters["metrics_dir"] = str(job.out_dir(out_root) / ".metrics")
    return {
        "id": next(_ids),
        "kind": "job",
        "name": job.name,
        "notebook": str(job.notebook),
        "work_dir": str(job.out_dir(out_root) / ".work" / job.stem),
        "out_root": str(out_root),
        "slug": job.scope.slug,
        "parameters": parameters,
        "formats": list(job.formats),
        "timeout": timeout,
        "job": job,
        "key": key,
        "reason": reason,
    }


def report_task(
    code: str, scope_jobs: list[Job], *, out_root: Path, data_dir: Path, timeout: int, key: str
) -> dict:
    return {
        "id": next(_ids),
        "kind": "report",
        "name": f"{code}/report.pdf",
        "scope": code,
        "notebooks": [str(j.outputs(out_root)[0]) for j in scope_jobs],
        # each job published its HTML with its notebook: the report reads it, not re-exports
        "reuse_html": all("html" in j.formats for j in scope_jobs),
        "data_dir": str(Path(data_dir).resolve()),
        "work_dir": str(scope_jobs[0].out_dir(out_root) / ".work" / "_report"),
        "timeout": timeout,
        "key": key,
    }


def wire(task: dict) -> dict:
    """The part of a task a worker receives."""
    return {k: v for k, v in task.items() if k not in RUNNER_ONLY}


def run_snapshot(checked, inputs: dict, out_root: Path, key: str) -> str | None:
    """The checked tables the run's jobs read (see data/snapshot.py): the folder, or None.

    `checked` is (dataset, hashes of the files validated); when the files have changed since
    (`inputs` differ), no snapshot: every job validates the raw files itself.
    """
    if checked is None or checked[1] != inputs:
        return None
    from lps_analysis.data.snapshot import write_snapshot

    try:
        return str(write_snapshot(checked[0], out_root / ".snapshot", key, inputs))
    except OSError:  # a full or read-only folder: the jobs validate the files themselves
        shutil.rmtree(out_root / ".snapshot", ignore_errors=True)
        return None

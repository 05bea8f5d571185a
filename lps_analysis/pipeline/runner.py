"""The batch: jobs N at a time with live progress, cache, per-scope metrics, manifest, index."""

from __future__ import annotations

import json
import multiprocessing
import os
import platform
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from datetime import datetime, timedelta, timezone
from importlib import metadata
from pathlib import Path

from rich.console import Console
from rich.live import Live
from rich.table import Table

from lps_analysis import __version__
from lps_analysis.metrics import write_json_atomic
from lps_analysis.pipeline.jobs import Job, inputs_fingerprint, job_key
from lps_analysis.pipeline.worker import run_job, run_report

CST = timezone(timedelta(hours=8))
STATUS_ZH = {
    "ok": "完成",
    "failed": "失败",
    "skipped": "未变化，沿用",
    "running": "运行中",
    "queued": "排队",
}


def _now() -> str:
    return datetime.now(CST).isoformat(timespec="seconds")


def _load_manifest(out_root: Path) -> dict:
    path = out_root / "manifest.json"
    if path.exists():
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return {}
    return {}


def _progress_table(states: dict, started: dict) -> Table:
    table = Table(title="lps run")
    for col in ("作业 job", "范围 scope", "状态 status", "用时 elapsed"):
        table.add_column(col)
    now = time.perf_counter()
    for name, (job, status, seconds) in states.items():
        elapsed = (
            seconds if seconds is not None else (now - started[name] if name in started else 0)
        )
        table.add_row(job.stem, job.scope.name_zh, STATUS_ZH[status], f"{elapsed:.1f}s")
    done = sum(1 for _, s, _ in states.values() if s in ("ok", "skipped"))
    failed = sum(1 for _, s, _ in states.values() if s == "failed")
    table.caption = f"完成 done {done} / {len(states)}，失败 failed {failed}"
    return table


def all_up_to_date(jobs: list[Job], out_root: Path, data_dir: Path) -> bool:
    """True when every job ran successfully on exactly these inputs and its files are there.

    Lets `lps run` skip re-validating unchanged input data, so a no-change re-run is quick.
    """
    previous = {j["job"]: j for j in _load_manifest(out_root).get("jobs", [])}
    if not previous:
        return False
    shared = inputs_fingerprint(data_dir)
    return all(
        (prev := previous.get(job.name)) is not None
        and prev.get("status") == "ok"
        and prev.get("key") == job_key(job, shared)
        and all(p.exists() for p in job.outputs(out_root))
        for job in jobs
    )


def run_batch(
    jobs: list[Job],
    *,
    out_root: Path,
    data_dir: Path,
    workers: int | None = None,
    force: bool = False,
    console: Console | None = None,
) -> dict:
    """Run every job not already up to date; write metrics, manifest.json and index.html."""
    console = console or Console()
    out_root.mkdir(parents=True, exist_ok=True)
    previous = {j["job"]: j for j in _load_manifest(out_root).get("jobs", [])}
    shared = inputs_fingerprint(data_dir)
    workers = workers or os.cpu_count() or 1

    states: dict[str, list] = {}
    results: dict[str, dict] = {}
    to_run = []
    for job in jobs:
        key = job_key(job, shared)
        prev = previous.get(job.name)
        outputs_exist = all(p.exists() for p in job.outputs(out_root))
        if (
            not force
            and prev
            and prev.get("key") == key
            and prev.get("status") == "ok"
            and outputs_exist
        ):
            states[job.name] = [job, "skipped", prev.get("seconds", 0.0)]
            results[job.name] = dict(
                prev, status="ok", reason="输入未变化，跳过 / unchanged: skipped", ran=False
            )
        else:
            reason = (
                "指定 --force / forced"
                if force
                else "首次运行 / first run"
                if not prev
                else "输入已变化 / inputs changed"
                if prev.get("key") != key
                else "上次失败 / failed last time"
                if prev.get("status") != "ok"
                else "输出缺失 / outputs missing"
            )
            states[job.name] = [job, "queued", None]
            to_run.append((job, key, reason))

    # The brief (00_*) reads the other notebooks' metrics of its scope: it runs after them, and
    # again whenever one of them runs.
    running_scopes = {job.scope.code for job, _, _ in to_run}
    for job in jobs:
        if _is_brief(job) and states[job.name][1] == "skipped" and job.scope.code in running_scopes:
            states[job.name] = [job, "queued", None]
            to_run.append(
                (job, job_key(job, shared), "所依据的分析已更新 / an analysis it reads re-ran")
            )

    started: dict[str, float] = {}
    reports: dict[str, dict] = {}
    report_scopes = _scopes_needing_report(jobs, to_run, out_root, force)
    if to_run or report_scopes:
        ctx = multiprocessing.get_context("spawn")
        with (
            ProcessPoolExecutor(
                max_workers=max(1, min(workers, len(to_run) or 1)), mp_context=ctx
            ) as pool,
            Live(
                _progress_table(states, started),
                console=console,
                refresh_per_second=2,
                transient=False,
            ) as live,
        ):
            pending: dict = {}
            deferred = [item for item in to_run if _is_brief(item[0])]
            queue = [item for item in to_run if not _is_brief(item[0])]

            def submit(item):
                job, key, reason = item
                parameters = dict(job.parameters)
                if _is_brief(job):
                    parameters["metrics_dir"] = str(job.out_dir(out_root) / ".metrics")
                spec = {
                    "name": job.name,
                    "notebook": str(job.notebook),
                    "out_dir": str(job.out_dir(out_root)),
                    "parameters": parameters,
                    "formats": list(job.formats),
                }
                pending[pool.submit(run_job, spec)] = ("job", item)
                started[job.name] = time.perf_counter()
                states[job.name][1] = "running"

            def scope_finished(code: str, *, briefs: bool) -> bool:
                return all(
                    states[j.name][1] in ("ok", "skipped", "failed")
                    for j in jobs
                    if j.scope.code == code and (briefs or not _is_brief(j))
                )

            for item in queue:
                submit(item)
            while pending or deferred or report_scopes:
                submitted_before = len(pending)
                for item in list(deferred):
                    if scope_finished(item[0].scope.code, briefs=False):
                        deferred.remove(item)
                        _merge_metrics([item[0]], out_root)
                        submit(item)
                for code in list(report_scopes):
                    if scope_finished(code, briefs=True) and not any(
                        d[0].scope.code == code for d in deferred
                    ):
                        report_scopes.remove(code)
                        scope_jobs = [j for j in jobs if j.scope.code == code]
                        if all(states[j.name][1] in ("ok", "skipped") for j in scope_jobs):
                            spec = {
                                "scope": code,
                                "out_dir": str(scope_jobs[0].out_dir(out_root)),
                                "notebooks": [str(j.outputs(out_root)[0]) for j in scope_jobs],
                            }
                            pending[pool.submit(run_report, spec)] = ("report", code)
                        else:
                            reports[code] = {
                                "status": "skipped",
                                "reason": "有作业失败，未生成综合报告",
                            }
                if not pending:
                    if len(pending) == submitted_before and (deferred or report_scopes):
                        # Nothing left can run (should not happen): say so rather than spin.
                        for item in deferred:
                            states[item[0].name][1] = "failed"
                            results[item[0].name] = {
                                "job": item[0].name,
                                "status": "failed",
                                "error": "依赖的作业未完成",
                                "cell": None,
                                "seconds": 0,
                                "key": item[1],
                                "reason": item[2],
                                "ran": False,
                                "scope": item[0].scope.code,
                                "notebook": item[0].stem,
                            }
                        for code in report_scopes:
                            reports[code] = {"status": "skipped", "reason": "依赖的作业未完成"}
                    break
                done, _ = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                for future in done:
                    kind, item = pending.pop(future)
                    if kind == "report":
                        try:
                            reports[item] = future.result()
                        except Exception as exc:  # noqa: BLE001
                            reports[item] = {
                                "status": "failed",
                                "error": f"{type(exc).__name__}: {exc}",
                            }
                        continue
                    job, key, reason = item
                    try:
                        res = future.result()
                    except Exception as exc:  # noqa: BLE001 - a crashed worker fails its job only
                        res = {
                            "job": job.name,
                            "status": "failed",
                            "error": f"{type(exc).__name__}: {exc}",
                            "cell": None,
                            "seconds": 0,
                        }
                    res.update(
                        key=key, reason=reason, ran=True, scope=job.scope.code, notebook=job.stem
                    )
                    results[job.name] = res
                    states[job.name][1:] = [res["status"], res["seconds"]]
                live.update(_progress_table(states, started))

    for job in jobs:
        results[job.name].setdefault("scope", job.scope.code)
        results[job.name].setdefault("notebook", job.stem)
    _merge_metrics(jobs, out_root)
    manifest = _write_manifest(jobs, results, out_root, data_dir, shared, previous)
    manifest["reports"] = reports
    write_json_atomic(out_root / "manifest.json", manifest)
    from lps_analysis.pipeline.index import write_index

    write_index(manifest, out_root)
    return manifest


def _is_brief(job: Job) -> bool:
    return job.stem.startswith("00_")


def _scopes_needing_report(jobs, to_run, out_root: Path, force: bool) -> list[str]:
    """Scopes whose combined report.pdf must be (re)built: something ran, or the file is missing."""
    ran = {job.scope.code for job, _, _ in to_run}
    out = []
    for job in jobs:
        code = job.scope.code
        if code in out or "pdf" not in job.formats:
            continue
        if force or code in ran or not (job.out_dir(out_root) / "report.pdf").exists():
            out.append(code)
    return out


def _merge_metrics(jobs: list[Job], out_root: Path) -> None:
    from lps_analysis.data.registry import get_scope

    for code in sorted({j.scope.code for j in jobs}):
        scope = get_scope(code)
        folder = out_root / scope.slug / ".metrics"
        merged = []
        for f in sorted(folder.glob("*.json")) if folder.exists() else []:
            merged += json.loads(f.read_text(encoding="utf-8"))["metrics"]
        merged.sort(key=lambda m: m["id"])
        write_json_atomic(
            out_root / scope.slug / "metrics.json",
            {"scope": scope.code, "name": scope.name_zh, "generated": _now(), "metrics": merged},
        )


def _versions() -> dict:
    names = ("pandas", "papermill", "nbconvert", "weasyprint", "matplotlib", "seaborn", "pandera")
    out = {"python": platform.python_version(), "lps_analysis": __version__}
    for n in names:
        try:
            out[n] = metadata.version(n)
        except metadata.PackageNotFoundError:
            out[n] = None
    return out


def _write_manifest(jobs, results, out_root, data_dir, shared, previous) -> dict:
    data_dir = Path(data_dir)
    inputs = {}
    import hashlib

    for p in sorted(data_dir.rglob("*")):
        if p.is_file():
            inputs[str(p.relative_to(data_dir))] = hashlib.sha256(p.read_bytes()).hexdigest()
    manifest = {
        "generated": _now(),
        "data_dir": data_dir.name,
        "inputs_sha256": inputs,
        "fingerprint": shared,
        "versions": _versions(),
        "jobs": [
            {
                k: v
                for k, v in results[j.name].items()
                if k
                in (
                    "job",
                    "scope",
                    "notebook",
                    "status",
                    "reason",
                    "ran",
                    "seconds",
                    "key",
                    "error",
                    "cell",
                    "outputs",
                )
            }
            | {"parameters": {k: v for k, v in j.parameters.items() if k != "data_dir"}}
            for j in jobs
        ],
    }
    # Jobs of earlier runs that this run did not select stay listed (their files are still there).
    current = {j.name for j in jobs}
    manifest["jobs"] += [
        dict(p, ran=False) for name, p in sorted(previous.items()) if name not in current
    ]
    manifest["jobs"].sort(key=lambda j: (j["scope"] != "520200", j["scope"], j["notebook"]))
    write_json_atomic(out_root / "manifest.json", manifest)
    return manifest

"""The batch: jobs N at a time with live progress, a verified cache, per-job landing, signals.

Named steps, in order: `_plan` decides what is stale (its outputs are re-hashed against the
manifest before being reused); `_loop` hands ready tasks to the workers and lands each result
as it arrives (publish its files together, record it in the manifest, append to the run log);
a scope's brief (00_*) is decided once its analyses are done, and its combined report.pdf once
every notebook of the scope is current. One Ctrl-C (or SIGTERM) stops launching and kills the
running workers and kernels, then the manifest, index and summary are written; a second exits
at once.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.live import Live

from lps_analysis.data.snapshot import input_hashes
from lps_analysis.pipeline import landing
from lps_analysis.pipeline import manifest as mf
from lps_analysis.pipeline.cache import FORCED, Cache, is_brief
from lps_analysis.pipeline.execute import CELL_TIMEOUT_S
from lps_analysis.pipeline.jobs import Job
from lps_analysis.pipeline.outdir import describe_os_error, log_line
from lps_analysis.pipeline.pool import Event, WorkerPool
from lps_analysis.pipeline.progress import finished_lines, progress_table
from lps_analysis.pipeline.publish import clear_failed, clear_work, keep_failed, merge_metrics
from lps_analysis.pipeline.publish import publish as publish_files
from lps_analysis.pipeline.tasks import job_task, report_task, run_snapshot, wire
from lps_analysis.terminal import PlainLive, live_display

SKIPPED = "输入未变化，跳过 / unchanged: skipped"
SPAWNED = (
    "内核模板不可用，部分内核以常规方式启动（较慢）；`lps doctor` 检查内核设置。"
    " / Kernel template unavailable: some kernels started the usual (slower) way."
)


@dataclass
class Outcome:
    """What a run did: per-job state of this run, notes, and how it ended."""

    manifest: dict
    states: dict[str, str]  # job or "<code>/report.pdf" → ok/skipped/failed/cancelled/not_built
    notes: list[str] = field(default_factory=list)
    interrupted: int = 0  # the signal that stopped the run, 0 if none
    output_error: str | None = None


class Batch:
    def __init__(
        self,
        jobs,
        scope_jobs,
        *,
        out_root,
        data_dir,
        workers,
        force,
        timeout,
        console,
        checked,
        cold,
        pool=None,
    ):
        self.jobs = jobs
        self.scope_jobs = scope_jobs or jobs  # every notebook of the selected scopes
        self.selected = {j.name for j in jobs}
        self.out_root = Path(out_root).resolve()
        self.data_dir = Path(data_dir)
        self.force = force
        self.timeout = timeout or CELL_TIMEOUT_S
        self.console = console or Console()
        self.pool = pool or WorkerPool(workers or os.cpu_count() or 1, cold=cold)
        self.cold = cold
        self.checked = checked  # (dataset, input hashes) validated before the run, or None
        self.snapshot: str | None = None
        self.manifest, self.notes = mf.load_manifest(self.out_root)
        self.cache = Cache(
            self.manifest, scope_jobs=self.scope_jobs, out_root=self.out_root, data_dir=data_dir
        )
        self.records, self.reports = self.cache.records, self.cache.reports
        self.rows: dict[str, dict] = {}
        self.queue: list[dict] = []
        self.pending_briefs: dict[str, Job] = {}  # scope → its brief, decided after its analyses
        self.pending_reports: list[str] = []
        self.interrupted = 0
        self.output_error: str | None = None

    # --- planning -------------------------------------------------------------------------

    def _stale_reason(self, job: Job, key: str) -> str | None:
        """None when the job can be reused as it is; else why it must run."""
        return FORCED if self.force else self.cache.not_current(job, key)

    def _row(self, name: str, label: str, scope: str, status: str) -> None:
        self.rows[name] = {"label": label, "scope": scope, "status": status, "seconds": None}

    def _plan(self) -> None:
        for job in self.jobs:
            self._row(job.name, job.stem, job.scope.name_zh, "queued")
            if is_brief(job):
                continue
            key = self.cache.key(job)
            reason = self._stale_reason(job, key)
            if reason is None:
                self._skip(job)
            else:
                self.queue.append(self._job_task(job, key, reason))
        for code in dict.fromkeys(j.scope.code for j in self.jobs):
            brief = next((j for j in self.cache.scope(code) if is_brief(j)), None)
            if brief is not None:
                self.pending_briefs[code] = brief
            if any("pdf" in j.formats for j in self.cache.scope(code)):
                self.pending_reports.append(code)
                self._row(
                    f"{code}/report.pdf",
                    "综合报告",
                    self.cache.scope(code)[0].scope.name_zh,
                    "queued",
                )

    def _skip(self, job: Job) -> None:
        self.records[job.name] = dict(self.records[job.name], reason=SKIPPED, ran=False)
        self.rows[job.name].update(status="skipped", seconds=self.records[job.name].get("seconds"))

    def _job_task(self, job: Job, key: str, reason: str) -> dict:
        task = job_task(job, out_root=self.out_root, timeout=self.timeout, key=key, reason=reason)
        return task | {"snapshot": self.snapshot}

    def _write_snapshot(self) -> None:
        if self.queue or self.pending_briefs:
            self.snapshot = run_snapshot(
                self.checked, self.inputs, self.out_root, self.cache.shared
            )
            for task in self.queue:
                task["snapshot"] = self.snapshot

    # --- deciding briefs and reports as their inputs finish -------------------------------

    def _settled(self, code: str, *, briefs: bool) -> bool:
        busy = {t["name"] for t in self.queue} | {w.task["name"] for w in self.pool.busy if w.task}
        return not any(
            j.name in busy for j in self.cache.scope(code) if briefs or not is_brief(j)
        ) and (briefs is False or code not in self.pending_briefs)

    def _decide_briefs(self) -> None:
        for code, brief in list(self.pending_briefs.items()):
            if not self._settled(code, briefs=False):
                continue
            del self.pending_briefs[code]
            key = self.cache.key(brief)
            reason = self._stale_reason(brief, key)
            if reason is None:
                if brief.name in self.selected:
                    self._skip(brief)
                continue
            if brief.name not in self.selected:
                reason = "所依据的分析已更新 / an analysis it reads changed"
                self._row(brief.name, brief.stem, brief.scope.name_zh, "queued")
            self.queue.insert(0, self._job_task(brief, key, reason))  # see `_dispatch`

    def _decide_reports(self) -> None:
        for code in list(self.pending_reports):
            if not self._settled(code, briefs=True):
                continue
            self.pending_reports.remove(code)
            state, detail = self.cache.report_plan(code, force=self.force)
            name = f"{code}/report.pdf"
            if state == "missing":
                self.reports[code] = landing.report_not_built(detail, self.reports.get(code, {}))
                self.rows[name].update(status="not_built", seconds=0.0)
                continue
            if state == "current":
                prev = self.reports[code]
                self.reports[code] = dict(prev, reason=SKIPPED, ran=False)
                self.rows[name].update(status="skipped", seconds=prev.get("seconds"))
                continue
            self.queue.append(
                report_task(
                    code,
                    self.cache.scope(code),
                    out_root=self.out_root,
                    data_dir=self.data_dir,
                    timeout=self.timeout,
                    key=detail,
                )
            )

    # --- the loop -------------------------------------------------------------------------

    def _dispatch(self) -> None:
        """Hand queued tasks to idle workers, front first.

        A scope's brief goes to the front of the queue once its analyses are done, and its
        report to the back once the brief is: the reports then come at the end of the run in
        the order their scopes finished, the city's (the longest, first to finish) first, and
        the shorter ones fill both workers up to the end.
        """
        while self.queue and not self.interrupted and not self.output_error:
            worker = self.pool.idle()
            if worker is None:
                return
            task = self.queue.pop(0)
            worker.send(wire(task))
            worker.task = task
            self.rows[task["name"]].update(status="running", started=time.perf_counter())

    def _loop(self, live: Live | PlainLive) -> None:
        while True:
            self._decide_briefs()
            self._decide_reports()
            self._dispatch()
            if self.interrupted or self.output_error:
                return
            if not self.queue and not self.pending_briefs and not self.pending_reports:
                self.pool.release_idle()  # nothing more will come: let them exit meanwhile
                if not self.pool.busy:
                    return
            elif not self.queue and not self.pool.busy:
                continue
            event = self.pool.next_event(0.5)
            if event is not None:
                self._land(event)
            live.update(progress_table(self.rows, len(self.pool.busy)))

    # --- landing results ------------------------------------------------------------------

    def _land(self, event: Event) -> None:
        task = event.worker.task
        if task is None:
            return
        event.worker.task = None
        result = event.result
        if result is None:  # the worker died under the task
            result = landing.worker_died(task, event.worker.process.returncode)
        if result.get("kind") == "output":
            # The folder, not the job, failed: nothing was published, so its record stands.
            number = result.get("errno") or 0
            self.output_error = describe_os_error(
                self.out_root, OSError(number, os.strerror(number))
            )
            self.rows[task["name"]].update(status="failed", seconds=result["seconds"])
            clear_work(Path(task["work_dir"]))
            log_line(self.out_root, f"failed {task['name']}: {result['error']}")
            return
        try:
            if task["kind"] == "report":
                self._land_report(task, result)
            else:
                self._land_job(task, result)
            self._write_manifest()
        except OSError as exc:
            self.output_error = describe_os_error(self.out_root, exc)

    def _land_job(self, task: dict, result: dict) -> None:
        job: Job = task["job"]
        scope_dir = job.out_dir(self.out_root)
        record = landing.job_record(job, task, result)
        if result["status"] == "ok":
            published = publish_files(result["staged"], scope_dir)
            record["outputs"] = mf.hash_outputs(
                {f"{job.scope.slug}/{rel}": path for rel, path in published.items()}
            )
            clear_failed(scope_dir, job.stem)
            merge_metrics(job.scope.code, self.out_root)
        else:
            record.update(keep_failed(result, scope_dir, job.stem))
        clear_work(Path(task["work_dir"]))
        if result.get("kernel") == "spawned" and not self.cold and SPAWNED not in self.notes:
            self.notes.append(SPAWNED)  # said once; the reason is in the job's kernel log
        self.records[job.name] = record
        self.rows[job.name].update(status=result["status"], seconds=result["seconds"])
        log_line(self.out_root, landing.job_log_line(record))

    def _land_report(self, task: dict, result: dict) -> None:
        code = task["scope"]
        entry = {"status": result["status"], "seconds": result["seconds"], "ran": True}
        if result["status"] == "ok":
            scope_dir = Path(task["work_dir"]).parent.parent
            published = publish_files(result["staged"], scope_dir)
            entry.update(key=task["key"], sha256=mf.hash_outputs(published)["report.pdf"])
        else:
            entry["error"] = result.get("error")
        clear_work(Path(task["work_dir"]))
        self.reports[code] = entry
        self.rows[task["name"]].update(status=result["status"], seconds=result["seconds"])
        log_line(self.out_root, f"{result['status']} {task['name']} {result.get('error') or ''}")

    # --- interruption ---------------------------------------------------------------------

    def _on_signal(self, signum, frame) -> None:
        if self.interrupted:  # the second one: no clean-up, out at once
            self.pool.kill_all()
            os._exit(128 + signum)
        self.interrupted = signum

    def _cancel_running(self) -> None:
        """Kill busy workers (and so their kernels); their jobs and the queue are cancelled."""
        self.pool.kill_all()
        for worker in self.pool.busy:
            clear_work(Path(worker.task["work_dir"]))
            worker.task = None
        for row in self.rows.values():
            if row["status"] in ("queued", "running"):
                row["status"] = "cancelled"
        log_line(self.out_root, f"cancelled (signal {self.interrupted or 'output error'})")

    # --- the run --------------------------------------------------------------------------

    def _write_manifest(self) -> None:
        current = {j.name for j in self.scope_jobs} | self.selected
        for name, record in self.records.items():
            if name not in current or self.rows.get(name, {}).get("status") in (None, "cancelled"):
                record["ran"] = False
        self.manifest = mf.write_manifest(
            self.out_root,
            {
                "data_dir": self.data_dir.name,
                "inputs_sha256": self.inputs,
                "fingerprint": self.cache.shared,
                "versions": mf.versions(),
                "jobs": list(self.records.values()),
                "reports": self.reports,
            },
        )

    def run(self) -> Outcome:
        log_line(self.out_root, f"start: {len(self.jobs)} jobs, data {self.data_dir.name}")
        for note in self.notes:
            log_line(self.out_root, note.splitlines()[0])
        self.inputs = input_hashes(self.data_dir)
        for left in self.out_root.glob("*/.work"):  # an interrupted run's: ours now, by the lock
            shutil.rmtree(left, ignore_errors=True)
        self._plan()
        self.pool.prestart(len(self.queue))  # workers warm their kernel template meanwhile
        self._write_snapshot()
        handlers = {}
        if threading.current_thread() is threading.main_thread():
            handlers = {
                s: signal.signal(s, self._on_signal) for s in (signal.SIGINT, signal.SIGTERM)
            }
        try:
            with live_display(
                self.console, progress_table(self.rows, 0), lambda: finished_lines(self.rows)
            ) as live:
                self._loop(live)
                if self.interrupted or self.output_error:
                    self._cancel_running()
                live.update(progress_table(self.rows, 0))
        finally:
            self.pool.close()
            for s, h in handlers.items():
                signal.signal(s, h)
        self._finish()
        states = {n: r["status"] for n, r in self.rows.items()}
        return Outcome(self.manifest, states, self.notes, self.interrupted, self.output_error)

    def _finish(self) -> None:
        from lps_analysis.pipeline.index import write_index

        counts = {}
        for row in self.rows.values():
            counts[row["status"]] = counts.get(row["status"], 0) + 1
        ended = (
            "interrupted" if self.interrupted else "output error" if self.output_error else "done"
        )
        log_line(
            self.out_root, f"end ({ended}): " + ", ".join(f"{k} {v}" for k, v in counts.items())
        )

        try:
            for code in dict.fromkeys(j.scope.code for j in self.jobs):
                merge_metrics(code, self.out_root)
            self._write_manifest()
            write_index(self.manifest, self.out_root)
        except OSError as exc:
            self.output_error = self.output_error or describe_os_error(self.out_root, exc)


def run_batch(
    jobs: list[Job],
    *,
    out_root: Path,
    data_dir: Path,
    scope_jobs: list[Job] | None = None,
    workers: int | None = None,
    force: bool = False,
    timeout: int | None = None,
    console: Console | None = None,
    checked: tuple | None = None,
    cold: bool = False,
    pool: WorkerPool | None = None,
) -> Outcome:
    """Run every job not already current; keep the manifest, metrics and index.html up to date.

    `checked`: the dataset `lps run` validated and the input hashes it was read from; the jobs
    then read it from a snapshot. `cold`: kernels spawned the usual way (no template).
    `pool`: workers already started (by `lps run`, while it validated the data); the batch
    closes it when it ends.
    """
    where = dict(out_root=out_root, data_dir=data_dir, checked=checked, cold=cold, pool=pool)
    how = dict(workers=workers, force=force, timeout=timeout, console=console)
    return Batch(jobs, scope_jobs, **where, **how).run()

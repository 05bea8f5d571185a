"""What can be reused: a job or a combined report is current when its key matches the manifest
and its recorded outputs still hash to what was recorded."""

from __future__ import annotations

import hashlib
from pathlib import Path

from lps_analysis.pipeline import manifest as mf
from lps_analysis.pipeline.jobs import Job, inputs_fingerprint, job_key

FORCED = "指定 --force / forced"


def is_brief(job: Job) -> bool:
    return job.stem.startswith("00_")


class Cache:
    """The manifest's records, checked against the current inputs and the files on disk."""

    def __init__(self, manifest: dict, *, scope_jobs: list[Job], out_root: Path, data_dir: Path):
        self.records = {r["job"]: r for r in manifest["jobs"]}
        self.reports = dict(manifest.get("reports", {}))
        self.scope_jobs = scope_jobs
        self.out_root = Path(out_root)
        self.shared = inputs_fingerprint(data_dir)

    def scope(self, code: str) -> list[Job]:
        """Every notebook's job of a scope (selected in this run or not)."""
        return [j for j in self.scope_jobs if j.scope.code == code]

    def key(self, job: Job) -> str:
        key = job_key(job, self.shared)
        if not is_brief(job):
            return key
        # The brief reads the metrics its scope's analyses recorded: they are part of its inputs.
        h = hashlib.sha256(key.encode())
        for other in self.scope(job.scope.code):
            if is_brief(other):  # not its own ledger: that changes each time it runs
                continue
            outputs = self.records.get(other.name, {}).get("outputs", {})
            h.update(other.name.encode())
            h.update(outputs.get(f"{job.scope.slug}/.metrics/{other.stem}.json", "").encode())
        return h.hexdigest()

    def not_current(self, job: Job, key: str | None = None) -> str | None:
        """None when the job's recorded outputs are current and intact; else what is not."""
        prev = self.records.get(job.name)
        if not prev:
            return "首次运行 / first run"
        if prev.get("key") != (key or self.key(job)):
            return "输入已变化 / inputs changed"
        if prev.get("status") != "ok":
            return "上次失败或未完成 / failed or unfinished last time"
        return mf.outputs_current(prev, self.out_root)

    def report_plan(self, code: str, *, force: bool = False) -> tuple[str, object]:
        """("missing", stems not current) | ("current", key) | ("stale", key) for a scope."""
        jobs = self.scope(code)
        missing = [j.stem for j in jobs if self.not_current(j)]
        if missing:
            return "missing", missing
        key = mf.report_key([self.records[j.name] for j in jobs])
        prev = self.reports.get(code, {})
        folder = self.out_root / jobs[0].scope.slug
        intact = mf.outputs_current({"outputs": {"report.pdf": prev.get("sha256")}}, folder)
        if not force and prev.get("key") == key and intact is None:
            return "current", key
        return "stale", key


def all_up_to_date(jobs: list[Job], out_root: Path, data_dir: Path, scope_jobs=None) -> bool:
    """True when a run would do nothing: every selected job, each selected scope's brief and
    each combined report that can be built are current (hashes verified) on these inputs.

    Lets `lps run` skip re-validating unchanged input data, so a no-change re-run is quick.
    """
    manifest, _ = mf.load_manifest(out_root, set_aside=False)
    if not manifest["jobs"]:
        return False
    cache = Cache(manifest, scope_jobs=scope_jobs or jobs, out_root=out_root, data_dir=data_dir)
    codes = dict.fromkeys(j.scope.code for j in jobs)
    briefs = [j for c in codes for j in cache.scope(c) if is_brief(j)]
    if any(cache.not_current(j) for j in [*jobs, *briefs]):
        return False
    return all(
        cache.report_plan(code)[0] != "stale"
        for code in codes
        if any("pdf" in j.formats for j in cache.scope(code))
    )

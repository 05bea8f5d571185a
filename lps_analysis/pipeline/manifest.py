"""manifest.json: what each job and combined report last produced, kept current as jobs land.

The manifest is the run's cache. It is rewritten (atomically) each time a job lands, so an
interrupted run leaves a manifest that matches the files on disk, and a cached output is reused
only when its bytes still hash to what the manifest recorded. A manifest that cannot be read, or
is not the shape written here, is set aside (renamed) with a note and everything runs again.
"""

from __future__ import annotations

import hashlib
import json
import platform
from datetime import datetime, timedelta, timezone
from importlib import metadata
from pathlib import Path

from lps_analysis import __version__
from lps_analysis.atomic import sha256_file
from lps_analysis.metrics import write_json_atomic

CST = timezone(timedelta(hours=8))
MANIFEST = "manifest.json"
FORMAT = 2
JOB_FIELDS = {"job": str, "scope": str, "notebook": str, "status": str}


def now() -> str:
    return datetime.now(CST).isoformat(timespec="seconds")


def _shape_problem(manifest) -> str | None:
    """What makes `manifest` unusable as a cache, or None."""
    if not isinstance(manifest, dict):
        return f"不是对象（{type(manifest).__name__}）"
    if manifest.get("format") != FORMAT:
        return f"格式版本 {manifest.get('format')!r} 不是 {FORMAT}"
    jobs, reports = manifest.get("jobs"), manifest.get("reports", {})
    if not isinstance(jobs, list) or not isinstance(reports, dict):
        return "jobs 不是列表或 reports 不是对象"
    for job in jobs:
        if not isinstance(job, dict) or any(
            not isinstance(job.get(k), t) for k, t in JOB_FIELDS.items()
        ):
            return f"作业记录不完整：{str(job)[:80]}"
        if not isinstance(job.get("outputs", {}), dict):
            return f"作业 {job['job']} 的 outputs 不是对象"
    if any(not isinstance(r, dict) for r in reports.values()):
        return "综合报告记录不是对象"
    return None


def load_manifest(out_root: Path, *, set_aside: bool = True) -> tuple[dict, list[str]]:
    """(manifest, notes): an empty manifest when none or a damaged one (then set aside)."""
    path = Path(out_root) / MANIFEST
    empty = {"format": FORMAT, "jobs": [], "reports": {}}
    if not path.exists():
        return empty, []
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        problem = _shape_problem(manifest)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        problem = f"无法读取（{type(exc).__name__}）"
    if problem is None:
        return manifest, []
    if not set_aside:
        return empty, []
    stamp = datetime.now(CST).strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"manifest.damaged-{stamp}.json")
    path.rename(aside)
    return empty, [
        f"清单文件 {MANIFEST} 已损坏（{problem}），已另存为 {aside.name}，各作业将重新运行。"
        f"\n    {MANIFEST} was damaged ({problem}); set aside as {aside.name}, re-running."
    ]


def outputs_current(record: dict, out_root: Path) -> str | None:
    """None when every recorded output is there with its recorded hash; else what is wrong."""
    outputs = record.get("outputs") or {}
    if not outputs:
        return "输出缺失 / outputs missing"
    for rel, digest in outputs.items():
        path = Path(out_root) / rel
        if not path.is_file():
            return f"输出缺失：{rel} / output missing"
        if sha256_file(path) != digest:
            return f"输出与记录不符（已改动或损坏）：{rel} / output changed or damaged"
    return None


def hash_outputs(files: dict[str, Path]) -> dict[str, str]:
    return {rel: sha256_file(path) for rel, path in sorted(files.items())}


def report_key(scope_records: list[dict], formats: tuple[str, ...] = ("pdf",)) -> str:
    """A scope's combined report depends on every notebook of the scope: their outputs' hashes."""
    h = hashlib.sha256(",".join(formats).encode())
    for record in sorted(scope_records, key=lambda r: r["notebook"]):
        h.update(record["notebook"].encode())
        h.update(json.dumps(record.get("outputs", {}), sort_keys=True).encode())
    return h.hexdigest()


def versions() -> dict:
    names = ("pandas", "papermill", "nbconvert", "weasyprint", "matplotlib", "seaborn", "pandera")
    out = {"python": platform.python_version(), "lps_analysis": __version__}
    for n in names:
        try:
            out[n] = metadata.version(n)
        except metadata.PackageNotFoundError:
            out[n] = None
    return out


def order_jobs(records: list[dict]) -> list[dict]:
    return sorted(records, key=lambda j: (j["scope"] != "520200", j["scope"], j["notebook"]))


def write_manifest(out_root: Path, manifest: dict) -> dict:
    manifest = dict(manifest, format=FORMAT, generated=now())
    manifest["jobs"] = order_jobs(manifest["jobs"])
    write_json_atomic(Path(out_root) / MANIFEST, manifest)
    return manifest

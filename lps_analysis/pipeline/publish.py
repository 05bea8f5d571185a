"""Publishing a job's staged files together, and keeping a failed job's notebook and log in view.

Staged files sit in the job's work folder on the same file system as their targets, so
publishing is a series of renames: it cannot run out of space half-way. Should a rename fail,
the ones already done are rolled back, so the job's files are all new or all as they were.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from lps_analysis.data.registry import get_scope
from lps_analysis.metrics import write_json_atomic
from lps_analysis.pipeline.manifest import now

FAILED_DIR = "failed"  # per scope: the failed notebook (with its error cell) and its kernel log


def publish(staged: dict[str, str], target_dir: Path) -> dict[str, Path]:
    """Move each staged file to `target_dir / relative name`; all or none. Returns the targets."""
    backups: dict[Path, Path] = {}
    done: list[Path] = []
    moves = {Path(src): target_dir / rel for rel, src in staged.items()}
    try:
        for src, target in moves.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                backup = src.with_name(src.name + ".previous")
                os.link(target, backup)
                backups[target] = backup
            os.replace(src, target)
            done.append(target)
    except OSError:
        for target in done:
            if target in backups:
                os.replace(backups.pop(target), target)
            else:
                target.unlink(missing_ok=True)
        raise
    finally:
        for backup in backups.values():
            backup.unlink(missing_ok=True)
    return {rel: target_dir / rel for rel in staged}


def keep_failed(result: dict, scope_dir: Path, stem: str) -> dict[str, str]:
    """Move a failed job's executed notebook and log to `<scope>/failed/`; relative links."""
    folder = scope_dir / FAILED_DIR
    kept = {}
    for key, source, name in (
        ("failed_notebook", result.get("executed"), f"{stem}.ipynb"),
        ("log", result.get("log"), f"{stem}.log"),
    ):
        if source and Path(source).exists():
            folder.mkdir(exist_ok=True)
            os.replace(source, folder / name)
            kept[key] = f"{scope_dir.name}/{FAILED_DIR}/{name}"
    return kept


def clear_failed(scope_dir: Path, stem: str) -> None:
    folder = scope_dir / FAILED_DIR
    for name in (f"{stem}.ipynb", f"{stem}.log"):
        (folder / name).unlink(missing_ok=True)
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()


def clear_work(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
    parent = path.parent
    if parent.name == ".work" and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()


def merge_metrics(code: str, out_root: Path) -> None:
    """`<scope>/metrics.json`: every metric its notebooks recorded, sorted by id."""
    scope = get_scope(code)
    folder = out_root / scope.slug / ".metrics"
    merged = []
    for f in sorted(folder.glob("*.json")) if folder.exists() else []:
        merged += json.loads(f.read_text(encoding="utf-8"))["metrics"]
    merged.sort(key=lambda m: m["id"])
    write_json_atomic(
        out_root / scope.slug / "metrics.json",
        {"scope": scope.code, "name": scope.name_zh, "generated": now(), "metrics": merged},
    )

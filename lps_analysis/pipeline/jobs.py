"""Jobs: one (scope, notebook) pair, with parameters checked before any kernel starts."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from lps_analysis import paths
from lps_analysis.data.registry import Scope, current_scopes, get_scope

NOTEBOOK_PATTERN = "[0-9][0-9]_*.ipynb"
EXPORT_FORMATS = ("html", "pdf")


class JobPlanError(ValueError):
    """Parameters that cannot run: refused before a kernel starts."""


@dataclass(frozen=True)
class Job:
    scope: Scope
    notebook: Path
    parameters: dict = field(default_factory=dict, hash=False)
    formats: tuple[str, ...] = EXPORT_FORMATS

    @property
    def stem(self) -> str:
        return self.notebook.stem

    @property
    def name(self) -> str:
        return f"{self.scope.code}/{self.stem}"

    def out_dir(self, out_root: Path) -> Path:
        return out_root / self.scope.slug

    def outputs(self, out_root: Path) -> list[Path]:
        base = self.out_dir(out_root) / self.stem
        return [base.with_suffix(".ipynb")] + [base.with_suffix(f".{f}") for f in self.formats]


def analysis_notebooks(folder: Path | None = None) -> list[Path]:
    """The numbered analysis notebooks (00_brief comes last: it reads the others' metrics)."""
    found = sorted((folder or paths.NOTEBOOKS_DIR).glob(NOTEBOOK_PATTERN))
    return sorted(found, key=lambda p: (p.name.startswith("00_"), p.name))


def select_notebooks(selectors: tuple[str, ...], folder: Path | None = None) -> list[Path]:
    available = analysis_notebooks(folder)
    if not selectors:
        return available
    chosen = []
    for sel in selectors:
        # `1` and `01` both name 01_*: notebook numbers are written with two digits.
        key = f"{int(sel):02d}" if sel.strip().isdigit() else sel.strip()
        matches = [
            p for p in available if p.stem == key or p.name.startswith(f"{key}_") or p.name == key
        ]
        if not matches:
            names = "、".join(p.stem for p in available) or "（无）"
            raise JobPlanError(
                f"找不到笔记本「{sel}」（可用：{names}）。\n"
                f"    No notebook {sel!r}: use a number or name listed."
            )
        chosen += [m for m in matches if m not in chosen]
    return chosen


def plan_jobs(
    scopes: tuple[str, ...] = (),
    notebooks: tuple[str, ...] = (),
    *,
    data_dir: Path,
    formats: tuple[str, ...] = EXPORT_FORMATS,
    notebooks_dir: Path | None = None,
) -> list[Job]:
    """Scopes × notebooks, after checking every scope code and path (no kernel started)."""
    targets = [get_scope(s) for s in scopes] or current_scopes()
    bad = [f for f in formats if f not in EXPORT_FORMATS]
    if bad:
        raise JobPlanError(
            f"不支持的导出格式：{'、'.join(bad)}（可选 html、pdf）。\n    Unknown format."
        )
    if not Path(data_dir).is_dir():
        raise JobPlanError(f"数据文件夹不存在：{data_dir}\n    Data folder not found: {data_dir}")
    chosen = select_notebooks(notebooks, notebooks_dir)
    if not chosen:
        raise JobPlanError(
            "没有可运行的分析笔记本（notebooks/NN_*.ipynb）。\n    No notebooks to run."
        )
    return [
        Job(
            scope,
            nb,
            {"scope": scope.code, "data_dir": str(Path(data_dir).resolve())},
            tuple(formats),
        )
        for scope in targets
        for nb in chosen
    ]


def _hash_files(h, files: list[Path], root: Path) -> None:
    for f in sorted(files):
        h.update(str(f.relative_to(root)).encode())
        h.update(hashlib.sha256(f.read_bytes()).digest())


def inputs_fingerprint(data_dir: Path) -> str:
    """What every job shares: input data, reference data, package code and the dependency lock."""
    h = hashlib.sha256()
    data_dir = Path(data_dir)
    _hash_files(h, [p for p in data_dir.rglob("*") if p.is_file()], data_dir)
    for folder in (
        paths.REFERENCE_DIR,
        paths.FACTS_DIR,
        paths.RECOMMENDATIONS_DIR,
        paths.ROOT / "lps_analysis",
    ):
        files = [p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
        _hash_files(h, files, folder.parent if folder == paths.RECOMMENDATIONS_DIR else paths.ROOT)
    _hash_files(h, [paths.ROOT / "constraints.txt"], paths.ROOT)
    return h.hexdigest()


def job_key(job: Job, shared: str) -> str:
    """Cache key of a job: the shared fingerprint + its notebook, parameters and formats."""
    h = hashlib.sha256(shared.encode())
    h.update(job.notebook.read_bytes())
    h.update(json.dumps(job.parameters, sort_keys=True).encode())
    h.update(",".join(job.formats).encode())
    return h.hexdigest()

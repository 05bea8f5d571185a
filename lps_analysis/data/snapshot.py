"""The validated-data snapshot: a run checks the data folder once; its jobs read checked tables.

`lps run` validates the data folder before any job starts and writes what it loaded to
`<out>/.snapshot/<key>/` (one Arrow IPC file per table, `snapshot.json` with the notes and the
SHA-256 of every input file). Each job's kernel gets the folder in `LPS_DATA_SNAPSHOT`; there
`load_dataset` returns the snapshot's tables instead of re-reading and re-validating the raw
files, but only when the data folder it is asked for still hashes to what the snapshot
recorded. Without the variable (a notebook run in JupyterLab) or on any mismatch, the raw
files are validated as always. Arrow IPC holds typed columns only: nothing in it executes.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

SNAPSHOT_ENV = "LPS_DATA_SNAPSHOT"
MANIFEST = "snapshot.json"
FORMAT = 1


def input_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under `folder`, by its path relative to the folder."""
    from lps_analysis.atomic import sha256_file

    folder = Path(folder)
    return {
        p.relative_to(folder).as_posix(): sha256_file(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def write_snapshot(dataset, root: Path, key: str, inputs: dict[str, str]) -> Path:
    """Write `dataset` (validated) under `root/key`; other keys' snapshots are removed.

    `key` names what the tables were checked under (inputs, package code, lock); `inputs` are
    the data folder's file hashes the reading side compares with.
    """
    import pyarrow as pa

    root = Path(root)
    target = root / key
    root.mkdir(parents=True, exist_ok=True)
    # Written afresh by every run (never trusted from an earlier one); one at a time.
    for old in root.iterdir():
        shutil.rmtree(old, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{key[:12]}.", dir=root))
    tables = {}
    for name, table in dataset.tables.items():
        arrow = pa.Table.from_pandas(table.frame, preserve_index=True)
        with pa.OSFile(str(staging / f"{name}.arrow"), "wb") as sink:
            with pa.ipc.new_file(sink, arrow.schema) as writer:
                writer.write_table(arrow)
        relative = Path(table.path).resolve().relative_to(Path(dataset.folder).resolve())
        tables[name] = {
            "file": f"{name}.arrow",
            "path": relative.as_posix(),
            "notes": table.notes,
            "dtypes": {str(c): str(t) for c, t in table.frame.dtypes.items()},
            "columns": str(table.frame.columns.dtype),
        }
    manifest = {"format": FORMAT, "inputs": inputs, "tables": tables, "notes": dataset.notes}
    (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    os.replace(staging, target)
    return target


def read_snapshot(folder: Path):
    """The snapshot's Dataset for `folder` when `LPS_DATA_SNAPSHOT` names one of exactly its
    files; else None (the caller validates the raw files)."""
    where = os.environ.get(SNAPSHOT_ENV)
    if not where:
        return None
    snapshot = Path(where)
    try:
        manifest = json.loads((snapshot / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if manifest.get("format") != FORMAT or manifest.get("inputs") != input_hashes(folder):
        return None
    return _load(snapshot, Path(folder), manifest)


def _load(snapshot: Path, folder: Path, manifest: dict):
    import pyarrow as pa

    from lps_analysis.data.validate import Dataset, LoadedTable

    tables = {}
    for name, entry in manifest["tables"].items():
        with pa.memory_map(str(snapshot / entry["file"]), "r") as source:
            arrow = pa.ipc.open_file(source).read_all()
        frame = _as_validated(arrow, entry["dtypes"], entry["columns"])
        tables[name] = LoadedTable(name, folder / entry["path"], frame, list(entry["notes"]))
    return Dataset(folder, tables, list(manifest["notes"]))


def _as_validated(arrow, dtypes: dict[str, str], columns: str):
    """The frame with the dtypes validation gave it: `object` text columns come back as the
    same Python values (None for a missing one), not as pandas' `str`."""
    import pandas as pd

    frame = arrow.to_pandas()
    for column, dtype in dtypes.items():
        if dtype == "object":
            values = arrow.column(column).to_pylist()
            frame[column] = pd.Series(values, index=frame.index, dtype=object)
    frame.columns = frame.columns.astype(columns)
    return frame

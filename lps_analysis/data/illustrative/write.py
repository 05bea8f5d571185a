"""Writing the illustrative tables to files: `write_sample_data` (`lps sample-data`).

`sidecar` is the `.meta.yaml` of a table (title, producer, licence, provenance, how it was
generated, and the true effect beside institution_outcomes); `_write_table` writes CSV or
Parquet; `write_sample_data` writes them all atomically into a folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import yaml

from lps_analysis.data.illustrative.common import (
    LICENCE,
    PARQUET_TABLES,
    PRODUCER,
    PROVENANCE,
    TABLE_ORDER,
)
from lps_analysis.data.illustrative.core import IllustrativeData, generate

_TITLES = {
    "talent_stock": "【示例数据】人才规模总量（2015—2020年，分区县、分人才类别）",
    "recruitment": "【示例数据】人才引进（2013—2021年，分区县、渠道、层次）",
    "institutions": "【示例数据】东西部协作受援单位（学校、医院）",
    "exchanges": "【示例数据】东西部协作人才交流（与大连互派，2016—2020年）",
    "institution_outcomes": "【示例数据】受援单位成效指标（2013—2022年）",
    "platforms": "【示例数据】人才平台（国家级6个、省级15个）",
    "platform_outputs": "【示例数据】人才平台产出（2016—2020年）",
    "talent_records": "【示例数据】人才个人记录（脱敏，2020年）",
}


def sidecar(name: str, data: IllustrativeData) -> dict:
    """The `.meta.yaml` content of one generated table."""
    meta = {
        "title": _TITLES[name],
        "producer": PRODUCER,
        "url": "",
        "date_accessed": "",
        "date_published": "",
        "licence": LICENCE,
        "provenance": PROVENANCE,
        "notes": (
            f"示例数据：由程序生成，不是真实统计，不得作为事实引用。Generated example data, not "
            f"real: seed={data.seed}, scale={data.scale:g} (lps sample-data --seed "
            f"{data.seed} --scale {data.scale:g}). {data.notes[name]}"
        ),
        "seed": data.seed,
        "scale": float(data.scale),
    }
    if name == "institution_outcomes":
        meta["true_effect"] = data.truth
    return meta


def _write_table(frame: pd.DataFrame, path: Path) -> None:
    if path.suffix == ".parquet":
        frame.to_parquet(path, index=False, engine="pyarrow", compression="zstd")
    else:
        frame.to_csv(
            path,
            index=False,
            encoding="utf-8",
            lineterminator="\n",
            date_format="%Y-%m-%d",
            float_format="%.10g",
        )


def write_sample_data(out_dir: Path, seed: int = 0, scale: float = 1.0) -> list[Path]:
    """Write every illustrative table with its sidecar into `out_dir`; return the files written.

    All files are written into a temporary sibling folder first and moved into `out_dir` only
    when every one is complete, so a failure leaves no partial output. Files of the same table
    in another format already in `out_dir` are refused (the folder would hold two versions).
    """
    out_dir = Path(out_dir)
    files = {
        name: f"{name}.parquet" if name in PARQUET_TABLES else f"{name}.csv" for name in TABLE_ORDER
    }
    if out_dir.is_dir():
        clashes = sorted(
            p.name
            for name, file in files.items()
            for p in out_dir.glob(f"{name}.*")
            if p.suffix.lower() in (".csv", ".xlsx", ".parquet") and p.name != file
        )
        if clashes:
            raise FileExistsError(
                f"{out_dir} already holds {', '.join(clashes)}: remove them first (a table may "
                f"have one file only)."
            )
    data = generate(seed=seed, scale=scale)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=out_dir.parent))
    try:
        written = []
        for name in TABLE_ORDER:
            path = staging / files[name]
            _write_table(data.tables[name], path)
            meta_path = staging / f"{name}.meta.yaml"
            meta_path.write_text(
                yaml.safe_dump(sidecar(name, data), allow_unicode=True, sort_keys=False, width=100),
                encoding="utf-8",
            )
            written += [path.name, meta_path.name]
        out_dir.mkdir(parents=True, exist_ok=True)
        for file in written:
            os.replace(staging / file, out_dir / file)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sorted(out_dir / file for file in written)

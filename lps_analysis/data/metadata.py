"""Metadata sidecars: every data file `x.csv` has `x.meta.yaml` saying where it came from."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from lps_analysis.data.vocab import PROVENANCE_KINDS

REQUIRED_KEYS = (
    "title",
    "producer",
    "url",
    "date_accessed",
    "date_published",
    "licence",
    "provenance",
    "notes",
)
_DATE = re.compile(r"^(\d{4}(-\d{2}(-\d{2})?)?)?$")


def sidecar_path(data_file: Path) -> Path:
    """The sidecar of a data file: same folder, same stem, `.meta.yaml`."""
    data_file = Path(data_file)
    return data_file.with_name(data_file.name.split(".")[0] + ".meta.yaml")


def read_metadata(data_file: Path) -> dict:
    """Read a data file's sidecar (no checks; see `metadata_problems`)."""
    with open(sidecar_path(data_file), encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def metadata_problems(meta: dict) -> list[str]:
    """What is wrong with a sidecar's content, as English sentences; empty when valid."""
    problems = [f"missing key {k!r}" for k in REQUIRED_KEYS if k not in meta]
    for key in ("title", "producer", "licence", "notes"):
        if key in meta and not str(meta[key] or "").strip():
            problems.append(f"{key!r} is empty")
    if meta.get("provenance") not in PROVENANCE_KINDS:
        problems.append(
            f"provenance {meta.get('provenance')!r} is not one of {sorted(PROVENANCE_KINDS)}"
        )
    for key in ("date_accessed", "date_published"):
        if key in meta and not _DATE.match(str(meta[key] or "")):
            problems.append(f"{key!r} is not YYYY, YYYY-MM or YYYY-MM-DD: {meta[key]!r}")
    url = str(meta.get("url") or "")
    if url and not url.startswith(("http://", "https://")):
        problems.append(f"url is not http(s): {url!r}")
    return problems

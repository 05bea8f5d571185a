"""Named metrics recorded by notebooks (DESIGN.md 'Metrics contract').

A notebook creates one `Metrics` for its scope, records each figure it reports, and saves them to
the path the pipeline passes in as a parameter; in JupyterLab (no path) they stay in memory.
The pipeline merges the files of a scope into `reports/<scope-slug>/metrics.json`.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

METRIC_ID = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
BOUNDS = ("exact", "lower", "approx")
PROVENANCES = ("article", "official", "analyst", "illustrative", "derived")


@dataclass(frozen=True)
class Metric:
    id: str
    value: float
    unit: str
    provenance: str = "derived"
    bound: str = "exact"


@dataclass
class Metrics:
    """The metrics of one (scope, notebook) run."""

    scope: str
    path: str | Path | None = None
    items: dict[str, Metric] = field(default_factory=dict)

    def record(
        self, metric_id: str, value, *, unit: str, provenance: str = "derived", bound: str = "exact"
    ):
        """Record a metric and return its value (so a notebook can record and use it in one line).

        `value` must be a finite number: a share is 0.35, not 35. A missing figure is not recorded
        (returns None) — the report says it is missing instead.
        """
        if not METRIC_ID.match(metric_id):
            raise ValueError(f"metric id {metric_id!r} is not dotted lowercase")
        if bound not in BOUNDS:
            raise ValueError(f"bound {bound!r} not in {BOUNDS}")
        if provenance not in PROVENANCES:
            raise ValueError(f"provenance {provenance!r} not in {PROVENANCES}")
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"metric {metric_id} is not finite: {value!r}")
        if number.is_integer() and abs(number) < 2**53:
            number = int(number)
        self.items[metric_id] = Metric(metric_id, number, unit, provenance, bound)
        return value

    def get(self, metric_id: str) -> Metric:
        return self.items[metric_id]

    def to_records(self) -> list[dict]:
        return [asdict(self.items[k]) for k in sorted(self.items)]

    def save(self) -> Path | None:
        """Write the metrics as JSON to `path` atomically; nothing when `path` is None."""
        if self.path is None:
            return None
        payload = {"scope": self.scope, "metrics": self.to_records()}
        return write_json_atomic(Path(self.path), payload)


def write_json_atomic(path: Path, payload) -> Path:
    """Write JSON under a temporary name in the same folder, then rename over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, ensure_ascii=False, indent=2, sort_keys=False)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load_metrics(path: Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)

"""Named metrics recorded by notebooks (DESIGN.md 'Metrics contract').

A notebook creates one `Metrics` for its scope, records each figure it reports, and saves them to
the path the pipeline passes in as a parameter; in JupyterLab (no path) they stay in memory.
The pipeline merges the files of a scope into `reports/<scope-slug>/metrics.json`.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from lps_analysis import fmt
from lps_analysis.value import Value
from lps_analysis.viz import printsize

METRIC_ID = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
BOUNDS = ("exact", "lower", "approx")
PROVENANCES = ("article", "official", "analyst", "illustrative", "derived")


@dataclass(frozen=True)
class Metric:
    id: str
    value: float | None
    unit: str
    provenance: str = "derived"
    bound: str = "exact"
    sources: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()

    def as_value(self) -> Value:
        """The metric as a :class:`Value` (what the brief formats and combines)."""
        return Value(
            self.value,
            self.unit,
            self.provenance,
            self.bound,
            tuple(self.sources),
            tuple(self.missing),
        )


@dataclass
class Metrics:
    """The metrics of one (scope, notebook) run."""

    scope: str
    path: str | Path | None = None
    items: dict[str, Metric] = field(default_factory=dict)

    def record(
        self,
        metric_id: str,
        value,
        *,
        unit: str | None = None,
        provenance: str | None = None,
        bound: str | None = None,
    ):
        """Record a metric and return its value (so a notebook can record and use it in one line).

        `value` is a :class:`Value` (its unit, provenance, bound and sources are kept; `unit`
        may rename the unit), or a plain finite number with `unit` and `provenance` stated (the
        number itself is the source: an article fact or an input row). A share is 0.35, not 35.
        A missing value is recorded as missing (``value: null`` with the tables that would supply
        it), never as 0.
        """
        if not METRIC_ID.match(metric_id):
            raise ValueError(f"metric id {metric_id!r} is not dotted lowercase")
        if isinstance(value, Value):
            v = value if unit is None else value.with_unit(unit)
        else:
            if unit is None or provenance is None:
                raise ValueError(f"metric {metric_id}: a plain number needs unit and provenance")
            if bound is not None and bound not in BOUNDS:
                raise ValueError(f"bound {bound!r} not in {BOUNDS}")
            if provenance not in PROVENANCES:
                raise ValueError(f"provenance {provenance!r} not in {PROVENANCES}")
            if value is not None and not (isinstance(value, float) and math.isnan(value)):
                if not math.isfinite(float(value)):
                    raise ValueError(f"metric {metric_id} is not finite: {value!r}")
            v = Value(value, unit, provenance, bound or "exact")
        number = v.value
        if number is not None and number.is_integer() and abs(number) < 2**53:
            number = int(number)
        self.items[metric_id] = Metric(
            metric_id, number, v.unit, v.provenance, v.bound, v.sources, v.missing
        )
        return value

    def get(self, metric_id: str) -> Metric:
        return self.items[metric_id]

    def to_records(self) -> list[dict]:
        out = []
        for key in sorted(self.items):
            record = asdict(self.items[key])
            record["sources"] = list(record["sources"])
            record["missing"] = list(record["missing"])
            out.append(record)
        return out

    def save(self) -> Path | None:
        """Write the metrics as JSON to `path` atomically; nothing when `path` is None."""
        if self.path is None:
            return None
        payload = {
            "scope": self.scope,
            "metrics": self.to_records(),
            # what the notebook printed, for the honesty audit (not merged into metrics.json)
            "printed": fmt.printed_records(),
            # every chart shown, with its smallest text at print size (the layout check)
            "charts": list(printsize.CHARTS),
        }
        return write_json_atomic(Path(self.path), payload)


def write_json_atomic(path: Path, payload) -> Path:
    """Write JSON under a temporary name in the same folder, then rename over `path`."""
    from lps_analysis.atomic import write_atomic

    text = json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    return write_atomic(Path(path), text)


def load_metrics(path: Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


# Which analysis records the metrics of each id family (for "暂无数据" notes).
ANALYSES = {
    "talent": "人才结构分析（01）",
    "exchange": "东西部协作分析（02）",
    "platforms": "平台产出分析（03）",
    "platform_outputs": "平台产出分析（03）",
    "introduced_talent": "平台产出分析（03）",
    "innovation": "平台产出分析（03）",
}


def analyses_without_results(metrics: dict[str, Metric]) -> list[str]:
    """The analyses (by their report names, in order) that recorded no metric here."""
    ran = {ANALYSES[k.split(".")[0]] for k in metrics if k.split(".")[0] in ANALYSES}
    return [name for name in dict.fromkeys(ANALYSES.values()) if name not in ran]


def metric_from_record(record: dict) -> Metric:
    """A metric as a metrics file holds it (unknown keys left out, lists as tuples)."""
    names = {f.name for f in fields(Metric)}
    kept = {k: v for k, v in record.items() if k in names}
    for key in ("sources", "missing"):
        kept[key] = tuple(kept.get(key) or ())
    return Metric(**kept)


def read_metrics(folder: str | Path) -> dict[str, Metric]:
    """The metrics of one scope, by id: every `*.json` of `folder` except the brief's own (00_*).

    Falls back to the merged `metrics.json` beside the folder; empty when neither exists.
    """
    folder = Path(folder)
    files = [f for f in sorted(folder.glob("*.json")) if not f.name.startswith("00_")]
    if not files and (folder.parent / "metrics.json").exists():
        files = [folder.parent / "metrics.json"]
    out: dict[str, Metric] = {}
    for path in files:
        for record in json.loads(path.read_text(encoding="utf-8")).get("metrics", []):
            metric = metric_from_record(record)
            out[metric.id] = metric
    return out

"""The brief's inputs and how it shows a number: metrics files, facts, and cited values.

The brief computes nothing new. Every number it prints is a metric another notebook recorded
(`reports/<slug>/.metrics/*.json`, merged into `metrics.json`) or a row of the article's fact
base, turned into a :class:`~lps_analysis.value.Value` and printed by :mod:`lps_analysis.fmt`, so
its mark comes from the value. Each number is kept as a :class:`Cite` beside the text that shows
it, so a test can check every figure of the brief against `metrics.json` and `facts.csv`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lps_analysis import fmt, paths
from lps_analysis.data.reference import fact_value, show_fact
from lps_analysis.data.registry import Scope, current_scopes
from lps_analysis.data.vocab import TOTAL_CATEGORY_ZH
from lps_analysis.exchange import FIELD_INDICATORS
from lps_analysis.metrics import ANALYSES, Metric, read_metrics
from lps_analysis.value import Value

MISSING = "暂无数据"

# The input tables by the names a county analyst knows them (for "缺少…表" notes).
TABLE_NAMES = {
    "talent_stock": f"{TOTAL_CATEGORY_ZH}表（talent_stock）",
    "population": "常住人口表（population）",
    "exchanges": "东西部协作交流表（exchanges）",
    "institution_outcomes": "受援单位指标表（institution_outcomes）",
    "platforms": "人才平台表（platforms）",
    "platform_outputs": "平台产出表（platform_outputs）",
    "talent_records": "人才个人记录表（talent_records）",
    "recruitment": "人才引进表（recruitment）",
}

# ---------------------------------------------------------------------------------------------
# Reading the metrics files (the brief's only I/O)


def metrics_folder(scope: Scope, metrics_dir: str | Path | None = None) -> Path:
    """The folder holding the scope's per-notebook metrics (`reports/<slug>/.metrics` by default)."""
    return Path(metrics_dir) if metrics_dir else paths.REPORTS_DIR / scope.slug / ".metrics"


def read_county_metrics(folder: str | Path) -> dict[str, dict[str, Metric]]:
    """Each county's metrics, found beside the city's folder (`<reports>/<county-slug>/`).

    The per-notebook files under `.metrics/` are read first (each job writes its file when it
    finishes, so they are never older than the merged `metrics.json`), else `metrics.json`.
    Counties with neither are left out.
    """
    root = Path(folder).parent.parent
    out = {}
    for scope in current_scopes():
        if scope.level != "county":
            continue
        found = read_metrics(root / scope.slug / ".metrics")
        if found:
            out[scope.code] = found
    return out


# ---------------------------------------------------------------------------------------------
# Numbers as shown, each with the metric or fact it comes from


@dataclass(frozen=True)
class Cite:
    """One number shown in the brief and where it comes from.

    `source` is a metric id, or `fact:F007` for a row of the fact base; `value` is the figure
    (its provenance, bound and sources decide its mark); `text` is the number as printed by
    :func:`lps_analysis.fmt.show`, mark included, e.g. `≥3,540人`, `42.8万人`, `+43.53%*`.
    """

    source: str
    text: str
    value: Value

    @property
    def number(self) -> float:
        return self.value.value

    @property
    def illustrative(self) -> bool:
        return self.value.illustrative

    @property
    def provenance(self) -> str:
        return self.value.provenance

    def shown(self) -> str:
        return self.text


# An effect (a difference) is written in its indicator's unit.
_EFFECT_WORDS = {ind.unit: ind.unit_zh for ind in FIELD_INDICATORS.values() if ind.unit != "ratio"}


def show_metric(v: Value, *, signed: bool = False, digits: int | None = None, effect=False) -> str:
    """A metric's value as the brief prints it (the style follows the unit)."""
    if effect:
        if v.unit in ("ratio", "percentage_points", "pp"):
            return fmt.show(v, style="pp", digits=2 if digits is None else digits)
        if v.unit in _EFFECT_WORDS:
            return fmt.show(v, signed=True, digits=1, word=_EFFECT_WORDS[v.unit])
        return fmt.show(v, signed=True, digits=2 if digits is None else digits)
    if v.unit == "ratio":
        return fmt.show(v, style="pct", digits=2 if digits is None else digits, signed=signed)
    if v.unit in ("index", "p_value"):
        return fmt.show(v, style="index", digits=3 if digits is None else digits)
    if v.unit in ("persons", "person_visits") and v.value is not None and abs(v.value) >= 10_000:
        return fmt.show(v, style="wan", digits=2 if digits is None else digits, signed=signed)
    if v.unit == "persons_per_10k":
        return fmt.show(v, digits=0)
    return fmt.show(v, signed=signed, digits=digits)


class Numbers:
    """Cites for one scope: its metrics and (at the scope the article speaks of) its facts."""

    def __init__(self, metrics: dict[str, Metric], facts: pd.DataFrame | None, scope_code: str):
        self.metrics = metrics
        self.facts = (
            facts[facts.scope_code.astype(str) == scope_code].set_index("fact_id")
            if facts is not None and len(facts)
            else pd.DataFrame()
        )

    def has_family(self, family: str) -> bool:
        """Whether the analysis that records this id family ran (any of its families is here)."""
        analysis = ANALYSES.get(family)
        return any(
            k.split(".")[0] == family or (analysis and ANALYSES.get(k.split(".")[0]) == analysis)
            for k in self.metrics
        )

    def gap(self, metric_id: str) -> tuple[str, ...]:
        """The input tables a metric recorded as missing would need (empty if not recorded)."""
        m = self.metrics.get(metric_id)
        return tuple(m.missing) if m is not None and m.value is None else ()

    def value(self, metric_id: str) -> Value | None:
        m = self.metrics.get(metric_id)
        if m is None or m.value is None:
            return None
        v = m.as_value()
        return None if v.value is None else v

    def metric(
        self, metric_id: str, *, signed: bool = False, digits: int | None = None, effect=False
    ) -> Cite | None:
        v = self.value(metric_id)
        if v is None:
            return None
        return Cite(metric_id, show_metric(v, signed=signed, digits=digits, effect=effect), v)

    def fact(self, fact_id: str) -> Cite | None:
        if fact_id not in self.facts.index:
            return None
        row = self.facts.loc[fact_id]
        v = fact_value(row, fact_id)
        return Cite(f"fact:{fact_id}", show_fact(v, row.get("stated", "")), v)

    def get(self, source: str) -> Cite | None:
        if source.startswith("fact:"):
            return self.fact(source[5:])
        return self.metric(source)


def missing_reason(numbers: Numbers, metric_id: str, otherwise: str) -> str:
    """Why a figure is missing: the table it would need, the analysis not run, or `otherwise`."""
    tables = numbers.gap(metric_id)
    if tables:
        names = "、".join(TABLE_NAMES.get(t, t) for t in tables if t != "—")
        if names:
            return f"数据中没有{names}，未计算（不以零代替）。"
    family = metric_id.split(".")[0]
    if family in ANALYSES and not numbers.has_family(family):
        return f"{ANALYSES[family]}尚无结果。"
    return otherwise


def join(parts: list[str], sep: str = "，") -> str:
    return sep.join(p for p in parts if p)


# ---------------------------------------------------------------------------------------------
# Report tables

# A number with its unit and mark, or a year: never split across lines in a cell.
_UNBREAKABLE = re.compile(
    r"\d{4}年"
    r"|[≥约+\-]?\d[\d,]*(?:\.\d+)?"
    r"(?:万元|万?(?:个百分点|人次|台次/年|人|个|项|件|张|套|家|次|年|%))?"
    + re.escape(fmt.ILLUSTRATIVE_MARK)
    + "?"
)


def _cell_html(value) -> str:
    """A table cell as HTML: escaped, numbers with their units kept on one line."""
    text = html.escape(str(value), quote=False)
    return _UNBREAKABLE.sub(lambda m: f'<span class="lps-nw">{m.group(0)}</span>', text)


def styled(
    frame: pd.DataFrame,
    *,
    uuid: str,
    widths: tuple[float, ...],
    nowrap: tuple[int, ...] = (),
    emphasis: tuple[int, ...] = (),
    right: tuple[int, ...] = (),
    grouped: bool = False,
    font_size: str | None = None,
):
    """A report table: full width, fixed column widths (%), text left-aligned, no index.

    `grouped` draws the rows in pairs (the two sides of one balance). Cell text is HTML-escaped.
    """
    styles = [
        {
            "selector": "",
            "props": "width: 100%; table-layout: fixed; margin-top: 0.3em;"
            + (f" font-size: {font_size};" if font_size else ""),
        },
        {
            "selector": "td, th",
            "props": "text-align: left; white-space: normal; box-sizing: border-box;",
        },
    ]
    for i, width in enumerate(widths):
        styles.append({"selector": f".col{i}", "props": f"width: {width}%;"})
    for i in nowrap:
        styles.append({"selector": f"td.col{i}", "props": "white-space: nowrap;"})
    for i in emphasis:
        styles.append({"selector": f"td.col{i}", "props": "font-weight: 700; color: #8b1e1e;"})
    for i in right:
        styles.append({"selector": f"td.col{i}, th.col{i}", "props": "text-align: right;"})
    if grouped:
        styles += [
            {"selector": "tbody tr", "props": "background: none;"},
            {
                "selector": "tbody tr:nth-child(odd) td",
                "props": "border-bottom: 1px dotted #c9d2dc;",
            },
            {
                "selector": "tbody tr:nth-child(even) td",
                "props": "border-bottom: 1px solid #9aa5b1;",
            },
        ]
    styles.append({"selector": "span.lps-nw", "props": "white-space: nowrap;"})
    return (
        frame.style.hide(axis="index")
        .format(_cell_html)
        .set_uuid(uuid)
        .set_table_attributes('class="dataframe lps-brief-table"')
        .set_table_styles(styles)
    )

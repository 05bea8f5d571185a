"""The talent.* metrics of notebook 01 (DESIGN.md's metrics contract), recorded as values.

Each metric keeps the provenance, bound and sources of the figure it records; a figure that
cannot be computed is recorded as missing, naming the table that would supply it -- never 0.
"""

from __future__ import annotations

import pandas as pd

from lps_analysis.data.vocab import TOTAL_CATEGORY
from lps_analysis.metrics import Metrics
from lps_analysis.structure import cell_value
from lps_analysis.value import Value
from lps_analysis.views.structure import REPORTED_CATEGORIES, StructureView

SHIFT_SHARE_PARTS = ("reference", "mix", "local")


def _pick(frame: pd.DataFrame, **keys) -> pd.Series | None:
    selected = frame
    for column, wanted in keys.items():
        selected = selected[selected[column] == wanted]
    return None if selected.empty else selected.iloc[0]


def _cell(frame, column: str, unit: str, *, prefix: str = "", table="talent_stock", **keys):
    row = _pick(frame, **keys) if len(frame) else None
    if row is None:
        return Value.absent(unit, table)
    return cell_value(row, column, unit, prefix=prefix, table=table)


def record_metrics(metrics: Metrics, view: StructureView) -> None:
    """Record every talent.* metric of the contract for the view's scope and two years."""
    completed, change, shift = view.completed, view.change, view.shift
    for year in (view.start, view.end):
        for category in (TOTAL_CATEGORY, *REPORTED_CATEGORIES):
            name = "total" if category == TOTAL_CATEGORY else category
            metrics.record(
                f"talent.{name}.{year}",
                _cell(completed, "count", "persons", year=year, category=category),
            )
            if category != TOTAL_CATEGORY:
                metrics.record(
                    f"talent.share.{category}.{year}",
                    _cell(view.shares, "share", "ratio", year=year, category=category),
                )
    metrics.record(
        "talent.total.growth", _cell(change, "change_ratio", "ratio", category=TOTAL_CATEGORY)
    )
    metrics.record("talent.total.cagr", _cell(change, "cagr", "ratio", category=TOTAL_CATEGORY))
    for category in REPORTED_CATEGORIES:
        metrics.record(
            f"talent.share_change_pp.{category}",
            _cell(
                change, "share_change_pp", "percentage_points", prefix="share_", category=category
            ),
        )
        for part in SHIFT_SHARE_PARTS:
            metrics.record(
                f"talent.shift_share.{category}.{part}",
                _cell(shift, f"{part}_component", "persons", category=category),
            )
    metrics.record("talent.dissimilarity", view.dissimilarity)
    _record_density(metrics, view)


def _record_density(metrics: Metrics, view: StructureView) -> None:
    """Per-10k figures for every year with a population; the end year missing when it has none."""
    for rec in view.density.itertuples(index=False):
        metrics.record(f"talent.per_10k.{rec.year}", rec.per_10k)
    if view.end not in set(view.density.year):
        total = _pick(view.completed, year=view.end, category=TOTAL_CATEGORY)
        lacking = "talent_stock" if total is None else "population"
        metrics.record(f"talent.per_10k.{view.end}", Value.absent("persons_per_10k", lacking))

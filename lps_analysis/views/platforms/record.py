"""The metrics of notebook 03, recorded as Values (provenance, bound and sources carried).

Ids say what a figure is about: ``platforms.*`` platform counts; ``platform_outputs.*`` what
the platforms in the data produced; ``introduced_talent.*`` the article's figures for projects,
funding and patents of introduced talents (F035–F037, city only); ``innovation.*`` the
article's city-wide patent figures (F022, F023, city only). A missing figure is recorded as
missing, never as 0.
"""

from __future__ import annotations

from lps_analysis import platforms as pf
from lps_analysis.metrics import Metrics
from lps_analysis.value import Value
from lps_analysis.views.platforms.build import TOP_FRACTION, PlatformView
from lps_analysis.views.platforms.sentences import patents_growth, stock_change


def record_metrics(metrics: Metrics, view: PlatformView) -> None:
    """Record every figure notebook 03 reports."""
    for metric_id, value in {**view.counts, **view.introduced, **view.city_patents}.items():
        metrics.record(metric_id, value)
    change = stock_change(view)
    if change is not None:
        first, last, ratio = change
        metrics.record(f"platforms.stock.{view.start}", first)
        metrics.record(f"platforms.stock.{view.end}", last)
        metrics.record("platforms.stock_growth", ratio)
    _record_outputs(metrics, view)
    _record_density(metrics, view)
    _record_concentration(metrics, view)
    if view.poisson is not None:
        metrics.record(
            "platform_outputs.poisson_rate_ratio", view.poisson.value(view.poisson.rate_ratio)
        )


def _record_outputs(metrics: Metrics, view: PlatformView) -> None:
    t = view.totals
    for column in ("projects_approved", "funding_10k_yuan", "patents_applied", "patents_granted"):
        metrics.record(
            f"platform_outputs.{column}",
            t.get(column, Value.absent(pf.OUTPUT_UNITS[column], "platform_outputs")),
        )
    if "funding_10k_yuan" in t:
        metrics.record(
            "platform_outputs.funding_per_project_10k_yuan",
            pf.funding_per_project(t["funding_10k_yuan"], t["projects_approved"]),
        )
    if "exposure_years" in t:
        for column, unit in (("patents_granted", "patents"), ("projects_approved", "projects")):
            metrics.record(
                f"platform_outputs.{column}_per_platform_year",
                pf.per_platform_year(t[column], t["exposure_years"], f"{unit}_per_platform_year"),
            )
    growth = patents_growth(view)
    if growth is not None:
        metrics.record("platform_outputs.patents_granted_growth", growth[2])


def _record_density(metrics: Metrics, view: PlatformView) -> None:
    for rec in view.density.itertuples(index=False):
        metrics.record(
            f"platform_outputs.patents_per_10k.{rec.year}",
            Value(rec.granted_flow_per_10k, "patents_per_10k", **rec.flow_marks),
        )
        # Cumulative grants since the data begin: neither a lower nor an upper bound of 拥有量.
        stock = Value(rec.granted_stock_per_10k, "patents_per_10k", **rec.stock_marks)
        metrics.record(
            f"platform_outputs.patents_stock_per_10k.{rec.year}",
            Value(stock.value, stock.unit, stock.provenance, "approx", stock.sources),
        )


def _record_concentration(metrics: Metrics, view: PlatformView) -> None:
    row = view.concentration[view.concentration.output == "patents_granted"]
    for name, column, unit in (
        ("hhi", "hhi", "index"),
        ("gini", "gini", "index"),
        (f"top{round(TOP_FRACTION * 100)}_share", "top_share", "ratio"),
    ):
        value = (
            Value.absent(unit, "platform_outputs")  # nothing reported: missing, not 0
            if row.empty
            else pf.value_of(row.iloc[0], column, unit, table="platform_outputs")
        )
        metrics.record(f"platform_outputs.concentration_{name}", value)

"""What notebook 02 shows: the east–west exchanges, and how the aided institutions' indicators
differed after them.

Turns validated tables into the frames, sentences and metrics of the exchange report. No file
I/O: the notebook passes in what `lps_analysis.data` loaded.

Where the figures come from: at city scope the total exchanged and the new technologies and
projects are the article's (fact base F028, F029; 40余项 is a lower bound, shown ≥); the
partner cities and their teams come from official pages (``east_west_partners``), never from
the article, which names neither; everything else — persons per field, person-months,
institutions, the estimates — is computed from the data, and every number takes its mark from
the rows it was computed from (:mod:`.base`). At county scope the article gives no figure.

By what a reader looks for: :mod:`.descriptive` (section 一), :mod:`.partners`, :mod:`.effect`
(section 二), :mod:`.wording` (what may be said; the caveats).
"""

from __future__ import annotations

import pandas as pd

from lps_analysis import exchange as ex
from lps_analysis import fmt
from lps_analysis.data.registry import Scope
from lps_analysis.data.tables import FIELDS
from lps_analysis.metrics import Metrics
from lps_analysis.textsafe import md_text
from lps_analysis.value import Value
from lps_analysis.views.structure import banner

from .base import (
    EXCHANGES,
    OUTCOMES,
    ExchangeView,
    basis_value,
    empty_exchanges,
    estimate_basis,
    in_window,
    on_basis,
    scope_codes,
)
from .descriptive import (
    BREAKDOWN_LABELS,
    article_figures,
    article_sentence,
    breakdown,
    data_sentence,
    exposure_sentence,
    field_year_totals,
    headline_figures,
    tables_note,
    totals_table,
    totals_values,
    years_text,
)
from .effect import (
    att_label,
    att_value,
    chart_scale,
    confidence,
    effect_sentence,
    effect_text,
    estimability_reasons,
    event_study_points,
    intensity_sentence,
    intensity_table,
    not_estimated_sentence,
    p_text,
    pretrend_sentence,
    robustness_table,
)
from .effect import tables_note as estimate_tables_note
from .partners import METRIC_IDS as PARTNER_METRIC_IDS
from .partners import partner_values, partners_markdown
from .wording import CAUSAL_WORDS, causal_wording_allowed, caveats, caveats_markdown

__all__ = [
    "BREAKDOWN_LABELS",
    "CAUSAL_WORDS",
    "ExchangeView",
    "article_sentence",
    "att_label",
    "att_value",
    "build",
    "causal_wording_allowed",
    "caveats",
    "caveats_markdown",
    "chart_scale",
    "confidence",
    "data_sentence",
    "effect_sentence",
    "effect_text",
    "estimate_tables_note",
    "event_study_points",
    "exposure_sentence",
    "field_year_totals",
    "intensity_sentence",
    "intensity_table",
    "not_estimated_sentence",
    "p_text",
    "partners_markdown",
    "pretrend_sentence",
    "record_metrics",
    "robustness_table",
    "scope_codes",
    "tables_note",
    "totals_table",
    "totals_values",
    "years_text",
]


def _panel_notes(panel: ex.Panel, basis: Value, indicator: ex.Indicator) -> list[str]:
    def n(number):
        return fmt.show(basis_value(basis, number, "institutions"))

    notes = []
    if panel.incomplete:
        notes.append(
            f"{n(len(panel.incomplete))}单位缺少部分年份的{indicator.label_zh}"
            f"（共缺{fmt.show(basis_value(basis, panel.missing_institution_years, ''), style='bare')}"
            "个单位·年）；只舍去缺失的年份，"
            "这些单位其余年份的数据仍参与效应估计。"
        )
    if panel.dropped_one_year:
        notes.append(
            f"{n(len(panel.dropped_one_year))}单位只有一年的{indicator.label_zh}，"
            "无法计算变化，未纳入效应估计。"
        )
    if panel.dropped_always_treated:
        notes.append(
            f"{n(len(panel.dropped_always_treated))}单位在起始年已开始交流、没有交流前的观测，"
            "未纳入效应估计。"
        )
    return notes


def build(
    scope: Scope,
    *,
    field: str = "health",
    outcome: str | None = None,
    start: int | None = None,
    end: int | None = None,
    exchanges: pd.DataFrame | None,
    institutions: pd.DataFrame | None,
    institution_outcomes: pd.DataFrame | None,
    facts: pd.DataFrame,
    partners: pd.DataFrame | None = None,
    permutations: int = 999,
    bootstrap_draws: int = 9999,
    seed: int = 0,
) -> ExchangeView:
    """Compute every table and estimate of the exchange report; never raises on gaps.

    `field` is ``education`` or ``health``; `outcome` an indicator of `institution_outcomes`
    (None: the field's default); `start`/`end` bound the years (None: all the data have);
    `partners` the official partner rows (``load_east_west_partners()``).
    """
    if field not in FIELDS:
        raise ValueError(f"field must be one of {sorted(FIELDS)}, not {field!r}")
    indicator = ex.indicator_for(field, outcome)
    notes: list[str] = []
    missing: list[str] = []
    codes = scope_codes(scope)
    exchanges_missing = exchanges is None
    if exchanges_missing:
        missing.append(EXCHANGES)
        notes.append("数据中没有人才交流表（exchanges），交流情况和效应无法计算。")
        exchanges = empty_exchanges()
    all_mine = exchanges[exchanges["scope_code"].isin(codes)]
    mine = in_window(all_mine, start, end)
    if not exchanges_missing and mine.empty and len(exchanges):
        notes.append(f"数据中没有{scope.name_zh}的交流记录。")
    inst = None
    if institutions is not None:
        inst = institutions[institutions["scope_code"].isin(codes)]
    else:
        notes.append("数据中没有受援单位表（institutions），从未接受交流的单位无从识别。")
    article, quotes = article_figures(facts)

    panel, reasons, effect, outcome_rows = None, [], None, None
    if institution_outcomes is None:
        missing.append(OUTCOMES)
        reasons.append("数据中没有受援单位成效指标表（institution_outcomes）")
    else:
        outcome_rows = institution_outcomes[
            (institution_outcomes["indicator"] == indicator.id)
            & institution_outcomes["scope_code"].isin(codes)
        ]
        # Cohorts come from all the scope's exchanges, not only those in the window: an
        # institution first aided before `start` is always-treated (dropped), not a later cohort.
        panel = ex.outcome_panel(
            outcome_rows,
            ex.cohorts(all_mine, inst),
            indicator=indicator.id,
            field=field,
            start=start,
            end=end,
        )
    basis = estimate_basis(outcome_rows, all_mine if not exchanges_missing else None)
    if panel is not None:
        if panel.n_institutions == 0:
            reasons.append(f"数据中没有{scope.name_zh}{FIELDS[field]}领域的“{indicator.label_zh}”")
        elif ex.estimability(panel):
            reasons += estimability_reasons(panel, basis)
        notes += _panel_notes(panel, basis, indicator)
    if not reasons and panel is not None:
        try:
            effect = ex.estimate_effect(
                panel,
                ex.exposure(mine, inst),
                permutations=permutations,
                bootstrap_draws=bootstrap_draws,
                seed=seed,
            )
        except Exception as error:  # noqa: BLE001 - the report says why instead of a traceback
            reasons.append(f"估计未能完成（{type(error).__name__}：{md_text(error)}）")
    parts = {"人才交流": mine}
    if outcome_rows is not None and basis.illustrative:
        parts["受援单位成效指标"] = outcome_rows
    return ExchangeView(
        scope=scope,
        field=field,
        indicator=indicator,
        start=start,
        end=end,
        exchanges=mine,
        exchanges_missing=exchanges_missing,
        headlines=headline_figures(
            scope, None if exchanges_missing else mine, article, table=exchanges
        ),
        article=article,
        article_quotes=quotes,
        totals={by: breakdown(mine, by) for by in ex.BREAKDOWNS},
        exposure=ex.exposure(mine, inst),
        panel=panel,
        reasons=reasons,
        effect=effect,
        estimate_basis=basis,
        partners=partners,
        notes=[fmt.markdown(note) for note in notes],  # shown as Markdown
        banner=banner(parts),
        missing_tables=tuple(missing),
    )


# --------------------------------------------------------------------------- metrics


def record_metrics(metrics: Metrics, view: ExchangeView) -> None:
    """Record the exchange.* metrics as values (provenance, bound and sources kept).

    Headline figures are recorded missing (naming the table) when their table is missing; the
    estimates likewise when a table they need is missing; a scope too small to estimate records
    no estimate at all.
    """
    for metric_id, value in view.headlines.items():
        metrics.record(metric_id, value)
    if view.scope.level == "city":
        for item, value in partner_values(view.partners).items():
            if item in PARTNER_METRIC_IDS:
                metrics.record(PARTNER_METRIC_IDS[item], value)
    eff = view.effect
    unit = view.indicator.unit
    if eff is None:
        if view.missing_tables:
            for metric_id in ("exchange.att", "exchange.att_ci_low", "exchange.att_ci_high"):
                metrics.record(metric_id, Value.absent(unit, *view.missing_tables))
        return
    for metric_id, number, metric_unit in (
        ("exchange.att", eff.att, unit),
        ("exchange.att_ci_low", eff.ci_low, unit),
        ("exchange.att_ci_high", eff.ci_high, unit),
        ("exchange.att_se", eff.cs.se, unit),
        ("exchange.pretrend_p", eff.pretrend_p, "probability"),
        ("exchange.panel_institutions", eff.panel.n_institutions, "institutions"),
        ("exchange.event_study_att", eff.study.att, unit),
        ("exchange.twfe", eff.twfe.estimate, unit),
        ("exchange.randomization_p", eff.randomization.p_value, "probability"),
        (
            "exchange.wild_bootstrap_p",
            eff.bootstrap.p_value
            if eff.bootstrap is not None and eff.bootstrap.keeps_size
            else None,  # not evidence where the test does not keep its size
            "probability",
        ),
    ):
        metrics.record(metric_id, on_basis(view, number, metric_unit))

"""East–west exchange: what the exchanges were, and what they changed in the aided institutions.

Pure functions over the tidy ``exchanges`` table (one row per assignment: ``institution_id``,
``scope_code``, ``field``, ``direction``, ``partner_city``, ``start_date``, ``end_date``, ``mode``,
``persons``), the ``institutions`` table and ``institution_outcomes`` (institution × year ×
indicator). No file I/O, no printing.

Why the institution is the unit. All four counties were paired with the eastern partner at the
same time, so there is no untreated county: a four-county comparison cannot carry conventional
inference (a permutation p-value cannot go below 1/4; a Rademacher wild bootstrap has 2⁴ = 16
distinct draws). Schools and hospitals, by contrast, received exchange staff in different years
(their *cohort*: the year their first exchange assignment starts), and some never did. The
effect is therefore estimated as a staggered difference-in-differences over institutions:

- :func:`att_gt` — group-time average effects ATT(g, t) with not-yet-treated (and never-treated)
  institutions as controls, Callaway & Sant'Anna (2021), estimated by ``moderndid`` (from long
  differences where years are missing). The headline effect is the "simple" aggregation: the
  average effect over treated institution-years.
- :func:`event_study` — the Sun & Abraham (2021) interaction-weighted event study (cohort ×
  event-time effects against never-treated institutions, equal to the saturated regression
  that ``pyfixest`` runs as a cross-check); its leads give the pre-trend test.
- Intervals of every average come from the institution-level jackknife of :mod:`.inference`
  (a cohort of one institution counts fully; t with small-sample degrees of freedom).
- :func:`twfe` — the conventional two-way fixed-effects regression, kept only to show how it
  misleads when effects grow with exposure and differ by cohort (it compares later-treated
  institutions with already-treated ones).
- :func:`wild_cluster_bootstrap` — a county-level wild cluster bootstrap (Webb weights,
  ``wildboottest``) of the event study's average effect: a robustness line only, with 4
  clusters it is weak, and not printed below :data:`BOOTSTRAP_MIN_INSTITUTIONS` institutions,
  where it does not keep its size (:mod:`.montecarlo`).
- :func:`randomization_test` — a placebo test that reassigns the cohorts at random across
  institutions and re-estimates (the cohorts were not assigned at random, so this is a check of
  how unusual the estimate is, not an exact test).
- :func:`effect_by_intensity` — the effect for terciles of exposure intensity (person-months of
  exchange per year since the first exchange), with the headline's jackknife intervals
  (:func:`intensity_groups` forms the groups).

Units: persons (人), person-months (人·月, persons × months of the assignment), effects in the
indicator's own unit (a pass rate as a ratio, surgeries a year).

Modules, by what a reader looks for: :mod:`.descriptive` (totals, cohorts, exposure),
:mod:`.panel` (the panel and whether it suffices), :mod:`.callaway`, :mod:`.event_study`
(with the pre-trend test), :mod:`.inference` (cells, jackknife), :mod:`.robustness`,
:mod:`.effect` (everything at once), :mod:`.simulate` (panels with a known effect) and
:mod:`.montecarlo` (coverage and size on them). Every public name is importable from here.
"""

from lps_analysis.exchange.callaway import (
    GroupTimeATT,
    _post_cells,
    _simple_att_many,
    att_gt,
    att_gt_by_hand,
    att_gt_long_differences,
    simple_att_by_hand,
)
from lps_analysis.exchange.descriptive import (
    BREAKDOWNS,
    DAYS_PER_MONTH,
    FIELD_INDICATORS,
    Indicator,
    cohorts,
    exchange_totals,
    exposure,
    indicator_for,
    with_person_months,
)
from lps_analysis.exchange.effect import ExchangeEffect, estimate_effect
from lps_analysis.exchange.event_study import (
    INTERVAL_MIN_INSTITUTIONS,
    PRETREND_MIN_INSTITUTIONS,
    PRETREND_MIN_POWERED,
    EventStudy,
    PretrendTest,
    _sa_design,
    event_study,
    pretrend_test,
    sun_abraham_regression,
)
from lps_analysis.exchange.panel import (
    CONFIDENCE,
    MIN_INSTITUTIONS,
    MIN_NEVER_TREATED,
    MIN_TREATED,
    Z_95,
    Panel,
    _wide,
    comparison_panel,
    estimability,
    outcome_panel,
)
from lps_analysis.exchange.robustness import (
    BOOTSTRAP_MIN_INSTITUTIONS,
    Estimate,
    RandomizationTest,
    WildBootstrap,
    effect_by_intensity,
    intensity_groups,
    randomization_test,
    twfe,
    wild_cluster_bootstrap,
)
from lps_analysis.exchange.simulate import SimulatedPanel, simulate_panel

__all__ = [
    "BOOTSTRAP_MIN_INSTITUTIONS",
    "BREAKDOWNS",
    "CONFIDENCE",
    "DAYS_PER_MONTH",
    "FIELD_INDICATORS",
    "MIN_INSTITUTIONS",
    "MIN_NEVER_TREATED",
    "MIN_TREATED",
    "INTERVAL_MIN_INSTITUTIONS",
    "PRETREND_MIN_INSTITUTIONS",
    "PRETREND_MIN_POWERED",
    "Z_95",
    "Estimate",
    "EventStudy",
    "ExchangeEffect",
    "GroupTimeATT",
    "Indicator",
    "Panel",
    "PretrendTest",
    "RandomizationTest",
    "SimulatedPanel",
    "WildBootstrap",
    "att_gt",
    "att_gt_by_hand",
    "att_gt_long_differences",
    "cohorts",
    "effect_by_intensity",
    "estimability",
    "estimate_effect",
    "event_study",
    "exchange_totals",
    "exposure",
    "indicator_for",
    "intensity_groups",
    "comparison_panel",
    "pretrend_test",
    "sun_abraham_regression",
    "outcome_panel",
    "randomization_test",
    "simple_att_by_hand",
    "simulate_panel",
    "twfe",
    "wild_cluster_bootstrap",
    "with_person_months",
    "_post_cells",
    "_sa_design",
    "_simple_att_many",
    "_wide",
]

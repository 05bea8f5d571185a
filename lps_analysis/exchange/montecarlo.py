"""Monte Carlo checks of the estimators: coverage, size and power on simulated designs.

One function runs the headline (Callaway–Sant'Anna) and the event study on one simulated
panel and says, for every interval the report prints, whether it covers the truth of the cells
it estimates. The test suite runs a small fixed-seed set of :data:`DESIGNS`; ``make bench``
(``bench/bench_exchange.py``) runs the large sweep whose figures the docs quote.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from lps_analysis.exchange.callaway import att_gt
from lps_analysis.exchange.event_study import event_study
from lps_analysis.exchange.panel import estimability
from lps_analysis.exchange.simulate import simulate_panel

# Every design adds AR(1) noise (0.3) and institution-specific effects (sd 0.3 of the effect).
HARD = {"ar1": 0.3, "unit_effect_sd": 0.3}
DESIGNS: dict[str, dict] = {
    "staggered_50": {},
    "few_treated_3_cohorts": {
        "institutions": 33,
        "never_share": 30 / 33,
        "cohort_years": (2015, 2017, 2019),
    },
    "few_treated_5_cohorts": {"institutions": 35, "never_share": 30 / 35},
    "unbalanced_5pct": {"missing_share": 0.05},
    "unbalanced_15pct": {"missing_share": 0.15},
    "no_never_treated": {"never_share": 0.0},
    "single_cohort": {"cohort_years": (2017,), "never_share": 0.4},
    "county_13": {"institutions": 13, "cohort_years": (2016, 2017, 2018, 2019, 2020)},
}


def check_panel(seed: int, **design) -> dict:
    """Estimate on one simulated panel; what each reported interval covers and each test says.

    Returns ``estimable``; ``cs_covers``, ``study_covers`` (the average effects);
    ``event_covered`` / ``event_intervals`` (event-time intervals covering their truth: 0 for
    leads, the cells' true effect after); ``pretrend_p`` (combined), ``pretrend_joint_p``,
    ``pretrend_mean_p`` (NaN when not tested); ``cs_rejects_zero``; errors of both averages.
    """
    kw = {**HARD, **design}
    sim = simulate_panel(seed, **kw)
    out = {"seed": seed, "estimable": not estimability(sim.panel)}
    if not out["estimable"]:
        return out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cs = att_gt(sim.panel)
        study = event_study(sim.panel)
    post = cs.group_time[(cs.group_time["event_time"] >= 0) & cs.group_time["att"].notna()]
    truth_cs = sim.true_att(post)
    cells = study.cell_coefficients.dropna(subset=["coefficient"])
    truth_study = sim.true_att(cells[cells["event_time"] >= 0])
    covered = intervals = 0
    for row in study.estimates.itertuples(index=False):
        if row.event_time == -1 or not math.isfinite(row.se):
            continue
        if row.event_time < 0:
            truth = 0.0 if not kw.get("pretrend") else math.nan
        else:
            truth = sim.true_att(cells[cells["event_time"] == row.event_time])
        if math.isnan(truth):
            continue
        intervals += 1
        covered += row.ci_low <= truth <= row.ci_high
    pre = study.pretrend
    out.update(
        cs_covers=cs.ci_low <= truth_cs <= cs.ci_high,
        cs_error=cs.att - truth_cs,
        cs_rejects_zero=not (cs.ci_low <= 0 <= cs.ci_high),
        study_covers=(study.ci_low <= truth_study <= study.ci_high)
        if math.isfinite(study.se)
        else np.nan,
        study_error=study.att - truth_study,
        event_covered=covered,
        event_intervals=intervals,
        pretrend_p=pre.p_value if pre else math.nan,
        pretrend_joint_p=pre.joint_p_value if pre else math.nan,
        pretrend_mean_p=pre.mean_p_value if pre else math.nan,
    )
    return out


def sweep(seeds, **design) -> pd.DataFrame:
    """:func:`check_panel` over `seeds`, one row each."""
    return pd.DataFrame([check_panel(seed, **design) for seed in seeds])


def summarise(frame: pd.DataFrame) -> dict:
    """Coverage, size/power and bias of a :func:`sweep` (over the estimable panels)."""
    est = frame[frame["estimable"]]
    tested = est["pretrend_p"].notna()
    return {
        "panels": len(frame),
        "estimable": len(est),
        "cs_coverage": float(est["cs_covers"].mean()),
        "study_coverage": float(est["study_covers"].astype(float).mean()),
        "event_coverage": float(est["event_covered"].sum() / max(est["event_intervals"].sum(), 1)),
        "cs_rejects_zero": float(est["cs_rejects_zero"].mean()),
        "cs_bias": float(est["cs_error"].mean()),
        "pretrend_tested": float(tested.mean()),
        "pretrend_rejects": float((est.loc[tested, "pretrend_p"] < 0.05).mean()),
        "pretrend_joint_rejects": float((est.loc[tested, "pretrend_joint_p"] < 0.05).mean()),
        "pretrend_mean_rejects": float((est.loc[tested, "pretrend_mean_p"] < 0.05).mean()),
    }

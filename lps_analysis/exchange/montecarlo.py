"""Monte Carlo checks of the estimators: coverage, size and power on simulated designs.

:func:`check_panel` runs the headline (Callaway–Sant'Anna) and the event study on one simulated
panel and says, for every interval the report prints, whether it covers the truth of the cells
it estimates; :func:`check_intensity` does the same for the effect by exposure intensity
(:data:`INTENSITY_DESIGNS`), and :func:`check_robustness` records the p-values of the wild
cluster bootstrap and the placebo test, whose size is judged under no effect. The test suite
runs a small fixed-seed set of each; ``make bench`` (``bench/bench_exchange.py``) runs the
large sweep whose figures the docs quote.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from lps_analysis.exchange.callaway import att_gt_long_differences
from lps_analysis.exchange.event_study import event_study
from lps_analysis.exchange.panel import estimability
from lps_analysis.exchange.robustness import (
    effect_by_intensity,
    intensity_groups,
    randomization_test,
    wild_cluster_bootstrap,
)
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
    "county_13": {
        "institutions": 13,
        "cohort_years": (2016, 2017, 2018, 2019, 2020),
        "counties": 1,
    },
    # the city's panel when few institutions report: 13 over the 4 counties (the bootstrap's clusters)
    "city_13": {"institutions": 13, "cohort_years": (2016, 2017, 2018, 2019, 2020)},
}
# Effect by exposure intensity: three groups of the treated, with a dose–response (each
# institution's effect × 1 + 0.3 × its standardised log intensity), so the groups' truths differ.
DOSE = {"intensity_slope": 0.3}
INTENSITY_DESIGNS: dict[str, dict] = {
    "staggered_50": {**DOSE},  # 35 treated: about 12 per group
    "treated_24": {"institutions": 34, "never_share": 10 / 34, **DOSE},  # 8 per group
    "unbalanced_15pct": {"missing_share": 0.15, **DOSE},
    "no_never_treated": {"never_share": 0.0, **DOSE},
    "county_13": {**DESIGNS["county_13"], **DOSE},  # 9 treated: 3 per group
    "few_treated_5_cohorts": {**DESIGNS["few_treated_5_cohorts"], **DOSE},  # 5 treated: 1–2
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
        # The headline's interval, without moderndid's point estimate: att_gt takes its se
        # and df from this function and checks its ATT equals moderndid's on every call.
        cs = att_gt_long_differences(sim.panel)
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


def pretrend_rejections(seeds, **design) -> pd.DataFrame:
    """The pre-trend test alone (no effect estimate) over `seeds`: p-values and leads tested."""
    rows = []
    for seed in seeds:
        pre = event_study(simulate_panel(seed, **{**HARD, **design}).panel).pretrend
        rows.append(
            {
                "seed": seed,
                "p": pre.p_value if pre else math.nan,
                "joint_p": pre.joint_p_value if pre else math.nan,
                "mean_p": pre.mean_p_value if pre else math.nan,
            }
        )
    return pd.DataFrame(rows)


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


def check_intensity(seed: int, **design) -> pd.DataFrame:
    """The effect by intensity on one simulated panel: per group, what its interval covers.

    One row per group: ``institutions``, ``att``, ``se``, ``truth`` (the group's own true
    effect over the cells its estimate uses), ``interval`` (whether the report prints one),
    ``covers``, ``rejects_zero`` (NaN without an interval).
    """
    sim = simulate_panel(seed, **{**HARD, **design})
    columns = [
        "seed",
        "group",
        "institutions",
        "att",
        "se",
        "truth",
        "interval",
        "covers",
        "rejects_zero",
    ]
    if estimability(sim.panel):
        return pd.DataFrame(columns=columns)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = effect_by_intensity(sim.panel, sim.exposure).set_index("group")
        rows = []
        for g, members, sub in intensity_groups(sim.panel, sim.exposure):
            row = table.loc[g]
            truth = math.nan
            if math.isfinite(row.att):
                gt = att_gt_long_differences(sub).group_time
                cells = gt[(gt["event_time"] >= 0) & gt["att"].notna()]
                truth = sim.true_att_of(members["institution_id"], cells)
            interval = bool(math.isfinite(row.ci_low) and math.isfinite(row.ci_high))
            rows.append(
                {
                    "seed": seed,
                    "group": g,
                    "institutions": int(row.institutions),
                    "att": float(row.att),
                    "se": float(row.se),
                    "truth": truth,
                    "interval": interval,
                    "covers": (row.ci_low <= truth <= row.ci_high) if interval else np.nan,
                    "rejects_zero": not (row.ci_low <= 0 <= row.ci_high) if interval else np.nan,
                }
            )
    return pd.DataFrame(rows, columns=columns)


def intensity_sweep(seeds, **design) -> pd.DataFrame:
    """:func:`check_intensity` over `seeds`, one row per seed and group."""
    frames = [check_intensity(seed, **design) for seed in seeds]
    return pd.concat(frames, ignore_index=True)


def summarise_intensity(frame: pd.DataFrame) -> dict:
    """Share of groups with an interval, their coverage and how often they exclude zero."""
    shown = frame[frame["interval"].astype(bool)]
    return {
        "groups": len(frame),
        "with_interval": float(len(shown) / max(len(frame), 1)),
        "treated_per_group": float(frame["institutions"].median()) if len(frame) else math.nan,
        "coverage": float(shown["covers"].astype(float).mean()) if len(shown) else math.nan,
        "rejects_zero": float(shown["rejects_zero"].astype(float).mean())
        if len(shown)
        else math.nan,
        "bias": float((frame["att"] - frame["truth"]).mean()),
    }


def check_robustness(seed: int, *, draws: int = 399, permutations: int = 199, **design) -> dict:
    """The wild cluster bootstrap's and the placebo test's p-values on one simulated panel.

    As the report runs them (:func:`~.robustness.wild_cluster_bootstrap` on the event study,
    :func:`~.robustness.randomization_test` on the headline), with fewer draws. The bootstrap
    p-value is NaN where it does not run (one county: one cluster).
    """
    sim = simulate_panel(seed, **{**HARD, **design})
    if estimability(sim.panel):
        return {"seed": seed, "estimable": False}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        boot = wild_cluster_bootstrap(event_study(sim.panel), draws=draws, seed=seed)
        placebo = randomization_test(sim.panel, permutations=permutations, seed=seed)
    return {
        "seed": seed,
        "estimable": True,
        "bootstrap_p": boot.p_value if boot is not None else math.nan,
        "clusters": boot.clusters if boot is not None else 1,
        "placebo_p": placebo.p_value,
    }


def robustness_sweep(seeds, **design) -> pd.DataFrame:
    """:func:`check_robustness` over `seeds`, one row each."""
    return pd.DataFrame([check_robustness(seed, **design) for seed in seeds])


def summarise_robustness(frame: pd.DataFrame, alpha: float = 0.05) -> dict:
    """Rejection rates at `alpha` (the size, under no effect) of the two tests."""
    est = frame[frame["estimable"]]
    boot = est["bootstrap_p"].dropna()
    return {
        "panels": len(est),
        "bootstrap_run": len(boot),
        "bootstrap_rejects": float((boot < alpha).mean()) if len(boot) else math.nan,
        "placebo_rejects": float((est["placebo_p"].dropna() < alpha).mean()),
    }

"""The Sun–Abraham event study, the comparison it uses, and the pre-trend test.

Each cohort g is compared at every event time e = t − g (except the reference e = −1) with the
never-treated institutions: the coefficient is the cohort's mean change y[g+e] − y[g−1] minus
that of the never-treated, over the institutions observed in both years. In a balanced panel
this is exactly the saturated Sun & Abraham (2021) regression (cohort × event-time dummies,
institution and year effects; :func:`sun_abraham_regression` computes it with ``pyfixest`` for
the cross-check). Where fewer than :data:`MIN_NEVER_TREATED` institutions were never treated,
the last cohort is the comparison group and only years before its first exchange are used (Sun
& Abraham's choice). Coefficients are averaged across cohorts per event time with weights ∝
the treated institutions in each; standard errors and degrees of freedom come from the
institution-level jackknife of those averages (:mod:`.inference`), so a cohort of one
institution counts fully and an average carried by one institution gets no interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from lps_analysis.exchange.inference import (
    Cells,
    Jackknife,
    TInterval,
    aggregate,
    standard_error,
    t_interval,
    t_p_value,
)
from lps_analysis.exchange.panel import Panel, _wide, comparison_panel

# Below this many institutions the pre-trend test cannot see a pre-trend of the size that
# matters (power measured in bench/bench_exchange.py and stated in docs/assumptions_caveats.md).
PRETREND_MIN_POWERED = 16
# A tested lead rests on at least this many treated institutions, and on at least half as many
# as the nearest lead (far leads of one late cohort are shown, not tested: their covariance
# is too noisy for the joint test to keep its size).
PRETREND_MIN_INSTITUTIONS = 3
# An event time carried by fewer treated institutions is drawn without an interval: with one
# it has none, with two its t(1) interval spans the chart and says nothing.
INTERVAL_MIN_INSTITUTIONS = 3


@dataclass
class PretrendTest:
    """Are the event study's leads (event times ≤ −2) zero? A joint test, and their mean.

    The joint test is a Wald statistic on the leads' jackknife covariance with Hotelling's
    small-sample correction, F = W·(ν − q + 1)/(ν·q) against F(q, ν − q + 1), ν the
    Welch–Satterthwaite degrees of freedom of the leads' mean (at most ν − 1 leads are tested,
    the nearest first). It sees violations whose leads change sign, which the mean of the
    leads (a t test on ν) averages away; the mean has more power against a steady trend. The
    reported ``p_value`` combines the two by Bonferroni (twice the smaller, at most 1), so a
    verdict on either keeps its size. What each sees is measured on simulated panels
    (``make bench``) and stated in docs/assumptions_caveats.md.
    """

    p_value: float  # min(1, 2 × min(joint, mean))
    statistic: float  # F of the joint test
    df_num: int  # leads tested (q)
    df_den: float  # ν − q + 1
    joint_p_value: float
    leads: list[int]
    institutions: int  # treated institutions the tested leads rest on
    estimate: float  # mean of the tested leads, in the outcome's unit
    se: float
    mean_statistic: float  # t = estimate / se
    mean_df: float  # ν
    mean_p_value: float


@dataclass
class EventStudy(TInterval):
    """Sun–Abraham event study: effects by event time and their average after the first exchange.

    ``ci_low``, ``ci_high`` and ``p_value`` are those of ``att`` on t(``df``).
    """

    estimates: pd.DataFrame  # event_time, estimate, se, df, ci_low, ci_high, cohorts, institutions
    att: float  # over post cells with weights ∝ treated institutions (treated institution-years)
    se: float
    df: float
    pretrend: PretrendTest | None
    cell_coefficients: pd.DataFrame  # cohort, event_time, coefficient, se, institutions
    comparison: str  # "never" (never-treated) or "last_cohort"
    design: dict = field(repr=False, default_factory=dict)


def _design_cells(cohort: np.ndarray, years: np.ndarray) -> pd.DataFrame:
    """Every (cohort, event time ≠ −1) cell whose base year g − 1 lies in the panel."""
    rows = [
        (g, int(t) - g, g - 1, int(t))
        for g in sorted(set(cohort[cohort > 0].tolist()))
        if g - 1 in set(years.tolist())
        for t in years
        if int(t) != g - 1
    ]
    return pd.DataFrame(rows, columns=["cohort", "event_time", "base", "year"])


def event_study(panel: Panel) -> EventStudy:
    """Sun–Abraham event study on `panel` (see the module's docstring for the method)."""
    study_panel, comparison = comparison_panel(panel)
    y, cohort, years = _wide(study_panel)
    cells = _design_cells(cohort, years)
    treated = cohort > 0
    member = np.column_stack([cohort == g for g in cells["cohort"]]) if len(cells) else None
    if member is None:
        raise ValueError("no cohort has a year before its first exchange in the panel")
    design = Cells.build(
        y,
        years,
        cells["base"],
        cells["year"],
        member,
        np.repeat((cohort == 0)[:, None], len(cells), 1),
    )
    beta, n, beta_loo, n_loo = design.estimates()
    times = sorted(int(e) for e in cells["event_time"].unique())
    members = np.vstack(
        [cells["event_time"].to_numpy() == e for e in times] + [cells["event_time"].to_numpy() >= 0]
    )
    jk = Jackknife.of(aggregate(beta, n, members), aggregate(beta_loo, n_loo, members), treated)
    carried = [int(design.treated[:, row].any(1).sum()) for row in members]
    rows = []
    for k, e in enumerate(times):
        se, df = standard_error(jk, np.eye(len(members))[k])
        if carried[k] < INTERVAL_MIN_INSTITUTIONS:
            se = df = math.nan
        rows.append(
            {
                "event_time": e,
                "estimate": float(jk.estimate[k]),
                "se": se,
                "df": df,
                "cohorts": int((np.isfinite(beta) & members[k]).sum()),
                "institutions": carried[k],
            }
        )
    rows.append(
        {
            "event_time": -1,
            "estimate": 0.0,
            "se": 0.0,
            "df": math.nan,
            "cohorts": 0,
            "institutions": 0,
        }
    )
    estimates = pd.DataFrame(rows).sort_values("event_time", ignore_index=True)
    low, high = t_interval(
        estimates["estimate"].to_numpy(), estimates["se"].to_numpy(), estimates["df"].to_numpy()
    )
    reference = estimates["event_time"] == -1
    estimates["ci_low"] = np.where(reference, 0.0, low)
    estimates["ci_high"] = np.where(reference, 0.0, high)
    estimates = estimates.astype({"event_time": int, "cohorts": int, "institutions": int})
    att_se, att_df = standard_error(jk, np.eye(len(members))[-1])
    cell_jk = Jackknife.of(beta, beta_loo, treated)
    cell_se = [standard_error(cell_jk, r)[0] for r in np.eye(len(cells))]
    lead_rows = [k for k, e in enumerate(times) if e <= -2]
    return EventStudy(
        estimates=estimates[
            ["event_time", "estimate", "se", "df", "ci_low", "ci_high", "cohorts", "institutions"]
        ],
        att=float(jk.estimate[-1]),
        se=att_se,
        df=att_df,
        pretrend=pretrend_test(
            jk,
            [times[k] for k in lead_rows],
            lead_rows,
            [carried[k] for k in lead_rows],
            design.treated,
            [members[k] for k in lead_rows],
        ),
        cell_coefficients=cells[["cohort", "event_time"]].assign(
            coefficient=beta, se=cell_se, institutions=n.astype(int)
        ),
        comparison=comparison,
        design={"panel": study_panel},
    )


def pretrend_test(
    jk: Jackknife,
    leads: list[int],
    rows: list[int],
    carried: list[int],
    treated_cells: np.ndarray,
    lead_members: list[np.ndarray],
) -> PretrendTest | None:
    """The joint and mean-of-leads tests over the leads that enough treated institutions carry.

    None when no lead can be tested. Leads are taken nearest first (−2, −3, …), at most ν − 1
    of them so that the corrected F has a denominator.
    """
    eye = np.eye(len(jk.estimate))
    if not leads:
        return None
    floor = max(PRETREND_MIN_INSTITUTIONS, math.ceil(carried[leads.index(max(leads))] / 2))
    usable = [
        (e, k, m)
        for e, k, c, m in sorted(zip(leads, rows, carried, lead_members, strict=True), reverse=True)
        if c >= floor and not jk.undefined[k]
    ]
    if not usable:
        return None
    _, nu = jk.variance(eye[[k for _, k, _ in usable]].mean(0), conservative=False)
    if math.isnan(nu):
        return None
    q = max(1, min(len(usable), math.floor(nu) - 1))
    usable = usable[:q]
    idx = [k for _, k, _ in usable]
    r = eye[idx].mean(0)
    var, nu = jk.variance(r, conservative=False)
    if math.isnan(var) or math.isnan(nu) or nu - q + 1 <= 0:
        return None
    b = jk.estimate[idx]
    wald = float(b @ np.linalg.pinv(jk.covariance(idx)) @ b)
    f_stat = wald * (nu - q + 1) / (nu * q)
    mean = float(r @ jk.estimate)
    se = math.sqrt(var)
    institutions = int(
        treated_cells[:, np.any(np.vstack([m for _, _, m in usable]), 0)].any(1).sum()
    )
    joint_p = float(stats.f.sf(f_stat, q, nu - q + 1))
    mean_p = t_p_value(mean, se, nu)
    return PretrendTest(
        p_value=min(1.0, 2 * min(joint_p, mean_p)),
        statistic=f_stat,
        df_num=q,
        df_den=nu - q + 1,
        joint_p_value=joint_p,
        leads=sorted(e for e, _, _ in usable),
        institutions=institutions,
        estimate=mean,
        se=se,
        mean_statistic=mean / se,
        mean_df=nu,
        mean_p_value=mean_p,
    )


# --------------------------------------------------------------------------- the regression


def _cell_column(g: int, e: int) -> str:
    return f"sa_{g}_{'m' if e < 0 else 'p'}{abs(e)}"


def _sa_design(panel: Panel) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The panel with one dummy per (cohort, event time ≠ −1), and the list of those cells."""
    frame = panel.frame.copy()
    rel = np.where(frame["cohort"] > 0, frame["year"] - frame["cohort"], -1)
    cells = (
        pd.DataFrame({"cohort": frame["cohort"], "event_time": rel})
        .query("cohort > 0 and event_time != -1")
        .drop_duplicates()
        .sort_values(["cohort", "event_time"], ignore_index=True)
    )
    cells["column"] = [
        _cell_column(g, e) for g, e in zip(cells.cohort, cells.event_time, strict=True)
    ]
    dummies = {
        col: ((frame["cohort"] == g) & (rel == e)).astype(float).to_numpy()
        for g, e, col in cells.itertuples(index=False)
    }
    frame = pd.concat([frame, pd.DataFrame(dummies, index=frame.index)], axis=1)
    return frame, cells


def sun_abraham_regression(panel: Panel) -> pd.DataFrame:
    """The saturated Sun–Abraham regression by ``pyfixest`` (the cross-check of the cells).

    Returns ``cohort``, ``event_time``, ``coefficient`` and its CRV1 ``se`` (institution
    clusters), for the event study's comparison panel.
    """
    import pyfixest as pf

    study_panel, _ = comparison_panel(panel)
    frame, cells = _sa_design(study_panel)
    columns = list(cells["column"])
    fit = pf.feols(f"y ~ {' + '.join(columns)} | unit + year", data=frame, vcov={"CRV1": "unit"})
    return cells.assign(
        coefficient=fit.coef().reindex(columns).to_numpy(), se=fit.se().reindex(columns).to_numpy()
    )[["cohort", "event_time", "coefficient", "se"]]

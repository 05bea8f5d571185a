"""The Sun–Abraham event study, its leave-one-out covariance and the pre-trend test."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from lps_analysis.exchange.panel import CONFIDENCE, Z_95, Panel, _wide

# Below this many institutions the pre-trend test has almost no power (measured: 6% at 10
# institutions against a pre-trend the test finds in 73% of 16-institution panels).
PRETREND_MIN_POWERED = 16


@dataclass
class PretrendTest:
    """Test that the event study's pre-period coefficients are zero on average.

    The statistic is the mean of the tested lead coefficients over its leave-one-institution-out
    standard error, against t(G − 1). A joint F over the leads is the textbook choice, but with
    few institutions its covariance is too noisy for q restrictions: on simulated panels with
    parallel trends it rejected at the 5% level in 55% of 10-institution panels, 27% at 16 and
    5% at 30 (100 seeds each), so county reports would have cast doubt on sound designs.
    """

    estimate: float  # mean of the tested lead coefficients, in the outcome's unit
    se: float
    statistic: float  # t = estimate / se
    df: int  # institutions − 1 (clustered)
    p_value: float  # two-sided
    leads: list[int]
    # the cohorts whose leads are tested (each of ≥ min_cohort_size institutions)
    cohorts: list[int]


@dataclass
class EventStudy:
    """Sun–Abraham interaction-weighted event study and its aggregate effect."""

    estimates: pd.DataFrame  # event_time, estimate, se, ci_low, ci_high, cohorts, institutions
    att: float  # over post cells with weights ∝ cohort size (treated institution-years)
    se: float
    pretrend: PretrendTest | None
    cell_coefficients: pd.DataFrame  # cohort, event_time, coefficient, se, column
    design: dict = field(repr=False, default_factory=dict)

    @property
    def ci_low(self) -> float:
        return self.att - Z_95 * self.se

    @property
    def ci_high(self) -> float:
        return self.att + Z_95 * self.se


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


def _weights(cells: pd.DataFrame, sizes: pd.Series, rows: pd.Series) -> np.ndarray:
    """Interaction weights: cohort-size shares among the cells selected by `rows`."""
    w = np.where(rows.to_numpy(), cells["cohort"].map(sizes).to_numpy(float), 0.0)
    return w / w.sum() if w.sum() > 0 else w


def jackknife_vcov(panel: Panel, cells: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Leave-one-institution-out (CRV3) covariance of the event study's cohort × event-time cells.

    In a balanced panel the saturated regression's coefficient for cohort g at event time e is
    exactly mean_g(y[g+e] − y[g−1]) − mean_never(y[g+e] − y[g−1]), so each leave-one-out
    re-estimate is a difference of means; V = (G − 1)/G · Σ (β₍₋ᵢ₎ − β)(β₍₋ᵢ₎ − β)ᵀ.
    Returns (β, V) in the order of `cells`. Unlike CRV1 it keeps its size when few institutions
    carry a coefficient (a small cohort, or the never-treated group).
    """
    y, cohort, years = _wide(panel)
    index = {int(v): k for k, v in enumerate(years)}
    change = np.column_stack(
        [
            y[:, index[g + e]] - y[:, index[g - 1]]
            for g, e in zip(cells["cohort"], cells["event_time"], strict=True)
        ]
    )
    treated = np.column_stack([cohort == g for g in cells["cohort"]]).astype(float)
    never = (cohort == 0).astype(float)

    def beta(keep: np.ndarray) -> np.ndarray:
        t, n = treated * keep[:, None], never * keep
        return (t * change).sum(0) / t.sum(0) - (n @ change) / n.sum()

    g = len(cohort)
    full = beta(np.ones(g))
    with np.errstate(invalid="ignore", divide="ignore"):
        loo = np.vstack([beta(np.arange(g) != i) for i in range(g)])
    # A cohort of one institution has no leave-one-out estimate when that one is left out.
    loo = np.where(np.isfinite(loo), loo, full)
    dev = loo - full
    return full, (g - 1) / g * dev.T @ dev


def event_study(
    panel: Panel,
    *,
    min_cohorts_for_pretrend: int = 2,
    min_cohort_size: int = 2,
) -> EventStudy:
    """Sun–Abraham event study (``pyfixest``): cohort × event-time effects, aggregated per event time.

    Each cohort gets a dummy for every event time except −1 (the reference year before its
    first exchange); never-treated institutions anchor the year effects, so each coefficient is
    the change of that cohort since its year −1 minus the change of the never-treated.
    Coefficients are averaged across cohorts with weights ∝ cohort size (Sun & Abraham's
    interaction weights in a balanced panel). Standard errors: leave-one-institution-out
    jackknife (:func:`jackknife_vcov`), intervals with t(G − 1).

    The pre-trend test (:class:`PretrendTest`) is a t-test of the mean of the leads (event time
    ≤ −2) that at least `min_cohorts_for_pretrend` cohorts of at least `min_cohort_size`
    institutions support. A one-institution cohort has no leave-one-out variance, and the far
    leads of a single late cohort are shown, not tested. Measured on :func:`simulate_panel`
    (30% never treated, five cohorts, 100 seeds each): with parallel trends it rejects at 5% in
    2–5% of panels of 10, 16, 20 and 30 institutions; against a pre-trend of 0.5 a year it
    rejects in 73% at 16 institutions and all at 30, but only 6% at 10 — a test on ten
    institutions cannot see a pre-trend, which the report says (:data:`PRETREND_MIN_POWERED`).
    """
    import pyfixest as pf

    frame, cells = _sa_design(panel)
    columns = list(cells["column"])
    fit = pf.feols(f"y ~ {' + '.join(columns)} | unit + year", data=frame, vcov={"CRV1": "unit"})
    coef = fit.coef()
    if sorted(coef.index) != sorted(columns):
        missing = sorted(set(columns) - set(coef.index))
        raise ValueError(f"collinear event-study cells dropped: {missing}")
    beta, vcov = jackknife_vcov(panel, cells)
    if not np.allclose(beta, coef.reindex(columns).to_numpy(), rtol=1e-6, atol=1e-9):
        raise ValueError("the event study's jackknife does not reproduce the regression")
    cells = cells.assign(coefficient=beta, se=np.sqrt(np.diag(vcov)))
    sizes = panel.cohort_sizes
    df_den = panel.n_institutions - 1
    t_crit = float(stats.t.ppf(0.5 + CONFIDENCE / 2, df_den))
    rows, leads, r_leads, lead_cohorts = [], [], [], set()
    for e in sorted(cells["event_time"].unique()):
        selected = cells["event_time"] == e
        w = _weights(cells, sizes, selected)
        rows.append(
            {
                "event_time": int(e),
                "estimate": float(w @ beta),
                "se": float(math.sqrt(max(w @ vcov @ w, 0.0))),
                "cohorts": int(selected.sum()),
                "institutions": int(sizes[cells.loc[selected, "cohort"]].sum()),
            }
        )
        testable = selected & (cells["cohort"].map(sizes) >= min_cohort_size)
        if e <= -2 and testable.sum() >= min_cohorts_for_pretrend:
            leads.append(int(e))
            r_leads.append(_weights(cells, sizes, testable))
            lead_cohorts.update(int(g) for g in cells.loc[testable, "cohort"])
    reference = {"event_time": -1, "estimate": 0.0, "se": 0.0, "cohorts": 0, "institutions": 0}
    estimates = (
        pd.concat([pd.DataFrame(rows), pd.DataFrame([reference])], ignore_index=True)
        .sort_values("event_time", ignore_index=True)
        .astype({"event_time": int, "cohorts": int, "institutions": int})
    )
    estimates["ci_low"] = estimates["estimate"] - t_crit * estimates["se"]
    estimates["ci_high"] = estimates["estimate"] + t_crit * estimates["se"]
    w_att = _weights(cells, sizes, cells["event_time"] >= 0)
    pretrend = None
    if leads:
        r = np.vstack(r_leads).mean(0)
        mean_lead = float(r @ beta)
        se_lead = float(math.sqrt(max(r @ vcov @ r, 0.0)))
        t_stat = mean_lead / se_lead if se_lead > 0 else math.copysign(math.inf, mean_lead)
        pretrend = PretrendTest(
            estimate=mean_lead,
            se=se_lead,
            statistic=t_stat,
            df=df_den,
            p_value=float(2 * stats.t.sf(abs(t_stat), df_den)),
            leads=leads,
            cohorts=sorted(lead_cohorts),
        )
    return EventStudy(
        estimates=estimates[
            ["event_time", "estimate", "se", "ci_low", "ci_high", "cohorts", "institutions"]
        ],
        att=float(w_att @ beta),
        se=float(math.sqrt(max(w_att @ vcov @ w_att, 0.0))),
        pretrend=pretrend,
        cell_coefficients=cells[["cohort", "event_time", "coefficient", "se", "column"]],
        design={"frame": frame, "columns": columns, "att_weights": w_att},
    )

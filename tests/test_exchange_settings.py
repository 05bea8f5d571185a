"""The inference settings behind the exchange chapter, each checked by an independent computation.

"95%" is a 95% interval of the right reference distribution; the TWFE errors are clustered by
institution; the pre-trend test takes the leads nearest the first exchange; the bootstrap
p-value is two-sided. A change to any of these changes a printed interval or p-value without
breaking anything else, so each is recomputed here from first principles (numpy/scipy).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import lps_analysis.exchange as ex
from lps_analysis.exchange.inference import t_critical, t_p_value
from lps_analysis.exchange.robustness import twfe

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture(scope="module")
def sim():
    return ex.simulate_panel(0)


@pytest.fixture(scope="module")
def study(sim):
    return ex.event_study(sim.panel)


# --------------------------------------------------------------------------- the 95% level


@pytest.mark.parametrize("df", [1.0, 2.0, 4.5, 30.0, math.inf])
def test_the_critical_value_is_the_two_sided_95_percent_point_of_t(df):
    assert ex.CONFIDENCE == 0.95
    expected = 1.959963984540054 if math.isinf(df) else stats.t.ppf(0.975, df)
    assert t_critical(df) == pytest.approx(expected, rel=1e-12)
    assert math.isnan(t_critical(math.nan))


@pytest.mark.parametrize("estimate", [0.8, -0.8])
def test_the_p_value_is_two_sided_against_t(estimate):
    assert t_p_value(estimate, 0.4, 5.0) == pytest.approx(2 * stats.t.sf(2.0, 5.0), rel=1e-12)
    assert t_p_value(0.0, 0.4, 5.0) == pytest.approx(1.0)
    for bad in [(math.nan, 0.4, 5.0), (0.8, math.nan, 5.0), (0.8, 0.4, math.nan), (0.8, 0, 5.0)]:
        assert math.isnan(t_p_value(*bad))


def test_every_interval_the_report_prints_is_estimate_plus_minus_t975_times_se(sim, study):
    cs = ex.att_gt(sim.panel)
    for est in (cs, study):
        half = stats.t.ppf(0.975, est.df) if math.isfinite(est.df) else stats.norm.ppf(0.975)
        assert est.ci_low == pytest.approx(est.att - half * est.se, rel=1e-10)
        assert est.ci_high == pytest.approx(est.att + half * est.se, rel=1e-10)
        assert est.p_value == pytest.approx(2 * stats.t.sf(abs(est.att) / est.se, est.df), rel=1e-9)
    rows = study.estimates.dropna(subset=["se", "df"])
    rows = rows[rows.se > 0]
    assert len(rows) >= 5
    half = stats.t.ppf(0.975, rows.df.to_numpy(float)) * rows.se.to_numpy(float)
    np.testing.assert_allclose(rows.ci_low, rows.estimate - half, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(rows.ci_high, rows.estimate + half, rtol=1e-9, atol=1e-12)


# --------------------------------------------------------------------------- TWFE clustering


def _twfe_by_hand(frame: pd.DataFrame, cluster: np.ndarray) -> tuple[float, float]:
    """OLS with institution and year dummies; CR1 sandwich by `cluster` with pyfixest's
    small-sample factor G/(G−1)·(N−1)/(N−k), k = the slope, the intercept and the year effects
    (institution effects are nested in the clusters and not counted)."""
    treated = ((frame.cohort > 0) & (frame.year >= frame.cohort)).to_numpy(float)
    units = pd.get_dummies(frame.unit, dtype=float).to_numpy()
    years = pd.get_dummies(frame.year, drop_first=True, dtype=float).to_numpy()
    x = np.column_stack([treated, units, years])
    y = frame.y.to_numpy(float)
    beta = np.linalg.lstsq(x, y, rcond=None)[0]
    resid = y - x @ beta
    bread = np.linalg.pinv(x.T @ x)
    meat = np.zeros((x.shape[1], x.shape[1]))
    for g in np.unique(cluster):
        score = x[cluster == g].T @ resid[cluster == g]
        meat += np.outer(score, score)
    n, groups, k = len(y), len(np.unique(cluster)), 2 + years.shape[1]
    var = (bread @ meat @ bread)[0, 0] * groups / (groups - 1) * (n - 1) / (n - k)
    return float(beta[0]), math.sqrt(var)


def test_twfe_errors_are_clustered_by_institution(sim):
    frame = sim.panel.frame
    fit = twfe(sim.panel)
    estimate, se = _twfe_by_hand(frame, frame.unit.to_numpy())
    assert fit.estimate == pytest.approx(estimate, rel=1e-9)
    assert fit.se == pytest.approx(se, rel=1e-6)
    _, by_year = _twfe_by_hand(frame, frame.year.to_numpy())
    _, by_row = _twfe_by_hand(frame, np.arange(len(frame)))
    assert abs(fit.se - by_year) > 0.05 * se and abs(fit.se - by_row) > 0.05 * se
    z = stats.norm.ppf(0.975)
    assert fit.ci_low == pytest.approx(estimate - z * se, rel=1e-6)
    assert fit.ci_high == pytest.approx(estimate + z * se, rel=1e-6)


# --------------------------------------------------------------------------- pre-trend test


def _check_pretrend_leads(study) -> None:
    pre = study.pretrend
    est = study.estimates.set_index("event_time")
    # the nearest leads, without the reference period −1: −2, −3, … as far as tested
    assert pre.leads == list(range(-1 - len(pre.leads), -1))
    assert pre.df_num == len(pre.leads)
    assert pre.estimate == pytest.approx(est.loc[pre.leads, "estimate"].mean(), rel=1e-9)
    assert pre.mean_p_value == pytest.approx(
        2 * stats.t.sf(abs(pre.estimate) / pre.se, pre.mean_df), rel=1e-9
    )
    assert pre.joint_p_value == pytest.approx(
        stats.f.sf(pre.statistic, pre.df_num, pre.df_den), rel=1e-9
    )
    assert pre.df_den == pytest.approx(pre.mean_df - pre.df_num + 1)
    assert pre.p_value == pytest.approx(min(1.0, 2 * min(pre.joint_p_value, pre.mean_p_value)))
    carried = est.loc[pre.leads, "institutions"]
    assert (carried >= ex.PRETREND_MIN_INSTITUTIONS).all()


def test_the_pretrend_test_takes_the_leads_nearest_the_first_exchange(study):
    assert study.pretrend.leads == [-4, -3, -2]  # leads carried by too few are left out
    _check_pretrend_leads(study)
    assert study.pretrend.p_value > 0.05  # parallel trends simulated


@pytest.mark.parametrize(
    "design, leads",
    [
        # −7 rests on 17 institutions, under half of the 35 behind −2
        ({"cohort_years": (2019, 2020)}, [-6, -5, -4, -3, -2]),
        # −7 rests on 3 of 6: half, so tested
        (
            {"institutions": 12, "never_share": 0.5, "cohort_years": (2019, 2020)},
            list(range(-7, -1)),
        ),
        # five leads usable but ν ≈ 5.9 allows four: the nearest four, not the farthest
        ({"institutions": 8, "never_share": 0.5, "cohort_years": (2019, 2020)}, [-5, -4, -3, -2]),
    ],
)
def test_which_leads_are_tested_follows_the_floor_and_the_degrees_of_freedom(design, leads):
    study = ex.event_study(ex.simulate_panel(0, **design).panel)
    assert study.pretrend.leads == leads
    _check_pretrend_leads(study)
    est = study.estimates.set_index("event_time")
    nearest = est.loc[-2, "institutions"]
    floor = max(ex.PRETREND_MIN_INSTITUTIONS, math.ceil(nearest / 2))
    assert (est.loc[leads, "institutions"] >= floor).all()


# --------------------------------------------------------------------------- wild bootstrap


def test_the_bootstrap_p_value_is_two_sided():
    """A two-sided p-value is the same for y and −y, and small for a large effect of either
    sign; a one-sided one would be near 1 for one of them."""
    p = {}
    for effect in (1.0, -1.0):
        for flip in (1.0, -1.0):
            panel = ex.simulate_panel(0, effect=effect).panel
            panel.frame["y"] = flip * panel.frame["y"]
            boot = ex.wild_cluster_bootstrap(ex.event_study(panel), draws=199, seed=1)
            p[effect, flip] = boot
    for effect in (1.0, -1.0):
        up, down = p[effect, 1.0], p[effect, -1.0]
        assert up.t_stat == pytest.approx(-down.t_stat, rel=1e-9)
        assert up.p_value == pytest.approx(down.p_value)
        assert up.p_value < 0.05
    assert p[1.0, 1.0].t_stat > 0 > p[-1.0, 1.0].t_stat

"""The jackknife behind the exchange intervals, checked against formulas a reader can verify."""

import math

import numpy as np
import pytest

from lps_analysis.exchange.inference import Cells, Jackknife, aggregate, t_critical, t_p_value


def _two_groups(seed=0, nt=5, nc=12):
    rng = np.random.default_rng(seed)
    y = rng.normal(size=(nt + nc, 2)) + np.r_[np.ones(nt), np.zeros(nc)][:, None] * [0, 1]
    treated = np.r_[np.ones(nt, bool), np.zeros(nc, bool)]
    cells = Cells.build(
        y, np.array([2019, 2020]), [2019], [2020], treated[:, None], ~treated[:, None]
    )
    return y, treated, cells


def test_jackknife_of_a_difference_of_means_is_the_two_sample_variance():
    y, treated, cells = _two_groups()
    beta, n, beta_loo, _ = cells.estimates()
    change = y[:, 1] - y[:, 0]
    assert beta[0] == pytest.approx(change[treated].mean() - change[~treated].mean())
    jk = Jackknife.of(beta, beta_loo, treated)
    var, df = jk.variance(np.ones(1))
    expected = change[treated].var(ddof=1) / 5 + change[~treated].var(ddof=1) / 12
    assert var == pytest.approx(expected)
    assert df == 4  # conservative: the smaller group less one
    _, welch = jk.variance(np.ones(1), conservative=False)
    assert 4 <= welch <= 15


def test_missing_years_leave_only_the_cells_that_need_them():
    y, treated, _ = _two_groups()
    y[0, 1] = np.nan  # one treated institution lacks the later year
    cells = Cells.build(
        y, np.array([2019, 2020]), [2019], [2020], treated[:, None], ~treated[:, None]
    )
    beta, n, _, _ = cells.estimates()
    assert n[0] == 4
    change = y[:, 1] - y[:, 0]
    assert beta[0] == pytest.approx(np.nanmean(change[treated]) - change[~treated].mean())


def test_an_aggregate_one_institution_carries_has_no_variance():
    y, treated, _ = _two_groups(nt=1)
    cells = Cells.build(
        y, np.array([2019, 2020]), [2019], [2020], treated[:, None], ~treated[:, None]
    )
    beta, n, beta_loo, n_loo = cells.estimates()
    members = np.ones((1, 1), bool)
    jk = Jackknife.of(aggregate(beta, n, members), aggregate(beta_loo, n_loo, members), treated)
    assert math.isfinite(jk.estimate[0])
    assert all(math.isnan(v) for v in jk.variance(np.ones(1)))


def test_aggregate_weights_cells_by_their_treated_institutions():
    beta = np.array([1.0, 4.0, np.nan])
    n = np.array([3.0, 1.0, 0.0])
    out = aggregate(beta, n, np.array([[True, True, True], [False, False, True]]))
    assert out[0] == pytest.approx((3 * 1 + 4) / 4)
    assert math.isnan(out[1])


def test_t_helpers():
    assert t_critical(math.inf) == pytest.approx(1.959964, abs=1e-6)
    assert t_critical(2) == pytest.approx(4.302653, abs=1e-6)
    assert math.isnan(t_critical(math.nan))
    assert math.isnan(t_p_value(1.0, math.nan, 3))
    assert t_p_value(0.0, 1.0, 3) == pytest.approx(1.0)

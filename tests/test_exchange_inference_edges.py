"""Edges of the exchange inference checked on panels small enough to work out by hand.

Cells without comparison institutions, the permuted simple ATT's one-comparison cells, the
event study's reference row and jackknife, the pre-trend test's refusals, the reasons an estimate
is not attempted, cohorts, and the wild bootstrap's null imposed (the WCR bootstrap recomputed in
numpy). Expected numbers are worked out from the panel in the comments, not read from the code.
"""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from lps_analysis import exchange as ex
from lps_analysis.exchange.callaway import _simple_att_many
from lps_analysis.exchange.event_study import pretrend_test
from lps_analysis.exchange.inference import Cells, Jackknife, _difference

NAN = math.nan
YEARS = np.array([2018, 2019, 2020, 2021])
# Five institutions × 2018–2021: two start in 2019, one in 2020, two never (u5 lacks 2020).
Y = np.array(
    [
        [0.0, 3.0, 5.0, 6.0],  # u1, cohort 2019
        [1.0, 2.0, 4.0, 9.0],  # u2, cohort 2019
        [0.0, 1.0, 4.0, 4.0],  # u3, cohort 2020
        [0.0, 1.0, 1.0, 2.0],  # u4, never
        [2.0, 2.0, NAN, 5.0],  # u5, never
    ]
)
COHORTS = np.array([2019, 2019, 2020, 0, 0])


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _panel(y, cohorts, years=YEARS):
    """A Panel from an institutions × years matrix (NaN = the institution-year is missing)."""
    rows = [
        (f"I{i + 1:02d}", i + 1, "520201", int(year), float(y[i, j]), int(cohorts[i]))
        for i in range(len(cohorts))
        for j, year in enumerate(years)
        if np.isfinite(y[i, j])
    ]
    columns = ["institution_id", "unit", "scope_code", "year", "y", "cohort"]
    return ex.Panel(pd.DataFrame(rows, columns=columns), "x", int(years[0]), int(years[-1]))


# --------------------------------------------------------------------------- cells


def test_a_cell_without_comparison_or_treated_institutions_is_nan_with_no_institutions():
    y = np.column_stack([np.zeros(5), [2.0, 4.0, 5.0, 9.0, 1.0]])  # the changes
    treated = np.array([[1, 0, 1, 1], [1, 0, 1, 1], [0, 0, 0, 0], [0, 0, 0, 0], [0] * 4], bool)
    control = np.array([[0, 0, 0, 0], [0, 0, 0, 0], [0, 1, 1, 1], [0, 1, 1, 0], [0] * 4], bool)
    cells = Cells.build(y, np.array([2019, 2020]), [2019] * 4, [2020] * 4, treated, control)
    beta, n, beta_loo, n_loo = cells.estimates()
    # cell 0 has no comparison, cell 1 no treated; cell 2: (2 + 4)/2 − (5 + 9)/2 = −4;
    # cell 3: 3 − 5 = −2 against its one comparison institution
    assert np.isnan(beta[:2]).all() and beta[2:].tolist() == [-4.0, -2.0]
    assert n.tolist() == [0.0, 0.0, 2.0, 2.0]
    # leaving each institution out of cell 2: 4 − 7, 2 − 7, 3 − 9, 3 − 5, and the bystander
    assert beta_loo[:, 2].tolist() == [-3.0, -5.0, -6.0, -2.0, -4.0]
    assert n_loo[:, 2].tolist() == [1.0, 1.0, 2.0, 2.0, 2.0]
    # leaving out cell 3's only comparison institution leaves it undefined
    assert math.isnan(beta_loo[2, 3]) and n_loo[2, 3] == 0.0
    assert beta_loo[0, 3] == 4.0 - 5.0 and n_loo[0, 3] == 1.0
    assert (n_loo[:, :2] == 0).all() and np.isnan(beta_loo[:, :2]).all()
    # the same from the sums: treated 4 over 2, comparison 6 over 3, either or both missing
    beta, n = _difference(*np.array([[4, 0, 4, 0], [2, 0, 2, 0], [0, 6, 6, 0], [0, 3, 3, 0.0]]))
    assert np.isnan(beta[[0, 1, 3]]).all() and beta[2] == 0.0 and n.tolist() == [0, 0, 2, 0]


def test_no_cells_give_empty_estimates_and_mismatched_years_are_refused():
    none = np.zeros((5, 0), bool)
    cells = Cells.build(Y, YEARS, [], [], none, none)
    assert cells.change.shape == (5, 0) and cells.treated.shape == (5, 0)
    beta, n, beta_loo, n_loo = cells.estimates()
    assert beta.shape == n.shape == (0,) and beta_loo.shape == n_loo.shape == (5, 0)
    one = np.ones((5, 1), bool)
    with pytest.raises(ValueError):
        Cells.build(Y, YEARS, [2018, 2019], [2020], one, one)


def test_cells_whose_changes_overflow_are_nan_without_an_invalid_operation_escaping():
    # changes of 1e308 sum to inf in both groups: the difference inf − inf is left undefined
    treated = np.array([[1], [1], [0], [0]], bool)
    cells = Cells.build(np.array([[0.0, 1e308]] * 4), YEARS[1:3], [2019], [2020], treated, ~treated)
    with np.errstate(over="ignore", invalid="raise"):
        beta, n, beta_loo, _ = cells.estimates()
    assert math.isnan(beta[0]) and n[0] == 2.0 and np.isnan(beta_loo).all()


# --------------------------------------------------------------------------- by hand and permuted

# Not-yet-treated comparisons (cohort 0 or after the year) over those seen in both years:
#   2019 in 2019: (3 + 1)/2 − (1 + 1 + 0)/3 = 4/3   on 2 treated, 3 comparison
#   2019 in 2020: (5 + 3)/2 − 1 = 3  (u5 has no 2020)                    2, 1
#   2019 in 2021: (6 + 8)/2 − (2 + 3)/2 = 4.5                             2, 2
#   2020 in 2020: 3 − 0 = 3;  2020 in 2021: 3 − (1 + 3)/2 = 1             1, 1 and 1, 2
BY_HAND = [(2019, 2019, 0, 4 / 3, 2, 3), (2019, 2020, 1, 3.0, 2, 1), (2019, 2021, 2, 4.5, 2, 2)]
BY_HAND += [(2020, 2020, 0, 3.0, 1, 1), (2020, 2021, 1, 1.0, 1, 2)]


def _check_by_hand(out):
    assert list(out.columns) == ["cohort", "year", "event_time", "att", "treated", "controls"]
    got = [tuple(r) for r in out.itertuples(index=False)]
    assert [r[:3] + r[4:] for r in got] == [r[:3] + r[4:] for r in BY_HAND]
    np.testing.assert_allclose([r[3] for r in got], [r[3] for r in BY_HAND], rtol=0, atol=1e-12)


def test_by_hand_att_gt_lists_every_cell_with_its_event_time_and_counts():
    out = ex.att_gt_by_hand(_panel(Y, COHORTS))
    _check_by_hand(out)
    assert ex.simple_att_by_hand(out) == pytest.approx(65 / 24, abs=1e-12)
    # u6, treated from 2018, has no base year and never compares: the cells are unchanged
    _check_by_hand(ex.att_gt_by_hand(_panel(np.vstack([Y, [5.0] * 4]), np.r_[COHORTS, 2018])))


def test_by_hand_att_gt_passes_over_cells_it_cannot_use():
    y = Y.copy()
    y[2, 3] = NAN  # u3 lacks 2021: the 2020 cohort has no 2021 cell
    y[3, 2] = NAN  # u4 lacks 2020: no comparison in 2020 for either cohort
    out = ex.att_gt_by_hand(_panel(y, COHORTS))
    assert [(r.cohort, r.year) for r in out.itertuples()] == [(2019, 2019), (2019, 2021)]
    # everybody starts in 2019: nobody compares, no cell, the columns kept
    none = ex.att_gt_by_hand(_panel(Y, [2019] * 5))
    assert none.empty and list(none.columns) == list(out.columns)


def test_the_permuted_simple_att_keeps_cells_with_one_comparison_institution():
    rows = np.array(
        [
            COHORTS,
            [2019, 2019, 2020, 0, -1],  # −1: u5 left out everywhere
            [0, 0, 0, 0, 0],  # nobody treated
            [2018, 0, 0, 0, 0],  # a cohort without a base year in the panel
            [2019, 2019, 2019, 2019, 2019],  # nobody to compare with
            [2020, 0, 0, 0, 0],
            [2021, 0, 0, 0, 0],  # one cell with one treated institution
            [2018, 2019, 2019, 0, 0],  # a cohort without a base year before one with
            [2019, 2019, 2020, 2020, 2020],  # from 2020 on nobody is left to compare with
        ]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # cells some rows lack are skipped quietly, not 0/0
        got = _simple_att_many(Y, rows, YEARS)
    assert got[0] == pytest.approx((2 * 4 / 3 + 2 * 3 + 2 * 4.5 + 3 + 1) / 8, abs=1e-12)
    # without u5: 2019 in 2019 is 2 − (1 + 1)/2 = 1, then u4 alone compares: 4 − 1 = 3,
    # 7 − 2 = 5; 2020: 3 − 0 = 3, 3 − 1 = 2
    assert got[1] == pytest.approx((2 * 1 + 2 * 3 + 2 * 5 + 3 + 2) / 8, abs=1e-12)
    assert np.isnan(got[2:5]).all()
    # u1 alone in 2020, against u2–u5 from 2019: to 2020 it gains 2 against 2, 3, 0 (u5
    # unseen), to 2021 3 against 7, 3, 1, 3; from 2021: 1 against 5, 0, 1
    assert got[5] == pytest.approx(((2 - 5 / 3) + (3 - 14 / 4)) / 2, abs=1e-12)
    assert got[6] == pytest.approx(1 - 2, abs=1e-12)
    # u2 and u3 from 2018 against u4 and u5 (u1 compares with nobody): 0.5, 2.5, 3.5
    assert got[7] == pytest.approx((0.5 + 2.5 + 3.5) / 3, abs=1e-12)
    assert got[8] == pytest.approx(4 / 3, abs=1e-12)  # the 2019 cell in 2019 alone


# --------------------------------------------------------------------------- event study


def test_the_event_study_of_the_small_panel_by_hand():
    # never-treated comparison (u4, u5), base year g − 1:
    #   2019: e0 (3+1)/2 − (1+0)/2 = 1.5; e1 4 − 1 = 3; e2 7 − 2.5 = 4.5
    #   2020: e−2 −1 − (−1+0)/2 = −0.5; e0 3 − 0 = 3; e1 3 − 2 = 1
    study = ex.event_study(_panel(Y, COHORTS))
    est = study.estimates.set_index("event_time")
    want = {-2: -0.5, -1: 0.0, 0: (2 * 1.5 + 3) / 3, 1: (2 * 3 + 1) / 3, 2: 4.5}
    assert est.estimate.to_dict() == pytest.approx(want, abs=1e-12)
    assert est.cohorts.to_dict() == {-2: 1, -1: 0, 0: 2, 1: 2, 2: 1}
    assert est.institutions.to_dict() == {-2: 1, -1: 0, 0: 3, 1: 3, 2: 2}
    # fewer than three treated institutions: shown without an interval
    assert est.loc[[-2, 2], ["se", "df", "ci_low", "ci_high"]].isna().all().all()
    assert study.att == pytest.approx((2 * 1.5 + 2 * 3 + 2 * 4.5 + 3 + 1) / 8, abs=1e-12)
    assert study.pretrend is None and study.comparison == "never"
    cells = study.cell_coefficients
    assert cells.institutions.tolist() == [2, 2, 2, 1, 1, 1]
    assert cells.institutions.dtype.kind == "i"


def test_a_simulated_event_study_against_leaving_each_institution_out_by_hand():
    panel = ex.simulate_panel(2, institutions=14).panel
    study = ex.event_study(panel)
    est = study.estimates
    ref = est[est.event_time == -1]
    assert ref[["estimate", "se", "ci_low", "ci_high"]].to_numpy().tolist() == [[0.0] * 4]
    assert ref.df.isna().all() and (ref[["cohorts", "institutions"]] == 0).all().all()
    assert list(est.event_time) == sorted(est.event_time)
    assert est.index.equals(pd.RangeIndex(len(est)))
    assert est.dtypes["cohorts"].kind == "i" and est.dtypes["institutions"].kind == "i"
    # the ATT's jackknife: re-estimate without each institution; (n − 1)/n Σ d² per group,
    # t on the smaller group's size less one
    d = {True: [], False: []}
    for row in panel.institutions.itertuples():
        frame = panel.frame[panel.frame.institution_id != row.institution_id]
        less = ex.Panel(frame.reset_index(drop=True), "x", panel.start, panel.end)
        d[row.cohort > 0].append(ex.event_study(less).att - study.att)
    var = sum((len(v) - 1) / len(v) * np.square(v).sum() for v in d.values())
    assert study.se == pytest.approx(math.sqrt(var), rel=1e-9)
    assert study.df == min(len(d[True]), len(d[False])) - 1


def test_an_event_study_without_a_pre_period_is_refused():
    message = "^no cohort has a year before its first exchange in the panel$"
    with pytest.raises(ValueError, match=message):
        ex.event_study(_panel(Y[:, 1:], [2019, 2019, 0, 0, 0], YEARS[1:]))


# --------------------------------------------------------------------------- pre-trend test


def _jk(dev_treated, dev_control, estimate):
    d = np.vstack([dev_treated, dev_control]).astype(float)
    treated = np.r_[np.ones(len(dev_treated), bool), np.zeros(len(dev_control), bool)]
    return Jackknife(np.asarray(estimate, float), d, treated, np.zeros(d.shape[1], bool))


def _pretrend(jk, leads, carried, n=8):
    """The test of `leads` (rows in order), each a single cell that all n institutions carry."""
    cells, lead = np.ones((n, 1), bool), [np.ones(1, bool)] * len(leads)
    return pretrend_test(jk, leads, list(range(len(leads))), carried, cells, lead)


DT = np.array([[0.3, 0.1], [-0.2, 0.3], [0.1, -0.4], [-0.2, 0.1]])  # rows 0 (lead −2), 1 (−3)
DC = np.array([[0.1, 0.0], [-0.1, 0.2], [0.05, -0.15], [-0.05, -0.15]])


def test_the_pretrend_statistics_by_hand():
    b = np.array([0.9, 0.5])
    test = _pretrend(_jk(DT, DC, b), [-2, -3], [4, 4])
    # Welch ν of the leads' mean and the jackknife covariance, written out
    mt, mc = DT.mean(1), DC.mean(1)
    vt, vc = 3 / 4 * mt @ mt, 3 / 4 * mc @ mc
    nu = (vt + vc) ** 2 / (vt**2 / 3 + vc**2 / 3)
    wald = b @ np.linalg.inv(3 / 4 * DT.T @ DT + 3 / 4 * DC.T @ DC) @ b
    assert nu > 3  # so both leads are tested
    assert test.leads == [-3, -2] and test.df_num == 2
    assert test.mean_df == pytest.approx(nu, rel=1e-12)
    assert test.df_den == pytest.approx(nu - 1, rel=1e-12)
    f = wald * (nu - 1) / (nu * 2)
    assert test.statistic == pytest.approx(f, rel=1e-10)
    assert test.joint_p_value == pytest.approx(stats.f.sf(f, 2, nu - 1), rel=1e-10)
    assert test.estimate == pytest.approx(0.7, abs=1e-15)
    assert test.se == pytest.approx(math.sqrt(vt + vc), rel=1e-12)
    assert test.mean_statistic == pytest.approx(0.7 / math.sqrt(vt + vc), rel=1e-12)
    mean_p = 2 * stats.t.sf(0.7 / math.sqrt(vt + vc), nu)
    assert test.mean_p_value == pytest.approx(mean_p, rel=1e-10)
    assert 2 * min(mean_p, test.joint_p_value) < 0.5  # Bonferroni's doubling is not capped
    assert test.p_value == pytest.approx(2 * min(mean_p, test.joint_p_value), rel=1e-10)
    assert test.institutions == 8


def test_the_pretrend_test_counts_the_institutions_of_its_leads_cells_only():
    jk = _jk(DT, DC, [0.9, 0.5])
    # cells: the two leads (rows 0–3 and 0–1 treated) and a post cell (rows 0–5)
    cells = np.zeros((8, 3), bool)
    cells[:4, 0], cells[:2, 1], cells[:6, 2] = True, True, True
    lead = [np.array([True, False, False]), np.array([False, True, False])]
    test = pretrend_test(jk, [-3, -2], [1, 0], [4, 4], cells, lead)
    assert test.leads == [-3, -2] and test.institutions == 4
    only = pretrend_test(jk, [-3, -2], [1, 0], [2, 4], cells, lead)
    assert only.leads == [-2] and only.institutions == 2
    with pytest.raises(ValueError):  # leads and their cells that do not match
        pretrend_test(jk, [-3, -2], [1, 0], [4, 4], cells, lead[:1])


def test_no_lead_or_only_thinly_carried_leads_give_no_test():
    """A far lead needs max(3, ceil(half the nearest lead's institutions)) of its own."""
    jk = _jk(np.array([[0.1], [-0.1], [0.2]]), np.array([[0.1], [-0.1]]), [0.5])
    assert _pretrend(jk, [], [], 5) is None
    assert _pretrend(jk, [-2], [2], 5) is None  # under 3 institutions
    assert _pretrend(jk, [-2], [3], 5) is not None
    jk.undefined[:] = True
    assert _pretrend(jk, [-2], [3], 5) is None
    jk = _jk(DT, DC, [0.4, -0.3])
    for carried, leads in [((8, 3), [-2]), ((8, 4), [-3, -2]), ((7, 3), [-2]), ((5, 3), [-3, -2])]:
        assert _pretrend(jk, [-2, -3], list(carried)).leads == leads, carried


def test_no_test_when_the_nearest_leads_leave_the_f_without_a_denominator():
    # all three leads: four institutions a side move the mean, the comparison little (3 ≤ ν < 4:
    # two leads allowed); the nearest two: only t1 and t2 move their mean, the comparison not at
    # all, so ν = 1 and F(2, ν − 2 + 1) = F(2, 0) has no denominator
    dt = np.array([[0.4, 0.2, 0.1], [-0.3, -0.1, 0.2], [1.0, -1.0, 0.9], [0.5, -0.5, -0.8]])
    dc = np.array([[0.3, -0.3, 0.04], [-0.2, 0.2, -0.05], [0.6, -0.6, 0.03], [0.1, -0.1, -0.02]])
    jk = _jk(dt, dc, [0.1, 0.2, 0.3])
    assert 3 <= jk.variance(np.ones(3) / 3, conservative=False)[1] < 4
    assert jk.variance(np.array([0.5, 0.5, 0.0]), conservative=False)[1] == pytest.approx(1.0)
    assert _pretrend(jk, [-2, -3, -4], [4, 4, 4]) is None


def test_a_lead_whose_variance_overflows_gives_no_test():
    # t3's removal moves lead −2 by 1e200 and lead −3 back by as much: the mean of the two is
    # finite (ν < 3, so only −2 is tested) but lead −2's own variance is infinite
    dt = np.array([[0.3, 0.1], [-0.2, 0.1], [1e200, -1e200]])
    jk = _jk(dt, np.array([[0.1, 0.3], [-0.1, -0.2]]), [0.4, -0.3])
    with np.errstate(over="ignore", invalid="ignore"):
        assert jk.variance(np.array([0.5, 0.5]), conservative=False)[1] < 3
        assert jk.variance(np.array([1.0, 0.0]), conservative=False)[0] == math.inf
        assert _pretrend(jk, [-2, -3], [3, 3], 5) is None


# --------------------------------------------------------------------------- estimability

NEVER = "从未接受交流的对照单位只有{}家（至少需要{}家），也没有足够的较晚开始交流的单位可作对照"
FEW = "有两年以上成效数据的单位只有{}家（至少需要{}家）"
TREATED = "接受交流的单位只有{}家（至少需要{}家）"
EARLY = "接受交流的单位在起始年之前没有观测"


def _composition(cohorts):
    return _panel(np.zeros((len(cohorts), len(YEARS))), np.asarray(cohorts))


@pytest.mark.parametrize(
    "cohorts, reasons",
    [
        ([2020] * 2 + [0] * 6, [TREATED.format(2, 3)]),
        ([2020] * 3 + [0] * 5, []),
        ([2020] * 3 + [0] * 4, [FEW.format(7, 8)]),
        ([2019] * 6 + [2020] * 2 + [0], []),  # a later cohort of 2 compares
        ([2019] * 6 + [2020] + [0], [NEVER.format(1, 2)]),
        ([2019] * 4 + [2020] + [2021] * 2 + [0], []),  # the last cohort, not the second
        ([2019] * 4 + [2020] * 2 + [2021] + [0], [NEVER.format(1, 2)]),
        ([2019] * 7 + [0], [NEVER.format(1, 2)]),  # no later cohort at all
        ([2018] + [2020] * 3 + [0] * 4, [EARLY]),
        ([2018] * 2 + [0] * 3, [FEW.format(5, 8), TREATED.format(2, 3), EARLY]),
        ([0] * 8, [TREATED.format(0, 3)]),
    ],
)
def test_estimability_names_each_reason(cohorts, reasons):
    assert ex.estimability(_composition(cohorts)) == reasons


def test_estimability_thresholds_are_arguments():
    panel = _composition([2020] * 2 + [2021] + [0] * 2)
    assert ex.estimability(panel, min_institutions=5, min_treated=3, min_never=2) == []
    reasons = [FEW.format(5, 6), TREATED.format(3, 4), NEVER.format(2, 3)]
    assert ex.estimability(panel, min_institutions=6, min_treated=4, min_never=3) == reasons
    later = _composition([2019] * 6 + [2020] * 2 + [0])  # a later cohort of 2
    assert ex.estimability(later, min_never=3) == [NEVER.format(1, 3)]


# --------------------------------------------------------------------------- cohorts


def test_cohorts_of_institutions_with_and_without_exchanges():
    exchanges = pd.DataFrame(
        [
            ("B", "520201", "health", "2019-05-01", "2019-06-01", 1),
            ("B", "520201", "health", "2017-03-01", "2017-09-01", 2),
            ("Z", "520221", "education", "2020-01-01", None, 1),
        ],
        columns=["institution_id", "scope_code", "field", "start_date", "end_date", "persons"],
    )
    institutions = pd.DataFrame(
        [("C", "520203", "health"), ("B", "520201", "health"), ("A", "520281", "education")],
        columns=["institution_id", "scope_code", "field"],
    )
    out = ex.cohorts(exchanges, institutions)
    # A and C never had an exchange; Z is only in the exchanges and is kept
    assert out.to_dict("list") == {
        "institution_id": ["A", "B", "C", "Z"],
        "scope_code": ["520281", "520201", "520203", "520221"],
        "field": ["education", "health", "health", "education"],
        "cohort": [0, 2017, 0, 2020],
    }
    assert out.cohort.dtype.kind == "i" and out.index.tolist() == [0, 1, 2, 3]
    numbered = ex.cohorts(exchanges.assign(institution_id=[20, 20, 3]))
    assert numbered.institution_id.tolist() == [3, 20] and numbered.cohort.tolist() == [2020, 2017]
    alone = ex.cohorts(exchanges)
    assert alone.institution_id.tolist() == ["B", "Z"] and alone.cohort.tolist() == [2017, 2020]


# --------------------------------------------------------------------------- wild bootstrap


def _wcr_by_hand(panel, draws, seed):
    """The restricted wild cluster bootstrap (Webb weights, CRV1) of the event-study ATT.

    Returns t, the p-value's bounds (equal unless a draw ties with t) and the clusters.
    """
    f = panel.frame.reset_index(drop=True)
    rel = f.year - f.cohort
    keys = sorted({(g, e) for g, e in zip(f.cohort, rel, strict=True) if g > 0 and e != -1})
    cells = np.column_stack([((f.cohort == g) & (rel == e)).to_numpy(float) for g, e in keys])
    units = (f.unit.to_numpy()[:, None] == np.unique(f.unit)[None, :]).astype(float)
    years = (f.year.to_numpy()[:, None] == np.unique(f.year)[None, 1:]).astype(float)
    x = np.column_stack([cells, units, years])
    size = f.drop_duplicates("unit").groupby("cohort").size()
    r = np.zeros(x.shape[1])
    r[: len(keys)] = [size[g] if e >= 0 else 0.0 for g, e in keys]
    y = f.y.to_numpy(float)
    scopes = np.unique(f.scope_code)
    g_of = np.searchsorted(scopes, f.scope_code.to_numpy())
    n, k, groups = len(y), x.shape[1], len(scopes)
    inv = np.linalg.inv(x.T @ x)
    ssc = (n - 1) / (n - k) * groups / (groups - 1)

    def t_of(yy):  # columns of yy are regressions; CRV1 t of r·β
        beta = inv @ x.T @ yy
        resid = yy - x @ beta
        per = np.stack([r @ inv @ x[g_of == g].T @ resid[g_of == g] for g in range(groups)])
        return (r @ beta) / np.sqrt(ssc * (per**2).sum(0))

    beta = inv @ x.T @ y
    restricted = beta - inv @ r * (r @ beta) / (r @ inv @ r)  # r·β = 0 imposed
    u = y - x @ restricted
    webb = np.concatenate([-np.sqrt(np.array([3, 2, 1]) / 2), np.sqrt(np.array([1, 2, 3]) / 2)])
    v = np.random.default_rng(seed).choice(webb, size=groups * draws).reshape(groups, draws)
    t = float(t_of(y[:, None])[0])
    t_star = np.abs(t_of((x @ restricted)[:, None] + u[:, None] * v[g_of]))
    # a draw with the same weight in every cluster gives |t*| = |t| exactly: which side of |t|
    # rounding puts it on is not the method's, so such ties bound the p-value from both sides
    tie = np.isclose(t_star, abs(t), rtol=1e-9, atol=0)
    above = t_star > abs(t)
    return t, float(np.mean(above & ~tie)), float(np.mean(above | tie)), groups


@pytest.mark.parametrize("seed, effect", [(0, 0.0), (3, 0.15), (5, -0.1)])
def test_the_wild_bootstrap_is_the_restricted_bootstrap_by_hand(seed, effect):
    panel = ex.simulate_panel(seed, institutions=20, effect=effect).panel
    frame = panel.frame
    # the counties in an unsorted order of appearance, so the weights' order matters
    order = {c: k for k, c in enumerate(sorted(frame.scope_code.unique(), reverse=True))}
    panel.frame = frame.sort_values(
        ["scope_code", "year"], key=lambda s: s.map(order) if s.name == "scope_code" else s
    ).reset_index(drop=True)
    study = ex.event_study(panel)
    t, low, high, groups = _wcr_by_hand(study.design["panel"], 59, seed + 11)
    boot = ex.wild_cluster_bootstrap(study, draws=59, seed=seed + 11)
    assert boot.t_stat == pytest.approx(t, rel=1e-8)
    assert low - 1e-12 <= boot.p_value <= high + 1e-12 and high - low <= 3 / 59
    assert 0.05 < low and high < 1.0  # not a p-value every bootstrap would give
    assert (boot.clusters, boot.draws, boot.institutions) == (groups, 59, 20)


def test_the_bootstraps_defaults_are_9999_draws_from_seed_0():
    panel = ex.simulate_panel(4, institutions=12, effect=0.0).panel
    # eight clusters: a tie (the same weight in all eight) is unlikely in 9999 draws
    panel.frame["scope_code"] = (panel.frame.unit % 8).astype(str)
    study = ex.event_study(panel)
    _, low, high, _ = _wcr_by_hand(study.design["panel"], 9999, 0)
    boot = ex.wild_cluster_bootstrap(study)
    assert boot.draws == 9999 and boot.clusters == 8
    assert low - 1e-12 <= boot.p_value <= high + 1e-12 and high - low < 2 / 9999


def test_two_clusters_are_enough_and_other_cluster_columns_can_be_used():
    panel = ex.simulate_panel(0, institutions=16).panel
    panel.frame["scope_code"] = np.where(panel.frame.unit % 2 == 0, "520201", "520221")
    study = ex.event_study(panel)
    assert ex.wild_cluster_bootstrap(study, draws=19).clusters == 2
    assert ex.wild_cluster_bootstrap(study, cluster="unit", draws=19).clusters == 16

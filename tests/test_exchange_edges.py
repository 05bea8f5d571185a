"""Edges of the exchange estimators that the headline checks do not reach.

Missing outcomes inside a cohort, the unbalanced (long-differences) path, the influence-function
standard errors kept for comparison and the per-cell standard errors: each is checked against an
independent computation or a property that a wrong value breaks.
"""

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from lps_analysis import exchange as ex

GT_COLUMNS = ["cohort", "year", "event_time", "att", "treated", "controls"]


@pytest.fixture(scope="module")
def sim():
    return ex.simulate_panel(3)


def _without(panel, institution_ids, year):
    """The panel with the outcomes of some institutions in one year removed (unbalanced)."""
    frame = panel.frame
    drop = frame.institution_id.isin(institution_ids) & (frame.year == year)
    outcomes = frame[~drop].assign(indicator="x", field="health", value=lambda f: f.y)
    cohort_table = frame.drop_duplicates("institution_id")[["institution_id", "cohort"]]
    return ex.outcome_panel(outcomes, cohort_table, indicator="x", start=panel.start)


def test_a_cohort_missing_a_whole_year_still_gives_a_finite_permuted_att(sim):
    """A cohort-year with no treated outcome is left out, never turned into NaN (or 0)."""
    panel = sim.panel
    cohort = int(panel.cohort_sizes.index.max())
    members = panel.frame.loc[panel.frame.cohort == cohort, "institution_id"].unique()
    holed = _without(panel, members, cohort + 1)
    y, cohorts, years = ex._wide(holed)
    hand = ex.att_gt_by_hand(holed)
    assert not ((hand.cohort == cohort) & (hand.year == cohort + 1)).any()
    many = ex._simple_att_many(y, np.vstack([cohorts, cohorts]), years)
    assert np.isfinite(many).all()
    assert many[0] == pytest.approx(ex.simple_att_by_hand(hand), abs=1e-8)


def test_by_hand_att_gt_of_a_panel_without_a_usable_cohort_is_empty_with_its_columns(sim):
    panel = sim.panel
    never = panel.frame[panel.frame.cohort == 0]
    empty = ex.att_gt_by_hand(type(panel)(never, panel.indicator, panel.start, panel.end))
    assert empty.empty and list(empty.columns) == GT_COLUMNS
    assert math.isnan(ex.simple_att_by_hand(empty))


def test_the_unbalanced_path_returns_its_group_time_effects(sim):
    panel = sim.panel
    some = panel.frame.loc[panel.frame.cohort == 0, "institution_id"].unique()[:2]
    holed = _without(panel, some, panel.start + 2)
    assert not holed.balanced
    cs = ex.att_gt(holed)
    assert cs.method == "long_differences"
    assert isinstance(cs.group_time, pd.DataFrame) and len(cs.group_time) > 0
    assert {"cohort", "year", "event_time", "att"} <= set(cs.group_time.columns)
    post = cs.group_time[cs.group_time.event_time >= 0]
    hand = ex.att_gt_by_hand(holed)
    merged = post.merge(hand, on=["cohort", "year"], suffixes=("", "_hand"), validate="1:1")
    assert len(merged) == len(hand)
    np.testing.assert_allclose(merged.att, merged.att_hand, rtol=0, atol=1e-8)


def test_influence_function_standard_errors_are_moderndids_by_event_time(sim):
    import moderndid

    panel = sim.panel
    cs = ex.att_gt(panel)
    data = panel.frame[["unit", "year", "y", "cohort"]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = moderndid.att_gt(
            data,
            yname="y",
            tname="year",
            idname="unit",
            gname="cohort",
            control_group="notyettreated",
            est_method="reg",
            boot=False,
            cband=False,
        )
        simple = moderndid.aggte(result, type="simple")
        dynamic = moderndid.aggte(result, type="dynamic")
    assert cs.se_influence == pytest.approx(float(simple.overall_se), rel=1e-9)
    by_event = dict(
        zip(
            np.asarray(dynamic.event_times, int),
            np.asarray(dynamic.se_by_event, float),
            strict=True,
        )
    )
    assert min(by_event) < 0  # pre-periods come first: a positional match would be shifted
    for event_time, se in zip(cs.dynamic.event_time, cs.dynamic.se_influence, strict=True):
        assert se == pytest.approx(by_event[int(event_time)], rel=1e-9), event_time


def test_a_cell_alone_at_its_event_time_has_the_event_times_standard_error(sim):
    study = ex.event_study(sim.panel)
    cells = study.cell_coefficients
    alone = study.estimates[(study.estimates.cohorts == 1) & study.estimates.se.notna()]
    assert len(alone) > 0
    for row in alone.itertuples():
        cell = cells[cells.event_time == row.event_time]
        assert len(cell) == 1
        assert cell.coefficient.iloc[0] == pytest.approx(row.estimate, abs=1e-9)
        assert cell.se.iloc[0] == pytest.approx(row.se, rel=1e-9)
    assert (cells.se.dropna() < cells.coefficient.abs().max() + 10 * study.se).all()


def test_an_empty_panel_keeps_its_indicator():
    outcomes = pd.DataFrame(
        {"institution_id": [], "year": [], "indicator": [], "field": [], "value": []}
    )
    cohort_table = pd.DataFrame({"institution_id": [], "cohort": []})
    panel = ex.outcome_panel(outcomes, cohort_table, indicator="level34_surgeries")
    assert panel.indicator == "level34_surgeries" and panel.n_institutions == 0


def test_estimability_says_why_a_later_cohort_cannot_stand_in_for_the_never_treated():
    sim = ex.simulate_panel(0, institutions=6, never_share=1 / 6)
    reasons = ex.estimability(sim.panel)
    assert (
        f"从未接受交流的对照单位只有{sim.panel.n_never}家（至少需要{ex.MIN_NEVER_TREATED}家），"
        "也没有足够的较晚开始交流的单位可作对照"
    ) in reasons


def test_a_never_treated_institution_has_no_years_of_exposure(sim):
    frame = sim.panel.frame
    inst = frame.drop_duplicates("institution_id")
    treated = inst[inst.cohort > 0].head(3)
    exchanges = pd.DataFrame(
        {
            "institution_id": treated.institution_id,
            "scope_code": treated.scope_code,
            "field": "health",
            "start_date": pd.to_datetime(treated.cohort.astype(str) + "-03-01"),
            "end_date": pd.to_datetime(treated.cohort.astype(str) + "-06-01"),
            "direction": "inbound",
            "persons": 2,
        }
    )
    institutions = inst[["institution_id", "scope_code"]].assign(field="health")
    out = ex.exposure(exchanges, institutions).set_index("institution_id")
    last = int(exchanges.start_date.dt.year.max())
    never = out[out.cohort == 0]
    assert len(never) > 0 and (never.years_exposed == 0).all()
    assert (never.person_months_per_year == 0).all()
    for row in treated.itertuples():
        assert out.loc[row.institution_id, "years_exposed"] == last - row.cohort + 1


def test_a_cell_that_one_institution_carries_has_no_interval():
    from lps_analysis.exchange.inference import Jackknife

    full = np.array([1.0, 2.0, np.nan])
    loo = np.array([[1.1, 2.0, np.nan], [0.9, np.nan, np.nan], [1.0, 2.1, np.nan]])
    jk = Jackknife.of(full, loo, np.array([1, 1, 0]))
    # cell 0 moves with every removal; cell 1 is undefined without institution 2; cell 2 never
    assert jk.undefined.tolist() == [False, True, True]
    assert jk.deviations[:, 2].tolist() == [0.0, 0.0, 0.0]


def test_the_covariance_counts_only_the_institutions_that_move_an_aggregate():
    from lps_analysis.exchange.inference import Jackknife

    d = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 0.0], [2.0, 1.0], [-2.0, -1.0]])
    jk = Jackknife(np.zeros(2), d, np.array([True, True, True, False, False]), np.zeros(2, bool))
    # treated: 2 institutions move it (the third plays no part): (2-1)/2 * [[2, 0], [0, 0]]
    # comparison: (2-1)/2 * [[8, 4], [4, 2]]
    np.testing.assert_allclose(jk.covariance([0, 1]), [[5.0, 2.0], [2.0, 1.0]])


def test_without_enough_never_treated_the_last_cohort_is_the_comparison():
    sim = ex.simulate_panel(0, never_share=0.0)
    panel = sim.panel
    assert panel.n_never == 0
    last = int(panel.cohort_sizes.index.max())
    compared, which = ex.comparison_panel(panel)
    assert which == "last_cohort"
    cohorts = compared.frame.drop_duplicates("institution_id").set_index("institution_id").cohort
    before = panel.frame.drop_duplicates("institution_id").set_index("institution_id").cohort
    assert (cohorts[before == last] == 0).all()
    assert (cohorts[before != last] == before[before != last]).all()
    assert compared.frame.year.max() == last - 1


def test_a_lead_whose_welch_df_is_one_is_still_tested_on_f_1_1():
    from lps_analysis.exchange.event_study import pretrend_test
    from lps_analysis.exchange.inference import Jackknife

    # two treated institutions move the lead, the comparison institutions do not: ν = 1 exactly
    d = np.array([[0.2], [-0.2], [0.0], [0.0]])
    jk = Jackknife(np.array([0.5]), d, np.array([True, True, False, False]), np.array([False]))
    assert jk.variance(np.array([1.0]), conservative=False)[1] == pytest.approx(1.0)
    members = np.array([True, True, False, False])
    test = pretrend_test(jk, [-2], [0], [3], members.reshape(-1, 1), [np.array([True])])
    assert test is not None and test.df_num == 1 and test.df_den == pytest.approx(1.0)
    assert test.institutions == 2


def test_the_pretrend_test_counts_the_treated_institutions_that_carry_its_leads(sim):
    study = ex.event_study(sim.panel)
    pre = study.pretrend
    start = sim.panel.start
    sizes = sim.panel.cohort_sizes
    # in a balanced panel a cohort has lead −2 (and earlier) when it starts two years after the
    # panel; every tested lead is carried by all of those cohorts' institutions
    with_leads = sizes[sizes.index >= start + 2]
    assert pre is not None and max(pre.leads) == -2
    assert pre.institutions == int(with_leads.sum())


@pytest.mark.parametrize("per_group", [2, 3])
def test_an_intensity_group_of_three_treated_institutions_gets_an_interval(per_group):
    from lps_analysis.exchange.event_study import INTERVAL_MIN_INSTITUTIONS as floor

    assert floor == 3
    sim = ex.simulate_panel(
        1, institutions=3 * per_group + 12, never_share=12 / (3 * per_group + 12)
    )
    panel = sim.panel
    treated = panel.institutions[panel.institutions.cohort > 0].institution_id
    assert len(treated) == 3 * per_group
    exposure_table = pd.DataFrame(
        {"institution_id": treated, "person_months_per_year": np.arange(len(treated), 0, -1.0)}
    )
    frame = ex.effect_by_intensity(panel, exposure_table)
    assert frame.institutions.tolist() == [per_group] * 3
    has_interval = frame.ci_low.notna() & frame.ci_high.notna()
    assert frame.att.notna().all()
    assert has_interval.all() if per_group >= floor else not has_interval.any()

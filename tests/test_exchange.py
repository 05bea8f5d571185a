"""The east–west exchange analysis: descriptive totals, the panel, and the effect estimators.

The estimators are checked on simulated panels with a known staggered, dynamic effect
(:func:`lps_analysis.exchange.simulate_panel`), against a second implementation, and on the
bundled illustrative data against the generator's truth (read from its sidecar, never typed).
"""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
import yaml

from lps_analysis import exchange as ex
from lps_analysis import paths
from lps_analysis.data.reference import load_facts
from lps_analysis.data.validate import load_dataset

SEEDS = range(30)  # the Monte-Carlo sweep (fixed seeds: deterministic, not flaky)
NULL_SEEDS = range(60)


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(paths.ILLUSTRATIVE_DIR)


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _covers(low, high, value):
    return low <= value <= high


# --------------------------------------------------------------------------- the simulator


def test_simulate_panel_is_balanced_staggered_and_its_truth_is_exact():
    sim = ex.simulate_panel(0)
    panel = sim.panel
    assert panel.n_institutions == 50
    assert panel.years == list(range(2013, 2023))
    assert len(panel.frame) == 50 * 10
    assert sorted(panel.cohort_sizes.index) == [2015, 2016, 2017, 2018, 2019]
    assert panel.n_never == 15
    assert ex.estimability(panel) == []
    # Deterministic in the seed, different across seeds.
    pd.testing.assert_frame_equal(ex.simulate_panel(0).panel.frame, panel.frame)
    assert not np.allclose(ex.simulate_panel(1).panel.frame["y"], panel.frame["y"])
    # The effect grows with exposure and is larger for later cohorts.
    eff = sim.effects.set_index(["cohort", "event_time"])["effect"]
    assert eff[(2015, 0)] < eff[(2015, 1)] < eff[(2015, 2)]
    assert eff[(2015, 0)] < eff[(2017, 0)] < eff[(2019, 0)]
    # The truth is the average over treated institution-years.
    assert sim.att == pytest.approx(
        np.average(sim.effects.effect, weights=sim.effects.institutions)
    )
    treated_years = ((panel.frame.cohort > 0) & (panel.frame.year >= panel.frame.cohort)).sum()
    assert sim.effects.institutions.sum() == treated_years


def test_simulated_zero_effect_and_homogeneous_effect():
    assert ex.simulate_panel(0, effect=0.0).att == 0.0
    sim = ex.simulate_panel(0, homogeneous=True, effect=2.5)
    assert sim.att == pytest.approx(2.5)
    assert set(sim.effects.effect) == {2.5}


# --------------------------------------------------------------------------- 1. Monte Carlo


@pytest.fixture(scope="module")
def sweep():
    """CS and TWFE on the same 30 simulated panels (cohort-varying, dynamic effect)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rows = []
        for seed in SEEDS:
            sim = ex.simulate_panel(seed)
            cs = ex.att_gt(sim.panel)
            tw = ex.twfe(sim.panel)
            rows.append(
                {
                    "truth": sim.att,
                    "cs": cs.att,
                    "cs_low": cs.ci_low,
                    "cs_high": cs.ci_high,
                    "twfe": tw.estimate,
                    "twfe_low": tw.ci_low,
                    "twfe_high": tw.ci_high,
                }
            )
    return pd.DataFrame(rows)


def test_callaway_santanna_interval_covers_the_true_att(sweep):
    covered = (sweep.cs_low <= sweep.truth) & (sweep.truth <= sweep.cs_high)
    assert covered.mean() >= 0.9
    # and it is centred on the truth: mean error within 3 Monte-Carlo standard errors
    error = sweep.cs - sweep.truth
    assert abs(error.mean()) < 3 * error.std(ddof=1) / math.sqrt(len(error))


def test_twfe_is_biased_in_the_same_design(sweep):
    error = sweep.twfe - sweep.truth
    mc_se = error.std(ddof=1) / math.sqrt(len(error))
    assert error.mean() < 0  # downward: later cohorts are compared with already-treated ones
    assert abs(error.mean()) > 10 * mc_se
    assert abs(error.mean()) > 0.1 * sweep.truth.mean()
    covered = (sweep.twfe_low <= sweep.truth) & (sweep.truth <= sweep.twfe_high)
    assert covered.mean() < 0.5


def test_callaway_santanna_rarely_rejects_a_true_null():
    rejected = 0
    for seed in NULL_SEEDS:
        cs = ex.att_gt(ex.simulate_panel(seed, effect=0.0).panel)
        rejected += not _covers(cs.ci_low, cs.ci_high, 0.0)
    assert rejected / len(NULL_SEEDS) <= 0.10


# --------------------------------------------------------------------------- 2. second implementation


@pytest.mark.parametrize("seed", [3, 11])
def test_moderndid_agrees_with_the_by_hand_att_gt(seed):
    panel = ex.simulate_panel(seed).panel
    cs = ex.att_gt(panel)
    hand = ex.att_gt_by_hand(panel)
    post = cs.group_time[cs.group_time.event_time >= 0]
    merged = post.merge(hand, on=["cohort", "year"], suffixes=("", "_hand"), validate="1:1")
    assert len(merged) == len(post) == len(hand) > 0
    np.testing.assert_allclose(merged.att, merged.att_hand, rtol=0, atol=1e-8)
    assert cs.att == pytest.approx(ex.simple_att_by_hand(hand), abs=1e-8)
    # the vectorised version used by the randomization test is the same computation
    y, cohort, years = ex._wide(panel)
    assert ex._simple_att_many(y, cohort.reshape(1, -1), years)[0] == pytest.approx(
        cs.att, abs=1e-8
    )


def test_by_hand_att_gt_on_illustrative_data(dataset):
    outcomes = dataset["institution_outcomes"]
    cohort_table = ex.cohorts(dataset["exchanges"], dataset["institutions"])
    panel = ex.outcome_panel(outcomes, cohort_table, indicator="level34_surgeries", field="health")
    cs = ex.att_gt(panel)
    hand = ex.att_gt_by_hand(panel)
    merged = cs.group_time.merge(hand, on=["cohort", "year"], suffixes=("", "_hand"))
    assert len(merged) == len(hand)
    np.testing.assert_allclose(merged.att, merged.att_hand, rtol=0, atol=1e-8)
    assert cs.att == pytest.approx(ex.simple_att_by_hand(hand), abs=1e-8)


def test_sun_abraham_cells_equal_callaway_santanna_with_never_treated_controls():
    """With never-treated controls the two estimators compute the same post cells exactly."""
    panel = ex.simulate_panel(5, homogeneous=True, effect=2.0).panel
    study = ex.event_study(panel)
    cs = ex.att_gt(panel, control_group="nevertreated")
    gt = cs.group_time[["cohort", "event_time", "att"]]
    cells = study.cell_coefficients[study.cell_coefficients.event_time >= 0]
    merged = cells.merge(gt, on=["cohort", "event_time"], validate="1:1")
    assert len(merged) == len(cells) > 0
    np.testing.assert_allclose(merged.coefficient, merged.att, rtol=0, atol=1e-8)
    dyn = cs.dynamic[["event_time", "att"]]
    post = study.estimates[study.estimates.event_time >= 0].merge(dyn, on="event_time")
    assert len(post) == (study.estimates.event_time >= 0).sum()
    np.testing.assert_allclose(post.estimate, post.att, rtol=0, atol=1e-8)


def test_event_study_agrees_with_cs_dynamic_aggregation_on_homogeneous_effects():
    sim = ex.simulate_panel(5, homogeneous=True, effect=2.0)
    study = ex.event_study(sim.panel)
    cs = ex.att_gt(sim.panel)
    both = study.estimates.merge(cs.dynamic, on="event_time", suffixes=("_sa", "_cs"))
    assert list(both.event_time) == list(cs.dynamic.event_time)
    # different control groups (never vs not-yet treated): equal up to sampling noise
    assert (abs(both.estimate - both.att) < 0.5 * both.se_cs).all()
    assert abs(study.att - cs.att) < 0.5 * cs.se
    assert _covers(study.ci_low, study.ci_high, sim.att)
    assert _covers(cs.ci_low, cs.ci_high, sim.att)


def test_event_study_cells_reproduce_the_sun_abraham_regression():
    panel = ex.simulate_panel(2).panel
    study = ex.event_study(panel)
    reg = ex.sun_abraham_regression(panel)
    merged = study.cell_coefficients.merge(reg, on=["cohort", "event_time"], suffixes=("", "_reg"))
    assert len(merged) == len(study.cell_coefficients) == len(reg) > 0
    np.testing.assert_allclose(merged.coefficient, merged.coefficient_reg, atol=1e-9)
    assert (study.cell_coefficients.se > 0).all()
    # the reference year is pinned at 0; every other event time has an interval around it
    est = study.estimates.set_index("event_time")
    assert est.loc[-1, "estimate"] == 0
    others = est.drop(index=-1)
    assert ((others.ci_low < others.estimate) & (others.estimate < others.ci_high)).all()


def test_a_one_institution_cohort_gets_no_cell_variance_but_counts_in_the_averages():
    """The old jackknife gave such a cohort zero variance; now its cell has none (NaN)."""
    sim = ex.simulate_panel(
        0, institutions=33, never_share=30 / 33, cohort_years=(2015, 2017, 2019)
    )
    assert list(sim.panel.cohort_sizes) == [1, 1, 1] and ex.estimability(sim.panel) == []
    study = ex.event_study(sim.panel)
    assert study.cell_coefficients.se.isna().all()
    assert math.isfinite(study.se) and study.se > 0
    assert study.df < 5  # three treated institutions: t with few degrees of freedom
    est = study.estimates.set_index("event_time")
    # event times carried by one or two institutions (far leads and lags) have no interval
    few = est[(est.institutions < ex.INTERVAL_MIN_INSTITUTIONS) & (est.index != -1)]
    assert len(few) and few.se.isna().all() and few.ci_low.isna().all()
    assert est[est.institutions >= ex.INTERVAL_MIN_INSTITUTIONS].se.notna().all()


# --------------------------------------------------------------------------- 3. pre-trend test


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_pretrend_test_flags_a_violated_parallel_trend(seed):
    study = ex.event_study(ex.simulate_panel(seed, pretrend=0.5).panel)
    pre = study.pretrend
    assert pre is not None
    assert pre.p_value < 0.01
    # the nearest leads, the reference year −1 left out
    assert pre.leads == list(range(-1 - len(pre.leads), -1))
    leads = study.estimates.set_index("event_time").loc[pre.leads, "estimate"]
    assert pre.estimate == pytest.approx(leads.mean(), rel=1e-9)
    # a trend of 0.5 a year up to the first exchange puts lead e at 0.5·(e + 1) below −1's level
    expected = np.mean([0.5 * (e + 1) for e in pre.leads])
    assert abs(pre.estimate - expected) < 3 * pre.se


def test_pretrend_test_usually_passes_parallel_trends():
    p = [ex.event_study(ex.simulate_panel(seed).panel).pretrend.p_value for seed in range(10)]
    assert all(0 <= v <= 1 for v in p)
    assert sum(v < 0.05 for v in p) <= 1


# --------------------------------------------------------------------------- 4. illustrative data


@pytest.mark.parametrize("field", ["health", "education"])
def test_illustrative_estimate_covers_the_generators_true_att(dataset, field):
    meta_path = paths.ILLUSTRATIVE_DIR / "institution_outcomes.meta.yaml"
    truth = yaml.safe_load(meta_path.read_text(encoding="utf-8"))["true_effect"]["fields"][field]
    cohort_table = ex.cohorts(dataset["exchanges"], dataset["institutions"])
    panel = ex.outcome_panel(
        dataset["institution_outcomes"], cohort_table, indicator=truth["indicator"], field=field
    )
    assert ex.estimability(panel) == []
    assert panel.n_never == truth["never_treated"]
    assert panel.n_treated == sum(c["institutions"] for c in truth["att_by_cohort"])
    cs = ex.att_gt(panel)
    assert cs.ci_low <= truth["att"] <= cs.ci_high
    assert cs.ci_low > 0  # the illustrative effect is large enough to be detected


# --------------------------------------------------------------------------- 5. descriptive


def _article_persons():
    facts = load_facts()
    row = facts[(facts.indicator == "exchange.persons") & (facts.scope_code == "520200")]
    assert len(row) == 1
    return float(row.iloc[0].value)


def test_exchange_totals_sum_to_the_articles_persons(dataset):
    exchanges = dataset["exchanges"]
    article = _article_persons()
    assert exchanges.persons.sum() == article
    for by in ex.BREAKDOWNS:
        totals = ex.exchange_totals(exchanges, by)
        assert totals.persons.sum() == article, by
        assert totals.assignments.sum() == len(exchanges), by
        assert totals.person_months.sum() == pytest.approx(
            ex.with_person_months(exchanges).person_months.sum()
        )
        assert totals[by].is_unique and totals[by].is_monotonic_increasing
    two_way = ex.exchange_totals(exchanges, ["year", "field"])
    assert two_way.persons.sum() == article


def test_person_months_are_persons_times_months():
    frame = pd.DataFrame(
        {
            "institution_id": ["A", "A", "B", "C"],
            "scope_code": ["520201"] * 4,
            "field": ["health"] * 4,
            "direction": ["inbound", "outbound", "inbound", "inbound"],
            "partner_city": ["中山"] * 4,
            "start_date": pd.to_datetime(["2019-12-01", "2020-03-01", "2021-01-01", "2021-05-01"]),
            "end_date": pd.to_datetime(["2020-06-01", "2020-03-01", None, "2021-04-01"]),
            "mode": ["x"] * 4,
            "persons": [3, 2, 4, 1],
        }
    )
    out = ex.with_person_months(frame)
    days = np.array([183, 0, 0, 0])  # a missing end or an end before start counts as 0
    np.testing.assert_allclose(out.months, days / ex.DAYS_PER_MONTH)
    np.testing.assert_allclose(out.person_months, out.persons * out.months)
    assert list(out.year) == [2019, 2020, 2021, 2021]  # the start year
    totals = ex.exchange_totals(frame, "year")
    assert list(totals.year) == [2019, 2020, 2021]
    assert list(totals.persons) == [3, 2, 5]
    assert list(totals.institutions) == [1, 1, 2]


def test_exchange_totals_of_no_exchanges_is_empty():
    empty = pd.DataFrame(columns=["institution_id", "start_date", "end_date", "persons"]).astype(
        {"start_date": "datetime64[ns]", "end_date": "datetime64[ns]", "persons": int}
    )
    totals = ex.exchange_totals(empty, "field")
    assert totals.empty
    assert list(totals.columns) == [
        "field",
        "assignments",
        "persons",
        "person_months",
        "institutions",
    ]


def test_cohorts_and_exposure(dataset):
    exchanges, institutions = dataset["exchanges"], dataset["institutions"]
    meta = yaml.safe_load(
        (paths.ILLUSTRATIVE_DIR / "institution_outcomes.meta.yaml").read_text(encoding="utf-8")
    )
    truth = {k: (v or 0) for k, v in meta["true_effect"]["cohorts"].items()}
    table = ex.cohorts(exchanges, institutions)
    assert set(table.institution_id) == set(institutions.institution_id)
    assert dict(zip(table.institution_id, table.cohort, strict=True)) == truth
    expo = ex.exposure(exchanges, institutions)
    assert expo.persons.sum() == exchanges.persons.sum()
    never = expo[expo.cohort == 0]
    assert (never.persons == 0).all() and (never.person_months_per_year == 0).all()
    assert (never.assignments == 0).all() and (never.person_months == 0).all()
    aided = expo[expo.cohort > 0]
    last = int(ex.with_person_months(exchanges).year.max())
    assert (aided.years_exposed == last - aided.cohort + 1).all()
    np.testing.assert_allclose(
        aided.person_months_per_year, aided.person_months / aided.years_exposed
    )
    assert (expo.inbound_person_months <= expo.person_months + 1e-9).all()


# --------------------------------------------------------------------------- the panel


def test_outcome_panel_drops_missing_years_not_institutions_and_drops_always_treated():
    sim = ex.simulate_panel(0)
    frame = sim.panel.frame
    outcomes = frame.assign(indicator="x", field="health", value=frame.y)
    cohort_table = frame.drop_duplicates("institution_id")[["institution_id", "cohort"]]
    never = cohort_table.loc[cohort_table.cohort == 0, "institution_id"]
    first, lonely = never.iloc[0], never.iloc[1]
    outcomes = outcomes[~((outcomes.institution_id == first) & (outcomes.year == 2020))]
    outcomes = outcomes[~((outcomes.institution_id == lonely) & (outcomes.year != 2020))]
    panel = ex.outcome_panel(outcomes, cohort_table, indicator="x", start=2015)
    assert panel.incomplete == [first] and panel.missing_institution_years == 1
    assert panel.dropped_one_year == [lonely]  # one year gives no change
    assert not panel.balanced
    always = sorted(cohort_table.loc[cohort_table.cohort == 2015, "institution_id"])
    assert panel.dropped_always_treated == always
    assert panel.start == 2015 and panel.years == list(range(2015, 2023))
    counts = panel.frame.groupby("institution_id").year.nunique()
    assert counts[first] == 7 and (counts.drop(first) == 8).all()
    assert sorted(panel.frame.unit.unique()) == list(range(1, panel.n_institutions + 1))
    # a cohort after the window's end counts as untreated
    short = ex.outcome_panel(outcomes, cohort_table, indicator="x", end=2017)
    late = set(cohort_table.loc[cohort_table.cohort > 2017, "institution_id"])
    assert (short.institutions.set_index("institution_id").loc[sorted(late), "cohort"] == 0).all()


def test_estimability_gives_chinese_reasons():
    sim = ex.simulate_panel(0, institutions=6, never_share=1 / 6)
    reasons = ex.estimability(sim.panel)
    assert any("至少需要8家" in r for r in reasons)
    assert any("对照单位只有1家" in r for r in reasons)
    assert ex.estimability(ex.simulate_panel(0).panel) == []


# --------------------------------------------------------------------------- 7. robustness


def test_randomization_test_p_value_range_and_power():
    panel = ex.simulate_panel(0, effect=3.0).panel
    result = ex.randomization_test(panel, permutations=199, seed=1)
    assert 1 / 200 <= result.p_value <= 1
    assert result.p_value == pytest.approx(1 / 200)  # nothing beats a large true effect
    assert result.observed == pytest.approx(ex.att_gt(panel).att, abs=1e-8)
    assert len(result.placebo) == 199
    null = ex.randomization_test(ex.simulate_panel(0, effect=0.0).panel, permutations=199)
    assert 1 / 200 <= null.p_value <= 1
    assert null.p_value > 0.05
    again = ex.randomization_test(panel, permutations=199, seed=1)
    np.testing.assert_array_equal(again.placebo, result.placebo)


def test_wild_cluster_bootstrap_p_value():
    panel = ex.simulate_panel(0).panel
    study = ex.event_study(panel)
    boot = ex.wild_cluster_bootstrap(study, draws=499, seed=1)
    assert boot.clusters == panel.frame["scope_code"].nunique() == 4
    assert boot.institutions == 50 and boot.keeps_size
    assert boot.t_stat > 0 and boot.p_value < 0.05  # a large simulated effect
    # a bootstrap p-value is a share of the draws: k / B
    assert boot.p_value * 499 == pytest.approx(round(boot.p_value * 499), abs=1e-6)
    again = ex.wild_cluster_bootstrap(study, draws=499, seed=1)
    assert (again.p_value, again.t_stat) == (boot.p_value, boot.t_stat)
    null = ex.simulate_panel(0, effect=0.0).panel
    assert ex.wild_cluster_bootstrap(ex.event_study(null), draws=499, seed=1).p_value > 0.1
    small = ex.simulate_panel(0, institutions=13).panel
    assert not ex.wild_cluster_bootstrap(ex.event_study(small), draws=99).keeps_size
    one = ex.simulate_panel(0).panel
    one.frame["scope_code"] = "520201"
    assert ex.wild_cluster_bootstrap(ex.event_study(one), draws=99) is None


def test_effect_by_intensity_groups_the_treated():
    sim = ex.simulate_panel(0)
    inst = sim.panel.institutions
    rng = np.random.default_rng(0)
    exposure = inst.assign(person_months_per_year=rng.uniform(1, 20, len(inst)))
    out = ex.effect_by_intensity(sim.panel, exposure)
    assert list(out.group) == [1, 2, 3]
    assert out.institutions.sum() == sim.panel.n_treated
    assert (out.low <= out.high).all() and (
        out.high.iloc[:-1].values <= out.low.iloc[1:].values
    ).all()
    assert out.att.notna().all()
    assert ((out.ci_low < out.att) & (out.att < out.ci_high)).all()
    # the headline's interval: jackknife se, t on the smaller group's size less one
    for g, members, sub in ex.intensity_groups(sim.panel, exposure):
        row = out.set_index("group").loc[g]
        head = ex.att_gt(sub)
        assert row.att == pytest.approx(head.att) and row.df == head.df < 30
        assert row.ci_low == pytest.approx(head.ci_low) and row.ci_high == pytest.approx(
            head.ci_high
        )
        assert len(members) == row.institutions


def test_effect_by_intensity_gives_no_interval_to_a_group_of_two():
    sim = ex.simulate_panel(0, institutions=36, never_share=30 / 36)  # 6 treated: 2 a group
    out = ex.effect_by_intensity(sim.panel, sim.exposure)
    assert (out.institutions == 2).all() and out.att.notna().all()
    assert out[["se", "df", "ci_low", "ci_high"]].isna().all().all()


def test_wild_bootstrap_denominator_is_the_packages():
    from wildboottest.wildboottest import WildboottestCL

    from lps_analysis.exchange.robustness import _crv1_denominator

    rng = np.random.default_rng(0)
    x = np.column_stack([np.ones(60), rng.normal(size=(60, 2))])
    y = x @ [1.0, 0.5, 0.0] + rng.normal(size=60)

    def steps():
        boot = WildboottestCL(
            X=x, Y=y, cluster=np.repeat(np.arange(6), 10), R=np.array([0, 0, 1.0]), B=99, seed=1
        )
        boot.get_scores(bootstrap_type="11", impose_null=True)
        boot.get_weights(weights_type="webb")
        boot.get_numer()
        return boot

    theirs, ours = steps(), steps()
    theirs.get_denom()
    _crv1_denominator(ours)
    np.testing.assert_allclose(ours.denom, theirs.denom, rtol=1e-10)


def test_estimate_effect_gathers_each_estimator_run_on_the_same_panel_and_seed():
    sim = ex.simulate_panel(1)
    exposure = sim.panel.institutions.assign(person_months_per_year=1.0)
    eff = ex.estimate_effect(sim.panel, exposure, permutations=99, bootstrap_draws=99, seed=3)
    cs = ex.att_gt(sim.panel)
    study = ex.event_study(sim.panel)
    # the headline is the Callaway–Sant'Anna estimate and its interval
    assert (eff.att, eff.ci_low, eff.ci_high) == pytest.approx((cs.att, cs.ci_low, cs.ci_high))
    assert eff.att != pytest.approx(study.att, rel=1e-6)  # not the event study's average
    assert eff.ci_low < sim.att < eff.ci_high
    assert eff.pretrend_p == pytest.approx(study.pretrend.p_value)
    placebo = ex.randomization_test(sim.panel, permutations=99, seed=3)
    assert eff.randomization.p_value == placebo.p_value
    np.testing.assert_array_equal(eff.randomization.placebo, placebo.placebo)
    boot = ex.wild_cluster_bootstrap(study, draws=99, seed=3)
    assert (eff.bootstrap.p_value, eff.bootstrap.t_stat) == (boot.p_value, boot.t_stat)
    assert eff.twfe.estimate == pytest.approx(ex.twfe(sim.panel).estimate)
    pd.testing.assert_frame_equal(eff.by_intensity, ex.effect_by_intensity(sim.panel, exposure))
    assert eff.warnings == list(cs.warnings)


def _small_panel_rejections(institutions: int, seeds: range, pretrend: float = 0.0) -> float:
    tested = rejected = 0
    for seed in seeds:
        sim = ex.simulate_panel(
            seed,
            institutions=institutions,
            cohort_years=(2016, 2017, 2018, 2019, 2020),
            pretrend=pretrend,
        )
        pre = ex.event_study(sim.panel).pretrend
        if pre is not None:
            tested += 1
            rejected += pre.p_value < 0.05
    assert tested >= len(seeds) // 2, "too few panels had a testable pre-period"
    return rejected / tested


@pytest.mark.parametrize("institutions", [10, 16])
def test_pretrend_test_keeps_its_size_with_county_sized_panels(institutions):
    # A county has 10–16 institutions with outcome data; the joint F over the leads rejected
    # true parallel trends in 55% (10) and 27% (16) of such panels.
    assert _small_panel_rejections(institutions, range(40)) <= 0.10


def test_pretrend_test_still_finds_a_pretrend_in_a_mid_sized_panel():
    assert _small_panel_rejections(16, range(40), pretrend=0.5) >= 0.5


def test_leads_resting_on_too_few_institutions_are_shown_not_tested():
    sim = ex.simulate_panel(0, institutions=8, never_share=0.4, cohort_years=(2015, 2016, 2017))
    study = ex.event_study(sim.panel)
    carried = study.estimates.set_index("event_time").institutions
    if study.pretrend is not None:
        assert all(carried[e] >= ex.PRETREND_MIN_INSTITUTIONS for e in study.pretrend.leads)
    lone = ex.simulate_panel(0, institutions=12, never_share=10 / 12, cohort_years=(2016, 2018))
    assert ex.event_study(lone.panel).pretrend is None  # two treated institutions

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

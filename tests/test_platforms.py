"""Platform output measures, checked against values computed by hand, and the marks they carry."""

import math

import numpy as np
import pandas as pd
import pytest

from lps_analysis import platforms as pf
from lps_analysis.value import Value


def _platforms():
    return pd.DataFrame(
        {
            "platform_id": ["A", "B", "C"],
            "name_zh": ["甲", "乙", "丙"],
            "level": ["national", "provincial", "provincial"],
            "type": ["院士工作站", "省级重点实验室", "省级重点实验室"],
            "scope_code": ["520201", "520201", "520203"],
            "established": pd.to_datetime(["2018-07-01", "2019-12-31", "2020-01-01"]),
            "provenance": ["analyst"] * 3,
            "source": [""] * 3,
        }
    )


def _outputs():
    return pd.DataFrame(
        {
            "platform_id": ["A", "A", "A", "B", "C"],
            "year": [2018, 2019, 2020, 2020, 2020],
            "projects_approved": [1, 2, 3, 4, 0],
            "funding_10k_yuan": [5.0, 10.0, 15.0, 20.0, 0.0],
            "patents_applied": [2, 4, 6, 8, 0],
            "patents_granted": [1, 2, 3, 4, 0],
            "talents_hosted": [5, 5, 5, 5, 5],
            "provenance": ["analyst"] * 5,
        }
    )


# --------------------------------------------------------------------------- stock from dates


def test_stock_at_year_end_counts_platforms_recognised_by_31_december():
    stock = pf.stock_by_year(_platforms(), [2017, 2018, 2019, 2020])
    wide = stock.pivot(index="year", columns="level", values="stock")
    assert wide.loc[2017].tolist() == [0, 0]
    assert wide.loc[2018].tolist() == [1, 0]  # A from July 2018
    assert wide.loc[2019].tolist() == [1, 1]  # B on 31 December 2019 still counts for 2019
    assert wide.loc[2020].tolist() == [1, 2]  # C on 1 January 2020 counts from 2020
    new = stock.pivot(index="year", columns="level", values="new")
    assert new.loc[2019, "provincial"] == 1 and new.loc[2020, "provincial"] == 1


def test_stock_without_grouping_is_the_total():
    stock = pf.stock_by_year(_platforms(), [2019, 2020], by=None)
    assert stock.stock.tolist() == [2, 3]


def test_counts_by_level_type_and_scope_and_as_of_a_date():
    counts = pf.count_by(_platforms(), "level")
    assert dict(zip(counts.level, counts["count"], strict=True)) == {"national": 1, "provincial": 2}
    by_scope = pf.count_by(_platforms(), ["scope_code", "level"])
    assert len(by_scope) == 3 and by_scope["count"].sum() == 3
    assert pf.count_by(_platforms(), "type", as_of="2019-12-31")["count"].tolist() == [1, 1]


# --------------------------------------------------------------------------- exposure and rates


def test_active_fraction_counts_days_from_recognition_to_year_end():
    assert pf.active_fraction(pd.Timestamp("2018-07-01"), 2018) == pytest.approx(184 / 365)
    assert pf.active_fraction(pd.Timestamp("2020-07-01"), 2020) == pytest.approx(184 / 366)
    assert pf.active_fraction(pd.Timestamp("2018-01-01"), 2018) == 1.0
    assert pf.active_fraction(pd.Timestamp("2019-12-31"), 2019) == pytest.approx(1 / 365)
    assert pf.active_fraction(pd.Timestamp("2018-07-01"), 2017) == 0.0
    assert pf.active_fraction(pd.Timestamp("2018-07-01"), 2019) == 1.0


def test_outputs_per_platform_year_of_exposure():
    per = pf.outputs_per_platform(_platforms(), _outputs(), start=2018, end=2020).set_index(
        "platform_id"
    )
    exposure_a = 184 / 365 + 1 + 1
    assert per.loc["A", "exposure_years"] == pytest.approx(exposure_a)
    assert per.loc["A", "patents_granted"] == 6
    assert per.loc["A", "patents_granted_per_platform_year"] == pytest.approx(6 / exposure_a)
    # B reports 2020 only: its 2019 day is a gap in reporting, not a zero-output year.
    assert per.loc["B", "exposure_years"] == pytest.approx(1.0)
    assert per.loc["B", "years_reported"] == 1
    assert per.loc["C", "patents_granted_per_platform_year"] == 0.0


def test_a_platform_with_no_report_in_the_window_has_no_rate_and_no_zero_output():
    per = pf.outputs_per_platform(_platforms(), _outputs(), start=2018, end=2019).set_index(
        "platform_id"
    )
    assert math.isnan(per.loc["C", "exposure_years"])
    assert math.isnan(per.loc["C", "patents_granted_per_platform_year"])
    assert math.isnan(per.loc["C", "patents_granted"])  # not reported is not 0
    cell = pf.value_of(per.loc["C"], "patents_granted", "patents", table="platform_outputs")
    assert cell.is_missing and cell.missing == ("platform_outputs",)


def test_a_platforms_marks_come_from_its_own_rows_only():
    outputs = _outputs()
    outputs.loc[0, "provenance"] = "illustrative"  # one row of A
    per = pf.outputs_per_platform(_platforms(), outputs, start=2018, end=2020)
    assert per.set_index("platform_id").provenance.to_dict() == {
        "A": "illustrative",
        "B": "derived",
        "C": "derived",
    }
    # Outside the window the illustrative row is not used: A is real again.
    later = pf.outputs_per_platform(_platforms(), outputs, start=2019, end=2020)
    assert later.set_index("platform_id").provenance["A"] == "derived"


def test_totals_are_values_that_carry_the_rule():
    outputs = _outputs()
    totals = pf.output_totals(pf.outputs_per_platform(_platforms(), outputs, start=2018, end=2020))
    sources = ("platforms", "platform_outputs")
    assert totals["patents_granted"] == Value(10, "patents", "derived", "exact", sources)
    outputs.loc[4, "provenance"] = "illustrative"  # C's only row, 0 patents
    tainted = pf.output_totals(pf.outputs_per_platform(_platforms(), outputs, start=2018, end=2020))
    assert tainted["patents_granted"].value == 10 and tainted["patents_granted"].illustrative


def test_no_report_at_all_gives_missing_totals_not_zero():
    per = pf.outputs_per_platform(_platforms(), _outputs().iloc[0:0], start=2018, end=2020)
    totals = pf.output_totals(per)
    assert totals["projects_approved"].is_missing
    assert totals["projects_approved"].missing == ("platform_outputs",)


def test_funding_per_project_of_the_article():
    funding = Value(1585, "10k_yuan", "article", sources=("F036",))
    projects = Value(281, "projects", "article", sources=("F035",))
    mean = pf.funding_per_project(funding, projects)
    assert round(mean.value, 2) == 5.64
    assert (mean.provenance, set(mean.sources)) == ("derived", {"F035", "F036"})
    assert pf.funding_per_project(funding, Value(0, "projects", "article")).is_missing


def test_yearly_outputs_sum_over_platforms_with_that_years_marks():
    outputs = _outputs()
    outputs.loc[1, "provenance"] = "illustrative"  # A in 2019
    yearly = pf.yearly_outputs(outputs, start=2019, end=2020).set_index("year")
    assert yearly.patents_granted.to_dict() == {2019: 2, 2020: 7}
    assert yearly.provenance.to_dict() == {2019: "illustrative", 2020: "derived"}


# --------------------------------------------------------------------------- per 10k


def test_per_10k_by_hand():
    assert pf.per_10k(192, 3_031_602) == pytest.approx(0.633328, abs=1e-6)
    assert pf.per_10k(30, 100_000) == 3.0
    with pytest.raises(ValueError):
        pf.per_10k(1, 0)


def _yearly(provenance=("analyst", "analyst", "analyst")):
    return pd.DataFrame(
        {
            "year": [2018, 2019, 2020],
            "patents_granted": [10, 20, 30],
            "provenance": list(provenance),
            "bound": ["exact"] * 3,
            "sources": [("platform_outputs",)] * 3,
        }
    )


def test_patent_density_keeps_flow_and_cumulative_stock_apart():
    population = pd.DataFrame(
        {
            "scope_code": ["X"],
            "year": [2020],
            "residents": [100_000],
            "provenance": ["official"],
            "source": ["公报"],
        }
    )
    density = pf.patent_density(_yearly(), population, "X")
    assert len(density) == 1
    rec = density.iloc[0]
    assert rec.granted_flow == 30 and rec.granted_flow_per_10k == 3.0
    assert rec.granted_stock == 60 and rec.granted_stock_per_10k == 6.0
    assert rec.stock_since == 2018
    assert rec.flow_marks["provenance"] == "derived" and "公报" in rec.flow_marks["sources"]
    assert rec.population_marks["provenance"] == "official"
    # An illustrative 2018 enters the cumulative stock, not the 2020 flow.
    tainted = pf.patent_density(_yearly(("illustrative", "analyst", "analyst")), population, "X")
    assert tainted.iloc[0].flow_marks["provenance"] == "derived"
    assert tainted.iloc[0].stock_marks["provenance"] == "illustrative"


def test_patent_density_is_empty_without_population_not_zero():
    yearly = _yearly().tail(1)
    population = pd.DataFrame(
        {"scope_code": ["Y"], "year": [2020], "residents": [1], "provenance": ["official"]}
    )
    density = pf.patent_density(yearly, population, "X")
    assert density.empty and "granted_flow_per_10k" in density.columns


# --------------------------------------------------------------------------- growth


def test_growth_between_two_levels_follows_the_rule():
    start = Value(12, "platforms", "article", sources=("F1",))
    end = Value(20, "platforms", "official", sources=("F2",))
    growth = pf.growth(start, end)
    assert growth.value == pytest.approx(2 / 3)
    assert (growth.provenance, growth.sources, growth.unit) == ("derived", ("F1", "F2"), "ratio")
    assert pf.growth(start, Value(20, "platforms", "illustrative")).illustrative
    assert pf.growth(Value(0, "platforms", "article"), end).is_missing
    assert pf.growth(start, Value(500, "项", "article", "lower")).bound == "lower"


def test_counts_take_the_marks_of_the_whole_listing():
    listing = _platforms()
    listing.loc[2, "provenance"] = "illustrative"  # C, in another county
    mine = listing[listing.scope_code == "520201"]
    counts = pf.count_by(mine, "level", listing=listing)
    assert counts["count"].tolist() == [1, 1]
    # Moving C (illustrative) could change this county's counts: they are examples too.
    assert set(counts.provenance) == {"illustrative"}
    assert set(pf.count_by(mine, "level").provenance) == {"derived"}
    stock = pf.stock_by_year(mine, [2020], listing=listing)
    assert set(stock.provenance) == {"illustrative"}


# --------------------------------------------------------------------------- concentration


def test_hhi_by_hand():
    assert pf.hhi([1, 2, 3, 4]) == pytest.approx(0.01 + 0.04 + 0.09 + 0.16)
    assert pf.hhi([5, 5, 5, 5]) == pytest.approx(0.25)
    assert pf.hhi([0, 0, 7]) == 1.0
    assert math.isnan(pf.hhi([0, 0]))


def test_gini_by_hand():
    # Σ|xi − xj| over ordered pairs = 20; 2 n² mean = 2 · 16 · 2.5 = 80.
    assert pf.gini([1, 2, 3, 4]) == pytest.approx(0.25)
    assert pf.gini([3, 3, 3]) == pytest.approx(0.0)
    assert pf.gini([0, 0, 0, 1]) == pytest.approx(0.75)
    assert math.isnan(pf.gini([]))


def test_gini_is_one_minus_twice_the_area_under_the_lorenz_curve():
    values = [0, 1, 1, 2, 5, 13, 40]
    curve = pf.lorenz_curve(values)
    area = np.trapezoid(curve.output_share, curve.platform_share)
    assert pf.gini(values) == pytest.approx(1 - 2 * area)


def test_lorenz_points_by_hand():
    curve = pf.lorenz_curve([4, 1, 3, 2])
    assert curve.platform_share.tolist() == [0, 0.25, 0.5, 0.75, 1.0]
    assert curve.output_share.tolist() == pytest.approx([0, 0.1, 0.3, 0.6, 1.0])


def test_top_share_by_count_and_fraction():
    assert pf.top_share([1, 2, 3, 4], k=1) == pytest.approx(0.4)
    assert pf.top_share([1, 2, 3, 4], fraction=0.5) == pytest.approx(0.7)
    assert pf.top_share(list(range(10)), fraction=0.2) == pytest.approx((9 + 8) / 45)
    with pytest.raises(ValueError):
        pf.top_share([1, 2], k=1, fraction=0.5)


def test_concentration_leaves_out_platforms_not_yet_recognised():
    later = _platforms().iloc[[0]].assign(platform_id="D", established=pd.Timestamp("2021-01-01"))
    platforms = pd.concat([_platforms(), later], ignore_index=True)
    per = pf.outputs_per_platform(platforms, _outputs(), start=2018, end=2020)
    conc = pf.concentration(per).set_index("output")
    # A, B and C (C with zero grants counts); D, recognised in 2021, had no chance to produce.
    assert conc.loc["patents_granted", "platforms"] == 3
    assert conc.loc["patents_granted", "hhi"] == pytest.approx(0.6**2 + 0.4**2)
    assert conc.loc["patents_granted", "gini"] == pytest.approx(pf.gini([6, 4, 0]))


def test_negative_outputs_are_refused():
    with pytest.raises(ValueError):
        pf.gini([1, -1])


# --------------------------------------------------------------------------- panel and Poisson


def test_county_year_panel_counts_platforms_present_and_sums_outputs():
    panel = pf.county_year_panel(
        _platforms(), _outputs(), scope_codes=["520201", "520203"], years=[2019, 2020]
    ).set_index(["scope_code", "year"])
    assert panel.loc[("520201", 2019), "platforms_present"] == 2
    assert panel.loc[("520201", 2019), "platform_years"] == pytest.approx(1 + 1 / 365)
    assert panel.loc[("520201", 2020), "patents_granted"] == 3 + 4
    assert panel.loc[("520203", 2019), "platforms_present"] == 0
    assert panel.loc[("520203", 2019), "patents_granted"] == 0
    assert set(panel.provenance) == {"derived"}


def test_the_panel_and_its_fit_are_examples_when_a_row_behind_them_is():
    outputs = _outputs()
    outputs.loc[4, "provenance"] = "illustrative"  # C in 520203, 2020
    panel = pf.county_year_panel(
        _platforms(), outputs, scope_codes=["520201", "520203"], years=[2019, 2020]
    ).set_index(["scope_code", "year"])
    assert panel.loc[("520203", 2020), "provenance"] == "illustrative"
    assert panel.loc[("520201", 2020), "provenance"] == "derived"
    exact = _poisson_panel()
    marked = exact.assign(provenance="analyst", bound="exact", sources=[("t",)] * len(exact))
    marked.loc[0, "provenance"] = "illustrative"
    fit = pf.fe_poisson(marked)
    assert fit.value(fit.rate_ratio).illustrative and fit.sources == ("t",)
    assert pf.fe_poisson(marked.assign(provenance="analyst")).provenance == "derived"


def _poisson_panel(beta=0.3):
    rng = np.random.default_rng(7)
    units, years = [f"U{i}" for i in range(6)], list(range(2014, 2021))
    alpha = dict(zip(units, rng.normal(2, 0.5, len(units)), strict=True))
    gamma = dict(zip(years, np.linspace(0, 0.6, len(years)), strict=True))
    rows = []
    for u in units:
        x = 0
        for t in years:
            x += int(rng.integers(0, 2))
            # The expected count itself as the outcome: the estimate must return beta exactly.
            rows.append(
                {"scope_code": u, "year": t, "platforms_present": x, "patents_granted": 0.0}
            )
            rows[-1]["patents_granted"] = math.exp(alpha[u] + gamma[t] + beta * x)
    return pd.DataFrame(rows)


def test_fe_poisson_recovers_the_coefficient_of_an_exact_panel():
    pytest.importorskip("statsmodels")
    fit = pf.fe_poisson(_poisson_panel(0.3))
    assert fit.coefficient == pytest.approx(0.3, abs=1e-6)
    assert fit.rate_ratio == pytest.approx(math.exp(0.3), abs=1e-5)
    assert fit.n_units == 6 and fit.n_years == 7 and fit.n_obs == 42
    assert fit.interpretation == "association"


def test_fe_poisson_drops_units_without_any_outcome():
    pytest.importorskip("statsmodels")
    panel = _poisson_panel()
    panel.loc[panel.scope_code == "U0", "patents_granted"] = 0.0
    fit = pf.fe_poisson(panel)
    assert fit.dropped_units == ["U0"] and fit.n_units == 5


def test_fe_poisson_refuses_a_regressor_that_never_varies_within_units():
    pytest.importorskip("statsmodels")
    panel = _poisson_panel()
    panel["platforms_present"] = panel.scope_code.str[1:].astype(int)
    with pytest.raises(pf.ModelNotEstimable):
        pf.fe_poisson(panel)


def test_no_reports_give_no_concentration_rather_than_a_zero_one():
    per = pf.outputs_per_platform(_platforms(), _outputs().iloc[0:0], start=2018, end=2020)
    assert pf.concentration(per).empty

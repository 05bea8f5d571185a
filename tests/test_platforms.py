"""Platform output measures, checked against values computed by hand."""

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from lps_analysis import platforms as pf


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


def test_a_platform_with_no_report_in_the_window_has_no_rate():
    per = pf.outputs_per_platform(_platforms(), _outputs(), start=2018, end=2019).set_index(
        "platform_id"
    )
    assert per.loc["C", "exposure_years"] == 0
    assert math.isnan(per.loc["C", "patents_granted_per_platform_year"])


def test_output_provenance_is_tainted_by_illustrative_rows():
    outputs = _outputs()
    outputs.loc[0, "provenance"] = "illustrative"
    per = pf.outputs_per_platform(_platforms(), outputs, start=2018, end=2020)
    assert per.set_index("platform_id").output_provenance.to_dict() == {
        "A": "illustrative",
        "B": "analyst",
        "C": "analyst",
    }


def test_funding_per_project_of_the_article():
    assert round(pf.funding_per_project(1585, 281), 2) == 5.64
    assert math.isnan(pf.funding_per_project(10, 0))


def test_yearly_outputs_sum_over_platforms():
    yearly = pf.yearly_outputs(_outputs(), start=2019, end=2020).set_index("year")
    assert yearly.patents_granted.to_dict() == {2019: 2, 2020: 7}


# --------------------------------------------------------------------------- per 10k


def test_per_10k_by_hand():
    assert pf.per_10k(192, 3_031_602) == pytest.approx(0.633328, abs=1e-6)
    assert pf.per_10k(30, 100_000) == 3.0
    with pytest.raises(ValueError):
        pf.per_10k(1, 0)


def test_patent_density_keeps_flow_and_cumulative_stock_apart():
    yearly = pd.DataFrame({"year": [2018, 2019, 2020], "patents_granted": [10, 20, 30]})
    population = pd.DataFrame(
        {"scope_code": ["X"], "year": [2020], "residents": [100_000], "provenance": ["official"]}
    )
    density = pf.patent_density(yearly, population, "X")
    assert len(density) == 1
    rec = density.iloc[0]
    assert rec.granted_flow == 30 and rec.granted_flow_per_10k == 3.0
    assert rec.granted_stock == 60 and rec.granted_stock_per_10k == 6.0
    assert rec.stock_since == 2018


def test_patent_density_is_empty_without_population_not_zero():
    yearly = pd.DataFrame({"year": [2020], "patents_granted": [30]})
    population = pd.DataFrame(
        {"scope_code": ["Y"], "year": [2020], "residents": [1], "provenance": ["official"]}
    )
    density = pf.patent_density(yearly, population, "X")
    assert density.empty and "granted_flow_per_10k" in density.columns


# --------------------------------------------------------------------------- growth


def test_growth_between_two_levels():
    assert pf.growth(13, 45) == pytest.approx(2.461538, abs=1e-6)
    assert math.isnan(pf.growth(0, 5))
    frame = pd.DataFrame({"year": [2015, 2020], "v": [13, 45]})
    assert round(pf.growth_between(frame, "v", 2015, 2020), 4) == 2.4615
    assert math.isnan(pf.growth_between(frame, "v", 2016, 2020))


def test_levels_consistent_with_246_15_percent_include_13_to_45():
    pairs = pf.consistent_level_pairs(2.4615, decimals=4, max_start=100)
    assert pairs[0] == (13, 45)
    assert pairs == [(13 * k, 45 * k) for k in range(1, 8)]
    for start, end in pairs:
        assert round(Fraction(end, start) - 1, 4) == Fraction(24615, 10000)


def test_precision_is_inferred_from_the_stated_rate():
    assert pf.consistent_level_pairs("2.4615") == pf.consistent_level_pairs(2.4615, decimals=4)
    coarser = pf.consistent_level_pairs(2.46, max_start=60)
    assert (13, 45) in coarser and (50, 173) in coarser and (1, 3) not in coarser


def test_rounding_boundary_is_exact_half_up():
    pairs = pf.consistent_level_pairs(0.5, decimals=1, max_start=20)
    assert (2, 3) in pairs
    assert (20, 29) in pairs  # 0.45 rounds up to 0.5
    assert (20, 31) not in pairs  # 0.55 rounds to 0.6


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

import pandas as pd
import pytest

from lps_analysis import paths
from lps_analysis.data.reference import (
    benchmarks_from_official,
    load_benchmarks,
    load_population,
)


def _raw():
    return pd.read_csv(paths.OFFICIAL_FIGURES_FILE, dtype=str)


def test_benchmarks_file_is_exactly_what_the_builder_makes_of_the_raw_figures():
    rebuilt = benchmarks_from_official(_raw())
    stored = load_benchmarks()
    pd.testing.assert_frame_equal(
        stored.reset_index(drop=True), rebuilt.reset_index(drop=True), check_dtype=False
    )


def _gz(frame, category, year):
    sel = frame[
        (frame.region == "贵州省")
        & (frame.indicator == "talent_stock")
        & (frame.category == category)
        & (frame.year == year)
    ]
    assert len(sel) == 1, (category, year)
    return sel.iloc[0]


@pytest.mark.parametrize(
    ("category", "v2015", "v2020"),
    [
        ("management", 537_500, 820_000),
        ("professional", 1_151_300, 1_420_000),
        ("skilled", 1_189_800, 2_000_000),
        ("rural", 830_800, 1_150_000),
    ],
)
def test_guizhou_categories_are_converted_from_wan_to_persons(category, v2015, v2020):
    b = load_benchmarks()
    assert _gz(b, category, 2015).value == pytest.approx(v2015)
    assert _gz(b, category, 2020).value == pytest.approx(v2020)
    assert _gz(b, category, 2020).provenance == "official"
    assert _gz(b, category, 2020).source.startswith("http")


def test_guizhou_2015_total_is_derived_from_the_2020_total_and_stated_increase():
    row = _gz(load_benchmarks(), "all", 2015)
    assert row.value == pytest.approx(5_600_000 - 1_654_300)
    assert row.provenance == "derived"


def test_published_plus_figures_stay_lower_bounds():
    b = load_benchmarks()
    assert _gz(b, "doctorate", 2020).bound == "lower"
    assert _gz(b, "doctorate", 2020).value == 7400
    assert (b.bound[b.category == "management"] == "exact").all()


def test_population_has_the_census_figures_and_leaves_unknown_counties_missing():
    pop = load_population().set_index(["scope_code", "year"]).residents
    assert pop[("520200", 2020)] == 3_031_602
    assert pop[("520201", 2020)] == 674_249
    assert pop[("520281", 2020)] == 1_074_073
    # No official figure reachable for these: missing, never estimated.
    for code in ("520203", "520204"):
        assert (code, 2020) not in pop.index


def test_every_population_row_names_its_page_publication_and_reliability():
    pop = load_population()
    assert pop.source.str.startswith("http").all()
    assert pop.title.str.len().gt(0).all()
    assert set(pop.reliability) <= {"primary", "reposted", "secondary"}
    assert (pop.provenance == "official").all()
    # 盘州市's figure comes from a third-party compilation: it must say so
    assert pop.set_index("scope_code").reliability["520281"] == "secondary"


def test_population_city_figure_matches_the_official_prefecture_table():
    b = load_benchmarks()
    census = b[(b.region == "六盘水市") & (b.indicator == "resident_population_7th_census")]
    assert census.value.iloc[0] == load_population().residents.iloc[0]


def test_the_dalian_team_of_2020_is_its_cadres_plus_its_professionals():
    from lps_analysis.data.reference import load_east_west_partners

    rows = load_east_west_partners().set_index("item")
    team = rows.loc[["dalian_team.total", "dalian_team.cadres", "dalian_team.professionals"]]
    assert team.loc["dalian_team.total", "value"] == (
        team.loc["dalian_team.cadres", "value"] + team.loc["dalian_team.professionals", "value"]
    )
    # each figure is quoted as the page shows it, number included
    for item, row in team.iterrows():
        assert str(int(row.value)) in row.quote, item


def test_partner_rows_are_official_and_each_cites_its_page():
    from lps_analysis.data.reference import load_east_west_partners

    rows = load_east_west_partners()
    assert set(rows.provenance) == {"official"}
    assert set(rows.reliability) <= {"primary", "reposted"}  # a secondary row would need its grade
    assert rows.url.str.startswith(("http://", "https://")).all()
    pairing = rows[rows["item"] == "zhongshan_group.pairing"].set_index("scope_code").partner_unit
    assert pairing.to_dict() == {
        "520204": "火炬开发区组团",
        "520281": "小榄组团",
        "520203": "东区组团",
    }
    assert rows.loc[rows["item"] != "zhongshan_group.pairing", "value"].notna().all()

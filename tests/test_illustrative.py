"""Illustrative data: deterministic, consistent with the article's figures, clearly labelled."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from lps_analysis import paths
from lps_analysis.data import illustrative
from lps_analysis.data.illustrative import generate, record_counts, true_effect, write_sample_data
from lps_analysis.data.metadata import metadata_problems, read_metadata
from lps_analysis.data.tables import TABLES
from lps_analysis.data.validate import load_dataset

COUNTIES = ["520201", "520203", "520204", "520281"]
NAMED = ["management", "professional", "skilled"]


@pytest.fixture(scope="module")
def full():
    """Seed 0 at scale 1: talent_records has one row per person of the 2020 county stock."""
    return generate(seed=0, scale=1.0)


@pytest.fixture(scope="module")
def small():
    return generate(seed=0, scale=0.05)


@pytest.fixture(scope="module")
def facts():
    return pd.read_csv(paths.FACTS_FILE, dtype={"scope_code": str, "period": str})


def _fact(facts, fact_id):
    return facts.set_index("fact_id").loc[fact_id]


# ---------------------------------------------------------------------------------------------
# determinism and shape


def test_same_seed_gives_identical_tables_and_truth(small):
    again = generate(seed=0, scale=0.05)
    assert list(again.tables) == list(small.tables)
    for name, frame in small.tables.items():
        # DataFrame.equals: dtypes and values (assert_frame_equal is slow on categoricals).
        assert again.tables[name].equals(frame), name
    assert again.truth == small.truth


def test_different_seed_gives_different_data(small):
    other = generate(seed=1, scale=0.05)
    for name in ("talent_stock", "exchanges", "institution_outcomes", "platform_outputs"):
        assert not other.tables[name].equals(small.tables[name]), name
    assert other.truth["cohorts"] != small.truth["cohorts"]


def test_scale_changes_only_the_person_records(small):
    tiny = generate(seed=0, scale=0.01)
    for name, frame in small.tables.items():
        if name != "talent_records":
            assert tiny.tables[name].equals(frame), name
    assert len(tiny.tables["talent_records"]) < len(small.tables["talent_records"])


def test_every_input_table_but_population_and_scopes_with_canonical_columns(small):
    expected = set(TABLES) - {"population", "scopes"}
    assert set(small.tables) == expected
    for name, frame in small.tables.items():
        assert list(frame.columns) == TABLES[name].column_names, name
        assert len(frame) > 0, name


def test_negative_scale_is_refused():
    with pytest.raises(ValueError, match="scale"):
        generate(seed=0, scale=-1)


# ---------------------------------------------------------------------------------------------
# talent_stock and talent_records


def test_article_figures_in_facts_csv_are_the_ones_used(facts):
    for category, years in illustrative.ARTICLE_STOCK.items():
        for year, (value, fact_id) in years.items():
            row = _fact(facts, fact_id)
            assert (row.category, row.period, row.value) == (category, str(year), value)


@pytest.mark.parametrize("year", [2015, 2020])
def test_counties_sum_exactly_to_the_articles_city_figures(small, facts, year):
    stock = small.tables["talent_stock"]
    city = stock[(stock.scope_code == "520200") & (stock.year == year)].set_index("category")
    counties = stock[stock.scope_code.isin(COUNTIES) & (stock.year == year)]
    sums = counties.groupby("category")["count"].sum()
    total = city.loc["all", "count"]
    assert total == {2015: 298_200, 2020: 428_000}[year]
    for category in NAMED:
        assert city.loc[category, "provenance"] == "article"
        fact_id = city.loc[category, "source"].split()[-1]
        assert _fact(facts, fact_id).value == city.loc[category, "count"]
        assert sums[category] == city.loc[category, "count"], category
    assert city.loc["unspecified", "provenance"] == "derived"
    assert city.loc["unspecified", "count"] == total - city.loc[NAMED, "count"].sum()
    assert sums["unspecified"] == city.loc["unspecified", "count"]
    assert sums.sum() == total


def test_years_between_are_whole_county_sums_on_a_smooth_path(small):
    stock = small.tables["talent_stock"]
    assert set(stock.year) == set(range(2015, 2021))
    assert (stock["count"] == stock["count"].round()).all()
    named = stock[stock.category != "all"]
    city = named[named.scope_code == "520200"].set_index(["year", "category"])["count"]
    sums = named[named.scope_code != "520200"].groupby(["year", "category"])["count"].sum()
    pd.testing.assert_series_equal(city.sort_index(), sums.sort_index(), check_names=False)
    between = stock[stock.year.between(2016, 2019)]
    assert set(between.provenance) == {"illustrative"}
    growth = city.unstack("category").pct_change().dropna()
    assert (growth > 0).all().all() and (growth < 0.2).all().all()


def test_panzhou_is_the_largest_county(small):
    stock = small.tables["talent_stock"]
    shares = (
        stock[stock.scope_code.isin(COUNTIES) & (stock.year == 2020)]
        .groupby("scope_code")["count"]
        .sum()
        / 428_000
    )
    assert shares.idxmax() == "520281"
    assert 0.25 < shares["520281"] < 0.45 and 0.10 < shares["520203"] < 0.22


def test_records_aggregate_exactly_to_the_county_stock_at_scale_1(full):
    stock = full.tables["talent_stock"]
    expected = stock[stock.scope_code.isin(COUNTIES) & (stock.year == 2020)]
    expected = {(r.scope_code, r.category): r.count for r in expected.itertuples()}
    records = full.tables["talent_records"]
    got = records.groupby(["scope_code", "category"], observed=True).size()
    assert {k: int(v) for k, v in got.items()} == expected
    assert len(records) == 428_000
    assert records.person_key.is_unique
    assert records.person_key.iloc[0] == "P0000001"


def test_records_aggregate_to_rounded_scaled_stock(small):
    stock = small.tables["talent_stock"]
    rows = stock[stock.scope_code.isin(COUNTIES) & (stock.year == 2020)]
    expected = {(r.scope_code, r.category): round(0.05 * r.count) for r in rows.itertuples()}
    got = small.tables["talent_records"].groupby(["scope_code", "category"], observed=True).size()
    assert {k: int(v) for k, v in got.items()} == expected
    counts = record_counts(stock, 0.05)
    assert counts.persons.sum() == len(small.tables["talent_records"])


def test_record_attributes_are_coded_and_plausible(full):
    rec = full.tables["talent_records"]
    for column in ("gender", "education", "title_level", "origin"):
        assert isinstance(rec[column].dtype, pd.CategoricalDtype)
        assert set(rec[column].cat.categories) <= set(
            TABLES["talent_records"].column(column).allowed
        )
    assert rec.birth_year.between(1955, 2000).all() and (rec.year == 2020).all()
    assert 0.01 < (rec.origin == "introduced").mean() < 0.03
    senior = rec.groupby("category", observed=True).title_level.apply(
        lambda s: s.isin(["senior", "intermediate"]).mean()
    )
    assert senior["professional"] > 2 * senior.drop("professional").max()
    assert set(rec.sector.cat.categories) >= {"教育", "卫生", "能源（煤炭）"}


# ---------------------------------------------------------------------------------------------
# recruitment, exchanges, outcomes


def test_recruitment_agrees_with_the_articles_lower_bounds(small):
    rec = small.tables["recruitment"]
    assert set(rec.scope_code) == set(COUNTIES)  # no city rows: the city is the sum
    assert sorted(set(rec.year)) == list(range(2013, 2022))
    expo = rec[rec.channel == "talent_expo"]["count"].sum()
    green = rec[(rec.channel == "green_channel") & (rec.level == "high_level")]["count"].sum()
    assert expo >= 3540 and green >= 300 and rec["count"].sum() >= 7800
    assert set(rec[rec.channel == "green_channel"].level) == {"high_level"}


def test_exchanges_total_1827_persons_in_education_and_health(small):
    ex = small.tables["exchanges"]
    assert ex.persons.sum() == 1827
    assert set(ex.field) <= {"education", "health"}
    assert ex.start_date.dt.year.between(2016, 2020).all()
    assert (ex.end_date >= ex.start_date).all()
    assert ex.persons.between(1, 12).all()
    assert set(ex.partner_city) == {"大连"}
    assert set(ex.direction) == {"inbound", "outbound"}
    assert (ex.direction == "inbound").mean() > 0.6
    assert ex.exchange_id.is_unique and ex.exchange_id.iloc[0] == "E0001"


def test_cohorts_are_first_exchange_years_and_a_quarter_are_never_treated(small):
    ex, inst = small.tables["exchanges"], small.tables["institutions"]
    first = ex[ex.direction == "inbound"].groupby("institution_id").start_date.min().dt.year
    cohorts = small.truth["cohorts"]
    assert set(cohorts) == set(inst.institution_id)
    assert {k: v for k, v in cohorts.items() if v is not None} == first.to_dict()
    assert ex.groupby("institution_id").start_date.min().dt.year.to_dict() == first.to_dict()
    treated_share = len(first) / len(inst)
    assert 0.7 <= treated_share <= 0.8
    assert set(first) == set(range(2016, 2021))


def test_references_point_to_existing_institutions_and_platforms(small):
    inst = small.tables["institutions"].set_index("institution_id")
    for name in ("exchanges", "institution_outcomes"):
        frame = small.tables[name]
        assert frame.institution_id.isin(inst.index).all(), name
        assert (frame.scope_code.to_numpy() == inst.loc[frame.institution_id, "scope_code"]).all()
        assert (frame.field.to_numpy() == inst.loc[frame.institution_id, "field"]).all()
    outputs, platforms = small.tables["platform_outputs"], small.tables["platforms"]
    assert outputs.platform_id.isin(platforms.platform_id).all()


def test_outcome_panel_is_complete_and_in_range(small):
    out = small.tables["institution_outcomes"]
    inst = small.tables["institutions"]
    assert len(out) == len(inst) * 10 and set(out.year) == set(range(2013, 2023))
    rate = out[out.indicator == "exam_pass_rate"].value
    surgeries = out[out.indicator == "level34_surgeries"].value
    assert rate.between(0.5, 1).all() and surgeries.between(150, 3500).all()
    assert (surgeries == surgeries.round()).all()
    assert set(out.groupby("field").indicator.unique().map(tuple)) == {
        ("exam_pass_rate",),
        ("level34_surgeries",),
    }


def test_truth_att_is_the_average_effect_over_treated_institution_years(small):
    cohorts = small.truth["cohorts"]
    for field, spec in small.truth["fields"].items():
        effects = [
            true_effect(field, g, year - g)
            for iid, g in cohorts.items()
            if g is not None and iid.startswith("S" if field == "education" else "H")
            for year in range(g, 2023)
        ]
        assert spec["att"] == pytest.approx(np.mean(effects), rel=1e-12)
        assert spec["att_institution_years"] == len(effects)
    edu = {
        (r["cohort"], r["event_time"]): r["effect"]
        for r in small.truth["fields"]["education"]["effects"]
    }
    assert edu[(2016, 0)] == 0.02 and edu[(2016, 5)] == 0.06  # capped at 3 years
    assert edu[(2020, 0)] == pytest.approx(0.03)  # later cohorts gain more
    health = small.truth["fields"]["health"]["effects"]
    assert {(r["cohort"], r["event_time"]): r["effect"] for r in health}[(2018, 1)] == 100


def test_an_imputation_estimator_recovers_the_true_att(small):
    """Two-way fixed effects fitted on untreated cells, imputed for treated ones (Borusyak et al.)."""
    out, cohorts = small.tables["institution_outcomes"], small.truth["cohorts"]
    for field, tolerance in (("education", 0.01), ("health", 25)):
        sub = out[out.field == field]
        g = sub.institution_id.map(cohorts).fillna(0).to_numpy()
        treated = (g > 0) & (sub.year.to_numpy() >= g)
        ids, years = pd.factorize(sub.institution_id)[0], pd.factorize(sub.year)[0]
        x = np.hstack([np.eye(ids.max() + 1)[ids], np.eye(years.max() + 1)[years][:, 1:]])
        y = sub.value.to_numpy()
        beta, *_ = np.linalg.lstsq(x[~treated], y[~treated], rcond=None)
        estimate = (y[treated] - x[treated] @ beta).mean()
        assert estimate == pytest.approx(small.truth["fields"][field]["att"], abs=tolerance)


# ---------------------------------------------------------------------------------------------
# platforms


def test_six_national_and_fifteen_provincial_platforms_with_the_two_named(small):
    pf = small.tables["platforms"].set_index("name_zh")
    assert pf.level.value_counts().to_dict() == {"provincial": 15, "national": 6}
    park = pf.loc["水城现代农业产业园"]
    assert (park.level, park.scope_code, park.provenance) == ("national", "520204", "article")
    assert park.established == pd.Timestamp("2018-12-01") and "F026" in park.source
    hub = pf.loc["六盘水市科技企业孵化器"]
    assert (hub.level, hub.type, hub.provenance) == ("national", "国家级科技企业孵化器", "article")
    assert hub.established == pd.Timestamp("2021-01-01") and "F027" in hub.source
    # The article gives no county for the city's incubator: listed at city level, not guessed.
    assert hub.scope_code == "520200" and "示例" not in hub.source
    assert sorted(pf.platform_id)[:2] == ["PN01", "PN02"] and "PP15" in set(pf.platform_id)


def test_platform_outputs_match_the_articles_totals(small):
    out = small.tables["platform_outputs"]
    assert out.projects_approved.sum() == 281
    assert out.funding_10k_yuan.sum() == 1585
    assert out.patents_granted.sum() >= 500
    assert (out.patents_applied >= out.patents_granted).all()
    assert out.year.between(2016, 2020).all()
    est = small.tables["platforms"].set_index("platform_id").established.dt.year
    assert (out.year.to_numpy() >= est.loc[out.platform_id].to_numpy()).all()
    hub = small.tables["platforms"].query("name_zh == '六盘水市科技企业孵化器'").platform_id.item()
    assert hub not in set(out.platform_id)


def test_platform_outputs_are_concentrated(small):
    projects = small.tables["platform_outputs"].groupby("platform_id").projects_approved.sum()
    top = projects.sort_values(ascending=False).head(round(0.2 * len(projects)))
    assert top.sum() / projects.sum() > 0.4


# ---------------------------------------------------------------------------------------------
# labelling


def test_every_invented_name_ends_with_the_example_mark(small):
    names = list(small.tables["institutions"].name_zh)
    pf = small.tables["platforms"]
    names += list(pf[pf.provenance == "illustrative"].name_zh)
    assert names and all(n.endswith("（示例）") for n in names)
    assert not pf[pf.provenance == "article"].name_zh.str.contains("示例").any()


def test_every_row_is_illustrative_except_the_articles_figures(small):
    for name, frame in small.tables.items():
        if "provenance" not in frame:
            continue
        other = frame[frame.provenance != "illustrative"]
        if name == "talent_stock":
            assert set(other.scope_code) == {"520200"} and set(other.year) == {2015, 2020}
            assert set(other[other.provenance == "derived"].category) == {"unspecified"}
            assert len(other) == 10
        elif name == "platforms":
            assert len(other) == 2 and set(other.provenance) == {"article"}
        else:
            assert other.empty, name


# ---------------------------------------------------------------------------------------------
# writing


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """A folder written by `write_sample_data(seed=3, scale=0.02)` and the files it returned."""
    out = tmp_path_factory.mktemp("written") / "sample"
    return out, write_sample_data(out, seed=3, scale=0.02)


def test_written_folder_has_sidecars_and_the_truth(written):
    out, files = written
    data_files = [p for p in files if not p.name.endswith(".meta.yaml")]
    assert {p.name for p in data_files} == {
        *(f"{t}.csv" for t in illustrative.TABLE_ORDER if t != "talent_records"),
        "talent_records.parquet",
    }
    assert sorted(files) == sorted(out.iterdir())
    for path in data_files:
        meta = read_metadata(path)
        assert metadata_problems(meta) == [], path.name
        assert meta["title"].startswith("【示例数据】")
        assert meta["provenance"] == "illustrative"
        assert meta["producer"] == "lps-talent 示例数据生成器"
        assert "seed=3" in meta["notes"] and "scale=0.02" in meta["notes"]
        assert "not real" in meta["notes"]
    expected = generate(seed=3, scale=0.02)
    assert read_metadata(out / "institution_outcomes.csv")["true_effect"] == expected.truth
    assert "true_effect" not in read_metadata(out / "exchanges.csv")
    records = pd.read_parquet(out / "talent_records.parquet")
    assert len(records) == len(expected.tables["talent_records"])
    assert (records.person_key == expected.tables["talent_records"].person_key).all()
    assert pd.read_csv(out / "exchanges.csv").persons.sum() == 1827


def test_written_folder_passes_the_projects_own_validation(written):
    dataset = load_dataset(written[0])
    assert set(dataset.tables) == set(illustrative.TABLE_ORDER)
    assert dataset["exchanges"].persons.sum() == 1827
    assert dataset["platform_outputs"].funding_10k_yuan.sum() == 1585


def test_same_seed_writes_byte_identical_files(written, tmp_path):
    write_sample_data(tmp_path / "again", seed=3, scale=0.02)
    a, b = _files(written[0]), _files(tmp_path / "again")
    assert list(a) == list(b) and len(a) == 16
    for name in a:
        assert a[name] == b[name], name


def test_a_failed_write_leaves_no_partial_output(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", broken)
    with pytest.raises(OSError, match="disk full"):
        write_sample_data(tmp_path / "sample", seed=0, scale=0.01)
    assert list(tmp_path.iterdir()) == []  # neither the folder nor the staging folder

    existing = tmp_path / "existing"
    existing.mkdir()
    (existing / "README.md").write_text("keep me", encoding="utf-8")
    with pytest.raises(OSError):
        write_sample_data(existing, seed=0, scale=0.01)
    assert _files(existing) == {"README.md": b"keep me"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing"]


def test_a_table_already_there_in_another_format_is_refused(tmp_path):
    (tmp_path / "talent_stock.xlsx").write_bytes(b"analyst's file")
    with pytest.raises(FileExistsError, match="talent_stock.xlsx"):
        write_sample_data(tmp_path, seed=0, scale=0.01)
    assert _files(tmp_path) == {"talent_stock.xlsx": b"analyst's file"}


def test_sidecar_yaml_round_trips_the_truth_exactly(small):
    text = yaml.safe_dump(illustrative.sidecar("institution_outcomes", small), allow_unicode=True)
    assert yaml.safe_load(text)["true_effect"] == small.truth

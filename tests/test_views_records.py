"""Tables from person-level records: small figures hidden by default, the release's pattern,
shown totals true. (The whole-release attack is in test_disclosure.py.)"""

import pandas as pd
import pytest

from lps_analysis import fmt, paths
from lps_analysis.data.disclosure import protect_release
from lps_analysis.data.registry import get_scope
from lps_analysis.data.suppression import SUPPRESSION_MARK
from lps_analysis.data.tables import EDUCATION_LEVELS
from lps_analysis.data.validate import load_dataset
from lps_analysis.views import records as rv


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(paths.ILLUSTRATIVE_DIR)


@pytest.fixture(scope="module")
def records(dataset):
    return dataset["talent_records"]


@pytest.fixture(scope="module")
def release(records):
    """The bundled release's pattern, decided once (as a run decides it once)."""
    return protect_release(records, 2020)


def _inner(table: pd.DataFrame) -> pd.DataFrame:
    return table.drop(index=rv.TOTAL_LABEL, columns=rv.TOTAL_LABEL)


def _number(text: str) -> int:
    """A published count ('1,234', or '1,234*' when illustrative) as a number."""
    return int(text.removesuffix(fmt.ILLUSTRATIVE_MARK).replace(",", ""))


@pytest.mark.parametrize("code", ["520200", "520201", "520203", "520204", "520281"])
def test_no_printed_figure_is_small_and_the_marks_follow_the_release(dataset, release, code):
    view = rv.from_dataset(get_scope(code), dataset, 2020, release=release)
    assert view.protected and len(view.tables) == 2
    for published in view.tables:
        shown = [_number(v) for v in published.table.to_numpy().ravel() if v != SUPPRESSION_MARK]
        assert all(v == 0 or v >= rv.DEFAULT_THRESHOLD for v in shown)
        hidden = (published.table == SUPPRESSION_MARK).to_numpy()
        assert (hidden == published.hidden).all()


@pytest.mark.parametrize("code", ["520200", "520203"])
def test_the_introduced_table_hides_small_cells_and_shows_true_totals(records, release, code):
    scope = get_scope(code)
    view = rv.build(scope, records, 2020, provenance="illustrative", release=release)
    introduced = view.tables[1]
    # the same counts, rebuilt from the records, against the published pattern
    row_column, order, names, codes = rv._rows_for(scope)
    subset = records[records["origin"] == "introduced"]
    rows = list(release.table(code, "introduced").spec.row_order)
    counts = rv.crosstab(
        subset,
        scope_codes=codes,
        year=2020,
        rows=row_column,
        columns="education",
        row_order=rows,
        column_order=list(EDUCATION_LEVELS),
    ).rename(index=names, columns=EDUCATION_LEVELS)
    assert (release.table(code, "introduced").counts.to_numpy() == counts.to_numpy()).all()
    mask = introduced.hidden[:-1, :-1]
    assert mask.any(), "the illustrative data has small cells: some must be hidden"
    small = ((counts > 0) & (counts < rv.DEFAULT_THRESHOLD)).to_numpy()
    assert (mask | ~small).all(), "every small cell is hidden"
    # the totals that are shown are the true totals
    table = introduced.table
    assert _number(table.loc[rv.TOTAL_LABEL, rv.TOTAL_LABEL]) == int(counts.to_numpy().sum())
    for label, total in counts.sum(axis=1).items():
        if table.loc[label, rv.TOTAL_LABEL] != SUPPRESSION_MARK:
            assert _number(table.loc[label, rv.TOTAL_LABEL]) == total
    assert view.hidden_cells >= int(mask.sum())
    assert f"有{view.hidden_cells}个*数字" in view.sentence


def test_a_county_hides_the_totals_that_are_hidden_city_cells(records, release):
    city = rv.build(get_scope("520200"), records, 2020, release=release).tables[1].table
    county = rv.build(get_scope("520201"), records, 2020, release=release).tables[1].table
    for education in EDUCATION_LEVELS.values():
        assert (city.loc["钟山区", education] == SUPPRESSION_MARK) == (
            county.loc[rv.TOTAL_LABEL, education] == SUPPRESSION_MARK
        )
    assert city.loc["钟山区", "博士研究生"] == SUPPRESSION_MARK  # 8 persons


def test_county_rows_are_sectors_with_other_last_and_columns_by_education(records, release):
    view = rv.build(get_scope("520203"), records, 2020, provenance="illustrative", release=release)
    table = view.tables[0].table
    rows = [r for r in table.index if r != rv.TOTAL_LABEL]
    assert rows[-1] == "其他"
    assert "教育" in rows and "卫生" in rows
    assert list(table.columns) == [*EDUCATION_LEVELS.values(), rv.TOTAL_LABEL]
    persons = _number(table.loc[rv.TOTAL_LABEL, rv.TOTAL_LABEL])
    assert persons == int((records["scope_code"].astype(str) == "520203").sum())


def test_city_rows_are_the_four_counties(records, release):
    table = rv.build(get_scope("520200"), records, 2020, release=release).tables[0].table
    assert list(table.index) == ["钟山区", "六枝特区", "水城区", "盘州市", rv.TOTAL_LABEL]
    assert _number(table.loc[rv.TOTAL_LABEL, rv.TOTAL_LABEL]) == len(records)


def test_illustrative_records_are_marked_cell_by_cell_and_explained_under_the_table(
    dataset, release
):
    view = rv.from_dataset(get_scope("520200"), dataset, 2020, release=release)
    assert view.provenance == "illustrative"
    for published in view.tables:
        shown = [c for c in published.table.to_numpy().ravel() if c != SUPPRESSION_MARK]
        assert all(c.endswith(fmt.ILLUSTRATIVE_MARK) for c in shown)
        assert "示例" not in published.title  # the mark is on the values, not typed by hand
    assert fmt.ILLUSTRATIVE_NOTE in view.note and "小于10人" in view.note
    assert view.sentence.count(fmt.ILLUSTRATIVE_MARK) >= 3


def test_real_records_carry_no_mark_and_no_illustrative_note(records):
    view = rv.build(get_scope("520203"), records, 2020, provenance="analyst")
    for published in view.tables:
        assert not any(fmt.ILLUSTRATIVE_MARK in c for c in published.table.to_numpy().ravel())
    assert fmt.ILLUSTRATIVE_NOTE not in view.note
    assert fmt.ILLUSTRATIVE_MARK not in view.sentence


def test_records_without_a_sidecar_are_the_analysts_as_any_file_without_provenance(records):
    view = rv.build(get_scope("520203"), records, 2020, provenance="unknown")
    assert not view.illustrative and fmt.ILLUSTRATIVE_NOTE not in view.note
    assert rv.value_provenance("unknown") == "analyst"


def test_protection_can_be_turned_off_and_then_the_note_says_so(records):
    view = rv.build(get_scope("520203"), records, 2020, protect=False)
    assert all(t.hidden is None for t in view.tables)
    inner = _inner(view.tables[1].table)
    assert not (inner == SUPPRESSION_MARK).to_numpy().any()
    assert "未做小单元格保护" in view.note and "不得对外印发" in view.note
    assert "隐去" not in view.sentence


def test_a_higher_threshold_hides_more(records):
    scope = get_scope("520203")
    low = rv.build(scope, records, 2020, threshold=10).hidden_cells
    high = rv.build(scope, records, 2020, threshold=50)
    assert high.hidden_cells > low
    assert "小于50人" in high.note


def test_without_records_the_section_says_so():
    view = rv.build(get_scope("520200"), None, 2020)
    assert view.tables == [] and "没有人才个人记录" in view.sentence


def test_the_latest_year_not_after_the_end_year_is_used(records):
    later = records.assign(year=2022)
    view = rv.build(get_scope("520203"), pd.concat([records, later]), 2021)
    assert view.year == 2020
    none = rv.build(get_scope("520203"), later, 2021)
    assert none.tables == [] and "2021年及以前" in none.sentence


def test_records_provenance_reads_the_sidecar(dataset, tmp_path):
    assert rv.records_provenance(dataset.tables["talent_records"].path) == "illustrative"
    assert rv.records_provenance(tmp_path / "talent_records.csv") == "unknown"
    assert rv.records_provenance(None) == "unknown"

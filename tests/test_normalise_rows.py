"""Which rows of a county sheet are data, which are blank or a total, and what the analyst is
told when a sheet has no table, a column twice, or a cell that is not text in a text column."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from lps_analysis import paths
from lps_analysis.data import normalise
from lps_analysis.data.validate import load_table
from lps_analysis.errors import DataValidationError

HEAD = ["地区", "年份", "人才类别", "人数（人）"]


def _workbook(path: Path, rows) -> Path:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _problems(path: Path) -> list:
    with pytest.raises(DataValidationError) as err:
        load_table(path)
    return err.value.problems


# --- blank rows, stray cells and totals --------------------------------------------------------


def test_a_row_with_an_empty_first_cell_is_still_data(tmp_path):
    path = _workbook(
        tmp_path / "talent_stock.xlsx",
        [
            [None, *HEAD],
            [None, "钟山区", 2015, "专业技术人才", 100],
            [None, "钟山区", 2015, "技能人才", 7],
        ],
    )
    assert list(load_table(path).data["count"]) == [100, 7]


def test_a_row_of_invisible_characters_is_blank_not_a_row_missing_its_cells(tmp_path):
    path = tmp_path / "talent_stock.csv"
    text = ",".join(HEAD) + "\n钟山区,2015,专业技术人才,100\n\u200b,\u200b,\u200b,\u200b\n"
    path.write_text(text + "钟山区,2015,技能人才,7\n", encoding="utf-8")
    loaded = load_table(path)
    assert list(loaded.data["count"]) == [100, 7]
    assert list(loaded.frame.row_in_file) == [2, 4]


def test_a_stray_decimal_below_the_table_is_a_row_and_is_reported_at_its_excel_row(tmp_path):
    path = _workbook(
        tmp_path / "talent_stock.xlsx",
        [HEAD, ["钟山区", 2015, "专业技术人才", 100], [None, None, None, 12.5]],
    )
    problems = _problems(path)
    assert problems and {p.row for p in problems} == {3}
    assert {p.column for p in problems} >= {"地区", "年份", "人才类别"}


def test_a_total_labelled_in_english_or_in_a_later_column_is_checked_then_dropped(tmp_path):
    for label_row in (["Total", None, None, 107], [None, "合计", None, 107]):
        path = _workbook(
            tmp_path / "talent_stock.xlsx",
            [
                HEAD,
                ["钟山区", 2015, "专业技术人才", 100],
                ["钟山区", 2015, "技能人才", 7],
                label_row,
            ],
        )
        loaded = load_table(path)
        assert list(loaded.data["count"]) == [100, 7], label_row
        assert "合计行" in " ".join(loaded.notes)


def test_a_spaced_total_label_counts_up_to_sixteen_characters(tmp_path):
    rows = [HEAD, ["钟山区", 2015, "专业技术人才", 100], ["钟山区", 2015, "技能人才", 7]]
    label = "合" + " " * 14 + "计"  # 16 characters: a padded label
    loaded = load_table(
        _workbook(tmp_path / "talent_stock.xlsx", [*rows, [label, None, None, 107]])
    )
    assert list(loaded.data["count"]) == [100, 7]
    # 17 characters is longer than any label: read as data, so its county is unknown.
    label = "合" + " " * 15 + "计"
    problems = _problems(
        _workbook(tmp_path / "talent_stock.xlsx", [*rows, [label, None, None, 107]])
    )
    assert any(p.row == 4 and p.column == "地区" for p in problems)


def test_a_subtotal_inside_the_table_is_refused_in_both_languages(tmp_path):
    path = _workbook(
        tmp_path / "talent_stock.xlsx",
        [
            HEAD,
            ["钟山区", 2015, "专业技术人才", 100],
            ["小计", None, None, 100],
            ["钟山区", 2015, "技能人才", 7],
        ],
    )
    (problem,) = _problems(path)
    assert problem.row == 3
    assert problem.message_zh == "合计/小计行只能放在表格末尾（中间的小计行会被重复计算）。"
    assert problem.message_en == "A total/subtotal row may only be the last row."


# --- sheets without a table, columns twice -----------------------------------------------------


def test_an_empty_file_is_named_empty_in_both_languages(tmp_path):
    path = tmp_path / "talent_stock.csv"
    path.write_text(",,,\n , ,,\n", encoding="utf-8")
    (problem,) = _problems(path)
    assert (problem.message_zh, problem.message_en) == (
        "文件中没有任何内容。",
        "The file has no content.",
    )


def test_a_sheet_without_the_header_lists_the_required_columns(tmp_path):
    path = tmp_path / "talent_stock.csv"
    path.write_text("县,人\n钟山区,100\n", encoding="utf-8")
    (problem,) = _problems(path)
    assert problem.message_zh == (
        "找不到表头：前 15 行中没有一行包含本表的列名（应包括：地区、年份、人才类别、人数（人））。"
    )
    assert problem.message_en == (
        "No header row found in the first 15 rows; expected columns such as: "
        "scope_code, year, category, count."
    )


def test_a_column_given_twice_is_refused_naming_both_and_the_columns_after_it_are_read(tmp_path):
    path = tmp_path / "talent_stock.csv"
    path.write_text(
        "地区,人数,人数（人）,年份,人才类别\n钟山区,7,7,2015,技能人才\n", encoding="utf-8"
    )
    (problem,) = _problems(path)
    assert problem.row == 1 and problem.column == "人数（人）"
    assert problem.message_zh == "列「人数（人）」与第 2 列表示同一项，请删除其中一列。"
    assert problem.message_en == "Two columns map to 'count'."


def test_a_header_without_rows_is_refused_in_both_languages(tmp_path):
    path = tmp_path / "talent_stock.csv"
    path.write_text("地区,年份,人才类别,人数\n", encoding="utf-8")
    (problem,) = _problems(path)
    assert (problem.row, problem.message_zh, problem.message_en) == (
        1,
        "表格只有表头，没有数据行。",
        "Header only: the table has no data rows.",
    )


def test_numbers_typed_as_numbers_take_the_header_unit(tmp_path):
    path = _workbook(
        tmp_path / "talent_stock.xlsx",
        [
            ["地区", "年份", "人才类别", "人数（万人）"],
            ["钟山区", 2015, "专业技术人才", 1],
            ["钟山区", 2015, "技能人才", 2],
        ],
    )
    assert list(load_table(path).data["count"]) == [10_000, 20_000]


# --- text columns --------------------------------------------------------------------------------


def test_a_text_column_keeps_numbers_as_text_and_blank_cells_missing(tmp_path):
    path = _workbook(
        tmp_path / "talent_stock.xlsx",
        [
            [*HEAD, "数据来源"],
            ["钟山区", 2015, "专业技术人才", 100, 2021],
            ["钟山区", 2015, "技能人才", 7, "  "],
            ["钟山区", 2016, "技能人才", 8, "区人社局 年报"],
            ["钟山区", 2017, "技能人才", 9, "\u200b"],
        ],
    )
    source = load_table(path).data["source"]
    assert source.iloc[0] == "2021"
    assert pd.isna(source.iloc[1]) and pd.isna(source.iloc[3])
    assert source.iloc[2] == "区人社局 年报"


def test_an_error_value_in_a_text_column_is_reported_where_excel_shows_it(tmp_path):
    path = _workbook(
        tmp_path / "talent_stock.xlsx",
        [
            [*HEAD, "数据来源"],
            ["钟山区", 2015, "专业技术人才", 100, 2021],
            ["钟山区", 2015, "技能人才", 7, "#REF!"],
        ],
    )
    (problem,) = _problems(path)
    assert (problem.row, problem.column, problem.value) == (3, "数据来源", "#REF!")
    assert problem.message_zh == "公式计算出错（#REF!）：请在 Excel 中修正公式。"
    assert problem.message_en == "The formula evaluates to an error (#REF!)."


# --- header detection and units --------------------------------------------------------------


def test_a_row_naming_one_column_is_not_a_header_but_two_are(tmp_path):
    path = tmp_path / "talent_stock.csv"
    path.write_text("地区,备注\n钟山区,100\n", encoding="utf-8")
    (problem,) = _problems(path)
    assert problem.message_zh.startswith("找不到表头")
    path.write_text("地区,年份\n钟山区,2015\n", encoding="utf-8")
    problems = _problems(path)
    assert [(p.row, p.column, p.message_zh, p.message_en) for p in problems] == [
        (1, "人才类别", "缺少必填列「人才类别」。", "Missing required column 'category'."),
        (1, "人数（人）", "缺少必填列「人数（人）」。", "Missing required column 'count'."),
    ]


def test_an_unknown_header_unit_is_refused_naming_the_units_allowed(tmp_path):
    path = tmp_path / "talent_stock.csv"
    path.write_text("地区,年份,人才类别,人数（千人）\n钟山区,2015,技能人才,7\n", encoding="utf-8")
    problem = next(p for p in _problems(path) if p.value == "千人")
    assert problem.column == "人数（千人）"
    assert problem.message_zh == (
        "表头单位「千人」无法识别（应为 人、名、个、件、项、人次、万人、万、万个、万件）。"
    )
    assert problem.message_en == "Unknown unit '千人' in the header."


def test_a_former_county_name_is_mapped_and_the_note_names_only_its_rows(tmp_path):
    path = tmp_path / "talent_stock.csv"
    path.write_text(
        "地区,年份,人才类别,人数\n钟山区,2015,技能人才,7\n水城县,2015,技能人才,9\n"
        "钟山区,2016,技能人才,8\n水城县,2016,技能人才,10\n",
        encoding="utf-8",
    )
    loaded = load_table(path)
    assert list(loaded.data.scope_code) == ["520201", "520204", "520201", "520204"]
    (note,) = [n for n in loaded.notes if "水城县" in n]
    assert note.endswith("（第 3、5 行）"), note


def test_a_code_wrong_in_many_rows_is_reported_at_its_first_200(tmp_path):
    path = tmp_path / "talent_stock.csv"
    rows = "".join(f"钟山区,{1800 + i},某类人才,7\n" for i in range(250))
    path.write_text("地区,年份,人才类别,人数\n" + rows, encoding="utf-8")
    problems = [p for p in _problems(path) if p.column == "人才类别"]
    assert [p.row for p in problems] == list(range(2, 202))


# --- person-level tables: above LARGE_TABLE_ROWS rows coded columns come back as categoricals --
# The threshold (50,000 rows) is lowered for the test: the path, not the size, is under test.

SMALL_LARGE = 40


@pytest.fixture(scope="module")
def records():
    frame = pd.read_parquet(paths.ILLUSTRATIVE_DIR / "talent_records.parquet")
    # rows from every scope, so that every column holds several distinct values
    return (
        frame.iloc[:: len(frame) // (SMALL_LARGE + 1)]
        .iloc[: SMALL_LARGE + 1]
        .reset_index(drop=True)
    )


def _same_records(loaded: pd.DataFrame, source: pd.DataFrame) -> None:
    assert list(loaded.columns) == list(source.columns)
    for column in source.columns:
        if pd.api.types.is_numeric_dtype(source[column].dtype):
            assert loaded[column].astype(float).tolist() == source[column].astype(float).tolist()
        else:
            got = loaded[column].astype(object).tolist()
            assert got == source[column].astype(object).tolist(), column


@pytest.mark.parametrize("rows", [SMALL_LARGE, SMALL_LARGE + 1])
def test_a_large_csv_of_records_reads_back_every_value(tmp_path, monkeypatch, records, rows):
    monkeypatch.setattr(normalise, "LARGE_TABLE_ROWS", SMALL_LARGE)
    source = records.iloc[:rows]
    path = tmp_path / "talent_records.csv"
    source.to_csv(path, index=False)
    loaded = load_table(path).data
    _same_records(loaded, source)
    coded = isinstance(loaded.education.dtype, pd.CategoricalDtype)
    assert coded == (rows > SMALL_LARGE)


def test_a_large_parquet_of_records_reads_back_every_value(tmp_path, monkeypatch, records):
    monkeypatch.setattr(normalise, "LARGE_TABLE_ROWS", SMALL_LARGE)
    path = tmp_path / "talent_records.parquet"
    records.to_parquet(path, index=False)
    loaded = load_table(path).data
    _same_records(loaded, records)
    assert isinstance(loaded.education.dtype, pd.CategoricalDtype)
    assert records.scope_code.nunique() > 1 and records.education.nunique() > 1


# --- provenance: what a figure is marked with depends on it -----------------------------------


def test_a_table_without_a_provenance_column_is_the_analysts_and_says_so(tmp_path):
    path = tmp_path / "talent_stock.csv"
    path.write_text("地区,年份,人才类别,人数\n钟山区,2015,技能人才,7\n", encoding="utf-8")
    loaded = load_table(path)
    assert list(loaded.data.provenance) == ["analyst"]
    assert (
        "talent_stock.csv：未填写「数据性质」列，按“分析人员提供”（analyst）处理。" in loaded.notes
    )


def test_rows_left_blank_in_the_provenance_column_are_the_analysts_the_others_kept(tmp_path):
    path = tmp_path / "talent_stock.csv"
    path.write_text(
        "地区,年份,人才类别,人数,数据性质\n钟山区,2015,技能人才,7,official\n"
        "钟山区,2016,技能人才,8,\n",
        encoding="utf-8",
    )
    loaded = load_table(path)
    assert list(loaded.data.provenance) == ["official", "analyst"]
    assert any("部分行未填写「数据性质」" in note for note in loaded.notes)


def test_a_table_with_no_provenance_column_in_its_template_gets_none(tmp_path, records):
    path = tmp_path / "talent_records.csv"
    records.iloc[:3].to_csv(path, index=False)
    loaded = load_table(path)
    assert "provenance" not in loaded.data
    assert not any("数据性质" in note for note in loaded.notes)


def test_in_a_large_table_numbers_stay_numbers(tmp_path, monkeypatch, records):
    monkeypatch.setattr(normalise, "LARGE_TABLE_ROWS", SMALL_LARGE)
    path = tmp_path / "talent_records.csv"
    records.to_csv(path, index=False)
    loaded = load_table(path).data
    # compared and summed as numbers, as the analyses do
    assert (loaded.year >= 2015).sum() == (records.year >= 2015).sum()
    assert loaded.birth_year.sum() == records.birth_year.astype(int).sum()


def test_in_a_large_table_a_blank_coded_cell_is_refused_at_its_row(tmp_path, monkeypatch, records):
    monkeypatch.setattr(normalise, "LARGE_TABLE_ROWS", SMALL_LARGE)
    source = records.astype(object)
    source.loc[4, "gender"] = ""  # an empty cell
    source.loc[6, "gender"] = "\u200b"  # a cell holding only an invisible character
    path = tmp_path / "talent_records.csv"
    source.to_csv(path, index=False)
    problems = _problems(path)
    assert {p.row for p in problems} == {6, 8}
    assert {p.column for p in problems} == {"gender"}


def test_dates_are_read_as_dates(tmp_path):
    source = paths.ILLUSTRATIVE_DIR / "exchanges.csv"
    text = source.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "exchanges.csv"
    path.write_text("\n".join(text[:6]) + "\n", encoding="utf-8")
    data = load_table(path).data
    written = pd.read_csv(path, dtype=str)
    assert data.start_date.dt.year.tolist() == [int(d[:4]) for d in written.start_date]
    assert data.end_date.dt.strftime("%Y-%m-%d").tolist() == written.end_date.tolist()


def test_a_parquet_text_cell_of_spaces_or_invisibles_is_missing(tmp_path):
    frame = pd.DataFrame(
        {
            "scope_code": ["520201"] * 3,
            "year": [2015, 2016, 2017],
            "category": ["skilled"] * 3,
            "count": [7.0, 8.0, 9.0],
            "source": ["  ", "\u200b", " 年报 "],
        }
    )
    path = tmp_path / "talent_stock.parquet"
    frame.to_parquet(path, index=False)
    source = load_table(path).data["source"]
    assert source.isna().tolist() == [True, True, False]
    assert source.iloc[2] == "年报"

"""Which rows of a county sheet are data, which are blank or a total, and what the analyst is
told when a sheet has no table, a column twice, or a cell that is not text in a text column."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

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


def test_a_column_given_twice_is_refused_naming_both(tmp_path):
    path = tmp_path / "talent_stock.csv"
    path.write_text(
        "地区,年份,人才类别,人数,人数（人）\n钟山区,2015,技能人才,7,7\n", encoding="utf-8"
    )
    (problem,) = _problems(path)
    assert problem.row == 1 and problem.column == "人数（人）"
    assert problem.message_zh == "列「人数（人）」与第 4 列表示同一项，请删除其中一列。"
    assert problem.message_en == "Two columns map to 'count'."


# --- text columns --------------------------------------------------------------------------------


def test_a_text_column_keeps_numbers_as_text_and_blank_cells_missing(tmp_path):
    path = _workbook(
        tmp_path / "talent_stock.xlsx",
        [
            [*HEAD, "数据来源"],
            ["钟山区", 2015, "专业技术人才", 100, 2021],
            ["钟山区", 2015, "技能人才", 7, "  "],
            ["钟山区", 2016, "技能人才", 8, "区人社局 年报"],
        ],
    )
    source = load_table(path).data["source"]
    assert source.iloc[0] == "2021"
    assert pd.isna(source.iloc[1])
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

"""Validation edges: the sheet a problem names in a workbook, categories that add up to exactly
their total, a file with no data sheet or only hidden ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from lps_analysis.data.validate import load_table
from lps_analysis.errors import DataValidationError

HEADER = ["地区", "年份", "人才类别", "人数", "数据来源"]


def _workbook(path: Path, rows: list[list], *, title: str = "人才存量", hidden: bool = False):
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    if hidden:
        book.create_sheet("说明").append(["本工作簿的数据在隐藏的工作表中"])
        sheet.sheet_state = "hidden"
    book.save(path)
    return path


def _problems(call) -> list:
    with pytest.raises(DataValidationError) as err:
        call()
    return err.value.problems


def test_categories_above_their_total_name_the_sheet_and_row_of_the_total(tmp_path):
    path = _workbook(
        tmp_path / "talent_stock.xlsx",
        [
            ["钟山区", 2015, "专业技术人才", 80, "年报"],
            ["钟山区", 2015, "人才总量", 100, "年报"],
            ["钟山区", 2015, "技能人才", 40, "年报"],
        ],
    )
    (problem,) = _problems(lambda: load_table(path))
    assert (problem.file, problem.sheet, problem.row) == ("talent_stock.xlsx", "人才存量", 3)
    assert (problem.column, problem.value) == ("人数", "100")


def test_categories_that_add_up_to_their_total_exactly_pass(tmp_path):
    path = _workbook(
        tmp_path / "talent_stock.xlsx",
        [
            ["钟山区", 2015, "人才总量", 120, "年报"],
            ["钟山区", 2015, "专业技术人才", 80, "年报"],
            ["钟山区", 2015, "技能人才", 40, "年报"],
            ["钟山区", 2016, "人才总量", 130, "年报"],
            ["钟山区", 2016, "技能人才", 40, "年报"],
        ],
    )
    table = load_table(path)
    assert len(table.data) == 5


def test_a_table_only_in_a_hidden_sheet_is_refused_with_what_to_do(tmp_path):
    path = _workbook(
        tmp_path / "talent_stock.xlsx",
        [["钟山区", 2015, "技能人才", 40, "年报"]],
        hidden=True,
    )
    (problem,) = _problems(lambda: load_table(path))
    assert problem.file == "talent_stock.xlsx"
    assert problem.message_zh == (
        "本表只在隐藏的工作表「人才存量」中：隐藏的表可能是旧数据，"
        "请在 Excel 中取消隐藏（或删除）后再检查。"
    )


def test_a_file_named_otherwise_is_recognised_by_the_templates_headers(tmp_path):
    path = tmp_path / "钟山区上报.csv"
    path.write_text(",".join(HEADER) + "\n钟山区,2015,技能人才,40,年报\n", encoding="utf-8")
    assert load_table(path).name == "talent_stock"


def test_an_unrecognised_file_lists_every_table_name_in_both_languages(tmp_path):
    from lps_analysis.data.tables import TABLES

    path = tmp_path / "杂项.csv"
    path.write_text("甲,乙\n1,2\n", encoding="utf-8")
    (problem,) = _problems(lambda: load_table(path))
    assert problem.file == "杂项.csv"
    assert problem.message_en == (
        f"Unknown table: name the file after a table ({', '.join(TABLES)}) "
        "or use the template's headers."
    )
    assert "、".join(TABLES) in problem.message_zh

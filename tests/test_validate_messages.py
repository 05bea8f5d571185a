"""What `lps validate` tells the analyst about a table or a folder as a whole: control
characters, categories above their total, dates in the wrong order, a referenced table or a
folder that is missing, a file no table can be recognised in; and that years read as years."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from lps_analysis import paths
from lps_analysis.data.validate import load_dataset, load_table
from lps_analysis.errors import DataValidationError


def _problems(call) -> list:
    with pytest.raises(DataValidationError) as err:
        call()
    return err.value.problems


def _csv(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_control_character_in_a_name_is_refused_where_it_is(tmp_path):
    path = _csv(
        tmp_path,
        "talent_stock.csv",
        '地区,年份,人才类别,人数,数据来源\n钟山区,2015,技能人才,7,年报\n钟山区,2016,技能人才,8,"年\x1b[31m报"\n',
    )
    (problem,) = _problems(lambda: load_table(path))
    assert (problem.row, problem.column) == (3, "数据来源")
    assert problem.message_zh.startswith("文字中含有不可见的控制字符")
    assert "\x1b" not in problem.value


def test_categories_above_their_total_are_refused_at_the_total_row(tmp_path):
    path = _csv(
        tmp_path,
        "talent_stock.csv",
        "地区,年份,人才类别,人数,数据来源\n钟山区,2015,人才总量,100,\n"
        "钟山区,2015,专业技术人才,80,年报\n钟山区,2015,技能人才,40,年报\n",
    )
    (problem,) = _problems(lambda: load_table(path))
    assert (problem.row, problem.column, problem.value) == (2, "人数", "100")
    assert problem.message_zh == "520201 2015 年各类人才之和 120 大于人才总量 100。"
    assert problem.message_en == "Categories of 520201 2015 sum to 120, above the total 100."


def _exchanges(tmp_path, rows: int = 4) -> Path:
    lines = (paths.ILLUSTRATIVE_DIR / "exchanges.csv").read_text(encoding="utf-8").splitlines()
    folder = tmp_path / "in"
    folder.mkdir()
    _csv(folder, "exchanges.csv", "\n".join(lines[: rows + 1]) + "\n")
    return folder


def test_an_end_date_before_its_start_is_refused_in_both_languages(tmp_path):
    folder = _exchanges(tmp_path)
    text = (folder / "exchanges.csv").read_text(encoding="utf-8").splitlines()
    cells = text[2].split(",")
    start, end = cells[6], cells[7]
    cells[6], cells[7] = end, start
    text[2] = ",".join(cells)
    (folder / "exchanges.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    (problem,) = _problems(lambda: load_table(folder / "exchanges.csv"))
    assert (problem.row, problem.column, problem.value) == (3, "结束日期", start)
    assert problem.message_zh == f"结束日期早于开始日期（{end}）。"
    assert problem.message_en == "End date before start date."


def test_a_referenced_table_that_is_missing_is_named(tmp_path):
    problems = _problems(lambda: load_dataset(_exchanges(tmp_path)))
    problem = next(p for p in problems if p.column == "institution_id")
    assert problem.message_zh == "引用的表「institutions」不存在，无法核对「institution_id」。"
    assert problem.message_en == "Table institutions is missing: cannot check institution_id."


def test_a_missing_folder_is_named_in_both_languages(tmp_path):
    (problem,) = _problems(lambda: load_dataset(tmp_path / "没有这个文件夹"))
    assert (problem.message_zh, problem.message_en) == (
        "数据文件夹不存在。",
        "Data folder not found.",
    )


def test_a_file_no_table_can_be_recognised_in_is_refused(tmp_path):
    path = _csv(tmp_path, "汇总.csv", "甲,乙\n1,2\n")
    (problem,) = _problems(lambda: load_table(path))
    assert problem.message_zh.startswith("无法从文件名或表头识别表格（文件名应含表名：")
    assert problem.message_en.startswith("Unknown table: name the file after a table (")
    assert problem.message_en.endswith(") or use the template's headers.")


def test_years_are_read_as_whole_numbers_and_one_sheet_can_be_chosen(tmp_path):
    wb = Workbook()
    wb.remove(wb.active)
    head = ["地区", "年份", "人才类别", "人数（人）"]
    for name, row in (
        ("钟山区", ["钟山区", 2015, "技能人才", 7]),
        ("盘州市", ["盘州市", 2016, "技能人才", 9]),
    ):
        ws = wb.create_sheet(name)
        ws.append(head)
        ws.append(row)
    path = tmp_path / "talent_stock.xlsx"
    wb.save(path)
    assert [str(y) for y in load_table(path).data.year] == ["2015", "2016"]
    chosen = load_table(path, sheet="盘州市").data
    assert list(chosen.scope_code) == ["520281"] and [str(y) for y in chosen.year] == ["2016"]


def test_counties_not_adding_up_name_the_sheet_and_row_of_the_city_figure(tmp_path):
    head = ["地区", "年份", "人才类别", "人数（人）"]
    wb = Workbook()
    wb.remove(wb.active)
    city = wb.create_sheet("全市")
    city.append(head)
    city.append(["六盘水市", 2015, "技能人才", 1000])
    counties = wb.create_sheet("各县")
    counties.append(head)
    for name in ("钟山区", "六枝特区", "水城区", "盘州市"):
        counties.append([name, 2015, "技能人才", 200])
    folder = tmp_path / "in"
    folder.mkdir()
    wb.save(folder / "talent_stock.xlsx")
    (problem,) = _problems(lambda: load_dataset(folder))
    assert (problem.sheet, problem.row, problem.value) == ("全市", 2, "1000")
    assert "四个县级单位合计 800，与市级数据 1000 不符" in problem.message_zh

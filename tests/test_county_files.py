"""County files as staff really send them: nothing silently lost, nothing invented, every problem
named where Excel shows it, all at once (the corpus in fixtures/bad holds the failing variants)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from lps_analysis.data import xlsx, xlsx_cells
from lps_analysis.data.readers import read_tables
from lps_analysis.data.validate import load_dataset, load_table
from lps_analysis.errors import DataValidationError

BAD = Path(__file__).parent / "fixtures" / "bad"
HEAD = ["地区", "年份", "人才类别", "人数（人）"]
STOCK = "地区,年份,人才类别,人数（人）\n"


def _workbook(path: Path, sheets, *, hidden=()) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        if name in hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path


def _problems(call) -> list:
    with pytest.raises(DataValidationError) as err:
        call()
    return err.value.problems


# --- nothing silently lost or stale ---------------------------------------------------------


def test_every_visible_sheet_holding_the_table_is_read_with_its_own_row_numbers(tmp_path):
    path = _workbook(
        tmp_path / "talent_stock.xlsx",
        [
            ("钟山区", [["钟山区人才统计"], HEAD, ["钟山区", 2015, "专业技术人才", 100]]),
            (
                "盘州市",
                [HEAD, ["盘州市", 2015, "专业技术人才", 80], ["盘州市", 2015, "技能人才", 4]],
            ),
            ("填写说明", [["请按表头填写"]]),
        ],
    )
    loaded = load_table(path)
    assert list(loaded.data.scope_code) == ["520201", "520281", "520281"]
    assert list(loaded.frame.row_in_file) == [3, 2, 3]
    assert list(loaded.frame.sheet_in_file) == ["钟山区", "盘州市", "盘州市"]
    assert "sheet_in_file" not in loaded.data


def test_a_key_repeated_across_sheets_names_both_sheets(tmp_path):
    row = ["钟山区", 2015, "专业技术人才", 100]
    path = _workbook(tmp_path / "talent_stock.xlsx", [("一", [HEAD, row]), ("二", [HEAD, row])])
    (problem,) = _problems(lambda: load_table(path))
    assert (
        "工作表「一」第 2 行" in problem.message_zh and "工作表「二」第 2 行" in problem.message_zh
    )


def test_a_hidden_sheet_is_never_read_and_the_note_says_so(tmp_path):
    path = _workbook(
        tmp_path / "talent_stock.xlsx",
        [
            ("talent_stock", [HEAD, ["钟山区", 2015, "专业技术人才", 90]]),
            ("2021年报", [HEAD, ["钟山区", 2015, "专业技术人才", 120]]),
        ],
        hidden=("talent_stock",),
    )
    loaded = load_table(path)
    assert list(loaded.data["count"]) == [120]
    assert any("隐藏的工作表「talent_stock」" in n for n in loaded.notes)


def test_a_file_named_the_way_staff_name_files_is_recognised_by_its_title(tmp_path):
    (tmp_path / "钟山区 人才资源总量 最终版(2).csv").write_text(
        STOCK + "钟山区,2015,专业技术人才,100\n", encoding="utf-8"
    )
    (tmp_path / "新建 Microsoft Excel 工作表.csv").write_text(
        "单位编号,单位名称,地区,领域,单位类型\nS001,某中学,钟山区,教育,学校\n", encoding="utf-8"
    )
    dataset = load_dataset(tmp_path)
    assert set(dataset.tables) == {"talent_stock", "institutions"}
    assert any("按表头识别为「institutions」" in n for n in dataset.notes)


def test_a_folder_with_nothing_recognisable_fails_instead_of_passing_empty(tmp_path):
    assert "没有任何数据表文件" in _problems(lambda: load_dataset(tmp_path))[0].message_zh
    (tmp_path / "说明.csv").write_text("备注\n请查收\n", encoding="utf-8")
    assert "无法识别这是哪张表" in _problems(lambda: load_dataset(tmp_path))[0].message_zh


def test_an_old_xls_in_a_folder_is_named_not_skipped(tmp_path):
    shutil.copy(BAD / "xls_renamed_xlsx" / "talent_stock.xlsx", tmp_path / "talent_stock.xls")
    (problem,) = _problems(lambda: load_dataset(tmp_path))
    assert problem.file == "talent_stock.xls" and "另存为" in problem.message_zh


# --- nothing invented -------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["1e999", "-1e999", "inf", "nan", "Infinity", "1_000"])
def test_non_finite_or_odd_numbers_are_refused_not_read(tmp_path, text):
    path = tmp_path / "talent_stock.csv"
    path.write_text(STOCK + f"钟山区,2015,专业技术人才,{text}\n", encoding="utf-8")
    (problem,) = _problems(lambda: load_table(path))
    assert (problem.row, problem.column, problem.value) == (2, "人数（人）", text)


def test_infinity_stored_in_parquet_is_refused(tmp_path):
    path = tmp_path / "platform_outputs.parquet"
    pd.DataFrame(
        {
            "platform_id": ["P1"],
            "year": [2019],
            "projects_approved": [1.0],
            "funding_10k_yuan": [float("inf")],
            "patents_applied": [0.0],
            "patents_granted": [0.0],
            "talents_hosted": [1.0],
        }
    ).to_parquet(path)
    (problem,) = _problems(lambda: load_table(path))
    assert problem.column == "funding_10k_yuan" and "无穷大" in problem.message_zh


# --- bounded reading --------------------------------------------------------------------------


def test_a_stray_cell_in_the_last_cell_of_a_sheet_costs_one_cell_not_the_sheet():
    (sheet,) = read_tables(BAD / "xlsx_stray_last_cell" / "talent_stock.xlsx")
    assert sheet.row_numbers == [1, 2, 3]  # the blank stray cell is no content
    assert max(len(r) for r in sheet.rows) == 4


def test_a_workbook_over_the_cell_budget_is_refused_with_what_to_do(tmp_path, monkeypatch):
    path = _workbook(tmp_path / "talent_stock.xlsx", [("数据", [HEAD] * 30)])
    monkeypatch.setattr(xlsx_cells, "MAX_CELLS", 100)
    (problem,) = _problems(lambda: read_tables(path))
    assert "CSV" in problem.message_zh and "100" in problem.message_zh


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused_before_parsing(tmp_path, monkeypatch):
    path = _workbook(tmp_path / "talent_stock.xlsx", [("数据", [HEAD] * 30)])
    monkeypatch.setattr(xlsx, "MAX_PART_BYTES", 1_000)
    (problem,) = _problems(lambda: read_tables(path))
    assert "解压后过大" in problem.message_zh


# --- readable although unusual ---------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_utf16_text_with_tabs_reads_like_the_csv(tmp_path, encoding):
    path = tmp_path / "talent_stock.csv"
    path.write_bytes(
        "地区\t年份\t人才类别\t人数（人）\r\n钟山区\t2015\t专业技术人才\t100\r\n".encode(encoding)
    )
    assert list(load_table(path).data["count"]) == [100]


def test_zero_width_characters_do_not_make_keys_differ(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(BAD / "folder_zero_width_ids", folder)
    (problem,) = _problems(lambda: load_dataset(folder))
    assert problem.value == "S009"  # E1 (S001 + U+200B) and E2 (U+FEFF + S001) are found
    records = pd.DataFrame(
        {
            "person_key": ["K1", "K1\u200b"],
            "scope_code": ["520201"] * 2,
            "year": [2020] * 2,
            "category": ["professional"] * 2,
            "gender": ["female"] * 2,
            "birth_year": [1985] * 2,
            "education": ["bachelor"] * 2,
            "title_level": ["senior"] * 2,
            "sector": ["教育"] * 2,
            "origin": ["local"] * 2,
        }
    )
    records.to_parquet(tmp_path / "talent_records.parquet")
    (problem,) = _problems(lambda: load_table(tmp_path / "talent_records.parquet"))
    assert "重复记录" in problem.message_zh


def test_unit_words_are_accepted_wherever_the_header_could_carry_them(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(BAD / "unit_words", folder)
    path = folder / "platform_outputs.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("约3个", "1.2万个"), encoding="utf-8")
    row = load_table(path).data.iloc[0]
    assert (row.year, row.projects_approved, row.funding_10k_yuan) == (2019, 3, 20)
    assert (row.patents_applied, row.patents_granted, row.talents_hosted) == (5, 2, 12)
    assert load_table(path).data.projects_approved.iloc[1] == 12_000
    records = tmp_path / "talent_records.csv"
    records.write_text(
        "人员编号,地区,年份,人才类别,性别,出生年份,学历,职称等级,行业,来源\n"
        "K1,钟山区,2020年,专业技术人才,女,1985年,大学本科,高级,教育,本地培养\n",
        encoding="utf-8",
    )
    assert load_table(records).data.birth_year.iloc[0] == 1985


# --- the right place named --------------------------------------------------------------------


def test_an_undecodable_byte_is_named_by_its_line(tmp_path):
    path = tmp_path / "talent_stock.csv"
    path.write_bytes((STOCK + "钟山区,2015,专业技术人才,100\n").encode("gbk") + b"\xff\xfe\xff,1\n")
    (problem,) = _problems(lambda: load_table(path))
    assert problem.row == 3 and "无法识别的字节" in problem.message_zh


def test_a_formula_error_value_is_named_as_one(tmp_path):
    path = _workbook(
        tmp_path / "talent_stock.xlsx",
        [("数据", [HEAD, ["钟山区", 2015, "专业技术人才", "#DIV/0!"]])],
    )
    (problem,) = _problems(lambda: load_table(path))
    assert (problem.row, problem.column) == (2, "人数（人）") and "#DIV/0!" in problem.message_zh


# --- every problem at once --------------------------------------------------------------------


def test_row_errors_duplicates_sums_and_cross_table_ids_are_listed_in_one_pass():
    problems = _problems(lambda: load_dataset(BAD / "folder_every_problem_at_once"))
    text = "\n".join(p.format() for p in problems)
    for words in ("一百", "重复记录：第 6、7 行", "大于人才总量", "找不到这个编号"):
        assert words in text
    assert len(problems) == 4


def test_sheets_written_by_other_tools_read_the_same(tmp_path):
    """Prefixed tag names, cells without references, attributes in another order, rich text."""
    import re
    import zipfile

    path = _workbook(
        tmp_path / "talent_stock.xlsx",
        [("数据", [HEAD, ["钟山区", 2015, "专业技术人才", 100], ["盘州市", 2016, "技能人才", 7]])],
    )
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"]
    xml = re.sub(rb'<c r="[A-Z]+\d+"( t="\w+")?', rb"<c\1", xml)  # no cell references
    for written in ("钟山区".encode(), "".join(f"&#{ord(c)};" for c in "钟山区").encode()):
        xml = xml.replace(
            b"<is><t>" + written + b"</t></is>",
            "<is><r><t>钟山</t></r><r><t>区</t></r></is>".encode(),
        )
    xml = re.sub(rb"<(/?)(row|c|v|is|t|r|sheetData|worksheet)\b", rb"<\1x:\2", xml)
    xml = xml.replace(b"xmlns=", b"xmlns:x=", 1)
    parts["xl/worksheets/sheet1.xml"] = xml
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    loaded = load_table(path)
    assert list(loaded.data.scope_code) == ["520201", "520281"]
    assert list(loaded.data["count"]) == [100, 7]
    assert list(loaded.frame.row_in_file) == [2, 3]


def test_an_unclosed_cell_costs_linear_time_not_a_rescan_per_cell():
    from lps_analysis.data.xlsx_cells import _CELL

    part = b'<row r="1">' + b'<c r="A1"><v>1</v>' * 20_000 + b"</row>"
    assert _CELL.findall(part) == []  # each attempt stops at the next cell

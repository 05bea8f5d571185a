"""`lps validate` on the corpus of malformed files: exit 1, the right row and column, no traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from lps_analysis.cli import main
from lps_analysis.data.validate import load_dataset, load_table
from lps_analysis.errors import DataValidationError

BAD = Path(__file__).parent / "fixtures" / "bad"

# case folder → (file or None for the folder, row named, column named, words of the message)
CASES = {
    "binary_csv": ("talent_stock.csv", None, None, "不是文本格式"),
    "categories_exceed_total": ("talent_stock.csv", 2, "人数", "大于人才总量"),
    "count_with_words": ("talent_stock.csv", 2, "人数（人）", "不是有效的数字"),
    "duplicate_keys": ("talent_stock.csv", 2, "地区+年份+人才类别", "第 2、4 行"),
    "empty": ("talent_stock.csv", None, None, "文件是空的"),
    "empty_required_cell": ("talent_stock.csv", 3, "年份", "必填项为空"),
    "end_before_start": ("exchanges.csv", 3, "结束日期", "早于开始日期"),
    "folder_reconcile": (None, 2, "人数", "合计 1050，与市级数据 1000 不符"),
    "folder_two_formats": (None, None, None, "有多个文件"),
    "folder_unknown_institution": (None, 3, "单位编号", "找不到这个编号"),
    "folder_unknown_platform": (None, 3, "平台编号", "找不到这个编号"),
    "fractional_after_wan": ("talent_stock.csv", 2, "人数（万人）", "必须是整数"),
    "fractional_persons": ("talent_stock.csv", 2, "人数（人）", "必须是整数"),
    "gbk_unknown_category": ("talent_stock.csv", 3, "人才类别", "文艺人才"),
    "header_only": ("talent_stock.csv", 1, None, "只有表头"),
    "invalid_date": ("exchanges.csv", 2, "开始日期", "不是有效的日期"),
    "missing_column": ("talent_stock.csv", 1, "人数（人）", "缺少必填列"),
    "negative_persons": ("talent_stock.csv", 3, "人数（人）", "不能为负数"),
    "not_a_spreadsheet": ("talent_stock.xlsx", None, None, "无法作为 Excel 工作簿打开"),
    "old_excel_format": ("talent_stock.xls", None, None, "不支持的文件类型"),
    "parquet_negative": ("talent_stock.parquet", 2, "count", "不能为负数"),
    "subtotal_in_middle": ("talent_stock.csv", 3, None, "只能放在表格末尾"),
    "total_mismatch": ("talent_stock.csv", 4, "人数（人）", "合计为 160，上方各行合计为 150"),
    "truncated_row": ("talent_stock.csv", 3, "人才类别", "必填项为空"),
    "truncated_xlsx": ("talent_stock.xlsx", None, None, "无法作为 Excel 工作簿打开"),
    "two_columns_same_field": ("talent_stock.csv", 1, "区县", "表示同一项"),
    "unknown_category": ("talent_stock.csv", 3, "人才类别", "科研人才"),
    "unknown_field_value": ("exchanges.csv", 2, "领域", "农业"),
    "unknown_platform_level": ("platforms.csv", 3, "平台级别", "部级"),
    "unknown_scope_code": ("talent_stock.csv", 3, "地区", "520299"),
    "unknown_table_name": ("people.csv", None, None, "无法从文件名或表头识别表格"),
    "unknown_unit": ("talent_stock.csv", None, "人数（千人）", "千人"),
    "utf8_bom_negative": ("talent_stock.csv", 3, "人数（人）", "不能为负数"),
    "xlsx_fullwidth_negative": ("talent_stock.xlsx", 2, "人数（人）", "不能为负数"),
    "xlsx_title_merged_bad_value": ("talent_stock.xlsx", 6, "人数（人）", "一百"),
    "xlsx_wrong_sheet": ("talent_stock.xlsx", None, None, "找不到表头"),
    "year_in_words": ("talent_stock.csv", 3, "年份", "二〇一六"),
    "year_out_of_range": ("talent_stock.csv", 2, "年份", "超出范围"),
    # County files as staff really send them: nothing lost, nothing invented, the right place.
    "xlsx_sheet_per_county": ("talent_stock.xlsx", 3, "人数（人）", "工作表 盘州市"),
    "xlsx_hidden_stale_sheet": ("talent_stock.xlsx", 2, "人数（人）", "一百二"),
    "xlsx_only_hidden_sheet": ("talent_stock.xlsx", None, None, "只在隐藏的工作表「旧数据」"),
    "folder_staff_file_name": (None, 2, "人数（人）", "人才资源总量（最终版）.xlsx"),
    "folder_unrecognised_file": (None, None, None, "无法识别这是哪张表"),
    "infinite_number": ("platform_outputs.csv", 3, "立项经费（万元）", "1e999"),
    "xlsx_oversized_cell": ("platforms.xlsx", 2, "平台名称", "超过 Excel 单元格上限"),
    "csv_oversized_field": ("platforms.csv", 2, "平台名称", "超过 Excel 单元格上限"),
    "xlsx_stray_last_cell": ("talent_stock.xlsx", 3, "人数（人）", "不能为负数"),
    "utf16_unicode_text": ("talent_stock.csv", 3, "人数（人）", "不能为负数"),
    "folder_zero_width_ids": (None, 4, "单位编号", "S009"),
    "unit_words": ("platform_outputs.csv", 3, "获批项目数（个）", "约3个"),
    "csv_line_break_in_cell": ("platforms.csv", 4, "平台级别", "部级"),
    "csv_mixed_encoding": ("talent_stock.csv", 3, None, "混用了两种编码"),
    "xls_renamed_xlsx": ("talent_stock.xlsx", None, None, "旧版 Excel 97-2003"),
    "xlsx_uncached_formula": ("talent_stock.xlsx", 3, "人数（人）", "公式没有保存计算结果"),
    "folder_every_problem_at_once": (None, 2, "人数（人）", "一百"),
}


def test_corpus_has_at_least_30_cases_and_every_case_is_listed():
    assert len(CASES) >= 30
    assert sorted(p.name for p in BAD.iterdir() if p.is_dir()) == sorted(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_input_exits_1_naming_row_and_column(case):
    file, row, column, words = CASES[case]
    target = BAD / case / file if file else BAD / case
    result = CliRunner().invoke(main, ["validate", str(target)])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)  # handled: no traceback
    text = result.output
    assert words in text
    if row is not None:
        assert f"第 {row} 行" in text
    if column is not None:
        assert f"列「{column}」" in text
    # Chinese message first, the English line beneath it.
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if words in line)
    english = lines[at + 1]
    assert (
        english.startswith("    ") and english.strip()[0].isascii() and english.strip()[0].isalpha()
    )


def test_every_problem_of_a_file_is_reported_at_once(tmp_path):
    path = tmp_path / "talent_stock.csv"
    path.write_text(
        "地区,年份,人才类别,人数（人）\n钟山区,2015,专业技术人才,-1\n某县,2015,技能人才,5\n"
        "钟山区,1990,技能人才,7.5\n",
        encoding="utf-8",
    )
    with pytest.raises(DataValidationError) as err:
        load_table(path)
    located = {(p.row, p.column) for p in err.value.problems}
    assert {(2, "人数（人）"), (3, "地区"), (4, "年份"), (4, "人数（人）")} <= located
    for p in err.value.problems:
        assert p.message_en.isascii() and not p.message_zh.isascii()


def test_the_command_prints_no_traceback_and_a_traceback_with_debug():
    exe = Path(sys.executable).with_name("lps")
    bad = str(BAD / "negative_persons" / "talent_stock.csv")
    plain = subprocess.run([str(exe), "validate", bad], capture_output=True, text=True)
    assert plain.returncode == 1 and "Traceback" not in plain.stderr
    debug = subprocess.run([str(exe), "--debug", "validate", bad], capture_output=True, text=True)
    assert debug.returncode == 1 and "Traceback" in debug.stderr


def test_usage_error_exits_2():
    result = CliRunner().invoke(main, ["validate", "/no/such/folder"])
    assert result.exit_code == 2


def test_validation_writes_nothing(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(BAD / "folder_reconcile", folder)
    before = sorted(p.name for p in folder.rglob("*"))
    CliRunner().invoke(main, ["validate", str(folder)])
    assert sorted(p.name for p in folder.rglob("*")) == before


# --- normalisation of what county files really contain ------------------------------------------

MESSY = (
    "六盘水市人才统计表（单位：万人）,,,,\n"
    ",,,,\n"
    "地区,年份,人才类别,人数（万人）,\n"
    '钟山区,２０１５,专业技术人才,"1,2",\n'
    ",,,,\n"
    "水城县,2015,技能人才,３．５,\n"
    "盘州市,2015年,企业经营管理人才,0.0001,\n"
    "合计,,,15.5001,\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_a_messy_county_csv_in_any_encoding_normalises_to_canonical_rows(tmp_path, encoding):
    path = tmp_path / "talent_stock.csv"
    path.write_bytes(MESSY.encode(encoding))
    loaded = load_table(path)
    data = loaded.data
    assert list(data.scope_code) == ["520201", "520204", "520281"]
    assert list(data.year) == [2015, 2015, 2015]
    assert list(data.category) == ["professional", "skilled", "management"]
    assert list(data["count"]) == [
        120_000,
        35_000,
        1,
    ]  # 万人 × 10,000; "1,2" is 12 (thousands mark)
    assert list(loaded.frame.row_in_file) == [4, 6, 7]
    notes = " ".join(loaded.notes)
    assert "水城县" in notes and "520204" in notes and "合计行" in notes


def test_xlsx_with_title_row_and_merged_county_cells(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "说明"
    ws.append(["填写说明：见下一张表"])
    data = wb.create_sheet("人才资源总量")
    data.append(["钟山区人才统计"])
    data.append(["地区", "年份", "人才类别", "人数（人）"])
    data.append(["钟山区", 2015, "专业技术人才", 100])
    data.append([None, 2015, "技能人才", 50])
    data.merge_cells("A3:A4")
    path = tmp_path / "talent_stock.xlsx"
    wb.save(path)
    loaded = load_table(path)
    assert list(loaded.data.scope_code) == ["520201", "520201"]
    assert list(loaded.frame.row_in_file) == [3, 4]


def test_folder_reports_found_and_absent_tables(tmp_path):
    (tmp_path / "talent_stock.csv").write_text(
        "地区,年份,人才类别,人数（人）\n钟山区,2015,专业技术人才,100\n", encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (
        "talent_stock" in result.output and "platforms（03_platform_outputs 需要）" in result.output
    )
    dataset = load_dataset(tmp_path)
    assert "talent_stock" in dataset and "platforms" in dataset.absent
    assert isinstance(dataset["talent_stock"], pd.DataFrame)

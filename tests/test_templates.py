"""The Excel templates in data/templates/: generated from tables.py, committed, never drifting."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from lps_analysis import paths
from lps_analysis.data import registry
from lps_analysis.data.cells import _Bad, _parse_value
from lps_analysis.data.tables import TABLES, YEAR_MAX, YEAR_MIN
from lps_analysis.data.templates import (
    DATA_SHEET,
    FIRST_DATA_ROW,
    HEADER_ROW,
    INSTRUCTIONS_SHEET,
    LAST_ROW,
    OPTIONS_SHEET,
    input_tables,
    options_for,
    readme_text,
    write_all_templates,
    write_template,
)
from lps_analysis.data.vocab import TALENT_CATEGORIES, TOTAL_CATEGORY_ZH

COMMITTED = paths.TEMPLATES_DIR
INPUT_TABLES = [t for t in TABLES if t != "scopes"]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("templates")
    write_all_templates(out)
    return out


def _cells(ws) -> list[tuple]:
    return [tuple(row) for row in ws.iter_rows(values_only=True)]


def _validations(ws) -> list[tuple]:
    return [
        (
            dv.type,
            dv.operator,
            dv.formula1,
            dv.formula2,
            str(dv.sqref),
            dv.allow_blank,
            dv.showErrorMessage,
            dv.error,
            dv.prompt,
        )
        for dv in ws.data_validations.dataValidation
    ]


def _validation_of(ws, column_letter: str):
    wanted = f"{column_letter}{FIRST_DATA_ROW}:{column_letter}{LAST_ROW}"
    found = [dv for dv in ws.data_validations.dataValidation if str(dv.sqref) == wanted]
    assert len(found) == 1, f"{ws.title}: expected one validation on {wanted}, found {len(found)}"
    return found[0]


def _list_values(wb, formula: str) -> list[str]:
    """The values a list validation offers: `'选项'!$B$2:$B$9` → cells of that range."""
    m = re.fullmatch(r"'?([^'!]+)'?!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", formula)
    assert m, formula
    sheet, c1, r1, c2, r2 = m.groups()
    assert c1 == c2
    ws = wb[sheet]
    return [ws[f"{c1}{r}"].value for r in range(int(r1), int(r2) + 1)]


def _letter(table: str, column: str) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[TABLES[table].column_names.index(column)]


# --- committed templates equal what the code generates ------------------------------------------


def test_input_tables_are_every_table_but_scopes():
    assert input_tables() == INPUT_TABLES


@pytest.mark.parametrize("table", INPUT_TABLES)
def test_committed_template_equals_generated(table, fresh):
    committed, generated = COMMITTED / f"{table}.xlsx", fresh / f"{table}.xlsx"
    assert committed.exists(), f"missing {committed}: run write_all_templates()"
    old, new = load_workbook(committed), load_workbook(generated)
    assert old.sheetnames == new.sheetnames == [DATA_SHEET, INSTRUCTIONS_SHEET, OPTIONS_SHEET]
    for name in new.sheetnames:
        assert _cells(old[name]) == _cells(new[name]), f"{table}.xlsx sheet {name} drifted"
    assert _validations(old[DATA_SHEET]) == _validations(new[DATA_SHEET])
    # Every part of the package (uncompressed) is identical: formats, widths, properties too.
    with zipfile.ZipFile(committed) as a, zipfile.ZipFile(generated) as b:
        assert a.namelist() == b.namelist()
        for part in a.namelist():
            assert a.read(part) == b.read(part), f"{table}.xlsx part {part} drifted"


def test_committed_readme_equals_generated(fresh):
    assert (COMMITTED / "README.md").read_text(encoding="utf-8") == readme_text()
    assert (fresh / "README.md").read_text(encoding="utf-8") == readme_text()


def test_no_stray_files_in_templates_folder():
    expected = {f"{t}.xlsx" for t in INPUT_TABLES} | {"README.md"}
    assert {p.name for p in COMMITTED.iterdir()} == expected


def test_writing_twice_gives_identical_bytes(tmp_path):
    a = write_template("exchanges", tmp_path / "a.xlsx")
    b = write_template("exchanges", tmp_path / "b.xlsx")
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as z:
        assert {i.date_time for i in z.infolist()} == {(2021, 1, 1, 0, 0, 0)}
    props = load_workbook(a).properties
    assert props.creator == "lps-talent"
    assert props.created == props.modified == dt.datetime(2021, 1, 1)


# --- layout --------------------------------------------------------------------------------------


@pytest.mark.parametrize("table", INPUT_TABLES)
def test_header_row_maps_back_to_the_table_spec(table):
    spec = TABLES[table]
    wb = load_workbook(COMMITTED / f"{table}.xlsx")
    ws = wb[DATA_SHEET]
    header = [c.value for c in ws[HEADER_ROW]]
    assert header == [c.template_header for c in spec.columns]
    assert spec.title_zh in ws["A1"].value
    assert ws.freeze_panes == f"A{FIRST_DATA_ROW}"
    assert ws.max_row == HEADER_ROW  # an empty template: no data rows, not even blank cells
    assert wb[OPTIONS_SHEET].sheet_state == "hidden"
    for cell, col in zip(ws[HEADER_ROW], spec.columns, strict=True):
        assert cell.font.bold == col.required, col.name
    # The instructions describe every column under its exact header, and say if it is required.
    instructions = {}
    for row in _cells(wb[INSTRUCTIONS_SHEET]):
        instructions.setdefault(row[0], row)
    for col in spec.columns:
        assert col.template_header in instructions, col.template_header
        assert instructions[col.template_header][2] == ("必填" if col.required else "选填")


@pytest.mark.parametrize("table", INPUT_TABLES)
def test_validations_of_every_column(table):
    spec = TABLES[table]
    wb = load_workbook(COMMITTED / f"{table}.xlsx")
    ws = wb[DATA_SHEET]
    for col in spec.columns:
        letter = _letter(table, col.name)
        options = options_for(spec, col)
        if options is not None:
            dv = _validation_of(ws, letter)
            assert dv.type == "list"
            assert _list_values(wb, dv.formula1) == options
            assert dv.errorStyle == "warning"  # a final 合计 row must stay possible
            if col.kind == "code":
                assert options == list(col.allowed.values())
        elif col.kind == "year":
            dv = _validation_of(ws, letter)
            assert (dv.type, dv.formula1, dv.formula2) == ("whole", str(YEAR_MIN), str(YEAR_MAX))
        elif col.whole:
            dv = _validation_of(ws, letter)
            assert (dv.type, dv.operator, dv.formula1) == ("whole", "greaterThanOrEqual", "0")
        if col.kind in ("year", "scope", "category", "code") or col.whole:
            dv = _validation_of(ws, letter)
            assert dv.showErrorMessage and re.search(r"[\u4e00-\u9fff]", dv.error)


def test_talent_stock_dropdowns_list_categories_and_current_scopes():
    wb = load_workbook(COMMITTED / "talent_stock.xlsx")
    ws = wb[DATA_SHEET]
    categories = _list_values(wb, _validation_of(ws, _letter("talent_stock", "category")).formula1)
    assert set(TALENT_CATEGORIES.values()) <= set(categories)
    assert categories == [*TALENT_CATEGORIES.values(), TOTAL_CATEGORY_ZH]
    scopes = _list_values(wb, _validation_of(ws, _letter("talent_stock", "scope_code")).formula1)
    current = [s.name_zh for s in registry.current_scopes()]
    assert len(scopes) == 5 and scopes == current
    assert scopes == ["六盘水市", "钟山区", "六枝特区", "水城区", "盘州市"]


def test_person_records_offer_no_total_category():
    wb = load_workbook(COMMITTED / "talent_records.xlsx")
    ws = wb[DATA_SHEET]
    formula = _validation_of(ws, _letter("talent_records", "category")).formula1
    assert _list_values(wb, formula) == list(TALENT_CATEGORIES.values())


# --- writing rows --------------------------------------------------------------------------------


def _stock_rows() -> pd.DataFrame:
    records = []
    for scope, base in (("520201", 1000), ("520203", 700)):
        for year in (2019, 2020):
            for category, share in (("professional", 0.6), ("skilled", 0.3)):
                count = round(base * share) + (year - 2019) * 10
                records.append((scope, year, category, float(count), "analyst", "县人社局"))
    return pd.DataFrame(
        records, columns=["scope_code", "year", "category", "count", "provenance", "source"]
    )


def test_rows_are_written_as_the_office_would_type_them(tmp_path):
    rows = _stock_rows()
    path = write_template("talent_stock", tmp_path / "talent_stock.xlsx", rows)
    back = pd.read_excel(path, sheet_name=DATA_SHEET, header=1)
    assert list(back.columns) == [c.template_header for c in TABLES["talent_stock"].columns]
    assert len(back) == 8
    assert back["地区"].tolist() == ["钟山区"] * 4 + ["六枝特区"] * 4
    assert back["年份"].tolist() == [2019, 2019, 2020, 2020] * 2
    assert back["人才类别"].tolist() == ["专业技术人才", "技能人才"] * 4
    assert back["人数（人）"].tolist() == [600, 300, 610, 310, 420, 210, 430, 220]
    assert back["数据性质"].unique().tolist() == ["分析人员提供"]
    assert back["数据来源"].unique().tolist() == ["县人社局"]
    # Numbers are numbers (not text), in the right cells.
    ws = load_workbook(path)[DATA_SHEET]
    assert ws["B3"].value == 2019 and isinstance(ws["B3"].value, int)
    assert ws["D10"].value == 220 and isinstance(ws["D10"].value, int)
    assert ws["A3"].value == "钟山区" and ws["C4"].value == "技能人才"


def test_dates_are_excel_dates_and_ids_stay_text(tmp_path):
    rows = pd.DataFrame(
        {
            "exchange_id": ["E001"],
            "scope_code": ["520204"],
            "institution_id": ["001"],
            "field": ["health"],
            "direction": ["inbound"],
            "partner_city": ["大连市"],
            "start_date": [pd.Timestamp("2019-03-01")],
            "end_date": [pd.Timestamp("2019-08-31")],
            "mode": ["team_aid"],
            "persons": [3],
            "provenance": [None],
        }
    )
    path = write_template("exchanges", tmp_path / "exchanges.xlsx", rows)
    ws = load_workbook(path)[DATA_SHEET]
    row = {c.value: ws.cell(FIRST_DATA_ROW, c.column) for c in ws[HEADER_ROW]}
    assert row["开始日期"].value == dt.datetime(2019, 3, 1)
    assert row["开始日期"].number_format == "yyyy-mm-dd"
    assert row["单位编号"].value == "001" and row["单位编号"].number_format == "@"
    assert row["地区"].value == "水城区"
    assert row["领域"].value == "医疗卫生"
    assert row["交流方向"].value == "东部派驻六盘水"
    assert row["帮扶方式"].value == "组团式援助"
    assert row["人数（人）"].value == 3
    assert row["数据性质"].value is None


@pytest.mark.parametrize(
    "name",
    ['=HYPERLINK("http://example.invalid","点击")', "+1+2", "-2+3", "@SUM(A1:A2)", "=1+1"],
)
def test_user_text_that_looks_like_a_formula_is_written_as_text(tmp_path, name):
    rows = pd.DataFrame(
        {
            "platform_id": ["P1"],
            "name_zh": [name],
            "level": ["provincial"],
            "type": [name],
            "scope_code": ["520201"],
            "established": [pd.Timestamp("2019-03-01")],
            "provenance": ["analyst"],
        }
    )
    path = write_template("platforms", tmp_path / "platforms.xlsx", rows)
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        xml = "".join(archive.read(n).decode("utf-8") for n in sheets)
    assert "<f>" not in xml and "<f " not in xml  # no formula element anywhere
    ws = load_workbook(path)[DATA_SHEET]
    row = {c.value: ws.cell(FIRST_DATA_ROW, c.column) for c in ws[HEADER_ROW]}
    cell = row["平台名称"]
    assert cell.value == name and cell.data_type == "s"
    assert cell.quotePrefix  # stays text when someone edits the cell in Excel
    assert load_workbook(path, data_only=True)[DATA_SHEET][cell.coordinate].value == name


def test_rows_with_unknown_codes_or_columns_are_refused(tmp_path):
    rows = _stock_rows()
    with pytest.raises(ValueError):
        write_template("exchanges", tmp_path / "x.xlsx", rows.assign(field="agriculture"))
    with pytest.raises(ValueError):
        write_template("talent_stock", tmp_path / "x.xlsx", rows.assign(extra=1))
    with pytest.raises(KeyError):
        write_template("scopes", tmp_path / "x.xlsx")


# --- what the loader makes of the dropdown values ------------------------------------------------


def _dropdown_cases():
    for table in INPUT_TABLES:
        spec = TABLES[table]
        for col in spec.columns:
            for label in options_for(spec, col) or []:
                yield pytest.param(table, col.name, label, id=f"{table}-{col.name}-{label}")


@pytest.mark.parametrize(("table", "column", "label"), list(_dropdown_cases()))
def test_every_dropdown_value_is_accepted_by_the_loader(table, column, label):
    col = TABLES[table].column(column)
    parsed = _parse_value(label, col, 1.0)
    assert parsed is not None and not isinstance(parsed, _Bad), parsed

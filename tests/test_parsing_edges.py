"""Edges of reading county files that a careless change would pass: a header unit written as
（万）, a 合计 row spelled with an ideographic space, counties summing to less than the city."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from lps_analysis.cli import main
from lps_analysis.data.validate import load_table
from lps_analysis.errors import DataValidationError

HEADER = "地区,年份,人才类别,{}\n"
ROWS = "钟山区,2015,专业技术人才,{}\n钟山区,2015,技能人才,{}\n"


def _stock(tmp_path, header: str, a, b, total_row: str = "") -> object:
    path = tmp_path / "talent_stock.csv"
    path.write_text(HEADER.format(header) + ROWS.format(a, b) + total_row, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "header, a, b, expected",
    [
        ("人数（万）", "1.2", "0.05", [12_000, 500]),
        ("人数(万)", "1.2", "0.05", [12_000, 500]),
        ("人数（万人）", "1.2", "0.05", [12_000, 500]),
        ("人数（人）", "12", "5", [12, 5]),
        ("人数", "12", "5", [12, 5]),
    ],
)
def test_a_header_unit_of_wan_multiplies_every_cell_by_ten_thousand(
    tmp_path, header, a, b, expected
):
    loaded = load_table(_stock(tmp_path, header, a, b))
    assert list(loaded.data["count"]) == expected


@pytest.mark.parametrize("label", ["合计", "合\u3000计", "合 计", "总\u3000计"])
def test_a_total_row_however_spaced_is_checked_then_dropped(tmp_path, label):
    loaded = load_table(_stock(tmp_path, "人数（人）", 100, 50, f"{label},,,150\n"))
    assert list(loaded.data["count"]) == [100, 50]
    assert "合计行" in " ".join(loaded.notes)
    with pytest.raises(DataValidationError) as caught:
        load_table(_stock(tmp_path, "人数（人）", 100, 50, f"{label},,,160\n"))
    problem = next(p for p in caught.value.problems if "合计为 160" in p.message_zh)
    assert problem.row == 4 and "150" in problem.message_zh


def _folder(tmp_path, city: int, counties: tuple[int, int, int, int]):
    folder = tmp_path / "in"
    folder.mkdir()
    names = ("钟山区", "六枝特区", "水城区", "盘州市")
    lines = ["地区,年份,人才类别,人数（人）", f"六盘水市,2015,专业技术人才,{city}"]
    lines += [f"{n},2015,专业技术人才,{c}" for n, c in zip(names, counties, strict=True)]
    (folder / "talent_stock.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    "counties, total",
    [((300, 200, 250, 200), 950), ((300, 200, 250, 300), 1050), ((0, 0, 0, 0), 0)],
)
def test_counties_that_sum_to_more_or_less_than_the_city_are_refused(tmp_path, counties, total):
    result = CliRunner().invoke(main, ["validate", str(_folder(tmp_path, 1000, counties))])
    assert result.exit_code == 1, result.output
    assert f"合计 {total}，与市级数据 1000 不符" in result.output
    assert "第 2 行" in result.output and "Counties sum to" in result.output


@pytest.mark.parametrize("counties", [(300, 200, 250, 250), (300, 200, 250, 251)])
def test_counties_within_a_tenth_of_a_percent_of_the_city_pass(tmp_path, counties):
    result = CliRunner().invoke(main, ["validate", str(_folder(tmp_path, 1000, counties))])
    assert result.exit_code == 0, result.output

"""Hostile names in the input data pass through a whole run as inert text.

Markup-looking names are valid data (a platform may be called anything); they must print as the
characters they are in the HTML and the PDFs, run nothing, link nowhere and embed no file.
Control characters are refused by validation with the file, row, column and value; direction
overrides are removed with the other invisible characters.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from lps_analysis import paths
from lps_analysis.data.validate import load_dataset, load_table
from lps_analysis.errors import DataValidationError

LPS = str(Path(sys.executable).with_name("lps"))
PLATFORM_COLUMNS = [
    "platform_id",
    "name_zh",
    "level",
    "type",
    "scope_code",
    "established",
    "provenance",
    "source",
]


def _hostile_names(secret: Path) -> list[str]:
    return [
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(3))",
        "<svg onload=alert(2)>",
        f'<a rel="attachment" href="{secret.as_uri()}">附件</a>',
        "$x$ **粗** `c` =1+1",
    ]


def _data_with_platform_names(folder: Path, names: list[str]) -> Path:
    """The bundled data plus one platform per name, established after the analysis period (the
    report lists those by name) and one without outputs in its active years (a 数据缺口 note)."""
    shutil.copytree(paths.DATA_DIR, folder)
    with open(folder / "platforms.csv", "a", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        for i, name in enumerate(names):
            established = "2021-06-01" if i % 2 == 0 else "2019-03-01"
            writer.writerow(
                [f"PX{i}", name, "provincial", name, "520201", established, "illustrative", name]
            )
    return folder


def _platforms_file(tmp_path, name: str) -> Path:
    rows = [
        PLATFORM_COLUMNS,
        ["P1", "甲平台", "provincial", "研发中心", "520201", "2019-01-01", "analyst", "县科技局"],
        ["P2", name, "provincial", "研发中心", "520201", "2019-01-01", "analyst", "县科技局"],
    ]
    path = tmp_path / "platforms.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_a_name_with_a_line_break_is_refused_naming_row_column_and_value(tmp_path):
    path = _platforms_file(tmp_path, "乙平台\n# 标题")
    with pytest.raises(DataValidationError) as caught:
        load_table(path)
    (problem,) = caught.value.problems
    assert problem.row == 3 and problem.column == "平台名称"  # one CSV record is one row
    assert "控制字符" in problem.message_zh and "U+000A" in problem.message_zh
    assert problem.value == "乙平台[U+000A]# 标题"
    assert "control characters" in problem.message_en


def test_a_bidi_override_is_removed_like_every_invisible_character(tmp_path):
    """Direction overrides are invisible characters: removed from every cell before it is
    stored (docs/assumptions_caveats.md #28), so no name can display in another order."""
    loaded = load_table(_platforms_file(tmp_path, "乙平台\u202e# 标题"))
    assert list(loaded.data["name_zh"]) == ["甲平台", "乙平台# 标题"]


def test_markup_looking_names_are_valid_data(tmp_path):
    folder = _data_with_platform_names(tmp_path / "data", _hostile_names(tmp_path / "s.txt"))
    names = set(load_dataset(folder)["platforms"]["name_zh"])
    assert "<img src=x onerror=alert(1)>" in names


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    secret = base / "secret.txt"
    secret.write_text("不应出现在报告里的本地文件", encoding="utf-8")
    names = _hostile_names(secret)
    data = _data_with_platform_names(base / "data", names)
    out = base / "reports"
    result = subprocess.run(
        [
            LPS,
            "run",
            "--data",
            str(data),
            "--scope",
            "520200",
            "--notebook",
            "03",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=900,
        env=dict(os.environ),
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    scope_out = out / "520200-liupanshui"
    # A partial run leaves report.pdf to a run of the whole scope: the combined report is built
    # here from the notebooks this run executed, as the runner builds it.
    from lps_analysis.report.combined import build_scope_report

    executed = sorted(scope_out.glob("*.ipynb"))
    (scope_out / "report.pdf").write_bytes(build_scope_report("520200", executed, data_dir=data))
    return {"out": scope_out, "names": names, "secret": secret}


def test_the_html_report_holds_the_names_as_text_and_no_active_content(hostile_run):
    html = (hostile_run["out"] / "03_platform_outputs.html").read_text(encoding="utf-8")
    body = html[html.index("<main") :]
    assert not re.search(
        r"<(img|svg|script|iframe|object|embed|form)\b(?![^>]*src=\"data:image/png)",
        body,
        re.IGNORECASE,
    )
    for tag in re.findall(r"<[a-z][^>]*>", body, re.IGNORECASE):
        assert not re.search(r"\son[a-z]+\s*=|javascript:|file:|data:text", tag, re.IGNORECASE), tag
    assert "&lt;img src=x onerror=alert(1)&gt;" in body  # shown, as text, in a sentence
    assert "[x](javascript:alert(3))" in body
    assert "&lt;svg onload=alert(2)&gt;" in body


def _pdftext(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize("name", ["03_platform_outputs.pdf", "report.pdf"])
def test_the_pdfs_print_the_names_and_embed_or_fetch_nothing(hostile_run, name):
    pdf = hostile_run["out"] / name
    listing = subprocess.run(
        ["pdfdetach", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert listing.strip() == "0 embedded files"
    data = pdf.read_bytes()
    assert b"secret.txt" not in data and b"/Launch" not in data and b"/JavaScript" not in data
    text = re.sub(r"\s+", "", _pdftext(pdf))
    assert "<imgsrc=xonerror=alert(1)>" in text
    assert "不应出现在报告里的本地文件" not in text


@pytest.mark.parametrize("dtype", ["object", "str", "category"])
def test_a_control_character_is_found_in_text_and_categorical_columns(dtype):
    """The check runs over a column's distinct texts at once; a hit is then named cell by cell,
    whether the column is plain text or categorical (as the loaders make repeated labels)."""
    from lps_analysis.data.schema import ROW_COLUMN
    from lps_analysis.data.table_checks import _control_character_problems
    from lps_analysis.data.tables import TABLES

    names = pd.Series(["甲平台", "乙\x07平台", None], dtype=dtype)
    frame = pd.DataFrame({"name_zh": names})
    frame[ROW_COLUMN] = [2, 3, 4]
    (problem,) = _control_character_problems(frame, TABLES["platforms"], "platforms.csv", None)
    assert problem.row == 3 and problem.value == "乙[U+0007]平台" and "U+0007" in problem.message_zh
    clean = frame.assign(name_zh=pd.Series(["甲平台", "乙平台", None], dtype=dtype))
    assert _control_character_problems(clean, TABLES["platforms"], "platforms.csv", None) == []

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from lps_analysis import paths
from lps_analysis.cli import main, run
from lps_analysis.data.reference import load_facts
from lps_analysis.data.registry import current_scopes
from lps_analysis.pipeline.jobs import JobPlanError, plan_jobs


def _lps(*args):
    """The real command, as an analyst types it (the console script of the venv)."""
    exe = Path(sys.executable).with_name("lps")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "lps_analysis.cli"]
    return subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=120)


def test_doctor_passes_and_names_the_sc_font_it_uses():
    result = _lps("doctor")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Noto Sans CJK SC" in result.stdout
    assert "Noto Sans CJK JP" not in result.stdout


def test_doctor_exits_1_naming_the_missing_font_when_fontconfig_finds_none(monkeypatch):
    # Hide fc-match: fontconfig's answer is unknown, so the PDF font check must fail loudly.
    real_which = shutil.which
    monkeypatch.setattr(
        "lps_analysis.viz.fonts.shutil.which", lambda n: None if n == "fc-match" else real_which(n)
    )
    result = CliRunner().invoke(main, ["doctor"])
    assert result.exit_code == 1
    assert "fontconfig" in result.output and "fonts-noto-cjk" in result.output


def test_facts_prints_a_table_with_lower_bounds_marked():
    result = _lps("facts")
    assert result.returncode == 0
    assert "F001" in result.stdout and "≥ 1827" not in result.stdout
    assert "≥ 500" in result.stdout  # 授权专利500余项 stays a lower bound
    assert "Traceback" not in result.stderr


def test_facts_json_is_a_list_of_fact_records():
    result = CliRunner().invoke(main, ["facts", "--json"])
    records = json.loads(result.output)
    assert len(records) >= 40
    assert {"fact_id", "indicator", "value", "unit", "bound", "quote"} <= set(records[0])


def test_scopes_json_lists_the_registry_with_nulls_not_nan():
    result = CliRunner().invoke(main, ["scopes", "--json"])
    records = json.loads(result.output)
    assert [r["code"] for r in records][:5] == ["520200", "520201", "520203", "520204", "520281"]
    assert records[0]["parent_code"] is None


# --- usage errors: exit 2, Chinese then English, before anything starts ----------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--scope", "999999"], "未知的分析范围「999999」"),
        (["--notebook", "9"], "找不到笔记本「9」"),
        (["--to", "docx"], "不支持的导出格式「docx」"),
        (["--to", ","], "不支持的导出格式"),
        (["--data", "没有这个文件夹"], "数据文件夹不存在"),
        (["--jobs", "0"], "--jobs"),
    ],
)
def test_run_usage_errors_exit_2_and_write_nothing(tmp_path, args, words):
    out = tmp_path / "out"
    result = _lps("run", *args, "--out", str(out))
    assert result.returncode == 2, result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_an_unknown_scope_lists_the_codes_that_exist():
    result = _lps("run", "--scope", "贵阳市")
    assert result.returncode == 2
    assert "Unknown scope" in result.stderr
    for scope in current_scopes():
        assert f"{scope.code} {scope.name_zh}" in result.stderr


def test_a_retired_code_runs_its_successor_with_a_note_outside_the_name(tmp_path):
    """`--scope 520221 --notebook 3`: 水城县 runs as 水城区; 3 is 03; the log is plain text."""
    out = tmp_path / "out"
    result = _lps("run", "--scope", "520221", "--notebook", "3", "--to", "html", "--out", str(out))
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    note = result.stderr.splitlines()
    assert note[0].startswith("提示：「520221」") and "520204 水城区" in note[0]
    assert note[1].startswith("    ") and "successor 520204" in note[1]
    assert (out / "520204-shuicheng" / "03_platform_outputs.html").exists()
    assert not (out / "520221-shuichengxian").exists()
    # Piped output: no box drawing, one line per finished job, the summary on a line of its own.
    lines = result.stdout.splitlines()
    assert not any(ch in result.stdout for ch in "┏┃━│└")
    assert lines[0].split("\t")[:3] == ["完成 ok", "03_platform_outputs", "水城区"]
    assert lines[-1].startswith("共 ") and "失败 0" in lines[-1]


def test_notebook_numbers_with_and_without_the_leading_zero_name_the_same_notebook():
    def stems(*selectors):
        jobs = plan_jobs(("520201",), selectors, data_dir=paths.ILLUSTRATIVE_DIR)
        return [j.stem for j in jobs]

    assert stems("1") == stems("01") == stems("01_talent_structure") == ["01_talent_structure"]
    assert stems("3", "03", "1") == ["03_platform_outputs", "01_talent_structure"]
    assert stems("0") == ["00_brief"]
    with pytest.raises(JobPlanError, match="「10」"):
        stems("10")


# --- help that teaches -----------------------------------------------------------------------


def _epilog_examples(command):
    """Each `lps ...` command of a help epilog as argument lists (`a && b` gives two)."""
    commands = []
    for line in command.epilog.splitlines():
        if line.strip().startswith("lps "):
            for part in line.strip().split("   ")[0].split(" && "):
                commands.append(part.split()[1:])
    return commands


def test_help_gives_real_examples_that_parse(tmp_path, monkeypatch):
    # The examples name a county data folder: in a folder where it exists, each must parse with
    # every option checked (scopes, notebooks, formats, folders), without running anything.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "县级数据").mkdir()
    examples = _epilog_examples(main) + _epilog_examples(run)
    assert len(_epilog_examples(run)) >= 2
    for name, *args in examples:
        main.commands[name].make_context(name, args)  # raises click.UsageError if it is wrong
    help_text = CliRunner().invoke(main, ["run", "--help"], terminal_width=100).output
    assert "例 / examples" in help_text and "lps run --scope 520201 --notebook 1" in help_text


def test_run_help_lists_the_scope_codes():
    help_text = CliRunner().invoke(main, ["run", "--help"], terminal_width=100).output
    for scope in current_scopes():
        assert scope.code in help_text and scope.name_zh in help_text


@pytest.mark.parametrize("name", sorted(["run", "validate", "sample-data", "scopes", "facts"]))
def test_every_option_line_is_chinese_then_english(name):
    command = main.commands[name]
    ctx = click.Context(command, info_name=name)
    for param in command.get_params(ctx):
        if isinstance(param, click.Option):
            zh, sep, en = param.help.partition(" / ")
            assert sep, f"{name} {param.opts}: {param.help!r}"
            assert not zh.isascii() and en[0].isascii(), f"{name} {param.opts}: {param.help!r}"


# --- tables that fit the terminal ------------------------------------------------------------


def _on_terminal(*args, columns=80):
    """The command as on a terminal `columns` wide (rich honours TTY_COMPATIBLE and COLUMNS)."""
    exe = Path(sys.executable).with_name("lps")
    env = {**os.environ, "TTY_COMPATIBLE": "1", "COLUMNS": str(columns), "NO_COLOR": "1"}
    done = subprocess.run(
        [str(exe), *args], capture_output=True, text=True, timeout=120, env=env, check=True
    )
    return [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in done.stdout.splitlines()]


@pytest.mark.parametrize("command", ["facts", "scopes", "doctor"])
def test_tables_fit_an_80_column_terminal(command):
    lines = _on_terminal(command)
    assert max(cell_len(line) for line in lines) <= 80
    assert sum(line.startswith("└") for line in lines) == 1  # the table closes: nothing cropped


def test_facts_at_80_columns_keeps_every_fact_and_figure_and_says_what_it_left_out():
    text = "\n".join(_on_terminal("facts"))
    for rec in load_facts().itertuples():
        assert rec.fact_id in text
    assert "≥ 500 项" in text and "≈ 400 平方米" in text
    assert "--wide" in text and "类别 category" in text  # named as left out


def test_facts_wide_shows_every_column_beyond_the_terminal():
    lines = _on_terminal("facts", "--wide")
    header = next(line for line in lines if "编号 id" in line)
    for column in ("类别 category", "时期 period", "原文 quote"):
        assert column in header
    assert max(cell_len(line) for line in lines) > 80
    assert not any("--wide" in line for line in lines)


def test_facts_piped_is_one_tab_separated_line_per_fact():
    result = _lps("facts")
    lines = result.stdout.splitlines()
    header = lines[1].split("\t")
    rows = [line.split("\t") for line in lines[2:]]
    assert header[0] == "编号 id" and len(rows) == len(load_facts())
    assert all(len(row) == len(header) for row in rows)


def test_every_command_and_option_in_the_readme_exists():
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `lps ([a-z-]+)([^`]*)`", readme, flags=re.M)
    assert {name for name, _ in rows} == set(main.commands)
    for name, synopsis in rows:
        command = main.commands[name]
        known = {opt for p in command.params for opt in p.opts}
        assert set(re.findall(r"--[a-z][a-z-]*", synopsis)) <= known, name

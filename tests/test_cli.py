import json
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from lps_analysis.cli import main


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


def test_run_refuses_an_unknown_scope_before_anything_starts():
    result = _lps("run", "--scope", "999999")
    assert result.returncode == 1
    assert "未知的分析范围" in result.stderr and "Traceback" not in result.stderr

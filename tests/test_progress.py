"""Batch progress (lps_analysis.pipeline.progress): a live table on a terminal, plain lines in logs."""

import io

from rich.console import Console
from rich.live import Live
from rich.table import Table

from lps_analysis import paths
from lps_analysis.pipeline.jobs import plan_jobs
from lps_analysis.pipeline.progress import PlainProgress, progress_display
from lps_analysis.pipeline.runner import STATUS_ZH


def _states():
    jobs = plan_jobs(("520201", "520203"), ("01",), data_dir=paths.ILLUSTRATIVE_DIR)
    return {j.name: [j, "queued", None] for j in jobs}


def test_piped_progress_prints_each_job_once_when_it_finishes():
    out = io.StringIO()
    states = _states()
    first, second = states
    states[second][1:] = ["skipped", 3.0]
    with progress_display(Console(file=out), Table, states, STATUS_ZH) as progress:
        assert isinstance(progress, PlainProgress)
        assert out.getvalue().splitlines() == [
            "未变化，沿用 skipped\t01_talent_structure\t520203 六枝特区\t3.0s"
        ]
        states[first][1] = "running"
        progress.update(None)
        assert len(out.getvalue().splitlines()) == 1
        states[first][1:] = ["failed", 12.25]
        progress.update(None)
        progress.update(None)
    lines = out.getvalue().splitlines()
    assert lines[1] == "失败 failed\t01_talent_structure\t520201 钟山区\t12.2s"
    assert len(lines) == 2 and out.getvalue().endswith("\n")  # the next print starts a new line


def test_a_terminal_gets_the_live_table():
    console = Console(file=io.StringIO(), force_terminal=True)
    assert isinstance(progress_display(console, Table, _states(), STATUS_ZH), Live)

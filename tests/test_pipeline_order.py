"""The order the runner hands out tasks: a scope's brief as soon as its analyses are done, the
combined reports after the analyses, in the order their scopes finished; workers let go as soon
as no task is left for them."""

from __future__ import annotations

import os
import re
import subprocess

from test_pipeline_integrity import LPS, bare

SCOPES = ("520201", "520203")


def _run_order(tmp_path) -> list[str]:
    nbdir = tmp_path / "nb"
    for stem in ("00_brief", "01_first", "02_second"):
        bare(nbdir, stem, f'print("{stem}")')
    out = tmp_path / "out"
    scopes = [arg for code in SCOPES for arg in ("--scope", code)]
    done = subprocess.run(
        [LPS, "run", *scopes, "--out", str(out), "--jobs", "1", "--to", "html,pdf"],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "LPS_NOTEBOOKS_DIR": str(nbdir)},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    log = (out / "run.log").read_text(encoding="utf-8")
    return re.findall(r"\] ok (\d{6}/\S+)", log)


def test_one_worker_runs_a_scope_s_brief_before_the_next_scope_and_reports_last(tmp_path):
    a, b = SCOPES
    assert _run_order(tmp_path) == [
        f"{a}/01_first",
        f"{a}/02_second",
        f"{a}/00_brief",  # first in the queue once a's analyses are done, before b's
        f"{b}/01_first",
        f"{b}/02_second",
        f"{b}/00_brief",
        f"{a}/report.pdf",  # at the back of the queue once a's brief is done
        f"{b}/report.pdf",
    ]


def _templates_of(pids: set[int]) -> list:
    import psutil

    found = []
    for proc in psutil.process_iter(["cmdline"]):
        cmd = proc.info["cmdline"] or []
        if "lps_analysis.kernels.template" in cmd and cmd[-1:] and cmd[-1].isdigit():
            if int(cmd[-1]) in pids:
                found.append(proc)
    return found


def test_released_workers_exit_and_the_runs_template_goes_when_the_pool_closes():
    from lps_analysis.kernels.provisioner import TEMPLATE_READY_S
    from lps_analysis.pipeline.pool import WorkerPool

    pool = WorkerPool(2)
    pool.prestart(2)
    pids = {w.process.pid for w in pool.workers}
    template = pool.template
    template.wait_ready(TEMPLATE_READY_S)
    pool.release_idle()
    assert [w.process.wait(timeout=60) for w in pool.workers] == [0, 0]
    assert _templates_of(pids) == []  # the workers borrowed the run's template
    assert template.process.poll() is None  # which serves until the run ends
    pool.close()
    assert template.process.poll() is not None

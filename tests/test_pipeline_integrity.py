"""Interrupted, concurrent, partial, damaged and failing runs, driven through the real `lps run`.

Each scenario runs small fixture notebooks (tests/fixtures/pipeline_notebooks, or variants of them
written here) in subprocesses, sends real signals, starts a second process, and uses a real
read-only or full folder where the machine allows (root can mount a small tmpfs).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from lps_analysis import paths

LPS = str(Path(sys.executable).with_name("lps"))
FIXTURES = Path(__file__).parent / "fixtures" / "pipeline_notebooks"
SCOPE = "520201"
SLUG = "520201-zhongshan"


def notebooks(folder: Path, **cells: str) -> Path:
    """A notebooks folder: `01_ok` and, per keyword, a copy of it with one extra last cell."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / "01_ok.ipynb", folder / "01_ok.ipynb")
    for stem, source in cells.items():
        nb = nbformat.read(FIXTURES / "01_ok.ipynb", as_version=4)
        nb.cells[-1] = nbformat.v4.new_code_cell(source)
        nbformat.write(nb, folder / f"{stem}.ipynb")
    return folder


def lps_run(out: Path, nbdir: Path, *args, env=None, timeout=300):
    return subprocess.run(
        [LPS, "run", "--scope", SCOPE, "--out", str(out), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "LPS_NOTEBOOKS_DIR": str(nbdir), **(env or {})},
    )


def start_run(out: Path, nbdir: Path, *args) -> subprocess.Popen:
    return subprocess.Popen(
        [LPS, "run", "--scope", SCOPE, "--out", str(out), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "LPS_NOTEBOOKS_DIR": str(nbdir)},
    )


def flat(text: str) -> str:
    """Console text without the line breaks and padding rich adds."""
    return "".join(text.split())


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def statuses(out: Path) -> dict:
    return {j["notebook"]: j["status"] for j in manifest(out)["jobs"]}


def wait_for(condition, timeout=120, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def kernels_of(process: psutil.Process) -> list[psutil.Process]:
    return [p for p in process.children(recursive=True) if "ipykernel" in " ".join(p.cmdline())]


def all_gone(pids: list[psutil.Process], timeout=10) -> bool:
    _, alive = psutil.wait_procs(pids, timeout=timeout)
    return not alive


SLOW = "import time\ntime.sleep(120)"


# --- interruption -----------------------------------------------------------------------------


@pytest.fixture
def slow_run(tmp_path):
    """A run of 01_ok (fast) and 02_slow, stopped once 01_ok has landed and 02's kernel runs."""
    nbdir = notebooks(tmp_path / "nb", **{"02_slow": SLOW})
    out = tmp_path / "out"
    proc = start_run(out, nbdir, "--jobs", "2", "--to", "html")
    parent = psutil.Process(proc.pid)
    wait_for(
        lambda: (out / "manifest.json").exists() and statuses(out).get("01_ok") == "ok",
        what="01_ok to land",
    )
    wait_for(lambda: kernels_of(parent), what="the slow kernel")
    descendants = parent.children(recursive=True)
    yield proc, out, nbdir, descendants
    if proc.poll() is None:
        proc.kill()
    proc.communicate()
    psutil.wait_procs(descendants, timeout=1)
    for p in descendants:
        if p.is_running():
            p.kill()


def test_kill_9_of_the_run_takes_its_workers_and_kernels_with_it(slow_run):
    proc, out, nbdir, descendants = slow_run
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert all_gone(descendants, timeout=5), [p.cmdline() for p in descendants if p.is_running()]
    # The manifest kept what had landed: the next run redoes only the unfinished job.
    assert statuses(out) == {"01_ok": "ok"}
    (nbdir / "02_slow.ipynb").unlink()
    shutil.copy(FIXTURES / "01_ok.ipynb", nbdir / "02_now_fast.ipynb")
    again = lps_run(out, nbdir, "--to", "html")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "运行1，沿用1" in flat(again.stdout)
    assert not (out / SLUG / ".work").exists()


def test_one_ctrl_c_cancels_writes_manifest_and_summary_and_exits_130(slow_run):
    proc, out, _, descendants = slow_run
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert time.monotonic() - started < 15
    assert all_gone(descendants, timeout=5)
    assert "取消1" in flat(stdout) and "已中断" in stderr and "Traceback" not in stderr
    assert statuses(out) == {"01_ok": "ok"}
    assert "cancelled" in (out / "run.log").read_text(encoding="utf-8")
    assert (out / "index.html").exists()


def test_a_second_ctrl_c_exits_at_once(slow_run):
    proc, _, _, descendants = slow_run
    proc.send_signal(signal.SIGINT)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=10)
    assert proc.returncode == 130
    assert all_gone(descendants, timeout=5)


# --- a second run on the same folder -------------------------------------------------------------


def test_a_second_run_on_a_busy_folder_names_the_holder_or_waits(tmp_path):
    nbdir = notebooks(tmp_path / "nb", **{"02_wait": "import time\ntime.sleep(4)"})
    out = tmp_path / "out"
    first = start_run(out, nbdir, "--to", "html")
    wait_for(lambda: (out / ".lps-run.lock").exists() and (out / ".lps-run.lock").stat().st_size)
    refused = lps_run(out, nbdir, "--to", "html")
    assert refused.returncode == 1
    assert f"进程{first.pid}" in flat(refused.stderr) and "--wait" in refused.stderr
    waited = lps_run(out, nbdir, "--to", "html", "--wait")
    assert first.wait(timeout=120) == 0
    assert waited.returncode == 0, waited.stderr
    assert "等待" in waited.stderr and "沿用2" in flat(waited.stdout)
    assert statuses(out) == {"01_ok": "ok", "02_wait": "ok"}

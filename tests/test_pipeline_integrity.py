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


def bare(folder: Path, stem: str, source: str) -> None:
    """A notebook of a parameters cell and one code cell (no imports: quick to run)."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('scope = "520200"\ndata_dir = None\nmetrics_path = None')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# 测试"), params, nbformat.v4.new_code_cell(source)]
    nb.metadata["kernelspec"] = {
        "name": paths.KERNEL_NAME,
        "language": "python",
        "display_name": "Python (lps-talent)",
    }
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{stem}.ipynb")


def quick(folder: Path, **cells: str) -> Path:
    """A notebooks folder of `01_quick` and, per keyword, a bare notebook with that cell."""
    bare(folder, "01_quick", 'print("快")')
    for stem, source in cells.items():
        bare(folder, stem, source)
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
    """The run's kernels: spawned (ipykernel on their command line) or forked from a template."""
    found = []
    for p in process.children(recursive=True):
        try:
            if "ipykernel" in " ".join(p.cmdline()) or "kernels.template" in " ".join(
                p.parent().cmdline()
            ):
                found.append(p)
        except (psutil.NoSuchProcess, AttributeError):
            continue
    return found


def _ended(p: psutil.Process) -> bool:
    """Gone, or a zombie: ended, its exit status waiting for init (its parent died) to collect."""
    try:
        return p.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def all_gone(pids: list[psutil.Process], timeout=10) -> bool:
    _, alive = psutil.wait_procs(pids, timeout=timeout)
    return all(_ended(p) for p in alive)


SLOW = "import time\ntime.sleep(120)"


# --- interruption -----------------------------------------------------------------------------


@pytest.fixture
def slow_run(tmp_path):
    """A run of 01_quick and 02_slow, stopped once 01_quick has landed and 02's kernel runs."""
    nbdir = quick(tmp_path / "nb", **{"02_slow": SLOW})
    out = tmp_path / "out"
    proc = start_run(out, nbdir, "--jobs", "2", "--to", "html")
    parent = psutil.Process(proc.pid)
    wait_for(
        lambda: (out / "manifest.json").exists() and statuses(out).get("01_quick") == "ok",
        what="01_quick to land",
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
    assert all_gone(descendants, timeout=5), [p for p in descendants if not _ended(p)]
    # The manifest kept what had landed: the next run redoes only the unfinished job.
    assert statuses(out) == {"01_quick": "ok"}
    (nbdir / "02_slow.ipynb").unlink()
    bare(nbdir, "02_now_quick", 'print("也快")')
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
    assert statuses(out) == {"01_quick": "ok"}
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
    # Long enough that the first run still holds the folder when the third starts to wait.
    nbdir = quick(tmp_path / "nb", **{"02_wait": "import time\ntime.sleep(30)"})
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
    assert statuses(out) == {"01_quick": "ok", "02_wait": "ok"}


# --- time limits ------------------------------------------------------------------------------


def test_cell_and_export_time_limits_fail_their_job_once_naming_the_cell(tmp_path):
    nbdir, out, starts = tmp_path / "nb", tmp_path / "out", tmp_path / "starts.txt"
    bare(nbdir, "01_sleeps", f"open({str(starts)!r}, 'a').write('x')\nimport time\ntime.sleep(120)")
    bare(nbdir, "02_long_name", 'print("名" * 200_000)')  # fast to print, slow to lay out in a PDF
    started = time.monotonic()
    result = lps_run(out, nbdir, "--timeout", "6")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert time.monotonic() - started < 90
    assert starts.read_text() == "x"  # ran once: a cell timeout is not a kernel-start failure
    jobs = {j["notebook"]: j for j in manifest(out)["jobs"]}
    assert "单元格运行超过 6 秒" in jobs["01_sleeps"]["error"]
    assert jobs["01_sleeps"]["cell"].startswith("[3] open(")  # the cell: number, first line
    assert "PDF 导出超过 6 秒" in jobs["02_long_name"]["error"]
    assert jobs["02_long_name"]["cell"] is None
    # The failed notebooks and their logs are where the summary and index.html say.
    index = (out / "index.html").read_text(encoding="utf-8")
    for stem in ("01_sleeps", "02_long_name"):
        assert jobs[stem]["failed_notebook"] == f"{SLUG}/failed/{stem}.ipynb"
        assert (out / jobs[stem]["failed_notebook"]).exists() and (out / jobs[stem]["log"]).exists()
        assert (
            f'href="{SLUG}/failed/{stem}.ipynb"' in index
            and f'href="{SLUG}/failed/{stem}.log"' in index
        )
        assert str(out / SLUG / "failed" / f"{stem}.ipynb") in result.stdout
    failed = nbformat.read(out / jobs["01_sleeps"]["failed_notebook"], as_version=4)
    assert failed.cells[-1].metadata.papermill.start_time  # the cell that timed out ran
    log = (out / "run.log").read_text(encoding="utf-8")
    assert "failed 520201/01_sleeps" in log and "start:" in log
    assert not (out / SLUG / ".work").exists()


# --- partial runs and the combined report -----------------------------------------------------


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(next(x for x in info.stdout.splitlines() if x.startswith("Pages:")).split()[-1])


def pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_a_partial_run_never_shrinks_the_combined_report(tmp_path):
    nbdir = notebooks(tmp_path / "nb", **{"03_more": 'print("第三篇")'})
    # A brief that, like 00_brief, saves what it printed: its own file must not make it stale.
    shutil.copy(nbdir / "01_ok.ipynb", nbdir / "00_brief.ipynb")
    out = tmp_path / "out"
    full = subprocess.run(
        [LPS, "run", "--scope", SCOPE, "--out", str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, "LPS_NOTEBOOKS_DIR": str(nbdir)},
        preexec_fn=lambda: os.umask(0o027),
    )
    assert full.returncode == 0, full.stdout + full.stderr
    report = out / SLUG / "report.pdf"
    pages = pdf_pages(report)

    # Published files honour the umask; published notebooks and the manifest hold no machine path.
    for path in [
        *out.rglob("*.ipynb"),
        *out.rglob("*.pdf"),
        *out.rglob("*.json"),
        out / "index.html",
    ]:
        assert path.stat().st_mode & 0o777 == 0o640, path
    for path in [*out.rglob("*.ipynb"), out / "manifest.json"]:
        text = path.read_text(encoding="utf-8")
        assert str(out) not in text and str(paths.ROOT) not in text and str(tmp_path) not in text

    nb = nbformat.read(nbdir / "03_more.ipynb", as_version=4)
    nb.cells[-1].source = 'print("第三篇，已修改")'
    nbformat.write(nb, nbdir / "03_more.ipynb")
    partial = lps_run(out, nbdir, "--notebook", "03")
    assert partial.returncode == 0, partial.stdout + partial.stderr
    assert "运行1" in flat(partial.stdout)
    text = pdf_text(report)
    assert "第三篇，已修改" in text and "本报告范围" in text  # 03 is new and 01 is still there
    assert pdf_pages(report) >= pages

    again = lps_run(out, nbdir)
    assert again.returncode == 0 and "运行0" in flat(again.stdout)
    assert manifest(out)["reports"][SCOPE]["ran"] is False

    # A partial run that cannot build the whole report leaves it, marked stale in index.html.
    shutil.copy(FIXTURES / "02_fails.ipynb", nbdir / "02_fails.ipynb")
    stale = lps_run(out, nbdir, "--notebook", "03")
    assert stale.returncode == 0 and "未生成" in stale.stdout and "02_fails" in stale.stdout
    assert "已过期" in (out / "index.html").read_text(encoding="utf-8")


# --- damaged caches ---------------------------------------------------------------------------


@pytest.mark.parametrize("content", ["null", "[]", '{"jobs": [1]}', '{"format": 2, "jobs": [{"job'])
def test_a_damaged_manifest_is_set_aside(tmp_path, content):
    from lps_analysis.pipeline.manifest import load_manifest

    (tmp_path / "manifest.json").write_text(content, encoding="utf-8")
    loaded, notes = load_manifest(tmp_path)
    assert loaded["jobs"] == [] and "已损坏" in notes[0]
    assert [p.name.startswith("manifest.damaged-") for p in tmp_path.iterdir()] == [True]


def test_damaged_manifest_and_truncated_cache_are_redone_through_the_cli(tmp_path):
    nbdir = quick(tmp_path / "nb", **{"02_second": 'print("二")'})
    out = tmp_path / "out"
    assert lps_run(out, nbdir, "--to", "html").returncode == 0
    ipynb = out / SLUG / "02_second.ipynb"
    ipynb.write_bytes(ipynb.read_bytes()[:100])  # a truncated cached notebook
    redo = lps_run(out, nbdir, "--to", "html")
    assert redo.returncode == 0 and "运行1，沿用1" in flat(redo.stdout)
    assert nbformat.read(ipynb, as_version=4).cells
    reason = {j["notebook"]: j["reason"] for j in manifest(out)["jobs"]}["02_second"]
    assert "02_second.ipynb" in reason and "不符" in reason

    (out / "manifest.json").write_text('{"jobs": [1]}', encoding="utf-8")
    redo = lps_run(out, nbdir, "--to", "html")
    assert redo.returncode == 0 and "Traceback" not in redo.stderr
    assert "已损坏" in redo.stdout and "运行2" in flat(redo.stdout)
    assert len(list(out.glob("manifest.damaged-*.json"))) == 1


# --- output folders that cannot take the files ------------------------------------------------


@pytest.fixture
def small_fs(tmp_path):
    mount = tmp_path / "fs"
    mount.mkdir()
    if (
        os.geteuid() != 0
        or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True
        ).returncode
    ):
        pytest.skip("needs root to mount a small tmpfs")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_read_only_output_folder_gets_one_line_and_exit_1(tmp_path, small_fs):
    subprocess.run(["mount", "-o", "remount,ro", str(small_fs)], check=True)
    result = lps_run(small_fs / "reports", quick(tmp_path / "nb"), "--to", "html")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "输出文件夹无法使用" in result.stderr and "只读" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 2  # Chinese, then English


def test_a_full_disk_keeps_every_job_whole_and_the_cache_consistent(tmp_path, small_fs):
    nbdir, out = quick(tmp_path / "nb"), small_fs / "reports"
    assert lps_run(out, nbdir).returncode == 0
    before = {p: p.read_bytes() for p in (out / SLUG).glob("01_quick.*")}
    free = shutil.disk_usage(small_fs).free
    (small_fs / "filler").write_bytes(b"\0" * (free - 12 * 1024))
    full = lps_run(out, nbdir, "--force")
    assert full.returncode == 1 and "Traceback" not in full.stderr
    assert "磁盘已满" in full.stderr
    assert {p: p.read_bytes() for p in (out / SLUG).glob("01_quick.*")} == before
    assert not list(out.rglob("*.tmp")) and not (out / SLUG / ".work").exists()
    (small_fs / "filler").unlink()
    after = lps_run(out, nbdir)
    assert after.returncode == 0 and "运行0" in flat(after.stdout)


# --- the Chinese font -------------------------------------------------------------------------


def test_without_a_chinese_font_the_pdf_export_refuses(tmp_path):
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"<cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    nbdir, out = tmp_path / "nb", tmp_path / "out"
    bare(nbdir, "01_text", 'print("中文")')
    result = lps_run(out, nbdir, env={"FONTCONFIG_FILE": str(conf)})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "缺少中文字体" in result.stdout
    assert not (out / SLUG / "01_text.pdf").exists()
    assert statuses(out) == {"01_text": "failed"}

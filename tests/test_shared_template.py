"""One kernel template per `lps run`: its workers borrow the runner's instead of starting their own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
from conftest import write_notebook

from lps_analysis.kernels import provisioner
from lps_analysis.kernels.provisioner import SHARED_ENV
from lps_analysis.pipeline.pool import WorkerPool

pytestmark = pytest.mark.slow

LPS = str(Path(sys.executable).with_name("lps"))

# A process started with the shared template's folder, as a worker is: starts a kernel, says
# whose child the kernel is and what templates it holds; then (when asked) after the package
# changed.
BORROWER = textwrap.dedent(
    """
    import json, os, sys
    from pathlib import Path
    from jupyter_client.manager import start_new_kernel
    from lps_analysis import fmt, paths
    from lps_analysis.kernels import provisioner

    def kernel_parent():
        km, kc = start_new_kernel(kernel_name=paths.KERNEL_NAME, startup_timeout=180)
        out = []
        kc.execute_interactive(
            "import os; print(os.getppid())",
            output_hook=lambda m: out.append(m["content"].get("text", "")),
        )
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        return int("".join(out))

    said = {"parent": kernel_parent()}
    said["templates"] = [type(t).__name__ for t in provisioner._templates.values()]
    if sys.argv[1:] == ["changed"]:
        source = Path(fmt.__file__)
        before = source.stat()
        try:
            os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns + 10**9))
            said["after_change"] = kernel_parent()
        finally:
            os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))
        said["templates_after"] = [type(t).__name__ for t in provisioner._templates.values()]
    provisioner.stop_templates()
    print(json.dumps(said))
    """
)


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)
    env.pop(provisioner.COLD_ENV, None)
    return env


def _borrow(env: dict[str, str], *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", BORROWER, *args],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def shared():
    template = provisioner.share_template(_child_env())
    yield template
    provisioner.retire_template(template)


def test_a_child_with_the_same_environment_borrows_the_shared_template(shared):
    said = _borrow(_child_env() | {SHARED_ENV: str(shared.folder)})
    assert said["parent"] == shared.process.pid
    assert said["templates"] == ["BorrowedTemplate"]
    assert shared.process.poll() is None  # the borrower let it be when it ended


def test_a_child_with_another_environment_starts_its_own(shared):
    # A variable the stack could read while importing: the shared template's imports may not
    # be what this child's kernels would have imported.
    said = _borrow(_child_env() | {SHARED_ENV: str(shared.folder), "LPS_SOMETHING_ELSE": "1"})
    assert said["parent"] != shared.process.pid
    assert said["templates"] == ["Template"]


def test_after_the_package_changed_a_borrower_starts_its_own_and_leaves_the_shared_one(shared):
    said = _borrow(_child_env() | {SHARED_ENV: str(shared.folder)}, "changed")
    assert said["parent"] == shared.process.pid
    assert said["after_change"] != shared.process.pid
    assert said["templates_after"] == ["Template"]
    assert shared.process.poll() is None


def _template_children(pids: set[int]) -> list[int]:
    """Template processes (not forked kernels) whose parent is one of `pids`."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{entry}/cmdline").read_bytes()
            parent = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if b"lps_analysis.kernels.template" in cmd and parent in pids:
            found.append(int(entry))
    return found


def test_a_pool_starts_one_template_for_its_workers_and_stops_it_at_close():
    before = set(_template_children({os.getpid()}))  # earlier tests' templates of this process
    pool = WorkerPool(size=2)
    pool.prestart(2)
    try:
        template = pool.template
        assert template is not None and template.process.poll() is None
        for worker in pool.workers:  # each worker is up once it says it is ready
            assert provisioner._alive(worker.process.pid)
        template.wait_ready(provisioner.TEMPLATE_READY_S)
        workers = {w.process.pid for w in pool.workers}
        assert _template_children(workers) == []
        assert set(_template_children({os.getpid()})) - before == {template.process.pid}
    finally:
        pool.close()
    assert template.process.poll() is not None
    assert not template.folder.exists()
    assert template not in provisioner._templates.values()


def test_a_cold_pool_starts_no_template():
    pool = WorkerPool(size=1, cold=True)
    pool.prestart(1)
    try:
        assert pool.template is None
    finally:
        pool.close()


def test_two_jobs_on_two_workers_run_in_kernels_of_one_template(tmp_path):
    folder = tmp_path / "nb"
    folder.mkdir()
    for stem in ("01_parent", "02_parent"):
        code = 'import os\nprint(os.getppid(), os.environ["JPY_PARENT_PID"])'
        write_notebook(folder / f"{stem}.ipynb", code)
    out = tmp_path / "out"
    done = subprocess.run(
        [LPS, "run", "--scope", "520201", "--out", str(out), "--to", "html", "--jobs", "2"],
        capture_output=True,
        text=True,
        timeout=900,
        env=dict(os.environ, LPS_NOTEBOOKS_DIR=str(folder)),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    parents, workers = set(), set()
    for stem in ("01_parent", "02_parent"):
        nb = nbformat.read(out / "520201-zhongshan" / f"{stem}.ipynb", as_version=4)
        parent, worker = nb.cells[-1].outputs[0]["text"].split()
        parents.add(parent)
        workers.add(worker)
    assert len(workers) == 2  # one job each
    assert len(parents) == 1  # kernels of one template
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {j["kernel"] for j in manifest["jobs"]} == {"forked"}

"""Warm kernels: forked from the template, clean, killable, interruptible, never orphaned."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from lps_analysis import paths
from lps_analysis.kernels import install, provisioner
from lps_analysis.kernels.template import SINGLE_THREAD_ENV

pytestmark = pytest.mark.slow


def _alive(pid: int) -> bool:
    return provisioner._alive(pid)


def _gone_within(pids, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(_alive(p) for p in pids):
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def kernel():
    """A started `lps-talent` kernel (manager, client), shut down afterwards."""
    from jupyter_client.manager import start_new_kernel

    started = []

    def start(**env):
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            km, kc = start_new_kernel(kernel_name=paths.KERNEL_NAME, startup_timeout=180)
        finally:
            for k, v in saved.items():
                os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
        started.append((km, kc))
        return km, kc

    yield start
    for km, kc in started:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def _run(kc, code: str, timeout: float = 120) -> str:
    """Execute `code`; its stdout."""
    out = []

    def hook(msg):
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])

    reply = kc.execute_interactive(code, timeout=timeout, output_hook=hook)
    assert reply["content"]["status"] == "ok", reply["content"]
    return "".join(out)


def test_the_installed_kernelspec_names_the_warm_provisioner(tmp_path):
    folder = install.install(prefix=str(tmp_path))
    spec = json.loads((folder / "kernel.json").read_text(encoding="utf-8"))
    assert folder.name == paths.KERNEL_NAME
    assert spec["display_name"] == paths.KERNEL_DISPLAY_NAME
    assert spec["metadata"]["kernel_provisioner"]["provisioner_name"] == install.PROVISIONER
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.provisioning import KernelProvisionerFactory

    ours = KernelSpecManager().get_kernel_spec(paths.KERNEL_NAME)
    assert ours.metadata["kernel_provisioner"]["provisioner_name"] == install.PROVISIONER
    assert KernelProvisionerFactory.instance().is_provisioner_available(ours)


def test_the_template_has_a_single_thread_when_it_forks():
    template = provisioner.template_for(provisioner.kernel_python(), dict(os.environ))
    template.wait_ready(180)
    assert len(os.listdir(f"/proc/{template.process.pid}/task")) == 1
    environ = Path(f"/proc/{template.process.pid}/environ").read_bytes().split(b"\0")
    for name, value in SINGLE_THREAD_ENV.items():
        assert f"{name}={value}".encode() in environ


def test_a_kernel_is_forked_warm_in_its_own_group_with_the_usual_environment(kernel, tmp_path):
    km, kc = kernel()
    assert isinstance(km.provisioner, provisioner.WarmProvisioner)
    assert isinstance(km.provisioner.process, provisioner.ForkedKernel)
    code = textwrap.dedent(
        """
        import json, os, sys
        print(json.dumps({"pid": os.getpid(), "pgid": os.getpgid(0), "ppid": os.getppid(),
                          "warm": "seaborn" in sys.modules, "parent": os.environ["JPY_PARENT_PID"],
                          "blas": os.environ.get("OPENBLAS_NUM_THREADS")}))
        """
    )
    seen = json.loads(_run(kc, code))
    template = km.provisioner.template
    assert seen["pid"] == km.provisioner.pid == seen["pgid"]
    assert seen["ppid"] == template.process.pid
    assert seen["warm"] is True  # seaborn was imported before the kernel existed
    assert seen["parent"] == str(os.getpid())
    # The template's own settings stay the template's, unless the kernel's environment had them.
    assert seen["blas"] == os.environ.get("OPENBLAS_NUM_THREADS")


def test_a_forked_kernel_starts_with_the_stack_already_loaded_and_out_of_its_collections(kernel):
    """What every kernel would otherwise load as it starts (debugpy, for ipykernel's debugger) is
    loaded; the template's objects are frozen, so the kernel's collections (and the one at its
    exit) scan only the kernel's own objects and never copy the pages it shares."""
    km, kc = kernel()
    code = textwrap.dedent(
        """
        import gc, json, sys
        before = gc.get_freeze_count()
        gc.disable()  # no automatic collection takes part of them first
        leftover = [[] for _ in range(1000)]
        for item in leftover:
            item.append(item)  # cycles: only a collection frees them
        del leftover, item  # the loop's variable would keep the last one reachable
        freed = gc.collect()
        gc.enable()
        print(json.dumps({"frozen": before, "freed": freed, "debugpy": "debugpy" in sys.modules}))
        """
    )
    seen = json.loads(_run(kc, code))
    assert seen["frozen"] > 100_000  # pandas, matplotlib, seaborn...: far more than a kernel's own
    assert seen["freed"] >= 1000  # the kernel's own garbage is still collected
    assert seen["debugpy"] is True


def test_kernels_forked_once_the_template_is_idle_have_the_estimators_dependencies(kernel):
    """The template imports the lazily needed modules while it has nothing to answer: a kernel
    forked after that has them (and the template still forks, so it is still single-threaded)."""
    from lps_analysis.kernels.template import LAZY_MODULES

    names = json.dumps([m.split(".")[0] for m in LAZY_MODULES])
    code = f"import json, sys; print(json.dumps([m for m in {names} if m not in sys.modules]))"
    deadline = time.monotonic() + 120
    while True:
        km, kc = kernel()
        assert isinstance(km.provisioner.process, provisioner.ForkedKernel)
        missing = json.loads(_run(kc, code))
        if not missing or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert missing == []
    # statsmodels came without polars (its threads would have stopped the template forking);
    # the kernel imports polars itself, and statsmodels then converts its frames
    convert = (
        "import sys; print('polars' in sys.modules)\n"
        "import polars as pl\n"
        "from statsmodels.tools.data import _to_pandas\n"
        "print(_to_pandas(pl.DataFrame({'a': [7]}))['a'].tolist())\n"
    )
    assert _run(kc, convert).split() == ["False", "[7]"]


def test_one_kernels_changes_do_not_reach_the_next(kernel, tmp_path):
    probe = textwrap.dedent(
        """
        import json, os
        import matplotlib as mpl, pandas as pd
        from lps_analysis import paths
        print(json.dumps({"rows": pd.get_option("display.max_rows"),
                          "columns": pd.get_option("display.max_columns"),
                          "dpi": mpl.rcParams["figure.dpi"], "family": mpl.rcParams["font.family"],
                          "data": str(paths.DATA_DIR), "cwd": os.getcwd(),
                          "probe": os.environ.get("LPS_TEST_PROBE"),
                          "backend": mpl.get_backend()}))
        """
    )
    _, first = kernel()
    before = json.loads(_run(first, probe))
    _run(
        first,
        textwrap.dedent(
            f"""
            import os
            import matplotlib as mpl, pandas as pd
            from lps_analysis import paths
            from lps_analysis.viz.theme import set_theme
            pd.set_option("display.max_rows", 3)
            set_theme()
            mpl.rcParams["figure.dpi"] = 17
            paths.DATA_DIR = "/nowhere"
            os.chdir({str(tmp_path)!r})
            os.environ["LPS_TEST_PROBE"] = "leaked"
            """
        ),
    )
    changed = json.loads(_run(first, probe))
    assert changed["rows"] == 3 and changed["dpi"] == 17 and changed["probe"] == "leaked"
    _, second = kernel()
    assert json.loads(_run(second, probe)) == before
    _, cold = kernel(**{provisioner.COLD_ENV: "1"})
    assert json.loads(_run(cold, probe)) == before  # a warm kernel starts as a cold one does


def test_interrupt_and_restart_work_on_a_forked_kernel(kernel):
    km, kc = kernel()
    msg_id = kc.execute("import time; time.sleep(60)")
    time.sleep(1.0)
    started = time.monotonic()
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=30)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=30)
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    assert time.monotonic() - started < 30
    old = km.provisioner.pid
    km.restart_kernel(now=True)
    kc.wait_for_ready(timeout=180)
    assert km.provisioner.pid != old
    assert _gone_within([old], 10)
    assert _run(kc, "print(6 * 7)").strip() == "42"


def test_a_killed_kernel_is_seen_as_dead(kernel):
    km, kc = kernel()
    pid = km.provisioner.pid
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while km.is_alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not km.is_alive()
    assert km.provisioner.process.returncode == -signal.SIGKILL


OWNER = textwrap.dedent(
    """
    import json, sys
    from jupyter_client.manager import start_new_kernel
    km, kc = start_new_kernel(kernel_name="lps-talent", startup_timeout=180)
    print(json.dumps({"kernel": km.provisioner.pid,
                      "template": km.provisioner.template.process.pid}), flush=True)
    sys.stdin.readline()
    """
)


@pytest.mark.parametrize("how", ["sigkill", "exit"])
def test_no_template_or_kernel_outlives_the_process_that_started_them(how):
    owner = subprocess.Popen(
        [sys.executable, "-c", OWNER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        pids = json.loads(owner.stdout.readline())
        assert all(_alive(p) for p in pids.values())
        if how == "sigkill":
            owner.kill()
        else:
            owner.stdin.close()  # the owner returns: no shutdown of its kernel, just exit
        owner.wait(timeout=60)
        assert _gone_within(pids.values(), 10), pids
    finally:
        owner.kill()


def test_without_a_template_kernels_spawn_the_usual_way_and_say_so_once(kernel, capfd):
    km, kc = kernel()
    template = km.provisioner.template
    template.process.kill()
    template.process.wait()
    provisioner._noted.clear()
    second, _ = kernel()
    third, _ = kernel()
    assert not isinstance(second.provisioner.process, provisioner.ForkedKernel)
    assert not isinstance(third.provisioner.process, provisioner.ForkedKernel)
    err = capfd.readouterr().err
    assert err.count("内核模板不可用") == 1 and err.count("kernel template unavailable") == 1
    assert err.index("内核模板不可用") < err.index("kernel template unavailable")
    provisioner.stop_templates()  # the dead template's record goes; the next test starts afresh


def test_a_kernel_started_after_the_package_changed_runs_the_new_code(kernel):
    from lps_analysis import fmt

    km, _ = kernel()
    first = km.provisioner.template
    source = Path(fmt.__file__)
    before = source.stat()
    try:
        os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns + 10**9))
        again, _ = kernel()
    finally:
        os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert isinstance(again.provisioner.process, provisioner.ForkedKernel)
    assert again.provisioner.template is not first  # a new template imported the new code
    assert first.process.poll() is not None


def test_a_jupyter_server_restarts_interrupts_and_shuts_down_forked_kernels():
    """What JupyterLab does, through jupyter_server's kernel manager."""
    import asyncio

    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

    async def scenario():
        server = AsyncMappingKernelManager()
        kernel_id = await server.start_kernel(kernel_name=paths.KERNEL_NAME)
        km = server.get_kernel(kernel_id)
        client = km.client()
        client.start_channels()
        await client.wait_for_ready(timeout=180)
        first = km.provisioner.pid
        await server.restart_kernel(kernel_id)
        await client.wait_for_ready(timeout=180)
        second = km.provisioner.pid
        assert isinstance(km.provisioner.process, provisioner.ForkedKernel) and second != first
        msg_id = client.execute("import time; time.sleep(60)")
        await asyncio.sleep(1.0)
        await server.interrupt_kernel(kernel_id)
        while True:
            reply = await client.get_shell_msg(timeout=30)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        assert reply["content"]["ename"] == "KeyboardInterrupt"
        client.stop_channels()
        await server.shutdown_all()
        return first, second

    pids = asyncio.run(scenario())
    assert _gone_within(pids, 10)

"""Warm kernels for `lps-talent`: a Jupyter kernel provisioner that forks kernels from a template.

Named in the kernelspec's metadata (`kernel_provisioner`), so `lps run`, `papermill -k
lps-talent` and JupyterLab all start kernels through it. The process that manages kernels (a
`lps run` worker, papermill, the Jupyter server) starts one template process per interpreter
and environment (`lps_analysis.kernels.template`) and asks it for each kernel; the template
forks, and the child becomes an ordinary ipykernel. The template ends with the process that
started it. `lps run` starts one template for the whole run (:func:`share_template`) and its
workers borrow it (:data:`SHARED_ENV`), so the stack is imported once per run, not per worker.

Where a fork is not possible (not Linux, a kernel command that is not ipykernel, the template
refused or died, `LPS_KERNEL_COLD=1` as `lps run --cold` sets it), the kernel is spawned the
usual way and a note says so once, on stderr.
"""

from __future__ import annotations

import asyncio
import atexit
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from jupyter_client.provisioning import LocalProvisioner

from lps_analysis.kernels.template import SINGLE_THREAD_ENV, SOCKET_NAME, STALE

COLD_ENV = "LPS_KERNEL_COLD"  # "1": spawn every kernel the usual way (lps run --cold)
# The folder of a template another process owns (lps run's), for its workers to borrow.
SHARED_ENV = "LPS_KERNEL_TEMPLATE"
TEMPLATE_READY_S = 180  # the template imports the whole stack: minutes on a loaded machine
MAX_TEMPLATES = 2  # per managing process: a third environment replaces the oldest
# Variables that differ from one kernel (or `lps run` worker) to the next and that no import
# reads; every other variable is part of the environment the template imported the stack under.
PER_KERNEL_ENV = (
    "JPY_PARENT_PID",
    "JPY_SESSION_NAME",
    "LPS_DATA_SNAPSHOT",
    "LPS_RUNNER_PID",
    SHARED_ENV,
    "PYTEST_CURRENT_TEST",
)

_lock = threading.Lock()
_templates: dict[str, Template] = {}
_noted: set[str] = set()
_declined: set[str] = set()  # shared templates this process stopped borrowing (stale code)
launches = {"forked": 0, "spawned": 0}  # kernels this process started, by how


def note_once(reason_zh: str, reason_en: str) -> None:
    """Say once per process that kernels start the usual (slow) way, and why."""
    if reason_en in _noted:
        return
    _noted.add(reason_en)
    print(
        f"注意：内核模板不可用（{reason_zh}），内核改用常规方式启动（较慢）。\n"
        f"    Note: kernel template unavailable ({reason_en}); kernels start the usual way.",
        file=sys.stderr,
        flush=True,
    )


def template_env(env: dict[str, str]) -> dict[str, str]:
    """The environment a template imports under: the kernel's, less per-kernel variables."""
    return {k: v for k, v in env.items() if k not in PER_KERNEL_ENV}


def _key(python: str, env: dict[str, str]) -> str:
    text = json.dumps([python, sorted(template_env(env).items())])
    return hashlib.sha256(text.encode()).hexdigest()


class TemplateUnavailable(RuntimeError):
    def __init__(self, zh: str, en: str, *, stale: bool = False):
        super().__init__(en)
        self.zh, self.en, self.stale = zh, en, stale


class Template:
    """A template process owned by this process: started, asked for kernels, stopped."""

    def __init__(self, python: str, env: dict[str, str]):
        self.folder = Path(tempfile.mkdtemp(prefix="lps-kernel-template-"))
        self.socket = self.folder / SOCKET_NAME
        log = open(self.folder / "template.log", "wb")  # noqa: SIM115 - the child keeps it
        self.process = subprocess.Popen(
            [python, "-m", "lps_analysis.kernels.template", str(self.folder), str(os.getpid())],
            env=template_env(env) | SINGLE_THREAD_ENV,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            cwd="/",
            # Not in its owner's session: when the owner is killed with its session (a
            # cancelled `lps run` worker), the template outlives it just long enough to see
            # it gone and clear its folder.
            start_new_session=True,
        )
        log.close()
        # What a borrowing process checks before it asks this template for kernels.
        (self.folder / "pid").write_text(str(self.process.pid), encoding="ascii")
        (self.folder / "key").write_text(_key(python, env), encoding="ascii")

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not self.socket.exists():
            if self.process.poll() is not None:
                refused = self.folder / "refused"
                why = refused.read_text(encoding="utf-8") if refused.exists() else "exited"
                raise TemplateUnavailable(f"模板进程退出：{why}", f"template exited: {why}")
            if time.monotonic() > deadline:
                raise TemplateUnavailable("模板进程未就绪", "template not ready in time")
            time.sleep(0.05)

    def fork(self, kernel_args: list[str], env: dict, cwd: str, fds: list[int]) -> int:
        """Ask for one kernel; its pid."""
        request = {"kernel_args": kernel_args, "env": env, "cwd": cwd, "owner": os.getpid()}
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
                conn.connect(str(self.socket))
                socket.send_fds(conn, [json.dumps(request).encode("utf-8")], fds)
                reply = json.loads(conn.makefile("rb").readline() or b"{}")
        except OSError as exc:
            raise TemplateUnavailable("模板进程已退出", f"template gone: {exc}") from exc
        if "pid" not in reply:
            why = reply.get("error", "no reply")
            stale = why == STALE
            raise TemplateUnavailable(
                f"模板拒绝派生：{why}", f"template refused: {why}", stale=stale
            )
        return int(reply["pid"])

    def exit_code(self, pid: int) -> int | None:
        path = self.folder / f"exit-{pid}"
        try:
            return int(path.read_text(encoding="ascii"))
        except (OSError, ValueError):
            return None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


class _Running:
    """`poll()` of a process this one did not start: None while it runs."""

    def __init__(self, pid: int):
        self.pid = pid

    def poll(self) -> int | None:
        return None if _alive(self.pid) else -signal.SIGKILL


class BorrowedTemplate(Template):
    """A template another process owns (``lps run``'s): asked for kernels, never stopped here."""

    def __init__(self, folder: Path, pid: int):
        self.folder = folder
        self.socket = folder / SOCKET_NAME
        self.process = _Running(pid)

    def stop(self) -> None:
        pass  # its owner stops it


def _borrow(folder: Path, key: str) -> BorrowedTemplate | None:
    """The shared template in `folder`, if it imported the stack under this environment."""
    try:
        same = (folder / "key").read_text(encoding="ascii") == key
        pid = int((folder / "pid").read_text(encoding="ascii"))
    except (OSError, ValueError):
        return None
    return BorrowedTemplate(folder, pid) if same else None


def share_template(env: dict[str, str], python: str | None = None) -> Template:
    """Start a template for the processes this one starts with `env` and :data:`SHARED_ENV`.

    It is this process's, stopped with :func:`stop_templates` or at exit; a child process whose
    kernels would run under the same environment borrows it instead of starting its own.
    """
    return template_for(python or kernel_python(), env)


def stop_templates() -> None:
    """Stop this process's kernel templates (also done at its exit)."""
    with _lock:
        for template in _templates.values():
            template.stop()
        _templates.clear()


atexit.register(stop_templates)


def template_for(python: str, env: dict[str, str]) -> Template:
    """This process's template for `python` under `env`, started if need be (not yet ready)."""
    if not hasattr(os, "fork") or not sys.platform.startswith("linux"):
        raise TemplateUnavailable("本系统不支持 fork", "no fork on this system")
    key = _key(python, env)
    with _lock:
        template = _templates.get(key)
        shared = env.get(SHARED_ENV)
        if template is None and shared and shared not in _declined:
            template = _borrow(Path(shared), key)
            if template is not None:
                _templates[key] = template
        if template is not None and template.process.poll() is not None:
            raise TemplateUnavailable("模板进程已退出", "template exited")
        if template is None:
            while len(_templates) >= MAX_TEMPLATES:  # the oldest goes; its kernels stay
                _templates.pop(next(iter(_templates))).stop()
            template = _templates[key] = Template(python, env)
        return template


def retire(python: str, env: dict[str, str]) -> None:
    """Stop this process's template for `python` under `env` (its kernels run on)."""
    with _lock:
        template = _templates.get(_key(python, env))
    if template is not None:
        retire_template(template)


def retire_template(template: Template) -> None:
    """Stop `template` and forget it (its kernels run on); a borrowed one is only let go."""
    with _lock:
        for key in [k for k, known in _templates.items() if known is template]:
            del _templates[key]
        if isinstance(template, BorrowedTemplate):
            _declined.add(str(template.folder))  # the next template is this process's own
    template.stop()


def prestart(python: str | None = None) -> None:
    """Start this process's template now (kernels started later find it ready)."""
    if os.environ.get(COLD_ENV) == "1":
        return
    try:
        template_for(python or kernel_python(), dict(os.environ))
    except (TemplateUnavailable, OSError):
        pass  # said when a kernel is asked for


def kernel_python() -> str:
    from jupyter_client.kernelspec import KernelSpecManager

    from lps_analysis import paths

    return KernelSpecManager().get_kernel_spec(paths.KERNEL_NAME).argv[0]


def kernel_args(cmd: list[str]) -> list[str] | None:
    """The ipykernel arguments of `python [options] -m ipykernel_launcher ARGS`; None otherwise."""
    for i in range(1, len(cmd) - 1):
        if cmd[i] == "-m" and cmd[i + 1] == "ipykernel_launcher":
            return cmd[i + 2 :]
    return None


class ForkedKernel:
    """What `LocalProvisioner` expects of its Popen, for a kernel that is the template's child."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int, template: Template):
        self.pid = pid
        self.template = template
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is not None:
            return self.returncode
        code = self.template.exit_code(self.pid)
        if code is None and not _alive(self.pid):
            code = -signal.SIGKILL  # gone, and its template with it: no status to read
        self.returncode = code
        return code

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.05)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _alive(pid: int) -> bool:
    """True while `pid` runs (a zombie not yet reaped counts as ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def _fd(stream: Any, default: int) -> tuple[int, bool]:
    """(a file descriptor for `stream` as Popen would take it, whether we opened it)."""
    if stream is None:
        return default, False
    if stream in (subprocess.DEVNULL, subprocess.PIPE):
        return os.open(os.devnull, os.O_RDWR), True
    if isinstance(stream, int):
        return stream, False
    return stream.fileno(), False


class WarmProvisioner(LocalProvisioner):
    """Starts `lps-talent` kernels by forking the template; the usual spawn where it cannot."""

    template: Template | None = None

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        args = kernel_args(cmd)
        if os.environ.get(COLD_ENV) == "1":
            return await self._spawn(cmd, **kwargs)
        if args is None:
            note_once("内核命令不是 ipykernel", "kernel command is not ipykernel")
            return await self._spawn(cmd, **kwargs)
        try:
            pid, template = await asyncio.to_thread(self._fork, cmd[0], args, kwargs)
        except TemplateUnavailable as exc:
            note_once(exc.zh, exc.en)
            return await self._spawn(cmd, **kwargs)
        launches["forked"] += 1
        self.template = template
        self.process = ForkedKernel(pid, template)
        self.pid = self.pgid = pid  # the child called setsid: its own process group
        self.cwd = kwargs.get("cwd") or os.getcwd()
        return self.connection_info

    async def _spawn(self, cmd: list[str], **kwargs: Any):
        self.template = None
        launches["spawned"] += 1
        return await super().launch_kernel(cmd, **kwargs)

    def _fork(self, python: str, args: list[str], kwargs: dict) -> tuple[int, Template]:
        env = dict(kwargs.get("env") or os.environ)
        env["JPY_PARENT_PID"] = str(os.getpid())  # as jupyter_client's launcher sets it
        try:
            return self._fork_from(template_for(python, env), args, env, kwargs)
        except TemplateUnavailable as exc:
            if not exc.stale:
                raise
            retire(python, env)  # the package changed since it imported it: a new one
            return self._fork_from(template_for(python, env), args, env, kwargs)

    def _fork_from(self, template: Template, args: list[str], env: dict, kwargs: dict):
        template.wait_ready(TEMPLATE_READY_S)
        opened = []
        fds = []
        for stream, default in (("stdin", subprocess.DEVNULL), ("stdout", 1), ("stderr", 2)):
            value = kwargs.get(stream, default)
            fd, ours = _fd(value, default)
            fds.append(fd)
            if ours:
                opened.append(fd)
        try:
            cwd = str(kwargs.get("cwd") or os.getcwd())
            return template.fork(args, env, cwd, fds), template
        finally:
            for fd in opened:
                os.close(fd)

    async def send_signal(self, signum: int) -> None:
        if isinstance(self.process, ForkedKernel) and self.process.poll() is not None:
            return  # ended: its pid (and group) may belong to someone else now
        await super().send_signal(signum)

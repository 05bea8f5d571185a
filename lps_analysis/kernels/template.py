"""The kernel template: one process that has imported the analysis stack, forked once per kernel.

Started by the provisioner (`lps_analysis.kernels.provisioner`) as
`python -m lps_analysis.kernels.template FOLDER`. It imports what the notebooks import (pandas,
matplotlib with the inline backend chosen, seaborn, the package, the Chinese font), then listens
on `FOLDER/template.sock`. Each request (one JSON line, with the requester's stdin, stdout and
stderr passed as file descriptors) is answered by a fork: the child becomes an ordinary
ipykernel with the requester's command line, environment and working directory, in a session
of its own, and exits when its requester (the process managing it) is gone.

Forking is only safe while this process has a single thread: no zmq context, no thread pools.
BLAS and Arrow's allocator are told not to start threads; `serve` refuses to fork (the
provisioner falls back to a normal spawn) if a thread exists anyway. The template exits when
the process that started it ends, or on SIGTERM.
"""

from __future__ import annotations

import ast
import atexit
import gc
import json
import os
import shutil
import signal
import socket
import sys
import threading
import time
import traceback
from pathlib import Path

from lps_analysis.kernels.without_polars import warm_import

SOCKET_NAME = "template.sock"
STALE = "package code changed"  # the refusal that makes the provisioner start a new template
OWNER_POLL_S = 0.5
IDLE_IMPORT_POLL_S = 0.02  # how long a request may keep the next lazy import waiting
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
PANDAS_KERNEL_MAX_COLUMNS = 20  # pandas.core.config_init: its choice when imported in a kernel
# Set for the template only (the kernels get their requester's environment): no BLAS worker
# threads and no allocator background thread may exist when the template forks.
SINGLE_THREAD_ENV = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "JE_ARROW_MALLOC_CONF": "background_thread:false",
    # debugpy (imported with ipykernel.debugger) warns on stderr about frozen modules when
    # imported; each spawned kernel prints that to its own log, the template would print it
    # to the terminal of whoever started it.
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
}
# Imported besides what the notebooks import. Left out on purpose: pyfixest's estimation and
# moderndid import polars, whose import starts threads (statsmodels is imported without it).
BASE_MODULES = (
    "numpy",
    "pandas",
    "pyarrow",
    "pyarrow.ipc",
    "matplotlib",
    "matplotlib.pyplot",
    "matplotlib.backends.backend_agg",
    "seaborn",
    "IPython",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel_launcher",
    "ipykernel.debugger",  # resolved by every kernel as it starts (it imports debugpy)
    "lps_analysis.data.snapshot",
)
# What the kernels would otherwise import on first use, found by listing the modules a kernel
# gained while running each notebook: statsmodels (imported with polars hidden:
# `without_polars`), the exchange estimators' thread-free dependencies (pyfixest's formula and
# table packages, numba, the wild bootstrap), pandera's hypothesis and the Styler's jinja2.
# The template imports them one at a time while it has no request to answer, so the first
# kernels are not kept waiting. None starts a thread; if a new version did, the template would
# refuse to fork (`_refusal`) and kernels would start the usual way.
LAZY_MODULES = (
    "jinja2",
    "statsmodels.api",
    "hypothesis",
    "numba",
    "formulaic",
    "narwhals",
    "maketables",
    "great_tables",
    "wildboottest.wildboottest",
)


def thread_count() -> int:
    """Native threads of this process (Python's `threading` does not see BLAS or Arrow's)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def notebook_modules(folder: Path) -> list[str]:
    """Modules the notebooks import (`import x`, `from x import y`), from their code cells.

    The notebooks are read as plain JSON: importing nbformat costs the template more than a
    second (its schema validator's format checkers), for nothing a kernel needs.
    """
    found: dict[str, None] = {}
    for path in sorted(folder.glob("*.ipynb")):
        try:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError, AttributeError):
            continue
        for cell in cells:
            if not isinstance(cell, dict) or cell.get("cell_type") != "code":
                continue
            source = cell.get("source", "")
            try:
                tree = ast.parse("".join(source) if isinstance(source, list) else str(source))
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    found.update(dict.fromkeys(a.name for a in node.names))
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found[node.module] = None
                    for alias in node.names:
                        found[f"{node.module}.{alias.name}"] = None  # submodules, if they are
    return list(found)


def warm_imports(modules: list[str]) -> list[str]:
    """Import what can be imported; names of modules that could not (left to the kernel)."""
    failed = []
    for name in modules:
        try:
            warm_import(name)
        except Exception:  # noqa: BLE001 - `from x import y` names functions too
            failed.append(name)
    return failed


def warm_fonts() -> None:
    """Load the Chinese font into matplotlib's caches: draw one label on a private figure.

    No pyplot figure and no rcParams change: the kernels start with matplotlib's defaults.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    from lps_analysis.viz.fonts import matplotlib_sc_font

    found = matplotlib_sc_font()
    if found is None:
        return
    figure = Figure(figsize=(1, 1))
    FigureCanvasAgg(figure)
    figure.text(0.1, 0.5, "六盘水 0123", fontproperties=FontProperties(fname=found[1]))
    figure.canvas.draw()


def package_stamp() -> dict[str, int]:
    """Modification time of every imported module of the package: a kernel forked after the
    code changed would run the old code, where a kernel started afresh runs the new."""
    import lps_analysis

    root = os.path.dirname(lps_analysis.__file__)
    stamp = {}
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None) or ""
        if path.startswith(root):
            try:
                stamp[path] = os.stat(path).st_mtime_ns
            except OSError:
                stamp[path] = -1
    return stamp


def prepare() -> None:
    """Everything a kernel would import, before the first fork."""
    os.environ["MPLBACKEND"] = INLINE_BACKEND  # read once, when matplotlib is imported
    from lps_analysis import paths

    modules = list(BASE_MODULES) + notebook_modules(paths.NOTEBOOKS_DIR)
    warm_imports(modules)
    warm_fonts()
    del os.environ["MPLBACKEND"]


# --- the child: an ordinary kernel ------------------------------------------------------------


def _watch_owner(owner: int) -> None:
    """Exit when the process that manages this kernel has gone (even if killed with SIGKILL).

    A killed owner stays a zombie until its parent reaps it: that counts as gone.
    """
    while True:
        try:
            stat = Path(f"/proc/{owner}/stat").read_text()
        except OSError:
            os._exit(1)
        if stat.rsplit(")", 1)[1].split()[0] in ("Z", "X"):
            os._exit(1)
        time.sleep(OWNER_POLL_S)


def _decide_as_in_a_kernel() -> None:
    """Redo what the stack decided at import time from not being in a kernel then.

    pandas shows at most 20 columns when imported inside a Jupyter kernel, and sizes tables to
    the terminal (`display.max_columns` 0) otherwise: the template imported it outside one.
    """
    import pandas as pd
    from pandas._config import config

    key = "display.max_columns"
    registered = config._registered_options[key]
    config._registered_options[key] = registered._replace(defval=PANDAS_KERNEL_MAX_COLUMNS)
    pd.set_option(key, PANDAS_KERNEL_MAX_COLUMNS)


def _become_kernel(request: dict, fds: list[int]) -> None:
    """In the forked child: take the requester's streams, folder, environment; run ipykernel."""
    import random

    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.setsid()  # its own process group: interrupts and kills reach it and its children only
    for target, fd in zip((0, 1, 2), fds, strict=True):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    # As `python -m ipykernel_launcher` would have them.
    import ipykernel_launcher

    sys.argv = [ipykernel_launcher.__file__, *request["kernel_args"]]
    sys.path[0] = os.getcwd()
    random.seed()
    try:
        import numpy

        numpy.random.seed()
    except ImportError:  # pragma: no cover - numpy is a dependency
        pass
    import matplotlib

    # The backend the kernel's environment asks for (ipykernel's default: inline), as if
    # matplotlib were imported now.
    matplotlib.rcParams["backend"] = os.environ.get("MPLBACKEND") or INLINE_BACKEND
    threading.Thread(target=_watch_owner, args=(request["owner"],), daemon=True).start()
    from ipykernel import kernelapp

    # As `kernelapp.launch_new_instance()`, with the values ipykernel takes from the environment
    # when imported (the template imported it under another one).
    app = kernelapp.IPKernelApp.instance()
    app.parent_handle = int(os.environ.get("JPY_PARENT_PID") or 0)
    app.interrupt = int(os.environ.get("JPY_INTERRUPT_EVENT") or 0)
    app.initialize()
    _decide_as_in_a_kernel()
    app.start()


# --- the template's loop ----------------------------------------------------------------------


def _reap(folder: Path):
    def handler(signum, frame):
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            code = os.waitstatus_to_exitcode(status)
            (folder / f"exit-{pid}").write_text(str(code), encoding="ascii")

    return handler


def _run_child(request: dict, fds: list[int], sockets: tuple) -> None:
    """The forked child's whole life: never returns, exits with the kernel's exit code."""
    code = 1
    try:
        for sock in sockets:
            sock.close()
        _become_kernel(request, fds)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 - the kernel's own failure, shown in its log
        traceback.print_exc()
    finally:
        atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)


def _refusal(fds: list[int], stamp: dict[str, int]) -> str | None:
    if len(fds) != 3:
        return "streams"
    if thread_count() != 1:
        return "threads"
    if package_stamp() != stamp:
        return STALE
    return None


def _answer(conn: socket.socket, listener: socket.socket, stamp: dict[str, int]) -> None:
    message, fds, _flags, _addr = socket.recv_fds(conn, 1 << 20, 3)
    request = json.loads(message.decode("utf-8"))
    reason = _refusal(fds, stamp)
    if reason:
        for fd in fds:
            os.close(fd)
        conn.sendall(json.dumps({"error": reason}).encode() + b"\n")
        return
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        _run_child(request, fds, (conn, listener))
    for fd in fds:
        os.close(fd)
    conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")


def serve(folder: Path, owner: int) -> None:
    """Accept requests until the owner process ends; each request forks one kernel."""
    signal.signal(signal.SIGCHLD, _reap(folder))
    # Out at once, with no interpreter teardown (seconds with the whole stack imported).
    signal.signal(signal.SIGTERM, lambda s, f: os._exit(0))
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    path = folder / SOCKET_NAME
    listener.bind(str(path) + ".tmp")
    os.rename(str(path) + ".tmp", path)  # connectable only once bound and listening
    listener.listen(16)
    stamp = package_stamp()
    later = list(LAZY_MODULES)
    while os.getppid() == owner:
        # Import the next lazy module as soon as no request is waiting, then poll as usual.
        listener.settimeout(IDLE_IMPORT_POLL_S if later else OWNER_POLL_S)
        try:
            conn, _ = listener.accept()
        except TimeoutError:
            if later:
                warm_imports([later.pop(0)])
                gc.freeze()  # its objects too stay out of the kernels' collections
            continue
        except InterruptedError:  # pragma: no cover - PEP 475 retries
            continue
        with conn:
            conn.settimeout(None)
            _answer(conn, listener, stamp)


def main() -> None:
    folder = Path(sys.argv[1])
    owner = int(sys.argv[2])
    if os.getppid() != owner:  # the owner died before we came up: nobody else clears it
        shutil.rmtree(folder, ignore_errors=True)
        return
    prepare()
    # The imported stack moves to the permanent generation: a kernel's collections then scan
    # only its own objects, and never write to (and so copy) the pages it shares with us.
    gc.collect()
    gc.freeze()
    if thread_count() != 1:
        names = []
        for task in os.listdir("/proc/self/task"):
            names.append(Path(f"/proc/self/task/{task}/comm").read_text().strip())
        (folder / "refused").write_text(
            "threads after imports: " + ", ".join(names), encoding="utf-8"
        )
        os._exit(1)
    serve(folder, owner)
    # The owner has gone: nobody will stop us or clear the folder. Out at once, with no
    # interpreter teardown (seconds with the whole stack imported, on a loaded machine).
    shutil.rmtree(folder, ignore_errors=True)
    os._exit(0)


if __name__ == "__main__":
    main()

"""A worker process: takes tasks (jobs, combined reports) one at a time from the runner.

Started by the runner as `python -m lps_analysis.pipeline.worker` in a session of its own, so a
Ctrl-C in the terminal reaches only the runner, which decides. The protocol is one JSON object
per line: a task on stdin, its result on stdout (the original stdout: the worker's fd 1 goes to
/dev/null so that nothing a library or kernel prints can corrupt it). A worker whose runner has
gone (killed, even with SIGKILL) kills itself within half a second; its kernel, whose parent it
was, notices and exits too.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import sys
import threading
import time

from lps_analysis.atomic import write_atomic  # noqa: F401 - the pipeline's atomic writer

PARENT_POLL_S = 0.5


def _die_with_parent(parent: int) -> None:
    while True:
        if os.getppid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(PARENT_POLL_S)


def _protocol_channel():
    """The runner's pipe as a private file; fd 1 and sys.stdout point at /dev/null from now on."""
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    return channel


def _without_iri_format_checks() -> None:
    """Import jsonschema (through nbformat, papermill, nbconvert) without its `iri` formats.

    jsonschema registers the `iri` format checkers by importing `rfc3987_syntax`, which builds
    a parser from its grammar when imported: about 1.5 s of every worker's start on this kind
    of machine. The notebook schema uses no `iri` format, so a worker goes without them: the
    import fails as if the optional package were not installed, which jsonschema allows for.
    """
    sys.modules.setdefault("rfc3987_syntax", None)


def _fewer_collections() -> None:
    """Leave the imported modules out of every collection and collect less often.

    A worker's tasks (papermill's messages, nbconvert, the report passes, WeasyPrint's layout)
    make many short-lived objects and almost no garbage cycles: with CPython's default
    thresholds its collections scan the imported modules again and again. They are frozen
    (never scanned again) and the worker runs with the thresholds a PDF is laid out with
    (:data:`lps_analysis.report.pdf.LAYOUT_GC_THRESHOLDS`). Kernels are separate processes
    and keep their own settings.
    """
    from lps_analysis.report.pdf import LAYOUT_GC_THRESHOLDS

    gc.collect()
    gc.freeze()
    gc.set_threshold(*LAYOUT_GC_THRESHOLDS)


def main() -> None:
    parent = int(os.environ.get("LPS_RUNNER_PID") or os.getppid())
    if os.getppid() != parent:  # the runner died before this worker came up
        return
    threading.Thread(target=_die_with_parent, args=(parent,), daemon=True).start()
    # The kernels must not inherit a non-interactive backend (MPLBACKEND=Agg, as test runners
    # and headless shells set it): every chart would silently vanish from the reports.
    os.environ.pop("MPLBACKEND", None)
    channel = _protocol_channel()
    _without_iri_format_checks()
    from lps_analysis.kernels.provisioner import prestart
    from lps_analysis.pipeline.execute import run_job, run_report

    prestart()  # the kernel template imports the stack while the first task is on its way
    _fewer_collections()

    channel.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        task = json.loads(line)
        run = run_report if task["kind"] == "report" else run_job
        result = run(task)
        channel.write(json.dumps(result | {"task": task["id"]}, ensure_ascii=False) + "\n")
    _exit_now(channel)


def _exit_now(channel) -> None:
    """The runner has no more tasks: stop any template of its own and exit without tearing down.

    (A worker borrows the run's template; it starts its own only where it could not borrow.)

    Every result has been written and every job's files staged; what an interpreter's orderly
    exit would add is unloading the whole stack (pandas, WeasyPrint, nbconvert...), about 0.6 s
    that the runner would wait at the end of every run.
    """
    from lps_analysis.kernels.provisioner import stop_templates

    stop_templates()
    channel.flush()
    os._exit(0)


if __name__ == "__main__":
    main()

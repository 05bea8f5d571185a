"""The runner's side of the worker processes: start, hand out tasks, hear results, kill.

Each worker is a process of its own session (a Ctrl-C in the terminal does not reach it) that
dies with the runner; a reader thread per worker turns its result lines into events on one queue.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field

from lps_analysis.kernels import provisioner
from lps_analysis.kernels.provisioner import COLD_ENV, SHARED_ENV


@dataclass
class Worker:
    index: int
    process: subprocess.Popen
    task: dict | None = None
    alive: bool = True

    def send(self, task: dict) -> None:
        self.task = task
        self.process.stdin.write(json.dumps(task, ensure_ascii=False) + "\n")
        self.process.stdin.flush()

    def kill(self) -> None:
        """SIGKILL the worker's whole session; its kernel exits when it sees its parent gone."""
        if self.process.returncode is not None:
            return  # reaped: its pid (and session) may be someone else's now
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


@dataclass
class Event:
    worker: Worker
    result: dict | None  # None: the worker exited


@dataclass
class WorkerPool:
    """Up to `size` workers, started as tasks need them."""

    size: int
    cold: bool = False  # kernels spawned the usual way, not forked from a template
    events: queue.Queue = field(default_factory=queue.Queue)
    workers: list[Worker] = field(default_factory=list)
    # The run's kernel template, which every worker borrows; None when cold or unavailable.
    template: provisioner.Template | None = None
    _shared: bool = False  # whether starting it has been tried

    def _environment(self) -> dict[str, str]:
        """A worker's environment; the first time (unless cold), the run's template is started.

        MPLBACKEND is left out as the worker leaves it out of its kernels' environment: the
        template then imports under exactly the environment the workers ask for kernels under.
        """
        env = dict(os.environ, LPS_RUNNER_PID=str(os.getpid()))
        env.pop(COLD_ENV, None)
        env.pop(SHARED_ENV, None)
        env.pop("MPLBACKEND", None)
        if self.cold:
            env[COLD_ENV] = "1"
            return env
        if not self._shared:
            self._shared = True
            try:
                self.template = provisioner.share_template(env)
            except (provisioner.TemplateUnavailable, OSError):
                self.template = None  # each worker tries its own, and says why once
        if self.template is not None:
            env[SHARED_ENV] = str(self.template.folder)
        return env

    def _start(self) -> Worker:
        env = self._environment()
        process = subprocess.Popen(
            [sys.executable, "-m", "lps_analysis.pipeline.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            start_new_session=True,
            env=env,
        )
        worker = Worker(len(self.workers), process)
        self.workers.append(worker)
        threading.Thread(target=self._read, args=(worker,), daemon=True).start()
        return worker

    def _read(self, worker: Worker) -> None:
        for line in worker.process.stdout:
            message = json.loads(line)
            if "task" in message:
                self.events.put(Event(worker, message))
        worker.process.wait()
        self.events.put(Event(worker, None))

    def idle(self) -> Worker | None:
        """An idle live worker, starting one if there is room; None when all are busy."""
        for worker in self.workers:
            if worker.alive and worker.task is None:
                return worker
        if sum(w.alive for w in self.workers) < self.size:
            return self._start()
        return None

    def prestart(self, tasks: int) -> None:
        """Start the workers `tasks` will need now, so that their start-up overlaps the run's."""
        while len(self.workers) < min(self.size, tasks):
            self._start()

    @property
    def busy(self) -> list[Worker]:
        return [w for w in self.workers if w.alive and w.task is not None]

    def next_event(self, timeout: float) -> Event | None:
        try:
            event = self.events.get(timeout=timeout)
        except queue.Empty:
            return None
        if event.result is None:
            event.worker.alive = False
        return event

    def kill_all(self) -> None:
        for worker in self.workers:
            if worker.alive:
                worker.kill()
        self._stop_template()

    def _stop_template(self) -> None:
        """Stop the run's template (the kernels it forked run on until their jobs end)."""
        if self.template is not None:
            provisioner.retire_template(self.template)
            self.template = None

    def release_idle(self) -> None:
        """Close the input of idle workers: each exits at once (the run's template stays)."""
        for worker in self.workers:
            if worker.alive and worker.task is None:
                _close_input(worker)

    def close(self) -> None:
        """Let idle workers finish (stdin closed), kill any still busy, reap them all."""
        for worker in self.workers:
            if worker.task is not None:
                worker.kill()
            _close_input(worker)
        for worker in self.workers:
            try:
                worker.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.process.wait()
        self._stop_template()


def _close_input(worker: Worker) -> None:
    """End of tasks for the worker: it finishes its current one, if any, and exits."""
    try:
        worker.process.stdin.close()
    except OSError:
        pass

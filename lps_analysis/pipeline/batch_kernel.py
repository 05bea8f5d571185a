"""How a batch job's notebook runs under papermill: its engine, its kernel's start and end.

A batch kernel serves one job and is nobody's session, so three of the interactive defaults only
cost time there:

- **Writes.** papermill writes the whole notebook (images included) before and after every
  cell, for someone watching the file; a batch job's file is read once the job has ended, so
  :data:`BATCH_ENGINE` writes it at most every :data:`SAVE_EVERY_S` and at the end (also after a
  failure or a timeout).
- **Waiting for nothing at start.** jupyter_client's ``wait_for_ready`` ends by reading the
  kernel's IOPub channel until it has been quiet for 0.2 s: a fixed 0.2 s per job, a third of a
  warm job's start-up. nbclient reads only messages that answer its own requests, so
  :class:`BatchKernelClient` drops what is already there without waiting for more.
- **A graceful end.** nbclient asks the kernel to shut down and waits for it to exit. Now and
  then (a few jobs in a hundred here) a kernel does not exit, having caught the interrupt
  jupyter_client sends just before, and the job waits 2.5 s for the SIGTERM that follows. Every
  output has arrived by then (each cell is awaited until its kernel reports idle) and a batch
  kernel keeps nothing at exit (its history is in memory, :data:`BATCH_KERNEL_ARGS`), so it is
  stopped at once instead.
"""

from __future__ import annotations

import functools
import time
from queue import Empty

from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager, KernelManager
from jupyter_client.utils import ensure_async
from traitlets import Type

SAVE_EVERY_S = 30  # while a notebook runs, its output is written at most this often
BATCH_ENGINE = "lps-batch"
# A batch kernel keeps its input history in memory: twenty kernels writing the analyst's
# ~/.ipython history database wait on its lock. nbclient does this itself only for kernels
# named "python3".
BATCH_KERNEL_ARGS = ["--HistoryManager.hist_file=:memory:"]
KERNEL_INFO_WAIT_S = 1.0  # as jupyter_client: how long one kernel_info request is awaited
IOPUB_CHECK_S = 0.2  # as jupyter_client: IOPub must deliver within this to count as connected


class BatchKernelClient(AsyncKernelClient):
    async def wait_for_ready(self, timeout: float | None = None) -> None:
        """Return once the kernel answers ``kernel_info`` and its IOPub channel is connected.

        jupyter_client's own loop, except its last step: IOPub is drained of what has arrived,
        not read until it has been quiet for 0.2 s.
        """
        deadline = time.time() + (float("inf") if timeout is None else timeout)
        if not isinstance(self.parent, KernelManager):
            raise TypeError("BatchKernelClient is made by its kernel manager")
        while True:
            self.kernel_info()
            try:
                msg = await ensure_async(self.shell_channel.get_msg(timeout=KERNEL_INFO_WAIT_S))
            except Empty:
                pass
            else:
                if msg["msg_type"] == "kernel_info_reply" and await self._iopub_connected():
                    self._handle_kernel_info_reply(msg)
                    break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.time() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
        while True:  # what the kernel_info requests published, without waiting for more
            try:
                await ensure_async(self.iopub_channel.get_msg(timeout=0))
            except Empty:
                return

    async def _iopub_connected(self) -> bool:
        try:
            await ensure_async(self.iopub_channel.get_msg(timeout=IOPUB_CHECK_S))
        except Empty:
            return False
        return True


class BatchKernelManager(AsyncKernelManager):
    """The kernel manager of batch jobs: its clients are :class:`BatchKernelClient`."""

    client_factory = Type(BatchKernelClient, klass=AsyncKernelClient, config=True)


@functools.cache
def batch_engine() -> str:
    """papermill's nbclient engine, writing the output notebook at most every `SAVE_EVERY_S`."""
    from papermill.engines import NBClientEngine, papermill_engines

    class BatchEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            save, last = nb_man.save, [time.monotonic()]

            def seldom(**kw):
                if time.monotonic() - last[0] >= SAVE_EVERY_S:
                    save(**kw)
                    last[0] = time.monotonic()

            nb_man.save = seldom
            try:
                return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
            finally:
                del nb_man.save  # the final write (notebook_complete) is a real one

    papermill_engines.register(BATCH_ENGINE, BatchEngine)
    return BATCH_ENGINE


def batch_options() -> dict:
    """papermill keyword arguments that run a notebook as a batch job (see the module notes)."""
    return {
        "engine_name": batch_engine(),
        "extra_arguments": BATCH_KERNEL_ARGS,
        "kernel_manager_class": BatchKernelManager,
        "shutdown_kernel": "immediate",
    }

"""How a batch job's notebook runs: written seldom, history in memory, kernels ready and stopped
without the interactive waits (`lps_analysis.pipeline.batch_kernel`)."""

from __future__ import annotations

import asyncio
import os
import signal

import nbformat
import pytest

from lps_analysis import paths
from lps_analysis.kernels.provisioner import COLD_ENV
from lps_analysis.pipeline.batch_kernel import (
    BATCH_KERNEL_ARGS,
    BatchKernelClient,
    BatchKernelManager,
    batch_options,
)
from lps_analysis.pipeline.execute import execute


def _notebook(folder, *sources: str):
    """A notebook of the project's kernel: a parameters cell (`output_path`), then `sources`."""
    cells = [nbformat.v4.new_code_cell("output_path = ''", metadata={"tags": ["parameters"]})]
    cells += [nbformat.v4.new_code_cell(source) for source in sources]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": paths.KERNEL_NAME,
        "display_name": "lps",
        "language": "python",
    }
    path = folder / "nb.ipynb"
    nbformat.write(nb, path)
    return path


def _code_cells(output) -> list:
    """The run notebook's code cells: the parameters, papermill's injected ones, the rest."""
    return [c for c in nbformat.read(output, as_version=4).cells if c.cell_type == "code"]


def _texts(output) -> list[str]:
    return ["".join(o.get("text", "") for o in c.get("outputs", [])) for c in _code_cells(output)]


def _run(folder, *sources: str) -> list[str]:
    output = folder / "out.ipynb"
    execute(_notebook(folder, *sources), output, {"output_path": str(output)}, folder, timeout=120)
    return _texts(output)


def test_a_job_writes_its_notebook_once_it_has_run_not_around_every_cell(tmp_path):
    """papermill would rewrite the whole notebook before and after each cell; a batch job's
    notebook is written when it starts and when it ends (also when a cell fails)."""
    output = tmp_path / "out.ipynb"
    notebook = _notebook(
        tmp_path,
        "print('first-cell-' + 'output')",  # not in the source
        "from pathlib import Path\n"
        "marker = 'first-cell-' + 'output'\n"
        "print('seen' if marker in Path(output_path).read_text() else 'unseen')",
        "raise ValueError('the last cell fails')",
    )
    with pytest.raises(Exception, match="the last cell fails"):
        execute(notebook, output, {"output_path": str(output)}, tmp_path, timeout=120)
    texts = _texts(output)
    assert texts[2] == "first-cell-output\n"  # the final write holds every cell's output
    assert texts[3] == "unseen\n"  # but nothing was written between the cells
    assert _code_cells(output)[4].metadata.papermill["status"] == "failed"


@pytest.mark.parametrize("cold", [False, True])
def test_a_batch_kernel_keeps_its_history_in_memory_not_in_the_analysts_file(
    tmp_path, monkeypatch, cold
):
    """Warm (forked) and cold (spawned) kernels alike: nothing a job runs lands in the user's
    IPython history database."""
    if cold:
        monkeypatch.setenv(COLD_ENV, "1")
    texts = _run(tmp_path, "print(get_ipython().history_manager.hist_file)")
    assert texts[-1] == ":memory:\n"


@pytest.mark.parametrize("cold", [False, True])
def test_a_batch_kernel_is_stopped_at_once_when_its_notebook_is_done(tmp_path, monkeypatch, cold):
    """Not asked to shut down and awaited: an exit handler the notebook registered never runs,
    and every output of every cell is in the notebook all the same."""
    if cold:
        monkeypatch.setenv(COLD_ENV, "1")
    ended = tmp_path / "ended.txt"
    texts = _run(
        tmp_path,
        "import atexit\n"
        f"atexit.register(lambda: open({str(ended)!r}, 'w').write('graceful'))\n"
        "print('registered')",
        "import sys\nfor i in range(3):\n    print(i)\n    sys.stdout.flush()",
    )
    assert texts[2:] == ["registered\n", "0\n1\n2\n"]
    assert not ended.exists()


def test_batch_options_are_what_execute_gives_papermill():
    options = batch_options()
    assert options["kernel_manager_class"] is BatchKernelManager
    assert options["shutdown_kernel"] == "immediate"
    assert options["extra_arguments"] == BATCH_KERNEL_ARGS
    assert batch_options()["engine_name"] == options["engine_name"]  # registered once


async def _started(**kw):
    km = BatchKernelManager(kernel_name=paths.KERNEL_NAME)
    await km.start_kernel(extra_arguments=BATCH_KERNEL_ARGS, **kw)
    kc = km.client()
    kc.start_channels()
    return km, kc


def test_a_batch_kernel_client_returns_ready_and_the_kernel_answers():
    async def scenario():
        km, kc = await _started()
        try:
            assert isinstance(kc, BatchKernelClient)
            await kc.wait_for_ready(timeout=120)
            reply = await kc.execute_interactive("6 * 7", timeout=60, output_hook=outputs.append)
            return reply["content"]["status"]
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)

    outputs: list = []
    assert asyncio.run(scenario()) == "ok"
    results = [
        m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"
    ]
    assert results == ["42"]


def test_a_kernel_that_dies_before_it_is_ready_is_reported_as_such(monkeypatch):
    """The message `execute` retries on (a kernel that never came up), not a hang."""
    monkeypatch.setenv(COLD_ENV, "1")

    async def scenario():
        km, kc = await _started()
        try:
            os.kill(km.provisioner.process.pid, signal.SIGKILL)
            with pytest.raises(RuntimeError, match="Kernel died before replying to kernel_info"):
                await kc.wait_for_ready(timeout=60)
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)

    asyncio.run(scenario())


def test_a_client_not_made_by_a_kernel_manager_is_refused():
    async def scenario():
        with pytest.raises(TypeError):
            await BatchKernelClient().wait_for_ready(timeout=1)

    asyncio.run(scenario())

"""The output folder: checked writable, locked for one run at a time, with a run log.

Two runs on one folder would delete each other's work and race on the manifest, so `lps run`
holds an exclusive lock (`.lps-run.lock`, released by the system when the process ends, however
it ends); a second run names the holder and refuses, or waits with `--wait`.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import socket
import sys
from pathlib import Path

from lps_analysis.pipeline.manifest import now

LOCK_FILE = ".lps-run.lock"
RUN_LOG = "run.log"


class OutputFolderError(RuntimeError):
    """The output folder cannot be created or written (read-only, full, not a folder)."""


class RunLocked(RuntimeError):
    """Another `lps run` holds the output folder."""


def os_error_reason(exc: OSError) -> str:
    """What an OS error means for an output folder, in Chinese."""
    return {
        errno.ENOSPC: "磁盘已满",
        errno.EDQUOT: "超出磁盘配额",
        errno.EFBIG: "文件超出大小限制",
        errno.EROFS: "文件系统只读",
        errno.EACCES: "没有写入权限",
        errno.EPERM: "不允许写入",
        errno.ENOTDIR: "不是文件夹",
        errno.EEXIST: "已存在同名文件",
    }.get(exc.errno, "无法写入")


def describe_os_error(folder: Path, exc: OSError) -> str:
    return (
        f"输出文件夹无法使用：{folder}（{os_error_reason(exc)}）。\n"
        f"    Output folder unusable: {folder} ({exc.strerror or exc})."
    )


def prepare(folder: Path) -> None:
    """Create the folder and prove a file can be written there; OutputFolderError if not."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".lps-probe-{os.getpid()}"
        probe.write_bytes(b"\0" * 4096)
        probe.unlink()
    except OSError as exc:
        raise OutputFolderError(describe_os_error(folder, exc)) from None


class RunLock:
    """An exclusive lock on the output folder for the life of this process."""

    def __init__(self, folder: Path, *, wait: bool = False):
        self.path = Path(folder) / LOCK_FILE
        self.wait = wait
        self.fd: int | None = None

    def _holder(self) -> str:
        try:
            info = json.loads(self.path.read_text(encoding="utf-8"))
            return (
                f"进程 {info['pid']}（{info['host']}，{info['started']} 开始：{info['command']}）"
            )
        except (OSError, ValueError, KeyError, TypeError):
            return "另一个 lps run"

    def acquire(self) -> RunLock:
        try:
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as exc:
            raise OutputFolderError(describe_os_error(self.path.parent, exc)) from None
        flags = fcntl.LOCK_EX | (0 if self.wait else fcntl.LOCK_NB)
        try:
            fcntl.flock(self.fd, flags)
        except BlockingIOError:
            holder = self._holder()
            os.close(self.fd)
            self.fd = None
            raise RunLocked(
                f"输出文件夹 {self.path.parent} 正被{holder}使用；等它结束后再运行，"
                "或加 --wait 排队等待。\n"
                f"    Output folder in use by {holder}; retry later or pass --wait."
            ) from None
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": now(),
            "command": " ".join(["lps", *sys.argv[1:]]),
        }
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, json.dumps(info, ensure_ascii=False).encode(), 0)
        return self

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> RunLock:
        return self if self.fd is not None else self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def log_line(folder: Path, text: str) -> None:
    """Append one line to the output folder's run log; a full disk must not stop the run."""
    try:
        with open(Path(folder) / RUN_LOG, "a", encoding="utf-8") as fh:
            fh.write(f"{now()} [{os.getpid()}] {text}\n")
    except OSError:
        pass

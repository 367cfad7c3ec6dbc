"""One writer at a time: an advisory lock file beside a workbook (or a folder written as one set).

Every run that reads a workbook and then writes it back holds this lock from before its read to after its atomic
replace, so a second writer cannot read the old file and overwrite the first one's rows (a lost log row).
Readers do not take it: they see the old or the new file, never a mix, because writes are one rename.

    with writer_lock(path, action="更新"):
        ...read, compute, write atomically...

The lock is `filelock.FileLock` (fcntl on Linux/macOS, msvcrt on Windows): the operating system releases it when
the holder dies, so a killed run never leaves the file locked.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from kaikaku_xl.errors import WorkbookError

DEFAULT_WAIT_SECONDS = 10.0
WAIT_ENV = "KAIKAKU_LOCK_WAIT"  # seconds a second writer waits before giving up (an administrator's setting)


def lock_path(path: Path) -> Path:
    """The lock file of a workbook: beside it, named after it, so two workbooks in one folder never share one; for
    a symbolic link, beside its target (everyone reaching the shared file through a link takes the same lock)."""
    path = path.resolve() if path.is_symlink() else path
    return path.with_name(f".{path.name}.kaikaku-lock")


def _wait_seconds(wait: float | None) -> float:
    if wait is not None:
        return wait
    try:
        return max(0.0, float(os.environ.get(WAIT_ENV, DEFAULT_WAIT_SECONDS)))
    except ValueError:
        return DEFAULT_WAIT_SECONDS


def is_locked(path: Path) -> bool:
    """Whether a live process holds the writer lock of `path` right now (without waiting)."""
    probe = FileLock(lock_path(path), timeout=0, thread_local=False)
    try:
        probe.acquire(timeout=0)
    except Timeout:
        return True
    except OSError:
        return False
    probe.release()
    return False


@contextmanager
def writer_lock(path: str | Path, *, action: str = "更新", wait: float | None = None) -> Iterator[None]:
    """Hold the writer lock of `path` for the duration of the block; WorkbookError if another writer keeps it
    longer than `wait` seconds (default 10, or KAIKAKU_LOCK_WAIT). action: the work, in the message (…できません)."""
    path = Path(path)
    seconds = _wait_seconds(wait)
    lock = FileLock(lock_path(path), timeout=seconds, thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        raise WorkbookError(
            f"{path.name} は別の処理が書き込み中のため、{action}できませんでした"
            f"（{seconds:g} 秒待ちました）。その処理が終わってから、もう一度実行してください。"
        ) from None
    except OSError as exc:
        raise WorkbookError(
            f"{path.name} のフォルダーにロックファイルを作れないため、{action}できません（{exc.strerror or exc}）。"
            "フォルダーの書き込み権限を確認してください。"
        ) from None
    try:
        yield
    finally:
        lock.release()

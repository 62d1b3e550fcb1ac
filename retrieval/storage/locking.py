"""A lock on the index folder, so that two processes adding articles take turns.

A wait for the lock has a limit: past it, or when the folder can't be written
at all, the error is ``IndexUnwritable``, on which a reader answers from the
last saved index and a writer stops with its one-line message.
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from retrieval.errors import IndexStoreError

LOCK_FILE = ".lock"

# Why the index folder can't be written now, by errno: a reader can still answer.
_UNWRITABLE = {
    errno.EROFS: "the index folder is read-only",
    errno.EACCES: "the index folder is not writable (permission denied)",
    errno.EPERM: "the index folder is not writable (operation not permitted)",
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
}


class IndexUnwritable(IndexStoreError):
    """The index folder can't be updated now: read-only, full, not ours, or locked too long."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def store_error(path: Path, exc: OSError, doing: str = "cannot write") -> IndexStoreError:
    """The one-line error for an OSError on the index folder."""
    message = f"{path}: {doing} ({exc.strerror or exc})"
    reason = _UNWRITABLE.get(exc.errno or 0)
    return IndexUnwritable(message, reason) if reason else IndexStoreError(message)


@contextmanager
def index_lock(index_dir: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the index folder's lock while the block runs, waiting at most ``timeout`` seconds.

    The lock is the kernel's (flock): it goes with the process, so a process
    killed while holding it never leaves the folder locked.
    """
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(index_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise store_error(index_dir, exc, "cannot lock the index") from None
    try:
        _acquire(fd, index_dir, timeout)
        yield
    finally:
        # Closing the file releases the lock.
        os.close(fd)


def _acquire(fd: int, index_dir: Path, timeout: float | None) -> None:
    if timeout is None:
        fcntl.flock(fd, fcntl.LOCK_EX)
        return
    deadline = time.monotonic() + timeout
    pause = 0.005
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            left = deadline - time.monotonic()
        if left <= 0:
            reason = f"another process has held the index lock for over {timeout:g} s"
            raise IndexUnwritable(f"{index_dir}: cannot lock the index ({reason})", reason)
        time.sleep(min(pause, left))
        pause = min(pause * 2, 0.1)

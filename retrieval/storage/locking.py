"""A lock on the index folder, so that two processes adding articles take turns."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from retrieval.errors import IndexStoreError

LOCK_FILE = ".lock"


@contextmanager
def index_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index folder's lock (waiting for it) while the block runs.

    The lock is the kernel's (flock): it goes with the process, so a process
    killed while holding it never leaves the folder locked.
    """
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(index_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise IndexStoreError(f"{index_dir}: cannot lock the index ({exc.strerror})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

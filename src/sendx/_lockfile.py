"""One live process per file: an ``flock`` on a lock file beside it.

The outbox's spool and the emulator's database each take one, so that a second
process fails at once with a clear message instead of corrupting the first's work.
The lock file holds the owner's pid, for that message; the lock itself goes with
the process (the kernel drops an ``flock`` when its descriptor closes).
"""

from __future__ import annotations

import errno
import fcntl
import os

__all__ = ["Locked", "acquire"]


class Locked(Exception):
    """Another process holds the lock; ``holder`` says which, for messages."""

    def __init__(self, pid: int | None) -> None:
        self.pid = pid
        self.holder = f"process {pid}" if pid else "another process"
        super().__init__(f"locked by {self.holder}")


def acquire(lock_path: str) -> int:
    """Take the lock (creating the file, readable by its owner only); the open
    descriptor, to ``os.close`` when done. Raises :class:`Locked`, or ``OSError``
    when the file cannot be opened."""
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        pid = _read_pid(fd)
        os.close(fd)
        if exc.errno not in (errno.EWOULDBLOCK, errno.EACCES, errno.EAGAIN):
            raise
        raise Locked(pid) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode(), 0)
    return fd


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        return int(text) if text else None
    except (OSError, ValueError):
        return None

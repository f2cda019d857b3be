"""The errors file: one JSON line per row that did not go through, and the lookup
that finds a refused row's text again.

Every entry has ``line`` (the row's first line), ``reason`` and ``row`` (the row's
text as in the file); a row SendX refused has its ``status`` too. The reason is the
message sendx gives everywhere (exceptions, logs), so it never holds a contact's email
whole; ``row`` is the user's own data, whole, to fix and import again. The file is
created readable by its owner only, as the spool is.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import os
import threading
from array import array
from typing import Any

from sendx.bulk._read import Source

__all__ = ["ErrorsFile", "RowFinder"]

#: A lookup reads at most this many rows again (see :class:`RowFinder`).
_STEP = 128


class ErrorsFile:
    """JSON lines ``{"line", "reason", "row"[, "status"]}``, each written with one
    ``write`` call (worker threads report refused rows while the reader adds bad ones)."""

    def __init__(self, path: str, *, append: bool) -> None:
        self.path = path
        flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
        self._fd = os.open(path, flags, 0o600)
        if not append:
            os.close(self._fd)
            self._fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        self._lock = threading.Lock()

    def write(
        self, line: int | None, reason: str, row: str | None, status: int | None = None
    ) -> None:
        record: dict[str, Any] = {"line": line, "reason": reason}
        if status is not None:
            record["status"] = status
        record["row"] = row
        data = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        with self._lock:
            os.write(self._fd, data)

    def close(self) -> None:
        os.close(self._fd)


class RowFinder:
    """A row's text by its line number.

    The spool keeps a row's call and its line, not its text; when SendX refuses a row,
    its text is read again from the file. The import notes where each batch of rows
    starts (16 bytes per 128 rows), so a lookup reads at most one batch again; rows
    before a resumed run's start are found by reading from the top once, noting the
    same marks on the way.
    """

    def __init__(self, source: Source, line: int = 0, offset: int = 0) -> None:
        self._source = source
        self._lines = array("q", [0])  # after line _lines[i], rows start at _offsets[i]
        self._offsets = array("q", [0])
        self._lock = threading.Lock()
        if line:
            self.note(line, offset)

    def note(self, line: int, offset: int) -> None:
        """The rows after line ``line`` start at byte ``offset``."""
        with self._lock:
            at = bisect.bisect_left(self._lines, line)
            if at == len(self._lines) or self._lines[at] != line:
                self._lines.insert(at, line)
                self._offsets.insert(at, offset)

    def find(self, line: int | None) -> str | None:
        """The text of the row that starts on ``line``; ``None`` when no row does."""
        if line is None:
            return None
        with self._lock:
            at = bisect.bisect_left(self._lines, line) - 1
            after, offset = self._lines[at], self._offsets[at]
        with contextlib.closing(self._source.rows(offset, after)) as rows:
            for count, row in enumerate(rows, 1):
                if row.line >= line:
                    return row.raw if row.line == line else None
                if count % _STEP == 0:
                    self.note(row.last, row.end)
        return None

"""Sending a dead-letter file again (``sendx replay FILE``).

The file is first renamed to ``FILE.replaying``, so an outbox still appending to
``FILE`` never races with the replay; calls that fail again are appended to ``FILE``
(with their new reason), and ``FILE.replaying`` is removed at the end. Malformed lines
are put back into ``FILE`` unchanged: nothing is ever lost.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sendx.errors import SendXError
from sendx.outbox._calls import entry_from_record, read_dead_letters

if TYPE_CHECKING:
    from sendx._client import SendX

__all__ = ["ReplayResult", "replay_file"]


@dataclass(frozen=True, slots=True)
class ReplayResult:
    """``sent`` calls (2xx), ``failed`` again (back in the file), ``malformed`` lines."""

    sent: int
    failed: int
    malformed: int


def replay_file(path: str, client: SendX, *, concurrency: int = 8) -> ReplayResult:
    """Send every call of the dead-letter file ``path`` again, in order per contact."""
    working = path + ".replaying"
    if os.path.exists(working):
        raise SendXError(
            f"an interrupted replay left {working!r}: replay that file first "
            f"(sendx replay {working}), then {path!r}"
        )
    if not os.path.exists(path):
        raise SendXError(f"no such file: {path!r}")
    os.rename(path, working)
    from sendx.outbox._sync import Outbox

    outbox = Outbox(
        client,
        workers=concurrency,
        dead_letters=path,
        on_error=lambda call, error: None,  # the new reason is in the file
    )
    malformed = 0
    try:
        for number, record in read_dead_letters(working):
            try:
                if isinstance(record, Exception):
                    raise ValueError(str(record))
                entry = entry_from_record(record, number)
            except ValueError:
                malformed += 1
                _put_back(working, path, number)
                continue
            outbox._put(entry)
        result = outbox.close(None)
    except BaseException:
        outbox.close(5.0)
        raise
    os.remove(working)
    return ReplayResult(sent=result.sent, failed=result.failed, malformed=malformed)


def _put_back(source: str, target: str, number: int) -> None:
    with open(source, "rb") as handle:
        for current, raw in enumerate(handle, 1):
            if current == number:
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
                try:
                    os.write(fd, raw if raw.endswith(b"\n") else raw + b"\n")
                finally:
                    os.close(fd)
                return

"""The outbox's public values and errors: results, statistics, the calls it reports.

Kept apart from the delivery machinery so that ``sendx.outbox`` can re-export them and
the sync and async outboxes can share them without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sendx.errors import SendXError

__all__ = [
    "FlushResult",
    "OutboxCall",
    "OutboxClosedError",
    "OutboxFullError",
    "OutboxStats",
    "SpoolLockedError",
]


@dataclass(frozen=True, slots=True)
class FlushResult:
    """What a :meth:`flush` or :meth:`close` saw: calls ``sent`` (2xx) and ``failed``
    (moved to the dead-letter file) since the previous flush, and calls still
    ``pending`` when it returned (0 means everything was delivered or dead-lettered)."""

    sent: int
    failed: int
    pending: int


@dataclass(frozen=True, slots=True)
class OutboxStats:
    """Counters since the outbox was created (in this process).

    - ``put``: calls accepted (recovered ones not counted);
    - ``sent``: calls answered with a 2xx (a coalesced request counts each call);
    - ``failed``: calls moved to the dead-letter file;
    - ``dropped``: calls refused because the outbox was full and ``on_full="drop"``;
    - ``retried``: times the outbox sent a request again after a transient failure
      that outlasted the client's own retries;
    - ``pending``: calls accepted (or recovered from the spool) and not yet finished.
    """

    put: int
    sent: int
    failed: int
    dropped: int
    retried: int
    pending: int


@dataclass(frozen=True, slots=True)
class OutboxCall:
    """One call as the outbox holds it, handed to ``on_error`` and ``on_drop``.

    ``kind`` is ``"identify"``, ``"track"``, ``"send_email"``, ``"send_template"``,
    ``"revenue"`` or ``"custom_event"``; ``email`` names the contact (an event's
    ``identifier``, an address or an id; an email's first recipient); ``body`` is the
    JSON request body (``None`` for a track without tags); ``ref`` is the caller's
    reference, if any (the bulk import stores the input line number there).
    """

    kind: str
    email: str
    body: bytes | None
    ref: int | None = None

    def __repr__(self) -> str:
        # The body is personal data: keep it out of logs that print the call.
        return f"OutboxCall(kind={self.kind!r}, email=..., ref={self.ref!r})"


class OutboxFullError(SendXError):
    """``on_full="raise"`` and ``max_pending`` calls are already waiting."""

    def __init__(self, message: str, *, max_pending: int) -> None:
        super().__init__(message)
        self.max_pending = max_pending

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_full, (self.message, self.max_pending))


class OutboxClosedError(SendXError):
    """A call was put into an outbox after :meth:`close`."""


class SpoolLockedError(SendXError):
    """Another live process holds the spool; each process needs its own spool file.

    ``path`` is the spool's path and ``pid`` the holder's process id, when known.
    """

    def __init__(self, message: str, *, path: str, pid: int | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.pid = pid

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_locked, (self.message, self.path, self.pid))


def _rebuild_full(message: str, max_pending: int) -> OutboxFullError:
    return OutboxFullError(message, max_pending=max_pending)


def _rebuild_locked(message: str, path: str, pid: int | None) -> SpoolLockedError:
    return SpoolLockedError(message, path=path, pid=pid)


for _cls in (
    FlushResult,
    OutboxStats,
    OutboxCall,
    OutboxFullError,
    OutboxClosedError,
    SpoolLockedError,
):
    _cls.__module__ = "sendx"

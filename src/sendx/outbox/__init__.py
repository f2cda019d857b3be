"""Background delivery that loses nothing: :class:`Outbox` and :class:`AsyncOutbox`.

Build one from a client, ``client.outbox(spool="calls.db")``; ``outbox.identify(...)``,
``outbox.track(...)``, ``outbox.emails.send(...)``, ``outbox.emails.send_template(...)``,
``outbox.events.revenue(...)`` and ``outbox.events.custom(...)`` take the client's
arguments, validate them at once and return in microseconds; workers deliver through
the client, in order per contact.
See ``docs/outbox.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sendx.outbox._types import (
    FlushResult,
    OutboxCall,
    OutboxClosedError,
    OutboxFullError,
    OutboxStats,
    SpoolLockedError,
)

if TYPE_CHECKING:
    from sendx.outbox._async import AsyncOutbox
    from sendx.outbox._sync import Outbox

__all__ = [
    "AsyncOutbox",
    "FlushResult",
    "Outbox",
    "OutboxCall",
    "OutboxClosedError",
    "OutboxFullError",
    "OutboxStats",
    "SpoolLockedError",
]


def __getattr__(name: str) -> Any:
    # The sync and async machinery load apart: an asyncio app never starts threads'
    # modules it does not use, and the reverse.
    if name == "Outbox":
        from sendx.outbox._sync import Outbox

        return Outbox
    if name == "AsyncOutbox":
        from sendx.outbox._async import AsyncOutbox

        return AsyncOutbox
    raise AttributeError(f"module 'sendx.outbox' has no attribute {name!r}")

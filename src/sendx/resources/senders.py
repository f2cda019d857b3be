"""Senders: ``client.senders`` (``/sender``): create and list the addresses the team
sends from (SendX's API has no other operation on them).

SendX verifies a new sender by mail before it may send (``is_whitelisted``). SendX
does not page this list: it comes whole, in one answer.
"""

from __future__ import annotations

import msgspec

from sendx._core import Call
from sendx._paging import AsyncPager, Pager
from sendx._validation import check_email
from sendx.resources._family import AsyncFamily, Family
from sendx.resources._rest import MAX_PAGE, TimeoutArg, body, check_text, decoder, rest_call

__all__ = ["AsyncSenders", "Sender", "Senders"]


class Sender(msgspec.Struct, frozen=True, rename="camel"):
    """An address the team sends from: ``id`` (``sender_...``), display ``name``,
    ``email``, and ``is_whitelisted`` (SendX verified it)."""

    id: str
    name: str = ""
    email: str = ""
    is_whitelisted: bool = False


def create_call(*, name: str, email: str) -> Call[Sender]:
    """``POST /sender``: not idempotent (sent twice, the second is a 403: the address
    is taken)."""
    payload = body({"name": check_text(name, "name", required=True), "email": check_email(email)})
    return rest_call("POST", "/sender", decoder(Sender), payload=payload, idempotent=False)


def all_call(offset: int, limit: int) -> Call[list[Sender]]:
    """``GET /sender``: every sender (SendX takes no ``offset`` or ``limit``)."""
    return rest_call("GET", "/sender", decoder(list[Sender]))


class Senders(Family):
    """``client.senders``: the addresses the team sends from, blocking."""

    _prefix, _field = "sender_", "sender_id"

    def create(self, *, name: str, email: str, timeout: TimeoutArg = None) -> Sender:
        """Add a sender (SendX mails it to verify it); an address the team has, in any
        case, is a ``PermissionDeniedError`` (403)."""
        return self._send(create_call(name=name, email=email), timeout)

    def list(self) -> Pager[Sender]:
        """Every sender (one request: SendX does not page them)."""
        return Pager(self._shell, all_call, MAX_PAGE, paged=False)


class AsyncSenders(AsyncFamily):
    """``client.senders``: the addresses the team sends from, for asyncio."""

    _prefix, _field = "sender_", "sender_id"

    async def create(self, *, name: str, email: str, timeout: TimeoutArg = None) -> Sender:
        """Add a sender (SendX mails it to verify it); an address the team has, in any
        case, is a ``PermissionDeniedError`` (403)."""
        return await self._send(create_call(name=name, email=email), timeout)

    def list(self) -> AsyncPager[Sender]:
        """Every sender (one request: SendX does not page them)."""
        return AsyncPager(self._shell, all_call, MAX_PAGE, paged=False)

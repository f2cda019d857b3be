"""The REST API's calls the outbox takes: ``outbox.emails.send``,
``outbox.emails.send_template``, ``outbox.events.revenue`` and
``outbox.events.custom``, with the client's own arguments.

Each is checked in the caller by the client's call builder (``InvalidRequestError``
there, nothing queued) and becomes an :class:`~sendx.outbox._calls.Entry` that is not
idempotent: a worker sends it once, the outbox retries it only where SendX surely did
not get it, and one in flight when the process died is dead-lettered, never sent again
blindly. An email is ordered after the earlier calls of each of its recipients, an
event after those of its contact (:func:`~sendx.outbox._calls.entry_keys`).
"""

from __future__ import annotations

import decimal
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

import msgspec

from sendx._core import Call
from sendx.outbox._calls import (
    CUSTOM_EVENT,
    REVENUE,
    SEND_EMAIL,
    SEND_TEMPLATE,
    Entry,
    recipients_of,
)
from sendx.resources._addresses import Address, Recipient
from sendx.resources.emails import send_call, send_template_call
from sendx.resources.events import EventTime, custom_call, revenue_call

__all__ = ["AsyncOutboxEmails", "AsyncOutboxEvents", "OutboxEmails", "OutboxEvents"]


def _email_entry(kind: str, call: Call[Any]) -> Entry:
    # The first recipient names the call in on_error and the dead-letter file.
    return Entry(0, kind, recipients_of(call.body)[0], None, call.body, False)


def _event_entry(kind: str, call: Call[Any]) -> Entry:
    # The contact as the call names it (an id with its prefix, or the address).
    identifier = msgspec.json.decode(call.body or b"{}")["identifier"]
    return Entry(0, kind, identifier, None, call.body, False)


def send_entry(**arguments: Any) -> Entry:
    """A checked ``emails.send``."""
    return _email_entry(SEND_EMAIL, send_call(**arguments))


def send_template_entry(**arguments: Any) -> Entry:
    """A checked ``emails.send_template``."""
    return _email_entry(SEND_TEMPLATE, send_template_call(**arguments))


def revenue_entry(**arguments: Any) -> Entry:
    """A checked ``events.revenue``."""
    return _event_entry(REVENUE, revenue_call(**arguments))


def custom_entry(**arguments: Any) -> Entry:
    """A checked ``events.custom``."""
    return _event_entry(CUSTOM_EVENT, custom_call(**arguments))


class OutboxEmails:
    """``outbox.emails``: ``client.emails.send`` and ``send_template``, queued."""

    def __init__(self, put: Callable[[Entry], object]) -> None:
        self._put = put

    def send(
        self,
        *,
        from_: Address,
        to: Recipient | Iterable[Recipient],
        subject: str,
        html_body: str,
        text_body: str | None = None,
        reply_to: Address | None = None,
        headers: Mapping[str, str] | None = None,
        template: str | None = None,
    ) -> None:
        """Queue ``client.emails.send(...)`` with the same arguments; return at once.

        Checked here (``InvalidRequestError``); sent once, after the calls put earlier
        for any of its recipients; never sent twice."""
        self._put(
            send_entry(
                from_=from_,
                to=to,
                subject=subject,
                html_body=html_body,
                text_body=text_body,
                reply_to=reply_to,
                headers=headers,
                template=template,
            )
        )

    def send_template(
        self,
        *,
        from_: Address,
        to: Recipient | Iterable[Recipient],
        subject: str,
        template: str,
        reply_to: Address | None = None,
    ) -> None:
        """Queue ``client.emails.send_template(...)``; return at once."""
        self._put(
            send_template_entry(
                from_=from_, to=to, subject=subject, template=template, reply_to=reply_to
            )
        )


class OutboxEvents:
    """``outbox.events``: ``client.events.revenue`` and ``custom``, queued."""

    def __init__(self, put: Callable[[Entry], object]) -> None:
        self._put = put

    def revenue(
        self,
        *,
        identifier: str,
        amount: float | decimal.Decimal,
        source: str | None = None,
        time: EventTime | None = None,
    ) -> None:
        """Queue ``client.events.revenue(...)``; return at once. Sent after the calls
        put earlier for the same contact (named the same way: address or id)."""
        self._put(revenue_entry(identifier=identifier, amount=amount, source=source, time=time))

    def custom(
        self,
        *,
        identifier: str,
        name: str,
        data: Mapping[str, Any] | None = None,
        time: EventTime | None = None,
    ) -> None:
        """Queue ``client.events.custom(...)``; return at once."""
        self._put(custom_entry(identifier=identifier, name=name, data=data, time=time))


class AsyncOutboxEmails:
    """``outbox.emails`` of an :class:`AsyncOutbox`: the same, awaitable."""

    def __init__(self, put: Callable[[Entry], Awaitable[object]]) -> None:
        self._put = put

    async def send(
        self,
        *,
        from_: Address,
        to: Recipient | Iterable[Recipient],
        subject: str,
        html_body: str,
        text_body: str | None = None,
        reply_to: Address | None = None,
        headers: Mapping[str, str] | None = None,
        template: str | None = None,
    ) -> None:
        """Queue ``client.emails.send(...)``; returns at once unless the outbox is full
        and ``on_full="block"``."""
        await self._put(
            send_entry(
                from_=from_,
                to=to,
                subject=subject,
                html_body=html_body,
                text_body=text_body,
                reply_to=reply_to,
                headers=headers,
                template=template,
            )
        )

    async def send_template(
        self,
        *,
        from_: Address,
        to: Recipient | Iterable[Recipient],
        subject: str,
        template: str,
        reply_to: Address | None = None,
    ) -> None:
        """Queue ``client.emails.send_template(...)``."""
        await self._put(
            send_template_entry(
                from_=from_, to=to, subject=subject, template=template, reply_to=reply_to
            )
        )


class AsyncOutboxEvents:
    """``outbox.events`` of an :class:`AsyncOutbox`: the same, awaitable."""

    def __init__(self, put: Callable[[Entry], Awaitable[object]]) -> None:
        self._put = put

    async def revenue(
        self,
        *,
        identifier: str,
        amount: float | decimal.Decimal,
        source: str | None = None,
        time: EventTime | None = None,
    ) -> None:
        """Queue ``client.events.revenue(...)``."""
        await self._put(
            revenue_entry(identifier=identifier, amount=amount, source=source, time=time)
        )

    async def custom(
        self,
        *,
        identifier: str,
        name: str,
        data: Mapping[str, Any] | None = None,
        time: EventTime | None = None,
    ) -> None:
        """Queue ``client.events.custom(...)``."""
        await self._put(custom_entry(identifier=identifier, name=name, data=data, time=time))

"""Webhooks: ``client.webhooks`` (``/webhook``): create, get, update, delete, and list
them.

A webhook is a URL that SendX calls for the events it subscribes to, one flag each
(``opened``, ``clicked``, ``contact_created``, ...). It has no name: it is named by its
id (``webhook_...``). SendX does not page this list: it comes whole, in one answer.
"""

from __future__ import annotations

import datetime
import functools
from typing import Any

import msgspec

from sendx._core import Call
from sendx._paging import AsyncPager, Pager
from sendx.errors import InvalidRequestError
from sendx.resources._family import AsyncFamily, Family, check_bool, check_url
from sendx.resources._rest import MAX_PAGE, Deleted, TimeoutArg, body, decoder, rest_call

__all__ = ["AsyncWebhooks", "Webhook", "Webhooks"]


class Webhook(msgspec.Struct, frozen=True, rename="camel"):
    """A webhook: its ``url``, whether it is ``enabled``, and a flag per event it
    subscribes to. ``created`` is read from an ISO 8601 time or from Unix seconds
    (SendX's examples send the latter)."""

    id: str
    url: str = ""
    enabled: bool = True
    unsubscribed: bool = False
    dropped: bool = False
    bounced: bool = False
    marked_spam: bool = False
    clicked: bool = False
    opened: bool = False
    contact_created: bool = False
    created: datetime.datetime | None = None


def _properties(
    *,
    url: str | None,
    enabled: bool | None,
    unsubscribed: bool | None,
    dropped: bool | None,
    bounced: bool | None,
    marked_spam: bool | None,
    clicked: bool | None,
    opened: bool | None,
    contact_created: bool | None,
    required: bool,
) -> dict[str, Any]:
    # In the order of SendX's schema.
    return {
        "url": check_url(url, "url", required=required),
        "enabled": check_bool(enabled, "enabled"),
        "unsubscribed": check_bool(unsubscribed, "unsubscribed"),
        "dropped": check_bool(dropped, "dropped"),
        "bounced": check_bool(bounced, "bounced"),
        "markedSpam": check_bool(marked_spam, "marked_spam"),
        "clicked": check_bool(clicked, "clicked"),
        "opened": check_bool(opened, "opened"),
        "contactCreated": check_bool(contact_created, "contact_created"),
    }


def create_call(
    *,
    url: str,
    enabled: bool = True,
    unsubscribed: bool | None = None,
    dropped: bool | None = None,
    bounced: bool | None = None,
    marked_spam: bool | None = None,
    clicked: bool | None = None,
    opened: bool | None = None,
    contact_created: bool | None = None,
) -> Call[Webhook]:
    """``POST /webhook``: not idempotent (sent twice, the second is a 403: the URL is
    taken). ``enabled`` is always sent: SendX's schema requires it."""
    properties = _properties(
        url=url,
        enabled=enabled,
        unsubscribed=unsubscribed,
        dropped=dropped,
        bounced=bounced,
        marked_spam=marked_spam,
        clicked=clicked,
        opened=opened,
        contact_created=contact_created,
        required=True,
    )
    if enabled is None:
        raise InvalidRequestError(
            "enabled must be True or False (SendX's schema requires it; got None)",
            field="enabled",
        )
    return rest_call(
        "POST", "/webhook", decoder(Webhook), payload=body(properties), idempotent=False
    )


def get_call(webhook_id: str) -> Call[Webhook]:
    return rest_call("GET", f"/webhook/{webhook_id}", decoder(Webhook))


def update_body(
    *,
    url: str | None = None,
    enabled: bool | None = None,
    unsubscribed: bool | None = None,
    dropped: bool | None = None,
    bounced: bool | None = None,
    marked_spam: bool | None = None,
    clicked: bool | None = None,
    opened: bool | None = None,
    contact_created: bool | None = None,
) -> bytes:
    properties = _properties(
        url=url,
        enabled=enabled,
        unsubscribed=unsubscribed,
        dropped=dropped,
        bounced=bounced,
        marked_spam=marked_spam,
        clicked=clicked,
        opened=opened,
        contact_created=contact_created,
        required=False,
    )
    return body(properties)


def update_call(webhook_id: str, payload: bytes) -> Call[Webhook]:
    return rest_call("PUT", f"/webhook/{webhook_id}", decoder(Webhook), payload=payload)


def delete_call(webhook_id: str) -> Call[Deleted]:
    return rest_call("DELETE", f"/webhook/{webhook_id}", decoder(Deleted))


def all_call(offset: int, limit: int) -> Call[list[Webhook]]:
    """``GET /webhook``: every webhook (SendX takes no ``offset`` or ``limit``)."""
    return rest_call("GET", "/webhook", decoder(list[Webhook]))


class Webhooks(Family):
    """``client.webhooks``: the team's webhooks, blocking."""

    _prefix, _field = "webhook_", "webhook_id"

    def create(
        self,
        *,
        url: str,
        enabled: bool = True,
        unsubscribed: bool | None = None,
        dropped: bool | None = None,
        bounced: bool | None = None,
        marked_spam: bool | None = None,
        clicked: bool | None = None,
        opened: bool | None = None,
        contact_created: bool | None = None,
        timeout: TimeoutArg = None,
    ) -> Webhook:
        """Create a webhook for the events whose flags are true (SendX takes those
        not given as false); a URL the team has is a ``PermissionDeniedError`` (403)."""
        call = create_call(
            url=url,
            enabled=enabled,
            unsubscribed=unsubscribed,
            dropped=dropped,
            bounced=bounced,
            marked_spam=marked_spam,
            clicked=clicked,
            opened=opened,
            contact_created=contact_created,
        )
        return self._send(call, timeout)

    def get(self, webhook_id: str, *, timeout: TimeoutArg = None) -> Webhook:
        """The webhook with this id."""
        return self._on(self._ref(webhook_id), get_call, self._limits(timeout))

    def update(
        self,
        webhook_id: str,
        *,
        url: str | None = None,
        enabled: bool | None = None,
        unsubscribed: bool | None = None,
        dropped: bool | None = None,
        bounced: bool | None = None,
        marked_spam: bool | None = None,
        clicked: bool | None = None,
        opened: bool | None = None,
        contact_created: bool | None = None,
        timeout: TimeoutArg = None,
    ) -> Webhook:
        """Change a webhook; what is not given is kept."""
        ref, limits = self._ref(webhook_id), self._limits(timeout)
        payload = update_body(
            url=url,
            enabled=enabled,
            unsubscribed=unsubscribed,
            dropped=dropped,
            bounced=bounced,
            marked_spam=marked_spam,
            clicked=clicked,
            opened=opened,
            contact_created=contact_created,
        )
        return self._on(ref, functools.partial(update_call, payload=payload), limits)

    def delete(self, webhook_id: str, *, timeout: TimeoutArg = None) -> Deleted:
        """Delete a webhook: SendX stops calling it."""
        return self._delete(self._ref(webhook_id), delete_call, self._limits(timeout))

    def list(self) -> Pager[Webhook]:
        """Every webhook (one request: SendX does not page them)."""
        return Pager(self._shell, all_call, MAX_PAGE, paged=False)


class AsyncWebhooks(AsyncFamily):
    """``client.webhooks``: the team's webhooks, for asyncio."""

    _prefix, _field = "webhook_", "webhook_id"

    async def create(
        self,
        *,
        url: str,
        enabled: bool = True,
        unsubscribed: bool | None = None,
        dropped: bool | None = None,
        bounced: bool | None = None,
        marked_spam: bool | None = None,
        clicked: bool | None = None,
        opened: bool | None = None,
        contact_created: bool | None = None,
        timeout: TimeoutArg = None,
    ) -> Webhook:
        """Create a webhook for the events whose flags are true (SendX takes those
        not given as false); a URL the team has is a ``PermissionDeniedError`` (403)."""
        call = create_call(
            url=url,
            enabled=enabled,
            unsubscribed=unsubscribed,
            dropped=dropped,
            bounced=bounced,
            marked_spam=marked_spam,
            clicked=clicked,
            opened=opened,
            contact_created=contact_created,
        )
        return await self._send(call, timeout)

    async def get(self, webhook_id: str, *, timeout: TimeoutArg = None) -> Webhook:
        """The webhook with this id."""
        return await self._on(self._ref(webhook_id), get_call, self._limits(timeout))

    async def update(
        self,
        webhook_id: str,
        *,
        url: str | None = None,
        enabled: bool | None = None,
        unsubscribed: bool | None = None,
        dropped: bool | None = None,
        bounced: bool | None = None,
        marked_spam: bool | None = None,
        clicked: bool | None = None,
        opened: bool | None = None,
        contact_created: bool | None = None,
        timeout: TimeoutArg = None,
    ) -> Webhook:
        """Change a webhook; what is not given is kept."""
        ref, limits = self._ref(webhook_id), self._limits(timeout)
        payload = update_body(
            url=url,
            enabled=enabled,
            unsubscribed=unsubscribed,
            dropped=dropped,
            bounced=bounced,
            marked_spam=marked_spam,
            clicked=clicked,
            opened=opened,
            contact_created=contact_created,
        )
        return await self._on(ref, functools.partial(update_call, payload=payload), limits)

    async def delete(self, webhook_id: str, *, timeout: TimeoutArg = None) -> Deleted:
        """Delete a webhook: SendX stops calling it."""
        return await self._delete(self._ref(webhook_id), delete_call, self._limits(timeout))

    def list(self) -> AsyncPager[Webhook]:
        """Every webhook (one request: SendX does not page them)."""
        return AsyncPager(self._shell, all_call, MAX_PAGE, paged=False)

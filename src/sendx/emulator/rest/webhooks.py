"""Webhooks: ``/webhook`` and ``/webhook/{identifier}``: a URL (unique in the team),
``enabled``, and one flag per event it subscribes to (``contactCreated``,
``unsubscribed``, ``opened``, ``clicked``, ``bounced``, ``markedSpam``, ``dropped``).

Deliveries are SendX's ``WebhookObject`` (:mod:`sendx.emulator.delivery.webhooks`),
signed with a secret the emulator makes for each webhook (shown by the control plane,
never here), retried and recorded like the v1 rules' deliveries. The URL must be
http(s); the emulator calls loopback hosts only, unless ``--allow-webhook-host``
allows more (a refused target is a failed delivery that says why).
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any

import msgspec
from msgspec import UNSET, UnsetType

from sendx.emulator.delivery.automations import WEBHOOK_PATTERN
from sendx.emulator.rest.collection import Collection
from sendx.emulator.rest.request import Request
from sendx.emulator.rest.schema import WebhookId, described

__all__ = ["FLAGS", "ROUTES", "WEBHOOKS"]

#: The event flags of a webhook, all off by default.
FLAGS = ("unsubscribed", "dropped", "bounced", "markedSpam", "clicked", "opened", "contactCreated")
MAX_URL = 2048
#: An http(s) URL with a host.
Url = Annotated[
    str,
    msgspec.Meta(
        max_length=MAX_URL,
        pattern=described(WEBHOOK_PATTERN, "must be an http:// or https:// URL with a host"),
    ),
]


class WebhookBody(msgspec.Struct, rename="camel"):
    """A webhook to create."""

    url: Url
    enabled: bool = True
    unsubscribed: bool | UnsetType = UNSET
    dropped: bool | UnsetType = UNSET
    bounced: bool | UnsetType = UNSET
    marked_spam: bool | UnsetType = UNSET
    clicked: bool | UnsetType = UNSET
    opened: bool | UnsetType = UNSET
    contact_created: bool | UnsetType = UNSET


class WebhookUpdate(msgspec.Struct, rename="camel"):
    """A webhook's changes."""

    url: Url | UnsetType = UNSET
    enabled: bool | UnsetType = UNSET
    unsubscribed: bool | UnsetType = UNSET
    dropped: bool | UnsetType = UNSET
    bounced: bool | UnsetType = UNSET
    marked_spam: bool | UnsetType = UNSET
    clicked: bool | UnsetType = UNSET
    opened: bool | UnsetType = UNSET
    contact_created: bool | UnsetType = UNSET


class WebhookOut(msgspec.Struct, rename="camel"):
    """A webhook."""

    id: WebhookId
    url: str
    enabled: bool
    unsubscribed: bool
    dropped: bool
    bounced: bool
    marked_spam: bool
    clicked: bool
    opened: bool
    contact_created: bool


def _defaults() -> dict[str, Any]:
    return {"enabled": True, **dict.fromkeys(FLAGS, False), "_secret": secrets.token_hex(16)}


def _wire(request: Request, obj: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": obj["id"],
        "url": obj["url"],
        "enabled": obj["enabled"],
        **{f: obj[f] for f in FLAGS},
    }


WEBHOOKS = Collection(
    kind="webhook",
    path="/webhook",
    prefix="webhook_",
    operations="Webhook",
    create=WebhookBody,
    update=WebhookUpdate,
    answer=WebhookOut,
    defaults=_defaults,
    wire=_wire,
    page=None,
    taken_message="A webhook with this URL already exists",
)
ROUTES = WEBHOOKS.routes()

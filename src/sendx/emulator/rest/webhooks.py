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

import re
import secrets
from typing import Any

import msgspec
from msgspec import UNSET, UnsetType

from sendx.emulator.delivery.automations import WEBHOOK_PATTERN
from sendx.emulator.rest.collection import Collection
from sendx.emulator.rest.errors import RestError
from sendx.emulator.rest.request import Request

__all__ = ["FLAGS", "ROUTES", "WEBHOOKS"]

#: The event flags of a webhook, all off by default.
FLAGS = ("unsubscribed", "dropped", "bounced", "markedSpam", "clicked", "opened", "contactCreated")
_URL = re.compile(WEBHOOK_PATTERN)
MAX_URL = 2048


class _Webhook(msgspec.Struct, rename="camel"):
    url: str
    enabled: bool = True
    unsubscribed: bool | UnsetType = UNSET
    dropped: bool | UnsetType = UNSET
    bounced: bool | UnsetType = UNSET
    marked_spam: bool | UnsetType = UNSET
    clicked: bool | UnsetType = UNSET
    opened: bool | UnsetType = UNSET
    contact_created: bool | UnsetType = UNSET


class _WebhookUpdate(msgspec.Struct, rename="camel"):
    url: str | UnsetType = UNSET
    enabled: bool | UnsetType = UNSET
    unsubscribed: bool | UnsetType = UNSET
    dropped: bool | UnsetType = UNSET
    bounced: bool | UnsetType = UNSET
    marked_spam: bool | UnsetType = UNSET
    clicked: bool | UnsetType = UNSET
    opened: bool | UnsetType = UNSET
    contact_created: bool | UnsetType = UNSET


def _defaults() -> dict[str, Any]:
    return {"enabled": True, **dict.fromkeys(FLAGS, False), "_secret": secrets.token_hex(16)}


def _check(
    request: Request, given: dict[str, Any], current: dict[str, Any] | None
) -> dict[str, Any]:
    url = given.get("url")
    if url is not None and (len(url) > MAX_URL or not _URL.search(url)):
        raise RestError(400, "url must be an http:// or https:// URL with a host")
    return {}


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
    create=_Webhook,
    update=_WebhookUpdate,
    defaults=_defaults,
    check=_check,
    wire=_wire,
    page=None,
    taken_message="A webhook with this URL already exists",
)
ROUTES = WEBHOOKS.routes()

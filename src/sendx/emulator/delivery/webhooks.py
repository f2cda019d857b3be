"""The REST API's webhooks: SendX's ``WebhookObject`` for each event a webhook
subscribed to, delivered by the same queue as the v1 rules (retries, signature,
record).

A ``WebhookObject`` carries ``type`` (SendX's number for the event), ``time`` (Unix
seconds), ``data`` (a string holding JSON: what the event is about) and the ids that
apply (``contact_id``, ``campaign_id``, ``link``, ...). The body is signed like a v1
rule's (``X-SendX-Signature: sha256=<hex HMAC>``) with the webhook's own secret, which
the emulator makes when the webhook is created and shows in the control plane
(``GET /_emulator/webhooks``), never on the REST API.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from typing import Any

from sendx.emulator.delivery.automations import Delivery, sign
from sendx.emulator.store.records import new_id

__all__ = ["EVENTS", "webhook_deliveries"]

#: The events a REST webhook can subscribe to: event type -> (SendX's ``type`` number,
#: the webhook's flag). Numbers as docs.sendx.io gives them.
EVENTS: dict[str, tuple[int, str]] = {
    "contact_created": (74, "contactCreated"),
    "contact_unsubscribed": (73, "unsubscribed"),
    "message_opened": (7, "opened"),
    "message_clicked": (8, "clicked"),
    "message_bounced": (5, "bounced"),
    "message_spam": (6, "markedSpam"),
    "message_dropped": (60, "dropped"),
}


def webhook_deliveries(
    webhooks: Iterable[Mapping[str, Any]],
    *,
    team_id: str,
    event: str,
    event_id: int,
    data: Mapping[str, Any],
    ids: Mapping[str, str | None],
) -> list[Delivery]:
    """One delivery per enabled webhook subscribed to ``event``. ``ids`` are the
    ``WebhookObject``'s id properties that apply (``contact_id``, ...)."""
    number, flag = EVENTS[event]
    found = []
    for webhook in webhooks:
        if not webhook.get("enabled", True) or not webhook.get(flag, False):
            continue
        body: dict[str, Any] = {
            "type": number,
            "time": int(time.time()),
            "data": json.dumps(data, ensure_ascii=False, separators=(",", ":")),
        }
        body.update((name, value) for name, value in ids.items() if value is not None)
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        found.append(
            Delivery(
                id=new_id(),
                rule=None,
                event=event,
                event_id=event_id,
                team_id=team_id,
                tag=None,
                webhook=webhook["url"],
                body=payload,
                signature=sign(webhook["_secret"], payload),
                webhook_id=webhook["id"],
            )
        )
    return found

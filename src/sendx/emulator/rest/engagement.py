"""Engagement on a captured message, as the control plane simulates it
(``POST /_emulator/messages/{id}/events``).

One event (``open``, ``click`` with its ``url``, ``bounce``, ``spam``,
``unsubscribe``, ``drop``):

- is added to the message's events, which the campaign's report counts;
- sets the recipient contact's flag (``bounced``, ``spam``, ``unsubscribed``,
  ``dropped``; opens and clicks set none), when the message went to a contact that
  still exists;
- is one event of the team's event log (``message_opened``, ``message_clicked``,
  ``message_bounced``, ``message_spam``, ``contact_unsubscribed``,
  ``message_dropped``, with ``message_id``, ``campaign_id`` and ``url``);
- posts SendX's ``WebhookObject`` to the team's webhooks subscribed to it, with
  ``contact_id``, ``campaign_id``, ``template_id``, ``link`` (clicks) and
  ``provider_message_id`` (the message's id) where they apply.

Every event posted counts: the emulator plays what it is told, in the order told (a
click needs no open before it, an open may follow a bounce).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import msgspec

from sendx.emulator.delivery.webhooks import webhook_deliveries
from sendx.emulator.store.messages import MessageRow
from sendx.emulator.store.records import EventRow, TeamRow

if TYPE_CHECKING:
    from sendx.emulator.app import EmulatorApp

__all__ = ["KINDS", "engage"]

#: Each kind of engagement: the event it is in the team's log and its webhooks, and
#: the contact flag it sets.
KINDS: dict[str, tuple[str, str | None]] = {
    "open": ("message_opened", None),
    "click": ("message_clicked", None),
    "bounce": ("message_bounced", "bounced"),
    "spam": ("message_spam", "spam"),
    "unsubscribe": ("contact_unsubscribed", "unsubscribed"),
    "drop": ("message_dropped", "dropped"),
}
_CONTACT = "contact_"


def engage(
    app: EmulatorApp,
    team: TeamRow,
    message: MessageRow,
    kind: str,
    url: str | None,
    at: str,
) -> tuple[MessageRow, Callable[[], None] | None]:
    """Stage one engagement event on ``message`` (of ``team``); the message as it is
    now, and what queues the event's webhooks once it is committed."""
    store = app.store
    event: dict[str, Any] = {"type": kind, "at": at}
    if url is not None:
        event["url"] = url
    message = store.messages.set_events(message, [*message.events, event])
    contact_id: str | None = message.data["contact"]
    contact = None
    if contact_id is not None:
        contact = store.contact_by_id(team.pk, contact_id[len(_CONTACT) :])
    event_type, flag = KINDS[kind]
    if contact is not None and flag is not None and not (contact.extra or {}).get(flag, False):
        changed = replace(contact, extra={**(contact.extra or {}), flag: True})
        store.save_contact(team.pk, changed, contact.email.lower(), at)
        contact = changed
    email = contact.email if contact is not None else message.data["to"]["email"]
    details = {"message_id": message.id, "campaign_id": message.campaign, "url": url}
    value = msgspec.json.encode({k: v for k, v in details.items() if v is not None}).decode()
    [event_id] = store.add_events(team.pk, [EventRow(event_type, email, value=value)], at)
    about = {
        "id": contact_id if contact is not None else None,
        "email": email,
        "firstName": None if contact is None else contact.first_name,
        "lastName": None if contact is None else contact.last_name,
        "company": None if contact is None else contact.company,
        "messageId": message.id,
    }
    if url is not None:
        about["url"] = url
    batch = webhook_deliveries(
        store.objects.all(team.pk, "webhook"),
        team_id=team.team_id,
        event=event_type,
        event_id=event_id,
        data=about,
        ids={
            "contact_id": about["id"],
            "campaign_id": message.campaign,
            "template_id": message.content["template"],
            "link": url,
            "provider_message_id": message.id,
        },
    )
    if not batch:
        return message, None
    return message, lambda: app.deliveries.enqueue(batch)

"""Captured mail: what a transactional send or a campaign stages (never sends), and a
message as the control plane shows it.

A send makes one content (sender, reply-to, subject, bodies with their placeholders,
headers, template) and one message per recipient, with the values its placeholders
take for that recipient (:mod:`sendx.emulator.rest.templating`). A message is
rendered when it is read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sendx.emulator.rest.templating import placeholders, render, values
from sendx.emulator.store.database import Store
from sendx.emulator.store.messages import MessageRow
from sendx.emulator.store.records import ContactRow

__all__ = ["Recipient", "capture", "content", "message_wire", "unix_time"]

_NO_FIELDS: Mapping[str, str] = {}


@dataclass(frozen=True, slots=True)
class Recipient:
    """One recipient of a send: the address its message goes to, with its name, copies
    and ``customFields`` from the body, and the team's contact at that address."""

    email: str
    name: str | None = None
    cc: Sequence[str] = ()
    bcc: Sequence[str] = ()
    fields: Mapping[str, str] = field(default_factory=lambda: _NO_FIELDS)
    contact: ContactRow | None = None


def content(
    *,
    sender: Mapping[str, Any],
    subject: str,
    html: str | None,
    text: str | None = None,
    preheader: str | None = None,
    reply_to: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    template: str | None = None,
) -> dict[str, Any]:
    """What the messages of one send share (``sender`` and ``reply_to`` as
    ``{"email", "name"}``)."""
    return {
        "from": dict(sender),
        "reply_to": None if reply_to is None else dict(reply_to),
        "subject": subject,
        "preheader": preheader,
        "html": html,
        "text": text,
        "headers": dict(headers or {}),
        "template": template,
    }


def capture(
    store: Store,
    team: int,
    shared: dict[str, Any],
    recipients: Sequence[Recipient],
    *,
    campaign: str | None,
    at: str,
) -> list[MessageRow]:
    """Stage one message per recipient, all of the content ``shared``."""
    names = placeholders(shared[key] for key in ("subject", "preheader", "html", "text"))
    messages = store.messages
    content_id = messages.add_content(team, shared)
    captured = []
    for recipient in recipients:
        contact = recipient.contact
        data = {
            "to": {"email": recipient.email, "name": recipient.name},
            "cc": list(recipient.cc),
            "bcc": list(recipient.bcc),
            "contact": None if contact is None else "contact_" + contact.encrypted_id,
            "values": values(
                names,
                email=recipient.email,
                name=recipient.name,
                fields=recipient.fields,
                contact=contact,
            ),
        }
        captured.append(
            messages.add(
                team, content_id, recipient=recipient.email, campaign=campaign, at=at, data=data
            )
        )
    return captured


def unix_time(at: str) -> int:
    """An emulator time (``2026-11-27T03:20:00.123Z``) in whole Unix seconds."""
    return int(datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp())


def message_wire(message: MessageRow, team_id: str) -> dict[str, Any]:
    """A message as the control plane shows it, its placeholders rendered."""
    shared = message.content
    data = message.data
    found = data["values"]
    return {
        "id": message.id,
        "team_id": team_id,
        "at": message.at,
        "submitted_at": unix_time(message.at),
        "campaign_id": message.campaign,
        "template_id": shared["template"],
        "contact_id": data["contact"],
        "from": shared["from"],
        "reply_to": shared["reply_to"],
        "to": data["to"],
        "cc": data["cc"],
        "bcc": data["bcc"],
        "subject": render(shared["subject"], found, escape=False),
        "preheader": render(shared["preheader"], found, escape=False),
        "html": render(shared["html"], found, escape=True),
        "text": render(shared["text"], found, escape=False),
        "headers": shared["headers"],
        "events": message.events,
    }

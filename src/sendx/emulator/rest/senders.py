"""Senders: ``/sender``, create and list (SendX's API has no other operation on them).

A sender is a display name and an address, unique in the team in any case (a second
``Ann@x.io`` beside ``ann@x.io`` is refused: 403, as SendX's spec says). SendX
verifies a new sender by mail before it may send; the emulator sends no mail, so every
sender is verified at once: ``isWhitelisted`` is ``true``. The list has no paging: a
team has few senders.
"""

from __future__ import annotations

from typing import Any

import msgspec

from sendx._email import check_email
from sendx.emulator.rest.errors import RestError
from sendx.emulator.rest.request import Reply, Request
from sendx.emulator.rest.routing import Route
from sendx.emulator.rest.schema import Email, Name, SenderId
from sendx.emulator.store.records import new_id
from sendx.errors import InvalidRequestError

__all__ = ["ROUTES"]

KIND = "sender"
TAKEN = "A sender with this email already exists"


class SenderBody(msgspec.Struct, rename="camel"):
    """A sender to create."""

    name: Name
    email: Email


class SenderOut(msgspec.Struct, rename="camel"):
    """A sender."""

    id: SenderId
    name: str
    email: str
    is_whitelisted: bool


def list_senders(request: Request) -> Reply:
    return Reply(200, [_wire(sender) for sender in request.objects.all(request.team.pk, KIND)])


def create_sender(request: Request) -> Reply:
    body = request.json(SenderBody)
    try:
        email = check_email(body.email)
    except InvalidRequestError as exc:
        raise RestError(400, str(exc)) from None
    team = request.team.pk
    key = email.lower()
    if any(sender["email"].lower() == key for sender in request.objects.all(team, KIND)):
        raise RestError(403, TAKEN)
    sender: dict[str, Any] = {
        "id": "sender_" + new_id(),
        "name": body.name,
        "email": email,
        "isWhitelisted": True,
        "created": request.at,
        "updated": request.at,
    }
    request.objects.put(team, KIND, sender)
    return Reply(201, _wire(sender))


def _wire(sender: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": sender["id"],
        "name": sender["name"],
        "email": sender["email"],
        "isWhitelisted": sender["isWhitelisted"],
    }


ROUTES = [
    Route("GET", "/sender", list_senders, "getAllSenders", answer=list[SenderOut], errors=(401,)),
    Route(
        "POST",
        "/sender",
        create_sender,
        "createSender",
        body=SenderBody,
        answer=SenderOut,
        status=201,
        errors=(400, 401, 403, 422),
    ),
]

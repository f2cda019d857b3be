"""Revenue and custom events: ``/events/revenue``, ``/events/custom``, and their
postback URLs ``/events/revenue/postback`` and ``/events/custom/postback``.

A revenue event adds its amount to the contact's ``LTV``, which is in cents: SendX's
``amount`` is in the currency's units (``99.99``), so it adds ``round(amount * 100)``
(half up; at most 1,000,000,000 units). A custom event keeps its name and data. Both
are events of the team's log (``GET /_emulator/events``: types ``revenue`` and
``custom_event``), with their details; neither fires a webhook (SendX's webhooks have
no such event).

The postbacks are GETs that third parties (an affiliate network, a checkout) call
without the key header: the team is named by ``team_id`` in the query, the contact by
``id``. A key sent anyway must be that team's (401 otherwise); an unknown team is a
401.

Choices where SendX's spec is silent (docs/emulator.md says them too):

- the contact is named by its id or its address (``identifier``; for custom events
  ``email`` is taken too, as the spec's required list names it); a contact the team
  does not have is a 404, and none is made;
- ``time`` (Unix seconds) is kept with the event as given; ``at`` is when the
  emulator received it;
- a revenue postback's ``campaign_id`` must name one of the team's campaigns (404);
  every query parameter of a custom postback but ``team_id``, ``id`` and ``event``
  is its data (strings).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Any

import msgspec
from msgspec import UNSET, UnsetType

from sendx.emulator.rest.errors import NOT_FOUND, RestError
from sendx.emulator.rest.ids import is_core
from sendx.emulator.rest.request import Reply, Request
from sendx.emulator.rest.routing import Param, Route
from sendx.emulator.rest.schema import NOT_BLANK, Message, Name, Text, not_blank
from sendx.emulator.store.records import ContactRow, EventRow

__all__ = ["ROUTES", "cents"]

MAX_AMOUNT = 1_000_000_000
MAX_TIME = 253_402_300_799  # 9999-12-31T23:59:59Z
_CONTACT = "contact_"
_encode = msgspec.json.encode
#: A contact's id, with or without its prefix, or an address (checked by _contact).
_CONTACT_PATTERN = "^(contact_)?[a-zA-Z0-9]{22}$|@"

Identifier = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=254,
        description="The contact's id (contact_<22>, or the 22 characters) or address.",
        # Checked by _contact, which words the error.
        extra_json_schema={"pattern": _CONTACT_PATTERN},
    ),
]
Amount = Annotated[float, msgspec.Meta(ge=0, le=MAX_AMOUNT)]
UnixTime = Annotated[int, msgspec.Meta(ge=0, le=MAX_TIME)]


class RevenueBody(msgspec.Struct):
    """A revenue event (SendX's ``RevenueEventRequest``)."""

    identifier: Identifier
    amount: Amount
    source: Text | UnsetType = UNSET
    time: UnixTime | UnsetType = UNSET


class CustomBody(msgspec.Struct):
    """A custom event (SendX's ``CustomEventRequest``); ``identifier`` or ``email``
    names the contact."""

    name: Name
    identifier: Identifier | UnsetType = UNSET
    email: Identifier | UnsetType = UNSET
    data: dict[str, Any] | UnsetType = UNSET
    time: UnixTime | UnsetType = UNSET


def cents(amount: Decimal) -> int:
    """An amount in currency units as whole cents, rounded half up."""
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _contact(request: Request, identifier: str, where: str) -> ContactRow:
    """The team's contact named by id or address; 400 if it is neither, 404 if the
    team has none."""
    store = request.store
    team = request.team.pk
    if "@" in identifier:
        contact = store.find_contact(team, identifier.lower())
    else:
        core = identifier.removeprefix(_CONTACT)
        if not is_core(core):
            raise RestError(
                400, f"{where} must be a contact's id or address (got {identifier[:60]!r})"
            )
        contact = store.contact_by_id(team, core)
    if contact is None:
        raise RestError(404, NOT_FOUND)
    return contact


def _track(
    request: Request, contact: ContactRow, kind: str, details: dict[str, Any], ltv: int = 0
) -> None:
    """Stage the event (and the contact's new LTV)."""
    store = request.store
    team = request.team.pk
    if ltv:
        extra = contact.extra or {}
        changed = replace(contact, extra={**extra, "LTV": extra.get("LTV", 0) + ltv})
        store.save_contact(team, changed, contact.email.lower(), request.at)
    value = _encode({k: v for k, v in details.items() if v is not None}).decode()
    store.add_events(team, [EventRow(kind, contact.email, value=value)], request.at)


def _amount(text: str) -> Decimal:
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or not 0 <= amount <= MAX_AMOUNT:
        raise RestError(400, f"amount must be a number from 0 to {MAX_AMOUNT} (got {text[:40]!r})")
    return amount


def _required(request: Request, name: str) -> str:
    value = request.query.get(name)
    if not value:
        raise RestError(400, f"{name} is required")
    return value


# The operations


def track_revenue(request: Request) -> Reply:
    body = request.json(RevenueBody)
    contact = _contact(request, body.identifier, "identifier")
    # repr gives the shortest text that reads back as the same float: the JSON's.
    amount = Decimal(repr(body.amount))
    added = cents(amount)
    details = {
        "amount": body.amount,
        "cents": added,
        "source": None if body.source is UNSET else body.source,
        "time": None if body.time is UNSET else body.time,
    }
    _track(request, contact, "revenue", details, added)
    return Reply(200, {"status": "success", "message": "Event tracked successfully"})


def track_custom(request: Request) -> Reply:
    body = request.json(CustomBody)
    identifier = body.identifier if body.identifier is not UNSET else body.email
    if identifier is UNSET:
        raise RestError(400, "identifier is required")
    contact = _contact(request, identifier, "identifier")
    details = {
        "name": body.name,
        "data": {} if body.data is UNSET else body.data,
        "time": None if body.time is UNSET else body.time,
    }
    _track(request, contact, "custom_event", details)
    return Reply(200, {"status": "success", "message": "Event tracked successfully"})


def revenue_postback(request: Request) -> Reply:
    identifier = _required(request, "id")
    text = _required(request, "amount")
    campaign_id = _required(request, "campaign_id")
    amount = _amount(text)
    core = campaign_id.removeprefix("campaign_")
    if not is_core(core):
        raise RestError(400, f"campaign_id must be a campaign's id (got {campaign_id[:60]!r})")
    contact = _contact(request, identifier, "id")
    campaign = "campaign_" + core
    if request.objects.get(request.team.pk, "campaign", campaign) is None:
        raise RestError(404, f"campaign_id: the team has no campaign {campaign}")
    added = cents(amount)
    details = {"amount": float(amount), "cents": added, "campaign_id": campaign}
    _track(request, contact, "revenue", details, added)
    return Reply(200, {"status": "success", "message": "Revenue postback processed successfully."})


def custom_postback(request: Request) -> Reply:
    identifier = _required(request, "id")
    name = _required(request, "event")
    if not not_blank(name) or len(name) > 255:
        raise RestError(400, "event must be 1 to 255 characters, not only spaces")
    contact = _contact(request, identifier, "id")
    data = {k: v for k, v in request.query.items() if k not in ("team_id", "id", "event")}
    _track(request, contact, "custom_event", {"name": name, "data": data})
    return Reply(200, {"status": "success", "message": "Custom event tracked successfully."})


_TEAM_ID = Param(
    "team_id",
    {"type": "string", "minLength": 1},
    "The team's id (the one --team names, or rest-<16 hex digits> for a team its key "
    "made); no key header is needed.",
    required=True,
)
_ID = Param(
    "id",
    {"type": "string", "minLength": 1, "pattern": _CONTACT_PATTERN},
    "The contact's id or address.",
    required=True,
)
ROUTES = [
    Route(
        "POST",
        "/events/revenue",
        track_revenue,
        "trackRevenueEvent",
        summary="Add a revenue event's amount (currency units) to the contact's LTV (cents).",
        body=RevenueBody,
        answer=Message,
        errors=(400, 401, 404, 422),
    ),
    Route(
        "POST",
        "/events/custom",
        track_custom,
        "trackCustomEvent",
        summary="Keep a custom event of a contact, with its data.",
        body=CustomBody,
        answer=Message,
        errors=(400, 401, 404, 422),
    ),
    Route(
        "GET",
        "/events/revenue/postback",
        revenue_postback,
        "revenuePostback",
        summary="A revenue event from a postback URL: no key header, the team in the query.",
        answer=Message,
        query=(
            _TEAM_ID,
            _ID,
            Param(
                "amount",
                {"type": "number", "minimum": 0, "maximum": MAX_AMOUNT},
                "The amount, in currency units.",
                required=True,
            ),
            Param(
                "campaign_id",
                {"type": "string", "pattern": "^(campaign_)?[a-zA-Z0-9]{22}$"},
                "The campaign the revenue comes from (one of the team's).",
                required=True,
            ),
        ),
        errors=(400, 401, 404),
        key=False,
    ),
    Route(
        "GET",
        "/events/custom/postback",
        custom_postback,
        "customPostback",
        summary="A custom event from a postback URL: no key header, the team in the query.",
        answer=Message,
        query=(
            _TEAM_ID,
            _ID,
            Param(
                "event",
                {"type": "string", "minLength": 1, "maxLength": 255, "pattern": NOT_BLANK},
                "The event's name.",
                required=True,
            ),
            Param(
                "data",
                {"type": "object", "additionalProperties": {"type": "string"}},
                "Every other query parameter, kept as the event's data (form style: "
                "plan=pro&amount=24.43).",
            ),
        ),
        errors=(400, 401, 404),
        key=False,
    ),
]

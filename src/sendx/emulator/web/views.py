"""The page's own reads, under ``/_emulator``, for what the other reads do not give:

- ``GET /overview[?team_id=T][&q=TEXT][&limit=N]``: the teams, and the latest
  contacts (last changed first; with ``q``, those whose email or name holds it) and the
  latest captured messages (newest first) of every team, or of one;
- ``GET /timeline?team_id=T&email=E``: one contact with its lists, flags and LTV, and
  its events, messages and webhook deliveries.

Both refuse a foreign ``Origin`` (403), as the stream does: they are the page's.
Messages are listed without their bodies (the page opens one to see it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sendx.emulator.rest.mail import message_wire
from sendx.emulator.store.messages import MessageRow
from sendx.emulator.store.records import ContactRow, TeamRow

if TYPE_CHECKING:
    from sendx.emulator.app import EmulatorApp

__all__ = ["MAX_ITEMS", "MAX_SEARCH", "ViewError", "overview", "timeline"]

MAX_ITEMS = 200
MAX_SEARCH = 200
_DEFAULT_ITEMS = 50
_FLAGS = ("unsubscribed", "bounced", "spam", "blocked", "dropped")
# The newest events of a contact that the timeline shows: a contact of a long test run
# may have thousands; the page is for a look, /_emulator/events has them all.
_MAX_EVENTS = 500


class ViewError(Exception):
    """A read refused: its status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _limit(query: dict[str, str]) -> int:
    text = query.get("limit")
    if text is None:
        return _DEFAULT_ITEMS
    if not (text.isascii() and text.isdigit() and len(text) <= 4) or not (
        1 <= int(text) <= MAX_ITEMS
    ):
        raise ViewError(400, f"limit must be an integer from 1 to {MAX_ITEMS} (got {text[:20]!r})")
    return int(text)


def _teams(app: EmulatorApp, team_id: str | None) -> list[TeamRow]:
    if team_id == "":
        raise ViewError(400, "team_id must not be empty")
    teams = [app.auth.team(t) for t in app.auth.team_ids()]
    return [t for t in teams if t is not None and (team_id is None or t.team_id == team_id)]


def contact_summary(team: TeamRow, contact: ContactRow) -> dict[str, Any]:
    """A contact as the page's lists show it."""
    return {
        "team_id": team.team_id,
        "id": "contact_" + contact.encrypted_id,
        "email": contact.email,
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "tags": contact.tags,
        "updated": contact.updated,
    }


def message_summary(message: MessageRow, team: TeamRow) -> dict[str, Any]:
    """A message as the page's lists show it: no body."""
    wire = message_wire(message, team.team_id)
    keep = ("id", "team_id", "at", "from", "to", "subject", "campaign_id", "events")
    return {name: wire[name] for name in keep}


def overview(app: EmulatorApp, query: dict[str, str]) -> dict[str, Any]:
    """What ``GET /_emulator/overview`` answers."""
    limit = _limit(query)
    search = query.get("q") or None
    if search is not None and len(search) > MAX_SEARCH:
        raise ViewError(400, f"q is over {MAX_SEARCH} characters")
    teams = _teams(app, query.get("team_id"))
    store = app.store
    contacts: list[dict[str, Any]] = []
    messages: list[tuple[MessageRow, TeamRow]] = []
    for team in teams:
        found = store.page_contacts(team.pk, 0, limit, search, newest=True)
        contacts += (contact_summary(team, contact) for contact in found)
        messages += ((message, team) for message in store.messages.page(team.pk, 0, limit))
    contacts.sort(key=lambda c: c["updated"] or "", reverse=True)
    messages.sort(key=lambda pair: pair[0].at, reverse=True)
    return {
        "teams": sorted(app.auth.team_ids()),
        "contacts": contacts[:limit],
        "messages": [message_summary(m, t) for m, t in messages[:limit]],
    }


def timeline(app: EmulatorApp, query: dict[str, str]) -> dict[str, Any]:
    """What ``GET /_emulator/timeline`` answers."""
    team_id = query.get("team_id")
    email = query.get("email")
    if not team_id or not email:
        raise ViewError(400, "the team_id and email query parameters are required")
    team = app.auth.team(team_id)
    contact = None if team is None else app.store.find_contact(team.pk, email.lower())
    if team is None or contact is None:
        raise ViewError(404, "no contact with this email in this team")
    key = contact.email.lower()
    events = [
        e
        for e in app.store.events(team.pk)
        if e["email"].lower() == key or (e.get("previous_email") or "").lower() == key
    ][-_MAX_EVENTS:]
    ids = {e["id"] for e in events}
    messages = app.store.messages.page(team.pk, 0, MAX_ITEMS, recipient=key)
    deliveries = [d for d in app.deliveries.list(team.team_id) if d["event_id"] in ids]
    return {
        "contact": contact_detail(team, contact),
        "events": events,
        "messages": [message_summary(m, team) for m in messages],
        "deliveries": deliveries,
    }


def contact_detail(team: TeamRow, contact: ContactRow) -> dict[str, Any]:
    """A contact with all the page shows of it: fields by name, lists, flags, LTV."""
    extra = contact.extra or {}
    return {
        **contact_summary(team, contact),
        "company": contact.company,
        "birthday": contact.birthday,
        "custom_fields": contact.fields,
        "lists": extra.get("lists", []),
        "flags": {flag: bool(extra.get(flag, False)) for flag in _FLAGS},
        "ltv": extra.get("LTV", 0),
        "created": contact.created,
        "last_tracked_ip": extra.get("lastTrackedIp"),
    }

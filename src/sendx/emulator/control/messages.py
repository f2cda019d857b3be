"""The control plane's view of captured mail, under ``/_emulator``:

- ``GET /messages?team_id=T[&to=ADDR][&campaign_id=C][&offset=N][&limit=N]``: the
  team's messages, newest first (``limit`` 1 to 1,000, default 100);
- ``GET /messages/{id}``: one message, rendered;
- ``POST /messages/{id}/events`` with ``{"type": "open" | "click" | "bounce" | "spam"
  | "unsubscribe" | "drop", "url": ...}``: simulate engagement
  (:mod:`sendx.emulator.rest.engagement`); answers the message;
- ``POST /campaigns/{id}/send?team_id=T``: send a draft or scheduled campaign now.

Both writes are guarded as every control-plane write is
(:func:`sendx.emulator.http.guard.write_refusal`): JSON only (415), and no foreign
``Origin`` (403).

Errors have the control plane's shape, ``{"status": "<code>", "message": ...}``.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, Any, Literal

import msgspec

from sendx.emulator.delivery.automations import now_iso
from sendx.emulator.http.asgi import (
    MAX_QUERY,
    Disconnected,
    Receive,
    Scope,
    Send,
    TooLarge,
    answer_and_close,
    error_body,
    parse_query,
    read_body,
    respond,
)
from sendx.emulator.http.guard import write_refusal
from sendx.emulator.rest.campaigns import DRAFT, SCHEDULED, send_now, sender_of
from sendx.emulator.rest.engagement import KINDS, engage
from sendx.emulator.rest.mail import message_wire
from sendx.emulator.store.messages import MessageRow
from sendx.emulator.store.records import TeamRow

if TYPE_CHECKING:
    from sendx.emulator.app import EmulatorApp

__all__ = ["MAX_URL", "MessageControl"]

MAX_URL = 2048
MAX_LIMIT = 1000
_MESSAGE_ID = re.compile(r"message_[a-zA-Z0-9]{22}")
_encode = msgspec.json.encode
_Handler = Callable[[str, dict[str, str], bytes], Awaitable[tuple[int, Any]]]


class EngagementBody(msgspec.Struct, forbid_unknown_fields=True):
    """An engagement event to simulate on a message."""

    type: Literal["open", "click", "bounce", "spam", "unsubscribe", "drop"]
    url: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_URL)] | None = None


_ENGAGEMENT = msgspec.json.Decoder(EngagementBody)


class _Fail(Exception):
    def __init__(self, status: int, message: str, allow: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.allow = allow


class MessageControl:
    """Answers the control plane's ``/messages`` and ``/campaigns`` requests."""

    def __init__(self, app: EmulatorApp) -> None:
        self._app = app

    @staticmethod
    def owns(path: str) -> bool:
        """Whether a control-plane path (after ``/_emulator``) is one of these."""
        return path == "/messages" or path.startswith(("/messages/", "/campaigns/"))

    async def handle(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:
        """Answer one request for a path that :meth:`owns`."""
        method = scope["method"]
        try:
            handler, identifier = self._route(scope["path"], method, path)
            if method == "POST":  # a write: the same guard as the plane's others
                refusal = write_refusal(self._app.guard, scope)
                if refusal is not None:
                    await answer_and_close(scope, receive, send, *refusal)
                    return
            if len(scope["query_string"]) > MAX_QUERY:
                raise _Fail(414, f"the query string is over {MAX_QUERY} bytes")
            try:
                query = parse_query(scope)
            except ValueError:
                raise _Fail(400, "the query string is not valid UTF-8") from None
            try:
                body = await read_body(scope, receive) if method == "POST" else b""
            except TooLarge:
                raise _Fail(413, "the request body is over 1 MiB") from None
            status, payload = await handler(identifier, query, body)
        except Disconnected:
            return
        except _Fail as exc:
            allow = [] if exc.allow is None else [(b"allow", exc.allow.encode())]
            await respond(send, exc.status, error_body(exc.status, exc.message), allow)
            return
        await respond(send, status, _encode(payload))

    def _route(self, full: str, method: str, path: str) -> tuple[_Handler, str]:
        parts = path.strip("/").split("/")
        found: tuple[str, _Handler] | None = None
        if parts == ["messages"]:
            found = "GET", self._list
        elif len(parts) == 2 and parts[0] == "messages" and parts[1]:
            found = "GET", self._get
        elif len(parts) == 3 and parts[0] == "messages" and parts[1] and parts[2] == "events":
            found = "POST", self._engage
        elif len(parts) == 3 and parts[0] == "campaigns" and parts[1] and parts[2] == "send":
            found = "POST", self._send_campaign
        if found is None:
            shown = full if len(full) <= 200 else full[:197] + "..."
            raise _Fail(404, f"no route {shown}")
        allowed, handler = found
        if method != allowed:
            raise _Fail(405, f"method {method} not allowed; use {allowed}", allowed)
        return handler, parts[1] if len(parts) > 1 else ""

    # Helpers

    def _commit_waiting(self) -> None:
        """Commit the group of API requests waiting for it, so that a read sees them
        (500, as theirs, if that commit fails)."""
        try:
            self._app.groups.flush()
        except Exception as exc:
            raise _Fail(500, f"the emulator could not commit: {exc}") from None

    async def _commit_mine(self) -> None:
        """Commit what this request staged, with whatever group is open."""
        group = self._app.groups.join()
        await group.done
        if group.error is not None:
            raise _Fail(500, f"the emulator could not commit: {group.error}")

    def _team(self, query: dict[str, str]) -> TeamRow | None:
        team_id = query.get("team_id")
        if not team_id:
            raise _Fail(400, "the team_id query parameter is required")
        return self._app.auth.team(team_id)

    def _message(self, identifier: str) -> tuple[MessageRow, TeamRow]:
        """The message with this id and its team; 404 when there is none."""
        message = None
        if _MESSAGE_ID.fullmatch(identifier) is not None:
            message = self._app.store.messages.get(identifier)
        team = None
        if message is not None:
            team = next((t for t in self._app.store.teams() if t.pk == message.team), None)
        if message is None or team is None:
            raise _Fail(404, f"no message {identifier[:60]!r}")
        return message, team

    # The operations

    async def _list(self, identifier: str, query: dict[str, str], body: bytes) -> tuple[int, Any]:
        team = self._team(query)
        offset = _integer(query, "offset", 0, 0, 1_000_000_000)
        limit = _integer(query, "limit", 100, 1, MAX_LIMIT)
        self._commit_waiting()
        if team is None:
            return 200, {"messages": []}
        messages = self._app.store.messages.page(
            team.pk, offset, limit, recipient=query.get("to"), campaign=query.get("campaign_id")
        )
        return 200, {"messages": [message_wire(m, team.team_id) for m in messages]}

    async def _get(self, identifier: str, query: dict[str, str], body: bytes) -> tuple[int, Any]:
        self._commit_waiting()
        message, team = self._message(identifier)
        return 200, message_wire(message, team.team_id)

    async def _engage(self, identifier: str, query: dict[str, str], body: bytes) -> tuple[int, Any]:
        try:
            event = _ENGAGEMENT.decode(body or b"null")
        except (msgspec.ValidationError, msgspec.DecodeError) as exc:
            raise _Fail(
                400, f'the body must be {{"type": {" | ".join(KINDS)}, "url": ...}}: {exc}'
            ) from None
        if (event.type == "click") != (event.url is not None):
            raise _Fail(400, "url is required for a click, and only for a click")
        self._commit_waiting()
        message, team = self._message(identifier)
        message, after = engage(self._app, team, message, event.type, event.url, now_iso())
        await self._commit_mine()
        if after is not None:
            after()
        return 200, message_wire(message, team.team_id)

    async def _send_campaign(
        self, identifier: str, query: dict[str, str], body: bytes
    ) -> tuple[int, Any]:
        team = self._team(query)
        if body.strip() and _decoded(body) != {}:
            # As reset: a body is refused rather than ignored, so no one thinks it counts.
            raise _Fail(400, "sending a campaign takes no body (or {})")
        self._commit_waiting()
        store = self._app.store
        campaign = None if team is None else store.objects.get(team.pk, "campaign", identifier)
        if team is None or campaign is None:
            raise _Fail(404, f"no campaign {identifier[:60]!r} in this team")
        if campaign["status"] not in (DRAFT, SCHEDULED):
            raise _Fail(409, f"campaign {identifier} was sent already")
        sender = sender_of(store, team.pk, campaign)
        if sender is None:
            raise _Fail(409, f"the sender {campaign['sender']} of campaign {identifier} is gone")
        sent, count = send_now(store, team.pk, campaign, sender, now_iso())
        await self._commit_mine()
        return 200, {"campaign": sent, "messages": count}


def _decoded(body: bytes) -> Any:
    try:
        return msgspec.json.decode(body)
    except (msgspec.DecodeError, RecursionError):
        raise _Fail(400, "the request body is not valid JSON") from None


def _integer(query: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    text = query.get(name)
    if text is None:
        return default
    if not (text.isascii() and text.isdigit() and len(text) <= 10) or not low <= int(text) <= high:
        raise _Fail(400, f"{name} must be an integer from {low} to {high} (got {text[:20]!r})")
    return int(text)

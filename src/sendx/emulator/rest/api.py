"""The REST API's requests, from the ASGI call to the answer.

One request: the route is found (404/405), the query and headers checked (414, 431),
the key (``X-Team-ApiKey``) named a team (401), the body read (413); the handler
checks the request and stages its changes; the request then waits for the group it
joined to commit, and is answered. A request joins the group whenever one is open,
reads included: a read that saw staged changes must not answer before they are on
disk. Webhooks of a change are queued once it is committed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import msgspec

from sendx.emulator.delivery.automations import now_iso
from sendx.emulator.delivery.webhooks import EVENTS, webhook_deliveries
from sendx.emulator.http.asgi import (
    MAX_QUERY,
    Disconnected,
    Receive,
    Scope,
    Send,
    TooLarge,
    parse_query,
    read_body,
)
from sendx.emulator.http.auth import AuthError
from sendx.emulator.rest import routes
from sendx.emulator.rest.errors import AUTH_MESSAGE, RestError, error_body
from sendx.emulator.rest.request import Request
from sendx.emulator.rest.routing import Router, allowed_methods

if TYPE_CHECKING:
    from sendx.emulator.app import EmulatorApp
    from sendx.emulator.store.records import ContactRow, EventRow, TeamRow

__all__ = ["REST_PREFIX", "RestApi"]

REST_PREFIX = "/api/v1/rest"
_MAX_HEADERS = 100
_MAX_HEADER_BYTES = 32 * 1024
_JSON = (b"content-type", b"application/json")
_CLOSE = (b"connection", b"close")
_encode = msgspec.json.encode
_AUTH_ERROR = error_body(AUTH_MESSAGE)


class RestApi:
    """The REST API of one emulator: its routes over the app's store, teams, group
    commit and webhook deliveries. Used from the server's event loop only."""

    def __init__(self, app: EmulatorApp) -> None:
        self.app = app
        self.store = app.store
        self.auth = app.auth
        self.groups = app.groups
        self.router = Router(routes())

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer one request whose path starts with :data:`REST_PREFIX`."""
        headers: list[tuple[bytes, bytes]] = [_JSON]
        try:
            status, payload = await self._run(scope, receive)
            body = payload if isinstance(payload, bytes) else _encode(payload)
        except RestError as exc:
            status, body = exc.status, error_body(exc.message)
            allowed = allowed_methods(exc)
            if allowed:
                headers.append((b"allow", ", ".join(allowed).encode()))
            if status in (413, 414, 431):
                headers.append(_CLOSE)
        except Disconnected:
            return
        headers.append((b"content-length", b"%d" % len(body)))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _run(self, scope: Scope, receive: Receive) -> tuple[int, Any]:
        method: str = scope["method"]
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode("utf-8")
        path = raw_path.decode("latin-1").partition("?")[0][len(REST_PREFIX) :] or "/"
        route, raw_params = self.router.match(method, path)
        # Segments are decoded one by one: an address may hold a '/' (%2F).
        params = {name: _unquote(value) for name, value in raw_params.items()}
        if len(scope["query_string"]) > MAX_QUERY:
            raise RestError(414, f"the query string is over {MAX_QUERY} bytes")
        key, length = _scan(scope["headers"])
        try:
            query = parse_query(scope)
        except ValueError:
            raise RestError(400, "the query string is not valid UTF-8") from None
        if not route.key:
            # A postback URL, which third parties call without the header: the team is
            # named by team_id. A GET that writes.
            team, body, writes = self._query_team(query, key), b"", True
        else:  # inline, not a coroutine of its own: this is every request's path
            try:
                found = self.auth.rest(key)
            except AuthError:
                raise RestError(401, AUTH_MESSAGE) from None
            try:
                body = await read_body(scope, receive, length) if method != "GET" else b""
            except TooLarge:
                raise RestError(413, "the request body is over 1 MiB") from None
            assert key is not None
            # Again: while the body was read, a reset may have removed the team, another
            # request may have bound it.
            try:
                found = self.auth.rest(key)
            except AuthError:
                raise RestError(401, AUTH_MESSAGE) from None
            writes = found is None or method != "GET"
            team = self.auth.bind_rest(key) if found is None else found
        at = now_iso()
        reply = route.handler(Request(self, team, method, params, query, body, at))
        if writes or self.groups.waiting is not None:
            group = self.groups.join()
            await group.done
            if group.error is not None:
                raise RestError(500, f"the emulator could not commit: {group.error}")
        if reply.after is not None:
            reply.after()
        return reply.status, reply.payload

    def _query_team(self, query: dict[str, str], key: bytes | None) -> TeamRow:
        """The team named by ``team_id`` (400 without one, 401 for a team the emulator
        does not know); a key sent too must be that team's (401 otherwise)."""
        team_id = query.get("team_id")
        if not team_id:
            raise RestError(400, "team_id is required")
        team = self.auth.team(team_id)
        if team is None:
            raise RestError(401, AUTH_MESSAGE)
        if key:
            try:
                keyed = self.auth.rest(key)
            except AuthError:
                raise RestError(401, AUTH_MESSAGE) from None
            if keyed is None or keyed.pk != team.pk:
                raise RestError(401, AUTH_MESSAGE)
        return team

    def notifier(
        self,
        team: TeamRow,
        contact: ContactRow,
        events: Sequence[EventRow],
        ids: Sequence[int],
        at: str,
    ) -> Callable[[], None] | None:
        """What queues the webhooks of a contact's events once they are committed: the
        v1 rules that match them, and the team's REST webhooks subscribed to them."""
        app = self.app
        rules = app.rules
        objects = self.store.objects
        if not events or not (rules or objects.count(team.pk, "webhook")):
            return None
        webhooks = objects.all(team.pk, "webhook")
        numbered = list(zip(ids, events, strict=True))
        about = {
            "id": "contact_" + contact.encrypted_id,
            "email": contact.email,
            "firstName": contact.first_name,
            "lastName": contact.last_name,
            "company": contact.company,
        }
        from sendx.emulator.app import contact_wire  # the v1 form, for the v1 rules

        v1_contact = contact_wire(team, contact) if rules else None

        def notify() -> None:
            if v1_contact is not None:
                app.deliveries.submit(
                    rules,
                    team_id=team.team_id,
                    events=[(i, e.type, e.tag, at) for i, e in numbered],
                    contact=v1_contact,
                )
            batch = []
            for event_id, event in numbered:
                if event.type in EVENTS:
                    batch += webhook_deliveries(
                        webhooks,
                        team_id=team.team_id,
                        event=event.type,
                        event_id=event_id,
                        data=about,
                        ids={"contact_id": about["id"]},
                    )
            app.deliveries.enqueue(batch)

        return notify


def _unquote(segment: str) -> str:
    try:
        return unquote(segment, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise RestError(400, "the path is not valid UTF-8") from None


def _scan(headers: list[tuple[bytes, bytes]]) -> tuple[bytes | None, bytes | None]:
    """The ``X-Team-ApiKey`` and ``Content-Length`` headers; 431 past the limits."""
    if len(headers) > _MAX_HEADERS:
        raise RestError(431, "the request headers are too large")
    key = length = None
    size = 0
    for name, value in headers:
        size += len(name) + len(value)
        if name == b"x-team-apikey":
            if key is None:
                key = value
        elif name == b"content-length":
            length = value
    if size > _MAX_HEADER_BYTES:
        raise RestError(431, "the request headers are too large")
    return key, length

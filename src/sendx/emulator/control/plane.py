"""The control plane under ``/_emulator``: look at and steer the emulator, no auth.

``GET /health``; ``POST /reset`` (all, or ``?team_id=``); ``GET /contacts?team_id=T
[&email=E]``; ``GET /events?team_id=T[&after=ID]``; ``GET /deliveries[?team_id=T]``;
``GET|PUT /rules``; ``GET|PUT /faults``; ``GET /openapi.json``; the captured mail
(``/messages``, ``/campaigns/{id}/send``: :mod:`sendx.emulator.control.messages`);
the web page's reads (``/overview``, ``/timeline``: :mod:`sendx.emulator.web.views`)
and its live ``/stream`` (:mod:`sendx.emulator.web.stream`).
Errors use the API's shape ``{"status": "<code>", "message": "..."}``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import msgspec

from sendx.emulator.control.messages import MessageControl
from sendx.emulator.delivery.automations import RuleError, parse_rules
from sendx.emulator.http.asgi import (
    MAX_QUERY,
    TOO_DEEP,
    Disconnected,
    Receive,
    Scope,
    Send,
    TooLarge,
    answer_and_close,
    error_body,
    no_route,
    parse_query,
    read_body,
    respond,
)
from sendx.emulator.http.faults import FaultError, parse_faults
from sendx.emulator.http.guard import read_refusal, write_refusal
from sendx.emulator.web import views

if TYPE_CHECKING:
    from sendx.emulator.app import EmulatorApp

__all__ = ["CONTROL_PREFIX", "Control"]

CONTROL_PREFIX = "/_emulator"

_encode = msgspec.json.encode
# The web page's reads: refused to a foreign Origin, unlike the older reads (a script
# without a page reads those, and a browser keeps their answers from other sites).
_PAGE_READS = frozenset({"/overview", "/timeline"})
_Handler = Callable[[dict[str, str], bytes], Awaitable[tuple[int, Any]]]


class _Fail(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _required(query: dict[str, str], name: str) -> str:
    value = query.get(name)
    if not value:
        raise _Fail(400, f"the {name} query parameter is required")
    return value


def _json_document(body: bytes) -> Any:
    if not body:
        raise _Fail(400, "the request body must be a JSON document")
    try:
        return msgspec.json.decode(body)
    except msgspec.DecodeError:
        raise _Fail(400, "the request body is not valid JSON") from None
    except RecursionError:
        raise _Fail(400, TOO_DEEP) from None


class Control:
    """Routes ``/_emulator/...`` requests to the emulator's state."""

    def __init__(self, app: EmulatorApp) -> None:
        self._app = app
        self._routes: dict[tuple[str, str], _Handler] = {
            ("GET", "/health"): self._health,
            ("POST", "/reset"): self._reset,
            ("GET", "/contacts"): self._contacts,
            ("GET", "/events"): self._events,
            ("GET", "/deliveries"): self._deliveries,
            ("GET", "/webhooks"): self._webhooks,
            ("GET", "/rules"): self._get_rules,
            ("PUT", "/rules"): self._put_rules,
            ("GET", "/faults"): self._get_faults,
            ("PUT", "/faults"): self._put_faults,
            ("GET", "/openapi.json"): self._openapi,
            ("GET", "/overview"): self._overview,
            ("GET", "/timeline"): self._timeline,
        }
        self._paths = {path for _, path in self._routes}
        self._messages = MessageControl(app)
        self._openapi_body: bytes | None = None

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer one control-plane request."""
        path = scope["path"][len(CONTROL_PREFIX) :]
        if self._messages.owns(path):  # captured mail: routes with ids in the path
            await self._messages.handle(scope, receive, send, path)
            return
        if path == "/stream":  # the page's live stream: a response that goes on
            await self._app.streams.handle(scope, receive, send)
            return
        method = scope["method"]
        handler = self._routes.get((method, path))
        if handler is None:
            if path in self._paths:
                allow = ", ".join(sorted(m for m, p in self._routes if p == path))
                body = error_body(405, f"method {method} not allowed; use {allow}")
                await respond(send, 405, body, [(b"allow", allow.encode())])
            else:
                await respond(send, 404, no_route(scope["path"]))
            return
        if method != "GET" or path in _PAGE_READS:
            guard = self._app.guard
            refusal = write_refusal(guard, scope) if method != "GET" else read_refusal(guard, scope)
            if refusal is not None:
                await answer_and_close(scope, receive, send, *refusal)
                return
        try:
            if len(scope["query_string"]) > MAX_QUERY:
                raise _Fail(414, f"the query string is over {MAX_QUERY} bytes")
            try:
                query = parse_query(scope)
            except ValueError:
                raise _Fail(400, "the query string is not valid UTF-8") from None
            try:
                body = await read_body(scope, receive) if method != "GET" else b""
            except TooLarge as exc:
                message = error_body(413, "the request body is over 1 MiB")
                await answer_and_close(scope, receive, send, 413, message, request_body=exc.body)
                return
            status, payload = await handler(query, body)
            if method != "GET":  # reset, rules, faults: the page shows them
                self._app.changes.bump()
        except Disconnected:
            return
        except (_Fail, views.ViewError) as exc:
            await respond(send, exc.status, error_body(exc.status, exc.message))
            return
        await respond(send, status, payload if isinstance(payload, bytes) else _encode(payload))

    def _commit_waiting(self) -> None:
        """Commit the group of API requests waiting for its commit, so that a read
        sees them and a reset comes after them. If that commit fails, so does this
        request, with the 500 its requests answer."""
        try:
            self._app.groups.flush()
        except Exception as exc:
            raise _Fail(500, f"the emulator could not commit: {exc}") from None

    async def _health(self, query: dict[str, str], body: bytes) -> tuple[int, Any]:
        return 200, {"status": "ok", "teams": len(self._app.auth.team_ids())}

    async def _reset(self, query: dict[str, str], body: bytes) -> tuple[int, Any]:
        app = self._app
        team_id = query.get("team_id")
        if team_id == "":
            raise _Fail(400, "team_id must not be empty")
        if body.strip() and _json_document(body) != {}:
            # A team named in the body would be ignored, and all teams reset instead.
            raise _Fail(400, "reset takes no body (or {}); name one team with ?team_id=T")
        self._commit_waiting()
        if team_id is None:
            # Rules and faults are configuration, not data: they stay.
            app.store.reset(None)
            app.deliveries.clear()
        else:
            team = app.auth.team(team_id)
            if team is not None:
                app.store.reset(team.pk)
            app.deliveries.clear(team_id)
        app.auth.reload()
        return 200, {"status": "ok", "reset": team_id if team_id is not None else "all"}

    async def _contacts(self, query: dict[str, str], body: bytes) -> tuple[int, Any]:
        from sendx.emulator.app import contact_wire

        app = self._app
        team_id = _required(query, "team_id")
        self._commit_waiting()
        team = app.auth.team(team_id)
        email = query.get("email")
        if team is None:
            if email is not None:
                raise _Fail(404, "no contact with this email in this team")
            return 200, {"contacts": []}
        if email is not None:
            found = app.store.find_contact(team.pk, email.lower())
            if found is None:
                raise _Fail(404, "no contact with this email in this team")
            return 200, contact_wire(team, found)
        return 200, {"contacts": [contact_wire(team, c) for c in app.store.contacts(team.pk)]}

    async def _events(self, query: dict[str, str], body: bytes) -> tuple[int, Any]:
        app = self._app
        team_id = _required(query, "team_id")
        after_text = query.get("after", "0")
        if not after_text.isascii() or not after_text.isdigit() or len(after_text) > 18:
            raise _Fail(400, "after must be an event id (a non-negative integer)")
        self._commit_waiting()
        team = app.auth.team(team_id)
        events = app.store.events(team.pk, int(after_text)) if team else []
        return 200, {"events": events}

    async def _deliveries(self, query: dict[str, str], body: bytes) -> tuple[int, Any]:
        return 200, {"deliveries": self._app.deliveries.list(query.get("team_id"))}

    async def _webhooks(self, query: dict[str, str], body: bytes) -> tuple[int, Any]:
        """The team's REST webhooks with the secrets their deliveries are signed with."""
        app = self._app
        team = app.auth.team(_required(query, "team_id"))
        self._commit_waiting()
        webhooks = app.store.objects.all(team.pk, "webhook") if team is not None else []
        return 200, {
            "webhooks": [{"id": w["id"], "url": w["url"], "secret": w["_secret"]} for w in webhooks]
        }

    async def _get_rules(self, query: dict[str, str], body: bytes) -> tuple[int, Any]:
        return 200, {"rules": [rule.to_json() for rule in self._app.rules]}

    async def _put_rules(self, query: dict[str, str], body: bytes) -> tuple[int, Any]:
        document = _json_document(body)
        if not isinstance(document, dict):
            raise _Fail(400, 'the document must be an object {"rules": [...]}')
        try:
            rules = parse_rules(document)
        except RuleError as exc:
            raise _Fail(400, str(exc)) from None
        self._app.rules = rules
        return await self._get_rules(query, b"")

    async def _get_faults(self, query: dict[str, str], body: bytes) -> tuple[int, Any]:
        return 200, self._app.faults.to_json()

    async def _put_faults(self, query: dict[str, str], body: bytes) -> tuple[int, Any]:
        try:
            faults = parse_faults(_json_document(body))
        except FaultError as exc:
            raise _Fail(400, str(exc)) from None
        self._app.faults.replace(faults)
        return await self._get_faults(query, b"")

    async def _overview(self, query: dict[str, str], body: bytes) -> tuple[int, Any]:
        self._commit_waiting()
        return 200, views.overview(self._app, query)

    async def _timeline(self, query: dict[str, str], body: bytes) -> tuple[int, Any]:
        self._commit_waiting()
        return 200, views.timeline(self._app, query)

    async def _openapi(self, query: dict[str, str], body: bytes) -> tuple[int, Any]:
        if self._openapi_body is None:
            from sendx.emulator.control.openapi import document

            self._openapi_body = _encode(document())
        return 200, self._openapi_body

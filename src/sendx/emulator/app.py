"""The emulator's ASGI application: the v1 API, faults, and the way to the control plane.

One request: faults are drawn (latency, an injected status, a dropped connection),
the route is found (404/405), the team and key checked (401), the body read (413)
and decoded strictly (400), then the change is merged and staged; the requests
that arrive together commit as one group (:mod:`sendx.emulator.store.groups`), and
each is answered after that commit. Webhooks for its events are queued after the
commit, off the loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, MutableMapping, Sequence
from typing import Any

import msgspec

from sendx._validation import check_birthday, check_custom_fields, check_email, check_tags
from sendx.emulator.delivery.automations import DeliveryQueue, Rule, now_iso
from sendx.emulator.http.asgi import (
    MAX_QUERY,
    TOO_DEEP,
    BodyState,
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
    scan_headers,
)
from sendx.emulator.http.auth import AUTH_MESSAGE, Auth, AuthError
from sendx.emulator.http.faults import NO_FAULT, FaultSet
from sendx.emulator.http.guard import HostGuard, host_refused
from sendx.emulator.rest.errors import error_body as rest_error_body
from sendx.emulator.store.database import Store
from sendx.emulator.store.groups import GroupCommit
from sendx.emulator.store.records import ContactRow, TeamRow
from sendx.emulator.v1 import merge
from sendx.errors import InvalidRequestError
from sendx.models import ContactRequest, TrackRequest

__all__ = ["API_PREFIX", "ApiError", "EmulatorApp", "contact_wire"]

API_PREFIX = "/api/v1"
REST_PREFIX = "/api/v1/rest/"
IDENTIFY_PATH = "/api/v1/contact/identify"
TRACK_PATH = "/api/v1/contact/track"
_ROUTES = (IDENTIFY_PATH, TRACK_PATH)

_IDENTIFY = msgspec.json.Decoder(ContactRequest)
_TRACK = msgspec.json.Decoder(TrackRequest)
_encode = msgspec.json.encode
_TRACK_OK = _encode({"status": "200", "message": "OK", "data": "success"})
_AUTH_ERROR = error_body(401, AUTH_MESSAGE)
_MAX_QUERIES = 256
_JSON = (b"content-type", b"application/json")
_ALLOW_POST = ((b"allow", b"POST"),)


_NO_HEADERS: tuple[tuple[bytes, bytes], ...] = ()


class _Reply(Exception):
    """An answer other than the call's own: an error, with its extra headers.
    ``body`` when it is ready (a constant, or a shortened echo of the path).
    ``close``: the connection closes after the answer, and this much of the
    request's body was read (the rest is read and dropped first)."""

    def __init__(
        self,
        status: int,
        message: str,
        headers: tuple[tuple[bytes, bytes], ...] = _NO_HEADERS,
        *,
        body: bytes | None = None,
        close: BodyState | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body = error_body(status, message) if body is None else body
        self.headers = headers
        self.close = close


class ApiError(Exception):
    """A request that fails: its status and message (the body SendX sends)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def contact_wire(team: TeamRow, contact: ContactRow) -> dict[str, Any]:
    """A contact as identify's ``data``, keys in the order of SendX's documentation."""
    return {
        "encryptedTeamId": team.encrypted_id,
        "encryptedId": contact.encrypted_id,
        "tags": contact.tags,
        "firstName": contact.first_name,
        "lastName": contact.last_name,
        "email": contact.email,
        "company": contact.company or "",
        "birthday": contact.birthday,
        "customFields": contact.fields,
    }


class _Wire(msgspec.Struct, rename="camel", gc=False):
    """identify's ``data``, as :func:`contact_wire` builds it: a Struct encodes in
    less time than a dict takes to build."""

    encrypted_team_id: str
    encrypted_id: str
    tags: list[str]
    first_name: str | None
    last_name: str | None
    email: str
    company: str
    birthday: str | None
    custom_fields: dict[str, str]


class _Answer(msgspec.Struct, gc=False):
    status: str
    message: str
    data: _Wire


def _decode(decoder: msgspec.json.Decoder[Any], body: bytes) -> Any:
    try:
        return decoder.decode(body)
    except msgspec.ValidationError as exc:
        text = str(exc)
        if text == "Object missing required field `email`":
            raise ApiError(400, "email is required") from None
        raise ApiError(400, f"invalid request body: {text}") from None
    except msgspec.DecodeError:
        raise ApiError(400, "the request body is not valid JSON") from None
    except RecursionError:
        raise ApiError(400, TOO_DEEP) from None


class EmulatorApp:
    """The ASGI application. All state lives in ``store`` (SQLite), ``faults`` and
    ``rules``; the instance is used from the server's event loop only."""

    def __init__(
        self,
        store: Store,
        auth: Auth,
        *,
        rules: list[Rule],
        deliveries: DeliveryQueue,
        latency_ms: float = 0.0,
        abort: Callable[[Scope], None] | None = None,
        guard: HostGuard | None = None,
        members: Sequence[str] = (),
    ) -> None:
        from sendx.emulator.control.plane import Control  # the control plane needs this module

        self.guard = HostGuard("127.0.0.1", port=0) if guard is None else guard
        self.store = store
        self.auth = auth
        self.rules = rules
        self.deliveries = deliveries
        self.faults = FaultSet()
        self.latency_s = latency_ms / 1000.0
        self.members = tuple(members)
        """The team members every team has besides its owner (their addresses)."""
        from sendx.emulator.web.assets import Assets
        from sendx.emulator.web.changes import ChangeFeed
        from sendx.emulator.web.stream import Streams

        self.changes = ChangeFeed()
        """Bumped by every commit and control-plane write; the page's stream waits on it."""
        self.streams = Streams(self.changes, self.guard)
        self.page = Assets()
        deliveries.on_change = self.changes.bump_threadsafe
        self.groups = GroupCommit(store, auth, on_commit=self.changes.bump)
        self._queries: dict[bytes, dict[str, str]] = {}
        self._abort = abort
        self.control = Control(self)
        from sendx.emulator.rest.api import RestApi  # it needs this module's contact_wire

        self.rest = RestApi(self)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind != "http":
            if kind == "lifespan":
                await _lifespan(receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"host":  # usually the first header
                if not self.guard.allows(value):
                    # Closed, so that a page keeps no connection to send more on.
                    await answer_and_close(scope, receive, send, 403, host_refused(value))
                    return
                break
        path: str = scope["path"]
        if path.startswith("/_emulator"):
            await self.control.handle(scope, receive, send)
            return
        if path == "/" or path.startswith("/static/"):  # the web page, never faulted
            await self.page.handle(scope, receive, send)
            return
        method: str = scope["method"]
        outcome = self.faults.decide(method, path) if self.faults else NO_FAULT
        delay = self.latency_s + outcome.latency_s
        if delay:
            await asyncio.sleep(delay)
        if outcome.drop == "before":
            await self._drop(scope, receive)
            return
        if outcome.status is not None:
            # An injected status never touches the store.
            extra: list[tuple[bytes, bytes]] = []
            if outcome.retry_after is not None:
                seconds = outcome.retry_after
                text = str(int(seconds)) if float(seconds).is_integer() else repr(seconds)
                extra.append((b"retry-after", text.encode("ascii")))
            message = f"emulated fault: HTTP {outcome.status}"
            if path.startswith(REST_PREFIX):  # each API's own error shape
                body = rest_error_body(message)
            else:
                body = error_body(outcome.status, message)
            await respond(send, outcome.status, body, extra)
            return
        if path.startswith(REST_PREFIX):
            if outcome.drop == "after":
                # Applied and committed (the handler answers only then), the answer
                # swallowed, and the connection closed instead.
                await self.rest.handle(scope, receive, _swallow)
                await self._drop(scope, receive)
                return
            await self.rest.handle(scope, receive, send)
            return
        # The steps of the request, here rather than in a coroutine of their own:
        # one frame less to enter before and after the group commit.
        try:
            team_id, key, query, length = self._check(scope, method, path)
            try:
                data = await read_body(scope, receive, length)
            except TooLarge as exc:
                raise _Reply(413, "the request body is over 1 MiB", close=exc.body) from None
            answer, notify = self._apply(path, team_id, key, query, data)
            group = self.groups.join()
            await group.done
            if group.error is not None:  # the database failed (disk full, ...): nothing kept
                raise _Reply(500, f"the emulator could not commit: {group.error}")
            if notify is not None:
                notify()
            status, body, headers = 200, answer, _NO_HEADERS
        except _Reply as reply:
            if reply.close is not None and outcome.drop != "after":
                await answer_and_close(
                    scope,
                    receive,
                    send,
                    reply.status,
                    reply.body,
                    reply.headers,
                    request_body=reply.close,
                )
                return
            status, body, headers = reply.status, reply.body, reply.headers
        except Disconnected:
            return
        if outcome.drop == "after":
            await self._drop(scope, receive)
            return
        # respond(), inline: one coroutine less on every request.
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [_JSON, (b"content-length", b"%d" % len(body)), *headers],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def _drop(self, scope: Scope, receive: Receive) -> None:
        """Close the connection without an answer."""
        if self._abort is None:
            raise RuntimeError("this server cannot drop connections")
        self._abort(scope)
        # Wait until the server has seen the connection go, so it does not answer
        # in our place (it would send a 500).
        while (await receive())["type"] != "http.disconnect":
            pass

    def _check(
        self, scope: Scope, method: str, path: str
    ) -> tuple[str, bytes, dict[str, str], bytes | None]:
        """Route, method, query, headers and key, before the body is read: the team
        id, the key, the query and the Content-Length."""
        if path not in _ROUTES:
            raise _Reply(404, "no route", body=no_route(path))
        if method != "POST":
            raise _Reply(405, f"method {method} not allowed; use POST", _ALLOW_POST)
        raw_query: bytes = scope["query_string"]
        if len(raw_query) > MAX_QUERY:
            raise _Reply(414, f"the query string is over {MAX_QUERY} bytes", close="unread")
        key, length, too_large = scan_headers(scope)
        if too_large:
            raise _Reply(431, "the request headers are too large", close="unread")
        query = self._queries.get(raw_query)
        if query is None:
            try:
                query = parse_query(scope)
            except ValueError:
                raise _Reply(400, "the query string is not valid UTF-8") from None
            # Clients repeat the same few query strings (?team_id=T), so their parses
            # are kept; read only, never changed.
            if len(self._queries) >= _MAX_QUERIES:
                self._queries.clear()
            self._queries[raw_query] = query
        team_id = query.get("team_id")
        try:
            self.auth.check(team_id, key)
        except AuthError:
            raise _Reply(401, AUTH_MESSAGE, body=_AUTH_ERROR) from None
        assert team_id is not None
        assert key is not None
        return team_id, key, query, length

    def _apply(
        self,
        path: str,
        team_id: str,
        key: bytes,
        query: dict[str, str],
        body: bytes,
    ) -> tuple[bytes, Callable[[], None] | None]:
        """Check the body and stage the call: the answer, and what queues its
        webhooks once the group commits."""
        try:
            # Checked again: while the body was read, another request may have bound
            # the team, a reset or a failed group may have removed it.
            team = self.auth.check(team_id, key)
            if path == IDENTIFY_PATH:
                return self._identify(team_id, key, team, body)
            return self._track(team, query.get("email"), body)
        except AuthError:
            raise _Reply(401, AUTH_MESSAGE, body=_AUTH_ERROR) from None
        except (ApiError, merge.MergeError) as exc:
            raise _Reply(exc.status, exc.message) from None
        except InvalidRequestError as exc:
            raise _Reply(400, str(exc)) from None

    def _identify(
        self, team_id: str, key: bytes, team: TeamRow | None, body: bytes
    ) -> tuple[bytes, Callable[[], None] | None]:
        if not body:
            raise ApiError(400, 'the request body must be a JSON object with at least "email"')
        request: ContactRequest = _decode(_IDENTIFY, body)
        email = check_email(request.email, "email")
        new_email = request.new_email
        if new_email is not None:
            check_email(new_email, "newEmail")
        if request.birthday is not None:
            check_birthday(request.birthday, "birthday")
        # The decoder has checked the types; what is left to check is that no tag and
        # no field name is blank. The full checks run only to word the error.
        tags = request.tags
        if tags is not None and not all(map(str.strip, tags)):
            check_tags(tags, "tags")
        fields = request.custom_fields
        if fields is not None and not all(map(str.strip, fields)):
            check_custom_fields(fields, "customFields")
        store = self.store
        at = now_iso()
        key_lower = email.lower()
        if team is None:  # a team bound by this call has no contacts or fields yet
            current = None
            kinds: dict[str, str] = {}
        else:
            current = store.find_contact(team.pk, key_lower)
            if (
                new_email is not None
                and new_email.lower() != key_lower
                and store.find_contact(team.pk, new_email.lower()) is not None
            ):
                raise ApiError(409, "newEmail belongs to another contact of this team")
            kinds = store.field_kinds(team.pk, fields) if fields else {}
        # The merge may still refuse the call (text on a number field): nothing is
        # staged until it has passed.
        result = merge.identify(
            current,
            email=email,
            new_email=new_email,
            first_name=request.first_name,
            last_name=request.last_name,
            company=request.company,
            birthday=request.birthday,
            tags=tags,
            custom_fields=fields,
            field_kinds=kinds,
        )
        # Every check is done: from here on, nothing fails and everything is staged
        # for the group's commit, a team bound by this call included.
        if team is None:
            team = self.auth.bind(team_id, key)
            # Known at once: a request of this same group must see the binding (a
            # failed commit reloads the teams).
            self.auth.remember(team)
        ids = store.stage_merge(team.pk, result, None if current is None else key_lower, at)
        contact = result.contact
        data = _Wire(
            team.encrypted_id,
            contact.encrypted_id,
            contact.tags,
            contact.first_name,
            contact.last_name,
            contact.email,
            contact.company or "",
            contact.birthday,
            contact.fields,
        )
        answer = _encode(_Answer("200", "OK", data))
        return answer, self._notifier(team, result, ids, at) if self.rules else None

    def _track(
        self, team: TeamRow | None, email: str | None, body: bytes
    ) -> tuple[bytes, Callable[[], None] | None]:
        if email is None:
            raise ApiError(400, "the email query parameter is required")
        check_email(email, "email")
        if body:
            request: TrackRequest = _decode(_TRACK, body)
            add = check_tags(request.add_tags, "addTags")
            remove = check_tags(request.remove_tags, "removeTags")
        else:
            add = remove = None
        if team is None:  # an unbound team has no contacts; a failed call binds nothing
            raise ApiError(404, "no contact with this email in this team")
        store = self.store
        at = now_iso()
        key_lower = email.lower()
        current = store.find_contact(team.pk, key_lower)
        if current is None:
            raise ApiError(404, "no contact with this email in this team")
        result = merge.track(current, add_tags=add, remove_tags=remove)
        if not result.events:
            return _TRACK_OK, None
        ids = store.stage_merge(team.pk, result, key_lower, at)
        return _TRACK_OK, self._notifier(team, result, ids, at)

    def _notifier(
        self,
        team: TeamRow,
        result: merge.MergeResult,
        ids: Sequence[int],
        at: str,
    ) -> Callable[[], None] | None:
        """What queues the webhooks of a request's events, to run once it commits."""
        rules = self.rules
        if not rules or not ids:
            return None
        events = [(i, e.type, e.tag, at) for i, e in zip(ids, result.events, strict=True)]
        contact = contact_wire(team, result.contact)

        def notify() -> None:
            self.deliveries.submit(rules, team_id=team.team_id, events=events, contact=contact)

        return notify


async def _lifespan(receive: Receive, send: Send) -> None:
    """Answer the lifespan protocol for servers that speak it."""
    while True:
        message: MutableMapping[str, Any] = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _swallow(message: MutableMapping[str, Any]) -> None:
    """A ``send`` that sends nothing: the answer of a request whose connection is
    dropped after it was applied."""

"""What the outbox holds and sends: entries, coalesced requests, outcomes, dead letters.

An entry keeps just enough to rebuild the request (kind, email, body bytes); the
client's own call builders (``identify_call``, ``track_call``, ``send_call``, ...)
validate the arguments in the caller, so a bad argument raises there and never
reaches a worker.

Each entry has the ordering keys of the contacts it touches: identify, track and the
two events their contact's (two for a rename), an email each of its recipients'. The
schedule (:mod:`._plan`) sends the calls of one key one at a time, in order.
"""

from __future__ import annotations

import datetime
import json
import os
import threading
from collections.abc import Iterator
from typing import Any

import msgspec

from sendx._core import Call
from sendx._policies import NOT_APPLIED_STATUSES, RETRYABLE_STATUSES
from sendx._validation import is_increment_text
from sendx.errors import APIConnectionError, APIStatusError, SendXError
from sendx.outbox._types import OutboxCall

__all__ = [
    "CUSTOM_EVENT",
    "IDENTIFY",
    "KINDS",
    "REST_KINDS",
    "REVENUE",
    "SEND_EMAIL",
    "SEND_TEMPLATE",
    "TRACK",
    "DeadLetterFile",
    "Entry",
    "Merger",
    "build_call",
    "entry_from_record",
    "failure_reason",
    "is_transient",
    "read_dead_letters",
]

IDENTIFY = "identify"
TRACK = "track"
SEND_EMAIL = "send_email"
SEND_TEMPLATE = "send_template"
REVENUE = "revenue"
CUSTOM_EVENT = "custom_event"
_IDENTIFY_PATH = "/contact/identify"
_TRACK_PATH = "/contact/track"
#: The REST API's calls the outbox takes, and their paths. None is idempotent: a send
#: or an event sent twice is two emails or two events.
_REST_PATHS = {
    SEND_EMAIL: "/send/email",
    SEND_TEMPLATE: "/send/template",
    REVENUE: "/events/revenue",
    CUSTOM_EVENT: "/events/custom",
}
REST_KINDS = frozenset(_REST_PATHS)
KINDS = (IDENTIFY, TRACK, SEND_EMAIL, SEND_TEMPLATE, REVENUE, CUSTOM_EVENT)
_SENDS = frozenset({SEND_EMAIL, SEND_TEMPLATE})
#: A coalesced request stays far below SendX's 1 MiB body limit.
MAX_MERGED_BODY = 256 * 1024
MAX_MERGED_CALLS = 500

_decode_json = msgspec.json.Decoder(dict[str, Any]).decode
_encode_json = msgspec.json.Encoder().encode


def contact_key(email: str) -> str:
    """The ordering key of a contact. SendX matches emails case-insensitively; casefold
    maps at least as many spellings together, so two spellings of one contact are never
    sent concurrently (two contacts sharing a key only lose some concurrency)."""
    return email.casefold()


def recipients_of(body: bytes | None) -> list[str]:
    """The addresses in ``to`` of an email's body (those it is sent to)."""
    try:
        to = _decode_json(body or b"{}").get("to")
    except msgspec.DecodeError:
        return []
    if not isinstance(to, list):
        return []
    return [
        item["email"]
        for item in to
        if isinstance(item, dict) and isinstance(item.get("email"), str)
    ]


def entry_keys(kind: str, email: str, new_email: str | None, body: bytes | None) -> tuple[str, ...]:
    """The ordering keys of a call: its contact (both addresses of a rename), or each
    recipient of an email (an email waits for the earlier calls of its recipients, so
    that its placeholders render the contact as those calls left it)."""
    if kind in _SENDS:
        found = [contact_key(address) for address in recipients_of(body)] or [contact_key(email)]
    else:
        found = [contact_key(email)]
        if new_email is not None:
            found.append(contact_key(new_email))
    return tuple(dict.fromkeys(found))  # each key once, or the call would wait for itself


class Entry:
    """One pending call: its spool id (or a counter), how to rebuild it, and its state.

    ``email`` names its contact (an event's ``identifier``: an address or an id; an
    email's first recipient); ``keys`` are the contacts it touches (two for a rename,
    every recipient of an email); ``mergeable`` says it may be coalesced with
    neighbours (an idempotent identify without rename); ``solo`` is set after a
    coalesced request failed, so the calls are tried one by one.
    """

    __slots__ = (
        "attempts",
        "body",
        "email",
        "id",
        "idempotent",
        "keys",
        "kind",
        "mergeable",
        "new_email",
        "ref",
        "solo",
    )

    def __init__(
        self,
        id: int,
        kind: str,
        email: str,
        new_email: str | None,
        body: bytes | None,
        idempotent: bool,
        ref: int | None = None,
        attempts: int = 0,
        keys: tuple[str, ...] | None = None,
    ) -> None:
        self.id = id
        self.kind = kind
        self.email = email
        self.new_email = new_email
        self.body = body
        self.idempotent = idempotent
        self.ref = ref
        self.attempts = attempts
        self.solo = False
        self.keys = keys if keys is not None else entry_keys(kind, email, new_email, body)
        self.mergeable = kind == IDENTIFY and idempotent and new_email is None

    def public(self) -> OutboxCall:
        """The call as handed to ``on_error`` / ``on_drop``."""
        return OutboxCall(self.kind, self.email, self.body, self.ref)


def _ignore(raw: bytes) -> None:
    # The outbox never looks at a 2xx body: skipping the Contact decode saves CPU.
    return None


def build_call(kind: str, email: str, body: bytes | None, idempotent: bool) -> Call[None]:
    """The request of one call (or of a coalesced batch), as the shell sends it."""
    if kind == IDENTIFY:
        return Call("POST", _IDENTIFY_PATH, (), body, idempotent, _ignore)
    if kind == TRACK:
        return Call("POST", _TRACK_PATH, (("email", email),), body, True, _ignore)
    return Call("POST", _REST_PATHS[kind], (), body, False, _ignore, rest=True)


class Merger:
    """Folds consecutive identifies of one contact into one body, only where the result
    is the same as sending them one by one: the same final contact and the same events.

    SendX emits ``tag_added`` for each new tag in list order and ``field_changed`` for
    each changed field. Folding B into A is safe when
    - neither holds an increment or a rename (``Entry.mergeable``);
    - their custom field names differ (A then B would give two ``field_changed``);
    - tag and field events cannot swap places: if the batch so far has fields, B adds no
      tags, and if it has tags, B sets no fields. This holds whatever order SendX
      applies tags and fields within one request.
    - the emails are spelled the same (SendX keeps the latest call's spelling).
    Names, company and birthday emit no events: the last value wins, as one by one.
    """

    __slots__ = ("body", "count", "email", "field_names", "size", "tags")

    def __init__(self, first: Entry) -> None:
        self.email = first.email
        self.body = _decode_json(first.body or b"{}")
        self.count = 1
        self.size = len(first.body or b"")
        self.tags: list[str] = list(self.body.get("tags") or ())
        fields = self.body.get("customFields") or {}
        self.field_names = {str(name).casefold() for name in fields}

    def add(self, entry: Entry) -> bool:
        """Fold ``entry`` in and return True, or leave everything as is and return False."""
        if (
            not entry.mergeable
            or entry.solo
            # SendX stores the spelling of the latest call and puts it in events.
            or entry.email != self.email
            or self.count >= MAX_MERGED_CALLS
            or self.size + len(entry.body or b"") > MAX_MERGED_BODY
        ):
            return False
        other = _decode_json(entry.body or b"{}")
        tags = other.get("tags") or ()
        fields = other.get("customFields") or {}
        names = {str(name).casefold() for name in fields}
        if (self.field_names and tags) or (self.tags and fields) or (names & self.field_names):
            return False
        for key in ("firstName", "lastName", "company", "birthday"):
            if key in other:
                self.body[key] = other[key]
        if tags:
            # A tag already in the batch is a no-op the second time, one by one as well.
            seen = set(self.tags)
            for tag in tags:
                if tag not in seen:
                    seen.add(tag)
                    self.tags.append(tag)
            self.body["tags"] = self.tags
        if fields:
            merged = dict(self.body.get("customFields") or {})
            merged.update(fields)
            self.body["customFields"] = merged
            self.field_names |= names
        self.count += 1
        self.size += len(entry.body or b"")
        return True

    def encode(self) -> bytes:
        """The coalesced request body."""
        return _encode_json(self.body)


def is_transient(error: BaseException, idempotent: bool) -> bool:
    """Whether sending again later is both useful and safe.

    A status SendX may have applied (500, 502, 504, 408) or a broken connection after
    the request went out is safe to repeat only for an idempotent call; 429 and 503
    say nothing was applied.
    """
    if isinstance(error, APIStatusError):
        return error.status in RETRYABLE_STATUSES and (
            idempotent or error.status in NOT_APPLIED_STATUSES
        )
    if isinstance(error, APIConnectionError):
        return idempotent or not error.request_sent
    return False


def failure_reason(error: BaseException) -> tuple[str, int | None]:
    """A one-line reason for the dead-letter file, and the HTTP status if any."""
    if isinstance(error, APIStatusError):
        return str(error), error.status
    if isinstance(error, SendXError):
        return str(error), None
    return f"{type(error).__name__}: {error}", None


def _body_json(body: bytes | None) -> Any:
    if body is None:
        return None
    try:
        return _decode_json(body)
    except msgspec.DecodeError:
        return body.decode("utf-8", "replace")


class DeadLetterFile:
    """Appends failed calls as JSON lines; created on the first failure only.

    Each line is written with one ``write`` on a file opened for appending, so lines
    from several processes (a replay and an outbox) never interleave.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()

    def write(
        self, entries: list[Entry], reason: str, status: int | None, *, sync: bool = False
    ) -> None:
        """Record ``entries`` as failed for ``reason``."""
        at = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        lines = []
        for entry in entries:
            record: dict[str, Any] = {
                "kind": entry.kind,
                "email": entry.email,
                "body": _body_json(entry.body),
                "reason": reason,
                "status": status,
                "attempts": entry.attempts,
                "failed_at": at,
            }
            if entry.ref is not None:
                record["ref"] = entry.ref
            lines.append(json.dumps(record, ensure_ascii=False) + "\n")
        data = "".join(lines).encode("utf-8")
        with self._lock:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                os.write(fd, data)
                if sync:
                    os.fsync(fd)
            finally:
                os.close(fd)


def entry_from_record(record: Any, id: int) -> Entry:
    """An entry rebuilt from a dead-letter line; raises ``ValueError`` if malformed."""
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    kind, email, body = record.get("kind"), record.get("email"), record.get("body")
    if kind not in KINDS or not isinstance(email, str):
        raise ValueError(f"no 'kind' ({', '.join(KINDS)}) and 'email'")
    if body is not None and not isinstance(body, dict):
        raise ValueError("'body' is not an object")
    ref = record.get("ref")
    ref = ref if isinstance(ref, int) else None
    if kind in REST_KINDS:
        if body is None:
            raise ValueError(f"a {kind} line has no 'body'")
        return Entry(id, kind, email, None, _encode_json(body), False, ref)
    new_email = None
    idempotent = True
    if kind == IDENTIFY:
        body = dict(body or {})
        body.setdefault("email", email)
        new_email = body.get("newEmail") if isinstance(body.get("newEmail"), str) else None
        fields = body.get("customFields") or {}
        idempotent = new_email is None and not any(
            isinstance(value, str) and is_increment_text(value) for value in fields.values()
        )
    raw = None if body is None else _encode_json(body)
    return Entry(id, kind, email, new_email, raw, idempotent, ref)


def read_dead_letters(path: str) -> Iterator[tuple[int, Any]]:
    """``(line number, decoded record or the error text)`` for each non-blank line."""
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            try:
                yield number, json.loads(raw)
            except (ValueError, UnicodeDecodeError) as exc:
                yield number, exc

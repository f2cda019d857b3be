"""Automation rules and webhook delivery.

A rule ``{"on": "tag_added" | "tag_removed" | "contact_created", "tag": "<name, for
tag events>", "webhook": "<url>", "secret": "<hmac key>"}`` makes every matching
event POST a signed JSON body to the webhook. Delivery runs on worker threads, off
the server's loop, so a slow receiver never delays an API answer; failures (a
connection error, or a status outside 2xx) are retried with exponential backoff,
and every attempt is recorded for ``GET /_emulator/deliveries``.
"""

from __future__ import annotations

import collections
import hashlib
import heapq
import hmac
import http.client
import ipaddress
import itertools
import json
import re
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sendx.emulator.store.records import new_id

__all__ = [
    "EVENT_TYPES",
    "NAME_PATTERN",
    "WEBHOOK_PATTERN",
    "Delivery",
    "DeliveryQueue",
    "Rule",
    "RuleError",
    "load_rules_file",
    "now_iso",
    "parse_rules",
    "sign",
    "target_refusal",
]

EVENT_TYPES = ("tag_added", "tag_removed", "contact_created")
# Shared with the OpenAPI document and applied the same way (re.search), so the
# published schema and the checks agree. Python and ECMAScript must read them alike:
# so no \s (Python's has \x1c-\x1f and \x85, ECMAScript's has \ufeff) and no $ (in
# Python it also matches before a final newline).
_END = r"(?![\s\S])"
# A character other than what str.isspace() calls whitespace, which str.strip() drops.
NAME_PATTERN = r"[^\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
# Hosts are names or IPv4 addresses; the rest of the URL is visible ASCII (RFC 3986:
# anything else is percent-encoded).
WEBHOOK_PATTERN = (
    r"^https?://[A-Za-z0-9.\-]+"
    r"(:([0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?"
    r"([/?#][!-~]*)?" + _END
)
_KEYS = {"on", "tag", "webhook", "secret"}
# Deliveries kept for listing; the oldest are forgotten past this.
_MAX_RECORDS = 10_000


class RuleError(ValueError):
    """The rules document is invalid; the message says where and why."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One checked rule."""

    on: str
    tag: str | None
    webhook: str
    secret: str

    def matches(self, event_type: str, tag: str | None) -> bool:
        return self.on == event_type and (self.tag is None or self.tag == tag)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"on": self.on}
        if self.tag is not None:
            out["tag"] = self.tag
        out["webhook"] = self.webhook
        out["secret"] = self.secret
        return out


def _parse_one(index: int, item: Any) -> Rule:
    where = f"rules[{index}]"
    if not isinstance(item, dict):
        raise RuleError(f"{where} must be an object (got {type(item).__name__})")
    unknown = sorted(set(item) - _KEYS)
    if unknown:
        raise RuleError(f"{where} has unknown key(s) {unknown}; allowed: {sorted(_KEYS)}")
    on = item.get("on")
    if on not in EVENT_TYPES:
        raise RuleError(f"{where}.on must be one of {', '.join(EVENT_TYPES)}")
    tag = item.get("tag")
    if on == "contact_created":
        if "tag" in item:
            raise RuleError(f"{where}.tag applies only to tag_added and tag_removed rules")
    elif not isinstance(tag, str) or not re.search(NAME_PATTERN, tag):
        raise RuleError(f"{where}.tag must name the tag (a non-empty string)")
    webhook = item.get("webhook")
    if not isinstance(webhook, str) or not re.search(WEBHOOK_PATTERN, webhook):
        raise RuleError(f"{where}.webhook must be an http:// or https:// URL")
    secret = item.get("secret")
    if not isinstance(secret, str) or not secret:
        raise RuleError(f"{where}.secret must be a non-empty string (the HMAC key)")
    return Rule(on=on, tag=tag, webhook=webhook, secret=secret)


def parse_rules(document: Any) -> list[Rule]:
    """Check rules given as ``{"rules": [...]}`` or as the bare list."""
    if isinstance(document, dict):
        if set(document) != {"rules"}:
            raise RuleError('the document must be an object {"rules": [...]}')
        document = document["rules"]
    if not isinstance(document, list):
        raise RuleError('"rules" must be an array')
    return [_parse_one(index, item) for index, item in enumerate(document)]


def load_rules_file(path: str | Path) -> list[Rule]:
    """Rules from a JSON file, or a TOML file (``.toml``) with a ``[[rules]]`` array."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".toml":
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # the [emulator] extra brings tomli on Python 3.10
            import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]
        try:
            document: Any = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise RuleError(f"{path.name} is not valid TOML: {exc}") from None
        except RecursionError:
            raise RuleError(f"{path.name} nests arrays or tables too deeply") from None
    else:
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RuleError(f"{path.name} is not valid JSON: {exc}") from None
        except RecursionError:
            raise RuleError(f"{path.name} nests arrays or objects too deeply") from None
    return parse_rules(document)


def target_refusal(url: str, allowed_hosts: frozenset[str]) -> str | None:
    """Why a webhook may not be called at ``url``, or ``None`` when it may: the emulator
    calls loopback addresses only (``localhost``, ``*.localhost``, 127.0.0.0/8, ::1)
    and the hosts allowed with ``--allow-webhook-host``, so that it never becomes a way
    to reach other machines. Names are not resolved: a name that resolves to loopback
    must be allowed by name too."""
    try:
        host = (urllib.parse.urlsplit(url).hostname or "").lower()
    except ValueError:
        return "refused: the webhook URL cannot be parsed"
    if host in allowed_hosts or host == "localhost" or host.endswith(".localhost"):
        return None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        pass
    return (
        f"refused: {host or 'the host'} is not a loopback address; the emulator calls "
        f"webhooks on this machine only (allow a host with --allow-webhook-host {host or 'HOST'})"
    )


def sign(secret: str, body: bytes) -> str:
    """The ``X-SendX-Signature`` value: ``sha256=`` and the hex HMAC of the body."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


# (time, text) pairs, each replaced whole so that threads never see half of one.
_second_text: tuple[int, str] = (-1, "")
_milli_text: tuple[int, str] = (-1, "")


def now_iso() -> str:
    """The current UTC time as ISO 8601 with milliseconds and a ``Z``."""
    global _second_text, _milli_text
    milli = int(time.time() * 1000)
    cached = _milli_text
    # Under load many requests fall in the same millisecond: they share one text.
    if cached[0] == milli:
        return cached[1]
    second, fraction = divmod(milli, 1000)
    day_time = _second_text
    # Formatting the date part once a second keeps this off the request's profile.
    if day_time[0] != second:
        day_time = _second_text = (
            second,
            time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second)),
        )
    text = f"{day_time[1]}.{fraction:03d}Z"
    _milli_text = (milli, text)
    return text


# The first bytes of a receiver's answer that an attempt keeps.
_MAX_RESPONSE = 2048


@dataclass(slots=True, eq=False)  # identity: the queue looks deliveries up by object
class Delivery:
    """One webhook call for one event and one rule (``rule``, its index) or one REST
    webhook (``webhook_id``), with its attempts so far."""

    id: str
    rule: int | None
    event: str
    event_id: int
    team_id: str
    tag: str | None
    webhook: str
    body: bytes
    signature: str
    state: str = "pending"
    attempts: list[dict[str, Any]] = field(default_factory=list)
    webhook_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        source: dict[str, Any] = (
            {"rule": self.rule} if self.webhook_id is None else {"webhook_id": self.webhook_id}
        )
        return {
            "id": self.id,
            **source,
            "event": self.event,
            "event_id": self.event_id,
            "team_id": self.team_id,
            "tag": self.tag,
            "webhook": self.webhook,
            "state": self.state,
            "attempts": [dict(attempt) for attempt in self.attempts],
            "request": {
                "method": "POST",
                "url": self.webhook,
                "headers": self.headers(),
                "body": self.body.decode("utf-8", "replace"),
            },
        }

    def headers(self) -> dict[str, str]:
        """The headers each attempt sends."""
        return {
            "Content-Type": "application/json",
            "User-Agent": "sendx-emulator",
            "X-SendX-Signature": self.signature,
            "X-SendX-Event": self.event,
            "X-SendX-Delivery": self.id,
        }


class DeliveryQueue:
    """Delivers webhooks on worker threads, retrying with backoff.

    Attempt ``n`` (from 1) that fails is followed by attempt ``n + 1`` after
    ``backoff * 2 ** (n - 1)`` seconds, up to ``attempts`` in all; then the
    delivery is ``failed``. ``timeout`` bounds each attempt.
    """

    def __init__(
        self,
        *,
        attempts: int = 5,
        backoff: float = 0.5,
        timeout: float = 5.0,
        workers: int = 2,
        allowed_hosts: Iterable[str] = (),
    ) -> None:
        self.attempts = attempts
        self.allowed_hosts = frozenset(host.lower() for host in allowed_hosts)
        """Hosts that webhooks may reach besides loopback ones."""
        self.backoff = backoff
        self.timeout = timeout
        self._workers = workers
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Delivery]] = []
        self._seq = itertools.count()
        self._records: collections.deque[Delivery] = collections.deque(maxlen=_MAX_RECORDS)
        self._threads: list[threading.Thread] = []
        self._closed = False
        self.on_change: Callable[[], None] | None = None
        """Called (from any thread) when a delivery is queued or attempted."""

    def submit(
        self,
        rules: list[Rule],
        *,
        team_id: str,
        events: list[tuple[int, str, str | None, str]],
        contact: dict[str, Any],
    ) -> None:
        """Queue one delivery per (event, matching rule). ``events`` holds
        ``(event_id, type, tag, at)``; ``contact`` is the wire form after the call."""
        batch = []
        for event_id, event_type, tag, at in events:
            for index, rule in enumerate(rules):
                if not rule.matches(event_type, tag):
                    continue
                delivery_id = new_id()
                body = json.dumps(
                    {
                        "id": delivery_id,
                        "event": event_type,
                        "team_id": team_id,
                        "tag": tag,
                        "contact": contact,
                        "occurred_at": at,
                    },
                    ensure_ascii=False,
                ).encode("utf-8")
                batch.append(
                    Delivery(
                        id=delivery_id,
                        rule=index,
                        event=event_type,
                        event_id=event_id,
                        team_id=team_id,
                        tag=tag,
                        webhook=rule.webhook,
                        body=body,
                        signature=sign(rule.secret, body),
                    )
                )
        self.enqueue(batch)

    def enqueue(self, batch: list[Delivery]) -> None:
        """Queue deliveries made elsewhere (the REST API's webhooks)."""
        if not batch:
            return
        with self._cond:
            if self._closed:
                return
            now = time.monotonic()
            for delivery in batch:
                self._records.append(delivery)
                heapq.heappush(self._heap, (now, next(self._seq), delivery))
            self._start_workers()
            self._cond.notify_all()
        self._changed()

    def _changed(self) -> None:
        on_change = self.on_change
        if on_change is not None:
            on_change()

    def _start_workers(self) -> None:
        while len(self._threads) < self._workers:
            thread = threading.Thread(
                target=self._work, name=f"sendx-emulator-webhooks-{len(self._threads)}", daemon=True
            )
            self._threads.append(thread)
            thread.start()

    def list(self, team_id: str | None = None) -> list[dict[str, Any]]:
        """Every recorded delivery (of one team, if given), oldest first."""
        with self._cond:
            return [d.to_json() for d in self._records if team_id is None or d.team_id == team_id]

    def clear(self, team_id: str | None = None) -> None:
        """Forget deliveries (of one team): pending ones are not attempted again."""
        with self._cond:
            keep = [d for d in self._records if team_id is not None and d.team_id != team_id]
            self._records = collections.deque(keep, maxlen=_MAX_RECORDS)
            kept = {id(d) for d in keep}
            self._heap = [entry for entry in self._heap if id(entry[2]) in kept]
            heapq.heapify(self._heap)

    def close(self) -> None:
        """Stop the workers; pending retries are abandoned."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout=self.timeout + 1.0)

    def _work(self) -> None:
        while True:
            with self._cond:
                while not self._closed:
                    if self._heap:
                        wait = self._heap[0][0] - time.monotonic()
                        if wait <= 0:
                            break
                        self._cond.wait(wait)
                    else:
                        self._cond.wait()
                if self._closed:
                    return
                _, _, delivery = heapq.heappop(self._heap)
            refusal = target_refusal(delivery.webhook, self.allowed_hosts)
            attempt = self._attempt(delivery) if refusal is None else self._refused(refusal)
            with self._cond:
                delivery.attempts.append(attempt)
                number = len(delivery.attempts)
                ok = attempt["error"] is None and 200 <= attempt["status"] < 300
                if ok:
                    delivery.state = "delivered"
                elif refusal is not None or number >= self.attempts:
                    delivery.state = "failed"
                elif not self._closed and delivery in self._records:
                    due = time.monotonic() + self.backoff * 2 ** (number - 1)
                    heapq.heappush(self._heap, (due, next(self._seq), delivery))
                    self._cond.notify_all()
            self._changed()

    def _refused(self, reason: str) -> dict[str, Any]:
        return {
            "attempt": 1,
            "at": now_iso(),
            "status": None,
            "error": reason,
            "duration_ms": 0.0,
            "response": None,
        }

    def _attempt(self, delivery: Delivery) -> dict[str, Any]:
        started = time.monotonic()
        at = now_iso()
        status: int | None = None
        error: str | None = None
        response_body: str | None = None
        connection: http.client.HTTPConnection | None = None
        try:
            parts = urllib.parse.urlsplit(delivery.webhook)
            connection_class = (
                http.client.HTTPSConnection
                if parts.scheme == "https"
                else http.client.HTTPConnection
            )
            target = parts.path or "/"
            if parts.query:
                target += "?" + parts.query
            connection = connection_class(parts.hostname or "", parts.port, timeout=self.timeout)
            connection.request(
                "POST",
                target,
                body=delivery.body,
                headers=delivery.headers(),
            )
            response = connection.getresponse()
            # What the receiver said, as much as a person reads on the web page.
            answer = response.read(_MAX_RESPONSE + 1)
            status = response.status
            response_body = answer[:_MAX_RESPONSE].decode("utf-8", "replace")
            if len(answer) > _MAX_RESPONSE:
                response_body += " [...]"
            if not 200 <= status < 300:
                error = f"HTTP {status}"
        except (OSError, http.client.HTTPException, ValueError) as exc:
            error = f"{type(exc).__name__}: {exc}"
        finally:
            if connection is not None:
                connection.close()
        return {
            "attempt": len(delivery.attempts) + 1,
            "at": at,
            "status": status,
            "error": error,
            "duration_ms": round((time.monotonic() - started) * 1000.0, 3),
            "response": response_body,
        }

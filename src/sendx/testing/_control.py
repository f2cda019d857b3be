"""A client for the emulator's control plane (``/_emulator``): inspect and steer it.

It speaks plain HTTP with ``urllib.request`` (no extra dependency, nothing to close)
and answers with sendx models (contacts) or plain dicts (events, messages, deliveries,
rules, faults), the shapes ``docs/emulator.md`` documents.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

if TYPE_CHECKING:
    from sendx.models import Contact

__all__ = ["ControlPlane", "EmulatorError"]

_MESSAGES_PAGE = 1000

# Never through a proxy: the emulator is on loopback, and an HTTP_PROXY set for the
# developer's machine would otherwise capture these requests.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class EmulatorError(RuntimeError):
    """The emulator's control plane refused a request or could not be reached.

    ``status`` is the HTTP status (``None`` when no answer came).
    """

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


EmulatorError.__module__ = "sendx.testing"


class ControlPlane:
    """The control plane of an emulator at ``control_url``, seen as team ``team_id``.

    ``ControlPlane("http://127.0.0.1:8787/_emulator", "team-1")`` also reaches an
    emulator started elsewhere (``sendx emulator`` in another terminal).
    """

    def __init__(self, control_url: str, team_id: str, *, timeout: float = 10.0) -> None:
        self.control_url = control_url.rstrip("/")
        self.team_id = team_id
        self.timeout = timeout

    def page_url(self, *, contact: str | None = None, message: str | None = None) -> str:
        """The emulator's web page for this team, or for one of its contacts (by
        email) or one message: a link to print in a test's failure message."""
        from sendx.emulator.web.links import page_link

        root = self.control_url.removesuffix("/_emulator")
        return page_link(root, None if message else self.team_id, contact=contact, message=message)

    def __repr__(self) -> str:
        return f"ControlPlane({self.control_url!r}, team_id={self.team_id!r})"

    def _request(
        self,
        method: str,
        path: str,
        query: Mapping[str, str] | None = None,
        body: Any = None,
        *,
        missing_ok: bool = False,
    ) -> Any:
        url = self.control_url + path + ("?" + urlencode(query) if query else "")
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 (http only)
        if method != "GET":  # the emulator takes writes only as JSON, a body or not
            request.add_header("Content-Type", "application/json")
        try:
            with _OPENER.open(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            with exc:
                raw = exc.read()
            if missing_ok and exc.code == 404:
                return None
            # The path only: the query may hold a contact's email.
            raise EmulatorError(
                f"the emulator answered {exc.code} to {method} /_emulator{path}: "
                f"{_message(raw) or exc.reason}",
                status=exc.code,
            ) from None
        except OSError as exc:
            raise EmulatorError(
                f"the emulator at {self.control_url} did not answer {method} /_emulator{path} "
                f"({type(exc).__name__}); is it running?"
            ) from None
        return json.loads(raw) if raw.strip() else None

    def health(self) -> dict[str, Any]:
        """``GET /health``: the emulator's own report; raises ``EmulatorError`` when down."""
        answer = self._request("GET", "/health")
        return answer if isinstance(answer, dict) else {}

    def reset(self, *, all_teams: bool = False) -> None:
        """Delete this team's contacts, tags, fields, events, captured messages, REST
        objects and webhook deliveries;
        with ``all_teams=True`` every team's, and the faults too. Rules stay."""
        self._request("POST", "/reset", None if all_teams else {"team_id": self.team_id})

    def contacts(self) -> list[Contact]:
        """Every contact of the team, as :class:`sendx.Contact`, oldest first."""
        from sendx.models import contact_from_wire

        answer = self._request("GET", "/contacts", {"team_id": self.team_id})
        return [contact_from_wire(item) for item in answer["contacts"]]

    def contact(self, email: str) -> Contact | None:
        """The contact ``email`` (matched case-insensitively), or ``None`` when absent."""
        from sendx.models import contact_from_wire

        answer = self._request(
            "GET", "/contacts", {"team_id": self.team_id, "email": email}, missing_ok=True
        )
        return None if answer is None else contact_from_wire(answer)

    def events(self, *, after: int | str | None = None) -> list[dict[str, Any]]:
        """The team's events, oldest first: dicts with ``id``, ``type``, ``email``,
        ``tag`` or ``field`` where it applies, and ``at``; only those after the event
        id ``after`` when given."""
        query = {"team_id": self.team_id}
        if after is not None:
            query["after"] = str(after)
        events: list[dict[str, Any]] = self._request("GET", "/events", query)["events"]
        return events

    def messages(
        self, *, to: str | None = None, campaign_id: str | None = None
    ) -> list[dict[str, Any]]:
        """The team's captured mail, oldest first: what the app sent with
        ``client.emails.send`` / ``send_template`` and what its campaigns sent. ``to``
        keeps the messages to that address (in any case), ``campaign_id`` those of one
        campaign. Each is a dict with ``id``, ``from``, ``to`` (``{"email", "name"}``),
        ``cc``, ``bcc``, ``reply_to``, ``subject``, ``html``, ``text`` (placeholders
        rendered), ``headers``, ``template_id``, ``campaign_id``, ``contact_id``,
        ``submitted_at`` and ``events`` (the engagement simulated on it)."""
        query = {"team_id": self.team_id, "limit": str(_MESSAGES_PAGE)}
        if to is not None:
            query["to"] = to
        if campaign_id is not None:
            query["campaign_id"] = campaign_id
        found: list[dict[str, Any]] = []
        while True:  # the control plane pages them newest first
            query["offset"] = str(len(found))
            page = self._request("GET", "/messages", query)["messages"]
            found.extend(page)
            if len(page) < _MESSAGES_PAGE:
                return found[::-1]

    def message(self, message_id: str) -> dict[str, Any] | None:
        """The message with this id (an ``EmailResult.message_id``), or ``None``."""
        answer = self._request("GET", f"/messages/{quote(message_id, safe='')}", missing_ok=True)
        return answer if isinstance(answer, dict) else None

    def wait_for_messages(
        self, count: int = 1, *, to: str | None = None, timeout: float = 10.0
    ) -> list[dict[str, Any]]:
        """Poll until at least ``count`` messages (to ``to``, when given) are captured,
        then return them all, oldest first; ``TimeoutError`` after ``timeout`` seconds.

        For mail sent in the background (an outbox): a test waits with this."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.messages(to=to)
            if len(found) >= count:
                return found
            if time.monotonic() >= deadline:
                raise TimeoutError(
                    f"{len(found)} message(s) captured after {timeout:g} s, expected {count}; "
                    "was the outbox flushed, and did its calls fail (its dead-letter file)?"
                )
            time.sleep(0.01)

    def _engage(self, message_id: str, kind: str, url: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"type": kind} if url is None else {"type": kind, "url": url}
        path = f"/messages/{quote(message_id, safe='')}/events"
        answer: dict[str, Any] = self._request("POST", path, body=body)
        return answer

    def open(self, message_id: str) -> dict[str, Any]:
        """The recipient opened the message: it counts in its campaign's report, and
        webhooks subscribed to opens are called. Returns the message."""
        return self._engage(message_id, "open")

    def click(self, message_id: str, url: str) -> dict[str, Any]:
        """The recipient clicked ``url`` in the message (a click and a link stat in the
        report). Returns the message."""
        return self._engage(message_id, "click", url)

    def bounce(self, message_id: str) -> dict[str, Any]:
        """The message bounced: its contact is marked bounced. Returns the message."""
        return self._engage(message_id, "bounce")

    def spam(self, message_id: str) -> dict[str, Any]:
        """The recipient marked the message as spam: its contact is marked so."""
        return self._engage(message_id, "spam")

    def unsubscribe(self, message_id: str) -> dict[str, Any]:
        """The recipient unsubscribed through the message: its contact is unsubscribed."""
        return self._engage(message_id, "unsubscribe")

    def drop(self, message_id: str) -> dict[str, Any]:
        """SendX dropped the message: its contact is marked dropped."""
        return self._engage(message_id, "drop")

    def send_campaign(self, campaign_id: str) -> int:
        """Send a draft or scheduled campaign now (the emulator has no clock); the
        number of messages it captured. ``EmulatorError`` (409) if it was sent."""
        path = f"/campaigns/{quote(campaign_id, safe='')}/send"
        answer = self._request("POST", path, {"team_id": self.team_id})
        return int(answer["messages"])

    def deliveries(self) -> list[dict[str, Any]]:
        """The team's webhook deliveries, oldest first: dicts with ``id``, ``rule``,
        ``event``, ``event_id``, ``tag``, ``webhook``, ``state`` (``"pending"``,
        ``"delivered"`` or ``"failed"``) and ``attempts`` (each with its status, time and
        error)."""
        answer = self._request("GET", "/deliveries", {"team_id": self.team_id})
        deliveries: list[dict[str, Any]] = answer["deliveries"]
        return deliveries

    def wait_for_deliveries(
        self, count: int = 1, *, state: str | None = "delivered", timeout: float = 10.0
    ) -> list[dict[str, Any]]:
        """Poll until at least ``count`` deliveries are in ``state`` (``None``: in any
        state), then return all of them; ``TimeoutError`` after ``timeout`` seconds.

        Webhooks are sent in the background, so a test waits for them with this.
        """
        deadline = time.monotonic() + timeout
        while True:
            deliveries = self.deliveries()
            done = [d for d in deliveries if state is None or d.get("state") == state]
            if len(done) >= count:
                return deliveries
            if time.monotonic() >= deadline:
                states = [d.get("state") for d in deliveries]
                raise TimeoutError(
                    f"{len(done)} webhook deliveries {state or 'recorded'} after {timeout:g} s, "
                    f"expected {count} (states now: {states}); check rules() and events()"
                )
            time.sleep(0.01)

    def rules(self) -> list[dict[str, Any]]:
        """The automation rules in force."""
        rules: list[dict[str, Any]] = self._request("GET", "/rules")["rules"]
        return rules

    def set_rules(self, rules: Iterable[Mapping[str, Any]]) -> None:
        """Replace the rules: each ``{"on": "tag_added" | "tag_removed" |
        "contact_created", "tag": ..., "webhook": url, "secret": ...}``; ``[]`` clears."""
        self._request("PUT", "/rules", body={"rules": [dict(rule) for rule in rules]})

    def faults(self) -> list[dict[str, Any]]:
        """The faults in force."""
        faults: list[dict[str, Any]] = self._request("GET", "/faults")["faults"]
        return faults

    def set_faults(self, faults: Iterable[Mapping[str, Any]]) -> None:
        """Replace the faults: each with optional ``method``, ``path`` (a prefix such as
        ``/api/v1/contact/identify``), one effect (``status`` with optional
        ``retry_after``, ``latency_ms``, or ``drop``: ``"before"``/``"after"``) and
        optional ``probability`` or ``times``; ``[]`` clears."""
        self._request("PUT", "/faults", body={"faults": [dict(fault) for fault in faults]})


def _message(raw: bytes) -> str | None:
    try:
        decoded = json.loads(raw)
    except ValueError:
        return None
    message = decoded.get("message") if isinstance(decoded, dict) else None
    return message if isinstance(message, str) else None


ControlPlane.__module__ = "sendx.testing"

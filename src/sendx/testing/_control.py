"""A client for the emulator's control plane (``/_emulator``): inspect and steer it.

It speaks plain HTTP with ``urllib.request`` (no extra dependency, nothing to close)
and answers with sendx models (contacts) or plain dicts (events, deliveries, rules,
faults), the shapes ``docs/emulator.md`` documents.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

if TYPE_CHECKING:
    from sendx.models import Contact

__all__ = ["ControlPlane", "EmulatorError"]

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
        """Delete this team's contacts, tags, fields, events and webhook deliveries;
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

"""Helpers of the outbox and bulk-import tests: the emulator's control plane, state
snapshots and per-contact event sequences (not tests themselves)."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from typing import Any

from tests._support.polling import wait_for as _wait_for

import sendx

KEY = "outbox-test-key"

#: The client's retries in tests: milliseconds of backoff, so faults cost little time.
FAST_CLIENT_RETRY = sendx.RetryPolicy(max_retries=3, backoff_initial=0.001, backoff_max=0.005)
#: The outbox's own retry rounds in tests.
FAST_OUTBOX_RETRY = sendx.RetryPolicy(max_retries=30, backoff_initial=0.001, backoff_max=0.01)


def new_team() -> str:
    """A team id of its own: tests share one emulator, teams keep them apart."""
    return f"team-{uuid.uuid4().hex[:12]}"


def control(emu: Any, method: str, path: str, body: Any = None, **query: str) -> Any:
    """Call the emulator's control plane; the decoded JSON answer."""
    url = f"{emu.control_url}{path}"
    if query:
        url += "?" + urllib.parse.urlencode(query)
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def contacts(emu: Any, team: str) -> list[dict[str, Any]]:
    """Every contact of ``team`` in wire form, ids removed, sorted by email."""
    found = control(emu, "GET", "/contacts", team_id=team)["contacts"]
    for contact in found:
        contact.pop("encryptedId", None)
        contact.pop("encryptedTeamId", None)
    return sorted(found, key=lambda c: c["email"].lower())


def events(emu: Any, team: str) -> list[dict[str, Any]]:
    """The team's events, oldest first."""
    return list(control(emu, "GET", "/events", team_id=team)["events"])


def per_contact_events(emu: Any, team: str) -> list[list[tuple[Any, ...]]]:
    """The event sequence of each contact, contacts in a canonical order.

    Events carry the contact's address at the time; a rename event links the old
    address to the new one, so each sequence follows one contact through renames.
    Events of different contacts may interleave in any order; those of one may not.
    """
    owner: dict[str, int] = {}
    sequences: list[list[tuple[Any, ...]]] = []
    for event in events(emu, team):
        kind, email = event["type"], event["email"].lower()
        if kind == "contact_created":
            owner[email] = len(sequences)
            sequences.append([])
        elif kind == "contact_renamed":
            owner[email] = owner.pop(event["previous_email"].lower())
        index = owner[email]
        sequences[index].append(
            (kind, event["email"], event.get("tag"), event.get("field"), event.get("value"))
        )
    return sorted(sequences)


def set_faults(emu: Any, faults: list[dict[str, Any]]) -> None:
    """Replace the emulator's injected faults (``[]`` clears them)."""
    control(emu, "PUT", "/faults", {"faults": faults})


def wait_for(condition: Callable[[], Any], timeout: float = 30.0, interval: float = 0.01) -> Any:
    """``tests._support.polling.wait_for`` with the longer default these tests need
    (deliveries through a slowed emulator)."""
    return _wait_for(condition, timeout, interval)

"""The retry rule of calls that are not idempotent (creates, sends, events), and the
error classes of REST answers, as tables the families' tests run against the emulator.

A send, an event or a create is sent again only where SendX surely did not get it: a
429 or a 503 (which SendX answers without applying anything), or no connection made.
Anything that may have been applied (a 500, a connection dropped before or after the
request was handled, a timeout while waiting for the answer) is raised at once, so an
email is never sent twice by a retry. Each scenario counts the attempts the client
made and what the emulator applied.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from tests._support.polling import wait_for
from tests._support.recording_server import free_port
from tests.client.rest.conftest import close_client, make_client

import sendx
from sendx.testing import ControlPlane


@dataclass(frozen=True)
class Scenario:
    """A fault on the call's path and what must follow from it."""

    name: str
    fault: dict[str, Any]
    error: type[Exception] | None  # None: the call succeeds
    attempts: int
    applied: int


SCENARIOS = [
    Scenario("503 once: retried", {"status": 503, "times": 1}, None, 2, 1),
    Scenario("429 once: retried", {"status": 429, "retry_after": 0, "times": 1}, None, 2, 1),
    Scenario(
        "500: may be applied, raised", {"status": 500, "times": 1}, sendx.InternalServerError, 1, 0
    ),
    Scenario(
        "dropped after applying", {"drop": "after", "times": 1}, sendx.APIConnectionError, 1, 1
    ),
    Scenario(
        "dropped before applying", {"drop": "before", "times": 1}, sendx.APIConnectionError, 1, 0
    ),
    # The answer would come long after the client stopped waiting: not sent again. (The
    # emulator applies nothing of a request whose client left while it waited.)
    Scenario("answer too late", {"latency_ms": 3000, "times": 1}, sendx.APITimeoutError, 1, 0),
]
SCENARIO_IDS = [scenario.name for scenario in SCENARIOS]

#: Every REST error status and the exception it raises.
STATUS_ERRORS = [
    (400, sendx.BadRequestError),
    (401, sendx.AuthenticationError),
    (403, sendx.PermissionDeniedError),
    (404, sendx.NotFoundError),
    (409, sendx.ConflictError),
    (422, sendx.UnprocessableEntityError),
    (429, sendx.RateLimitError),
    (500, sendx.InternalServerError),
    (503, sendx.InternalServerError),
]


def check_rule(
    scenario: Scenario,
    kind: str,
    emulator: Any,
    key: str,
    control: ControlPlane,
    path: str,
    operation: Callable[[Any], Any],
    applied: Callable[[], int],
) -> None:
    """Run ``operation(client)`` under ``scenario``'s fault on ``POST path`` (under
    the REST base URL) and check the attempts made and what ``applied()`` counts."""
    attempts: list[int] = []
    client = make_client(
        kind,
        emulator,
        key,
        timeout=(5.0, 0.5),
        on_request=lambda event: attempts.append(event.attempt),
    )
    control.set_faults([{"method": "POST", "path": f"/api/v1/rest{path}", **scenario.fault}])
    try:
        if scenario.error is None:
            operation(client)
        else:
            with pytest.raises(scenario.error) as raised:
                operation(client)
            if isinstance(raised.value, sendx.APIConnectionError):
                assert raised.value.request_sent
            assert "not idempotent" in str(raised.value) or scenario.fault.get("status")
    finally:
        close_client(client)
    assert len(attempts) == scenario.attempts, attempts
    # A late answer is applied after the client gave up: wait for it, then the count
    # must be exact (the client made one attempt, so nothing else can come).
    if scenario.applied:
        wait_for(lambda: applied() >= scenario.applied)
    assert applied() == scenario.applied
    assert control.faults() == []  # the fault fired


def check_refused(kind: str, key: str, operation: Callable[[Any], Any]) -> None:
    """Nothing listens: no request was sent, so the call is retried (every attempt of
    the policy), then raises ``APIConnectionError`` with ``request_sent`` false."""
    attempts: list[int] = []
    url = f"http://127.0.0.1:{free_port()}/api/v1"

    class Nowhere:
        base_url = url

    client = make_client(
        kind, Nowhere, key, on_request=lambda event: attempts.append(event.attempt)
    )
    try:
        with pytest.raises(sendx.APIConnectionError) as raised:
            operation(client)
    finally:
        close_client(client)
    assert not raised.value.request_sent
    assert attempts == [1, 2, 3, 4]


def check_status(
    status: int,
    error: type[Exception],
    kind: str,
    emulator: Any,
    key: str,
    control: ControlPlane,
    path: str,
    operation: Callable[[Any], Any],
) -> None:
    """SendX's error status on ``POST path`` raises ``error`` with SendX's message."""
    control.set_faults([{"path": f"/api/v1/rest{path}", "status": status}])
    client = make_client(kind, emulator, key, max_retries=0)
    try:
        with pytest.raises(error) as raised:
            operation(client)
    finally:
        close_client(client)
        control.set_faults([])
    assert raised.value.status == status  # type: ignore[attr-defined]
    assert f"emulated fault: HTTP {status}" in str(raised.value)

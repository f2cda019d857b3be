"""Retries over a real socket: one table of scenarios run against both clients, the
increment rule, Retry-After, the deadline, a server that never answers, refused
connections, and the hooks that report each attempt."""

from __future__ import annotations

import contextlib
import email.utils
import random
import time
from dataclasses import dataclass, field
from typing import Any

import pytest
from tests._support.recording_server import RecordingServer, Reply, free_port
from tests.client.conftest import Driver

import sendx

OK = Reply.contact()
PAST = email.utils.formatdate(time.time() - 3600, usegmt=True)
# Short enough to keep the suite fast, long enough that a loaded machine still delivers
# the scripted answers that follow a hang in time.
HANG_TIMEOUT = sendx.Timeout(connect=2, read=0.4)


def status(code: int, *headers: tuple[str, str]) -> Reply:
    return Reply.json({"status": str(code), "message": "scripted"}, status=code, headers=headers)


@pytest.fixture(autouse=True)
def fixed_jitter(monkeypatch: pytest.MonkeyPatch) -> None:
    """Jitter at 0.5: with FAST_RETRY the n-th retry waits 0.001 * 2**n seconds."""
    monkeypatch.setattr(random, "random", lambda: 0.5)


@dataclass
class Scenario:
    name: str
    replies: list[Reply]
    attempts: int
    waits: list[float]
    outcome: type[Exception] | None  # None: success
    kwargs: dict[str, Any] = field(default_factory=dict)
    client: dict[str, Any] = field(default_factory=dict)
    request_sent: bool | None = None


INCREMENT = {"custom_fields": {"Visits": sendx.increment(1)}}
RENAME = {"new_email": "new@x.io"}

SCENARIOS = [
    Scenario("first try", [OK], 1, [], None),
    Scenario("500 then ok", [status(500), OK], 2, [0.001], None),
    Scenario(
        "429, 503, 408 then ok",
        [status(429), status(503), status(408), OK],
        4,
        [0.001, 0.002, 0.004],
        None,
    ),
    Scenario(
        "502, 504, 500, 500: exhausted",
        [status(502), status(504), status(500), status(500)],
        4,
        [0.001, 0.002, 0.004],
        sendx.InternalServerError,
    ),
    Scenario(
        "max_retries=0", [status(503)], 1, [], sendx.InternalServerError, client={"max_retries": 0}
    ),
    Scenario(
        "max_retries=1",
        [status(503), status(503)],
        2,
        [0.001],
        sendx.InternalServerError,
        client={"max_retries": 1},
    ),
    Scenario("Retry-After seconds", [status(429, ("Retry-After", "0.05")), OK], 2, [0.05], None),
    Scenario("Retry-After date", [status(503, ("Retry-After", PAST)), OK], 2, [0.0], None),
    Scenario(
        "Retry-After above the cap",
        [status(429, ("Retry-After", "120"))],
        1,
        [],
        sendx.RateLimitError,
    ),
    Scenario("Retry-After garbage", [status(429, ("Retry-After", "soon")), OK], 2, [0.001], None),
    Scenario("400 is final", [status(400)], 1, [], sendx.BadRequestError),
    Scenario("401 is final", [status(401)], 1, [], sendx.AuthenticationError),
    Scenario("dropped, then ok", [Reply.close(), OK], 2, [0.001], None),
    Scenario(
        "dropped every time",
        [Reply.close()] * 4,
        4,
        [0.001, 0.002, 0.004],
        sendx.APIConnectionError,
        request_sent=True,
    ),
    Scenario(
        "no answer, then ok", [Reply.hang(), OK], 2, [0.001], None, client={"timeout": HANG_TIMEOUT}
    ),
    Scenario("increment: 500", [status(500)], 1, [], sendx.InternalServerError, kwargs=INCREMENT),
    Scenario("increment: 502", [status(502)], 1, [], sendx.InternalServerError, kwargs=INCREMENT),
    Scenario("increment: 504", [status(504)], 1, [], sendx.InternalServerError, kwargs=INCREMENT),
    Scenario("increment: 408", [status(408)], 1, [], sendx.APIStatusError, kwargs=INCREMENT),
    Scenario("increment: 429 then ok", [status(429), OK], 2, [0.001], None, kwargs=INCREMENT),
    Scenario("increment: 503 then ok", [status(503), OK], 2, [0.001], None, kwargs=INCREMENT),
    Scenario(
        "increment: dropped",
        [Reply.close(), OK],
        1,
        [],
        sendx.APIConnectionError,
        kwargs=INCREMENT,
        request_sent=True,
    ),
    Scenario(
        "increment: no answer",
        [Reply.hang(), OK],
        1,
        [],
        sendx.APITimeoutError,
        kwargs=INCREMENT,
        client={"timeout": HANG_TIMEOUT},
        request_sent=True,
    ),
    Scenario("rename: 500", [status(500)], 1, [], sendx.InternalServerError, kwargs=RENAME),
    Scenario("rename: 503 then ok", [status(503), OK], 2, [0.001], None, kwargs=RENAME),
    Scenario(
        "rename: dropped",
        [Reply.close(), OK],
        1,
        [],
        sendx.APIConnectionError,
        kwargs=RENAME,
        request_sent=True,
    ),
]


def run_scenario(server: RecordingServer, driver: Driver, scenario: Scenario) -> dict[str, Any]:
    """Run one scenario; what happened, in a form equal for equal behaviour."""
    server.script(*scenario.replies)
    events: list[Any] = []
    options = {"on_retry": events.append, **scenario.client}
    outcome: Any = None
    try:
        driver.identify(server.url, "a@b.co", client=options, **scenario.kwargs)
    except sendx.SendXError as exc:
        outcome = exc
    requests = list(server.requests)
    return {
        "attempts": len(requests),
        "waits": [event.delay for event in events],
        "retry attempts": [event.attempt for event in events],
        "outcome": type(outcome) if outcome is not None else None,
        "status": getattr(outcome, "status", None),
        "request_sent": getattr(outcome, "request_sent", None),
        "same bytes every time": len({r.raw.split(b"\r\n\r\n", 1)[1] for r in requests}) == 1,
    }


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_retry_scenarios(server: RecordingServer, driver: Driver, scenario: Scenario) -> None:
    """Each scenario gives the same attempts, waits and outcome on both clients."""
    result = run_scenario(server, driver, scenario)
    assert result["attempts"] == scenario.attempts
    assert result["waits"] == pytest.approx(scenario.waits, abs=1e-3)
    assert result["retry attempts"] == list(range(2, scenario.attempts + 1))
    assert result["outcome"] is scenario.outcome
    assert result["same bytes every time"]
    if scenario.request_sent is not None:
        assert result["request_sent"] is scenario.request_sent


def test_both_clients_agree_on_every_scenario() -> None:
    """The whole table, side by side: the sync and async results are equal."""
    results: dict[str, list[Any]] = {}
    for kind in ("sync", "async"):
        results[kind] = []
        for scenario in SCENARIOS:
            with RecordingServer() as server:
                results[kind].append(run_scenario(server, Driver(kind), scenario))
    assert results["sync"] == results["async"]


def test_the_last_answer_is_the_error(server: RecordingServer, driver: Driver) -> None:
    """After the last retry the error carries the last status, body and header."""
    server.script(
        status(500),
        Reply.json(
            {"message": "try later"}, status=503, headers=[("Retry-After", "0"), ("X-Id", "7")]
        ),
    )
    with pytest.raises(sendx.InternalServerError) as caught:
        driver.identify(server.url, "a@b.co", client={"max_retries": 1})
    error = caught.value
    assert error.status == 503
    assert error.message == "try later (after 2 attempts)"
    assert error.body == {"message": "try later"}
    assert error.headers["x-id"] == "7"
    assert error.retry_after == 0.0


def test_retry_after_above_the_cap_is_reported(server: RecordingServer, driver: Driver) -> None:
    server.script(status(429, ("Retry-After", "31")))
    started = time.monotonic()
    with pytest.raises(sendx.RateLimitError) as caught:
        driver.identify(
            server.url, "a@b.co", client={"retry": sendx.RetryPolicy(retry_after_max=30)}
        )
    assert time.monotonic() - started < 5
    assert caught.value.retry_after == 31.0
    assert "retry_after_max=30" in str(caught.value)


def test_a_server_that_never_answers(server: RecordingServer, driver: Driver) -> None:
    """The read timeout ends the attempt; the error says the request was sent."""
    server.default = Reply.hang()
    started = time.monotonic()
    with pytest.raises(sendx.APITimeoutError) as caught:
        driver.identify(server.url, "a@b.co", client={"timeout": HANG_TIMEOUT, "max_retries": 0})
    elapsed = time.monotonic() - started
    assert 0.35 <= elapsed < 5
    assert caught.value.request_sent is True
    assert "read timeout" in str(caught.value)


def test_the_deadline_cuts_a_hanging_attempt(server: RecordingServer, driver: Driver) -> None:
    """With a 30 s read timeout and a 0.4 s deadline, the call ends after ~0.4 s."""
    server.default = Reply.hang()
    policy = sendx.RetryPolicy(deadline=0.4, backoff_initial=0.001)
    started = time.monotonic()
    with pytest.raises(sendx.APITimeoutError) as caught:
        driver.identify(server.url, "a@b.co", client={"retry": policy})
    elapsed = time.monotonic() - started
    assert 0.3 <= elapsed < 3
    assert "deadline of 0.4 s" in str(caught.value)
    assert len(server.requests) == 1


def test_the_deadline_bounds_retries(server: RecordingServer, driver: Driver) -> None:
    """Retries stop when the next wait would pass the deadline: the last error is
    raised at once with a note, instead of sleeping into the deadline. (A wait of 20 s
    against a deadline of 10 s: the outcome does not hang on the machine's speed.)"""
    server.default = status(503, ("Retry-After", "20"))
    policy = sendx.RetryPolicy(max_retries=100, deadline=10)
    started = time.monotonic()
    with pytest.raises(sendx.InternalServerError) as caught:
        driver.identify(server.url, "a@b.co", client={"retry": policy})
    assert time.monotonic() - started < 10
    assert len(server.requests) == 1
    assert "no time left for a retry within the deadline of 10 s" in str(caught.value)


@pytest.mark.parametrize("kwargs", [{}, INCREMENT, RENAME], ids=["plain", "increment", "rename"])
def test_connection_refused_is_retried_for_every_call(
    driver: Driver, kwargs: dict[str, Any]
) -> None:
    """Nothing listens: no request was sent, so even an increment is retried."""
    attempts: list[Any] = []
    url = f"http://127.0.0.1:{free_port()}/api/v1"
    with pytest.raises(sendx.APIConnectionError) as caught:
        driver.identify(url, "secret.person@x.io", client={"on_request": attempts.append}, **kwargs)
    assert type(caught.value) is sendx.APIConnectionError
    assert caught.value.request_sent is False
    assert len(attempts) == 4
    message = str(caught.value)
    assert "connect" in message
    assert "secret.person" not in message
    assert "127.0.0.1" not in message


def test_hooks_receive_every_attempt(server: RecordingServer, driver: Driver) -> None:
    """on_request, on_response and on_retry see each attempt in order, without query."""
    server.script(status(503), Reply.close(), OK)
    seen: list[Any] = []
    hooks = {"on_request": seen.append, "on_response": seen.append, "on_retry": seen.append}
    contact = driver.identify(server.url, "a@b.co", client=hooks)
    assert contact.email == "john.doe@gmail.com"
    kinds = [type(event).__name__ for event in seen]
    assert kinds == [
        "RequestEvent", "ResponseEvent", "RetryEvent",
        "RequestEvent", "ResponseEvent", "RetryEvent",
        "RequestEvent", "ResponseEvent",
    ]  # fmt: skip
    req1, resp1, retry1, req2, resp2, retry2, req3, resp3 = seen
    assert req1 == sendx.RequestEvent("POST", "/contact/identify", 1)
    assert (resp1.status, resp1.attempt, resp1.error) == (503, 1, None)
    assert retry1 == sendx.RetryEvent(
        "POST", "/contact/identify", 2, pytest.approx(0.001), "status 503"
    )
    assert req2.attempt == 2
    assert (resp2.status, resp2.error) == (None, "disconnected")
    assert (retry2.attempt, retry2.reason) == (3, "disconnected")
    assert (req3.attempt, resp3.status, resp3.error) == (3, 200, None)
    assert all(event.elapsed >= 0 for event in (resp1, resp2, resp3))


def test_a_hook_that_raises_stops_the_call(server: RecordingServer, driver: Driver) -> None:
    """Hooks run inline: their exceptions reach the caller (nothing is swallowed)."""

    def boom(event: Any) -> None:
        raise RuntimeError("hook failed")

    with pytest.raises(RuntimeError, match="hook failed"):
        driver.identify(server.url, "a@b.co", client={"on_request": boom})
    assert server.requests == []


@pytest.fixture
def silent_port() -> Any:
    """A loopback port whose accept queue is full, so a new connection's handshake is
    never answered: the client's connect timeout expires (Linux drops such SYNs)."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    try:
        for _ in range(4):
            filler = socket.socket()
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect(("127.0.0.1", port))
            fillers.append(filler)
        probe = socket.socket()
        probe.settimeout(0.2)
        try:
            probe.connect(("127.0.0.1", port))
        except TimeoutError:
            pass  # as wanted: the handshake was not answered
        else:
            pytest.skip("this kernel answers handshakes beyond the backlog")
        finally:
            probe.close()
        yield port
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


@pytest.mark.parametrize("kwargs", [{}, INCREMENT], ids=["plain", "increment"])
def test_connect_timeout_is_retried_for_every_call(
    driver: Driver, silent_port: int, kwargs: dict[str, Any]
) -> None:
    """Nothing was sent when the connect timeout expires, so even an increment is retried;
    the error is an APITimeoutError with request_sent False."""
    events: list[Any] = []
    url = f"http://127.0.0.1:{silent_port}/api/v1"
    started = time.monotonic()
    with pytest.raises(sendx.APITimeoutError) as caught:
        driver.identify(
            url,
            "a@b.co",
            client={"timeout": (0.2, 5), "max_retries": 1, "on_retry": events.append},
            **kwargs,
        )
    assert time.monotonic() - started < 5
    assert caught.value.request_sent is False
    assert "connect timeout" in str(caught.value)
    assert [(e.attempt, e.reason) for e in events] == [(2, "connect timeout")]

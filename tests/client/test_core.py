"""The sans-I/O core, in memory: every decision with a fixed clock and random value."""

from __future__ import annotations

import email.utils
import pickle
from typing import Any

import pytest

import sendx
from sendx import _core
from sendx._config import Settings
from sendx._core import Call, Done, Fail, Failure, FailureKind, Wait
from sendx.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    InternalServerError,
    RateLimitError,
    UnexpectedResponseError,
)
from sendx.resources.contacts import identify_call, track_call

POLICY = sendx.RetryPolicy(
    max_retries=3, backoff_initial=0.5, backoff_max=8.0, retry_after_max=30.0, deadline=60.0
)
IDEMPOTENT = identify_call("a@b.co")
INCREMENT = identify_call("a@b.co", custom_fields={"Visits": sendx.increment(1)})
RENAME = identify_call("a@b.co", new_email="b@b.co")
WALL = 1_700_000_000.0


def state(attempt: int = 1, now: float = 100.0, policy: sendx.RetryPolicy = POLICY) -> Any:
    return _core.RetryState(attempt, now + policy.deadline, policy)


def respond(
    status: int,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    *,
    call: Call[Any] = IDEMPOTENT,
    attempt: int = 1,
    now: float = 100.0,
    random: float = 0.5,
    policy: sendx.RetryPolicy = POLICY,
) -> Any:
    return _core.after_response(
        _core.RetryState(attempt, 100.0 + policy.deadline, policy),
        call,
        status,
        headers or {},
        body,
        now=now,
        wall_now=WALL,
        random=random,
    )


def fail(
    kind: FailureKind, *, call: Call[Any] = IDEMPOTENT, attempt: int = 1, now: float = 100.0
) -> Any:
    return _core.after_failure(state(attempt), call, Failure(kind, "detail"), now=now, random=0.25)


# -- starting, timeouts per attempt ----------


def test_start_sets_attempt_one_and_the_deadline() -> None:
    begun = _core.start(POLICY, now=10.0)
    assert (begun.attempt, begun.deadline_at, begun.policy) == (1, 70.0, POLICY)


def test_attempt_timeout_is_cut_to_the_time_left() -> None:
    """An attempt never outlives the overall deadline; none starts after it."""
    timeout = sendx.Timeout(connect=5, read=30)
    begun = _core.start(POLICY, now=0.0)
    assert begun.attempt_timeout(timeout, now=0.0) == (5.0, 30.0)
    assert begun.attempt_timeout(timeout, now=50.0) == (5.0, 10.0)
    assert begun.attempt_timeout(timeout, now=58.0) == (2.0, 2.0)
    assert begun.attempt_timeout(timeout, now=60.0) is None


# -- backoff ----------


@pytest.mark.parametrize(
    ("retry_number", "random", "expected"),
    [
        (0, 0.0, 0.0),
        (0, 0.5, 0.25),
        (0, 0.999, 0.4995),
        (1, 0.5, 0.5),
        (3, 1.0, 4.0),
        (4, 1.0, 8.0),
        (10, 0.5, 4.0),
    ],
)
def test_backoff_is_full_jitter_capped(retry_number: int, random: float, expected: float) -> None:
    """Retry n waits ``random * min(backoff_max, backoff_initial * 2**n)``."""
    assert POLICY.backoff(retry_number, random) == pytest.approx(expected)


# -- Retry-After ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("5", 5.0),
        (" 2.5 ", 2.5),
        ("0", 0.0),
        ("-3", 0.0),
        ("nan", None),
        ("soon", None),
        ("Mon, 99 Foo 2024 99:99:99 GMT", None),
        (email.utils.formatdate(WALL + 12, usegmt=True), 12.0),
        (email.utils.formatdate(WALL - 100, usegmt=True), 0.0),
        (email.utils.formatdate(WALL + 7, usegmt=True).replace("GMT", "-0000"), 7.0),
        (email.utils.formatdate(WALL + 3600, localtime=False).replace("-0000", "+0100"), 0.0),
    ],
)
def test_parse_retry_after(header: str | None, expected: float | None) -> None:
    """Delta-seconds or an HTTP date relative to the wall clock; past dates mean now."""
    assert _core.parse_retry_after(header, WALL) == expected


# -- after_response ----------


@pytest.mark.parametrize("status", [200, 201, 204, 299])
def test_any_2xx_is_success(status: int) -> None:
    outcome = respond(status, body=b'{"status":"200","data":{"email":"x@y.co"}}')
    assert isinstance(outcome, Done)
    assert outcome.value.email == "x@y.co"


DEEP = b'{"data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"", "an empty body"),
        (b"<html><p>Sign in to the Wi-Fi</p></html>", "not JSON"),
        (b"[1, 2]", "JSON, but not an object"),
        (b'"success"', "JSON, but not an object"),
        (DEEP, "JSON nested too deeply to decode"),
    ],
)
@pytest.mark.parametrize("call", [IDEMPOTENT, INCREMENT], ids=["idempotent", "increment"])
def test_a_2xx_that_is_not_a_json_object_fails_at_once(
    body: bytes, problem: str, call: Call[Any]
) -> None:
    """Not SendX's answer: no result made up, no retry, and request_sent (SendX may
    or may not have had the call)."""
    outcome = respond(200, {"Content-Type": "text/html"}, body, call=call)
    assert isinstance(outcome, Fail)
    error = outcome.error
    assert type(error) is UnexpectedResponseError
    assert (error.status, error.content_type, error.request_sent) == (200, "text/html", True)
    assert f"(HTTP 200, text/html) is not SendX's: {problem}, on attempt 1" in str(error)
    assert error.body == body[:1000].decode("utf-8", "replace")


def test_a_204_needs_no_body() -> None:
    outcome = respond(204)
    assert isinstance(outcome, Done)
    assert outcome.value.email == "a@b.co"
    assert isinstance(respond(200), Fail)


def test_a_decoder_past_the_recursion_limit_fails_as_unexpected() -> None:
    """Whatever got past the envelope check and still recursed too deep is an
    UnexpectedResponseError, never a bare RecursionError."""

    def recurse(raw: bytes) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    call = Call("POST", "/contact/track", (), None, True, recurse)
    outcome = respond(200, body=b"{}", call=call)
    assert isinstance(outcome, Fail)
    assert type(outcome.error) is UnexpectedResponseError
    assert "no Content-Type) is not SendX's: JSON nested too deeply" in str(outcome.error)


@pytest.mark.parametrize("status", [300, 301, 304, 400, 401, 403, 404, 409, 418, 422, 501, 505])
def test_other_statuses_fail_at_once(status: int) -> None:
    outcome = respond(status)
    assert isinstance(outcome, Fail)
    assert isinstance(outcome.error, APIStatusError)
    assert outcome.error.status == status


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_retryable_statuses_wait_a_backoff(status: int) -> None:
    outcome = respond(status, attempt=2, random=0.5)
    assert isinstance(outcome, Wait)
    assert outcome.delay == pytest.approx(0.5)  # 0.5 * min(8, 0.5 * 2**1)
    assert outcome.state.attempt == 3
    assert outcome.reason == f"status {status}"


def test_retries_stop_after_max_retries() -> None:
    """``max_retries=3``: attempts 1-3 may be followed by another, attempt 4 may not."""
    assert isinstance(respond(500, attempt=3), Wait)
    outcome = respond(500, attempt=4)
    assert isinstance(outcome, Fail)
    assert isinstance(outcome.error, InternalServerError)
    assert "(after 4 attempts)" in str(outcome.error)


def test_max_retries_zero_never_retries() -> None:
    outcome = respond(503, policy=sendx.RetryPolicy(max_retries=0))
    assert isinstance(outcome, Fail)
    assert "attempts" not in str(outcome.error)


@pytest.mark.parametrize("name", ["Retry-After", "retry-after"])
def test_retry_after_replaces_the_backoff(name: str) -> None:
    outcome = respond(429, {name: "7"}, random=0.99)
    assert isinstance(outcome, Wait)
    assert outcome.delay == 7.0


def test_retry_after_http_date() -> None:
    header = email.utils.formatdate(WALL + 4, usegmt=True)
    outcome = respond(503, {"Retry-After": header})
    assert isinstance(outcome, Wait)
    assert outcome.delay == pytest.approx(4.0)


def test_unreadable_retry_after_falls_back_to_backoff() -> None:
    outcome = respond(503, {"Retry-After": "later"}, random=0.5)
    assert isinstance(outcome, Wait)
    assert outcome.delay == pytest.approx(0.25)


def test_retry_after_above_the_cap_ends_the_retries() -> None:
    """A ``Retry-After`` longer than ``retry_after_max`` raises at once, with it."""
    outcome = respond(429, {"Retry-After": "31"})
    assert isinstance(outcome, Fail)
    assert isinstance(outcome.error, RateLimitError)
    assert outcome.error.retry_after == 31.0
    assert "retry_after_max=30" in str(outcome.error)
    assert isinstance(respond(429, {"Retry-After": "30"}), Wait)


def test_a_wait_past_the_deadline_fails_instead() -> None:
    policy = sendx.RetryPolicy(deadline=10.0)
    assert isinstance(respond(503, {"Retry-After": "9"}, now=100.0, policy=policy), Wait)
    outcome = respond(503, {"Retry-After": "9"}, now=101.5, policy=policy)
    assert isinstance(outcome, Fail)
    assert "deadline of 10 s" in str(outcome.error)
    assert outcome.error.status == 503


@pytest.mark.parametrize("call", [INCREMENT, RENAME], ids=["increment", "rename"])
@pytest.mark.parametrize("status", [408, 500, 502, 504])
def test_non_idempotent_calls_are_not_retried_where_sendx_may_have_applied_them(
    call: Call[Any], status: int
) -> None:
    outcome = respond(status, call=call)
    assert isinstance(outcome, Fail)
    assert outcome.error.status == status


@pytest.mark.parametrize("call", [INCREMENT, RENAME], ids=["increment", "rename"])
@pytest.mark.parametrize("status", [429, 503])
def test_non_idempotent_calls_are_retried_after_429_and_503(call: Call[Any], status: int) -> None:
    assert isinstance(respond(status, call=call), Wait)


# -- status errors ----------


def test_status_error_takes_the_servers_message_and_json_body() -> None:
    body = b'{"status":"401","message":"The Team ID or API Key specified is not valid"}'
    error = _core.status_error(401, {"X-Req": "1", "Retry-After": "3"}, body, 3.0)
    assert isinstance(error, sendx.AuthenticationError)
    assert error.message == "The Team ID or API Key specified is not valid"
    assert error.body == {
        "status": "401",
        "message": "The Team ID or API Key specified is not valid",
    }
    assert error.headers == {"x-req": "1", "retry-after": "3"}
    assert error.retry_after == 3.0


@pytest.mark.parametrize(
    ("status", "body", "message", "decoded"),
    [
        (400, b"", "Bad Request", ""),
        (
            400,
            b"<html><h1>Bad gateway</h1></html>",
            "Bad Request",
            "<html><h1>Bad gateway</h1></html>",
        ),
        (502, b"[1, 2]", "Bad Gateway", [1, 2]),
        (499, b'{"error": "teapot"}', "no message", {"error": "teapot"}),
        (418, b"", "I'm a Teapot", ""),
        (404, b'{"message": 5}', "Not Found", {"message": 5}),
        (404, b'{"message": "  "}', "Not Found", {"message": "  "}),
        (500, b"\xff\xfe", "Internal Server Error", "\ufffd\ufffd"),
        (500, DEEP, "Internal Server Error", DEEP.decode()),
    ],
)
def test_status_error_with_odd_bodies(status: int, body: bytes, message: str, decoded: Any) -> None:
    """Any body works: JSON of any shape is decoded, anything else kept as text."""
    error = _core.status_error(status, {}, body, None)
    assert error.message == message
    assert error.body == decoded


def test_status_error_message_is_bounded() -> None:
    error = _core.status_error(400, {}, b'{"message": "' + b"x" * 1000 + b'"}', None)
    assert len(error.message) == 300


# -- after_failure ----------


@pytest.mark.parametrize(
    ("kind", "error_class", "sent"),
    [
        (FailureKind.CONNECT, APIConnectionError, False),
        (FailureKind.CONNECT_TIMEOUT, APITimeoutError, False),
        (FailureKind.READ_TIMEOUT, APITimeoutError, True),
        (FailureKind.DISCONNECTED, APIConnectionError, True),
    ],
)
def test_transport_failures_of_idempotent_calls_are_retried(
    kind: FailureKind, error_class: type[Exception], sent: bool
) -> None:
    outcome = fail(kind)
    assert isinstance(outcome, Wait)
    assert outcome.delay == pytest.approx(0.125)
    assert outcome.reason == kind.value
    exhausted = fail(kind, attempt=4)
    assert isinstance(exhausted, Fail)
    assert type(exhausted.error) is error_class
    assert exhausted.error.request_sent is sent
    assert "attempt 4" in str(exhausted.error)


@pytest.mark.parametrize("call", [INCREMENT, RENAME], ids=["increment", "rename"])
def test_non_idempotent_calls_after_transport_failures(call: Call[Any]) -> None:
    """Retried only where the request surely was not sent (no connection made)."""
    assert isinstance(fail(FailureKind.CONNECT, call=call), Wait)
    assert isinstance(fail(FailureKind.CONNECT_TIMEOUT, call=call), Wait)
    for kind in (FailureKind.READ_TIMEOUT, FailureKind.DISCONNECTED):
        outcome = fail(kind, call=call)
        assert isinstance(outcome, Fail)
        assert outcome.error.request_sent is True
        assert "not idempotent" in str(outcome.error)


def test_tls_failures_are_never_retried() -> None:
    outcome = fail(FailureKind.TLS)
    assert isinstance(outcome, Fail)
    assert type(outcome.error) is APIConnectionError
    assert "CA certificates" in str(outcome.error)


def test_transport_failure_past_the_deadline() -> None:
    outcome = fail(FailureKind.CONNECT, now=100.0 + POLICY.deadline)
    assert isinstance(outcome, Fail)
    assert "deadline" in str(outcome.error)


@pytest.mark.parametrize(
    ("kind", "words", "sent"),
    [
        (FailureKind.CONNECT_TIMEOUT, "before a connection was made", False),
        (FailureKind.READ_TIMEOUT, "before the whole answer came", True),
    ],
)
def test_a_timeout_at_the_deadline_says_the_deadline_struck(
    kind: FailureKind, words: str, sent: bool
) -> None:
    """The shells cut every wait to the deadline, so a timeout from then on is the
    deadline's, whatever the library called it."""
    outcome = fail(kind, now=100.0 + POLICY.deadline)
    assert isinstance(outcome, Fail)
    assert type(outcome.error) is APITimeoutError
    assert outcome.error.request_sent is sent
    assert f"({kind.value}: the deadline of 60 s passed {words})" in str(outcome.error)
    before = fail(kind, now=100.0 + POLICY.deadline - 1, attempt=4)
    assert f"({kind.value}: detail)" in str(before.error)


def test_deadline_error() -> None:
    error = _core.deadline_error(IDEMPOTENT, state(attempt=3))
    assert isinstance(error, APITimeoutError)
    assert error.request_sent is True
    assert "2 attempt(s)" in str(error)
    assert "deadline of 60 s" in str(error)
    assert _core.deadline_error(IDEMPOTENT, state(attempt=1)).request_sent is False


def test_decisions_pickle() -> None:
    """Errors built by the core survive pickling with their notes."""
    outcome = respond(429, {"Retry-After": "99"})
    copy = pickle.loads(pickle.dumps(outcome.error))  # noqa: S301 (our own bytes)
    assert str(copy) == str(outcome.error)
    assert copy.retry_after == 99.0


# -- endpoint ----------


def test_endpoint_target_and_headers() -> None:
    settings = Settings(api_key="K&Y", team_id="T/1 2", base_url="https://h.example:8443/api/v1")
    endpoint = _core.Endpoint(settings, user_agent="ua", extra_headers={"X-A": "b"})
    assert endpoint.origin == "https://h.example:8443"
    assert endpoint.target(IDEMPOTENT) == "/api/v1/contact/identify?team_id=T%2F1+2"
    assert endpoint.target(track_call("j+1&x@x.io")) == (
        "/api/v1/contact/track?team_id=T%2F1+2&email=j%2B1%26x%40x.io"
    )
    assert endpoint.headers == {
        "api_key": "K&Y",
        "Accept": "application/json",
        "Accept-Encoding": "identity",
        "Content-Type": "application/json",
        "User-Agent": "ua",
        "X-A": "b",
    }


def test_calls_describe_idempotency() -> None:
    assert IDEMPOTENT.idempotent
    assert not INCREMENT.idempotent
    assert not RENAME.idempotent
    assert not identify_call("a@b.co", custom_fields={"n": "--2.5"}).idempotent
    assert identify_call("a@b.co", custom_fields={"n": "+5", "m": "++x"}).idempotent
    assert track_call("a@b.co", add_tags=["x"]).idempotent
    # an increment is never idempotent, whatever its size
    assert not identify_call("a@b.co", custom_fields={"n": sendx.increment(1e20)}).idempotent
    assert not identify_call("a@b.co", custom_fields={"n": sendx.increment(1e-7)}).idempotent

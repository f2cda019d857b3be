"""Timeouts and retry policies: defaults, overrides, validation, and how the shells
classify what their HTTP libraries raise."""

from __future__ import annotations

import math
import time
from typing import Any

import pytest
from tests._support.recording_server import RecordingServer, Reply
from tests.client.conftest import KEY, TEAM, Driver

import sendx
from sendx._core import Failure, FailureKind


def test_defaults() -> None:
    """5 s to connect, 30 s to read, 3 retries, a 60 s deadline."""
    with sendx.SendX(KEY, TEAM) as client:
        assert client.timeout == sendx.Timeout(connect=5.0, read=30.0)
        assert client.retry == sendx.RetryPolicy()
        assert client.retry.max_retries == 3
        assert client.retry.deadline == 60.0
        assert client.base_url == "https://app.sendx.io/api/v1"
        assert client.team_id == TEAM


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, sendx.Timeout(5, 30)),
        (2, sendx.Timeout(2, 2)),
        (0.5, sendx.Timeout(0.5, 0.5)),
        ((1, 7), sendx.Timeout(1, 7)),
        (sendx.Timeout(3, 4), sendx.Timeout(3, 4)),
        (math.inf, sendx.Timeout(math.inf, math.inf)),
    ],
)
def test_timeout_forms(value: Any, expected: sendx.Timeout) -> None:
    with sendx.SendX(KEY, TEAM, timeout=value) as client:
        assert client.timeout == expected


class Opaque:
    """A value of no supported type, with a stable repr for test ids."""

    def __repr__(self) -> str:
        return "Opaque()"


BAD_TIMEOUTS = [0, -1, math.nan, "5", True, (1,), (1, 2, 3), (None, 5), (1, -1), [1, 2], Opaque()]


@pytest.mark.parametrize("value", BAD_TIMEOUTS, ids=repr)
def test_bad_timeouts_raise_at_construction(value: Any) -> None:
    with pytest.raises(sendx.InvalidRequestError, match="timeout"):
        sendx.SendX(KEY, TEAM, timeout=value)


@pytest.mark.parametrize("value", BAD_TIMEOUTS, ids=repr)
def test_bad_per_call_timeouts_raise_before_io(
    server: RecordingServer, driver: Driver, value: Any
) -> None:
    with pytest.raises(sendx.InvalidRequestError, match="timeout"):
        driver.identify(server.url, "a@b.co", timeout=value)
    assert server.requests == []


def test_timeout_messages_say_what_to_do() -> None:
    with pytest.raises(sendx.InvalidRequestError) as caught:
        sendx.Timeout(read=0)
    assert "math.inf" in str(caught.value)
    assert caught.value.field == "timeout.read"


def test_per_call_timeout_overrides_the_clients(server: RecordingServer, driver: Driver) -> None:
    """A 0.2 s per-call read timeout ends the call although the client waits 30 s."""
    server.default = Reply.hang()
    started = time.monotonic()
    with pytest.raises(sendx.APITimeoutError):
        driver.identify(server.url, "a@b.co", timeout=(2, 0.2), client={"max_retries": 0})
    assert time.monotonic() - started < 5


def test_none_per_call_means_the_clients_timeout(server: RecordingServer, driver: Driver) -> None:
    """``timeout=None`` on a call falls back to the client's timeout; it never disables it."""
    server.default = Reply.hang()
    started = time.monotonic()
    with pytest.raises(sendx.APITimeoutError):
        driver.identify(
            server.url, "a@b.co", timeout=None, client={"timeout": (2, 0.2), "max_retries": 0}
        )
    assert time.monotonic() - started < 5


def test_slow_answer_within_the_timeout(server: RecordingServer, driver: Driver) -> None:
    server.default = Reply(status=200, body=b"{}", delay=0.1)
    assert driver.identify(server.url, "a@b.co", client={"timeout": (2, 1)}).email == "a@b.co"


def test_policies_are_frozen_hashable_values() -> None:
    policy = sendx.RetryPolicy(max_retries=1)
    timeout = sendx.Timeout(1, 2)
    with pytest.raises(AttributeError):
        policy.max_retries = 5  # type: ignore[misc]
    with pytest.raises(AttributeError):
        timeout.read = 5  # type: ignore[misc]
    assert {policy, sendx.RetryPolicy(max_retries=1)} == {policy}
    assert hash(timeout) == hash(sendx.Timeout(1.0, 2.0))
    assert repr(timeout) == "Timeout(connect=1.0, read=2.0)"
    assert repr(policy) == (
        "RetryPolicy(max_retries=1, backoff_initial=0.5, backoff_max=8.0, "
        "retry_after_max=30.0, deadline=60.0)"
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_retries": -1},
        {"max_retries": 1.5},
        {"max_retries": True},
        {"backoff_initial": -0.1},
        {"backoff_max": math.nan},
        {"retry_after_max": "5"},
        {"deadline": 0},
    ],
    ids=repr,
)
def test_bad_retry_policies(kwargs: dict[str, Any]) -> None:
    with pytest.raises(sendx.InvalidRequestError) as caught:
        sendx.RetryPolicy(**kwargs)
    assert caught.value.field == next(iter(kwargs))


def test_max_retries_overrides_the_policy() -> None:
    policy = sendx.RetryPolicy(backoff_initial=0.1, deadline=5)
    with sendx.SendX(KEY, TEAM, retry=policy, max_retries=0) as client:
        assert client.retry == sendx.RetryPolicy(max_retries=0, backoff_initial=0.1, deadline=5)
    with pytest.raises(sendx.InvalidRequestError, match="max_retries"):
        sendx.SendX(KEY, TEAM, max_retries=-1)


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "10"])
def test_bad_max_connections(value: Any) -> None:
    for client_class in (sendx.SendX, sendx.AsyncSendX):
        with pytest.raises(sendx.InvalidRequestError, match="max_connections"):
            client_class(KEY, TEAM, max_connections=value)


# -- classification of library exceptions ----------


def test_urllib3_exceptions_are_classified() -> None:
    from urllib3 import exceptions as u3

    from sendx._sync import classify
    from sendx._sync_connections import HeaderBlockCut

    refused = ConnectionRefusedError(111, "Connection refused to 10.1.2.3")
    new_connection = u3.NewConnectionError(None, "Failed to connect to secret@x.io")  # type: ignore[arg-type]
    new_connection.__context__ = refused
    cases = [
        (new_connection, FailureKind.CONNECT),
        (u3.ConnectTimeoutError("t"), FailureKind.CONNECT_TIMEOUT),
        (u3.SSLError("bad cert"), FailureKind.TLS),
        (u3.ReadTimeoutError(None, "/x?email=secret", "read timed out"), FailureKind.READ_TIMEOUT),  # type: ignore[arg-type]
        (u3.ProtocolError("Connection aborted."), FailureKind.DISCONNECTED),
        (u3.ClosedPoolError(None, "closed"), FailureKind.CONNECT),  # type: ignore[arg-type]
        (u3.EmptyPoolError(None, "empty"), FailureKind.CONNECT),  # type: ignore[arg-type]
    ]
    for exc, kind in cases:
        failure = classify(exc)
        assert failure.kind is kind, exc
        assert "secret" not in failure.detail
        assert "10.1.2.3" not in failure.detail
    assert classify(new_connection).detail == "NewConnectionError: Connection refused"
    cut = u3.ProtocolError("Connection aborted.", HeaderBlockCut("the block was cut"))
    assert classify(cut) == Failure(FailureKind.DISCONNECTED, "ProtocolError: the block was cut")


def test_aiohttp_exceptions_are_classified() -> None:
    import asyncio

    import aiohttp

    from sendx._async import classify

    assert classify(aiohttp.ServerDisconnectedError()).kind is FailureKind.DISCONNECTED
    assert classify(aiohttp.ClientPayloadError("x")).kind is FailureKind.DISCONNECTED
    assert classify(aiohttp.ConnectionTimeoutError()).kind is FailureKind.CONNECT_TIMEOUT
    assert classify(aiohttp.SocketTimeoutError()).kind is FailureKind.READ_TIMEOUT
    assert classify(asyncio.TimeoutError()).kind is FailureKind.READ_TIMEOUT
    # The total timeout before a connection was taken: nothing was sent.
    assert classify(asyncio.TimeoutError(), connected=False).kind is FailureKind.CONNECT_TIMEOUT
    assert classify(aiohttp.SocketTimeoutError(), connected=False).kind is FailureKind.READ_TIMEOUT
    reset = aiohttp.ClientOSError(104, "Connection reset by peer at 10.1.2.3")
    failure = classify(reset)
    assert failure.kind is FailureKind.DISCONNECTED
    assert failure.detail == "ClientOSError: Connection reset by peer"

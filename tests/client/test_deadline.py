"""The deadline bounds the whole call: connecting, the status line and the headers,
not only the body (whose trickle ``test_answer_limits`` covers)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
from tests._support.recording_server import RecordingServer, Reply
from tests.client.conftest import Driver

import sendx

#: A status line and then a header that never ends, as a server that drips its answer
#: sends them: at one byte per ``interval`` the whole would take minutes or hours.
ENDLESS_HEAD = b"HTTP/1.1 200 OK\r\nX-Pad: " + b"a" * 60_000

#: Per-read timeouts far longer than the deadline: only the deadline can end the call.
CLIENT = {"timeout": (5, 5), "retry": sendx.RetryPolicy(deadline=1.0, backoff_initial=0.001)}


@pytest.mark.parametrize(
    "interval",
    [pytest.param(0.5, id="status line"), pytest.param(0.01, id="headers")],
)
def test_a_server_dripping_its_head_is_cut_off_at_the_deadline(
    server: RecordingServer, driver: Driver, interval: float
) -> None:
    """Each byte comes well within the read timeout, so only the deadline can end the
    call; it does, with APITimeoutError, whether the drip is still in the status line
    (0.5 s a byte) or in the headers (0.01 s a byte)."""
    server.default = Reply.raw(ENDLESS_HEAD, interval=interval)
    began = time.monotonic()
    with pytest.raises(sendx.APITimeoutError) as caught:
        driver.track(server.url, "a@b.co", add_tags=["x"], client=CLIENT)
    elapsed = time.monotonic() - began
    assert "the deadline of 1 s passed before the whole answer came" in str(caught.value)
    assert caught.value.request_sent is True
    assert len(server.requests) == 1  # no time was left for a retry
    assert 1.0 <= elapsed < 10  # the drip would go on for minutes


@pytest.fixture
def unreachable() -> Iterator[str]:
    """A base URL whose connections never complete: a listener that accepts nothing,
    whose one-place queue is already taken, so the kernel drops further handshakes."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=0)
    filler = socket.create_connection(listener.getsockname(), timeout=5)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/api/v1"
    finally:
        filler.close()
        listener.close()


def test_a_connection_not_made_by_the_deadline_was_not_sent(
    unreachable: str, driver: Driver
) -> None:
    """The deadline also ends the connect; the error then says nothing was sent (so
    the outbox may send even a call with an increment again), although the connect
    timeout and the deadline end together."""
    with pytest.raises(sendx.APITimeoutError) as caught:
        driver.identify(
            unreachable, "a@b.co", custom_fields={"Visits": sendx.increment()}, client=CLIENT
        )
    assert caught.value.request_sent is False
    assert "the deadline of 1 s passed before a connection was made" in str(caught.value)


def test_a_connection_opened_late_connects_within_what_is_left(unreachable: str) -> None:
    """A call that waited for a free connection has less left than its connect
    timeout: the connection it opens gives up when the deadline passes, not 5 s on."""
    from urllib3.exceptions import ConnectTimeoutError

    from sendx._sync_connections import DEADLINE, connection_pool

    origin = unreachable.removesuffix("/api/v1")
    pool = connection_pool(origin, maxsize=1, timeout=5.0)
    connection = pool._new_conn()
    token = DEADLINE.set(time.monotonic() + 0.5)
    began = time.monotonic()
    try:
        with pytest.raises(ConnectTimeoutError):
            connection.connect()
    finally:
        DEADLINE.reset(token)
        connection.close()
        pool.close()
    assert time.monotonic() - began < 4  # the connect timeout alone would wait 5 s

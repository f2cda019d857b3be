"""Reading an answer is bounded: by the call's deadline and by its size."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from tests.client.conftest import Driver

import sendx
from sendx._core import MAX_RESPONSE_BYTES


class _RawServer:
    """Answers every request with ``head`` and then ``body_chunks``, one per
    ``interval`` seconds, on a plain socket (no HTTP library to smooth it out)."""

    def __init__(self, head: bytes, body_chunks: list[bytes], interval: float) -> None:
        self.head, self.body_chunks, self.interval = head, body_chunks, interval
        self.requests = 0
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self._threads: list[threading.Thread] = []
        self._accepting = threading.Thread(target=self._accept, daemon=True)
        self._accepting.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}/api/v1"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            thread = threading.Thread(target=self._answer, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            # The whole request, body included: closing a socket with unread bytes
            # sends a reset, which can reach the client before the answer's end and
            # read as a dropped connection (retried), not as the answer under test.
            if not _read_request(conn):
                return
            self.requests += 1
            try:
                conn.sendall(self.head)
                for chunk in self.body_chunks:
                    if self._stop.wait(self.interval):
                        return
                    conn.sendall(chunk)
            except OSError:
                return  # the client hung up, as it should

    def close(self) -> None:
        self._stop.set()
        self._accepting.join()
        for thread in self._threads:
            thread.join()
        self._listener.close()


def _read_request(conn: socket.socket) -> bool:
    """Read one request (its head, then Content-Length bytes of body); False if the
    client left first."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return False
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return False
        body += chunk
    return True


@pytest.fixture
def trickle() -> Iterator[_RawServer]:
    """A server that sends its headers, then one byte of a 100-byte body every 0.2 s."""
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    server = _RawServer(head, [b" "] * 100, interval=0.2)
    yield server
    server.close()


def test_a_trickling_answer_cannot_outlast_the_deadline(
    driver: Driver, trickle: _RawServer
) -> None:
    """Each byte arrives well within the read timeout, yet the call ends at its
    deadline with APITimeoutError, instead of 20 s later."""
    policy = sendx.RetryPolicy(deadline=1.0, backoff_initial=0.001)
    began = time.monotonic()
    with pytest.raises(sendx.APITimeoutError, match="deadline of 1 s passed before the whole"):
        driver.track(trickle.base_url, "a@b.co", add_tags=["x"], client={"retry": policy})
    assert time.monotonic() - began < 10  # the trickle lasts 20 s


def test_an_answer_over_the_size_limit_is_refused_and_not_retried(driver: Driver) -> None:
    """A body larger than MAX_RESPONSE_BYTES (a wrong base URL, a broken proxy) raises
    APIConnectionError at once instead of filling memory; it is not sent again."""
    size = MAX_RESPONSE_BYTES + 1
    head = f"HTTP/1.1 200 OK\r\nContent-Length: {size}\r\n\r\n".encode()
    chunk = b"x" * (256 * 1024)
    server = _RawServer(head, [chunk] * (size // len(chunk) + 1), interval=0)
    try:
        with pytest.raises(sendx.APIConnectionError, match="answer too large"):
            driver.track(server.base_url, "a@b.co", add_tags=["x"])
        assert server.requests == 1
    finally:
        server.close()

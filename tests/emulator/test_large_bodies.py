"""A body over 1 MiB: every ordinary client reads the 413 instead of a reset.

Closing a socket with unread bytes makes the kernel send a reset, and clients that
write the whole body before they read (http.client, urllib3, curl without
``Expect``) then see a broken pipe or a reset, not the answer. So the emulator
answers, then reads and drops the rest of the body (up to 64 MiB, for up to 10 s)
before it closes. The tests that need the body read to its end raise the time bound,
so that a slow machine cannot make them fail.
"""

from __future__ import annotations

import http.client
import json
import shutil
import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import urllib3
from tests.emulator._helpers import KEY, TEAM, Api, read_response

import sendx.emulator.http.asgi as _http
from sendx.emulator import Emulator

MiB = 1024 * 1024
SIZES = [2 * MiB, 50 * MiB]
TOO_LARGE = {"status": "413", "message": "the request body is over 1 MiB"}
IDENTIFY = f"/api/v1/contact/identify?team_id={TEAM}"
HEADERS = {"api_key": KEY, "Content-Type": "application/json"}


@pytest.fixture
def no_time_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_http, "DISCARD_SECONDS", 600.0)


def _body(size: int) -> bytes:
    """An identify body of ``size`` bytes."""
    head, tail = b'{"email": "a@x.io", "company": "', b'"}'
    return head + b"x" * (size - len(head) - len(tail)) + tail


Client = Callable[[int, str, str, bytes, Path], tuple[int, bytes]]


def _with_http_client(
    port: int, method: str, path: str, body: bytes, tmp_path: Path
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=HEADERS)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _with_urllib3(
    port: int, method: str, path: str, body: bytes, tmp_path: Path
) -> tuple[int, bytes]:
    with urllib3.HTTPConnectionPool("127.0.0.1", port, retries=False, timeout=60) as pool:
        response = pool.request(method, path, body=body, headers=HEADERS)
        return response.status, response.data


def _curl(extra: list[str]) -> Client:
    def run(port: int, method: str, path: str, body: bytes, tmp_path: Path) -> tuple[int, bytes]:
        if shutil.which("curl") is None:
            pytest.skip("curl is not installed")
        data = tmp_path / "body.json"
        data.write_bytes(body)
        out = tmp_path / "answer.json"
        done = subprocess.run(
            [
                "curl",
                "--silent",
                "--show-error",
                "--noproxy",
                "*",
                "--request",
                method,
                *extra,
                *(
                    arg
                    for name, value in HEADERS.items()
                    for arg in ("--header", f"{name}: {value}")
                ),
                "--data-binary",
                f"@{data}",
                "--output",
                str(out),
                "--write-out",
                "%{http_code}",
                f"http://127.0.0.1:{port}{path}",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return int(done.stdout), out.read_bytes()

    return run


CLIENTS: dict[str, Client] = {
    "http.client": _with_http_client,
    "urllib3": _with_urllib3,
    # curl asks "Expect: 100-continue" for large bodies and then sends none of it;
    # with the header emptied it sends the body at once, like the others.
    "curl": _curl([]),
    "curl without Expect": _curl(["--header", "Expect:"]),
}


@pytest.mark.usefixtures("no_time_bound")
@pytest.mark.parametrize("size", SIZES, ids=["2 MiB", "50 MiB"])
@pytest.mark.parametrize("client", sorted(CLIENTS))
def test_every_client_reads_the_413(
    api: Api, emu: Emulator, client: str, size: int, tmp_path: Path
) -> None:
    """identify with a body of 2 or 50 MiB: each client gets the 413 and its JSON
    body, not a broken pipe or a reset; nothing is stored."""
    status, body = CLIENTS[client](emu.port, "POST", IDENTIFY, _body(size), tmp_path)
    assert (status, json.loads(body)) == (413, TOO_LARGE)
    assert api.contacts() == []


@pytest.mark.usefixtures("no_time_bound")
@pytest.mark.parametrize("client", ["http.client", "urllib3"])
def test_the_control_plane_413_is_read_too(
    api: Api, emu: Emulator, client: str, tmp_path: Path
) -> None:
    """A 50 MiB PUT /_emulator/faults is a 413 the client reads; the faults stay."""
    status, body = CLIENTS[client](emu.port, "PUT", "/_emulator/faults", _body(50 * MiB), tmp_path)
    assert (status, json.loads(body)) == (413, TOO_LARGE)
    assert api.control("GET", "/faults") == (200, {"faults": []})


# -- the bounds ------------------------------------------------------------------------------


@pytest.fixture
def sock(emu: Emulator) -> Iterator[socket.socket]:
    with socket.create_connection(("127.0.0.1", emu.port), timeout=60) as connection:
        yield connection


def _head(port: int, extra: str) -> bytes:
    return (
        f"POST {IDENTIFY} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\napi_key: {KEY}\r\n"
        f"Content-Type: application/json\r\n{extra}\r\n"
    ).encode()


def _closed(sock: socket.socket) -> bool:
    """Whether the server has closed the connection (an end of file or a reset)."""
    try:
        return sock.recv(65536) == b""
    except ConnectionResetError:
        return True


@pytest.mark.usefixtures("no_time_bound")
@pytest.mark.parametrize(
    "extra",
    [f"Content-Length: {65 * MiB}\r\n", f"Content-Length: {2 * MiB}\r\nExpect: 100-continue\r\n"],
    ids=["over 64 MiB announced", "Expect: 100-continue"],
)
def test_a_body_not_worth_reading_is_not_waited_for(
    emu: Emulator, sock: socket.socket, extra: str
) -> None:
    """A Content-Length past 64 MiB, or a client waiting for ``100 Continue``: the
    413 comes at once (no ``100 Continue`` before it) and the connection closes
    without the server waiting for a body (with no time bound, it would wait)."""
    sock.sendall(_head(emu.port, extra))
    answer = read_response(sock)
    assert (answer.status, answer.json()) == (413, TOO_LARGE)
    assert answer.headers["connection"] == "close"
    assert _closed(sock)


def test_a_stalled_body_is_dropped_after_the_time_bound(
    emu: Emulator, sock: socket.socket, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client that stops sending gets the 413 at once; the connection closes once
    the time bound has passed, the rest of the body never read."""
    monkeypatch.setattr(_http, "DISCARD_SECONDS", 0.2)
    sock.sendall(_head(emu.port, f"Content-Length: {4 * MiB}\r\n") + b"x" * (2 * MiB))
    answer = read_response(sock)
    assert answer.status == 413
    assert _closed(sock)


def test_a_streamed_body_is_read_up_to_the_byte_bound(
    emu: Emulator, sock: socket.socket, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chunked body that goes on and on is read up to the bound, then the
    connection closes: the client's writes fail before it has sent it all."""
    monkeypatch.setattr(_http, "DISCARD_BYTES", 4 * MiB)
    monkeypatch.setattr(_http, "DISCARD_SECONDS", 600.0)
    chunk = b"%x\r\n" % MiB + b"x" * MiB + b"\r\n"
    sock.sendall(_head(emu.port, "Transfer-Encoding: chunked\r\n") + chunk * 2)
    answer = read_response(sock)
    assert (answer.status, answer.json()) == (413, TOO_LARGE)
    with pytest.raises((BrokenPipeError, ConnectionResetError)):  # noqa: PT012
        for _ in range(256):  # 256 MiB at most: the writes fail long before
            sock.sendall(chunk)

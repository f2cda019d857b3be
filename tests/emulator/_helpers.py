"""Helpers of the emulator tests: raw HTTP over a socket, the control plane."""

from __future__ import annotations

import json
import socket
import sqlite3
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import urllib3

TEAM = "team-1"
KEY = "key-1"
DISK_FULL = "database or disk is full"


class FailingCommit:
    """Stands in for the store's connection (``store._db``): its COMMIT number
    ``which`` from now fails with ``error``, a full disk by default. ``fired``
    tells whether it has."""

    def __init__(
        self, db: sqlite3.Connection, which: int = 1, error: BaseException | None = None
    ) -> None:
        self.db = db
        self.countdown = which
        self.error = sqlite3.OperationalError(DISK_FULL) if error is None else error
        self.fired = False

    def execute(self, sql: str, parameters: Any = ()) -> sqlite3.Cursor:
        if sql == "COMMIT" and not self.fired:
            self.countdown -= 1
            if self.countdown == 0:
                self.fired = True
                raise self.error
        return self.db.execute(sql, parameters)

    def __getattr__(self, name: str) -> object:
        return getattr(self.db, name)


@dataclass
class Raw:
    """A response read off the socket."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def read_response(sock: socket.socket) -> Raw:
    """Read one HTTP/1.1 response with a Content-Length from ``sock``."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed before the headers")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed before the body")
        rest += chunk
    return Raw(status, headers, rest[:length])


def raw_exchange(port: int, data: bytes, timeout: float = 10.0) -> Raw:
    """Send ``data`` as is on a new connection and read one response."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        return read_response(sock)


def raw_post(
    port: int,
    path: str,
    body: bytes,
    *,
    key: str | None = KEY,
    extra: str = "",
) -> Raw:
    """A POST with exactly these body bytes."""
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
    if key is not None:
        head += f"api_key: {key}\r\n"
    head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n{extra}\r\n"
    return raw_exchange(port, head.encode("latin-1") + body)


class Api:
    """The v1 API and the control plane of one emulator, through urllib3."""

    def __init__(self, http: urllib3.PoolManager, emu: Any) -> None:
        self.http = http
        self.emu = emu

    def identify(
        self, body: Any, *, team: str = TEAM, key: str | None = KEY, raw: bytes | None = None
    ) -> urllib3.BaseHTTPResponse:
        data = raw if raw is not None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        if key is not None:
            headers["api_key"] = key
        url = f"{self.emu.base_url}/contact/identify?{urlencode({'team_id': team})}"
        return self.http.request("POST", url, body=data, headers=headers)

    def track(
        self,
        email: str | None,
        body: Any = None,
        *,
        team: str = TEAM,
        key: str | None = KEY,
        raw: bytes | None = None,
    ) -> urllib3.BaseHTTPResponse:
        if raw is None:
            raw = b"" if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        if key is not None:
            headers["api_key"] = key
        query = {"team_id": team}
        if email is not None:
            query["email"] = email
        url = f"{self.emu.base_url}/contact/track?{urlencode(query)}"
        return self.http.request("POST", url, body=raw, headers=headers)

    def control(self, method: str, path: str, body: Any = None, **query: Any) -> tuple[int, Any]:
        url = self.emu.control_url + path
        if query:
            url += "?" + urlencode(query)
        data = None if body is None else json.dumps(body).encode()
        # Control-plane writes must say they are JSON, a body or not (415 otherwise).
        headers = {} if method == "GET" else {"Content-Type": "application/json"}
        response = self.http.request(method, url, body=data, headers=headers)
        return response.status, json.loads(response.data)

    def contacts(self, team: str = TEAM) -> list[dict[str, Any]]:
        status, answer = self.control("GET", "/contacts", team_id=team)
        assert status == 200
        return answer["contacts"]  # type: ignore[no-any-return]

    def contact(self, email: str, team: str = TEAM) -> dict[str, Any] | None:
        status, answer = self.control("GET", "/contacts", team_id=team, email=email)
        if status == 404:
            return None
        assert status == 200
        return answer  # type: ignore[no-any-return]

    def events(self, team: str = TEAM, after: int | None = None) -> list[dict[str, Any]]:
        query = {"team_id": team} if after is None else {"team_id": team, "after": after}
        status, answer = self.control("GET", "/events", **query)
        assert status == 200
        return answer["events"]  # type: ignore[no-any-return]

    def snapshot(self, team: str = TEAM) -> tuple[Any, Any]:
        """Everything a failed request must leave unchanged."""
        return self.contacts(team), self.events(team)

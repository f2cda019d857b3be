"""Fixtures of the REST API's tests: a client of the raw API over urllib3, on the
module's emulator (``tests/emulator/conftest.py``), reset before each test."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import pytest
import urllib3

from sendx.emulator import Emulator

KEY = "rest-key-1"
OTHER_KEY = "rest-key-2"


@dataclass
class Answer:
    """A REST answer: the status and the decoded JSON body."""

    status: int
    body: Any
    headers: dict[str, str]


class Rest:
    """The REST API of one emulator, as one key sees it."""

    def __init__(self, http: urllib3.PoolManager, emu: Emulator, key: str | None = KEY) -> None:
        self.http = http
        self.emu = emu
        self.key = key

    @property
    def base(self) -> str:
        return self.emu.root_url + "/api/v1/rest"

    @property
    def team_id(self) -> str:
        """The id of the team that this key binds over REST (``rest-`` and 16 hex digits
        of the key's SHA-256), for the control plane."""
        assert self.key is not None
        return "rest-" + hashlib.sha256(self.key.encode()).hexdigest()[:16]

    def as_key(self, key: str | None) -> Rest:
        """The same API, seen with another key."""
        return Rest(self.http, self.emu, key)

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw: bytes | None = None,
        **query: Any,
    ) -> Answer:
        url = self.base + path
        if query:
            url += "?" + urlencode(query)
        headers = {"Content-Type": "application/json"}
        if self.key is not None:
            headers["X-Team-ApiKey"] = self.key
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        response = self.http.request(method, url, body=data, headers=headers)
        return Answer(
            response.status,
            json.loads(response.data) if response.data else None,
            dict(response.headers),
        )

    def ok(self, method: str, path: str, body: Any = None, **query: Any) -> Any:
        """The body of a call that must succeed (200 or 201)."""
        answer = self.call(method, path, body, **query)
        assert answer.status in (200, 201), (answer.status, answer.body)
        return answer.body

    def create(self, path: str, body: Any) -> Any:
        """Create an object (201) and return it."""
        answer = self.call("POST", path, body)
        assert answer.status == 201, (answer.status, answer.body)
        return answer.body


def segment(text: str) -> str:
    """``text`` as one path segment (an address may hold a '/')."""
    return quote(text, safe="")


@pytest.fixture
def rest(emu: Emulator, http: urllib3.PoolManager) -> Rest:
    """The REST API of the module's emulator, reset, as the key ``KEY`` sees it."""
    return Rest(http, emu)


@pytest.fixture
def other(rest: Rest) -> Rest:
    """The same emulator as another team sees it."""
    return rest.as_key(OTHER_KEY)

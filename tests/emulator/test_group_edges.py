"""Group commit: what happens around a group rather than inside it.

A control-plane read or reset that arrives while a group waits commits it early;
if that early commit fails, the whole group fails. Teams bound by their first
request are visible to the rest of the group at once, and forgotten again if the
group fails. Driven through the ASGI app with ``asyncio.gather``, so that the
requests land in one group in a known order (see test_group_commit.py for why
sockets cannot promise that).
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Any

import pytest

from sendx.emulator.app import EmulatorApp
from sendx.emulator.auth import Auth
from sendx.emulator.automations import DeliveryQueue
from sendx.emulator.store import Store

_DISK_FULL = "database or disk is full"
_LOST = {"status": "500", "message": f"the emulator could not commit: {_DISK_FULL}"}


class _FailingCommit:
    """A connection whose next COMMIT fails as a full disk would."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.armed = True

    def execute(self, sql: str, parameters: Any = ()) -> sqlite3.Cursor:
        if sql == "COMMIT" and self.armed:
            self.armed = False
            raise sqlite3.OperationalError(_DISK_FULL)
        return self.db.execute(sql, parameters)

    def __getattr__(self, name: str) -> object:
        return getattr(self.db, name)


Request = tuple[str, str, str, dict[str, Any] | None, str]  # method, path, query, body, key


def identify(email: str, team: str = "t1", key: str = "k1") -> Request:
    return ("POST", "/api/v1/contact/identify", f"team_id={team}", {"email": email}, key)


def control(method: str, path: str, query: str = "team_id=t1") -> Request:
    return (method, f"/_emulator{path}", query, None, "")


class App:
    """The emulator's app on a database file, built as ``Emulator._start`` builds it,
    without a server (teams bound by first use, like ``sendx emulator`` without
    ``--team``)."""

    def __init__(self, path: Path) -> None:
        self.store = Store(str(path))
        self.auth = Auth(self.store, None)
        self.deliveries = DeliveryQueue()
        self.app = EmulatorApp(self.store, self.auth, rules=[], deliveries=self.deliveries)

    def fail_next_commit(self) -> None:
        self.store._db = _FailingCommit(self.store._db)  # type: ignore[assignment]

    def send(self, *requests: Request) -> list[tuple[int, Any]]:
        """Send the requests together (one group); their statuses and answers."""

        async def together() -> list[tuple[int, Any]]:
            return list(await asyncio.gather(*(self._one(*request) for request in requests)))

        answers = asyncio.run(together())
        assert self.app._group is None
        return answers

    def emails(self, team: str = "t1") -> list[str]:
        status, answer = self.send(control("GET", "/contacts", f"team_id={team}"))[0]
        assert status == 200, answer
        return [contact["email"] for contact in answer["contacts"]]

    def close(self) -> None:
        self.deliveries.close()
        self.store.close()

    async def _one(
        self, method: str, path: str, query: str, body: dict[str, Any] | None, key: str
    ) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else b""
        headers = [(b"content-length", b"%d" % len(data))]
        if key:
            headers.append((b"api_key", key.encode()))
        scope: dict[str, Any] = {
            "type": "http",
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "headers": headers,
            "client": ("127.0.0.1", 40000),
            "server": ("127.0.0.1", 80),
        }
        sent: list[MutableMapping[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": data, "more_body": False}

        async def send(message: MutableMapping[str, Any]) -> None:
            sent.append(message)

        await self.app(scope, receive, send)
        return sent[0]["status"], json.loads(sent[1]["body"])


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    emulator = App(tmp_path / "emulator.db")
    yield emulator
    emulator.close()


def test_a_read_inside_a_group_commits_it_early(app: App) -> None:
    """A contacts read between two requests of a group sees the first (the group
    commits early), and both requests answer 200."""
    first, listed, second = app.send(
        identify("a@x.io"), control("GET", "/contacts"), identify("b@x.io")
    )
    assert (first[0], second[0]) == (200, 200)
    assert listed == (200, {"contacts": [first[1]["data"]]})
    assert app.emails() == ["a@x.io", "b@x.io"]


def test_a_failed_early_commit_fails_the_whole_group(app: App) -> None:
    """If the early commit fails, the read answers 500, and so does every request of
    the group, before or after the read: none of them is kept."""
    assert app.send(identify("kept@x.io"))[0][0] == 200
    app.fail_next_commit()
    answers = app.send(identify("a@x.io"), control("GET", "/events"), identify("b@x.io"))
    assert answers == [(500, _LOST)] * 3
    assert app.emails() == ["kept@x.io"]
    assert app.send(identify("b@x.io"))[0][0] == 200
    assert app.emails() == ["kept@x.io", "b@x.io"]


def test_a_reset_inside_a_group_keeps_what_came_after(app: App) -> None:
    """A reset between two requests of a group forgets the first, keeps the second,
    and event ids go on from where they were."""
    first, reset, second = app.send(
        identify("a@x.io"), control("POST", "/reset"), identify("b@x.io")
    )
    assert (first[0], reset[0], second[0]) == (200, 200, 200)
    assert app.emails() == ["b@x.io"]
    status, answer = app.send(control("GET", "/events"))[0]
    assert status == 200
    assert [(e["type"], e["email"], e["id"]) for e in answer["events"]] == [
        ("contact_created", "b@x.io", 2)
    ]


def test_a_team_bound_in_a_group_is_known_to_the_rest_of_it(app: App) -> None:
    """The first request of a new team binds its key; another key for that team in
    the same group is refused, and the team's contacts are one list."""
    answers = app.send(
        identify("a@x.io"),
        identify("b@x.io", key="k2"),
        identify("c@x.io"),
        identify("d@x.io", "t2"),
    )
    assert [status for status, _ in answers] == [200, 401, 200, 200]
    assert answers[0][1]["data"]["encryptedTeamId"] == answers[2][1]["data"]["encryptedTeamId"]
    assert app.emails() == ["a@x.io", "c@x.io"]
    assert app.emails("t2") == ["d@x.io"]


def test_a_team_bound_by_a_failed_group_is_forgotten(app: App) -> None:
    """When the group that bound a team fails, the binding goes with it: the next
    request may bind that team to another key."""
    app.fail_next_commit()
    assert app.send(identify("a@x.io"), identify("b@x.io")) == [(500, _LOST)] * 2
    assert app.emails() == []
    assert app.send(identify("a@x.io", key="other"))[0][0] == 200
    assert app.send(identify("a@x.io"))[0][0] == 401  # t1 now belongs to "other"

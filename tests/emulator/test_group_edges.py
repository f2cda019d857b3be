"""Group commit: what happens around a group rather than inside it.

A control-plane read or reset that arrives while a group waits commits it early
and ends it: the requests after it form the next group. A failed commit fails
its own group only. Teams bound by their first request are visible to the rest
of the group at once, and forgotten again if the group fails. A cancelled request
does not cancel the others' wait; an exception that is not an ``Exception`` keeps
nothing either. Driven through the ASGI app with ``asyncio.gather``, so that the
requests land in one group in a known order (see test_group_commit.py for why
sockets cannot promise that).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Any

import pytest
from tests.emulator._helpers import DISK_FULL, FailingCommit

from sendx.emulator.app import EmulatorApp
from sendx.emulator.delivery.automations import DeliveryQueue
from sendx.emulator.http.auth import Auth
from sendx.emulator.store.database import Store

_LOST = {"status": "500", "message": f"the emulator could not commit: {DISK_FULL}"}


class _Abort(BaseException):
    """Not an ``Exception``, like KeyboardInterrupt (which would stop pytest)."""


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

    def fail_commit(self, which: int = 1, error: BaseException | None = None) -> None:
        """Make the ``which``-th COMMIT from now fail (a full disk, by default)."""
        self.store._db = FailingCommit(self.store._db, which, error)  # type: ignore[assignment]

    def send(self, *requests: Request) -> list[tuple[int, Any]]:
        """Send the requests together (one group); their statuses and answers."""

        async def together() -> list[tuple[int, Any]]:
            return list(await asyncio.gather(*(self.request(*request) for request in requests)))

        answers = asyncio.run(together())
        assert self.app.groups.waiting is None
        return answers

    def emails(self, team: str = "t1") -> list[str]:
        status, answer = self.send(control("GET", "/contacts", f"team_id={team}"))[0]
        assert status == 200, answer
        return [contact["email"] for contact in answer["contacts"]]

    def close(self) -> None:
        self.deliveries.close()
        self.store.close()

    async def request(
        self,
        method: str,
        path: str,
        query: str,
        body: dict[str, Any] | None,
        key: str,
        gate: asyncio.Event | None = None,
    ) -> tuple[int, Any]:
        """One request; its body arrives once ``gate`` is set."""
        data = json.dumps(body).encode() if body is not None else b""
        headers = [(b"content-length", b"%d" % len(data))]
        if method != "GET":
            headers.append((b"content-type", b"application/json"))
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
            if gate is not None:
                await gate.wait()
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


def test_a_failed_early_commit_fails_its_group_only(app: App) -> None:
    """If the early commit fails, the read answers 500, and so do the requests
    before it (nothing of them is kept); those after it form the next group."""
    assert app.send(identify("kept@x.io"))[0][0] == 200
    app.fail_commit()
    answers = app.send(identify("a@x.io"), control("GET", "/events"), identify("b@x.io"))
    assert [status for status, _ in answers] == [500, 500, 200]
    assert answers[:2] == [(500, _LOST)] * 2
    assert app.emails() == ["kept@x.io", "b@x.io"]


def test_requests_after_an_early_commit_fail_alone(app: App) -> None:
    """The early commit succeeds and the next group's fails: the first request keeps
    its 200 and its contact, the second answers 500 and leaves nothing."""
    app.fail_commit(which=2)
    answers = app.send(identify("a@x.io"), control("GET", "/contacts"), identify("b@x.io"))
    assert [status for status, _ in answers] == [200, 200, 500]
    assert answers[2] == (500, _LOST)
    assert app.emails() == ["a@x.io"]


def test_a_read_by_email_commits_the_group_first(app: App) -> None:
    """``GET /contacts?email=`` shows only what is committed: when the waiting
    group's commit fails, the read answers 500 rather than the lost contact."""
    app.fail_commit()
    answers = app.send(identify("a@x.io"), control("GET", "/contacts", "team_id=t1&email=a@x.io"))
    assert answers == [(500, _LOST)] * 2
    assert app.emails() == []


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
    app.fail_commit()
    assert app.send(identify("a@x.io"), identify("b@x.io")) == [(500, _LOST)] * 2
    assert app.emails() == []
    assert app.send(identify("a@x.io", key="other"))[0][0] == 200
    assert app.send(identify("a@x.io"))[0][0] == 401  # t1 now belongs to "other"


def test_a_commit_interrupted_by_a_base_exception_keeps_nothing(app: App) -> None:
    """An exception that is not an ``Exception`` fails the group like any other:
    its requests answer 500, nothing of it is kept, the team it bound is forgotten.
    (asyncio stops the loop on KeyboardInterrupt and SystemExit, and logs others;
    either way no request of the group answers 200.)"""
    app.fail_commit(error=_Abort("interrupted"))
    answers = app.send(identify("a@x.io"), identify("b@x.io"))
    lost = {"status": "500", "message": "the emulator could not commit: interrupted"}
    assert answers == [(500, lost)] * 2
    assert app.auth.team("t1") is None
    assert app.emails() == []


def test_a_cancelled_request_does_not_cancel_the_others(app: App) -> None:
    """A request cancelled while it waits for the group's commit is cancelled; the
    others of its group are answered as usual."""

    async def cancel_one() -> list[Any]:
        first = asyncio.create_task(app.request(*identify("a@x.io")))
        second = asyncio.create_task(app.request(*identify("b@x.io")))
        await asyncio.sleep(0)  # both run up to the group's commit
        first.cancel()
        return list(await asyncio.gather(first, second, return_exceptions=True))

    cancelled, answered = asyncio.run(cancel_one())
    assert isinstance(cancelled, asyncio.CancelledError)
    assert answered[0] == 200
    assert app.emails() == ["a@x.io", "b@x.io"]  # staged before the cancel: committed


def test_a_team_removed_while_a_body_arrives_is_checked_again(app: App) -> None:
    """The team is checked again once the body is in: a reset that removed it
    meanwhile makes the request bind it anew rather than write into a team that is
    gone."""
    assert app.send(identify("seed@x.io"))[0][0] == 200
    body_sent = asyncio.Event()

    async def reset_while_reading() -> list[tuple[int, Any]]:
        slow = asyncio.create_task(app.request(*identify("late@x.io"), gate=body_sent))
        await asyncio.sleep(0)  # the request waits for its body
        reset = await app.request(*control("POST", "/reset"))
        body_sent.set()
        return [reset, await slow]

    reset, late = asyncio.run(reset_while_reading())
    assert (reset[0], late[0]) == (200, 200)
    assert app.emails() == ["late@x.io"]

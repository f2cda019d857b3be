"""The outbox takes emails and events: delivered once, in order with their contacts'
calls, checked in the caller; never sent twice (faults, a crash); dead letters and
their replay; the spool of an older sendx; both outboxes; a forked child's shell."""

from __future__ import annotations

import asyncio
import json
import pathlib
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import closing
from typing import Any

import pytest
from tests.outbox.helpers import FAST_CLIENT_RETRY, FAST_OUTBOX_RETRY

import sendx
from sendx.outbox._messaging import (
    custom_entry,
    revenue_entry,
    send_entry,
    send_template_entry,
)
from sendx.outbox._replay import replay_file
from sendx.outbox._spool import Spool
from sendx.testing import ControlPlane

SHOP = "Shop <shop@x.io>"


@pytest.fixture
def key(team: str) -> str:
    """A key of the test's team alone: over REST, a key names the team it was bound to
    over v1, so both APIs see one team."""
    return f"key-{team}"


@pytest.fixture
def client(emu: Any, team: str, key: str) -> Iterator[sendx.SendX]:
    with sendx.SendX(
        key,
        team,
        base_url=emu.base_url,
        rest_base_url=emu.base_url + "/rest",
        retry=FAST_CLIENT_RETRY,
        max_connections=16,
    ) as made:
        made.contacts.identify("owner@x.io")  # binds the key to the team over v1 first
        yield made


@pytest.fixture
def control(emu: Any, team: str) -> Iterator[ControlPlane]:
    plane = ControlPlane(emu.control_url, team)
    yield plane
    plane.set_faults([])


def make(client: sendx.SendX, tmp_path: pathlib.Path, **options: Any) -> sendx.Outbox:
    options.setdefault("dead_letters", tmp_path / "dead.jsonl")
    options.setdefault("retry", FAST_OUTBOX_RETRY)
    return client.outbox(**options)


def dead_lines(path: pathlib.Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def template(client: sendx.SendX) -> str:
    """A template of the client's team (made over REST without the client)."""
    import urllib.request

    request = urllib.request.Request(
        client.rest_base_url + "/template/email",
        data=json.dumps({"name": "t", "subject": "T", "htmlContent": "<p>{{plan}}</p>"}).encode(),
        method="POST",
        headers={"X-Team-ApiKey": client._options.settings.api_key},
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=30) as answer:
        return str(json.loads(answer.read())["id"])


def of(control: ControlPlane, kind: str) -> list[dict[str, Any]]:
    return [event for event in control.events() if event["type"] == kind]


def test_emails_and_events_are_delivered(
    client: sendx.SendX, control: ControlPlane, tmp_path: pathlib.Path
) -> None:
    """Each call once, as the client would send it; the calls of one contact in the
    order they were put (the revenue after the identify that makes the contact)."""
    made = template(client)
    with make(client, tmp_path, spool=str(tmp_path / "calls.db")) as outbox:
        outbox.identify("ann@x.io", custom_fields={"plan": "pro"})
        outbox.events.revenue(identifier="ann@x.io", amount=9.99, source="web")
        outbox.events.custom(identifier="ann@x.io", name="signed_up", data={"via": "api"})
        outbox.emails.send(from_=SHOP, to="Ann <ann@x.io>", subject="Hi", html_body="{{plan}}")
        outbox.emails.send_template(
            from_=SHOP, to=["ann@x.io", "bob@x.io"], subject="S", template=made
        )
        result = outbox.flush(30)
    assert result == sendx.FlushResult(sent=5, failed=0, pending=0)
    assert [m["html"] for m in control.messages(to="ann@x.io")] == ["pro", "<p>pro</p>"]
    assert len(control.messages(to="bob@x.io")) == 1
    [revenue] = of(control, "revenue")
    assert (revenue["email"], revenue["cents"], revenue["source"]) == ("ann@x.io", 999, "web")
    [custom] = of(control, "custom_event")
    assert (custom["name"], custom["data"]) == ("signed_up", {"via": "api"})
    assert client.contacts.get("ann@x.io").ltv == 999


def test_async_outbox_delivers_emails_and_events(
    emu: Any, team: str, key: str, control: ControlPlane, tmp_path: pathlib.Path
) -> None:
    async def main() -> sendx.FlushResult:
        async with (
            sendx.AsyncSendX(
                key, team, base_url=emu.base_url, rest_base_url=emu.base_url + "/rest"
            ) as client,
            client.outbox(
                spool=str(tmp_path / "calls.db"), dead_letters=tmp_path / "dead.jsonl"
            ) as outbox,
        ):
            await outbox.identify("ann@x.io")
            await outbox.events.revenue(identifier="ann@x.io", amount=1)
            await outbox.events.custom(identifier="ann@x.io", name="n")
            await outbox.emails.send(from_=SHOP, to="ann@x.io", subject="s", html_body="b")
            await outbox.emails.send_template(
                from_=SHOP, to="ann@x.io", subject="s", template="template_" + "A" * 22
            )
            return await outbox.flush(30)

    result = asyncio.run(main())
    assert result == sendx.FlushResult(sent=4, failed=1, pending=0)
    assert len(control.messages()) == 1
    assert len(of(control, "revenue")) == len(of(control, "custom_event")) == 1
    [line] = dead_lines(tmp_path / "dead.jsonl")
    assert (line["kind"], line["status"], line["email"]) == ("send_template", 404, "ann@x.io")


def test_bad_arguments_raise_in_the_caller(client: sendx.SendX, tmp_path: pathlib.Path) -> None:
    with make(client, tmp_path) as outbox:
        with pytest.raises(sendx.InvalidRequestError, match="to"):
            outbox.emails.send(from_=SHOP, to=[], subject="s", html_body="b")
        with pytest.raises(sendx.InvalidRequestError, match="template"):
            outbox.emails.send_template(from_=SHOP, to="a@x.io", subject="s", template="t")
        with pytest.raises(sendx.InvalidRequestError, match="amount"):
            outbox.events.revenue(identifier="a@x.io", amount="1")  # type: ignore[arg-type]
        with pytest.raises(sendx.InvalidRequestError, match="identifier"):
            outbox.events.custom(identifier="ann", name="n")
        assert outbox.stats.put == 0


def test_an_email_renders_its_contact_as_the_earlier_calls_left_it(
    client: sendx.SendX, control: ControlPlane, tmp_path: pathlib.Path
) -> None:
    """Every call held until all are put: the email still goes after the identify put
    before it and before the one put after it; the contact's events keep their order."""
    with make(client, tmp_path, workers=8) as outbox:
        gate = threading.Event()
        shell = outbox._shell

        class Gated:
            def request(self, call: Any) -> Any:
                gate.wait(30)
                return shell.request(call)

        outbox._shell = Gated()
        outbox.identify("ann@x.io", custom_fields={"plan": "free"})
        outbox.emails.send(from_=SHOP, to="ann@x.io", subject="{{plan}}", html_body="b")
        outbox.identify("ann@x.io", custom_fields={"plan": "pro"})
        outbox.events.revenue(identifier="ann@x.io", amount=2)
        outbox.events.custom(identifier="ann@x.io", name="upgraded")
        outbox.identify("zoe@x.io")
        outbox.events.revenue(identifier="zoe@x.io", amount=1)
        gate.set()
        assert outbox.flush(30) == sendx.FlushResult(sent=7, failed=0, pending=0)
    assert [m["subject"] for m in control.messages()] == ["free"]
    ann = [(e["type"], e.get("value")) for e in control.events() if e["email"] == "ann@x.io"]
    assert ann == [
        ("contact_created", None),
        ("field_changed", "free"),
        ("field_changed", "pro"),
        ("revenue", None),
        ("custom_event", None),
    ]


@pytest.mark.parametrize(
    ("fault", "sent", "captured", "reason"),
    [
        ({"drop": "after", "times": 1}, 0, 1, "not idempotent"),
        ({"drop": "before", "times": 1}, 0, 0, "not idempotent"),
        ({"status": 500, "times": 1}, 0, 0, "500"),
        # More 503s than the client's retries: the outbox's own rounds get it through.
        ({"status": 503, "times": 6}, 1, 1, None),
        ({"status": 429, "retry_after": 0, "times": 6}, 1, 1, None),
    ],
    ids=["drop-after", "drop-before", "500", "503s", "429s"],
)
def test_an_email_is_never_sent_twice(
    client: sendx.SendX,
    control: ControlPlane,
    tmp_path: pathlib.Path,
    fault: dict[str, Any],
    sent: int,
    captured: int,
    reason: str | None,
) -> None:
    """Sent again only where SendX surely did not get it; otherwise dead-lettered
    with the reason, never repeated."""
    control.set_faults([{"path": "/api/v1/rest/send", **fault}])
    errors: list[BaseException] = []
    with make(client, tmp_path, on_error=lambda call, error: errors.append(error)) as outbox:
        outbox.emails.send(from_=SHOP, to="ann@x.io", subject="s", html_body="b")
        result = outbox.flush(30)
        retried = outbox.stats.retried
    assert (result.sent, result.failed) == (sent, 1 - sent)
    assert len(control.messages()) == captured
    lines = dead_lines(tmp_path / "dead.jsonl")
    if reason is None:
        assert retried >= 1
        assert lines == []
    else:
        [line] = lines
        assert reason in line["reason"]
        assert line["kind"] == "send_email"
        assert line["body"]["to"] == [{"email": "ann@x.io"}]
        assert len(errors) == 1


def test_an_email_in_flight_when_the_process_died_is_not_sent_again(
    emu: Any, team: str, key: str, control: ControlPlane, tmp_path: pathlib.Path
) -> None:
    """Marked in the spool before it goes out: the next outbox dead-letters it as
    uncertain; the event queued behind it for another contact is delivered."""
    spool = tmp_path / "calls.db"
    code = (
        "import os, threading, sendx\n"
        "gate = threading.Event()\n"
        f"c = sendx.SendX({key!r}, {team!r}, base_url={emu.base_url!r},"
        f" rest_base_url={emu.base_url + '/rest'!r})\n"
        "c.contacts.identify('bob@x.io')\n"
        f"o = c.outbox(spool={str(spool)!r}, workers=1)\n"
        "o._shell.request = lambda call: gate.wait() and os._exit(9)  # dies sending\n"
        "o.emails.send(from_='shop@x.io', to='ann@x.io', subject='s', html_body='b')\n"
        "o.events.revenue(identifier='bob@x.io', amount=3)\n"
        "gate.set()\n"
        "o.flush(30)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], timeout=60)
    assert done.returncode == 9
    errors: list[sendx.OutboxCall] = []
    with sendx.SendX(
        key, team, base_url=emu.base_url, rest_base_url=emu.base_url + "/rest"
    ) as client:
        outbox = client.outbox(
            spool=str(spool),
            dead_letters=tmp_path / "dead.jsonl",
            on_error=lambda call, error: errors.append(call),
        )
        result = outbox.close(30)
    assert result == sendx.FlushResult(sent=1, failed=1, pending=0)
    [line] = dead_lines(tmp_path / "dead.jsonl")
    assert (line["kind"], line["email"]) == ("send_email", "ann@x.io")
    assert "whether the email went out" in line["reason"]
    assert [call.kind for call in errors] == ["send_email"]
    assert control.messages() == []
    assert len(of(control, "revenue")) == 1


def test_dead_letters_of_emails_and_events_replay(
    client: sendx.SendX, control: ControlPlane, tmp_path: pathlib.Path
) -> None:
    """What failed for good (a template not made yet, a contact not made yet) is
    written with its kind and body; once fixed, ``sendx replay`` sends it."""
    dead = tmp_path / "dead.jsonl"
    missing = "template_" + "A" * 22
    with make(client, tmp_path, on_error=lambda call, error: None) as outbox:
        outbox.emails.send_template(from_=SHOP, to="ann@x.io", subject="s", template=missing)
        outbox.events.custom(identifier="zed@x.io", name="late")
        assert outbox.flush(30) == sendx.FlushResult(sent=0, failed=2, pending=0)
    kinds = [(line["kind"], line["status"]) for line in dead_lines(dead)]
    # Two contacts: nothing orders one call after the other (workers run in parallel).
    assert sorted(kinds) == [("custom_event", 404), ("send_template", 404)]
    made = template(client)
    lines = dead.read_text().replace(missing, made)
    dead.write_text(lines)
    client.contacts.identify("zed@x.io")
    result = replay_file(str(dead), client)
    assert (result.sent, result.failed, result.malformed) == (2, 0, 0)
    assert not dead.exists()
    assert [m["template_id"] for m in control.messages()] == [made]
    assert [e["name"] for e in of(control, "custom_event")] == ["late"]


def test_a_forked_childs_outbox_reaches_the_rest_api(
    client: sendx.SendX, control: ControlPlane, tmp_path: pathlib.Path
) -> None:
    """After a fork the outbox builds a shell of its own: one that knows the REST
    API too (what the fork hook does, run here in this process)."""
    outbox = make(client, tmp_path)
    outbox._reset_after_fork()
    assert outbox._shell is None
    outbox.emails.send(from_=SHOP, to="ann@x.io", subject="s", html_body="b")
    assert outbox.close(30) == sendx.FlushResult(sent=1, failed=0, pending=0)
    assert len(control.messages()) == 1


def test_a_forked_childs_async_outbox_reaches_the_rest_api(
    emu: Any, team: str, key: str, control: ControlPlane, tmp_path: pathlib.Path
) -> None:
    async def main() -> sendx.FlushResult:
        async with sendx.AsyncSendX(
            key, team, base_url=emu.base_url, rest_base_url=emu.base_url + "/rest"
        ) as client:
            await client.contacts.identify("owner@x.io")  # binds the key to the team
            outbox = client.outbox(dead_letters=tmp_path / "dead.jsonl")
            outbox._reset_after_fork()
            await outbox.events.custom(identifier="owner@x.io", name="n")
            return await outbox.close(30)

    assert asyncio.run(main()) == sendx.FlushResult(sent=1, failed=0, pending=0)
    assert len(of(control, "custom_event")) == 1


# -- the spool's format --------------------------------------------------------------

#: The spool of sendx before the outbox took REST calls (schema version 1), as it
#: made it.
VERSION_1 = (
    "BEGIN;"
    "CREATE TABLE IF NOT EXISTS calls ("
    " id INTEGER PRIMARY KEY, kind INTEGER NOT NULL,"
    " email TEXT NOT NULL, new_email TEXT, body BLOB, flags INTEGER NOT NULL,"
    " ref INTEGER);"
    "CREATE TABLE IF NOT EXISTS marks (name TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "PRAGMA user_version = 1;"
    "COMMIT;"
)


def test_a_spool_of_the_previous_version_is_delivered_and_migrated(
    emu: Any, team: str, tmp_path: pathlib.Path
) -> None:
    """Its identify and track calls go out in order, an uncertain increment is
    dead-lettered as before; the file is then version 2, which that sendx refuses
    rather than misread."""
    path = tmp_path / "old.db"
    with closing(sqlite3.connect(path)) as db, db:
        db.executescript(VERSION_1)
        db.executemany(
            "INSERT INTO calls (kind, email, new_email, body, flags, ref) VALUES (?,?,?,?,?,?)",
            [
                (0, "old@x.io", None, b'{"email":"old@x.io","tags":["a"]}', 1, None),
                (1, "old@x.io", None, b'{"addTags":["b"]}', 1, None),
                (0, "n@x.io", None, b'{"email":"n@x.io","customFields":{"v":"++1"}}', 2, None),
            ],
        )
    db.close()
    with sendx.SendX(f"key-{team}", team, base_url=emu.base_url) as client:
        outbox = client.outbox(spool=str(path), dead_letters=tmp_path / "dead.jsonl")
        result = outbox.close(30)
    assert result == sendx.FlushResult(sent=2, failed=1, pending=0)
    assert ControlPlane(emu.control_url, team).contact("old@x.io").tags == ["a", "b"]
    [line] = dead_lines(tmp_path / "dead.jsonl")
    assert (line["kind"], line["email"]) == ("identify", "n@x.io")
    with closing(sqlite3.connect(path)) as db, db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 2
    db.close()


def test_a_spool_of_a_newer_version_is_refused(client: sendx.SendX, tmp_path: pathlib.Path) -> None:
    path = tmp_path / "new.db"
    with closing(sqlite3.connect(path)) as db, db:
        db.executescript(VERSION_1.replace("user_version = 1", "user_version = 3"))
    db.close()
    with pytest.raises(sendx.InvalidRequestError, match="schema version 3, this sendx knows 2"):
        client.outbox(spool=str(path))


def test_rest_calls_survive_in_the_spool(
    emu: Any, team: str, key: str, control: ControlPlane, tmp_path: pathlib.Path
) -> None:
    """Kinds 2 to 5 are written and read back with their bodies and order keys; the
    next outbox on the spool delivers them."""
    path = str(tmp_path / "calls.db")
    spool = Spool(path)
    for entry in (
        send_entry(from_=SHOP, to=["ann@x.io", "Bob <bob@x.io>"], subject="s", html_body="b"),
        send_template_entry(from_=SHOP, to="ann@x.io", subject="s", template="A" * 22),
        revenue_entry(identifier="owner@x.io", amount=1),
        custom_entry(identifier="owner@x.io", name="n"),
    ):
        spool.insert(entry)
    spool.close()
    spool = Spool(path)  # load() gives what a spool held when it was opened
    ready, uncertain = spool.load()
    spool.close()
    assert [(e.kind, e.email, e.keys) for e in ready] == [
        ("send_email", "ann@x.io", ("ann@x.io", "bob@x.io")),
        ("send_template", "ann@x.io", ("ann@x.io",)),
        ("revenue", "owner@x.io", ("owner@x.io",)),
        ("custom_event", "owner@x.io", ("owner@x.io",)),
    ]
    assert uncertain == []
    assert not any(entry.idempotent for entry in ready)
    with closing(sqlite3.connect(path)) as db, db:
        assert [row[0] for row in db.execute("SELECT kind FROM calls ORDER BY id")] == [2, 3, 4, 5]
    db.close()
    with sendx.SendX(
        key, team, base_url=emu.base_url, rest_base_url=emu.base_url + "/rest"
    ) as client:
        client.contacts.identify("owner@x.io")
        outbox = client.outbox(
            spool=path, dead_letters=tmp_path / "dead.jsonl", on_error=lambda c, e: None
        )
        assert outbox.stats.pending == 4
        result = outbox.close(30)
    assert result == sendx.FlushResult(sent=3, failed=1, pending=0)  # no such template
    assert len(control.messages()) == 2


def test_the_documented_example_runs(
    emu: Any, team: str, key: str, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The example of docs/outbox.md's "Emails and events", run as written."""
    doc = (pathlib.Path(__file__).parents[2] / "docs" / "outbox.md").read_text("utf-8")
    section = doc.split("## Emails and events\n", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SENDX_API_KEY", key)
    monkeypatch.setenv("SENDX_TEAM_ID", team)
    monkeypatch.setenv("SENDX_BASE_URL", emu.base_url)
    monkeypatch.setenv("SENDX_REST_BASE_URL", emu.base_url + "/rest")
    namespace: dict[str, Any] = {}
    exec(compile(code, "docs/outbox.md", "exec"), namespace)  # noqa: S102
    assert namespace["result"] == sendx.FlushResult(sent=4, failed=0, pending=0)
    control = ControlPlane(emu.control_url, team)
    [message] = control.messages(to="ann@example.com")
    assert message["subject"] == "Welcome to pro, Ann"
    assert [e["type"] for e in control.events()][-2:] == ["revenue", "custom_event"]

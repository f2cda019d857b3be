"""The outbox against sequential calls, with emails and events: random sequences of
identifies (setting a field the emails show), revenue and custom events, and emails to
one or two of a few contacts, sent (a) one by one with the client and (b) through an
outbox with 8 workers, give the same event sequence for each contact and the same
emails, rendered the same, to each recipient; again with 30% of the requests failing
with 503 or 429 (which SendX answers without applying anything), and through the
asyncio outbox.

An email's placeholders render its recipient as SendX holds it when the email is
taken, so the outbox must send it after the calls put before it for its recipients and
before those put after it: the rendered subjects prove the order.
"""

from __future__ import annotations

import asyncio
import contextlib
import pathlib
import tempfile
import threading
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.outbox.helpers import (
    FAST_CLIENT_RETRY,
    FAST_OUTBOX_RETRY,
    control,
    events,
    new_team,
    set_faults,
)

import sendx

EMAILS = ["a@x.io", "b@x.io", "A@x.io"]  # A@ is a@ spelled otherwise
PLANS = ["free", "pro", "team"]

identify_op = st.tuples(st.just("identify"), st.sampled_from(EMAILS), st.sampled_from(PLANS))
revenue_op = st.tuples(st.just("revenue"), st.sampled_from(EMAILS), st.integers(1, 500))
custom_op = st.tuples(st.just("custom"), st.sampled_from(EMAILS), st.sampled_from(["x", "y"]))
send_op = st.tuples(
    st.just("send"), st.lists(st.sampled_from(EMAILS), min_size=1, max_size=2), st.integers(0, 99)
)
operations = st.lists(
    st.one_of(identify_op, identify_op, revenue_op, custom_op, send_op, send_op),
    min_size=5,
    max_size=30,
)


def arguments(op: tuple[Any, ...]) -> tuple[str, dict[str, Any]]:
    """The method (``contacts.identify``, ``events.revenue``, ...) and its arguments."""
    kind = op[0]
    if kind == "identify":
        return "identify", {"email": op[1], "custom_fields": {"plan": op[2]}}
    if kind == "revenue":
        return "revenue", {"identifier": op[1], "amount": op[2] / 100}
    if kind == "custom":
        return "custom", {"identifier": op[1], "name": op[2]}
    return "send", {
        "from_": "shop@x.io",
        "to": op[1],
        "subject": f"#{op[2]} {{{{plan}}}}",
        "html_body": "<p>{{plan}}</p>",
    }


def apply(client: Any, op: tuple[Any, ...]) -> None:
    name, kwargs = arguments(op)
    if name == "identify":
        client.contacts.identify(kwargs.pop("email"), **kwargs)
    elif name == "send":
        client.emails.send(**kwargs)
    else:
        getattr(client.events, name)(**kwargs)


def put(outbox: Any, op: tuple[Any, ...]) -> Any:
    name, kwargs = arguments(op)
    if name == "identify":
        return outbox.identify(kwargs.pop("email"), **kwargs)
    if name == "send":
        return outbox.emails.send(**kwargs)
    return getattr(outbox.events, name)(**kwargs)


def _client(emu: Any, team: str) -> sendx.SendX:
    return sendx.SendX(
        f"key-{team}",
        team,
        base_url=emu.base_url,
        rest_base_url=emu.base_url + "/rest",
        retry=FAST_CLIENT_RETRY,
        max_connections=8,
    )


def one_by_one(emu: Any, ops: list[tuple[Any, ...]]) -> str:
    team = new_team()
    with _client(emu, team) as client:
        client.contacts.identify("owner@x.io")  # binds the key to the team over v1 first
        for op in ops:
            # An event of a contact not made yet: the outbox dead-letters those.
            with contextlib.suppress(sendx.NotFoundError):
                apply(client, op)
    return team


def _check_dead(path: pathlib.Path) -> None:
    for line in path.read_text().splitlines() if path.exists() else []:
        assert '"status": 404' in line, line  # the same failures as one by one


def through_outbox(emu: Any, ops: list[tuple[Any, ...]]) -> str:
    team = new_team()
    with tempfile.TemporaryDirectory() as tmp, _client(emu, team) as client:
        client.contacts.identify("owner@x.io")
        dead = pathlib.Path(tmp) / "dead.jsonl"
        outbox = client.outbox(
            workers=8, retry=FAST_OUTBOX_RETRY, dead_letters=dead, on_error=lambda c, e: None
        )
        # Hold the first requests until every call is put, so that the calls queue up
        # and the schedule alone decides their order.
        gate = threading.Event()
        shell = outbox._shell

        class Gated:
            def request(self, call: Any) -> Any:
                gate.wait(30)
                return shell.request(call)

        outbox._shell = Gated()
        for op in ops:
            put(outbox, op)
        gate.set()
        assert outbox.close(60).pending == 0
        _check_dead(dead)
    return team


def through_async_outbox(emu: Any, ops: list[tuple[Any, ...]]) -> str:
    team = new_team()

    async def main(dead: pathlib.Path) -> None:
        async with sendx.AsyncSendX(
            f"key-{team}",
            team,
            base_url=emu.base_url,
            rest_base_url=emu.base_url + "/rest",
            retry=FAST_CLIENT_RETRY,
        ) as client:
            await client.contacts.identify("owner@x.io")
            outbox = client.outbox(
                workers=8, retry=FAST_OUTBOX_RETRY, dead_letters=dead, on_error=lambda c, e: None
            )
            gate = asyncio.Event()
            shell = outbox._shell

            class Gated:
                async def request(self, call: Any) -> Any:
                    await gate.wait()
                    return await shell.request(call)

            outbox._shell = Gated()
            for op in ops:
                await put(outbox, op)
            gate.set()
            assert (await outbox.close(60)).pending == 0

    with tempfile.TemporaryDirectory() as tmp:
        dead = pathlib.Path(tmp) / "dead.jsonl"
        asyncio.run(main(dead))
        _check_dead(dead)
    return team


def outcome(emu: Any, team: str) -> tuple[Any, Any]:
    """Each contact's events in order (what they carry, not when), and each
    recipient's emails in order (the subject and body as rendered)."""
    per_contact: dict[str, list[tuple[Any, ...]]] = {}
    for event in events(emu, team):
        details = (event.get("value"), event.get("cents"), event.get("name"))
        per_contact.setdefault(event["email"].lower(), []).append((event["type"], *details))
    messages = control(emu, "GET", "/messages", team_id=team, limit="1000")["messages"]
    per_recipient: dict[str, list[tuple[str, str]]] = {}
    for message in reversed(messages):  # the control plane lists them newest first
        address = message["to"]["email"].lower()
        per_recipient.setdefault(address, []).append((message["subject"], message["html"]))
    return per_contact, per_recipient


def check_same(
    emu: Any,
    ops: list[tuple[Any, ...]],
    faults: list[dict[str, Any]],
    deliver: Callable[[Any, list[tuple[Any, ...]]], str] = through_outbox,
) -> None:
    expected = one_by_one(emu, ops)
    set_faults(emu, faults)
    try:
        actual = deliver(emu, ops)
    finally:
        set_faults(emu, [])
    assert outcome(emu, actual) == outcome(emu, expected)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=operations)
def test_outbox_matches_one_by_one(emu: Any, ops: list[tuple[Any, ...]]) -> None:
    check_same(emu, ops, [])


# 30% of requests fail, on both APIs: 15% with 503, then 15/85 of the rest with 429.
FAULTS = [
    {"path": "/api/v1/", "status": 503, "probability": 0.15},
    {"path": "/api/v1/", "status": 429, "probability": 0.15 / 0.85},
]


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=operations)
def test_outbox_matches_one_by_one_with_faults(emu: Any, ops: list[tuple[Any, ...]]) -> None:
    check_same(emu, ops, FAULTS)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=operations)
def test_async_outbox_matches_one_by_one(emu: Any, ops: list[tuple[Any, ...]]) -> None:
    check_same(emu, ops, [], through_async_outbox)

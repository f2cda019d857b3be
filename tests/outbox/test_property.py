"""The outbox against sequential calls: random identify / track / rename sequences over
a few contacts, sent (a) one by one with the client and (b) through an outbox with 8
workers and coalescing, give the same final contacts and the same event sequence for
each contact; again with 30% of the requests failing with 503 or 429.

The injected faults are those SendX answers without applying anything (429, 503): the
client and the outbox retry them safely, increments included. Faults that may apply a
change without an answer (a dropped connection after the write, a 500) make any retry
of an increment unsafe by design; the outbox dead-letters such calls instead (see
test_outbox.py), so they cannot be compared with a one-by-one run that got its answer.

Custom fields keep one type each ("visits" a number, "plan" text): SendX fixes a
field's type team-wide when the first call creates it, which depends on the order of
calls across contacts, and the outbox orders calls only per contact.
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
    KEY,
    contacts,
    new_team,
    per_contact_events,
    set_faults,
)

import sendx

EMAILS = ["a@x.io", "b@x.io", "A@x.io"]  # A@ is a@ spelled otherwise
TAGS = ["t1", "t2", "t3", "vip"]

tag_lists = st.lists(st.sampled_from(TAGS), max_size=3)
text_fields = st.fixed_dictionaries(
    {},
    optional={
        "plan": st.sampled_from(["free", "pro", "team"]),
        "team": st.sampled_from(["red", "blue"]),
    },
)
identify_op = st.tuples(
    st.just("identify"),
    st.sampled_from(EMAILS),
    st.none() | st.sampled_from(["Ann", "Bob"]),
    tag_lists,
    text_fields,
)
# Increments come alone, so that most identifies can be coalesced.
bump_op = st.tuples(
    st.just("bump"),
    st.sampled_from(EMAILS),
    st.sampled_from([sendx.increment(1), sendx.increment(2), sendx.decrement(1)]),
)
track_op = st.tuples(st.just("track"), st.sampled_from(EMAILS), tag_lists, tag_lists)
rename_op = st.tuples(st.just("rename"), st.sampled_from(EMAILS), st.sampled_from(EMAILS))
# Long enough that a contact's calls pile up behind the one in flight and coalesce.
operations = st.lists(
    st.one_of(identify_op, identify_op, identify_op, identify_op, bump_op, track_op, rename_op),
    min_size=10,
    max_size=60,
)


def apply(target: Any, op: tuple[Any, ...]) -> None:
    if op[0] == "identify":
        _, email, name, tags, custom = op
        target.identify(email, first_name=name, tags=tags or None, custom_fields=custom or None)
    elif op[0] == "bump":
        _, email, amount = op
        target.identify(email, custom_fields={"visits": amount})
    elif op[0] == "track":
        _, email, add, remove = op
        target.track(email, add_tags=add, remove_tags=remove)
    else:
        _, email, new_email = op
        target.identify(email, new_email=new_email)


def one_by_one(emu: Any, ops: list[tuple[Any, ...]]) -> str:
    team = new_team()
    with sendx.SendX(KEY, team, base_url=emu.base_url, retry=FAST_CLIENT_RETRY) as client:
        for op in ops:
            # An unknown contact, a taken address: the outbox dead-letters those.
            with contextlib.suppress(sendx.NotFoundError, sendx.ConflictError):
                apply(client.contacts, op)
    return team


def through_outbox(emu: Any, ops: list[tuple[Any, ...]]) -> str:
    team = new_team()
    with (
        tempfile.TemporaryDirectory() as tmp,
        sendx.SendX(
            KEY, team, base_url=emu.base_url, retry=FAST_CLIENT_RETRY, max_connections=8
        ) as client,
    ):
        outbox = client.outbox(
            workers=8,
            coalesce=True,
            retry=FAST_OUTBOX_RETRY,
            dead_letters=pathlib.Path(tmp) / "dead.jsonl",
            on_error=lambda call, error: None,  # checked in the file below; keep logs quiet
        )
        # Hold the first requests until every call is put, so that each contact's
        # later calls queue up behind its first one and coalesce as much as they can.
        gate = threading.Event()
        shell = outbox._shell

        class Gated:
            def request(self, call: Any) -> Any:
                gate.wait(30)
                return shell.request(call)

        outbox._shell = Gated()
        for op in ops:
            apply(outbox, op)
        gate.set()
        result = outbox.close(60)
        assert result.pending == 0
        dead = pathlib.Path(tmp) / "dead.jsonl"
        for line in dead.read_text().splitlines() if dead.exists() else []:
            # The same failures as one by one: an unknown contact, a taken address.
            assert '"status": 404' in line or '"status": 409' in line, line
    return team


def through_async_outbox(emu: Any, ops: list[tuple[Any, ...]]) -> str:
    """The same through an AsyncOutbox: 8 worker tasks on one event loop."""
    team = new_team()

    async def main(tmp: str) -> None:
        async with sendx.AsyncSendX(
            KEY, team, base_url=emu.base_url, retry=FAST_CLIENT_RETRY
        ) as client:
            outbox = client.outbox(
                workers=8,
                retry=FAST_OUTBOX_RETRY,
                dead_letters=pathlib.Path(tmp) / "dead.jsonl",
                on_error=lambda call, error: None,
            )
            gate = asyncio.Event()
            shell = outbox._shell

            class Gated:
                async def request(self, call: Any) -> Any:
                    await gate.wait()
                    return await shell.request(call)

            outbox._shell = Gated()
            for op in ops:
                if op[0] == "identify":
                    _, email, name, tags, custom = op
                    await outbox.identify(
                        email, first_name=name, tags=tags or None, custom_fields=custom or None
                    )
                elif op[0] == "bump":
                    await outbox.identify(op[1], custom_fields={"visits": op[2]})
                elif op[0] == "track":
                    await outbox.track(op[1], add_tags=op[2], remove_tags=op[3])
                else:
                    await outbox.identify(op[1], new_email=op[2])
            gate.set()
            assert (await outbox.close(60)).pending == 0

    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(main(tmp))
    return team


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
    assert contacts(emu, actual) == contacts(emu, expected)
    assert per_contact_events(emu, actual) == per_contact_events(emu, expected)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=operations)
def test_outbox_matches_one_by_one(emu: Any, ops: list[tuple[Any, ...]]) -> None:
    check_same(emu, ops, [])


# 30% of requests fail: the first fault fires 15% of the time, the second 15/85 of the
# rest (faults are tried in order and the first that fires decides).
FAULTS = [
    {"path": "/api/v1/contact", "status": 503, "probability": 0.15},
    {"path": "/api/v1/contact", "status": 429, "probability": 0.15 / 0.85},
]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=operations)
def test_outbox_matches_one_by_one_with_faults(emu: Any, ops: list[tuple[Any, ...]]) -> None:
    check_same(emu, ops, FAULTS)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=operations)
def test_async_outbox_matches_one_by_one(emu: Any, ops: list[tuple[Any, ...]]) -> None:
    check_same(emu, ops, [], through_async_outbox)

"""The schedule, in memory: order per contact, renames, coalescing rules, retries."""

from __future__ import annotations

import json
from typing import Any

import sendx
from sendx.outbox._base import identify_entry, track_entry
from sendx.outbox._calls import Entry, Merger
from sendx.outbox._messaging import revenue_entry, send_entry
from sendx.outbox._plan import Batch, Plan


def ident(email: str, ident_id: int, **kwargs: Any) -> Entry:
    entry = identify_entry(
        email,
        kwargs.get("first_name"),
        None,
        None,
        None,
        kwargs.get("new_email"),
        kwargs.get("tags"),
        kwargs.get("custom_fields"),
    )
    entry.id = ident_id
    return entry


def track(email: str, track_id: int, add: tuple[str, ...] = ("t",)) -> Entry:
    entry = track_entry(email, add, ())
    entry.id = track_id
    return entry


def ids(batch: Batch | None) -> list[int]:
    assert batch is not None
    return [entry.id for entry in batch.entries]


def test_one_request_per_contact_in_flight_and_fifo_order() -> None:
    """A contact's second call waits until its first is done; others run meanwhile."""
    plan = Plan(coalesce=False)
    plan.add(ident("a@x.io", 1))
    plan.add(ident("a@x.io", 2))
    plan.add(ident("b@x.io", 3))
    first = plan.take(0)
    second = plan.take(0)
    assert ids(first) == [1]
    assert ids(second) == [3]
    assert plan.take(0) is None  # a@x.io is busy
    assert first is not None
    plan.done(first)
    assert ids(plan.take(0)) == [2]
    assert plan.pending == 2


def test_contacts_match_case_insensitively() -> None:
    """Two spellings of one address are one contact: never two requests in flight."""
    plan = Plan(coalesce=False)
    plan.add(ident("Ann@X.io", 1))
    plan.add(ident("ann@x.io", 2))
    assert ids(plan.take(0)) == [1]
    assert plan.take(0) is None


def test_rename_holds_both_addresses_until_delivered() -> None:
    """A rename waits for both addresses' earlier calls, and later calls of both wait
    for it."""
    plan = Plan(coalesce=False)
    plan.add(ident("b@x.io", 1))
    plan.add(ident("a@x.io", 2, new_email="b@x.io"))
    plan.add(track("a@x.io", 3))
    plan.add(track("b@x.io", 4))
    plan.add(track("c@x.io", 5))
    first = plan.take(0)
    assert ids(first) == [1]
    assert ids(plan.take(0)) == [5]  # the rename waits for b's earlier call
    assert plan.take(0) is None
    assert first is not None
    plan.done(first)
    rename = plan.take(0)
    assert ids(rename) == [2]
    assert plan.take(0) is None  # both a and b wait for the rename
    assert rename is not None
    plan.done(rename)
    assert sorted(ids(plan.take(0)) + ids(plan.take(0))) == [3, 4]


def test_coalesces_consecutive_compatible_identifies() -> None:
    """Identifies of one contact with tags only fold into one request, tags in order."""
    plan = Plan()
    plan.add(ident("a@x.io", 1, tags=["x"], first_name="A"))
    plan.add(ident("a@x.io", 2, tags=["y", "x"]))
    plan.add(ident("a@x.io", 3, first_name="B"))
    batch = plan.take(0)
    assert ids(batch) == [1, 2, 3]
    assert batch is not None
    assert batch.body is not None
    body = json.loads(batch.body)
    assert body == {"email": "a@x.io", "firstName": "B", "tags": ["x", "y"]}
    plan.done(batch)
    assert plan.pending == 0


def test_never_coalesces_across_track_increment_or_rename() -> None:
    """A track, an increment or a rename between identifies stops the folding."""
    for middle in (
        track("a@x.io", 2),
        ident("a@x.io", 2, custom_fields={"n": sendx.increment(1)}),
        ident("a@x.io", 2, new_email="z@x.io"),
    ):
        plan = Plan()
        plan.add(ident("a@x.io", 1, tags=["x"]))
        plan.add(middle)
        plan.add(ident("a@x.io", 3, tags=["y"]))
        first = plan.take(0)
        assert ids(first) == [1]
        assert first is not None
        plan.done(first)
        second = plan.take(0)
        assert ids(second) == [2]


def test_coalescing_rules_that_keep_events_identical() -> None:
    """Same field twice, fields then tags, tags then fields, or another spelling of the
    email would change the events (or the stored address): no folding."""
    base = ident("a@x.io", 1, custom_fields={"f": "1"})
    assert not Merger(base).add(ident("a@x.io", 2, custom_fields={"F": "2"}))
    assert not Merger(base).add(ident("a@x.io", 2, tags=["t"]))
    assert Merger(base).add(ident("a@x.io", 2, custom_fields={"g": "2"}))
    tagged = ident("a@x.io", 1, tags=["t"])
    assert not Merger(tagged).add(ident("a@x.io", 2, custom_fields={"g": "2"}))
    assert not Merger(tagged).add(ident("A@x.io", 2, tags=["u"]))
    assert Merger(tagged).add(ident("a@x.io", 2, tags=["u"], company="C"))


def test_coalescing_off() -> None:
    plan = Plan(coalesce=False)
    plan.add(ident("a@x.io", 1, tags=["x"]))
    plan.add(ident("a@x.io", 2, tags=["y"]))
    assert ids(plan.take(0)) == [1]


def test_deferred_batch_keeps_the_contact_busy_until_due() -> None:
    """A batch waiting for a retry comes back at its due time; the contact's later
    calls wait behind it."""
    plan = Plan(coalesce=False)
    plan.add(ident("a@x.io", 1))
    plan.add(ident("a@x.io", 2))
    batch = plan.take(0)
    assert batch is not None
    plan.defer(batch, 5.0)
    assert plan.take(1.0) is None
    assert plan.next_due() == 5.0
    again = plan.take(5.0)
    assert again is batch
    assert again.retries == 1
    plan.done(again)
    assert ids(plan.take(5.0)) == [2]


def test_split_sends_a_failed_batch_one_by_one() -> None:
    plan = Plan()
    plan.add(ident("a@x.io", 1, tags=["x"]))
    plan.add(ident("a@x.io", 2, tags=["y"]))
    batch = plan.take(0)
    assert ids(batch) == [1, 2]
    assert batch is not None
    plan.split(batch)
    single = plan.take(0)
    assert ids(single) == [1]
    assert single is not None
    plan.done(single)
    assert ids(plan.take(0)) == [2]


def test_waiting_lists_what_is_neither_in_flight_nor_deferred() -> None:
    plan = Plan(coalesce=False)
    for number, email in enumerate(["a@x.io", "a@x.io", "b@x.io", "c@x.io"], 1):
        plan.add(ident(email, number))
    flying = plan.take(0)
    deferred = plan.take(0)
    assert flying is not None
    assert deferred is not None
    plan.defer(deferred, 10.0)
    assert [entry.id for entry in plan.waiting()] == [2, 4]
    assert [b.head.id for b in plan.deferred()] == [3]


def test_forget_drops_given_up_calls_and_keeps_the_rest_in_order() -> None:
    """At close the outbox forgets the calls it dead-lettered: they leave their queues
    and the ready list; the call in flight still finishes normally and wakes the call
    held behind it."""
    plan = Plan(coalesce=False)
    for number, email in enumerate(["a@x.io", "a@x.io", "b@x.io", "c@x.io"], 1):
        plan.add(ident(email, number))
    flying = plan.take(0)
    assert flying is not None
    assert ids(flying) == [1]
    given_up = [entry for entry in plan.waiting() if entry.id in (3, 4)]
    plan.forget(given_up)
    assert plan.pending == 2
    assert [entry.id for entry in plan.waiting()] == [2]
    plan.done(flying)
    assert ids(plan.take(0)) == [2]
    assert plan.take(0) is None


def send(to: Any, send_id: int) -> Entry:
    entry = send_entry(from_="shop@x.io", to=to, subject="s", html_body="b")
    entry.id = send_id
    return entry


def revenue(identifier: str, revenue_id: int) -> Entry:
    entry = revenue_entry(identifier=identifier, amount=1)
    entry.id = revenue_id
    return entry


def test_an_email_waits_for_each_recipients_earlier_calls_and_holds_their_later_ones() -> None:
    """An email is sent after the calls put before it for any of its recipients (its
    placeholders render the contact they leave), and their later calls wait for it;
    emails to other people go at once."""
    plan = Plan()
    plan.add(ident("ann@x.io", 1, custom_fields={"plan": "pro"}))
    plan.add(send(["Ann <ANN@x.io>", {"email": "bob@x.io"}, "bob@x.io"], 2))
    plan.add(ident("ann@x.io", 3, custom_fields={"seats": "3"}))
    plan.add(revenue("bob@x.io", 4))
    plan.add(send("cy@x.io", 5))
    first = plan.take(0)
    assert ids(first) == [1]  # not folded with the identify behind the email
    assert ids(plan.take(0)) == [5]
    assert plan.take(0) is None  # the email waits for ann's identify
    assert first is not None
    plan.done(first)
    email = plan.take(0)
    assert ids(email) == [2]
    assert email is not None
    assert email.keys == ("ann@x.io", "bob@x.io")  # each recipient once
    assert plan.take(0) is None  # ann's and bob's later calls wait for it
    plan.done(email)
    assert sorted(ids(plan.take(0)) + ids(plan.take(0))) == [3, 4]


def test_an_event_follows_its_contacts_calls_named_the_same_way() -> None:
    """Events of one contact are in order with its identifies; a contact named by id
    is another key (the outbox cannot know an id's address)."""
    plan = Plan()
    plan.add(ident("ann@x.io", 1))
    plan.add(revenue("Ann@X.io", 2))
    plan.add(revenue("contact_" + "A" * 22, 3))
    assert ids(plan.take(0)) == [1]
    assert ids(plan.take(0)) == [3]
    assert plan.take(0) is None


def test_rest_calls_are_never_coalesced_nor_idempotent() -> None:
    plan = Plan()
    for number in range(3):
        plan.add(revenue("ann@x.io", number))
    batch = plan.take(0)
    assert ids(batch) == [0]
    assert batch is not None
    assert not batch.head.idempotent
    assert not batch.head.mergeable

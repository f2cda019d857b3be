"""``client.events``: revenue and custom events against the emulator, both clients;
the contact by address or id; checks before any I/O; the wire bodies byte for byte;
every error class; an event never recorded twice by a retry."""

from __future__ import annotations

import datetime
import decimal
import inspect
from typing import Any

import pytest
from tests._support.recording_server import RecordingServer, Reply
from tests.client.rest._rule import (
    SCENARIO_IDS,
    SCENARIOS,
    STATUS_ERRORS,
    Scenario,
    check_refused,
    check_rule,
    check_status,
)
from tests.client.rest.conftest import close_client, make_client

import sendx
from sendx.resources._rest import Message
from sendx.resources.events import AsyncEvents, Events
from sendx.testing import ControlPlane

WHEN = datetime.datetime(2024, 3, 20, 9, 0, tzinfo=datetime.timezone.utc)


def _of(control: ControlPlane, kind: str) -> list[dict[str, Any]]:
    return [event for event in control.events() if event["type"] == kind]


@pytest.fixture
def ann(client: Any) -> Any:
    return client.contacts.create(email="ann@x.io")


def test_revenue_adds_to_the_lifetime_value(client: Any, control: ControlPlane, ann: Any) -> None:
    """By address or by id (with or without its prefix); amounts in currency units,
    the lifetime value in cents; source and time go along."""
    answer = client.events.revenue(identifier="ANN@x.io", amount=99.99, source="web", time=WHEN)
    assert answer == Message(status="success", message="Event tracked successfully")
    client.events.revenue(identifier=ann.id, amount=decimal.Decimal("0.01"))
    client.events.revenue(identifier=ann.id.removeprefix("contact_"), amount=5, time=1700000000)
    assert client.contacts.get(ann.id).ltv == 9999 + 1 + 500
    first, second, third = _of(control, "revenue")
    assert (first["amount"], first["source"], first["time"]) == (99.99, "web", 1710925200)
    assert (second["amount"], "source" in second, "time" in second) == (0.01, False, False)
    assert third["time"] == 1700000000


def test_custom_keeps_name_data_and_time(client: Any, control: ControlPlane, ann: Any) -> None:
    answer = client.events.custom(
        identifier="ann@x.io",
        name="video_watched",
        data={"video": "12345", "seconds": 120, "done": True, "tags": ["a"], "at": WHEN},
        time=WHEN.timestamp(),
    )
    assert answer.status == "success"
    client.events.custom(identifier=ann.id, name="signed_up")
    first, second = _of(control, "custom_event")
    assert first["name"] == "video_watched"
    assert first["data"] == {
        "video": "12345",
        "seconds": 120,
        "done": True,
        "tags": ["a"],
        "at": "2024-03-20T09:00:00Z",
    }
    assert first["time"] == 1710925200
    assert (second["name"], second["data"]) == ("signed_up", {})


@pytest.mark.parametrize("identifier", ["nobody@x.io", "contact_" + "A" * 22])
def test_an_unknown_contact_is_not_found(
    client: Any, control: ControlPlane, identifier: str
) -> None:
    with pytest.raises(sendx.NotFoundError):
        client.events.revenue(identifier=identifier, amount=1)
    with pytest.raises(sendx.NotFoundError):
        client.events.custom(identifier=identifier, name="x")
    assert control.events() == []


@pytest.mark.parametrize(
    ("method", "changes", "field", "words"),
    [
        ("revenue", {"identifier": "ann.lee.example.com"}, "identifier", "address or its id"),
        ("revenue", {"identifier": "tag_" + "A" * 22}, "identifier", "must be an id"),
        ("revenue", {"identifier": "ann@x"}, "identifier", "no dot"),
        ("revenue", {"identifier": None}, "identifier", "must be an id"),
        ("revenue", {"amount": "9.99"}, "amount", "must be a number"),
        ("revenue", {"amount": True}, "amount", "must be a number"),
        ("revenue", {"amount": -1}, "amount", ">= 0"),
        ("revenue", {"amount": float("nan")}, "amount", "finite"),
        ("revenue", {"amount": decimal.Decimal("Infinity")}, "amount", "finite"),
        ("revenue", {"source": 3}, "source", "must be a string"),
        ("revenue", {"time": datetime.datetime(2024, 3, 20)}, "time", "aware datetime"),
        ("revenue", {"time": -5}, "time", "1970"),
        ("revenue", {"time": "2024-03-20"}, "time", "Unix seconds"),
        ("custom", {"name": " "}, "name", "must not be empty"),
        ("custom", {"name": None}, "name", "required"),
        ("custom", {"data": ["x"]}, "data", "mapping"),
        ("custom", {"data": {1: "x"}}, "data", "string keys"),
        ("custom", {"data": {"x": object()}}, "data", "JSON cannot carry"),
        ("custom", {"time": float("inf")}, "time", "1970"),
    ],
)
def test_bad_arguments_raise_before_any_io(
    client: Any, control: ControlPlane, method: str, changes: dict[str, Any], field: str, words: str
) -> None:
    base: dict[str, Any] = {"identifier": "ann@x.io"}
    base.update({"amount": 1} if method == "revenue" else {"name": "x"})
    with pytest.raises(sendx.InvalidRequestError, match=words) as raised:
        getattr(client.events, method)(**{**base, **changes})
    assert raised.value.field == field
    assert control.events() == []


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_event_bodies_byte_for_byte(kind: str, key: str) -> None:
    answer = {"status": "success", "message": "Event tracked successfully"}
    with RecordingServer(default=Reply.json(answer)) as server:

        class Server:
            base_url = f"http://127.0.0.1:{server.port}/api/v1"

        client = make_client(kind, Server, key)
        try:
            client.events.revenue(identifier="ann@x.io", amount=99.99, source="web", time=WHEN)
            client.events.revenue(identifier="A" * 22, amount=decimal.Decimal("10"))
            client.events.custom(identifier="ann@x.io", name="n", data={"a": 1}, time=1)
            client.events.custom(identifier="ann@x.io", name="n")
        finally:
            close_client(client)
    assert [r.request_line for r in server.requests] == [
        "POST /api/v1/rest/events/revenue HTTP/1.1",
        "POST /api/v1/rest/events/revenue HTTP/1.1",
        "POST /api/v1/rest/events/custom HTTP/1.1",
        "POST /api/v1/rest/events/custom HTTP/1.1",
    ]
    assert [r.body for r in server.requests] == [
        b'{"identifier":"ann@x.io","amount":99.99,"source":"web","time":1710925200}',
        b'{"identifier":"contact_' + b"A" * 22 + b'","amount":10.0}',
        b'{"identifier":"ann@x.io","name":"n","data":{"a":1},"time":1}',
        b'{"identifier":"ann@x.io","name":"n"}',
    ]


# -- errors and retries -------------------------------------------------------------


@pytest.mark.parametrize(("status", "error"), STATUS_ERRORS)
@pytest.mark.parametrize("method", ["revenue", "custom"])
def test_every_error_status_raises_its_class(
    kind: str,
    emulator: Any,
    key: str,
    control: ControlPlane,
    status: int,
    error: type[Exception],
    method: str,
) -> None:
    arguments = {"amount": 1} if method == "revenue" else {"name": "x"}
    check_status(
        status,
        error,
        kind,
        emulator,
        key,
        control,
        "/events",
        lambda client: getattr(client.events, method)(identifier="ann@x.io", **arguments),
    )


@pytest.mark.parametrize("scenario", SCENARIOS, ids=SCENARIO_IDS)
@pytest.mark.parametrize("method", ["revenue", "custom"])
def test_an_event_is_retried_only_where_sendx_surely_did_not_get_it(
    kind: str, emulator: Any, key: str, control: ControlPlane, scenario: Scenario, method: str
) -> None:
    """Never recorded twice: the emulator logged exactly one event, or none."""
    setup_client = make_client(kind, emulator, key)
    try:
        setup_client.contacts.create(email="ann@x.io")
    finally:
        close_client(setup_client)
    arguments = {"amount": 12.5} if method == "revenue" else {"name": "x"}
    check_rule(
        scenario,
        kind,
        emulator,
        key,
        control,
        f"/events/{method}",
        lambda client: getattr(client.events, method)(identifier="ann@x.io", **arguments),
        lambda: len(_of(control, "revenue" if method == "revenue" else "custom_event")),
    )


def test_an_event_that_cannot_connect_is_retried(kind: str, key: str) -> None:
    check_refused(kind, key, lambda client: client.events.revenue(identifier="a@x.io", amount=1))


def test_sync_and_async_events_match() -> None:
    for name in ("revenue", "custom"):
        sync, async_ = getattr(Events, name), getattr(AsyncEvents, name)
        assert inspect.signature(sync) == inspect.signature(async_)
        assert inspect.iscoroutinefunction(async_)
        assert not inspect.iscoroutinefunction(sync)


def test_an_identifier_that_is_neither_is_not_echoed(client: Any) -> None:
    """A typo in an address (no '@') is personal data all the same: not in the error."""
    with pytest.raises(sendx.InvalidRequestError) as raised:
        client.events.custom(identifier="jane.doe.example.com", name="n")
    assert "jane" not in str(raised.value)

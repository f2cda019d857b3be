"""Bad arguments raise InvalidRequestError before any I/O, naming the field and problem."""

from __future__ import annotations

import datetime
import math
from typing import Any

import pytest
from tests._support.recording_server import RecordingServer
from tests.client.conftest import Driver

import sendx

LONG_EMAIL = "a" * 250 + "@x.io"

BAD_IDENTIFY: list[tuple[str, dict[str, Any], str, str]] = [
    # (case, identify kwargs, field, words the message must hold)
    ("empty email", {"email": ""}, "email", "is empty"),
    ("no @", {"email": "john.doe.gmail.com"}, "email", "has no '@'"),
    ("nothing before @", {"email": "@x.io"}, "email", "nothing before"),
    ("blank before @", {"email": "\t@x.io"}, "email", "whitespace"),
    ("leading space", {"email": " ann@x.io"}, "email", "leading or trailing whitespace"),
    ("nothing after @", {"email": "john@"}, "email", "no domain"),
    ("domain without dot", {"email": "john@localhost"}, "email", "no dot"),
    ("space in domain", {"email": "john@x .io"}, "email", "a space in its domain"),
    ("control character", {"email": "jo\nhn@x.io"}, "email", "control characters"),
    ("too long", {"email": LONG_EMAIL}, "email", "longer than 254"),
    ("email not a string", {"email": b"a@b.co"}, "email", "must be a string"),
    ("email None", {"email": None}, "email", "must be a string"),
    ("bad new_email", {"new_email": "nope"}, "new_email", "has no '@'"),
    ("first_name not str", {"first_name": 5}, "first_name", "must be a string"),
    ("last_name not str", {"last_name": ["x"]}, "last_name", "must be a string"),
    ("company not str", {"company": 1.5}, "company", "must be a string"),
    ("30 February", {"birthday": "2023-02-30"}, "birthday", "not a real date"),
    ("29 February of a common year", {"birthday": "2023-02-29"}, "birthday", "not a real date"),
    ("month 13", {"birthday": "2023-13-01"}, "birthday", "not a real date"),
    ("day 00", {"birthday": "2023-01-00"}, "birthday", "not a real date"),
    ("wrong format", {"birthday": "03/03/1989"}, "birthday", "YYYY-MM-DD"),
    ("short year", {"birthday": "89-03-03"}, "birthday", "YYYY-MM-DD"),
    ("ISO with time", {"birthday": "1989-03-03T00:00:00"}, "birthday", "YYYY-MM-DD"),
    ("empty birthday", {"birthday": ""}, "birthday", "YYYY-MM-DD"),
    (
        "datetime",
        {"birthday": datetime.datetime(1989, 3, 3, 12, 0)},
        "birthday",
        "not a datetime",
    ),
    ("birthday int", {"birthday": 19890303}, "birthday", "datetime.date or a 'YYYY-MM-DD'"),
    ("tags a bare string", {"tags": "Developer"}, "tags", "list of tag names"),
    ("tags bytes", {"tags": b"Developer"}, "tags", "list of tag names"),
    ("tags a number", {"tags": 5}, "tags", "list of tag names"),
    ("empty tag", {"tags": ["ok", ""]}, "tags", "tags[1] must be a non-empty string"),
    ("blank tag", {"tags": ["   "]}, "tags", "tags[0] must be a non-empty string"),
    ("tag not a string", {"tags": ["ok", 5]}, "tags", "tags[1] must be a non-empty string"),
    ("tag None", {"tags": [None]}, "tags", "tags[0]"),
    ("custom_fields not a mapping", {"custom_fields": [("a", "b")]}, "custom_fields", "mapping"),
    ("empty field name", {"custom_fields": {"": "x"}}, "custom_fields", "empty or non-string name"),
    ("blank field name", {"custom_fields": {"  ": "x"}}, "custom_fields", "empty or non-string"),
    ("non-string field name", {"custom_fields": {5: "x"}}, "custom_fields", "non-string name"),
    ("value None", {"custom_fields": {"Age": None}}, "custom_fields['Age']", "NoneType"),
    ("value list", {"custom_fields": {"Age": [1]}}, "custom_fields['Age']", "list"),
    ("value dict", {"custom_fields": {"Age": {"a": 1}}}, "custom_fields['Age']", "dict"),
    ("value object", {"custom_fields": {"Age": object()}}, "custom_fields['Age']", "object"),
    ("value bytes", {"custom_fields": {"Age": b"1"}}, "custom_fields['Age']", "bytes"),
    (
        "value date",
        {"custom_fields": {"D": datetime.date(2020, 1, 1)}},
        "custom_fields['D']",
        "date",
    ),
    ("value nan", {"custom_fields": {"Age": math.nan}}, "custom_fields['Age']", "finite number"),
    ("value inf", {"custom_fields": {"Age": math.inf}}, "custom_fields['Age']", "finite number"),
]


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [case[1:] for case in BAD_IDENTIFY],
    ids=[case[0] for case in BAD_IDENTIFY],
)
def test_identify_rejects_before_any_io(
    server: RecordingServer, driver: Driver, kwargs: dict[str, Any], field: str, words: str
) -> None:
    arguments = {"email": "ok@x.io", **kwargs}
    email = arguments.pop("email")
    with pytest.raises(sendx.InvalidRequestError) as caught:
        driver.identify(server.url, email, **arguments)
    assert caught.value.field == field
    assert words in str(caught.value)
    assert field.split("[")[0] in str(caught.value)
    assert server.requests == []
    assert server.connections == 0


BAD_TRACK: list[tuple[str, dict[str, Any], str, str]] = [
    ("bad email", {"email": "not an email"}, "email", "has no '@'"),
    ("add_tags a string", {"add_tags": "paid"}, "add_tags", "list of tag names"),
    ("remove_tags a string", {"remove_tags": "trial"}, "remove_tags", "list of tag names"),
    ("empty add tag", {"add_tags": [""]}, "add_tags", "add_tags[0]"),
    ("remove tag not a string", {"remove_tags": ["a", 3]}, "remove_tags", "remove_tags[1]"),
]


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [case[1:] for case in BAD_TRACK],
    ids=[case[0] for case in BAD_TRACK],
)
def test_track_rejects_before_any_io(
    server: RecordingServer, driver: Driver, kwargs: dict[str, Any], field: str, words: str
) -> None:
    arguments = {"email": "ok@x.io", **kwargs}
    email = arguments.pop("email")
    with pytest.raises(sendx.InvalidRequestError) as caught:
        driver.track(server.url, email, **arguments)
    assert caught.value.field == field
    assert words in str(caught.value)
    assert server.requests == []
    assert server.connections == 0


def test_long_values_are_cut_in_messages() -> None:
    """A rejected value is echoed only in short: messages never carry whole inputs."""
    from sendx.resources.contacts import identify_call

    with pytest.raises(sendx.InvalidRequestError) as caught:
        identify_call("x" * 300)
    assert len(str(caught.value)) < 200
    assert "x" * 100 not in str(caught.value)


GOOD_EMAILS = [
    "a@b.co",
    "j+1@x.io",
    "o'brien@x.io",
    "zo\u00eb@ex\u00e4mple.com",
    "UPPER@X.IO",
    "a@sub.domain.example",
]


@pytest.mark.parametrize("email", GOOD_EMAILS)
def test_good_emails_are_accepted(email: str) -> None:
    from sendx.resources.contacts import identify_call, track_call

    assert identify_call(email).body is not None
    assert track_call(email).params == (("email", email),)


def test_valid_odd_values_pass() -> None:
    """Leap days, any iterable of tags, and the documented value types are accepted."""
    from sendx.resources.contacts import identify_call

    call = identify_call(
        "a@b.co",
        birthday="2024-02-29",
        tags=(t for t in ["a", "b"]),
        custom_fields={"s": "x", "i": 1, "f": 0.5, "b": False, "n": sendx.decrement(2)},
    )
    assert call.body == (
        b'{"email":"a@b.co","birthday":"2024-02-29","tags":["a","b"],'
        b'"customFields":{"s":"x","i":"1","f":"0.5","b":"false","n":"--2"}}'
    )


@pytest.mark.parametrize("amount", [math.nan, math.inf, "1", True, None])
def test_increment_needs_a_finite_number(amount: Any) -> None:
    with pytest.raises((TypeError, ValueError)):
        sendx.increment(amount)

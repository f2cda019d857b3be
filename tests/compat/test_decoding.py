"""The original's lenient decoding: every ``decoding`` case of the vectors file, over
a socket and in memory, plus the type rules ``deserialize`` follows."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

import swagger_client
from swagger_client.rest import ApiException
from tests._support.recording_server import RecordingServer, Reply
from tests.compat.conftest import VECTORS

_CASES = VECTORS["decoding"]


class _Body:
    """Anything with ``.data`` can be deserialized, as in the original."""

    def __init__(self, data: Any) -> None:
        self.data = data


@pytest.mark.parametrize("case", _CASES, ids=[c["case"] for c in _CASES])
def test_answers_decode_as_the_original_decoded_them(
    api: swagger_client.ContactApi, server: RecordingServer, case: dict[str, Any]
) -> None:
    """The call returns the model the original returned for that body."""
    server.script(
        Reply.status_only(200, [("Content-Type", "application/json")], case["body"].encode())
    )
    if case["as"] == "ContactResponse":
        result = api.contact_identify_post(
            "KEY", "T", swagger_client.ContactRequest(email="a@b.co")
        )
    else:
        result = api.contact_track_post("KEY", "T", "a@b.co", swagger_client.TrackRequest())
    assert type(result).__name__ == case["as"]
    assert result.to_dict() == case["decoded_to_dict"]


@pytest.mark.parametrize("case", _CASES, ids=[c["case"] for c in _CASES])
def test_deserialize_in_memory_matches(
    api_client: swagger_client.ApiClient, case: dict[str, Any]
) -> None:
    """``ApiClient.deserialize`` gives the same, from a type name or a class."""
    by_name = api_client.deserialize(_Body(case["body"]), case["as"])
    by_class = api_client.deserialize(_Body(case["body"]), getattr(swagger_client, case["as"]))
    assert by_name.to_dict() == by_class.to_dict() == case["decoded_to_dict"]


def test_numeric_status_is_a_string_and_data_a_contact(
    api_client: swagger_client.ApiClient,
) -> None:
    """Types follow ``swagger_types``: the status text, a ``Contact`` model."""
    result = api_client.deserialize(
        _Body('{"status": 200, "data": {"email": "a@b.co", "tags": ["x", 1]}}'), "ContactResponse"
    )
    assert result.status == "200"
    assert isinstance(result.data, swagger_client.Contact)
    assert result.data.tags == ["x", "1"]
    assert result.message is None


def test_null_data_stays_none(api_client: swagger_client.ApiClient) -> None:
    """``data: null`` (or none at all) is ``None``, not an empty contact."""
    assert api_client.deserialize(_Body('{"data": null}'), "ContactResponse").data is None
    assert api_client.deserialize(_Body("{}"), "ContactResponse").data is None


@pytest.mark.parametrize(
    ("body", "type_name", "expected"),
    [
        ('["a", 2]', "list[str]", ["a", "2"]),
        ('{"a": 1}', "dict(str, int)", {"a": 1}),
        ("5", "int", 5),
        ("2.5", "float", 2.5),
        ("true", "bool", True),
        ('{"x": [1]}', "object", {"x": [1]}),
        ('"2016-11-21"', "date", datetime.date(2016, 11, 21)),
        ('"2016-11-21T10:00:00"', "datetime", datetime.datetime(2016, 11, 21, 10)),
        ("not json", "str", "not json"),
        ('"a"', "list[str]", None),
        ("[1]", "dict(str, str)", None),
        ("null", "ContactResponse", None),
    ],
)
def test_deserialize_type_names(
    api_client: swagger_client.ApiClient, body: str, type_name: str, expected: Any
) -> None:
    """Containers, primitives, dates and ``object`` by their swagger type names; a
    container of the wrong shape gives ``None`` (the original crashed or split it)."""
    assert api_client.deserialize(_Body(body), type_name) == expected


def test_nan_is_accepted_as_json_was(api_client: swagger_client.ApiClient) -> None:
    """The original parsed with ``json``, which reads ``NaN``."""
    value = api_client.deserialize(_Body('{"n": NaN}'), "object")
    assert value["n"] != value["n"]


def test_unreadable_date_raises_api_exception(api_client: swagger_client.ApiClient) -> None:
    """As the original: status 0 and a reason naming the value."""
    with pytest.raises(ApiException) as caught:
        api_client.deserialize(_Body('"someday"'), "date")
    assert caught.value.status == 0
    assert "`someday`" in caught.value.reason


def test_body_that_is_not_utf8_does_not_crash(
    api: swagger_client.ContactApi, server: RecordingServer
) -> None:
    """Invalid UTF-8 is replaced; the body then is not JSON, so the fields are empty."""
    server.script(Reply.status_only(200, body=b"\xff\xfe"))
    result = api.contact_track_post("KEY", "T", "a@b.co", swagger_client.TrackRequest())
    assert result.to_dict() == {"status": None, "message": None}

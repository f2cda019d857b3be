"""The same bytes on the wire as the original client: every request of the vectors
file is rebuilt from its parts through ``ContactApi`` and compared byte for byte."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

import swagger_client
from tests._support.recording_server import RecordingServer, Reply
from tests._support.vectors import REFUSED_BY_THE_EMAIL_RULE
from tests.compat.conftest import VECTORS

_REQUESTS = VECTORS["requests"]


def _snake(key: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", key).lower()


def _replay(api: swagger_client.ContactApi, vector: dict[str, Any]) -> None:
    """Make the call the vector records, from its key, query and body."""
    target = vector["request_line"].split(" ")[1]
    query = dict(parse_qsl(urlsplit(target).query))
    api_key = dict(vector["headers"])["api_key"]
    # Keyword arguments in alphabetical order: the model, not the caller, must put the
    # JSON keys in the original's order.
    fields = {_snake(k): v for k, v in sorted(json.loads(vector["body"] or "{}").items())}
    if urlsplit(target).path.endswith("/identify"):
        api.contact_identify_post(
            api_key, query["team_id"], swagger_client.ContactRequest(**fields)
        )
    else:
        request = swagger_client.TrackRequest(**fields)
        api.contact_track_post(api_key, query["team_id"], query["email"], request)


@pytest.mark.parametrize("vector", _REQUESTS, ids=[v["case"] for v in _REQUESTS])
def test_request_bytes_equal_the_original_clients(
    api: swagger_client.ContactApi, server: RecordingServer, vector: dict[str, Any]
) -> None:
    """Request line, headers (names, values, order) and body are the original's; an
    address sendx's email rule refuses is refused before any I/O (a ``ValueError``)."""
    if vector["case"] in REFUSED_BY_THE_EMAIL_RULE:
        with pytest.raises(ValueError, match="a space in the local part"):
            _replay(api, vector)
        assert server.requests == []
        return
    server.script(Reply.json({"status": "200", "message": "OK", "data": "success"}))
    _replay(api, vector)
    [recorded] = server.requests
    expected_headers = [
        (name, value.replace("PORT", str(server.port))) for name, value in vector["headers"]
    ]
    assert recorded.request_line == vector["request_line"]
    assert recorded.headers == expected_headers
    assert recorded.body == vector["body"].encode("utf-8")
    head = "\r\n".join([vector["request_line"], *(f"{n}: {v}" for n, v in expected_headers)])
    assert recorded.raw == (head + "\r\n\r\n").encode("latin-1") + vector["body"].encode()


def test_documented_capture_of_the_contract(
    api: swagger_client.ContactApi, server: RecordingServer
) -> None:
    """The identify captured in the contract, built as users wrote it (attribute by
    attribute), gives its 142-byte body."""
    details = swagger_client.ContactRequest()
    details.custom_fields = {"Age": "29"}
    details.tags = ["Developer"]
    details.birthday = "1989-03-03"
    details.new_email = "n@x.io"
    details.email = "j@x.io"
    details.first_name = "John"
    api.contact_identify_post("KEY", "TEAM", details)
    [recorded] = server.requests
    assert recorded.body == (
        b'{"firstName": "John", "email": "j@x.io", "newEmail": "n@x.io", "birthday": '
        b'"1989-03-03", "tags": ["Developer"], "customFields": {"Age": "29"}}'
    )
    assert recorded.header("Content-Length") == "142"
    assert recorded.header("Authorization") is None


def test_user_agent_and_default_headers_follow_in_the_originals_order(
    api_client: swagger_client.ApiClient, server: RecordingServer
) -> None:
    """A changed ``user_agent`` replaces the value in place; headers added with
    ``set_default_header`` come after it, then the cookie."""
    api_client.user_agent = "my-app/2.0"
    api_client.set_default_header("X-Trace", "abc")
    api_client.cookie = "session=1"
    swagger_client.ContactApi(api_client).contact_identify_post(
        "KEY", "TEAM", swagger_client.ContactRequest(email="a@b.co")
    )
    names = [name for name, _ in server.requests[0].headers]
    assert names[3:] == ["api_key", "Accept", "Content-Type", "User-Agent", "X-Trace", "Cookie"]
    assert server.requests[0].header("User-Agent") == "my-app/2.0"
    assert server.requests[0].header("Cookie") == "session=1"


def test_header_given_to_the_constructor_comes_before_the_user_agent(
    server: RecordingServer,
) -> None:
    """``ApiClient(header_name=..., header_value=...)`` is a default header set before
    the User-Agent, so it is sent before it."""
    with swagger_client.ApiClient(server.url, "X-Tenant", "t1") as client:
        swagger_client.ContactApi(client).contact_identify_post(
            "KEY", "TEAM", swagger_client.ContactRequest(email="a@b.co")
        )
    headers = server.requests[0].headers
    assert headers[-2:] == [("X-Tenant", "t1"), ("User-Agent", "Swagger-Codegen/1.0.0/python")]


def test_dict_body_and_non_string_values_serialize_as_the_original(
    api: swagger_client.ContactApi, server: RecordingServer
) -> None:
    """A plain dict is sent in its own key order; numbers stay JSON numbers and an
    empty list is sent (only ``None`` is left out)."""
    api.contact_identify_post("KEY", "TEAM", {"email": "a@b.co", "customFields": {"Age": 29}})
    api.contact_track_post("KEY", "TEAM", "a@b.co", swagger_client.TrackRequest(add_tags=[]))
    assert server.requests[0].body == b'{"email": "a@b.co", "customFields": {"Age": 29}}'
    assert server.requests[1].body == b'{"addTags": []}'


def test_connection_is_reused(api: swagger_client.ContactApi, server: RecordingServer) -> None:
    """Sequential calls share one kept-alive connection."""
    for _ in range(3):
        api.contact_identify_post("KEY", "TEAM", swagger_client.ContactRequest(email="a@b.co"))
    assert {request.connection for request in server.requests} == {1}

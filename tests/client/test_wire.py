"""The exact requests both clients put on the wire: request line, headers, body bytes."""

from __future__ import annotations

import datetime
import json
import platform
import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from tests._support.recording_server import RecordedRequest, RecordingServer, Reply
from tests._support.vectors import REFUSED_BY_THE_EMAIL_RULE
from tests.client.conftest import KEY, TEAM, VECTORS, Driver

import sendx

USER_AGENT = f"sendx-python/{sendx.__version__} (python {platform.python_version()})"

TRACK_REPLY = Reply.json({"status": "200", "message": "OK", "data": "success"})


def fixed_headers(request: RecordedRequest, *, key: str = KEY) -> None:
    """Every request carries exactly these headers (Host and User-Agent checked apart)."""
    names = sorted(name for name, _ in request.headers)
    assert names == sorted(
        [
            "Host",
            "Content-Length",
            "api_key",
            "Accept",
            "Accept-Encoding",
            "Content-Type",
            "User-Agent",
        ]
    )
    headers = dict(request.headers)
    assert headers["api_key"] == key
    assert headers["Accept"] == "application/json"
    assert headers["Accept-Encoding"] == "identity"
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"] == USER_AGENT
    assert re.fullmatch(r"127\.0\.0\.1:\d+", headers["Host"])
    assert headers["Content-Length"] == str(len(request.body))
    assert request.header("authorization") is None


def test_identify_every_field_exact_bytes(server: RecordingServer, driver: Driver) -> None:
    """Every identify argument lands in the camelCase body, in the original key order,
    compact, with unset fields omitted; the query holds only team_id."""
    driver.identify(
        server.url,
        "john.doe@gmail.com",
        first_name="John",
        last_name="Doe",
        company="Acme",
        birthday=datetime.date(1989, 3, 3),
        new_email="john@doe.dev",
        tags=["Developer", "API Team"],
        custom_fields={"Designation": "Software Engineer", "Age": 27},
    )
    (request,) = server.requests
    assert request.request_line == "POST /api/v1/contact/identify?team_id=TEAM HTTP/1.1"
    fixed_headers(request)
    assert request.body == (
        b'{"firstName":"John","lastName":"Doe","email":"john.doe@gmail.com",'
        b'"newEmail":"john@doe.dev","company":"Acme","birthday":"1989-03-03",'
        b'"tags":["Developer","API Team"],'
        b'"customFields":{"Designation":"Software Engineer","Age":"27"}}'
    )


def test_identify_email_only_omits_everything_else(server: RecordingServer, driver: Driver) -> None:
    """No ``null`` is ever sent: an identify with only an email has only that key."""
    driver.identify(server.url, "a@b.co")
    (request,) = server.requests
    assert request.body == b'{"email":"a@b.co"}'
    fixed_headers(request)


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        ("29", "29"),
        ("++34", "++34"),
        (29, "29"),
        (-3, "-3"),
        (2.5, "2.5"),
        (2.0, "2"),
        (True, "true"),
        (False, "false"),
        (sendx.increment(5), "++5"),
        (sendx.increment(), "++1"),
        (sendx.decrement(10), "--10"),
        (sendx.increment(1.5), "++1.5"),
        (1e20, "100000000000000000000"),
        (1e-7, "0.0000001"),
        (sendx.increment(1e-7), "++0.0000001"),
        (sendx.decrement(2.0), "--2"),
        ("", ""),
    ],
)
def test_custom_field_values_on_the_wire(server: RecordingServer, value: Any, wire: str) -> None:
    """Each supported custom field type becomes the string SendX stores."""
    Driver("sync").identify(server.url, "a@b.co", custom_fields={"F": value})
    assert server.requests[0].json() == {"email": "a@b.co", "customFields": {"F": wire}}


def test_birthday_as_string_or_date_is_the_same(server: RecordingServer) -> None:
    """``birthday`` accepts a ``date`` or a ``YYYY-MM-DD`` string, with equal bytes."""
    Driver("sync").identify(server.url, "a@b.co", birthday="2016-02-29")
    Driver("sync").identify(server.url, "a@b.co", birthday=datetime.date(2016, 2, 29))
    first, second = server.requests
    assert first.body == second.body == b'{"email":"a@b.co","birthday":"2016-02-29"}'


EMAILS = [
    # (address, its form-encoded query value, its exact JSON string)
    ("j+1@x.io", "j%2B1%40x.io", b'"j+1@x.io"'),
    ("o'brien+1@x.io", "o%27brien%2B1%40x.io", b'"o\'brien+1@x.io"'),
    (
        "zo\u00eb@ex\u00e4mple.com",
        "zo%C3%AB%40ex%C3%A4mple.com",
        '"zo\u00eb@ex\u00e4mple.com"'.encode(),
    ),
    ("a&b=c/d?e#f@x.io", "a%26b%3Dc%2Fd%3Fe%23f%40x.io", b'"a&b=c/d?e#f@x.io"'),
]


@pytest.mark.parametrize(("email", "query", "json_text"), EMAILS)
def test_track_email_is_form_encoded_in_the_query(
    server: RecordingServer, driver: Driver, email: str, query: str, json_text: bytes
) -> None:
    """Track puts the email in the query, form-encoded (``@`` %40, ``+`` %2B, space +),
    after ``team_id``, and never in the body."""
    server.default = TRACK_REPLY
    driver.track(server.url, email, add_tags=["paid user"])
    (request,) = server.requests
    assert request.request_line == f"POST /api/v1/contact/track?team_id=TEAM&email={query} HTTP/1.1"
    assert request.query_params == [("team_id", "TEAM"), ("email", email)]
    assert request.body == b'{"addTags":["paid user"]}'
    fixed_headers(request)


@pytest.mark.parametrize(("email", "query", "json_text"), EMAILS)
def test_identify_email_is_in_the_body(
    server: RecordingServer, driver: Driver, email: str, query: str, json_text: bytes
) -> None:
    """Identify sends the email as UTF-8 JSON in the body, the query holds only team_id."""
    driver.identify(server.url, email, new_email=email)
    (request,) = server.requests
    assert request.request_line == "POST /api/v1/contact/identify?team_id=TEAM HTTP/1.1"
    assert request.body == b'{"email":' + json_text + b',"newEmail":' + json_text + b"}"
    assert request.json() == {"email": email, "newEmail": email}


def test_empty_track_sends_no_body(server: RecordingServer, driver: Driver) -> None:
    """An empty track has no body, ``Content-Length: 0`` and still a JSON content type."""
    server.default = TRACK_REPLY
    driver.track(server.url, "john.doe@gmail.com")
    driver.track(server.url, "john.doe@gmail.com", add_tags=[], remove_tags=())
    driver.track(server.url, "john.doe@gmail.com", add_tags=None, remove_tags=None)
    assert len(server.requests) == 3
    for request in server.requests:
        assert request.body == b""
        assert request.header("Content-Length") == "0"
        assert request.header("Content-Type") == "application/json"
        assert request.raw.endswith(b"\r\n\r\n")
        fixed_headers(request)


def test_track_add_and_remove(server: RecordingServer, driver: Driver) -> None:
    """``add_tags`` and ``remove_tags`` become ``addTags`` and ``removeTags``, any iterable."""
    server.default = TRACK_REPLY
    assert driver.track(server.url, "a@b.co", add_tags=("x", "y"), remove_tags=iter(["z"])) is None
    driver.track(server.url, "a@b.co", remove_tags=["trial user"])
    first, second = server.requests
    assert first.body == b'{"addTags":["x","y"],"removeTags":["z"]}'
    assert second.body == b'{"removeTags":["trial user"]}'


def test_extra_headers_are_sent(server: RecordingServer, driver: Driver) -> None:
    """``headers=`` adds headers to every request."""
    driver.identify(server.url, "a@b.co", client={"headers": {"X-Trace": "abc"}})
    assert server.requests[0].header("X-Trace") == "abc"


def test_base_url_path_prefix_and_trailing_slash(server: RecordingServer, driver: Driver) -> None:
    """The base URL's path prefixes every call; a trailing slash does not double up."""
    driver.identify(f"http://127.0.0.1:{server.port}/custom/prefix/", "a@b.co")
    assert server.requests[0].path == "/custom/prefix/contact/identify"


# -- the original client's captured requests ----------


def _snake(name: str) -> str:
    return re.sub(r"[A-Z]", lambda m: "_" + m.group().lower(), name)


def _replay(server: RecordingServer, driver: Driver, vector: dict[str, Any]) -> RecordedRequest:
    """Make the call the vector's request came from, with our client."""
    target = vector["request_line"].split(" ")[1]
    parts = urlsplit(target)
    query = dict(parse_qsl(parts.query))
    key = dict(vector["headers"])["api_key"]
    body = json.loads(vector["body"]) if vector["body"] else {}
    kwargs = {_snake(name): value for name, value in body.items()}
    options = {"team_id": query["team_id"], "api_key": key}
    if parts.path.endswith("/identify"):
        driver.call(server.url, "identify", kwargs.pop("email"), client=options, **kwargs)
    else:
        driver.call(server.url, "track", query["email"], client=options, **kwargs)
    (request,) = server.requests
    return request


@pytest.mark.parametrize("vector", VECTORS["requests"], ids=lambda v: v["case"])
def test_reproduces_the_original_clients_requests(
    server: RecordingServer, driver: Driver, vector: dict[str, Any]
) -> None:
    """Request line and query exactly as the original client sent them; the same headers
    and values except User-Agent (ours) and Content-Length (our JSON is compact); the
    same JSON, keys in the same order. An address the email rule refuses is refused
    before any I/O."""
    if vector["case"] in REFUSED_BY_THE_EMAIL_RULE:
        with pytest.raises(sendx.InvalidRequestError, match="a space in the local part"):
            _replay(server, driver, vector)
        assert server.requests == []
        return
    if "/track" in vector["request_line"]:
        server.default = TRACK_REPLY
    request = _replay(server, driver, vector)
    assert request.request_line == vector["request_line"]
    expected = {
        name: value for name, value in vector["headers"] if name not in ("Host", "User-Agent")
    }
    got = {name: value for name, value in request.headers if name not in ("Host", "User-Agent")}
    expected["Content-Length"] = str(len(request.body))
    assert got == expected
    assert request.header("User-Agent") == USER_AGENT
    if vector["body"]:
        original, ours = json.loads(vector["body"]), request.json()
        assert ours == original
        assert list(ours) == list(original)
    else:
        assert request.body == b""


def test_increment_helper_matches_the_raw_string(server: RecordingServer) -> None:
    """``sendx.increment(1)`` puts the same ``++1`` on the wire as the raw string."""
    Driver("sync").identify(server.url, "a@b.co", custom_fields={"Visits": sendx.increment(1)})
    Driver("sync").identify(server.url, "a@b.co", custom_fields={"Visits": "++1"})
    assert server.requests[0].body == server.requests[1].body


def test_keep_alive_reuses_one_connection(server: RecordingServer) -> None:
    """Sequential calls of one client share one pooled connection."""
    with sendx.SendX(KEY, TEAM, base_url=server.url) as client:
        for _ in range(3):
            client.contacts.identify("a@b.co")
    assert {r.connection for r in server.requests} == {1}

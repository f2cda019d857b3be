"""``ApiException``: statuses outside 200-205, transport failures, timeouts."""

from __future__ import annotations

import pickle
import time

import pytest
import urllib3

import swagger_client
from swagger_client import ContactRequest, TrackRequest
from swagger_client.rest import ApiException, request_timeout
from tests._support.recording_server import RecordingServer, Reply, free_port

_ERROR_BODY = b'{"status": "401", "message": "The Team ID or API Key specified is not valid"}'


def _identify(api: swagger_client.ContactApi, **kwargs: object) -> object:
    return api.contact_identify_post("SECRET-KEY", "T", ContactRequest(email="a@b.co"), **kwargs)


def test_non_2xx_raises_with_status_reason_body_headers(
    api: swagger_client.ContactApi, server: RecordingServer
) -> None:
    """The exception carries the answer; ``str()`` has the original's layout."""
    server.script(Reply.status_only(401, [("Content-Type", "application/json")], _ERROR_BODY))
    with pytest.raises(ApiException) as caught:
        _identify(api)
    error = caught.value
    assert (error.status, error.reason) == (401, "Unauthorized")
    assert error.body == _ERROR_BODY.decode()
    assert error.headers["Content-Type"] == "application/json"
    assert str(error) == (
        "(401)\nReason: Unauthorized\n"
        f"HTTP response headers: {error.headers}\n"
        f"HTTP response body: {_ERROR_BODY.decode()}\n"
    )
    assert "SECRET-KEY" not in str(error)


def test_str_without_headers_or_body() -> None:
    """Only the first two lines when there are no headers and no body."""
    assert str(ApiException(status=0, reason="boom")) == "(0)\nReason: boom\n"
    assert str(ApiException()) == "(None)\nReason: None\n"
    assert ApiException().body is None
    assert ApiException().headers is None


@pytest.mark.parametrize("status", [200, 201, 202, 203, 204, 205])
def test_200_to_205_are_success(
    api: swagger_client.ContactApi, server: RecordingServer, status: int
) -> None:
    """The original's range of success."""
    server.script(Reply.status_only(status))
    result = api.contact_track_post("K", "T", "a@b.co", TrackRequest())
    assert isinstance(result, swagger_client.TrackResponse)


@pytest.mark.parametrize("status", [206, 302, 400, 404, 409, 429, 500, 503])
def test_other_statuses_raise_and_are_not_retried(
    api: swagger_client.ContactApi, server: RecordingServer, status: int
) -> None:
    """Anything else raises at once: no retry, no redirect followed."""
    server.script(
        Reply.status_only(status, [("Location", "http://127.0.0.1:9/"), ("Retry-After", "0")])
    )
    with pytest.raises(ApiException) as caught:
        _identify(api)
    assert caught.value.status == status
    assert len(server.requests) == 1


def test_error_with_unread_response_gives_bytes(
    api: swagger_client.ContactApi, server: RecordingServer
) -> None:
    """With ``_preload_content=False`` the body stays bytes, as in the original."""
    server.script(Reply.status_only(500, body=b"oops"))
    with pytest.raises(ApiException) as caught:
        _identify(api, _preload_content=False)
    assert caught.value.body == b"oops"
    _identify(api)  # the connection went back to the pool in a usable state


def test_exception_survives_pickle(api: swagger_client.ContactApi, server: RecordingServer) -> None:
    """Status, reason, body and headers cross a process boundary."""
    server.script(Reply.status_only(404, body=b"{}"))
    with pytest.raises(ApiException) as caught:
        _identify(api)
    copy = pickle.loads(pickle.dumps(caught.value))  # noqa: S301 - our own bytes
    assert (copy.status, copy.reason, copy.body) == (404, "Not Found", "{}")
    assert copy.headers == caught.value.headers
    assert str(copy) == str(caught.value)


def test_connection_refused_is_api_exception_status_0() -> None:
    """No server: status 0, a reason saying what failed, after the attempts urllib3's
    default would have made; nothing of the request in the text."""
    port = free_port()
    with swagger_client.ApiClient(host=f"http://127.0.0.1:{port}/api/v1") as client:
        api = swagger_client.ContactApi(client)
        with pytest.raises(ApiException) as caught:
            api.contact_track_post("SECRET-KEY", "T", "person@example.com", TrackRequest())
    text = str(caught.value)
    assert caught.value.status == 0
    assert text.startswith("(0)\nReason: connect failed")
    assert "after 4 attempt(s)" in text
    assert "SECRET-KEY" not in text
    assert "person" not in text


def test_connection_dropped_after_sending_is_not_retried(
    api: swagger_client.ContactApi, server: RecordingServer
) -> None:
    """The server may have applied it: one attempt, then status 0."""
    server.script(Reply.close())
    with pytest.raises(ApiException) as caught:
        _identify(api)
    assert caught.value.status == 0
    assert "disconnected" in caught.value.reason
    assert len(server.requests) == 1


@pytest.mark.parametrize("timeout", [0.3, (2, 0.3), 1])
def test_request_timeout_number_or_pair(
    api: swagger_client.ContactApi, server: RecordingServer, timeout: object
) -> None:
    """A number bounds the whole request, a pair the connect and the read."""
    server.script(Reply.hang())
    began = time.monotonic()
    with pytest.raises(ApiException) as caught:
        _identify(api, _request_timeout=timeout)
    assert caught.value.status == 0
    assert "read timeout" in caught.value.reason
    assert time.monotonic() - began < 5
    assert len(server.requests) == 1


def test_request_timeout_values() -> None:
    """The mapping to urllib3: total for a number, connect/read for a pair, and the
    default (5 s connect, 30 s read) for nothing, zero or an unusable value."""
    assert request_timeout(7).total == 7
    assert request_timeout(2.5).total == 2.5
    pair = request_timeout((1, 4))
    assert (pair.connect_timeout, pair.read_timeout) == (1, 4)
    unlimited = request_timeout((None, None))
    assert (unlimited.connect_timeout, unlimited.read_timeout) == (None, None)
    for value in (None, 0, False, "3", [1, 2], (1, 2, 3)):
        default = request_timeout(value)
        assert (default.connect_timeout, default.read_timeout) == (5.0, 30.0)
    assert isinstance(default, urllib3.Timeout)

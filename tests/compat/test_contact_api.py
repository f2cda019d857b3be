"""``ContactApi``: both methods, ``_with_http_info``, the kwargs and their checks."""

from __future__ import annotations

import threading
from typing import Any

import pytest

import swagger_client
from swagger_client import ContactRequest, TrackRequest
from tests._support.recording_server import RecordingServer, Reply

_TRACK_OK = Reply.json({"status": "200", "message": "OK", "data": "success"})


def _identify(api: swagger_client.ContactApi, **kwargs: Any) -> Any:
    return api.contact_identify_post("KEY", "TEAM", ContactRequest(email="a@b.co"), **kwargs)


def test_identify_returns_the_merged_contact(api: swagger_client.ContactApi) -> None:
    """A ``ContactResponse`` with the contact of the answer."""
    result = _identify(api)
    assert isinstance(result, swagger_client.ContactResponse)
    assert (result.status, result.message) == ("200", "OK")
    assert result.data.email == "john.doe@gmail.com"
    assert result.data.custom_fields == {"Age": "29", "Designation": "Software Engineer"}


def test_track_returns_a_track_response(
    api: swagger_client.ContactApi, server: RecordingServer
) -> None:
    """A ``TrackResponse`` with status and message."""
    server.script(_TRACK_OK)
    result = api.contact_track_post("KEY", "TEAM", "a@b.co", TrackRequest(add_tags=["x"]))
    assert isinstance(result, swagger_client.TrackResponse)
    assert result.to_dict() == {"status": "200", "message": "OK"}


def test_with_http_info_returns_data_status_headers(
    api: swagger_client.ContactApi, server: RecordingServer
) -> None:
    """``(data, status, headers)``; headers are case-insensitive."""
    data, status, headers = api.contact_identify_post_with_http_info(
        "KEY", "TEAM", ContactRequest(email="a@b.co")
    )
    assert isinstance(data, swagger_client.ContactResponse)
    assert status == 200
    assert headers["content-type"] == "application/json"
    server.script(Reply.json({"status": "200", "message": "OK"}, status=201))
    data, status, _ = api.contact_track_post_with_http_info("K", "T", "a@b.co", TrackRequest())
    assert (data.status, status) == ("200", 201)


def test_return_http_data_only(api: swagger_client.ContactApi) -> None:
    """``_return_http_data_only=True`` on the ``_with_http_info`` variant gives only
    the data; the plain method always does, whatever the caller passes."""
    data = api.contact_identify_post_with_http_info(
        "KEY", "TEAM", ContactRequest(email="a@b.co"), _return_http_data_only=True
    )
    assert isinstance(data, swagger_client.ContactResponse)
    assert isinstance(_identify(api, _return_http_data_only=False), swagger_client.ContactResponse)


def test_callback_runs_on_a_thread_and_receives_the_result(
    api: swagger_client.ContactApi,
) -> None:
    """The call returns the started thread; the callback gets the result there."""
    received: list[tuple[Any, str]] = []

    def callback(result: Any) -> None:
        received.append((result, threading.current_thread().name))

    thread = _identify(api, callback=callback)
    assert isinstance(thread, threading.Thread)
    thread.join(timeout=10)
    assert not thread.is_alive()
    [(result, name)] = received
    assert isinstance(result, swagger_client.ContactResponse)
    assert name == thread.name != threading.current_thread().name


def test_callback_of_with_http_info_receives_the_tuple(
    api: swagger_client.ContactApi, server: RecordingServer
) -> None:
    """With ``_with_http_info`` the callback receives ``(data, status, headers)``."""
    server.script(_TRACK_OK)
    received: list[Any] = []
    thread = api.contact_track_post_with_http_info(
        "K", "T", "a@b.co", TrackRequest(), callback=received.append
    )
    thread.join(timeout=10)
    [(data, status, headers)] = received
    assert (data.status, status, headers["Content-Type"]) == ("200", 200, "application/json")


def test_preload_content_false_returns_the_raw_response(
    api: swagger_client.ContactApi, api_client: swagger_client.ApiClient
) -> None:
    """urllib3's unread response: status, reason, headers, then the body bytes."""
    raw = _identify(api, _preload_content=False)
    assert (raw.status, raw.reason) == (200, "OK")
    assert raw.getheader("Content-Type") == "application/json"
    assert raw.getheaders()["content-type"] == "application/json"
    assert raw.data.startswith(b'{"status": "200"')
    assert api_client.last_response is raw
    data, status, _ = api.contact_identify_post_with_http_info(
        "KEY", "TEAM", ContactRequest(email="a@b.co"), _preload_content=False
    )
    assert status == 200
    assert data.read().startswith(b"{")


def test_last_response_is_the_rest_response(
    api: swagger_client.ContactApi, api_client: swagger_client.ApiClient
) -> None:
    """``last_response`` is a ``RESTResponse`` with the text of the body."""
    _identify(api)
    response = api_client.last_response
    assert isinstance(response, swagger_client.rest.RESTResponse)
    assert response.status == 200
    assert response.data.startswith('{"status": "200"')
    assert response.getheader("content-type") == "application/json"
    assert response.getheader("X-Missing", "none") == "none"


@pytest.mark.parametrize(
    ("method", "args"),
    [
        ("contact_identify_post", ("K", "T", ContactRequest(email="a@b.co"))),
        ("contact_identify_post_with_http_info", ("K", "T", ContactRequest(email="a@b.co"))),
        ("contact_track_post", ("K", "T", "a@b.co", TrackRequest())),
        ("contact_track_post_with_http_info", ("K", "T", "a@b.co", TrackRequest())),
    ],
)
def test_unexpected_keyword_raises_type_error_before_io(
    api: swagger_client.ContactApi, server: RecordingServer, method: str, args: tuple[Any, ...]
) -> None:
    """The original's message, naming the keyword and the method; nothing is sent."""
    name = method.removesuffix("_with_http_info")
    with pytest.raises(
        TypeError, match=rf"^Got an unexpected keyword argument 'timeout' to method {name}$"
    ):
        getattr(api, method)(*args, timeout=3)
    assert server.requests == []


_IDENTIFY_ARGS = {"api_key": "K", "team_id": "T", "contact_details": ContactRequest(email="a@b.co")}
_TRACK_ARGS = {"api_key": "K", "team_id": "T", "email": "a@b.co", "track_details": TrackRequest()}
_MISSING = [("contact_identify_post", _IDENTIFY_ARGS, name) for name in _IDENTIFY_ARGS]
_MISSING += [("contact_track_post", _TRACK_ARGS, name) for name in _TRACK_ARGS]


@pytest.mark.parametrize(("method", "arguments", "missing"), _MISSING)
def test_required_argument_none_raises_value_error_before_io(
    api: swagger_client.ContactApi,
    server: RecordingServer,
    method: str,
    arguments: dict[str, Any],
    missing: str,
) -> None:
    """``ValueError`` with the original's message; no request reaches the server."""
    values = {**arguments, missing: None}
    with pytest.raises(
        ValueError, match=rf"^Missing the required parameter `{missing}` when calling `{method}`$"
    ):
        getattr(api, method)(**values)
    with pytest.raises(ValueError, match=missing):
        getattr(api, f"{method}_with_http_info")(**values)
    assert server.requests == []


def test_default_api_client_comes_from_the_configuration(
    server: RecordingServer, clean_configuration: swagger_client.Configuration
) -> None:
    """``ContactApi()`` makes one ``ApiClient`` from ``Configuration()`` and shares it."""
    clean_configuration.host = server.url
    first, second = swagger_client.ContactApi(), swagger_client.ContactApi()
    assert first.api_client is second.api_client is clean_configuration.api_client
    assert first.api_client.host == server.url
    _identify(first)
    assert len(server.requests) == 1


def test_host_is_read_when_the_client_is_built(
    server: RecordingServer, clean_configuration: swagger_client.Configuration
) -> None:
    """Changing ``Configuration().host`` later does not move an existing client, as
    in the original; assigning ``api_client.host`` does."""
    clean_configuration.host = "http://127.0.0.1:9/api/v1"
    with swagger_client.ApiClient() as client:
        clean_configuration.host = "http://elsewhere.invalid/api/v1"
        assert client.host == "http://127.0.0.1:9/api/v1"
        client.host = server.url
        _identify(swagger_client.ContactApi(client))
    assert len(server.requests) == 1


def test_callback_thread_failure_goes_to_the_thread_not_the_callback(
    api: swagger_client.ContactApi, server: RecordingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As in the original, an error ends the thread (``threading.excepthook`` sees the
    ``ApiException``) and the callback is not called."""
    failures: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: failures.append(args.exc_value))
    server.script(Reply.status_only(500))
    called: list[Any] = []
    thread = _identify(api, callback=called.append)
    thread.join(timeout=10)
    assert called == []
    [failure] = failures
    assert isinstance(failure, swagger_client.rest.ApiException)
    assert failure.status == 500


@pytest.mark.parametrize("address", ['"a b"@x.io', "a@@x.io", "x@x..io", "x@.x.io"])
def test_an_address_no_mail_server_takes_is_refused_before_any_io(
    api: swagger_client.ContactApi, server: RecordingServer, address: str
) -> None:
    """sendx's one email rule holds here too, as a ``ValueError`` (``InvalidRequestError``)
    saying what is wrong; nothing is sent."""
    with pytest.raises(ValueError, match="is not an email address"):
        api.contact_identify_post("KEY", "TEAM", swagger_client.ContactRequest(email=address))
    with pytest.raises(ValueError, match="is not an email address"):
        api.contact_track_post("KEY", "TEAM", address, swagger_client.TrackRequest())
    assert server.requests == []

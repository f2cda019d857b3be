"""Hostile answers through the drop-in: a cut header block, a dripping server, JSON
nested past decoding, a proxy's page; and no email or key in the HTTP library's logs.
Where the original crashed or hung, ``ApiException(status=0)``; where it returned a
model, the same model."""

from __future__ import annotations

import logging
import time

import pytest

import swagger_client
from swagger_client.rest import ApiException
from tests._support.recording_server import RecordingServer, Reply

EMAIL = "private.person@example.com"
DEEP = b"[" * 100_000 + b"]" * 100_000


def _identify(api: swagger_client.ContactApi, **kwargs: object) -> object:
    return api.contact_identify_post(
        "SECRET-KEY", "T", swagger_client.ContactRequest(email=EMAIL), **kwargs
    )


def test_deep_json_is_an_api_exception_not_a_recursion_error(
    api: swagger_client.ContactApi, server: RecordingServer
) -> None:
    """The original's json.loads raised a bare RecursionError; the replacement raises
    ApiException(status=0), as the original did for a date it could not parse."""
    server.script(Reply(status=200, body=b'{"status": "200", "data": ' + DEEP + b"}"))
    with pytest.raises(ApiException) as caught:
        _identify(api)
    assert caught.value.status == 0
    assert caught.value.reason.startswith("Failed to parse the answer: JSON nested too deeply")


class _Body:
    def __init__(self, data: str) -> None:
        self.data = data


@pytest.mark.parametrize(
    "text",
    ['{"data": ' + DEEP.decode() + "}", DEEP.decode()],
    ids=["in an object", "at the top"],
)
def test_deserialize_refuses_deep_json_too(api_client: swagger_client.ApiClient, text: str) -> None:
    with pytest.raises(ApiException, match="nested too deeply"):
        api_client.deserialize(_Body(text), "ContactResponse")


def test_a_cut_header_block_is_a_dropped_connection(
    api: swagger_client.ContactApi, server: RecordingServer
) -> None:
    """http.client took the cut block for a whole one (an answer with empty fields);
    now it is status 0, "disconnected", and not sent again."""
    server.script(Reply.raw(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConte"))
    with pytest.raises(ApiException) as caught:
        _identify(api)
    assert caught.value.status == 0
    assert "disconnected" in caught.value.reason
    assert "header block" in caught.value.reason
    assert len(server.requests) == 1


def test_a_number_request_timeout_cuts_off_a_dripping_server(
    api: swagger_client.ContactApi, server: RecordingServer
) -> None:
    """``_request_timeout=1`` is the total, as documented: a server sending a byte of
    its head every 0.05 s (never 1 s apart) is cut off then."""
    server.script(Reply.raw(b"HTTP/1.1 200 OK\r\nX-Pad: " + b"a" * 60_000, interval=0.05))
    began = time.monotonic()
    with pytest.raises(ApiException) as caught:
        _identify(api, _request_timeout=1)
    assert caught.value.status == 0
    assert "read timeout" in caught.value.reason
    assert time.monotonic() - began < 10  # the drip would last 50 minutes


def test_a_proxy_page_still_decodes_as_the_original_decoded_it(
    api: swagger_client.ContactApi, server: RecordingServer
) -> None:
    """Unlike sendx, the drop-in keeps the original's reading of a 2xx that is not
    JSON: a model with empty fields."""
    server.script(Reply(status=200, headers=(("Content-Type", "text/html"),), body=b"<html>"))
    result = _identify(api)
    assert isinstance(result, swagger_client.ContactResponse)
    assert result.to_dict() == {"status": None, "message": None, "data": None}


def test_debug_logs_hold_no_email_or_key(
    api: swagger_client.ContactApi,
    server: RecordingServer,
    clean_configuration: swagger_client.Configuration,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """``Configuration().debug`` switches urllib3's logger to DEBUG: its request lines
    come without their query string (a track's holds the contact's email)."""
    clean_configuration.debug = True
    server.script(Reply.json({"status": "200", "message": "OK", "data": "success"}))
    with caplog.at_level(logging.DEBUG):  # debug = True set urllib3's logger to DEBUG
        api.contact_track_post("SECRET-KEY", "T", EMAIL, swagger_client.TrackRequest())
    assert server.requests[0].query_params == [("team_id", "T"), ("email", EMAIL)]
    assert any("contact/track?..." in record.getMessage() for record in caplog.records)
    for record in caplog.records:
        text = logging.Formatter().format(record)
        assert "private.person" not in text
        assert "SECRET-KEY" not in text

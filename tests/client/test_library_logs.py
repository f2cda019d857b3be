"""No email address and no API key in any log record, the HTTP libraries' included:
urllib3 logs request lines with their query string (a track's holds the email)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import pytest
from tests._support.recording_server import RecordingServer, Reply
from tests.client.conftest import KEY, TEAM, Driver

import sendx
from sendx._redact import redact

EMAIL = "private.person@example.com"
SECRETS = (EMAIL, "private.person%40example.com", "private.person", KEY)


@contextlib.contextmanager
def _debug(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Every record at DEBUG and up, whatever levels earlier tests left on the
    libraries' loggers (swagger_client's ``debug = False`` sets urllib3's to WARNING)."""
    with (
        caplog.at_level(logging.DEBUG),
        caplog.at_level(logging.DEBUG, logger="urllib3"),
        caplog.at_level(logging.DEBUG, logger="aiohttp"),
    ):
        yield


def _texts(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Each record as a handler would print it: message and traceback."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return [formatter.format(record) for record in caplog.records]


def _assert_clean(caplog: pytest.LogCaptureFixture) -> None:
    for text in _texts(caplog):
        for secret in SECRETS:
            assert secret not in text


def test_no_record_holds_the_email_or_the_key(
    server: RecordingServer, driver: Driver, caplog: pytest.LogCaptureFixture
) -> None:
    """At DEBUG, over a real socket: urllib3 still logs each request line, without
    its query string."""
    server.script(Reply(status=503), Reply.json({"status": "200", "data": "success"}))
    with _debug(caplog):
        driver.track(server.url, EMAIL, add_tags=["x"], client={"headers": {"X-Trace": EMAIL}})
    assert server.requests[0].query_params[1] == ("email", EMAIL)  # it did travel
    _assert_clean(caplog)
    if driver.kind == "sync":
        lines = [t for t in _texts(caplog) if t.startswith("urllib3.connectionpool DEBUG http")]
        assert len(lines) == 2
        assert '"POST /api/v1/contact/track?... HTTP/1.1" 503' in lines[0]


def test_urllib3s_header_warning_loses_the_url_query(
    server: RecordingServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A header block with a broken line makes urllib3 warn "Failed to parse headers
    (url=...)" with the whole URL: the warning stays, the query goes."""
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nno colon here\r\n\r\n"
    server.default = Reply.raw(head + b"{}")
    with _debug(caplog), sendx.SendX(KEY, TEAM, base_url=server.url) as client:
        client.contacts.track(EMAIL, add_tags=["x"])
    warnings = [t for t in _texts(caplog) if "Failed to parse headers" in t]
    assert len(warnings) == 1
    assert "/api/v1/contact/track?..." in warnings[0]
    _assert_clean(caplog)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '127.0.0.1:80 "POST /v1/contact/track?team_id=T&email=a%40b.co HTTP/1.1" 200',
            '127.0.0.1:80 "POST /v1/contact/track?... HTTP/1.1" 200',
        ),
        ("(url=http://h:1/p?email=a%40b.co): defect", "(url=http://h:1/p?...): defect"),
        ("Retrying after x@y.io failed", "Retrying after ...@... failed"),
        ("nothing to hide here: 3 (of 4)?", "nothing to hide here: 3 (of 4)?"),
    ],
)
def test_redact(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_a_redacted_traceback_replaces_the_exception(caplog: pytest.LogCaptureFixture) -> None:
    """A record whose traceback holds a query keeps the text, redacted, and drops the
    exception objects (which would print it again)."""
    sendx.SendX(KEY, TEAM).close()  # the first client puts the filter on urllib3's loggers
    logger = logging.getLogger("urllib3.connectionpool")
    try:
        raise ValueError("GET /x?email=a%40b.co failed")
    except ValueError:
        with _debug(caplog):
            logger.debug("request to %s", "/x?email=a%40b.co", exc_info=True)
    [record] = caplog.records
    assert record.exc_info is None
    assert record.exc_text is not None
    assert "ValueError: GET /x?... failed" in record.exc_text
    assert "a%40b.co" not in logging.Formatter().format(record)

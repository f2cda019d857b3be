"""The access log: one line per request, with no query value and no body."""

from __future__ import annotations

import io
import logging
import re
import threading
import uuid
from collections.abc import Iterator

import pytest
import urllib3
from tests._support.polling import wait_for
from tests.emulator._helpers import KEY, TEAM, Api, raw_exchange

from sendx.emulator import Emulator
from sendx.emulator.http.access_log import LOGGER_NAME, printed_on

LINE = re.compile(r"(?P<method>[A-Z]+) (?P<path>\S+) (?P<status>\d{3}|-) \d+\.\dms")


@pytest.fixture(scope="module")
def logged() -> Iterator[Emulator]:
    with Emulator(access_log=True) as emu:
        yield emu


def _mark(emu: Emulator) -> str:
    """A request whose line marks where a test's lines begin: lines are written by
    the log's thread a little after their answers, so the ones of requests made
    before may still come."""
    path = f"/mark-{uuid.uuid4().hex}"
    assert raw_exchange(emu.port, f"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
    return f"GET {path} 404 "


def _lines(caplog: pytest.LogCaptureFixture, mark: str, count: int) -> list[str]:
    """The ``count`` lines after the mark, once they are written."""

    def lines() -> list[str]:
        found = [r.getMessage() for r in caplog.records if r.name == LOGGER_NAME]
        starts = [i for i, line in enumerate(found) if line.startswith(mark)]
        return found[starts[0] + 1 :] if starts else []

    wait_for(lambda: len(lines()) >= count)
    found = lines()
    for line in found:
        assert LINE.fullmatch(line), line
    return found


def _parts(lines: list[str]) -> list[tuple[str, str, str]]:
    found = []
    for line in lines:
        match = LINE.fullmatch(line)
        assert match is not None
        found.append((match["method"], match["path"], match["status"]))
    return found


def test_one_line_per_request_without_query_or_body(
    logged: Emulator, http: urllib3.PoolManager, caplog: pytest.LogCaptureFixture
) -> None:
    """Method, path, status and milliseconds for the API and the control plane; the
    query (with its email) and the bodies never appear."""
    api = Api(http, logged)
    with caplog.at_level(logging.INFO, logger=LOGGER_NAME):
        mark = _mark(logged)
        assert api.identify({"email": "ada@example.com", "firstName": "Ada"}).status == 200
        assert api.track("nobody@example.com", {"addTags": ["t"]}).status == 404
        assert api.control("GET", "/contacts", team_id=TEAM, email="ada@example.com")[0] == 200
        assert api.control("POST", "/reset", team_id=TEAM)[0] == 200
        lines = _lines(caplog, mark, 4)
    assert _parts(lines) == [
        ("POST", "/api/v1/contact/identify", "200"),
        ("POST", "/api/v1/contact/track", "404"),
        ("GET", "/_emulator/contacts", "200"),
        ("POST", "/_emulator/reset", "200"),
    ]
    text = "\n".join(lines)
    for secret in ("example.com", "Ada", TEAM, KEY, "?"):
        assert secret not in text


def test_refusals_and_drops_are_logged(
    logged: Emulator, http: urllib3.PoolManager, caplog: pytest.LogCaptureFixture
) -> None:
    """A Host refused is a 403 line; a dropped connection (a ``drop`` fault) has no
    status: ``-``; a path is shown as sent, escapes kept on one line."""
    api = Api(http, logged)
    fault = {"path": "/api/v1/contact/identify", "drop": "before", "times": 1}
    assert api.control("PUT", "/faults", {"faults": [fault]})[0] == 200
    with caplog.at_level(logging.INFO, logger=LOGGER_NAME):
        mark = _mark(logged)
        with pytest.raises(urllib3.exceptions.ProtocolError):
            api.identify({"email": "a@x.io"})
        assert (
            raw_exchange(logged.port, b"GET /x%0Ay HTTP/1.1\r\nHost: x.example\r\n\r\n").status
            == 403
        )
        lines = _lines(caplog, mark, 2)
    assert _parts(lines) == [
        ("POST", "/api/v1/contact/identify", "-"),
        ("GET", "/x%0Ay", "403"),
    ]


def test_off_by_default(emu: Emulator, api: Api, caplog: pytest.LogCaptureFixture) -> None:
    """``Emulator()`` (and so the testing kit) logs nothing per request."""
    with caplog.at_level(logging.DEBUG):
        assert api.identify({"email": "a@x.io"}).status == 200
    assert [r for r in caplog.records if r.name == LOGGER_NAME] == []


def test_access_log_must_be_a_bool() -> None:
    with pytest.raises(TypeError, match="access_log must be True or False"):
        Emulator(access_log="yes")  # type: ignore[arg-type]


class _Stuck(io.TextIOBase):
    """A stream whose writes wait until released: a pipe nobody reads."""

    def __init__(self) -> None:
        self.release = threading.Event()

    def write(self, text: str) -> int:
        self.release.wait()
        return len(text)


def test_a_stream_that_does_not_keep_up_never_holds_up_the_server(
    http: urllib3.PoolManager,
) -> None:
    """With the lines going to a stream that blocks, requests are still answered
    and the emulator still stops."""
    stuck = _Stuck()
    try:
        with printed_on(stuck), Emulator(access_log=True) as emu:
            api = Api(http, emu)
            for n in range(20):
                assert api.identify({"email": f"a{n}@x.io"}).status == 200
    finally:
        stuck.release.set()

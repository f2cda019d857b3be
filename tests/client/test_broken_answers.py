"""Answers that are not whole, or not SendX's: a header block cut short, a 2xx that
is not the API's JSON (a proxy's page), JSON nested past decoding. Each raises a
SendXError, in both clients, and the outbox keeps the call instead of deleting it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests._support.recording_server import RecordingServer, Reply
from tests.client.conftest import FAST_RETRY, KEY, TEAM, Driver

import sendx

HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"

#: Header blocks that end before their empty line, each followed by the end of the
#: connection. http.client takes every one of them for a whole block.
CUT_HEADS = [
    pytest.param(b"HTTP/1.1 200 OK\r\n", id="after the status line"),
    pytest.param(HEAD + b"Conte", id="inside a header name"),
    pytest.param(HEAD + b"Content-Length: 1", id="inside a header value"),
    pytest.param(HEAD, id="after a header line"),
    pytest.param(HEAD + b"\r", id="inside the empty line"),
]

#: JSON nested far past what msgspec (or json) decodes: 100,000 arrays deep.
DEEP = b"[" * 100_000 + b"]" * 100_000


def deep_object(key: str = "data") -> bytes:
    return b'{"status": "200", "%s": ' % key.encode() + DEEP + b"}"


INCREMENT = {"custom_fields": {"Visits": sendx.increment()}}


@pytest.mark.parametrize("head", CUT_HEADS)
def test_a_header_block_cut_short_is_a_broken_connection(
    server: RecordingServer, driver: Driver, head: bytes
) -> None:
    """No answer came whole: APIConnectionError with request_sent, and a call with an
    increment is not sent again (SendX may have applied it)."""
    server.default = Reply.raw(head)
    with pytest.raises(sendx.APIConnectionError) as caught:
        driver.identify(server.url, "a@b.co", **INCREMENT)
    assert type(caught.value) is sendx.APIConnectionError
    assert caught.value.request_sent is True
    assert len(server.requests) == 1


def test_a_cut_header_block_is_retried_like_a_drop_when_idempotent(
    server: RecordingServer, driver: Driver
) -> None:
    server.script(Reply.raw(HEAD + b"Conte"))
    assert driver.track(server.url, "a@b.co", add_tags=["x"]) is None
    assert len(server.requests) == 2


@pytest.mark.parametrize("method", ["identify", "track"])
def test_a_proxy_page_with_200_is_not_taken_for_success(
    server: RecordingServer, driver: Driver, method: str
) -> None:
    """A proxy's HTML page answered in SendX's place: UnexpectedResponseError, which
    names the content type and points at proxies, and no retry, not even for track."""
    page = b"<html><body><h1>Welcome to the office network</h1></body></html>"
    server.default = Reply(status=200, headers=(("Content-Type", "text/html"),), body=page)
    with pytest.raises(sendx.UnexpectedResponseError) as caught:
        driver.call(server.url, method, "private.person@example.com")
    error = caught.value
    assert isinstance(error, sendx.APIConnectionError)
    assert (error.status, error.content_type, error.request_sent) == (200, "text/html", True)
    assert error.body == page.decode()
    for words in ("text/html", "not JSON", "proxy", "base_url"):
        assert words in str(error)
    assert "private.person" not in str(error)
    assert len(server.requests) == 1


@pytest.mark.parametrize("key", ["data", "extra"])
def test_deep_json_in_a_2xx_is_an_unexpected_response(
    server: RecordingServer, driver: Driver, key: str
) -> None:
    """Nesting that msgspec refuses with RecursionError, in ``data`` or in a key the
    client skips, raises a SendXError; SendX never nests so."""
    server.default = Reply(status=200, body=deep_object(key))
    with pytest.raises(sendx.UnexpectedResponseError, match="nested too deeply"):
        driver.identify(server.url, "a@b.co")


def test_deep_json_in_an_error_answer_keeps_its_status(
    server: RecordingServer, driver: Driver
) -> None:
    """A 500 whose body is too deep to decode is still an InternalServerError, its body
    kept as text."""
    server.default = Reply(status=500, body=deep_object())
    with pytest.raises(sendx.InternalServerError) as caught:
        driver.identify(server.url, "a@b.co", client={"max_retries": 0})
    assert caught.value.status == 500
    assert str(caught.value.body).startswith('{"status": "200", "data": [[[')


# -- the outbox keeps the call --------------------------------------------------------

BROKEN = [
    pytest.param(Reply.raw(HEAD + b"Conte"), sendx.APIConnectionError, id="cut header block"),
    pytest.param(
        Reply(status=200, headers=(("Content-Type", "text/html"),), body=b"<html>hi</html>"),
        sendx.UnexpectedResponseError,
        id="proxy page",
    ),
    pytest.param(
        Reply(status=200, body=deep_object()), sendx.UnexpectedResponseError, id="deep JSON"
    ),
]


def _dead_letters(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.mark.parametrize(("reply", "error_class"), BROKEN)
def test_the_outbox_dead_letters_a_call_it_cannot_know_was_applied(
    server: RecordingServer, tmp_path: Path, reply: Reply, error_class: type[Exception]
) -> None:
    """An identify with an increment whose answer is broken or foreign may have been
    applied: the outbox neither deletes it as delivered nor sends it again, but writes
    it to the dead-letter file and hands on_error a SendXError."""
    server.default = reply
    errors: list[BaseException] = []
    dead = tmp_path / "dead.jsonl"
    with sendx.SendX(KEY, TEAM, base_url=server.url, retry=FAST_RETRY) as client:
        outbox = client.outbox(
            spool=tmp_path / "spool.db",
            dead_letters=dead,
            on_error=lambda call, error: errors.append(error),
        )
        outbox.identify("private.person@example.com", **INCREMENT)
        result = outbox.close(timeout=30)
    assert (result.sent, result.failed, result.pending) == (0, 1, 0)
    assert len(server.requests) == 1
    assert [type(error) for error in errors] == [error_class]
    [line] = _dead_letters(dead)
    assert line["email"] == "private.person@example.com"


@pytest.mark.parametrize(("reply", "error_class"), BROKEN)
def test_the_outbox_sends_an_idempotent_call_again_later(
    server: RecordingServer, tmp_path: Path, reply: Reply, error_class: type[Exception]
) -> None:
    """A track may be sent twice: after a broken or foreign answer the outbox tries it
    again in a later round, and delivers it once SendX itself answers."""
    server.script(reply)
    rounds = sendx.RetryPolicy(max_retries=2, backoff_initial=0.01, backoff_max=0.01)
    no_client_retry = sendx.RetryPolicy(max_retries=0)
    with sendx.SendX(KEY, TEAM, base_url=server.url, retry=no_client_retry) as client:
        outbox = client.outbox(dead_letters=tmp_path / "dead.jsonl", retry=rounds)
        outbox.track("private.person@example.com", add_tags=["paid user"])
        result = outbox.close(timeout=30)
    assert (result.sent, result.failed, result.pending) == (1, 0, 0)
    assert len(server.requests) == 2
    assert not (tmp_path / "dead.jsonl").exists()


def test_the_async_outbox_keeps_the_call_too(server: RecordingServer, tmp_path: Path) -> None:
    import asyncio

    server.default = Reply(status=200, headers=(("Content-Type", "text/html"),), body=b"<p>")
    errors: list[BaseException] = []

    async def run() -> Any:
        async with sendx.AsyncSendX(KEY, TEAM, base_url=server.url, retry=FAST_RETRY) as client:
            outbox = client.outbox(
                spool=tmp_path / "spool.db",
                dead_letters=tmp_path / "dead.jsonl",
                on_error=lambda call, error: errors.append(error),
            )
            await outbox.identify("private.person@example.com", **INCREMENT)
            return await outbox.close(timeout=30)

    result = asyncio.run(run())
    assert (result.sent, result.failed) == (0, 1)
    assert [type(error) for error in errors] == [sendx.UnexpectedResponseError]
    assert len(_dead_letters(tmp_path / "dead.jsonl")) == 1

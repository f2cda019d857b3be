"""Exceptions: one class per status, structured attributes, pickling, and no leaks of
the API key (nor of contact data) into messages, reprs or log lines."""

from __future__ import annotations

import logging
import pickle
from typing import Any

import pytest
from tests._support.recording_server import RecordingServer, Reply, free_port
from tests.client.conftest import KEY, TEAM, Driver

import sendx
from sendx import errors

STATUSES = [
    (400, sendx.BadRequestError),
    (401, sendx.AuthenticationError),
    (403, sendx.PermissionDeniedError),
    (404, sendx.NotFoundError),
    (409, sendx.ConflictError),
    (422, sendx.UnprocessableEntityError),
    (429, sendx.RateLimitError),
    (500, sendx.InternalServerError),
    (501, sendx.InternalServerError),
    (502, sendx.InternalServerError),
    (503, sendx.InternalServerError),
    (504, sendx.InternalServerError),
    (599, sendx.InternalServerError),
    (402, sendx.APIStatusError),
    (405, sendx.APIStatusError),
    (418, sendx.APIStatusError),
    (451, sendx.APIStatusError),
    (302, sendx.APIStatusError),
]


@pytest.mark.parametrize(("status", "error_class"), STATUSES)
def test_every_status_maps_to_its_exception(
    server: RecordingServer, driver: Driver, status: int, error_class: type[Exception]
) -> None:
    """Each status raises its class, exactly, with status, message, body, headers and
    retry_after taken from the answer."""
    server.default = Reply.json(
        {"status": str(status), "message": f"scripted {status}"},
        status=status,
        headers=[("Retry-After", "120"), ("X-Request-Id", "r-1")],
    )
    with pytest.raises(sendx.APIStatusError) as caught:
        driver.identify(server.url, "a@b.co", client={"max_retries": 0})
    error = caught.value
    assert type(error) is error_class
    assert isinstance(error, sendx.SendXError)
    assert error.status == status
    assert error.message == f"scripted {status}"
    assert error.body == {"status": str(status), "message": f"scripted {status}"}
    assert error.headers["x-request-id"] == "r-1"
    assert error.headers["content-type"] == "application/json"
    assert error.retry_after == 120.0
    assert str(error).startswith(f"SendX answered {status}: scripted {status}")


def test_track_on_an_unknown_contact(server: RecordingServer, driver: Driver) -> None:
    server.default = Reply(status=404, body=b"Not Found")
    with pytest.raises(sendx.NotFoundError) as caught:
        driver.track(server.url, "nobody@x.io", add_tags=["x"])
    assert caught.value.body == "Not Found"
    assert caught.value.message == "Not Found"
    assert caught.value.retry_after is None


def test_advice_in_messages() -> None:
    """401 and 5xx messages say what to do."""
    auth = errors.error_for_status(401, "bad key")
    assert "SENDX_API_KEY" in str(auth)
    assert "try again later" in str(errors.error_for_status(500, "x"))
    assert str(errors.error_for_status(418, "x")) == "SendX answered 418: x"


def test_the_hierarchy() -> None:
    assert issubclass(sendx.APITimeoutError, sendx.APIConnectionError)
    assert issubclass(sendx.InvalidRequestError, ValueError)
    for _, error_class in STATUSES:
        assert issubclass(error_class, sendx.APIStatusError)
    for name in errors.__all__:
        value = getattr(errors, name)
        if isinstance(value, type):
            assert issubclass(value, sendx.SendXError)
            assert value.__module__ == "sendx"
            assert getattr(sendx, name) is value
            assert value.__doc__


EXAMPLES: list[sendx.SendXError] = [
    sendx.SendXError("base"),
    sendx.InvalidRequestError("bad email", field="email"),
    sendx.APIConnectionError("refused", request_sent=False),
    sendx.APITimeoutError("slow", request_sent=True),
    sendx.UnexpectedResponseError("a proxy", status=200, content_type="text/html", body="<p>"),
    *(
        errors.error_for_status(
            status,
            "msg",
            body={"message": "msg", "n": [1]},
            headers={"retry-after": "3"},
            retry_after=3.0,
        )
        for status, _ in STATUSES
    ),
]


@pytest.mark.parametrize("error", EXAMPLES, ids=lambda e: type(e).__name__)
def test_exceptions_survive_pickle(error: sendx.SendXError) -> None:
    """Every exception pickles with its class, message and attributes."""
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 (our own bytes)
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert copy.message == error.message
    assert copy.__dict__ == error.__dict__


def test_exceptions_from_a_real_call_pickle(server: RecordingServer, driver: Driver) -> None:
    server.default = Reply.json(
        {"message": "slow down"}, status=429, headers=[("Retry-After", "99")]
    )
    with pytest.raises(sendx.RateLimitError) as caught:
        driver.identify(server.url, "a@b.co")
    copy = pickle.loads(pickle.dumps(caught.value))  # noqa: S301 (our own bytes)
    assert (copy.status, copy.body, copy.retry_after) == (429, {"message": "slow down"}, 99.0)
    assert copy.headers == caught.value.headers


# -- no leaks ----------


SECRET_EMAIL = "very.private+tag@secret-domain.io"


def _all_text(exc: BaseException) -> str:
    """Everything an exception shows: str, repr, args, and its chained causes."""
    parts = [str(exc), repr(exc), repr(exc.args)]
    cause = exc.__cause__ or exc.__context__
    if cause is not None and not exc.__suppress_context__:
        parts.append(_all_text(cause))
    return "\n".join(parts)


@pytest.mark.parametrize(
    "reply",
    [
        Reply.json({"message": "bad"}, status=401),
        Reply.json({"message": "boom"}, status=500),
        Reply.close(),
        Reply.hang(),
    ],
    ids=["401", "500", "dropped", "no answer"],
)
def test_no_key_in_logs_errors_or_reprs(
    server: RecordingServer, driver: Driver, caplog: pytest.LogCaptureFixture, reply: Reply
) -> None:
    """At DEBUG, on every path: the key is in no log line (ours or urllib3's / aiohttp's),
    exception text or repr; the email and body are in none of ours."""
    server.default = reply
    caplog.set_level(logging.DEBUG)
    with pytest.raises(sendx.SendXError) as caught:
        driver.identify(
            server.url,
            SECRET_EMAIL,
            first_name="Secretfirstname",
            client={"timeout": (1, 0.2), "max_retries": 1},
        )
    text = _all_text(caught.value)
    for secret in (KEY, SECRET_EMAIL, "Secretfirstname", "secret-domain"):
        assert secret not in text
    assert KEY not in caplog.text
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("sendx")]
    assert ours, "the client logs each attempt at DEBUG"
    for line in ours:
        assert SECRET_EMAIL not in line
        assert "secret-domain" not in line


def test_debug_log_lines_per_attempt(
    server: RecordingServer, caplog: pytest.LogCaptureFixture
) -> None:
    """One DEBUG line per attempt (method, path, status, duration, attempt), one per retry."""
    server.script(Reply.status_only(503), Reply.contact())
    caplog.set_level(logging.DEBUG, logger="sendx")
    Driver("sync").identify(server.url, "a@b.co")
    lines = [r.getMessage() for r in caplog.records if r.name == "sendx"]
    assert len(lines) == 3
    assert lines[0].startswith("POST /contact/identify -> 503 in ")
    assert lines[0].endswith(" ms (attempt 1)")
    assert lines[1].startswith("POST /contact/identify: retrying in ")
    assert lines[1].endswith("as attempt 2 (status 503)")
    assert lines[2].startswith("POST /contact/identify -> 200 in ")
    assert lines[2].endswith("(attempt 2)")


def test_nothing_is_logged_above_debug(
    server: RecordingServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="sendx")
    server.script(Reply.status_only(503))
    Driver("sync").identify(server.url, "a@b.co")
    assert [r for r in caplog.records if r.name == "sendx"] == []


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_client_repr_hides_the_key(kind: str) -> None:
    client_class: Any = sendx.SendX if kind == "sync" else sendx.AsyncSendX
    client = client_class(KEY, TEAM, base_url="http://127.0.0.1:1/api/v1")
    try:
        text = repr(client)
        assert KEY not in text
        assert "api_key='***'" in text
        assert "TEAM" in text
        assert KEY not in repr(client._options.settings)
        with pytest.raises(TypeError, match="cannot be pickled"):
            pickle.dumps(client)
    finally:
        if kind == "sync":
            client.close()


def test_refused_connection_error_names_no_url() -> None:
    url = f"http://127.0.0.1:{free_port()}/api/v1"
    with pytest.raises(sendx.APIConnectionError) as caught:
        Driver("sync").track(url, SECRET_EMAIL, client={"max_retries": 0})
    text = _all_text(caught.value)
    assert SECRET_EMAIL not in text
    assert "secret-domain" not in text
    assert "%40" not in text

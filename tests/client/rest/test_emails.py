"""``client.emails``: send and send_template against the emulator, both clients; the
three forms of an address; one result per recipient; checks before any I/O; the wire
bodies byte for byte; every error class; a send never sent twice by a retry."""

from __future__ import annotations

import datetime
import inspect
from typing import Any

import pytest
from tests._support.recording_server import RecordingServer, Reply
from tests.client.rest._rule import (
    SCENARIO_IDS,
    SCENARIOS,
    STATUS_ERRORS,
    Scenario,
    check_refused,
    check_rule,
    check_status,
)
from tests.client.rest.conftest import raw

import sendx
from sendx.resources.emails import AsyncEmails, EmailResult, Emails
from sendx.testing import ControlPlane

SHOP = "Shop <shop@x.io>"


def _template(emulator: Any, key: str, **values: Any) -> str:
    body = {"name": "welcome", "subject": "Welcome {{firstName}}", "htmlContent": "<p>Hi</p>"}
    template: dict[str, Any] = raw(emulator, key, "POST", "/template/email", {**body, **values})
    return str(template["id"])


# -- sending ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sender", "recipient", "wire_from", "wire_to"),
    [
        ("shop@x.io", "ann@x.io", {"email": "shop@x.io", "name": None}, ("ann@x.io", None)),
        (
            SHOP,
            "Ann Lee <ann@x.io>",
            {"email": "shop@x.io", "name": "Shop"},
            ("ann@x.io", "Ann Lee"),
        ),
        (
            {"email": "shop@x.io", "name": "Shop"},
            {"email": "ann@x.io", "name": "Ann"},
            {"email": "shop@x.io", "name": "Shop"},
            ("ann@x.io", "Ann"),
        ),
        (
            '"Lee, Ann" <shop@x.io>',
            "<ann@x.io>",
            {"email": "shop@x.io", "name": "Lee, Ann"},
            ("ann@x.io", None),
        ),
    ],
    ids=["plain", "display-name", "mapping", "quoted-name"],
)
def test_send_takes_an_address_in_each_form(
    client: Any,
    control: ControlPlane,
    sender: Any,
    recipient: Any,
    wire_from: dict[str, Any],
    wire_to: tuple[str, Any],
) -> None:
    """``"ann@x.io"``, ``"Ann <ann@x.io>"`` and ``{"email", "name"}`` reach SendX as
    an address and a name; one result for the one recipient."""
    before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    [result] = client.emails.send(
        from_=sender, to=recipient, subject="Hello", html_body="<p>Hi</p>"
    )
    assert isinstance(result, EmailResult)
    assert result.ok
    assert result.error_code == 0
    assert result.to == "ann@x.io"
    assert result.message_id.startswith("message_")
    assert result.submitted_at is not None
    assert result.submitted_at >= before
    assert result.submitted_at.tzinfo is not None
    [message] = control.messages(to="ann@x.io")
    assert message["id"] == result.message_id
    assert message["from"] == wire_from
    assert message["to"] == {"email": wire_to[0], "name": wire_to[1]}
    assert (message["subject"], message["html"], message["text"]) == ("Hello", "<p>Hi</p>", None)


def test_send_to_many_with_copies_headers_and_placeholders(
    client: Any, control: ControlPlane
) -> None:
    """One result per recipient, in the order of ``to``; each recipient keeps its cc,
    bcc and placeholder values; the text body, reply-to and headers go along."""
    results = client.emails.send(
        from_=SHOP,
        to=[
            {
                "email": "ann@x.io",
                "name": "Ann",
                "cc": "boss@x.io",
                "bcc": ["audit@x.io", "log@x.io"],
                "custom_fields": {"plan": "pro", "seats": 3, "trial": False},
            },
            "Bob <BOB@x.io>",
        ],
        subject="Hi {{name}}",
        html_body="<p>{{customFields.plan}} for {{seats}} seats, trial {{trial}}</p>",
        text_body="plan {{plan}}",
        reply_to={"email": "help@x.io"},
        headers={"X-Campaign": "spring", "X-Trace": "42"},
    )
    assert [result.to for result in results] == ["ann@x.io", "BOB@x.io"]
    assert len({result.message_id for result in results}) == 2
    ann, bob = control.messages()
    assert ann["to"] == {"email": "ann@x.io", "name": "Ann"}
    assert (ann["cc"], ann["bcc"]) == (["boss@x.io"], ["audit@x.io", "log@x.io"])
    assert ann["subject"] == "Hi Ann"
    assert ann["html"] == "<p>pro for 3 seats, trial false</p>"
    assert ann["text"] == "plan pro"
    assert ann["reply_to"] == {"email": "help@x.io", "name": None}
    assert ann["headers"] == {"X-Campaign": "spring", "X-Trace": "42"}
    assert bob["subject"] == "Hi Bob"
    assert (bob["cc"], bob["bcc"]) == ([], [])
    assert control.messages(to="bob@X.IO") == [bob]


def test_send_template_renders_the_template_per_recipient(
    client: Any, control: ControlPlane, emulator: Any, key: str
) -> None:
    """The template's bodies, this subject; the template's id with or without its
    prefix; reply-to kept."""
    template = _template(
        emulator, key, htmlContent="<p>Dear {{name}}</p>", textContent="Dear {{name}}"
    )
    results = client.emails.send_template(
        from_=SHOP,
        to=["Ann <ann@x.io>", {"email": "cy@x.io", "name": "Cy"}],
        subject="Welcome, {{name}}",
        template=template.removeprefix("template_"),
        reply_to="Help <help@x.io>",
    )
    assert [result.to for result in results] == ["ann@x.io", "cy@x.io"]
    assert all(result.ok for result in results)
    ann, cy = control.messages()
    assert (ann["subject"], ann["html"], ann["text"]) == (
        "Welcome, Ann",
        "<p>Dear Ann</p>",
        "Dear Ann",
    )
    assert cy["html"] == "<p>Dear Cy</p>"
    assert ann["template_id"] == template
    assert ann["reply_to"] == {"email": "help@x.io", "name": "Help"}


def test_send_records_a_template_it_names(
    client: Any, control: ControlPlane, emulator: Any, key: str
) -> None:
    template = _template(emulator, key)
    client.emails.send(from_=SHOP, to="ann@x.io", subject="s", html_body="b", template=template)
    assert control.messages()[0]["template_id"] == template


def test_a_template_the_team_does_not_have_is_not_found(client: Any, control: ControlPlane) -> None:
    with pytest.raises(sendx.NotFoundError, match="Template not found"):
        client.emails.send_template(
            from_=SHOP, to="ann@x.io", subject="s", template="template_" + "A" * 22
        )
    assert control.messages() == []


def test_too_many_recipients_is_sendxs_bad_request(client: Any, control: ControlPlane) -> None:
    """The client sets no limit of its own; what SendX refuses raises BadRequestError."""
    to = [f"r{index}@x.io" for index in range(1001)]
    with pytest.raises(sendx.BadRequestError):
        client.emails.send(from_=SHOP, to=to, subject="s", html_body="b")
    assert control.messages() == []


# -- checks before any I/O --------------------------------------------------------------

GOOD: dict[str, Any] = {"from_": SHOP, "to": "ann@x.io", "subject": "s", "html_body": "<p>b</p>"}


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"from_": "shop"}, "from_", "has no '@'"),
        ({"from_": "Shop <shop>"}, "from_", "has no '@'"),
        ({"from_": 42}, "from_", "must be an address"),
        ({"from_": {"name": "Shop"}}, "from_", "has no 'email'"),
        ({"from_": {"email": "shop@x.io", "nom": "x"}}, "from_", "unknown key 'nom'"),
        ({"from_": {"email": "shop@x.io", "name": "a\r\nBcc: x@y.io"}}, "from_.name", "line break"),
        ({"from_": "Sh\nop <shop@x.io>"}, "from_", "line break"),
        ({"from_": {"email": "shop@x.io", "name": "n" * 256}}, "from_.name", "longer than 255"),
        ({"to": []}, "to", "at least one recipient"),
        ({"to": b"ann@x.io"}, "to", "must be a recipient"),
        ({"to": "ann@x.io, bob@x.io"}, "to", "more than one '@'"),
        ({"to": "Ann <ann@x.io>, Bob <bob@x.io>"}, "to", "not one address"),
        ({"to": "Ann <ann@x.io> trailing"}, "to", "not one address"),
        ({"to": ["ann@x.io", "bob@"]}, "to[1]", "no domain"),
        ({"to": [{"email": "ann@x.io", "customFields": {}}]}, "to[0]", "write custom_fields"),
        ({"to": [{"email": "ann@x.io", "cc": ["x"]}]}, "to[0].cc[0]", "has no '@'"),
        ({"to": [{"email": "ann@x.io", "cc": ["Boss <b@x.io>"]}]}, "to[0].cc[0]", "display name"),
        ({"to": [{"email": "ann@x.io", "bcc": {"b@x.io": 1}}]}, "to[0].bcc", "a list of addresses"),
        (
            {"to": [{"email": "ann@x.io", "custom_fields": {"n": [1]}}]},
            "to[0].custom_fields['n']",
            "unsupported type list",
        ),
        (
            {"to": [{"email": "ann@x.io", "custom_fields": {"n": sendx.increment(1)}}]},
            "to[0].custom_fields['n']",
            "increment",
        ),
        ({"to": [{"email": "ann@x.io", "custom_fields": ["n"]}]}, "to[0].custom_fields", "mapping"),
        ({"reply_to": "nobody"}, "reply_to", "has no '@'"),
        ({"subject": "  "}, "subject", "must not be empty"),
        ({"subject": "s" * 999}, "subject", "longer than 998"),
        ({"html_body": None}, "html_body", "required"),
        ({"html_body": b"<p>"}, "html_body", "must be a string"),
        ({"text_body": 3}, "text_body", "must be a string"),
        ({"headers": {"Bad Name": "v"}}, "headers", "not a header name"),
        ({"headers": {"X-A": "v\r\nBcc: x@y.io"}}, "headers['X-A']", "line break"),
        ({"headers": {"X-A": 1}}, "headers['X-A']", "must be a string"),
        ({"headers": ["X-A"]}, "headers", "mapping"),
        ({"template": "welcome"}, "template", "must be an id"),
    ],
)
def test_bad_arguments_raise_before_any_io(
    client: Any, control: ControlPlane, changes: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(sendx.InvalidRequestError, match=words) as raised:
        client.emails.send(**{**GOOD, **changes})
    assert raised.value.field == field
    assert control.messages() == []


def test_errors_never_show_an_address_whole(client: Any) -> None:
    with pytest.raises(sendx.InvalidRequestError) as raised:
        client.emails.send(**{**GOOD, "to": ["ann@x.io", "jane.doe@exa mple.com"]})
    assert "jane.doe" not in str(raised.value)
    assert "j***@" in str(raised.value)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"template": None}, "template"),
        ({"template": "t"}, "template"),
        ({"subject": ""}, "subject"),
    ],
)
def test_send_template_checks_its_arguments(
    client: Any, changes: dict[str, Any], field: str
) -> None:
    arguments = {
        "from_": SHOP,
        "to": "ann@x.io",
        "subject": "s",
        "template": "template_" + "A" * 22,
    }
    with pytest.raises(sendx.InvalidRequestError) as raised:
        client.emails.send_template(**{**arguments, **changes})
    assert raised.value.field == field


# -- the wire -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_send_bodies_byte_for_byte(kind: str, key: str) -> None:
    """Spec names and order, nothing unset, no nulls; ``POST /send/email`` under the
    REST base URL with the key in ``X-Team-ApiKey`` only."""
    from tests.client.rest.conftest import close_client, make_client

    answer = [{"to": "ann@x.io", "submittedAt": 1700000000, "messageId": "m1", "errorCode": 0}]
    with RecordingServer(default=Reply.json(answer)) as server:

        class Server:
            base_url = f"http://127.0.0.1:{server.port}/api/v1"

        client = make_client(kind, Server, key)
        try:
            [result] = client.emails.send(
                from_="Shop <shop@x.io>",
                to=[{"email": "ann@x.io", "cc": ["c@x.io"], "custom_fields": {"n": 1}}],
                subject="Hi",
                html_body="<p>x</p>",
                reply_to="r@x.io",
                headers={"X-A": "1"},
            )
            client.emails.send_template(
                from_="shop@x.io", to="Ann <ann@x.io>", subject="S", template="A" * 22
            )
        finally:
            close_client(client)
        first, second = server.requests
    assert result == EmailResult(
        message_id="m1",
        to="ann@x.io",
        submitted_at=datetime.datetime(2023, 11, 14, 22, 13, 20, tzinfo=datetime.timezone.utc),
        error_code=0,
        message="",
    )
    assert first.request_line == "POST /api/v1/rest/send/email HTTP/1.1"
    assert first.body == (
        b'{"from":{"email":"shop@x.io","name":"Shop"},'
        b'"to":[{"email":"ann@x.io","cc":["c@x.io"],"customFields":{"n":"1"}}],'
        b'"replyTo":{"email":"r@x.io"},"subject":"Hi","htmlBody":"<p>x</p>",'
        b'"headers":{"X-A":"1"}}'
    )
    assert first.header("X-Team-ApiKey") == key
    assert first.header("api_key") is None
    assert second.request_line == "POST /api/v1/rest/send/template HTTP/1.1"
    assert second.body == (
        b'{"from":{"email":"shop@x.io"},"to":[{"email":"ann@x.io","name":"Ann"}],'
        b'"subject":"S","template":"template_' + b"A" * 22 + b'"}'
    )


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize(
    ("submitted", "expected"),
    [
        ("2024-03-20T09:00:00Z", datetime.datetime(2024, 3, 20, 9, tzinfo=datetime.timezone.utc)),
        ("2024-03-20T09:00:00", datetime.datetime(2024, 3, 20, 9, tzinfo=datetime.timezone.utc)),
        (
            1700000000.5,
            datetime.datetime(2023, 11, 14, 22, 13, 20, 500000, tzinfo=datetime.timezone.utc),
        ),
        ("soon", None),
        (None, None),
    ],
)
def test_results_are_read_leniently(kind: str, key: str, submitted: Any, expected: Any) -> None:
    """A time SendX writes otherwise is read where it can be, else left out; an
    error code and its message come through; unknown keys are ignored."""
    from tests.client.rest.conftest import close_client, make_client

    answer = [
        {
            "to": "ann@x.io",
            "submittedAt": submitted,
            "messageId": "m1",
            "errorCode": 7,
            "message": "suppressed",
            "extra": True,
        },
    ]
    with RecordingServer(default=Reply.json(answer)) as server:

        class Server:
            base_url = f"http://127.0.0.1:{server.port}/api/v1"

        client = make_client(kind, Server, key)
        try:
            [result] = client.emails.send(from_=SHOP, to="ann@x.io", subject="s", html_body="b")
        finally:
            close_client(client)
    assert result.submitted_at == expected
    assert (result.error_code, result.message, result.ok) == (7, "suppressed", False)


# -- errors and retries -------------------------------------------------------------


@pytest.mark.parametrize(("status", "error"), STATUS_ERRORS)
def test_every_error_status_raises_its_class(
    kind: str, emulator: Any, key: str, control: ControlPlane, status: int, error: type[Exception]
) -> None:
    check_status(
        status,
        error,
        kind,
        emulator,
        key,
        control,
        "/send",
        lambda client: client.emails.send(**GOOD),
    )


@pytest.mark.parametrize("scenario", SCENARIOS, ids=SCENARIO_IDS)
def test_a_send_is_retried_only_where_sendx_surely_did_not_get_it(
    kind: str, emulator: Any, key: str, control: ControlPlane, scenario: Scenario
) -> None:
    """Never sent twice: the emulator captured exactly one message, or none."""
    check_rule(
        scenario,
        kind,
        emulator,
        key,
        control,
        "/send/email",
        lambda client: client.emails.send(**GOOD),
        lambda: len(control.messages()),
    )


@pytest.mark.parametrize("scenario", SCENARIOS, ids=SCENARIO_IDS)
def test_a_template_send_is_retried_only_where_sendx_surely_did_not_get_it(
    kind: str, emulator: Any, key: str, control: ControlPlane, scenario: Scenario
) -> None:
    template = _template(emulator, key)
    check_rule(
        scenario,
        kind,
        emulator,
        key,
        control,
        "/send/template",
        lambda client: client.emails.send_template(
            from_=SHOP, to="ann@x.io", subject="s", template=template
        ),
        lambda: len(control.messages()),
    )


def test_a_send_that_cannot_connect_is_retried(kind: str, key: str) -> None:
    check_refused(kind, key, lambda client: client.emails.send(**GOOD))


def test_sync_and_async_emails_match() -> None:
    for name in ("send", "send_template"):
        sync, async_ = getattr(Emails, name), getattr(AsyncEmails, name)
        assert inspect.signature(sync) == inspect.signature(async_)
        assert inspect.iscoroutinefunction(async_)
        assert not inspect.iscoroutinefunction(sync)
        assert all(
            p.kind is inspect.Parameter.KEYWORD_ONLY
            for p in list(inspect.signature(sync).parameters.values())[1:]
        )

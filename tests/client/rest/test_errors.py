"""Errors of the REST families: SendX's answers mapped to the client's exception
classes with SendX's message, and bad arguments refused before any I/O."""

from __future__ import annotations

import asyncio
import pickle
from collections.abc import Iterator
from typing import Any

import pytest
from tests._support.recording_server import RecordingServer, Reply
from tests.client.rest.conftest import Client

import sendx
from sendx import errors
from sendx.emulator import Emulator

#: Each family's operations on one object, and the name of the argument naming it.
OBJECT_METHODS: list[tuple[str, str, str]] = [
    (family, method, field)
    for family, field, methods in [
        ("tags", "tag_id", ("get", "update", "delete")),
        ("custom_fields", "custom_field_id", ("get", "update", "delete")),
        ("templates", "template_id", ("get", "update", "delete")),
        ("webhooks", "webhook_id", ("get", "update", "delete")),
        ("posts", "post_id", ("get", "update", "delete")),
        ("post_categories", "post_category_id", ("get", "update", "delete")),
        ("post_tags", "post_tag_id", ("get", "update", "delete")),
        ("members", "member_id", ("get",)),
    ]
    for method in methods
]
#: An id of each family's kind that no object has.
UNKNOWN = {
    "tags": "tag_",
    "custom_fields": "custom_field_",
    "templates": "template_",
    "webhooks": "webhook_",
    "posts": "post_",
    "post_categories": "post_category_",
    "post_tags": "post_tag_",
    "members": "member_",
}


@pytest.mark.parametrize(("family", "method", "field"), OBJECT_METHODS)
@pytest.mark.parametrize("bad", [None, 5, "", "   ", ["tag_" + "A" * 22]])
def test_an_object_that_is_no_id_nor_name_is_refused_before_any_request(
    client: Client, family: str, method: str, field: str, bad: object
) -> None:
    with pytest.raises(sendx.InvalidRequestError) as caught:
        getattr(getattr(client, family), method)(bad)
    assert caught.value.field == field
    assert client.sent == []


@pytest.mark.parametrize(("family", "method", "field"), OBJECT_METHODS)
def test_a_bad_timeout_is_refused_before_any_request(
    client: Client, family: str, method: str, field: str
) -> None:
    """Even before a name is looked up."""
    named = family not in ("webhooks", "members")
    for value in [UNKNOWN[family] + "Z" * 22] + (["some name"] if named else []):
        with pytest.raises(sendx.InvalidRequestError) as caught:
            getattr(getattr(client, family), method)(value, timeout=-1)
        assert caught.value.field == "timeout"
    assert client.sent == []


@pytest.mark.parametrize(("family", "method", "field"), OBJECT_METHODS)
def test_an_unknown_id_is_not_found(client: Client, family: str, method: str, field: str) -> None:
    """404 with SendX's message."""
    with pytest.raises(sendx.NotFoundError) as caught:
        getattr(getattr(client, family), method)(UNKNOWN[family] + "Z" * 22)
    assert caught.value.status == 404
    assert caught.value.message == "Resource not found"
    assert client.sent == [(client.sent[0][0], client.sent[0][1])]


@pytest.fixture(scope="module")
def locked() -> Iterator[Emulator]:
    """An emulator that knows one key only."""
    pytest.importorskip("uvicorn", reason="the emulator needs sendx-client[emulator]")
    with Emulator(teams={"team-1": "the-right-key"}) as emu:
        yield emu


FAMILIES = [
    "tags",
    "custom_fields",
    "templates",
    "webhooks",
    "posts",
    "post_categories",
    "post_tags",
    "senders",
    "members",
]


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_wrong_key(locked: Emulator, kind: str) -> None:
    """401 on every family, with SendX's message and the advice to check the key."""
    options: dict[str, Any] = {"rest_base_url": locked.base_url + "/rest"}

    async def read_async(family: str) -> Any:
        async with sendx.AsyncSendX("a-wrong-key", **options) as client:
            return await getattr(client, family).list().page()

    def read(family: str) -> Any:
        if kind == "async":
            return asyncio.run(read_async(family))
        with sendx.SendX("a-wrong-key", **options) as client:
            return getattr(client, family).list().page()

    for family in FAMILIES:
        with pytest.raises(sendx.AuthenticationError) as caught:
            read(family)
        assert caught.value.message == "The Team ID or API Key specified is not valid"
        assert "SENDX_API_KEY" in str(caught.value)
        assert "a-wrong-key" not in str(caught.value)


def test_an_unprocessable_answer(client: Client, faults: Any) -> None:
    """422 (SendX: a body not in proper format) is UnprocessableEntityError."""
    faults({"path": "/api/v1/rest/tag", "status": 422})
    with pytest.raises(sendx.UnprocessableEntityError) as caught:
        client.tags.create(name="VIP")
    assert caught.value.status == 422
    assert "422" in caught.value.message


def test_a_bad_request_answer(client: Client) -> None:
    """400 (SendX refused a value) is BadRequestError, with SendX's message."""
    with pytest.raises(sendx.BadRequestError) as caught:
        client.posts.create(name="p", post_title="P", member="member_" + "Z" * 22)
    assert caught.value.message.startswith("member: no team member")


@pytest.mark.parametrize(
    ("status", "payload", "error_class"),
    [
        (
            401,
            {"status": 401, "message": "The Team ID or API Key specified is not valid"},
            sendx.AuthenticationError,
        ),
        (
            403,
            {"status": "error", "message": "Resource with this name already exists"},
            sendx.PermissionDeniedError,
        ),
        (404, {"status": "error", "message": "Resource not found"}, sendx.NotFoundError),
        (409, {"status": "error", "message": "Email already exists"}, sendx.ConflictError),
        (
            422,
            {"status": "error", "message": "Request body is not in proper format"},
            sendx.UnprocessableEntityError,
        ),
        (400, {"status": "error", "message": "Invalid identifier format"}, sendx.BadRequestError),
    ],
)
def test_sendx_error_bodies(
    server: RecordingServer, status: int, payload: dict[str, Any], error_class: type[Exception]
) -> None:
    """SendX's REST error bodies, ``status`` a number or a string: the class of the
    HTTP status, SendX's message."""
    server.default = Reply.json(payload, status=status)
    with (
        sendx.SendX("k", rest_base_url=server.url + "/rest", max_retries=0) as client,
        pytest.raises(error_class) as caught,
    ):
        client.tags.create(name="VIP")
    assert caught.value.message == payload["message"]  # type: ignore[attr-defined]
    assert caught.value.body == payload  # type: ignore[attr-defined]


def test_advice_fits_the_403() -> None:
    """A 403 whose message says why (REST: a taken name) gets no advice about the
    key's access; one that says nothing more than "Forbidden" keeps it."""
    taken = {"status": "error", "message": "Resource with this name already exists"}
    explained = errors.error_for_status(403, taken["message"], body=taken)
    assert str(explained) == "SendX answered 403: Resource with this name already exists"
    assert str(pickle.loads(pickle.dumps(explained))) == str(explained)  # noqa: S301
    for body in (None, "Forbidden", {"message": "Forbidden."}, {"message": "  "}, {"x": 1}):
        bare = errors.error_for_status(403, "Forbidden", body=body)
        assert str(bare).endswith("(check that this API key has access to the team)"), body

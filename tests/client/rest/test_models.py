"""The REST models read what SendX really sends: unknown keys ignored, unknown enum
values kept, timestamps parsed (ISO 8601 or Unix seconds), nulls where SendX writes
them, a value of the wrong type dropped rather than the whole answer refused."""

from __future__ import annotations

import datetime
import json
from typing import Any

import msgspec
import pytest
from tests._support.recording_server import RecordingServer, Reply

import sendx
from sendx.resources._rest import decoder
from sendx.types import CustomField, Member, Post, PostTag, Sender, Tag, Template, Webhook

UTC = datetime.timezone.utc


def _read(model: Any, payload: Any) -> Any:
    return decoder(model)(json.dumps(payload).encode())


def test_sendx_webhook_examples() -> None:
    """SendX's own example: ``created`` in Unix seconds, camelCase flags."""
    [webhook] = _read(
        list[Webhook],
        [
            {
                "id": "webhook_iqj3OR6VbjaO2fohm72MYy",
                "enabled": True,
                "url": "https://api.example.com/webhooks/all",
                "unsubscribed": True,
                "dropped": True,
                "bounced": True,
                "markedSpam": True,
                "clicked": True,
                "opened": True,
                "contactCreated": True,
                "created": 1705750200,
            }
        ],
    )
    assert webhook.created == datetime.datetime(2024, 1, 20, 11, 30, tzinfo=UTC)
    assert webhook.marked_spam
    assert webhook.contact_created


def test_timestamps_as_sendx_writes_them() -> None:
    tag = _read(Tag, {"id": "tag_x", "created": "2024-01-20T10:30:00Z", "updated": None})
    assert tag.created == datetime.datetime(2024, 1, 20, 10, 30, tzinfo=UTC)
    assert tag.updated is None
    post_tag = _read(PostTag, {"id": "post_tag_x", "created": "2000-01-23T04:56:07.000+00:00"})
    assert post_tag.created == datetime.datetime(2000, 1, 23, 4, 56, 7, tzinfo=UTC)


def test_unknown_keys_ignored_and_unknown_values_kept() -> None:
    field = _read(CustomField, {"id": "custom_field_x", "type": 9, "color": "red"})
    assert (field.type, field.type_name) == (9, None)
    template = _read(Template, {"id": "template_x", "type": 3, "editorType": 7, "extra": {}})
    assert (template.type, template.editor_type) == (3, 7)
    post = _read(Post, {"id": "post_x", "status": 42, "editorType": 5, "views": 10})
    assert (post.status, post.editor_type) == (42, 5)


def test_nullable_and_missing_properties() -> None:
    """SendX's spec makes a template's subject, code and thumbnail nullable, and leaves
    out of its answer what it was sent."""
    template = _read(
        Template, {"id": "template_x", "subject": None, "templateCode": None, "thumbnail": None}
    )
    assert (template.subject, template.template_code, template.thumbnail) == (None, None, None)
    assert (template.html_code, template.text_content, template.tags) == ("", "", [])
    member = _read(Member, {"id": "member_x", "avatarUrl": None, "created": None})
    assert (member.avatar_url, member.created, member.email) == (None, None, "")


def test_the_html_under_either_name() -> None:
    """SendX's answer calls it htmlCode, its request htmlContent: both are read."""
    assert _read(Template, {"id": "t", "htmlContent": "<p>a</p>"}).html_code == "<p>a</p>"
    assert _read(Template, {"id": "t", "htmlCode": "<p>b</p>"}).html_code == "<p>b</p>"
    both = _read(Template, {"id": "t", "htmlCode": "<p>b</p>", "htmlContent": "<p>a</p>"})
    assert both.html_code == "<p>b</p>"
    assert "htmlContent" not in repr(both)
    assert "_html_content" not in repr(both)


def test_a_value_of_another_type_is_converted_or_dropped() -> None:
    """``"3"`` for a number is read as 3; what cannot be read gets its default; the
    rest of the answer stands."""
    sender = _read(Sender, {"id": "sender_x", "name": "Ann", "isWhitelisted": "yes"})
    assert (sender.name, sender.is_whitelisted) == ("Ann", False)
    field = _read(CustomField, {"id": "custom_field_x", "name": "Age", "type": "1"})
    assert (field.name, field.type) == ("Age", 1)
    posts = _read(list[Post], [{"id": "p1", "includedTags": "x"}, {"id": "p2"}])
    assert [(p.id, p.included_tags) for p in posts] == [("p1", []), ("p2", [])]


def test_models_are_frozen() -> None:
    tag = Tag(id="tag_x", name="VIP")
    with pytest.raises(AttributeError):
        tag.name = "Gold"  # type: ignore[misc]
    assert msgspec.structs.replace(tag, name="Gold").name == "Gold"


def test_an_answer_of_another_shape_is_not_sendx(server: RecordingServer) -> None:
    """An object where a list belongs: UnexpectedResponseError, not an empty list."""
    server.default = Reply.json({"status": "ok"})
    with (
        sendx.SendX("k", rest_base_url=server.url + "/rest", max_retries=0) as client,
        pytest.raises(sendx.UnexpectedResponseError),
    ):
        list(client.webhooks.list())

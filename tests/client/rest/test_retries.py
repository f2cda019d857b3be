"""Retries of the REST families: reads, updates and deletes are sent again as any
idempotent call; a create only where SendX surely did not get it (a 429 or 503 that
says so, a connection refused), never after it may have made the object."""

from __future__ import annotations

from typing import Any

import pytest
from tests.client.rest.conftest import Client

import sendx

#: Each family's create, with its arguments, and the path it is sent to.
CREATES: dict[str, tuple[dict[str, Any], str]] = {
    "tags": ({"name": "VIP"}, "/tag"),
    "custom_fields": ({"name": "Plan", "type": "text"}, "/customfield"),
    "templates": ({"name": "Welcome", "subject": "Hi"}, "/template/email"),
    "webhooks": ({"url": "http://127.0.0.1:9/h"}, "/webhook"),
    "posts": ({"name": "p", "post_title": "P"}, "/post"),
    "post_categories": ({"name": "News"}, "/post/category"),
    "post_tags": ({"name": "Summer"}, "/post/tag"),
    "senders": ({"name": "Ann", "email": "ann@example.com"}, "/sender"),
}


@pytest.mark.parametrize("family", sorted(CREATES))
def test_a_create_sendx_may_have_made_is_not_sent_again(
    client: Client, faults: Any, family: str
) -> None:
    """The connection drops after SendX made the object: no second create (it would
    make a second object, or fail on the taken name), an error that says it may have
    been applied, and one object."""
    arguments, path = CREATES[family]
    faults({"method": "POST", "path": "/api/v1/rest" + path, "drop": "after", "times": 1})
    with pytest.raises(sendx.APIConnectionError) as caught:
        getattr(client, family).create(**arguments)
    assert caught.value.request_sent is True
    assert "not idempotent" in str(caught.value)
    assert client.sent == [("POST", path)]
    assert len(list(getattr(client, family).list())) == 1


@pytest.mark.parametrize("family", sorted(CREATES))
def test_a_create_sendx_refused_with_503_is_sent_again(
    client: Client, faults: Any, family: str
) -> None:
    arguments, path = CREATES[family]
    faults({"method": "POST", "path": "/api/v1/rest" + path, "status": 503, "times": 1})
    created = getattr(client, family).create(**arguments)
    assert client.sent == [("POST", path), ("POST", path)]
    assert [item.id for item in getattr(client, family).list()] == [created.id]


def test_a_create_is_not_sent_again_after_a_500(client: Client, faults: Any) -> None:
    faults({"method": "POST", "path": "/api/v1/rest/tag", "status": 500, "times": 1})
    with pytest.raises(sendx.InternalServerError):
        client.tags.create(name="VIP")
    assert client.sent == [("POST", "/tag")]


@pytest.mark.parametrize("method", ["get", "update", "delete"])
def test_reads_updates_and_deletes_are_sent_again(client: Client, faults: Any, method: str) -> None:
    """A 500 and a 503: sent again, as any idempotent call."""
    tag = client.tags.create(name="VIP")
    verb = {"get": "GET", "update": "PUT", "delete": "DELETE"}[method]
    faults(
        {"method": verb, "path": "/api/v1/rest/tag/", "status": 500, "times": 1},
        {"method": verb, "path": "/api/v1/rest/tag/", "status": 503, "times": 1},
    )
    client.sent.clear()
    arguments = {"name": "Gold"} if method == "update" else {}
    getattr(client.tags, method)(tag.id, **arguments)
    assert client.sent == [(verb, f"/tag/{tag.id}")] * 3


def test_an_update_whose_answer_was_lost_is_sent_again(client: Client, faults: Any) -> None:
    """SendX applied it and the connection dropped: sending it again is harmless."""
    tag = client.tags.create(name="VIP")
    faults({"method": "PUT", "path": "/api/v1/rest/tag/", "drop": "after", "times": 1})
    assert client.tags.update(tag.id, name="Gold").name == "Gold"


def test_a_delete_whose_answer_was_lost(client: Client, faults: Any) -> None:
    """SendX deleted it and the connection dropped: the delete sent again finds
    nothing, and says so (NotFoundError); the object is gone, as asked."""
    tag = client.tags.create(name="VIP")
    faults({"method": "DELETE", "path": "/api/v1/rest/tag/", "drop": "after", "times": 1})
    with pytest.raises(sendx.NotFoundError):
        client.tags.delete(tag.id)
    assert list(client.tags.list()) == []


def test_every_create_is_declared_not_idempotent_and_the_rest_idempotent() -> None:
    """The call descriptions themselves: creates ``idempotent=False``, every other
    operation ``True``."""
    from sendx.resources import (
        custom_fields,
        members,
        post_categories,
        post_tags,
        posts,
        senders,
        tags,
        templates,
        webhooks,
    )

    a = "A" * 22
    creates = [
        tags.create_call("x"),
        custom_fields.create_call(name="x", type=0),
        templates.create_call(name="x", subject="s"),
        webhooks.create_call(url="http://x.io/h"),
        posts.create_call(b"{}"),
        post_categories.create_call("x"),
        post_tags.create_call("x"),
        senders.create_call(name="x", email="x@example.com"),
    ]
    assert [call.idempotent for call in creates] == [False] * len(creates)
    others = [
        module.get_call(prefix + a)
        for module, prefix in [
            (tags, "tag_"),
            (custom_fields, "custom_field_"),
            (templates, "template_"),
            (webhooks, "webhook_"),
            (posts, "post_"),
            (post_categories, "post_category_"),
            (post_tags, "post_tag_"),
            (members, "member_"),
        ]
    ]
    for module in (tags, custom_fields, templates, webhooks, posts, post_categories, post_tags):
        others += [module.update_call("x_" + a, b"{}"), module.delete_call("x_" + a)]
    assert all(call.idempotent for call in others)
    assert all(call.rest for call in creates + others)

"""client.post_tags: the tags of blog posts, apart from contacts' tags."""

from __future__ import annotations

import pytest
from tests.client.rest._named import check_crud_by_id, check_crud_by_name
from tests.client.rest.conftest import Client

import sendx


def test_crud_by_id(client: Client) -> None:
    check_crud_by_id(client.post_tags, "post_tag_", name="Summer")


def test_crud_by_name(client: Client) -> None:
    check_crud_by_name(client, client.post_tags, name="Summer")


def test_taken_names(client: Client) -> None:
    """As SendX's spec says: 403 for a taken name on create, 409 on a rename."""
    client.post_tags.create(name="Summer")
    with pytest.raises(sendx.PermissionDeniedError) as caught:
        client.post_tags.create(name="Summer")
    assert "already exists" in str(caught.value)
    assert "access" not in str(caught.value)
    winter = client.post_tags.create(name="Winter")
    with pytest.raises(sendx.ConflictError):
        client.post_tags.update(winter.id, name="Summer")


def test_apart_from_contact_tags(client: Client) -> None:
    """A post tag and a contact tag may share a name; each family finds its own."""
    post_tag = client.post_tags.create(name="News")
    tag = client.tags.create(name="News")
    assert client.post_tags.get("News").id == post_tag.id
    assert client.tags.get("News").id == tag.id


def test_one_request_lists_them_all(client: Client) -> None:
    """SendX does not page post tags: one GET without offset or limit."""
    for name in ("a", "b", "c"):
        client.post_tags.create(name=name)
    client.sent.clear()
    assert [tag.name for tag in client.post_tags.list()] == ["a", "b", "c"]
    assert client.sent == [("GET", "/post/tag")]
    assert [tag.name for tag in client.post_tags.list().page(offset=2, limit=1)] == [
        "a",
        "b",
        "c",
    ]

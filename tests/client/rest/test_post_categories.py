"""client.post_categories: the categories of blog posts."""

from __future__ import annotations

import pytest
from tests.client.rest._named import check_crud_by_id, check_crud_by_name
from tests.client.rest.conftest import Client

import sendx


def test_crud_by_id(client: Client) -> None:
    check_crud_by_id(client.post_categories, "post_category_", name="Product Updates")


def test_crud_by_name(client: Client) -> None:
    check_crud_by_name(client, client.post_categories, name="Product Updates")


def test_taken_names_are_conflicts(client: Client) -> None:
    """409 on create and on rename, with SendX's message."""
    client.post_categories.create(name="News")
    with pytest.raises(sendx.ConflictError) as caught:
        client.post_categories.create(name="News")
    assert "already exists" in caught.value.message
    other = client.post_categories.create(name="Howtos")
    with pytest.raises(sendx.ConflictError):
        client.post_categories.update(other.id, name="News")


def test_one_request_lists_them_all(client: Client) -> None:
    client.post_categories.create(name="a")
    client.post_categories.create(name="b")
    client.sent.clear()
    assert [category.name for category in client.post_categories.list()] == ["a", "b"]
    assert client.sent == [("GET", "/post/category")]


def test_deleting_a_category_leaves_its_posts(client: Client) -> None:
    client.post_categories.create(name="News")
    post = client.posts.create(name="p", post_title="P", post_category="News")
    assert post.post_category is not None
    client.post_categories.delete("News")
    assert client.posts.get(post.id).post_category is None

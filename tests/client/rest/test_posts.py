"""client.posts: blog posts; their category and post tags by name or id, their
author by id."""

from __future__ import annotations

from typing import Any

import pytest
from tests.client.rest._named import check_crud_by_id, check_crud_by_name
from tests.client.rest.conftest import Client

import sendx

FULL: dict[str, Any] = {
    "post_description": "Our summer wear.",
    "post_thumbnail": "https://cdn.example.com/summer-thumb.jpg",
    "post_html": "<h1>Welcome to Summer 2025!</h1>",
    "post_template": "default-blog",
    "is_published": True,
    "editor_type": 2,
    "post_slug": "introducing-summer-collection",
    "status": 3,
    "page_title": "Summer | Example Blog",
    "page_description": "Fresh 2025 summer styles.",
    "page_keywords": "summer, collection",
    "social_title": "Our Summer Line",
    "social_description": "A sneak peek.",
    "social_image_url": "https://cdn.example.com/summer-social.jpg",
}


def test_crud_by_id(client: Client) -> None:
    check_crud_by_id(client.posts, "post_", name="launch", post_title="Launch")


def test_crud_by_name(client: Client) -> None:
    check_crud_by_name(client, client.posts, name="launch", post_title="Launch")


def test_every_property_is_written_and_read_back(client: Client) -> None:
    category = client.post_categories.create(name="Product Updates")
    summer, sale = client.post_tags.create(name="Summer"), client.post_tags.create(name="Sale")
    author = list(client.members.list())[1]
    post = client.posts.create(
        name="summer_collection_2025",
        post_title="Introducing Our New Summer Collection",
        post_category="Product Updates",
        member=author.id,
        included_tags=["Summer", sale.id],
        **FULL,
    )
    assert post.post_category == category.id
    assert post.member == author.id
    assert post.included_tags == [summer.id, sale.id]
    assert {name: getattr(post, name) for name in FULL} == FULL
    assert client.posts.get(post.id) == post


def test_a_draft_by_default(client: Client) -> None:
    post = client.posts.create(name="draft", post_title="Draft")
    assert (post.is_published, post.post_category, post.member, post.included_tags) == (
        False,
        None,
        None,
        [],
    )


def test_update_keeps_what_is_not_given(client: Client) -> None:
    client.post_tags.create(name="Summer")
    client.post_tags.create(name="Sale")
    post = client.posts.create(name="p", post_title="P", included_tags=["Summer"], **FULL)
    updated = client.posts.update("p", post_title="P2", included_tags=["Sale", "Summer"])
    assert updated.post_title == "P2"
    assert [client.post_tags.get(tag).name for tag in updated.included_tags] == ["Sale", "Summer"]
    assert {name: getattr(updated, name) for name in FULL} == FULL
    assert client.posts.update(post.id, included_tags=[]).included_tags == []


def test_unknown_names_are_refused_before_the_post_is_sent(client: Client) -> None:
    """Names are looked up first: one the team does not have is an error naming it,
    and the post is not sent."""
    client.post_tags.create(name="Summer")
    with pytest.raises(sendx.InvalidRequestError, match="no post tag named 'Winter'") as caught:
        client.posts.create(name="p", post_title="P", included_tags=["Summer", "Winter"])
    assert caught.value.field == "included_tags"
    with pytest.raises(sendx.InvalidRequestError, match="no post category named") as caught:
        client.posts.create(name="p", post_title="P", post_category="News")
    assert caught.value.field == "post_category"
    assert [method for method, _ in client.sent] == ["POST", "GET", "GET"]
    assert list(client.posts.list()) == []


def test_contact_tags_are_not_post_tags(client: Client) -> None:
    client.tags.create(name="Summer")
    with pytest.raises(sendx.InvalidRequestError, match="no post tag named 'Summer'"):
        client.posts.create(name="p", post_title="P", included_tags=["Summer"])


def test_refusals_of_sendx(client: Client) -> None:
    """A taken name is a 409 (SendX's spec); an author the team does not have a 400."""
    client.posts.create(name="p", post_title="P")
    with pytest.raises(sendx.ConflictError, match="already exists"):
        client.posts.create(name="p", post_title="Again")
    with pytest.raises(sendx.BadRequestError, match="member"):
        client.posts.create(name="q", post_title="Q", member="member_" + "A" * 22)


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"post_title": None}, "post_title"),
        ({"name": 5}, "name"),
        ({"post_thumbnail": "cdn.example.com/a.jpg"}, "post_thumbnail"),
        ({"social_image_url": "javascript:alert(1)"}, "social_image_url"),
        ({"is_published": "yes"}, "is_published"),
        ({"editor_type": 3}, "editor_type"),
        ({"status": 256}, "status"),
        ({"status": True}, "status"),
        ({"member": "jane.doe@example.com"}, "member"),
        ({"included_tags": "Summer"}, "included_tags"),
        ({"included_tags": ["Summer", 5]}, "included_tags[1]"),
        ({"post_category": ""}, "post_category"),
        ({"page_description": "x" * 5001}, "page_description"),
        ({"timeout": -1}, "timeout"),
    ],
)
def test_bad_arguments_are_refused_before_any_request(
    client: Client, arguments: dict[str, Any], field: str
) -> None:
    with pytest.raises(sendx.InvalidRequestError) as caught:
        client.posts.create(**{"name": "p", "post_title": "P", **arguments})
    assert caught.value.field == field
    changes = {k: v for k, v in arguments.items() if v is not None}
    if changes:  # an update needs no title, and refuses the rest the same way
        with pytest.raises(sendx.InvalidRequestError) as caught:
            client.posts.update("some post", **changes)
        assert caught.value.field == field
    assert client.sent == []

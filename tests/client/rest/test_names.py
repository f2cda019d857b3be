"""Names for ids: looked up once, remembered per client, looked up again on a miss
(an object another client made) and when SendX no longer knows a remembered id (an
object another client deleted, or deleted and made again)."""

from __future__ import annotations

from typing import Any

import pytest
from tests.client.rest.conftest import Client

import sendx


def test_a_name_another_client_made_is_found(client: Client) -> None:
    """The client lists tags again when a name is new to it."""
    assert list(client.tags.list()) == []
    made = client.other().tags.create(name="VIP")
    client.sent.clear()
    assert client.tags.get("VIP") == made
    assert client.sent == [("GET", "/tag"), ("GET", f"/tag/{made.id}")]
    client.sent.clear()
    client.tags.get("VIP")
    assert client.sent == [("GET", f"/tag/{made.id}")], "then remembered"


def test_a_name_in_another_family_is_found_the_same_way(client: Client) -> None:
    """Post tags and post categories are not paged: looked up with one request."""
    other = client.other()
    tag = other.post_tags.create(name="Summer")
    category = other.post_categories.create(name="News")
    client.sent.clear()
    post = client.posts.create(
        name="p", post_title="P", post_category="News", included_tags=["Summer"]
    )
    assert (post.post_category, post.included_tags) == (category.id, [tag.id])
    assert client.sent == [("GET", "/post/category"), ("GET", "/post/tag"), ("POST", "/post")]


def test_an_id_is_never_looked_up(client: Client) -> None:
    tag = client.other().tags.create(name="VIP")
    client.sent.clear()
    assert client.tags.get(tag.id) == tag
    assert client.sent == [("GET", f"/tag/{tag.id}")]


def test_a_name_deleted_elsewhere_is_looked_up_again(client: Client) -> None:
    """A remembered id that SendX answers 404 for is forgotten, the name looked up
    again, and the call sent to what the name names now."""
    old = client.templates.create(name="Welcome", subject="Hi")
    other = client.other()
    other.templates.delete(old.id)
    new = other.templates.create(name="Welcome", subject="Hello")
    client.sent.clear()
    assert client.templates.update("Welcome", preheader="p").id == new.id
    assert client.sent == [
        ("PUT", f"/template/email/{old.id}"),
        ("GET", "/template/email"),
        ("PUT", f"/template/email/{new.id}"),
    ]
    other.templates.delete(new.id)
    with pytest.raises(sendx.InvalidRequestError, match="no template named 'Welcome'"):
        client.templates.get("Welcome")


def test_a_404_on_an_id_is_not_retried(client: Client) -> None:
    tag = client.tags.create(name="VIP")
    client.other().tags.delete(tag.id)
    client.sent.clear()
    with pytest.raises(sendx.NotFoundError):
        client.tags.delete(tag.id)
    assert client.sent == [("DELETE", f"/tag/{tag.id}")]


def test_a_404_after_a_fresh_lookup_is_sendx_answer(client: Client, faults: Any) -> None:
    """A name looked up just now is not looked up again on a 404: the 404 stands."""
    tag = client.other().tags.create(name="VIP")
    faults({"method": "GET", "path": "/api/v1/rest/tag/", "status": 404, "times": 1})
    client.sent.clear()
    with pytest.raises(sendx.NotFoundError):
        client.tags.get("VIP")
    assert client.sent == [("GET", "/tag"), ("GET", f"/tag/{tag.id}")]


def test_a_remembered_name_is_looked_up_once_more(client: Client, faults: Any) -> None:
    """A remembered name whose object SendX answers 404 for is looked up again, once;
    SendX's next answer stands."""
    tag = client.tags.create(name="VIP")
    faults({"method": "GET", "path": "/api/v1/rest/tag/", "status": 404, "times": 2})
    client.sent.clear()
    with pytest.raises(sendx.NotFoundError):
        client.tags.get("VIP")
    assert client.sent == [("GET", f"/tag/{tag.id}"), ("GET", "/tag"), ("GET", f"/tag/{tag.id}")]

"""list(): every object, in pages of 100 (the API's largest) fetched as the iteration
goes, stopping at the first short page; .page() for one page; one request for the
lists SendX does not page."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from tests.client.rest.conftest import Client

import sendx


def _tags(client: Client, count: int) -> list[str]:
    return [client.tags.create(name=f"tag {n:03}").id for n in range(count)]


def test_several_pages_fetched_lazily(client: Client) -> None:
    """205 tags: pages at offsets 0, 100 and 200, each asked for only when the
    iteration reaches it; the short third page ends it."""
    ids = _tags(client, 205)
    client.sent.clear()
    items = iter(client.tags.list())
    first = list(itertools.islice(items, 100))
    assert len(client.sent) == 1, "one page so far"
    rest = list(items)
    assert [tag.id for tag in first + rest] == ids
    assert client.sent == [("GET", "/tag")] * 3


@pytest.mark.parametrize("count", [0, 100, 200])
def test_a_full_last_page_needs_one_more_request(client: Client, count: int) -> None:
    """A last page that is full cannot say it is the last: one more (empty) page does."""
    ids = _tags(client, count)
    client.sent.clear()
    assert [tag.id for tag in client.tags.list()] == ids
    assert len(client.sent) == count // 100 + 1


def test_one_page(client: Client) -> None:
    ids = _tags(client, 5)
    client.sent.clear()
    assert [tag.id for tag in client.tags.list().page(offset=1, limit=3)] == ids[1:4]
    assert [tag.id for tag in client.tags.list().page()] == ids
    assert [tag.id for tag in client.tags.list().page(4)] == ids[4:]
    assert len(client.sent) == 3


@pytest.mark.parametrize(
    ("arguments", "field"),
    [({"offset": -1}, "offset"), ({"limit": 0}, "limit"), ({"limit": 101}, "limit")],
)
def test_a_page_out_of_bounds_is_refused_before_any_request(
    client: Client, arguments: dict[str, int], field: str
) -> None:
    with pytest.raises(sendx.InvalidRequestError) as caught:
        client.tags.list().page(**arguments)
    assert caught.value.field == field
    assert client.sent == []


#: The paged families, and how to make one object of each.
PAGED: dict[str, Callable[[Client, int], Any]] = {
    "custom_fields": lambda c, n: c.custom_fields.create(name=f"f{n:03}", type="text"),
    "templates": lambda c, n: c.templates.create(name=f"t{n:03}", subject="s"),
    "posts": lambda c, n: c.posts.create(name=f"p{n:03}", post_title="P"),
    "lists": lambda c, n: c.lists.create(name=f"l{n:03}"),
}


@pytest.mark.parametrize("family", sorted(PAGED))
def test_every_paged_family_pages(client: Client, family: str) -> None:
    """101 objects: a full page and a short one."""
    ids = [PAGED[family](client, n).id for n in range(101)]
    client.sent.clear()
    assert [item.id for item in getattr(client, family).list()] == ids
    assert len(client.sent) == 2


@pytest.mark.parametrize(
    ("family", "path"),
    [
        ("webhooks", "/webhook"),
        ("senders", "/sender"),
        ("post_categories", "/post/category"),
        ("post_tags", "/post/tag"),
        ("members", "/team/member"),
    ],
)
def test_unpaged_families_are_fetched_once(client: Client, family: str, path: str) -> None:
    items = list(getattr(client, family).list())
    assert client.sent == [("GET", path)]
    assert items == getattr(client, family).list().page()

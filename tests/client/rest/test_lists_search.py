"""client.lists.list(search=...): SendX's spec lets a list's listing search names."""

from __future__ import annotations

import pytest
from tests.client.rest.conftest import Client

import sendx


def test_search(client: Client) -> None:
    for name in ("Newsletter", "Weekly NEWS", "Customers"):
        client.lists.create(name=name)
    client.sent.clear()
    assert [item.name for item in client.lists.list(search="news")] == ["Newsletter", "Weekly NEWS"]
    assert client.sent == [("GET", "/list")]


@pytest.mark.parametrize("bad", ["n", "x" * 101, 5, ""])
def test_a_bad_search_is_refused_before_any_request(client: Client, bad: object) -> None:
    with pytest.raises(sendx.InvalidRequestError) as caught:
        client.lists.list(search=bad)
    assert caught.value.field == "search"
    assert client.sent == []

"""client.senders: create and list (SendX's only two operations on them)."""

from __future__ import annotations

import pytest
from tests.client.rest.conftest import Client

import sendx


def test_create_and_list(client: Client) -> None:
    ann = client.senders.create(name="Ann Lee", email="ann@example.com")
    assert ann.id.startswith("sender_")
    assert (ann.name, ann.email, ann.is_whitelisted) == ("Ann Lee", "ann@example.com", True)
    support = client.senders.create(name="Support", email="support@example.com")
    client.sent.clear()
    assert list(client.senders.list()) == [ann, support]
    assert client.sent == [("GET", "/sender")]
    assert client.senders.list().page() == [ann, support]


def test_an_address_the_team_has_is_refused(client: Client) -> None:
    client.senders.create(name="Ann", email="ann@example.com")
    with pytest.raises(sendx.PermissionDeniedError, match="already exists"):
        client.senders.create(name="Ann again", email="ANN@example.com")


def test_bad_arguments_are_refused_before_any_request(client: Client) -> None:
    """A bad address is refused masked (a sender is a person's address too)."""
    with pytest.raises(sendx.InvalidRequestError) as caught:
        client.senders.create(name="Ann", email="ann.lee@examplecom")
    assert caught.value.field == "email"
    assert "ann.lee" not in str(caught.value)
    with pytest.raises(sendx.InvalidRequestError) as caught:
        client.senders.create(name="", email="ann@example.com")
    assert caught.value.field == "name"
    assert client.sent == []


def test_only_create_and_list() -> None:
    from sendx.resources.senders import AsyncSenders, Senders

    for family in (Senders, AsyncSenders):
        assert {n for n in dir(family) if not n.startswith("_")} == {"create", "list"}

"""client.tags: create, get, update, delete and list, by id and by name, on both
clients."""

from __future__ import annotations

import pytest
from tests.client.rest._named import check_crud_by_id, check_crud_by_name
from tests.client.rest.conftest import Client

import sendx


def test_crud_by_id(client: Client) -> None:
    check_crud_by_id(client.tags, "tag_", name="VIP")


def test_crud_by_name(client: Client) -> None:
    check_crud_by_name(client, client.tags, name="VIP")


def test_a_taken_name_is_refused(client: Client) -> None:
    """SendX answers 403 for a name the team has: PermissionDeniedError with SendX's
    message, and no advice about the key's access (the key is fine)."""
    client.tags.create(name="VIP")
    with pytest.raises(sendx.PermissionDeniedError) as caught:
        client.tags.create(name="VIP")
    assert caught.value.message == "Resource with this name already exists"
    assert str(caught.value) == "SendX answered 403: Resource with this name already exists"
    other = client.tags.create(name="Gold")
    with pytest.raises(sendx.PermissionDeniedError):
        client.tags.update(other.id, name="VIP")


def test_a_tag_reaches_contacts(client: Client) -> None:
    """A tag made here is the tag contacts get by name, and a rename reaches them."""
    tag = client.tags.create(name="VIP")
    contact = client.contacts.create(email="ann@x.io", tags=["VIP"])
    assert contact.tags == [tag.id]
    client.tags.update("VIP", name="Gold")
    assert client.contacts.get("ann@x.io").tags == [tag.id]
    client.tags.delete("Gold")
    assert client.contacts.get("ann@x.io").tags == []

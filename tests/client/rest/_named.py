"""Checks that every family of named objects passes (tags, post tags, post
categories, ...): its five operations by id and by name, as both clients."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

import sendx
from sendx.types import Deleted


def check_crud_by_id(family: Any, prefix: str, **create: Any) -> Any:
    """Create, get, rename, delete and list by id; the created object is returned
    for more checks."""
    created = family.create(**create)
    assert created.id.startswith(prefix)
    assert len(created.id) == len(prefix) + 22
    assert created.name == create["name"]
    assert isinstance(created.created, datetime.datetime)
    assert family.get(created.id) == created
    assert [item.id for item in family.list()] == [created.id]
    renamed = family.update(created.id, name=create["name"] + " 2")
    assert (renamed.id, renamed.name) == (created.id, create["name"] + " 2")
    assert renamed.updated is not None
    assert family.get(created.id) == renamed
    deleted = family.delete(created.id)
    assert isinstance(deleted, Deleted)
    assert deleted.status == "success"
    with pytest.raises(sendx.NotFoundError) as caught:
        family.get(created.id)
    assert caught.value.message == "Resource not found"
    assert list(family.list()) == []
    return created


def check_crud_by_name(client: Any, family: Any, **create: Any) -> None:
    """Get, update and delete by name; after a rename the old name is no name, after
    a delete neither is the last one (both refused before any call of theirs)."""
    name = create["name"]
    created = family.create(**create)
    client.sent.clear()
    assert family.get(name) == created
    assert len(client.sent) == 1, "a name the client made is not looked up"
    renamed = family.update(name, name=name + " (new)")
    assert renamed.id == created.id
    assert family.get(name + " (new)").id == created.id
    with pytest.raises(sendx.InvalidRequestError, match="named") as caught:
        family.get(name)
    assert name in str(caught.value)
    assert family.delete(name + " (new)").status == "success"
    with pytest.raises(sendx.InvalidRequestError, match="create it first"):
        family.delete(name + " (new)")

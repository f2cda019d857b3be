"""track over HTTP: adds then removes, the contact named by ?email=."""

from __future__ import annotations

import json

import pytest
from tests.emulator._helpers import Api

from sendx import NotFoundError, SendX

TRACK_OK = {"status": "200", "message": "OK", "data": "success"}


def test_adds_then_removes(api: Api) -> None:
    """addTags are attached, then removeTags detached; the answer is the track envelope."""
    api.identify({"email": "p@x.io", "tags": ["trial user", "blog"]})
    response = api.track("P@x.io", {"addTags": ["paid user"], "removeTags": ["trial user"]})
    assert response.status == 200
    assert json.loads(response.data) == TRACK_OK
    assert api.contact("p@x.io")["tags"] == ["blog", "paid user"]  # type: ignore[index]
    assert [(e["type"], e.get("tag")) for e in api.events()][-2:] == [
        ("tag_added", "paid user"),
        ("tag_removed", "trial user"),
    ]


def test_a_tag_in_both_lists_is_added_then_removed(api: Api) -> None:
    """Adds come first, so a tag in both lists ends removed, with both events."""
    api.identify({"email": "q@x.io"})
    api.track("q@x.io", {"addTags": ["x"], "removeTags": ["x"]})
    assert api.contact("q@x.io")["tags"] == []  # type: ignore[index]
    assert [e["type"] for e in api.events()] == ["contact_created", "tag_added", "tag_removed"]


def test_removing_an_absent_tag_and_adding_a_present_one_are_no_ops(api: Api) -> None:
    """No event for a tag already attached, nor for removing one not attached."""
    api.identify({"email": "r@x.io", "tags": ["a"]})
    before = api.snapshot()
    response = api.track("r@x.io", {"addTags": ["a"], "removeTags": ["never", "unknown"]})
    assert response.status == 200
    assert api.snapshot() == before


def test_empty_or_absent_body_is_a_no_op(api: Api) -> None:
    """No body at all (Content-Length: 0), {} and nulls all answer 200 and change nothing."""
    api.identify({"email": "s@x.io", "tags": ["a"]})
    before = api.snapshot()
    for raw in (b"", b"{}", b'{"addTags": null, "removeTags": null}', b'{"addTags": []}'):
        response = api.track("s@x.io", raw=raw)
        assert response.status == 200, raw
        assert json.loads(response.data) == TRACK_OK
    assert api.snapshot() == before


def test_unknown_contact_is_404(api: Api) -> None:
    """track never creates a contact."""
    before = api.snapshot()
    response = api.track("nobody@x.io", {"addTags": ["a"]})
    assert response.status == 404
    assert json.loads(response.data) == {
        "status": "404",
        "message": "no contact with this email in this team",
    }
    assert api.snapshot() == before


def test_our_client_tracks_and_sees_404(client: SendX, api: Api) -> None:
    """Through the sendx client: success, and NotFoundError for an unknown contact."""
    client.contacts.identify("j+1@x.io")
    client.contacts.track("j+1@x.io", add_tags=["paid user"], remove_tags=["trial user"])
    assert api.contact("j+1@x.io")["tags"] == ["paid user"]  # type: ignore[index]
    with pytest.raises(NotFoundError) as info:
        client.contacts.track("missing@x.io", add_tags=["a"])
    assert info.value.status == 404


def test_track_after_rename_uses_the_new_address(api: Api) -> None:
    """The old address no longer names the contact."""
    api.identify({"email": "before@x.io"})
    api.identify({"email": "before@x.io", "newEmail": "after@x.io"})
    assert api.track("before@x.io", {"addTags": ["a"]}).status == 404
    assert api.track("after@x.io", {"addTags": ["a"]}).status == 200
    assert api.events()[-1] == {**api.events()[-1], "type": "tag_added", "email": "after@x.io"}

"""client.members: list them and get one (members are read-only)."""

from __future__ import annotations

import pytest
from tests.client.rest.conftest import MEMBER, Client

import sendx


def test_list_and_get(client: Client) -> None:
    members = list(client.members.list())
    assert client.sent == [("GET", "/team/member")]
    assert [m.email for m in members] == ["owner@example.com", MEMBER]
    jane = members[1]
    assert jane.id.startswith("member_")
    assert (jane.user_name, jane.full_name, jane.avatar_url) == ("jane.doe", "Jane Doe", None)
    assert client.members.get(jane.id) == jane
    assert client.members.get(jane.id[len("member_") :]) == jane


def test_an_unknown_member(client: Client) -> None:
    with pytest.raises(sendx.NotFoundError):
        client.members.get("member_" + "A" * 22)


@pytest.mark.parametrize("bad", ["jane.doe@example.com", "post_" + "A" * 22, "", None, 7])
def test_ids_are_checked_before_any_request(client: Client, bad: object) -> None:
    with pytest.raises(sendx.InvalidRequestError, match="member_") as caught:
        client.members.get(bad)
    assert caught.value.field == "member_id"
    assert client.sent == []


def test_only_list_and_get() -> None:
    from sendx.resources.members import AsyncMembers, Members

    for family in (Members, AsyncMembers):
        assert {n for n in dir(family) if not n.startswith("_")} == {"get", "list"}

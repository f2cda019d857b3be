"""REST tags: the v1 catalogue with ids; renames and deletes reach every contact."""

from __future__ import annotations

from tests.emulator._helpers import Api
from tests.emulator.rest.conftest import Rest


def test_crud_and_unique_names(rest: Rest, other: Rest) -> None:
    vip = rest.create("/tag", {"name": "vip"})
    assert vip["id"].startswith("tag_")
    assert rest.call("POST", "/tag", {"name": "vip"}).status == 403
    assert rest.ok("GET", "/tag/" + vip["id"]) == vip
    assert rest.ok("GET", "/tag") == [vip]
    assert other.call("GET", "/tag/" + vip["id"]).status == 404
    assert other.create("/tag", {"name": "vip"})["id"] != vip["id"]
    assert rest.ok("DELETE", "/tag/" + vip["id"])["status"] == "success"
    assert rest.ok("GET", "/tag") == []


def test_a_rename_renames_it_on_contacts_for_v1_too(rest: Rest, api: Api) -> None:
    rest.ok("POST", "/contact/identify", {"email": "a@x.io", "tags": ["trial", "beta"]})
    trial = next(t for t in rest.ok("GET", "/tag") if t["name"] == "trial")
    rest.ok("PUT", "/tag/" + trial["id"], {"name": "paid"})
    contact = rest.ok("GET", "/contact/a@x.io")
    assert contact["tags"][0] == trial["id"]
    v1 = api.contact("a@x.io", team=rest.team_id)
    assert v1 is not None
    assert v1["tags"] == ["paid", "beta"]
    # identify with the new name attaches the same tag, no new one.
    rest.ok("POST", "/contact/identify", {"email": "b@x.io", "tags": ["paid"]})
    assert [t["name"] for t in rest.ok("GET", "/tag")] == ["paid", "beta"]


def test_a_deleted_tag_leaves_every_contact(rest: Rest) -> None:
    rest.ok("POST", "/contact/identify", {"email": "a@x.io", "tags": ["trial", "beta"]})
    rest.ok("POST", "/contact/identify", {"email": "b@x.io", "tags": ["trial"]})
    tags = {t["name"]: t["id"] for t in rest.ok("GET", "/tag")}
    rest.ok("DELETE", "/tag/" + tags["trial"])
    assert rest.ok("GET", "/contact/a@x.io")["tags"] == [tags["beta"]]
    assert rest.ok("GET", "/contact/b@x.io")["tags"] == []
    # identify may create it again: a new tag, with a new id.
    rest.ok("POST", "/contact/identify", {"email": "b@x.io", "tags": ["trial"]})
    [again] = [t for t in rest.ok("GET", "/tag") if t["name"] == "trial"]
    assert again["id"] != tags["trial"]


def test_paging(rest: Rest) -> None:
    for n in range(12):
        rest.create("/tag", {"name": f"t{n}"})
    assert len(rest.ok("GET", "/tag")) == 10
    assert [t["name"] for t in rest.ok("GET", "/tag", offset=10)] == ["t10", "t11"]

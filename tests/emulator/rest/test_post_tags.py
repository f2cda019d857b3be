"""REST post tags: CRUD, unique names (403 on create, 409 on rename, as SendX's spec
says), a list without paging, a deleted post tag leaves every post, team isolation."""

from __future__ import annotations

import re

import pytest
from tests.emulator.rest.conftest import Rest

POST_TAG_ID = re.compile(r"post_tag_[a-zA-Z0-9]{22}")
TAKEN = {"status": "error", "message": "A post tag with this name already exists"}


def test_crud(rest: Rest) -> None:
    created = rest.create("/post/tag", {"name": "Summer Sale"})
    assert POST_TAG_ID.fullmatch(created["id"])
    assert created == {
        "id": created["id"],
        "name": "Summer Sale",
        "created": created["created"],
        "updated": created["created"],
    }
    path = "/post/tag/" + created["id"]
    assert rest.ok("GET", path) == created
    renamed = rest.ok("PUT", path, {"name": "Winter Sale"})
    assert (renamed["name"], renamed["created"]) == ("Winter Sale", created["created"])
    assert rest.ok("GET", "/post/tag") == [renamed]
    answer = rest.call("DELETE", path)
    assert (answer.status, answer.body["status"]) == (200, "success")
    for method, body in (("GET", None), ("PUT", {"name": "x"}), ("DELETE", None)):
        assert rest.call(method, path, body).status == 404


def test_a_taken_name_is_403_on_create_and_409_on_rename(rest: Rest, other: Rest) -> None:
    a = rest.create("/post/tag", {"name": "A"})
    rest.create("/post/tag", {"name": "B"})
    taken = rest.call("POST", "/post/tag", {"name": "A"})
    assert (taken.status, taken.body) == (403, TAKEN)
    renamed = rest.call("PUT", "/post/tag/" + a["id"], {"name": "B"})
    assert (renamed.status, renamed.body) == (409, TAKEN)
    assert rest.ok("PUT", "/post/tag/" + a["id"], {"name": "A"})["name"] == "A"
    assert other.create("/post/tag", {"name": "A"})["id"] != a["id"]
    # Post tags are not contacts' tags: the names do not meet.
    assert rest.create("/tag", {"name": "A"})


def test_the_list_has_no_paging(rest: Rest) -> None:
    names = [f"T{n:02}" for n in range(15)]
    for name in names:
        rest.create("/post/tag", {"name": name})
    assert [t["name"] for t in rest.ok("GET", "/post/tag")] == names
    assert len(rest.ok("GET", "/post/tag", offset=10)) == 15  # no such parameter


def test_a_deleted_post_tag_leaves_every_post(rest: Rest) -> None:
    a, b = (rest.create("/post/tag", {"name": n})["id"] for n in ("A", "B"))
    both = rest.create("/post", {"name": "both", "postTitle": "T", "includedTags": [a, b]})
    only_b = rest.create("/post", {"name": "b", "postTitle": "T", "includedTags": [b]})
    rest.ok("DELETE", "/post/tag/" + a)
    assert rest.ok("GET", "/post/" + both["id"])["includedTags"] == [b]
    assert rest.ok("GET", "/post/" + only_b["id"]) == only_b
    refused = rest.call("PUT", "/post/" + only_b["id"], {"includedTags": [a]})
    assert refused.status == 400


@pytest.mark.parametrize(
    ("body", "status"),
    [({}, 400), ({"name": ""}, 400), ({"name": " "}, 400), ({"name": 1}, 422), ([], 422)],
)
def test_bad_bodies(rest: Rest, body: object, status: int) -> None:
    assert rest.call("POST", "/post/tag", body).status == status
    created = rest.create("/post/tag", {"name": "A"})
    if body != {}:
        assert rest.call("PUT", "/post/tag/" + created["id"], body).status == status
    assert rest.ok("GET", "/post/tag") == [created]


def test_isolation(rest: Rest, other: Rest) -> None:
    mine = rest.create("/post/tag", {"name": "A"})
    for method, body in (("GET", None), ("PUT", {"name": "x"}), ("DELETE", None)):
        assert other.call(method, "/post/tag/" + mine["id"], body).status == 404
    assert other.ok("GET", "/post/tag") == []


@pytest.mark.parametrize(
    ("identifier", "status"),
    [("post_tag_x", 400), ("tag_" + "A" * 22, 404), ("post_tag_" + "A" * 22, 404)],
)
def test_malformed_and_unknown_ids(rest: Rest, identifier: str, status: int) -> None:
    for method, body in (("GET", None), ("PUT", {"name": "x"}), ("DELETE", None)):
        assert rest.call(method, "/post/tag/" + identifier, body).status == status


def test_a_key_is_required(rest: Rest) -> None:
    anonymous = rest.as_key(None)
    assert anonymous.call("GET", "/post/tag").status == 401
    assert anonymous.call("POST", "/post/tag", {"name": "A"}).status == 401

"""REST post categories: CRUD, unique names (409 on create and rename), a list without
paging, a deleted category leaves every post, team isolation."""

from __future__ import annotations

import re

import pytest
from tests.emulator.rest.conftest import Rest

CATEGORY_ID = re.compile(r"post_category_[a-zA-Z0-9]{22}")


def test_crud(rest: Rest) -> None:
    created = rest.create("/post/category", {"name": "Product Updates"})
    assert CATEGORY_ID.fullmatch(created["id"])
    assert created == {
        "id": created["id"],
        "name": "Product Updates",
        "created": created["created"],
        "updated": created["created"],
    }
    path = "/post/category/" + created["id"]
    assert rest.ok("GET", path) == created
    renamed = rest.ok("PUT", path, {"name": "Releases"})
    assert (renamed["name"], renamed["created"]) == ("Releases", created["created"])
    assert rest.ok("PUT", path, {})["name"] == "Releases"
    assert rest.ok("GET", "/post/category") == [rest.ok("GET", path)]
    answer = rest.call("DELETE", path)
    assert (answer.status, answer.body["status"]) == (200, "success")
    for method, body in (("GET", None), ("PUT", {"name": "x"}), ("DELETE", None)):
        assert rest.call(method, path, body).status == 404


def test_names_are_unique_in_a_team(rest: Rest, other: Rest) -> None:
    a = rest.create("/post/category", {"name": "A"})
    rest.create("/post/category", {"name": "B"})
    taken = rest.call("POST", "/post/category", {"name": "A"})
    assert taken.status == 409
    assert taken.body == {
        "status": "error",
        "message": "A post category with this name already exists",
    }
    assert rest.call("PUT", "/post/category/" + a["id"], {"name": "B"}).status == 409
    assert rest.ok("PUT", "/post/category/" + a["id"], {"name": "A"})["name"] == "A"
    assert other.create("/post/category", {"name": "A"})["id"] != a["id"]


def test_the_list_has_no_paging(rest: Rest) -> None:
    names = [f"C{n:02}" for n in range(15)]
    for name in names:
        rest.create("/post/category", {"name": name})
    assert [c["name"] for c in rest.ok("GET", "/post/category")] == names
    assert len(rest.ok("GET", "/post/category", limit=2)) == 15  # no such parameter


def test_a_deleted_category_leaves_every_post(rest: Rest) -> None:
    news, other = (rest.create("/post/category", {"name": n}) for n in ("News", "Other"))
    first = rest.create("/post", {"name": "a", "postTitle": "A", "postCategory": news["id"]})
    second = rest.create("/post", {"name": "b", "postTitle": "B", "postCategory": other["id"]})
    rest.ok("DELETE", "/post/category/" + news["id"])
    after = rest.ok("GET", "/post/" + first["id"])
    assert after["postCategory"] is None
    assert after["updated"] >= first["updated"]
    assert rest.ok("GET", "/post/" + second["id"]) == second
    refused = rest.call(
        "POST", "/post", {"name": "c", "postTitle": "C", "postCategory": news["id"]}
    )
    assert refused.status == 400


@pytest.mark.parametrize(
    ("body", "status"),
    [({}, 400), ({"name": ""}, 400), ({"name": " "}, 400), ({"name": 1}, 422), ([], 422)],
)
def test_bad_bodies(rest: Rest, body: object, status: int) -> None:
    assert rest.call("POST", "/post/category", body).status == status
    created = rest.create("/post/category", {"name": "A"})
    if body != {}:
        assert rest.call("PUT", "/post/category/" + created["id"], body).status == status
    assert rest.ok("GET", "/post/category") == [created]


def test_isolation(rest: Rest, other: Rest) -> None:
    mine = rest.create("/post/category", {"name": "A"})
    for method, body in (("GET", None), ("PUT", {"name": "x"}), ("DELETE", None)):
        assert other.call(method, "/post/category/" + mine["id"], body).status == 404
    assert other.ok("GET", "/post/category") == []


@pytest.mark.parametrize(
    ("identifier", "status"),
    [("post_category_x", 400), ("post_tag_" + "A" * 22, 404), ("post_category_" + "A" * 22, 404)],
)
def test_malformed_and_unknown_ids(rest: Rest, identifier: str, status: int) -> None:
    for method, body in (("GET", None), ("PUT", {"name": "x"}), ("DELETE", None)):
        assert rest.call(method, "/post/category/" + identifier, body).status == status


def test_a_key_is_required(rest: Rest) -> None:
    anonymous = rest.as_key(None)
    assert anonymous.call("GET", "/post/category").status == 401
    assert anonymous.call("POST", "/post/category", {"name": "A"}).status == 401

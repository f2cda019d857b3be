"""REST lists: CRUD, unique names, paging, and a deleted list leaves every contact."""

from __future__ import annotations

import re

import pytest
from tests.emulator.rest.conftest import Rest

LIST_ID = re.compile(r"list_[a-zA-Z0-9]{22}")


def test_crud(rest: Rest) -> None:
    created = rest.create("/list", {"name": "Newsletter"})
    assert LIST_ID.fullmatch(created["id"])
    assert created["type"] == 0
    assert rest.ok("GET", "/list/" + created["id"]) == created
    renamed = rest.ok("PUT", "/list/" + created["id"], {"name": "Weekly"})
    assert renamed["name"] == "Weekly"
    assert renamed["created"] == created["created"]
    unchanged = rest.ok("PUT", "/list/" + created["id"], {})
    assert {**unchanged, "updated": None} == {**renamed, "updated": None}
    answer = rest.call("DELETE", "/list/" + created["id"])
    assert answer.status == 200
    assert answer.body["status"] == "success"
    assert rest.call("GET", "/list/" + created["id"]).status == 404


def test_names_are_unique_in_a_team(rest: Rest, other: Rest) -> None:
    a = rest.create("/list", {"name": "A"})
    rest.create("/list", {"name": "B"})
    taken = rest.call("POST", "/list", {"name": "A"})
    assert taken.status == 403
    assert taken.body == {"status": "error", "message": "Resource with this name already exists"}
    assert rest.call("PUT", "/list/" + a["id"], {"name": "B"}).status == 403
    assert rest.ok("PUT", "/list/" + a["id"], {"name": "A"})["name"] == "A"  # its own name
    assert other.create("/list", {"name": "A"})["id"] != a["id"]
    assert rest.create("/list", {"name": "a"})  # names compare case-sensitively, as v1's tags


@pytest.mark.parametrize(
    ("body", "status"), [({}, 400), ({"name": ""}, 400), ({"name": "  "}, 400), ({"name": 1}, 422)]
)
def test_bad_bodies(rest: Rest, body: object, status: int) -> None:
    assert rest.call("POST", "/list", body).status == status


def test_paging(rest: Rest) -> None:
    names = [f"L{n:02}" for n in range(23)]
    for name in names:
        rest.create("/list", {"name": name})
    assert len(rest.ok("GET", "/list")) == 10
    got = [x["name"] for o in range(0, 30, 7) for x in rest.ok("GET", "/list", offset=o, limit=7)]
    assert got == names
    assert rest.call("GET", "/list", limit=101).status == 400


def test_isolation(rest: Rest, other: Rest) -> None:
    mine = rest.create("/list", {"name": "A"})
    for method, body in (("GET", None), ("PUT", {"name": "x"}), ("DELETE", None)):
        assert other.call(method, "/list/" + mine["id"], body).status == 404
    assert other.ok("GET", "/list") == []


def test_a_deleted_list_leaves_every_contact(rest: Rest) -> None:
    a, b = rest.create("/list", {"name": "A"}), rest.create("/list", {"name": "B"})
    ann = rest.create("/contact", {"email": "ann@x.io", "lists": [a["id"], b["id"]]})
    rest.ok("DELETE", "/list/" + a["id"])
    assert rest.ok("GET", "/contact/" + ann["id"])["lists"] == [b["id"]]
    assert rest.call("POST", "/contact", {"email": "c@x.io", "lists": [a["id"]]}).status == 400


@pytest.mark.parametrize(("identifier", "status"), [("list_x", 400), ("tag_" + "A" * 22, 404)])
def test_malformed_and_foreign_ids(rest: Rest, identifier: str, status: int) -> None:
    assert rest.call("GET", "/list/" + identifier).status == status


def test_an_integral_number_is_an_integer(rest: Rest) -> None:
    """JSON has numbers: 3.0 is the integer 3, as JSON Schema reads it; 3.5 is not."""
    field = rest.call("POST", "/customfield", raw=b'{"name": "N", "type": 1.0}')
    assert field.status == 201
    assert field.body["type"] == 1
    assert rest.call("POST", "/customfield", raw=b'{"name": "M", "type": 1.5}').status == 422

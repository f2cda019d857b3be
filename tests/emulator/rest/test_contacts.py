"""REST contacts: create, get, update, delete, unsubscribe, list and search, identify and
track, over a real socket."""

from __future__ import annotations

import re
from typing import Any

import pytest
from tests.emulator.rest.conftest import Rest, segment

CONTACT_ID = re.compile(r"contact_[a-zA-Z0-9]{22}")
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def _field(rest: Rest, name: str, kind: int) -> str:
    """A custom field's key on contacts (``field_<22>``)."""
    created = rest.create("/customfield", {"name": name, "type": kind})
    return "field_" + created["id"][len("custom_field_") :]


def test_create_answers_201_with_the_whole_contact(rest: Rest) -> None:
    contact = rest.create("/contact", {"email": "ann@x.io", "firstName": "Ann"})
    assert CONTACT_ID.fullmatch(contact["id"])
    assert TIME.fullmatch(contact["created"])
    assert contact["updated"] == contact["created"]
    assert contact == {
        "id": contact["id"],
        "firstName": "Ann",
        "lastName": None,
        "email": "ann@x.io",
        "company": None,
        "customFields": {},
        "lists": [],
        "tags": [],
        "unsubscribed": False,
        "bounced": False,
        "spam": False,
        "blocked": False,
        "dropped": False,
        "created": contact["created"],
        "updated": contact["updated"],
        "contactSource": 1,
        "pageSource": None,
        "lastTrackedIp": None,
        "LTV": 0,
    }
    assert rest.ok("GET", "/contact/" + contact["id"]) == contact


def test_create_with_lists_tags_and_fields(rest: Rest) -> None:
    newsletter = rest.create("/list", {"name": "Newsletter"})
    vip = rest.create("/tag", {"name": "VIP"})
    age = _field(rest, "Age", 1)
    contact = rest.create(
        "/contact",
        {
            "email": "ann@x.io",
            "lists": [newsletter["id"], newsletter["id"][len("list_") :]],
            "tags": [vip["id"], "tag_" + "x" * 22, "not-an-id"],
            "customFields": {age: "42"},
            "lastTrackedIp": "203.0.113.9",
        },
    )
    # Duplicates dropped, unknown tag ids ignored (as SendX's spec says).
    assert contact["lists"] == [newsletter["id"]]
    assert contact["tags"] == [vip["id"]]
    assert contact["customFields"] == {age: "42"}
    assert contact["lastTrackedIp"] == "203.0.113.9"


@pytest.mark.parametrize(
    ("kind", "good", "bad"),
    [
        (0, "any text", "x" * 256),
        (1, "-1.5", "twelve"),
        (2, "2024-02-29", "2023-02-29"),
        (3, "true", "yes"),
        (4, "+1 415 555 0100", "call me"),
    ],
)
def test_field_values_are_checked_against_the_fields_type(
    rest: Rest, kind: int, good: str, bad: str
) -> None:
    key = _field(rest, "F", kind)
    assert rest.create("/contact", {"email": "a@x.io", "customFields": {key: good}})
    refused = rest.call("POST", "/contact", {"email": "b@x.io", "customFields": {key: bad}})
    assert refused.status == 400
    assert "custom field 'F'" in refused.body["message"]


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({}, 400, "email is required"),
        ({"email": "not an address"}, 400, "is not an email address"),
        ({"email": "a@x.io", "firstName": "x" * 256}, 400, "length <= 255"),
        ({"email": "a@x.io", "lists": ["list_" + "y" * 22]}, 400, "the team has no list"),
        ({"email": "a@x.io", "lists": ["nope"]}, 400, "is not a valid id"),
        ({"email": "a@x.io", "customFields": {"field_" + "z" * 22: "1"}}, 400, "no custom field"),
        ({"email": "a@x.io", "lastTrackedIp": "300.1.1.1"}, 400, "IPv4"),
        ({"email": 5}, 422, "not in proper format"),
        ({"email": "a@x.io", "tags": "vip"}, 422, "not in proper format"),
    ],
)
def test_create_refuses_bad_bodies(rest: Rest, body: Any, status: int, words: str) -> None:
    answer = rest.call("POST", "/contact", body)
    assert answer.status == status
    assert answer.body["status"] == "error"
    assert words in answer.body["message"]
    assert rest.ok("GET", "/contact") == []


@pytest.mark.parametrize("raw", [b"", b"{", b"[]", b"nul", b"[" * 10_000])
def test_a_body_that_is_not_an_object_is_422(rest: Rest, raw: bytes) -> None:
    answer = rest.call("POST", "/contact", raw=raw)
    assert answer.status == 422
    assert answer.body == {
        "status": "error",
        "message": answer.body["message"],
    }
    assert answer.body["message"].startswith("Request body is not in proper format")


def test_an_address_the_team_has_is_409_in_any_case(rest: Rest) -> None:
    rest.create("/contact", {"email": "ann@x.io"})
    answer = rest.call("POST", "/contact", {"email": "ANN@X.io"})
    assert answer.status == 409
    assert answer.body == {"status": "error", "message": "Email already exists"}


def test_get_by_id_or_by_address(rest: Rest) -> None:
    contact = rest.create("/contact", {"email": "a/b+c@x.io"})
    assert rest.ok("GET", "/contact/" + segment("A/B+C@X.IO")) == contact
    assert rest.ok("GET", "/contact/" + contact["id"]) == contact


@pytest.mark.parametrize(
    ("identifier", "status"),
    [
        ("contact_" + "Q" * 22, 404),
        ("list_" + "Q" * 22, 404),
        ("nobody@x.io", 404),
        ("contact_short", 400),
        ("12345", 400),
    ],
)
def test_get_unknown_or_malformed(rest: Rest, identifier: str, status: int) -> None:
    answer = rest.call("GET", "/contact/" + segment(identifier))
    assert answer.status == status
    message = "Resource not found" if status == 404 else "Invalid identifier format"
    assert answer.body == {"status": "error", "message": message}


def test_another_team_sees_none_of_it(rest: Rest, other: Rest) -> None:
    contact = rest.create("/contact", {"email": "ann@x.io"})
    for method in ("GET", "DELETE"):
        assert other.call(method, "/contact/" + contact["id"]).status == 404
    assert other.call("PUT", "/contact/" + contact["id"], {"firstName": "x"}).status == 404
    assert other.call("POST", "/contact/unsubscribe/" + contact["id"]).status == 404
    assert other.call("GET", "/contact/ann@x.io").status == 404
    assert other.ok("GET", "/contact") == []
    # The same address is free in the other team.
    assert other.create("/contact", {"email": "ann@x.io"})["id"] != contact["id"]


def test_update_is_partial(rest: Rest) -> None:
    vip, new = rest.create("/tag", {"name": "vip"}), rest.create("/tag", {"name": "new"})
    plan, seats = _field(rest, "Plan", 0), _field(rest, "Seats", 1)
    a, b = rest.create("/list", {"name": "A"}), rest.create("/list", {"name": "B"})
    contact = rest.create(
        "/contact",
        {
            "email": "ann@x.io",
            "firstName": "Ann",
            "company": "X",
            "tags": [vip["id"]],
            "lists": [a["id"]],
            "customFields": {plan: "pro"},
        },
    )
    updated = rest.ok(
        "PUT",
        "/contact/" + contact["id"],
        {"lastName": "Lee", "tags": [new["id"]], "lists": [b["id"]], "customFields": {seats: "3"}},
    )
    assert updated["firstName"] == "Ann"
    assert updated["company"] == "X"
    assert updated["lastName"] == "Lee"
    assert updated["tags"] == [new["id"]]  # given tags replace
    assert updated["lists"] == [b["id"]]
    assert updated["customFields"] == {plan: "pro", seats: "3"}  # fields merge
    assert updated["created"] == contact["created"]
    assert updated["updated"] >= contact["updated"]
    cleared = rest.ok("PUT", "/contact/" + contact["id"], {"tags": [], "lists": []})
    assert cleared["tags"] == []
    assert cleared["lists"] == []


def test_update_repeating_its_own_address_is_no_conflict(rest: Rest) -> None:
    contact = rest.create("/contact", {"email": "ann@x.io"})
    # SendX's SDK sends the email on every update.
    again = rest.ok("PUT", "/contact/" + contact["id"], {"email": "ann@x.io", "firstName": "A"})
    assert again["email"] == "ann@x.io"
    respelled = rest.ok("PUT", "/contact/" + contact["id"], {"email": "Ann@x.io"})
    assert respelled["email"] == "Ann@x.io"


def test_update_onto_another_contacts_address_is_409(rest: Rest) -> None:
    rest.create("/contact", {"email": "bob@x.io"})
    ann = rest.create("/contact", {"email": "ann@x.io"})
    answer = rest.call("PUT", "/contact/" + ann["id"], {"email": "BOB@x.io"})
    assert answer.status == 409
    assert rest.ok("GET", "/contact/" + ann["id"])["email"] == "ann@x.io"


def test_a_rename_moves_the_address(rest: Rest) -> None:
    ann = rest.create("/contact", {"email": "ann@x.io"})
    rest.ok("PUT", "/contact/" + ann["id"], {"email": "ann@y.io"})
    assert rest.call("GET", "/contact/ann@x.io").status == 404
    assert rest.ok("GET", "/contact/ann@y.io")["id"] == ann["id"]
    assert rest.create("/contact", {"email": "ann@x.io"})["id"] != ann["id"]


def test_delete_is_soft_and_frees_the_address(rest: Rest) -> None:
    ann = rest.create("/contact", {"email": "ann@x.io", "firstName": "Ann"})
    answer = rest.call("DELETE", "/contact/ann@x.io")
    assert answer.status == 200
    assert answer.body["status"] == "success"
    assert "ann@x.io" not in answer.body["message"]
    assert rest.call("GET", "/contact/" + ann["id"]).status == 404
    assert rest.call("DELETE", "/contact/" + ann["id"]).status == 404
    assert rest.ok("GET", "/contact", search="Ann") == []
    again = rest.create("/contact", {"email": "ann@x.io"})
    assert again["id"] != ann["id"]
    assert again["firstName"] is None


def test_unsubscribe_sets_the_flag_once(rest: Rest) -> None:
    ann = rest.create("/contact", {"email": "ann@x.io"})
    for _ in range(2):
        answer = rest.call("POST", "/contact/unsubscribe/" + ann["id"])
        assert answer.status == 200
        assert answer.body["status"] == "success"
    assert rest.ok("GET", "/contact/" + ann["id"])["unsubscribed"] is True
    assert rest.call("POST", "/contact/unsubscribe/nobody@x.io").status == 404


def test_list_pages_oldest_first(rest: Rest) -> None:
    emails = [f"c{n:02}@x.io" for n in range(25)]
    for email in emails:
        rest.create("/contact", {"email": email})
    assert [c["email"] for c in rest.ok("GET", "/contact")] == emails[:10]  # default 10
    pages = [rest.ok("GET", "/contact", offset=o, limit=10) for o in (0, 10, 20, 30)]
    assert [len(page) for page in pages] == [10, 10, 5, 0]
    assert [c["email"] for page in pages for c in page] == emails
    assert len(rest.ok("GET", "/contact", limit=100)) == 25


@pytest.mark.parametrize(
    "query",
    [{"limit": 0}, {"limit": 101}, {"limit": "x"}, {"offset": -1}, {"search": "a"}],
)
def test_list_refuses_bad_paging(rest: Rest, query: dict[str, Any]) -> None:
    answer = rest.call("GET", "/contact", **query)
    assert answer.status == 400
    assert answer.body["status"] == "error"


def test_search_matches_names_and_address_in_any_case(rest: Rest) -> None:
    rest.create("/contact", {"email": "zoe@x.io", "firstName": "Zoë", "lastName": "Ng"})
    rest.create("/contact", {"email": "bob@ZOE.io"})
    rest.create("/contact", {"email": "al@x.io", "lastName": "Zoellner"})
    rest.create("/contact", {"email": "eve@x.io"})
    found = {c["email"] for c in rest.ok("GET", "/contact", search="ZOË")}
    assert found == {"zoe@x.io"}
    found = {c["email"] for c in rest.ok("GET", "/contact", search="zoe")}
    assert found == {"zoe@x.io", "bob@ZOE.io", "al@x.io"}
    assert rest.ok("GET", "/contact", search="zoe", limit=1, offset=1)[0]["email"] == "bob@ZOE.io"


def test_identify_merges_as_v1_does(rest: Rest) -> None:
    answer = rest.call(
        "POST",
        "/contact/identify",
        {
            "email": "ann@x.io",
            "firstName": "Ann",
            "tags": ["trial"],
            "customFields": {"Visits": "++1"},
        },
    )
    assert answer.status == 200
    assert answer.body == {"status": "200", "message": "OK"}
    rest.ok("POST", "/contact/identify", {"email": "ANN@x.io", "customFields": {"Visits": "++2"}})
    contact = rest.ok("GET", "/contact/ann@x.io")
    assert contact["firstName"] == "Ann"
    # Tags and fields named by identify are the team's tags and fields, with ids.
    [trial] = rest.ok("GET", "/tag")
    [visits] = rest.ok("GET", "/customfield")
    assert trial["name"] == "trial"
    assert contact["tags"] == [trial["id"]]
    assert visits["name"] == "Visits"
    assert visits["type"] == 1
    assert contact["customFields"] == {"field_" + visits["id"][len("custom_field_") :]: "3"}


def test_identify_renames_and_refuses_a_taken_address(rest: Rest) -> None:
    rest.ok("POST", "/contact/identify", {"email": "a@x.io"})
    rest.ok("POST", "/contact/identify", {"email": "b@x.io"})
    answer = rest.call("POST", "/contact/identify", {"email": "a@x.io", "newEmail": "B@x.io"})
    assert answer.status == 409
    rest.ok("POST", "/contact/identify", {"email": "a@x.io", "newEmail": "c@x.io"})
    assert rest.call("GET", "/contact/a@x.io").status == 404
    assert rest.ok("GET", "/contact/c@x.io")["email"] == "c@x.io"


def test_identify_adds_lists(rest: Rest) -> None:
    a = rest.create("/list", {"name": "A"})
    rest.ok("POST", "/contact/identify", {"email": "a@x.io", "lists": [a["id"]]})
    rest.ok("POST", "/contact/identify", {"email": "a@x.io", "lists": [a["id"]]})
    assert rest.ok("GET", "/contact/a@x.io")["lists"] == [a["id"]]
    bad = rest.call("POST", "/contact/identify", {"email": "a@x.io", "lists": ["list_" + "n" * 22]})
    assert bad.status == 400


def test_track_adds_then_removes_tags_by_name(rest: Rest) -> None:
    rest.ok("POST", "/contact/identify", {"email": "a@x.io", "tags": ["trial"]})
    answer = rest.call(
        "POST", "/contact/track", {"email": "A@x.io", "addTags": ["paid"], "removeTags": ["trial"]}
    )
    assert answer.status == 200
    assert answer.body == {"status": "200", "message": "OK"}
    names = {t["id"]: t["name"] for t in rest.ok("GET", "/tag")}
    assert [names[t] for t in rest.ok("GET", "/contact/a@x.io")["tags"]] == ["paid"]
    assert rest.call("POST", "/contact/track", {"email": "b@x.io", "addTags": ["x"]}).status == 404
    assert rest.call("POST", "/contact/track", {"addTags": ["x"]}).status == 400

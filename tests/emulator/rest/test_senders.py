"""REST senders: create (201, whitelisted at once), list (no paging), unique addresses in
any case (403), checked addresses, team isolation."""

from __future__ import annotations

import re

import pytest
from tests.emulator.rest.conftest import Rest

SENDER_ID = re.compile(r"sender_[a-zA-Z0-9]{22}")


def test_create_and_list(rest: Rest) -> None:
    ann = rest.create("/sender", {"name": "Ann Smith", "email": "Ann@Example.com"})
    assert SENDER_ID.fullmatch(ann["id"])
    assert ann == {
        "id": ann["id"],
        "name": "Ann Smith",
        "email": "Ann@Example.com",  # kept as written
        "isWhitelisted": True,
    }
    support = rest.create("/sender", {"name": "Support", "email": "support@example.com"})
    assert rest.ok("GET", "/sender") == [ann, support]


def test_the_list_has_no_paging(rest: Rest) -> None:
    """SendX's list of senders takes no offset or limit: every sender is answered."""
    senders = [
        rest.create("/sender", {"name": f"S{n}", "email": f"s{n}@example.com"}) for n in range(12)
    ]
    assert rest.ok("GET", "/sender") == senders
    assert rest.ok("GET", "/sender", limit=2) == senders  # no such parameter: ignored


def test_an_address_is_unique_in_any_case(rest: Rest, other: Rest) -> None:
    rest.create("/sender", {"name": "Ann", "email": "ann@example.com"})
    for email in ("ann@example.com", "ANN@example.COM"):
        taken = rest.call("POST", "/sender", {"name": "Other", "email": email})
        assert taken.status == 403
        assert taken.body == {
            "status": "error",
            "message": "A sender with this email already exists",
        }
    assert len(rest.ok("GET", "/sender")) == 1
    assert other.create("/sender", {"name": "Ann", "email": "ann@example.com"})
    # Names may repeat: a sender is its address.
    assert rest.create("/sender", {"name": "Ann", "email": "ann2@example.com"})


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"name": "A"}, 400, "email is required"),
        ({"email": "a@example.com"}, 400, "name is required"),
        ({"name": "A", "email": "not-an-address"}, 400, "email has no '@'"),
        ({"name": "A", "email": "a@localhost"}, 400, "email"),
        ({"name": " ", "email": "a@example.com"}, 400, "name must not be blank"),
        ({"name": "A", "email": "a" * 250 + "@x.io"}, 400, "email"),
        ({"name": "A", "email": 7}, 422, "not in proper format"),
        ("sender", 422, "not in proper format"),
    ],
)
def test_bad_bodies(rest: Rest, body: object, status: int, says: str) -> None:
    answer = rest.call("POST", "/sender", body)
    assert (answer.status, answer.body["status"]) == (status, "error")
    assert says in answer.body["message"]
    assert rest.ok("GET", "/sender") == []


def test_a_refused_address_is_not_echoed_whole(rest: Rest) -> None:
    answer = rest.call("POST", "/sender", {"name": "A", "email": "jane.doe@@example.com"})
    assert answer.status == 400
    assert "jane.doe" not in answer.body["message"]


def test_isolation(rest: Rest, other: Rest) -> None:
    rest.create("/sender", {"name": "Ann", "email": "ann@example.com"})
    assert other.ok("GET", "/sender") == []


def test_only_create_and_list(rest: Rest) -> None:
    """SendX's API has no other operation on senders."""
    sender = rest.create("/sender", {"name": "Ann", "email": "ann@example.com"})
    for method in ("GET", "PUT", "DELETE"):
        assert rest.call(method, "/sender/" + sender["id"]).status == 404
    answer = rest.call("DELETE", "/sender")
    assert answer.status == 405
    assert answer.headers["allow"] == "GET, POST"


def test_a_key_is_required(rest: Rest) -> None:
    anonymous = rest.as_key(None)
    assert anonymous.call("GET", "/sender").status == 401
    assert anonymous.call("POST", "/sender", {"name": "A", "email": "a@example.com"}).status == 401

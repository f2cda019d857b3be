"""REST revenue and custom events, and their postback URLs (team in the query, no key
header): LTV in cents, events kept with their data and listed by the control plane."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from tests.emulator._helpers import Api
from tests.emulator.rest.conftest import Answer, Rest
from tests.emulator.rest.test_campaigns import campaign, contact, sender

OK = {"status": "success", "message": "Event tracked successfully"}


def ltv(rest: Rest, contact_id: str) -> int:
    return rest.ok("GET", "/contact/" + contact_id)["LTV"]  # type: ignore[no-any-return]


def postback(rest: Rest, path: str, query: dict[str, str], *, keyed: bool = False) -> Answer:
    """A postback GET, without the key header unless ``keyed``."""
    caller = rest if keyed else rest.as_key(None)
    return caller.call("GET", f"{path}?{urlencode(query)}")


def test_revenue_adds_cents_to_the_ltv(rest: Rest, api: Api) -> None:
    ann = contact(rest, "ann@x.io")
    answer = rest.call("POST", "/events/revenue", {"identifier": "ANN@x.io", "amount": 99.99})
    assert (answer.status, answer.body) == (200, OK)
    assert ltv(rest, ann["id"]) == 9999
    rest.ok(
        "POST",
        "/events/revenue",
        {"identifier": ann["id"], "amount": 0.015, "source": "web", "time": 1669990400},
    )
    rest.ok("POST", "/events/revenue", {"identifier": ann["id"][-22:], "amount": 10})
    assert ltv(rest, ann["id"]) == 9999 + 2 + 1000  # 0.015 rounds half up
    revenue = [e for e in api.events(rest.team_id) if e["type"] == "revenue"]
    assert [(e["email"], e["amount"], e["cents"]) for e in revenue] == [
        ("ann@x.io", 99.99, 9999),
        ("ann@x.io", 0.015, 2),
        ("ann@x.io", 10, 1000),
    ]
    assert (revenue[1]["source"], revenue[1]["time"]) == ("web", 1669990400)
    assert "source" not in revenue[0]


def test_custom_events_keep_their_data(rest: Rest, api: Api) -> None:
    ann = contact(rest, "ann@x.io")
    data = {"video_id": "12345", "seconds": 120, "tags": ["a"], "nested": {"ok": True}}
    body = {"identifier": ann["id"], "name": "video_watched", "data": data, "time": 1669990400}
    assert rest.ok("POST", "/events/custom", body) == OK
    rest.ok("POST", "/events/custom", {"email": "ann@x.io", "name": "signed_up"})
    custom = [e for e in api.events(rest.team_id) if e["type"] == "custom_event"]
    assert [(e["email"], e["name"], e["data"]) for e in custom] == [
        ("ann@x.io", "video_watched", data),
        ("ann@x.io", "signed_up", {}),
    ]
    assert custom[0]["time"] == 1669990400
    assert ltv(rest, ann["id"]) == 0


@pytest.mark.parametrize(
    ("path", "body", "status", "words"),
    [
        ("/events/revenue", {"identifier": "ghost@x.io", "amount": 1}, 404, "not found"),
        ("/events/revenue", {"identifier": "contact_" + "a" * 22, "amount": 1}, 404, "not found"),
        ("/events/revenue", {"identifier": "list_" + "a" * 22, "amount": 1}, 400, "identifier"),
        ("/events/revenue", {"identifier": "ann@x.io", "amount": -1}, 400, "amount"),
        ("/events/revenue", {"identifier": "ann@x.io", "amount": 1e10}, 400, "amount"),
        ("/events/revenue", {"identifier": "ann@x.io", "amount": "5"}, 422, "proper format"),
        ("/events/revenue", {"identifier": "ann@x.io"}, 400, "amount is required"),
        ("/events/revenue", {"amount": 1}, 400, "identifier is required"),
        ("/events/revenue", {"identifier": "ann@x.io", "amount": 1, "time": -5}, 400, "time"),
        ("/events/custom", {"identifier": "ann@x.io"}, 400, "name is required"),
        ("/events/custom", {"name": "x"}, 400, "identifier is required"),
        ("/events/custom", {"identifier": "ann@x.io", "name": " "}, 400, "name"),
        (
            "/events/custom",
            {"identifier": "ann@x.io", "name": "x", "data": []},
            422,
            "proper format",
        ),
        ("/events/custom", {"identifier": "ghost@x.io", "name": "x"}, 404, "not found"),
    ],
)
def test_bad_events(
    rest: Rest, api: Api, path: str, body: dict[str, Any], status: int, words: str
) -> None:
    ann = contact(rest, "ann@x.io")
    answer = rest.call("POST", path, body)
    assert answer.status == status, answer.body
    assert words in answer.body["message"]
    assert ltv(rest, ann["id"]) == 0
    assert [e["type"] for e in api.events(rest.team_id)] == ["contact_created"]


def test_events_are_per_team(rest: Rest, other: Rest) -> None:
    contact(rest, "ann@x.io")
    assert (
        other.call("POST", "/events/revenue", {"identifier": "ann@x.io", "amount": 1}).status == 404
    )
    assert (
        other.call("POST", "/events/custom", {"identifier": "ann@x.io", "name": "x"}).status == 404
    )
    assert (
        rest.as_key(None)
        .call("POST", "/events/custom", {"identifier": "ann@x.io", "name": "x"})
        .status
        == 401
    )


def test_revenue_postback(rest: Rest, api: Api, other: Rest) -> None:
    ann = contact(rest, "ann@x.io")
    made = campaign(rest, sender(rest))
    query = {
        "team_id": rest.team_id,
        "id": ann["id"],
        "amount": "24.435",
        "campaign_id": made["id"],
    }
    answer = postback(rest, "/events/revenue/postback", query)
    assert (answer.status, answer.body["status"]) == (200, "success")
    assert ltv(rest, ann["id"]) == 2444
    # The key may come too, if it is the team's; the ids without their prefixes.
    bare = {**query, "id": ann["id"][-22:], "campaign_id": made["id"][-22:], "amount": "1"}
    assert postback(rest, "/events/revenue/postback", bare, keyed=True).status == 200
    assert ltv(rest, ann["id"]) == 2544
    [first, second] = [e for e in api.events(rest.team_id) if e["type"] == "revenue"]
    assert (first["cents"], first["campaign_id"], first["amount"]) == (2444, made["id"], 24.435)
    assert second["cents"] == 100
    other.ok("GET", "/list")  # binds the other key's team
    for changes, status in (
        ({"team_id": other.team_id}, 404),  # that team has no such contact
        ({"team_id": "no-such-team"}, 401),
        ({"amount": "ten"}, 400),
        ({"amount": "-1"}, 400),
        ({"amount": "NaN"}, 400),
        ({"id": "x"}, 400),
        ({"id": "ghost@x.io"}, 404),
        ({"campaign_id": "campaign_" + "a" * 22}, 404),
        ({"campaign_id": "nope"}, 400),
    ):
        answer = postback(rest, "/events/revenue/postback", {**query, **changes})
        assert answer.status == status, (changes, answer.body)
    for missing in ("team_id", "id", "amount", "campaign_id"):
        partial = {k: v for k, v in query.items() if k != missing}
        answer = postback(rest, "/events/revenue/postback", partial)
        assert (answer.status, answer.body["message"]) == (400, f"{missing} is required")
    wrong_key = other.call("GET", "/events/revenue/postback?" + urlencode(query))
    assert wrong_key.status == 401  # another team's key
    assert ltv(rest, ann["id"]) == 2544


def test_custom_postback(rest: Rest, api: Api) -> None:
    ann = contact(rest, "ann@x.io")
    query = {"team_id": rest.team_id, "id": "ann@x.io", "event": "purchase"}
    answer = postback(
        rest, "/events/custom/postback", {**query, "amount": "24.43", "currency": "USD"}
    )
    assert (answer.status, answer.body["status"]) == (200, "success")
    [event] = [e for e in api.events(rest.team_id) if e["type"] == "custom_event"]
    assert (event["name"], event["data"], event["email"]) == (
        "purchase",
        {"amount": "24.43", "currency": "USD"},
        "ann@x.io",
    )
    assert postback(rest, "/events/custom/postback", {**query, "event": " "}).status == 400
    assert postback(rest, "/events/custom/postback", {**query, "id": ann["id"]}).status == 200
    assert (
        postback(rest, "/events/custom/postback", {"team_id": rest.team_id, "id": ann["id"]}).status
        == 400
    )
    assert postback(rest, "/events/custom/postback", {**query, "team_id": "nobody"}).status == 401
    assert rest.call("POST", "/events/custom/postback").status == 405

"""REST campaigns: create (send now, schedule, draft), get, list by campaignType,
delete; the audience of a campaign sent now; sending a scheduled one from the
control plane."""

from __future__ import annotations

import re
from typing import Any

import pytest
from tests.emulator._helpers import Api
from tests.emulator.rest.conftest import Rest
from tests.emulator.rest.test_transactional import messages

CAMPAIGN_ID = re.compile(r"campaign_[a-zA-Z0-9]{22}")


def sender(rest: Rest, email: str = "news@x.io") -> str:
    return rest.create("/sender", {"name": "News", "email": email})["id"]  # type: ignore[no-any-return]


def campaign(rest: Rest, sender_id: str, **extra: Any) -> dict[str, Any]:
    body = {"name": "Spring", "subject": "Hi {{firstName}}", "sender": sender_id, **extra}
    body.setdefault("htmlCode", "<p>Sale for {{firstName}}</p>")
    return rest.create("/campaign", body)  # type: ignore[no-any-return]


def contact(rest: Rest, email: str, **extra: Any) -> dict[str, Any]:
    return rest.create("/contact", {"email": email, **extra})  # type: ignore[no-any-return]


def flag(rest: Rest, api: Api, email: str, kind: str) -> None:
    """Set a contact's flag the way SendX would: by engagement on mail it got."""
    [sent] = rest.ok(
        "POST",
        "/send/email",
        {"from": {"email": "t@x.io"}, "to": [{"email": email}], "subject": "s", "htmlBody": "h"},
    )
    status, answer = api.control("POST", f"/messages/{sent['messageId']}/events", {"type": kind})
    assert status == 200, answer


def test_send_now_captures_one_message_per_contact_of_the_audience(rest: Rest, api: Api) -> None:
    sender_id = sender(rest)
    l1 = rest.create("/list", {"name": "L1"})["id"]
    l2 = rest.create("/list", {"name": "L2"})["id"]
    vip = rest.create("/tag", {"name": "VIP"})["id"]
    gone = rest.create("/tag", {"name": "Gone"})["id"]
    rest.create("/tag", {"name": "Other"})
    ann = contact(rest, "ann@x.io", firstName="Ann", lists=[l1])
    bob = contact(rest, "bob@x.io", lists=[l1, l2])  # on an excluded list
    cy = contact(rest, "cy@x.io", tags=[vip])  # by tag only
    contact(rest, "dee@x.io", lists=[l2])  # not included
    contact(rest, "eve@x.io", lists=[l1], tags=[gone])  # an excluded tag
    for kind, email in (("unsubscribe", "un@x.io"), ("bounce", "bo@x.io"), ("spam", "sp@x.io")):
        contact(rest, email, lists=[l1])
        flag(rest, api, email, kind)
    dropped = contact(rest, "dr@x.io", lists=[l1])
    flag(rest, api, "dr@x.io", "drop")  # dropped contacts still get campaigns
    created = campaign(
        rest,
        sender_id,
        scheduleType=1,
        includedLists=[l1],
        includedTags=[vip.removeprefix("tag_")],  # ids are taken without their prefix too
        excludedLists=[l2],
        excludedTags=[gone],
        plainText="Text for {{firstName}}",
        previewText="Preview",
    )
    assert CAMPAIGN_ID.fullmatch(created["id"])
    assert created["status"] == 3
    assert created["scheduleType"] == 1
    assert created["scheduleCondition"] == created["created"]  # sent now, at that time
    assert created["includedTags"] == [vip]
    assert (created["includedLists"], created["excludedLists"]) == ([l1], [l2])
    assert created["smartSend"] is False
    assert created["sender"] == sender_id
    assert (created["htmlContent"], created["textContent"]) == (
        "<p>Sale for {{firstName}}</p>",
        "Text for {{firstName}}",
    )
    assert created["preheader"] == "Preview"
    captured = messages(api, rest, campaign_id=created["id"])
    assert sorted(m["contact_id"] for m in captured) == sorted([ann["id"], cy["id"], dropped["id"]])
    by_address = {m["to"]["email"]: m for m in captured}
    assert by_address["ann@x.io"]["subject"] == "Hi Ann"
    assert by_address["ann@x.io"]["text"] == "Text for Ann"
    assert by_address["ann@x.io"]["from"] == {"email": "news@x.io", "name": "News"}
    assert by_address["cy@x.io"]["html"] == "<p>Sale for </p>"
    assert bob["id"] not in {m["contact_id"] for m in captured}
    assert rest.ok("GET", "/campaign/" + created["id"]) == created


def test_draft_and_scheduled_campaigns_send_nothing(rest: Rest, api: Api) -> None:
    sender_id = sender(rest)
    l1 = rest.create("/list", {"name": "L1"})["id"]
    contact(rest, "ann@x.io", lists=[l1])
    draft = campaign(rest, sender_id, name="Draft", includedLists=[l1])
    assert (draft["status"], draft["scheduleType"], draft["scheduleCondition"]) == (0, 0, "")
    for key in ("includedLists", "excludedLists", "includedTags", "excludedTags"):
        assert isinstance(draft[key], list)
    later = campaign(
        rest,
        sender_id,
        name="Later",
        scheduleType=0,
        scheduleCondition="2030-03-20",
        timeCondition="9:00 AM",
        timezone="America/New_York",
        smartSend=True,
        includedLists=[l1],
    )
    assert (later["status"], later["scheduleCondition"]) == (1, "2030-03-20")
    assert (later["timeCondition"], later["timezone"], later["smartSend"]) == (
        "9:00 AM",
        "America/New_York",
        True,
    )
    assert "textContent" not in later  # what was not given is not answered
    assert messages(api, rest) == []
    sent = campaign(rest, sender_id, name="Now", scheduleType=1, includedLists=[l1])
    assert {c["name"]: c["status"] for c in rest.ok("GET", "/campaign")} == {
        "Draft": 0,
        "Later": 1,
        "Now": 3,
    }
    for kind, names in (("draft", ["Draft"]), ("scheduled", ["Later"]), ("sent", ["Now"])):
        assert [c["name"] for c in rest.ok("GET", "/campaign", campaignType=kind)] == names
    assert len(rest.ok("GET", "/campaign", campaignType="all")) == 3
    bad = rest.call("GET", "/campaign", campaignType="archived")
    assert bad.status == 400
    assert "campaignType" in bad.body["message"]
    assert len(messages(api, rest, campaign_id=sent["id"])) == 1


def test_the_control_plane_sends_a_scheduled_campaign(rest: Rest, api: Api, other: Rest) -> None:
    sender_id = sender(rest)
    l1 = rest.create("/list", {"name": "L1"})["id"]
    contact(rest, "ann@x.io", lists=[l1])
    contact(rest, "bob@x.io", lists=[l1])
    later = campaign(rest, sender_id, scheduleCondition="2030-03-20T09:00:00Z", includedLists=[l1])
    path = f"/campaigns/{later['id']}/send"
    status, answer = api.control("POST", path, team_id=rest.team_id)
    assert status == 200, answer
    assert answer["messages"] == 2
    assert answer["campaign"]["status"] == 3
    assert answer["campaign"]["scheduleCondition"] == "2030-03-20T09:00:00Z"
    assert rest.ok("GET", "/campaign/" + later["id"])["status"] == 3
    assert len(messages(api, rest, campaign_id=later["id"])) == 2
    assert api.control("POST", path, team_id=rest.team_id)[0] == 409  # sent already
    assert api.control("POST", path, team_id=other.team_id)[0] == 404
    assert api.control("POST", path)[0] == 400
    assert (
        api.control("POST", "/campaigns/campaign_" + "a" * 22 + "/send", team_id=rest.team_id)[0]
        == 404
    )
    assert api.control("GET", path, team_id=rest.team_id)[0] == 405
    draft = campaign(rest, sender_id, name="Draft", includedLists=[l1])
    status, answer = api.control("POST", f"/campaigns/{draft['id']}/send", team_id=rest.team_id)
    assert (status, answer["messages"]) == (200, 2)


def test_paging(rest: Rest) -> None:
    sender_id = sender(rest)
    names = [f"C{n:02}" for n in range(23)]
    for name in names:
        campaign(rest, sender_id, name=name)
    assert len(rest.ok("GET", "/campaign")) == 10
    got = [
        c["name"] for o in range(0, 30, 7) for c in rest.ok("GET", "/campaign", offset=o, limit=7)
    ]
    assert got == names
    assert rest.call("GET", "/campaign", limit=101).status == 400


def test_delete(rest: Rest, api: Api) -> None:
    sender_id = sender(rest)
    contact(rest, "ann@x.io", tags=[tag := rest.create("/tag", {"name": "T"})["id"]])
    created = campaign(rest, sender_id, scheduleType=1, includedTags=[tag])
    answer = rest.ok("DELETE", "/campaign/" + created["id"])
    assert answer["status"] == "success"
    assert rest.call("GET", "/campaign/" + created["id"]).status == 404
    assert rest.call("DELETE", "/campaign/" + created["id"]).status == 404
    assert rest.call("GET", "/report/campaign/" + created["id"]).status == 404
    assert [m["campaign_id"] for m in messages(api, rest)] == [created["id"]]  # mail stays
    assert campaign(rest, sender_id)["name"] == "Spring"  # the name is free again


def test_isolation(rest: Rest, other: Rest) -> None:
    sender_id = sender(rest)
    mine = campaign(rest, sender_id)
    for method in ("GET", "DELETE"):
        assert other.call(method, "/campaign/" + mine["id"]).status == 404
    assert other.call("GET", "/report/campaign/" + mine["id"]).status == 404
    assert other.ok("GET", "/campaign") == []
    refused = other.call(
        "POST", "/campaign", {"name": "X", "subject": "s", "sender": sender_id, "htmlCode": "h"}
    )
    assert refused.status == 400  # another team's sender
    assert rest.ok("GET", "/campaign/" + mine["id"]) == mine


SOME_ID = "a" * 22


@pytest.mark.parametrize(
    ("extra", "status", "words"),
    [
        ({"sender": "sender_" + SOME_ID}, 400, "no sender"),
        ({"sender": "list_" + SOME_ID}, 400, "sender"),
        ({"includedLists": ["list_" + SOME_ID]}, 400, "includedLists[0]"),
        ({"excludedLists": ["nope"]}, 400, "excludedLists[0]"),
        ({"includedTags": ["tag_" + SOME_ID]}, 400, "includedTags[0]"),
        ({"includedSegments": ["segment_" + SOME_ID]}, 400, "no segments"),
        ({"scheduleType": 2}, 400, "scheduleType"),
        ({"scheduleType": "1"}, 422, "proper format"),
        ({"scheduleCondition": "next tuesday"}, 400, "scheduleCondition"),
        ({"htmlCode": None}, 422, "proper format"),
        ({"name": ""}, 400, "name"),
        ({"subject": "s" * 256}, 400, "subject"),
    ],
)
def test_bad_bodies(rest: Rest, api: Api, extra: dict[str, Any], status: int, words: str) -> None:
    body = {"name": "C", "subject": "s", "sender": sender(rest), "htmlCode": "h", **extra}
    answer = rest.call("POST", "/campaign", body)
    assert answer.status == status, answer.body
    assert words in answer.body["message"]
    assert rest.ok("GET", "/campaign") == []


def test_required_and_taken(rest: Rest) -> None:
    sender_id = sender(rest)
    for missing in ("name", "subject", "sender", "htmlCode"):
        body = {"name": "C", "subject": "s", "sender": sender_id, "htmlCode": "h"}
        del body[missing]
        answer = rest.call("POST", "/campaign", body)
        assert (answer.status, answer.body["message"]) == (400, f"{missing} is required")
    campaign(rest, sender_id)
    taken = rest.call(
        "POST",
        "/campaign",
        {"name": "Spring", "subject": "s", "sender": sender_id, "htmlCode": "h"},
    )
    assert taken.status == 403
    assert rest.call("GET", "/campaign/nope").status == 400
    assert rest.call("GET", "/campaign/list_" + SOME_ID).status == 404
    assert rest.as_key(None).call("GET", "/campaign").status == 401

"""Engagement simulated from the control plane: POST /_emulator/messages/{id}/events
sets the contact's flags, is logged, counted in reports (test_reports.py) and posted
to the team's webhooks as SendX's WebhookObject."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests._support.polling import wait_for
from tests.emulator._helpers import Api, FailingCommit
from tests.emulator._receiver import Receiver
from tests.emulator.rest.conftest import Rest
from tests.emulator.rest.test_campaigns import campaign, contact, sender
from tests.emulator.rest.test_reports import engage
from tests.emulator.rest.test_transactional import email, messages

from sendx.emulator import Emulator
from sendx.emulator.delivery.automations import sign

ALL_FLAGS = {
    "opened": True,
    "clicked": True,
    "bounced": True,
    "markedSpam": True,
    "unsubscribed": True,
    "dropped": True,
}


def _deliveries(api: Api, team_id: str, count: int) -> list[dict[str, Any]]:
    def finished() -> list[dict[str, Any]]:
        listed = api.control("GET", "/deliveries", team_id=team_id)[1]["deliveries"]
        done = [d for d in listed if d["state"] != "pending"]
        return listed if len(done) >= count else []

    return wait_for(finished, timeout=15)


def test_flags_follow_the_engagement(rest: Rest, api: Api) -> None:
    people = {
        kind: contact(rest, f"{kind}@x.io")
        for kind in ("bounce", "spam", "unsubscribe", "drop", "open")
    }
    sent = rest.ok("POST", "/send/email", email([{"email": f"{kind}@x.io"} for kind in people]))
    for kind, one in zip(people, sent, strict=True):
        message = engage(api, one["messageId"], kind)
        assert [e["type"] for e in message["events"]] == [kind]
        assert message["events"][0]["at"]
    flags = {kind: rest.ok("GET", "/contact/" + one["id"]) for kind, one in people.items()}
    names = ("bounced", "spam", "unsubscribed", "dropped")
    assert {k: {n: c[n] for n in names} for k, c in flags.items()} == {
        "bounce": {"bounced": True, "spam": False, "unsubscribed": False, "dropped": False},
        "spam": {"bounced": False, "spam": True, "unsubscribed": False, "dropped": False},
        "unsubscribe": {"bounced": False, "spam": False, "unsubscribed": True, "dropped": False},
        "drop": {"bounced": False, "spam": False, "unsubscribed": False, "dropped": True},
        "open": {"bounced": False, "spam": False, "unsubscribed": False, "dropped": False},
    }
    # The flags keep contacts out of campaigns (test_campaigns.py); the log has them.
    logged = [e for e in api.events(rest.team_id) if e["type"] != "contact_created"]
    assert [(e["type"], e["email"], e["message_id"]) for e in logged] == [
        ("message_bounced", "bounce@x.io", sent[0]["messageId"]),
        ("message_spam", "spam@x.io", sent[1]["messageId"]),
        ("contact_unsubscribed", "unsubscribe@x.io", sent[2]["messageId"]),
        ("message_dropped", "drop@x.io", sent[3]["messageId"]),
        ("message_opened", "open@x.io", sent[4]["messageId"]),
    ]


def test_a_message_to_no_contact_changes_no_contact(rest: Rest, api: Api) -> None:
    [one] = rest.ok("POST", "/send/email", email([{"email": "nobody@x.io"}]))
    message = engage(api, one["messageId"], "click", "https://x.io/p?q=1")
    assert message["events"] == [
        {"type": "click", "at": message["events"][0]["at"], "url": "https://x.io/p?q=1"}
    ]
    assert rest.ok("GET", "/contact") == []
    [logged] = api.events(rest.team_id)
    assert (logged["type"], logged["email"], logged["url"]) == (
        "message_clicked",
        "nobody@x.io",
        "https://x.io/p?q=1",
    )
    assert "campaign_id" not in logged


def test_webhooks_get_sendx_webhook_objects(rest: Rest, api: Api, receiver: Receiver) -> None:
    hook = rest.create("/webhook", {"url": receiver.url, **ALL_FLAGS})
    tag = rest.create("/tag", {"name": "T"})["id"]
    ann = contact(rest, "ann@x.io", firstName="Ann", tags=[tag])
    made = campaign(rest, sender(rest), scheduleType=1, includedTags=[tag])
    [message] = messages(api, rest, campaign_id=made["id"])
    for kind, url in (
        ("open", None),
        ("click", "https://x.io/a"),
        ("bounce", None),
        ("spam", None),
        ("unsubscribe", None),
        ("drop", None),
    ):
        engage(api, message["id"], kind, url)
    deliveries = _deliveries(api, rest.team_id, 6)
    assert [d["state"] for d in deliveries] == ["delivered"] * 6
    assert {d["webhook_id"] for d in deliveries} == {hook["id"]}
    secret = next(
        w["secret"] for w in api.control("GET", "/webhooks", team_id=rest.team_id)[1]["webhooks"]
    )
    bodies = []
    for headers, body in sorted(receiver.requests, key=lambda r: r[0]["x-sendx-delivery"]):
        assert headers["x-sendx-signature"] == sign(secret, body)
        bodies.append(json.loads(body))
    by_type = {b["type"]: b for b in bodies}
    assert set(by_type) == {7, 8, 5, 6, 73, 60}
    for body in bodies:
        assert body["contact_id"] == ann["id"]
        assert body["campaign_id"] == made["id"]
        assert body["provider_message_id"] == message["id"]
        assert isinstance(body["time"], int)
        data = json.loads(body["data"])
        assert (data["email"], data["firstName"], data["messageId"]) == (
            "ann@x.io",
            "Ann",
            message["id"],
        )
    assert by_type[8]["link"] == "https://x.io/a"
    assert "link" not in by_type[7]
    assert "template_id" not in by_type[7]


def test_only_subscribed_webhooks_fire(rest: Rest, api: Api, receiver: Receiver) -> None:
    rest.create("/webhook", {"url": receiver.url, "clicked": True})
    rest.create("/webhook", {"url": receiver.url + "/off", "enabled": False, **ALL_FLAGS})
    [one] = rest.ok("POST", "/send/email", email([{"email": "a@x.io"}]))
    engage(api, one["messageId"], "open")
    engage(api, one["messageId"], "click", "https://x.io/")
    [delivery] = _deliveries(api, rest.team_id, 1)
    assert delivery["event"] == "message_clicked"
    [(_, body)] = receiver.requests
    payload = json.loads(body)
    assert payload["type"] == 8
    assert "campaign_id" not in payload  # a transactional message has none
    assert "contact_id" not in payload


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"type": "read"}, "type"),
        ({"type": "click"}, "url is required"),
        ({"type": "open", "url": "https://x.io"}, "only for a click"),
        ({"type": "click", "url": ""}, "url"),
        ({"type": "open", "extra": 1}, "extra"),
        ([], "the body must be"),
        (None, "the body must be"),
    ],
)
def test_bad_events_are_refused(rest: Rest, api: Api, body: Any, words: str) -> None:
    [one] = rest.ok("POST", "/send/email", email([{"email": "a@x.io"}]))
    status, answer = api.control("POST", f"/messages/{one['messageId']}/events", body)
    assert status == 400
    assert words in answer["message"]
    assert api.control("GET", "/messages/" + one["messageId"])[1]["events"] == []


def test_unknown_messages_and_methods(api: Api) -> None:
    status, answer = api.control(
        "POST", "/messages/message_" + "a" * 22 + "/events", {"type": "open"}
    )
    assert (status, answer["message"]) == (404, f"no message {'message_' + 'a' * 22!r}")
    wrong = api.http.request(
        "GET", api.emu.control_url + "/messages/message_" + "a" * 22 + "/events"
    )
    assert (wrong.status, wrong.headers["allow"]) == (405, "POST")


def test_control_answers_match_the_openapi_document(rest: Rest, api: Api) -> None:
    """Messages, engagement, campaign sends and the new events validate against the
    control plane's schemas."""
    jsonschema_rs = pytest.importorskip("jsonschema_rs")  # comes with schemathesis
    doc = api.control("GET", "/openapi.json")[1]

    def check(name: str, instance: object) -> None:
        schema = {**doc["components"]["schemas"][name], "components": doc["components"]}
        jsonschema_rs.Draft202012Validator(schema).validate(instance)

    tag = rest.create("/tag", {"name": "T"})["id"]
    contact(rest, "ann@x.io", tags=[tag])
    draft = campaign(rest, sender(rest), includedTags=[tag], plainText="t")
    status, sent = api.control("POST", f"/campaigns/{draft['id']}/send", team_id=rest.team_id)
    assert status == 200
    check("CampaignSent", sent)
    rest.ok("POST", "/send/email", email([{"email": "b@x.io"}], replyTo={"email": "r@x.io"}))
    listed = api.control("GET", "/messages", team_id=rest.team_id)[1]
    check("MessageList", listed)
    for message in listed["messages"]:
        check("Message", engage(api, message["id"], "click", "https://x.io"))
    rest.ok("POST", "/events/revenue", {"identifier": "ann@x.io", "amount": 1.5, "source": "s"})
    rest.ok("POST", "/events/custom", {"identifier": "ann@x.io", "name": "n", "data": {"a": 1}})
    rest.ok("POST", "/contact/unsubscribe/ann@x.io")
    check("EventList", api.control("GET", "/events", team_id=rest.team_id)[1])


def test_a_failed_commit_keeps_no_mail_and_no_engagement(
    rest: Rest, api: Api, emu: Emulator
) -> None:
    """A send or an engagement whose commit fails answers 500 and leaves nothing: no
    message, no event on the message, no flag on the contact; the next ones work."""
    contact(rest, "ann@x.io")
    [kept] = rest.ok("POST", "/send/email", email([{"email": "ann@x.io"}]))
    store = emu.app.store
    real = store._db
    store._db = FailingCommit(real)  # type: ignore[assignment]
    try:
        assert rest.call("POST", "/send/email", email([{"email": "lost@x.io"}])).status == 500
    finally:
        store._db = real
    store._db = FailingCommit(real)  # type: ignore[assignment]
    try:
        path = f"/messages/{kept['messageId']}/events"
        assert api.control("POST", path, {"type": "bounce"})[0] == 500
    finally:
        store._db = real
    [message] = messages(api, rest)
    assert message["events"] == []
    assert rest.ok("GET", "/contact/ann@x.io")["bounced"] is False
    assert [e["type"] for e in api.events(rest.team_id)] == ["contact_created"]
    assert engage(api, kept["messageId"], "open")["events"][0]["type"] == "open"
    rest.ok("POST", "/send/email", email([{"email": "next@x.io"}]))
    assert [m["to"]["email"] for m in messages(api, rest)] == ["next@x.io", "ann@x.io"]

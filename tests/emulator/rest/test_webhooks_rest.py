"""REST webhooks: CRUD, SendX's WebhookObject deliveries, signatures, and targets
limited to loopback unless allowed."""

from __future__ import annotations

import json
from typing import Any

import urllib3
from tests._support.polling import wait_for
from tests.emulator._helpers import Api
from tests.emulator._receiver import Receiver
from tests.emulator.rest.conftest import Rest

from sendx.emulator import Emulator
from sendx.emulator.delivery.automations import sign

FLAGS = ("unsubscribed", "dropped", "bounced", "markedSpam", "clicked", "opened", "contactCreated")


def _deliveries(api: Api, team_id: str, count: int) -> list[dict[str, Any]]:
    def finished() -> list[dict[str, Any]]:
        status, answer = api.control("GET", "/deliveries", team_id=team_id)
        assert status == 200
        done = [d for d in answer["deliveries"] if d["state"] != "pending"]
        return answer["deliveries"] if len(done) >= count else []

    return wait_for(finished, timeout=15)  # type: ignore[no-any-return]


def test_crud(rest: Rest, other: Rest) -> None:
    created = rest.create("/webhook", {"url": "http://localhost:9/a", "enabled": True})
    assert created == {"id": created["id"], "url": "http://localhost:9/a", "enabled": True} | {
        flag: False for flag in FLAGS
    }
    assert rest.call("POST", "/webhook", {"url": "http://localhost:9/a"}).status == 403
    updated = rest.ok("PUT", "/webhook/" + created["id"], {"opened": True, "enabled": False})
    assert updated["opened"] is True
    assert updated["enabled"] is False
    assert rest.ok("GET", "/webhook") == [updated]
    assert other.call("GET", "/webhook/" + created["id"]).status == 404
    assert rest.call("POST", "/webhook", {"url": "ftp://x/y"}).status == 400
    assert rest.ok("DELETE", "/webhook/" + created["id"])["status"] == "success"
    assert rest.ok("GET", "/webhook") == []


def test_contact_created_and_unsubscribed_are_delivered_signed(
    rest: Rest, api: Api, receiver: Receiver
) -> None:
    hook = rest.create(
        "/webhook",
        {"url": receiver.url, "enabled": True, "contactCreated": True, "unsubscribed": True},
    )
    rest.create(
        "/webhook", {"url": receiver.url + "/off", "enabled": False, "contactCreated": True}
    )
    contact = rest.create("/contact", {"email": "ann@x.io"})
    rest.ok("POST", "/contact/identify", {"email": "bob@x.io"})  # created by identify: 74 too
    rest.ok("POST", "/contact/unsubscribe/" + contact["id"])
    deliveries = _deliveries(api, rest.team_id, 3)
    assert [d["event"] for d in deliveries] == [
        "contact_created",
        "contact_created",
        "contact_unsubscribed",
    ]
    assert {d["webhook_id"] for d in deliveries} == {hook["id"]}
    status, listed = api.control("GET", "/webhooks", team_id=rest.team_id)
    assert status == 200
    secret = next(w["secret"] for w in listed["webhooks"] if w["id"] == hook["id"])
    # Two workers deliver: the receiver may see them in any order; the delivery id says
    # which is which.
    bodies = {}
    for headers, body in receiver.requests:
        assert headers["x-sendx-signature"] == sign(secret, body)
        bodies[headers["x-sendx-delivery"]] = json.loads(body)
    ordered = [bodies[d["id"]] for d in deliveries]
    assert [b["type"] for b in ordered] == [74, 74, 73]
    assert ordered[0]["contact_id"] == contact["id"]
    assert isinstance(ordered[0]["time"], int)
    assert json.loads(ordered[0]["data"])["email"] == "ann@x.io"


def test_a_target_off_this_machine_is_refused_without_a_connection(rest: Rest, api: Api) -> None:
    rest.create("/webhook", {"url": "http://192.0.2.1:9/x", "contactCreated": True})
    rest.create("/contact", {"email": "a@x.io"})
    [delivery] = _deliveries(api, rest.team_id, 1)
    assert delivery["state"] == "failed"
    [attempt] = delivery["attempts"]
    assert attempt["status"] is None
    assert "192.0.2.1 is not a loopback address" in attempt["error"]
    assert "--allow-webhook-host 192.0.2.1" in attempt["error"]


def test_an_allowed_host_is_called(http: urllib3.PoolManager, receiver: Receiver) -> None:
    # 'localhost.' is not loopback by name; allowed, it is called.
    url = receiver.url.replace("127.0.0.1", "127.0.0.1.nip.invalid")
    with Emulator(allow_webhook_hosts=["127.0.0.1.nip.invalid"], webhook_attempts=1) as emu:
        rest = Rest(http, emu)
        rest.create("/webhook", {"url": url, "contactCreated": True})
        rest.create("/contact", {"email": "a@x.io"})
        [delivery] = _deliveries(Api(http, emu), rest.team_id, 1)
    # Allowed: a connection was attempted (the name does not resolve), not refused.
    assert "not a loopback address" not in delivery["attempts"][0]["error"]


def test_v1_rules_are_refused_off_this_machine_too(rest: Rest, api: Api) -> None:
    rule = {"on": "contact_created", "webhook": "http://192.0.2.1/x", "secret": "s"}
    assert api.control("PUT", "/rules", {"rules": [rule]})[0] == 200
    assert api.identify({"email": "a@x.io"}).status == 200
    [delivery] = _deliveries(api, "team-1", 1)
    assert delivery["state"] == "failed"
    assert "not a loopback address" in delivery["attempts"][0]["error"]

"""Automation rules: signed webhooks, delivered off the request path, retried."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any

import pytest
import urllib3
from tests._support.polling import wait_for
from tests.emulator._helpers import Api
from tests.emulator._receiver import Receiver

from sendx.emulator import Emulator
from sendx.emulator.delivery.automations import RuleError, load_rules_file, sign

SECRET = "s3cret"


def _deliveries(api: Api, **query: str) -> list[dict[str, Any]]:
    status, answer = api.control("GET", "/deliveries", **query)
    assert status == 200
    return answer["deliveries"]  # type: ignore[no-any-return]


def _done(api: Api, count: int) -> list[dict[str, Any]]:
    deliveries = _deliveries(api)
    finished = [d for d in deliveries if d["state"] != "pending"]
    return deliveries if len(finished) >= count else []


def test_tag_added_webhook_is_signed_and_complete(api: Api, receiver: Receiver) -> None:
    """A tag_added rule POSTs the documented body, signed with the rule's secret."""
    rule = {"on": "tag_added", "tag": "paid user", "webhook": receiver.url, "secret": SECRET}
    assert api.control("PUT", "/rules", {"rules": [rule]}) == (200, {"rules": [rule]})
    api.identify({"email": "w@x.io", "tags": ["trial user"]})
    assert (
        api.track("w@x.io", {"addTags": ["paid user"], "removeTags": ["trial user"]}).status == 200
    )
    [delivery] = wait_for(lambda: _done(api, 1))
    [(headers, body)] = receiver.requests
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert headers["x-sendx-signature"] == expected
    assert headers["content-type"] == "application/json"
    assert headers["x-sendx-event"] == "tag_added"
    payload = json.loads(body)
    assert set(payload) == {"id", "event", "team_id", "tag", "contact", "occurred_at"}
    assert payload["event"] == "tag_added"
    assert payload["tag"] == "paid user"
    assert payload["team_id"] == "team-1"
    assert payload["contact"] == api.contact("w@x.io")
    assert payload["occurred_at"] == api.events()[-2]["at"]
    assert payload["id"] == delivery["id"] == headers["x-sendx-delivery"]
    assert delivery["state"] == "delivered"
    assert delivery["event_id"] == api.events()[-2]["id"]
    assert delivery["rule"] == 0
    assert [a["status"] for a in delivery["attempts"]] == [200]
    assert delivery["attempts"][0]["error"] is None


def test_failed_delivery_is_retried_and_every_attempt_recorded(
    api: Api, receiver: Receiver
) -> None:
    """A 500 is retried after a backoff; both attempts are listed, the id is kept."""
    receiver.plan = [500]
    rule = {"on": "contact_created", "webhook": receiver.url, "secret": SECRET}
    api.control("PUT", "/rules", {"rules": [rule]})
    api.identify({"email": "r@x.io"})
    [delivery] = wait_for(lambda: _done(api, 1))
    assert delivery["state"] == "delivered"
    assert [(a["attempt"], a["status"], a["error"]) for a in delivery["attempts"]] == [
        (1, 500, "HTTP 500"),
        (2, 200, None),
    ]
    first, second = (json.loads(body) for _, body in receiver.requests)
    assert first == second
    assert first["event"] == "contact_created"
    assert first["tag"] is None


def test_delivery_gives_up_after_its_attempts(api: Api, receiver: Receiver) -> None:
    """With every attempt failing, the delivery ends failed after the set attempts."""
    receiver.plan = [503] * 10
    rule = {"on": "tag_removed", "tag": "t", "webhook": receiver.url, "secret": SECRET}
    api.control("PUT", "/rules", {"rules": [rule]})
    api.identify({"email": "g@x.io", "tags": ["t"]})
    api.track("g@x.io", {"removeTags": ["t"]})
    [delivery] = wait_for(lambda: _done(api, 1))
    assert delivery["state"] == "failed"
    assert [a["status"] for a in delivery["attempts"]] == [503, 503, 503]  # attempts=3


def test_unreachable_receiver_records_the_error(api: Api) -> None:
    """A refused connection is an attempt with no status and the error's text."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    rule = {"on": "contact_created", "webhook": f"http://127.0.0.1:{port}/", "secret": SECRET}
    api.control("PUT", "/rules", {"rules": [rule]})
    api.identify({"email": "u@x.io"})
    [delivery] = wait_for(lambda: _done(api, 1))
    assert delivery["state"] == "failed"
    assert all(a["status"] is None for a in delivery["attempts"])
    assert "ConnectionRefusedError" in delivery["attempts"][0]["error"]


def test_delivery_does_not_block_the_api(api: Api, receiver: Receiver) -> None:
    """While the receiver holds a webhook, API calls are answered; the delivery is
    pending until the receiver lets go."""
    receiver.release.clear()
    rule = {"on": "contact_created", "webhook": receiver.url, "secret": SECRET}
    api.control("PUT", "/rules", {"rules": [rule]})
    api.identify({"email": "a@x.io"})
    started = time.monotonic()
    for n in range(5):
        assert api.identify({"email": f"b{n}@x.io"}).status == 200
    assert time.monotonic() - started < 5  # the receiver holds for up to 10 s
    assert any(d["state"] == "pending" for d in _deliveries(api))
    receiver.release.set()
    deliveries = wait_for(lambda: _done(api, 6))
    assert [d["state"] for d in deliveries] == ["delivered"] * 6


def test_only_matching_rules_fire(api: Api, receiver: Receiver) -> None:
    """A rule fires for its event type and tag only; each match is one delivery."""
    rules = [
        {"on": "tag_added", "tag": "vip", "webhook": receiver.url, "secret": "a"},
        {"on": "tag_removed", "tag": "vip", "webhook": receiver.url, "secret": "b"},
        {"on": "tag_added", "tag": "other", "webhook": receiver.url, "secret": "c"},
    ]
    api.control("PUT", "/rules", {"rules": rules})
    api.identify({"email": "m@x.io", "tags": ["vip", "plain"]})
    api.track("m@x.io", {"removeTags": ["vip", "plain"]})
    deliveries = wait_for(lambda: _done(api, 2))
    assert [(d["event"], d["rule"], d["tag"]) for d in deliveries] == [
        ("tag_added", 0, "vip"),
        ("tag_removed", 1, "vip"),
    ]
    by_id = {d["id"]: d for d in deliveries}
    for headers, body in receiver.requests:
        secret = rules[by_id[headers["x-sendx-delivery"]]["rule"]]["secret"]
        assert headers["x-sendx-signature"] == sign(secret, body)
    assert _deliveries(api, team_id="team-1") == deliveries
    assert _deliveries(api, team_id="other") == []


BAD_RULES = [
    ({"rules": [{"on": "tag_added", "webhook": "http://h/", "secret": "s"}]}, "tag must name"),
    ({"rules": [{"on": "opened", "webhook": "http://h/", "secret": "s"}]}, "on must be one of"),
    (
        {"rules": [{"on": "contact_created", "tag": None, "webhook": "http://h/", "secret": "s"}]},
        "tag applies only",
    ),
    ({"rules": [{"on": "contact_created", "webhook": "ftp://h/", "secret": "s"}]}, "webhook"),
    ({"rules": [{"on": "contact_created", "webhook": "http://h/", "secret": ""}]}, "secret"),
    (
        {"rules": [{"on": "contact_created", "webhook": "http://h/", "secret": "s", "x": 1}]},
        "unknown",
    ),
    ({"rules": {}}, '"rules" must be an array'),
    ({"rule": []}, "the document must be"),
    ([], "the document must be"),
]


@pytest.mark.parametrize(("document", "message"), BAD_RULES)
def test_invalid_rules_are_refused_and_the_old_ones_kept(
    api: Api, document: Any, message: str
) -> None:
    """An invalid rules document is 400 with the reason; the rules in force stay."""
    good = {"rules": [{"on": "contact_created", "webhook": "http://127.0.0.1:9/", "secret": "s"}]}
    api.control("PUT", "/rules", good)
    status, answer = api.control("PUT", "/rules", document)
    assert status == 400
    assert message in answer["message"]
    assert api.control("GET", "/rules") == (200, good)


def test_rules_from_the_constructor_and_from_files(
    tmp_path: Path, http: urllib3.PoolManager
) -> None:
    """Emulator(rules=...) takes a list or the document; files are JSON or TOML."""
    rule = {"on": "tag_added", "tag": "vip", "webhook": "http://127.0.0.1:9/h", "secret": "s"}
    toml = tmp_path / "rules.toml"
    toml.write_text(
        '[[rules]]\non = "tag_added"\ntag = "vip"\nwebhook = "http://127.0.0.1:9/h"\nsecret = "s"\n'
    )
    as_json = tmp_path / "rules.json"
    as_json.write_text(json.dumps({"rules": [rule]}))
    assert [r.to_json() for r in load_rules_file(toml)] == [rule]
    assert [r.to_json() for r in load_rules_file(as_json)] == [rule]
    (tmp_path / "bad.toml").write_text("[[rules]\n")
    with pytest.raises(RuleError, match="not valid TOML"):
        load_rules_file(tmp_path / "bad.toml")
    for given in ([rule], {"rules": [rule]}):
        with Emulator(rules=given) as emu:
            assert Api(http, emu).control("GET", "/rules") == (200, {"rules": [rule]})
    with pytest.raises(RuleError):
        Emulator(rules=[{"on": "nope"}])

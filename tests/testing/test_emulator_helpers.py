"""``sendx.testing.Emulator`` and its control-plane helpers, used directly (no pytest
plugin), as unittest suites and plain scripts use them."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import io
import json
import os
import sys
import threading
import unittest
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import sendx
from sendx.testing import ControlPlane, Emulator, EmulatorError, SendXTestCase


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator() as emu:
        yield emu


@pytest.fixture
def emu(emulator: Emulator) -> Emulator:
    emulator.reset()
    return emulator


class Receiver:
    """A webhook receiver on loopback that records what it gets."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        received = self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append((dict(self.headers), body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.close()


def test_helpers_need_a_running_emulator() -> None:
    """Before ``start()`` the helpers say so instead of trying some other address."""
    emu = Emulator()
    assert not emu.running
    assert repr(emu) == "Emulator(not started, team_id='test-team', api_key='***')"
    with pytest.raises(RuntimeError, match=r"not running: call start\(\)"):
        emu.contacts()
    with pytest.raises(RuntimeError, match="not running"):
        _ = emu.base_url


def test_state_helpers_and_reset(emu: Emulator) -> None:
    """contacts/contact/events see what a client did; reset forgets it all and clears
    faults; the key never shows in the repr."""
    assert "test-api-key" not in repr(emu)
    assert emu.api_key == "test-api-key"
    with emu.client() as client:
        made = client.contacts.identify("Ada@Example.com", first_name="Ada", tags=["t"])
        client.contacts.track("ada@example.com", remove_tags=["t"])
    assert isinstance(made, sendx.Contact)
    assert emu.contacts() == [emu.contact("ADA@example.com")]
    assert emu.contact("ada@example.com").tags == []
    events = emu.events()
    assert [e["type"] for e in events] == ["contact_created", "tag_added", "tag_removed"]
    assert [e["type"] for e in emu.events(after=events[0]["id"])] == ["tag_added", "tag_removed"]
    emu.set_faults([{"status": 500, "times": 3}])
    assert emu.faults() == [{"status": 500, "probability": 1, "times": 3}]

    emu.reset()

    assert (emu.contacts(), emu.events(), emu.faults()) == ([], [], [])
    assert emu.contact("ada@example.com") is None


def test_rules_deliver_signed_webhooks_and_come_back_on_reset(receiver: Receiver) -> None:
    """Rules given at start fire webhooks (waited for, not slept on) and are restored
    by ``reset()`` after a test replaced them."""
    rule = {"on": "tag_added", "tag": "paid user", "webhook": receiver.url, "secret": "s3"}
    with Emulator(rules=[rule]) as emu:
        assert emu.rules() == [rule]
        with emu.client() as client:
            client.contacts.identify("ada@example.com", tags=["paid user"])
        deliveries = emu.wait_for_deliveries(1)
        assert [(d["event"], d["tag"], d["state"]) for d in deliveries] == [
            ("tag_added", "paid user", "delivered")
        ]
        headers, body = receiver.requests[0]
        expected = hmac.new(b"s3", body, hashlib.sha256).hexdigest()
        assert headers["X-SendX-Signature"] == f"sha256={expected}"
        assert json.loads(body)["contact"]["email"] == "ada@example.com"

        emu.set_rules([])
        emu.reset()

        assert emu.rules() == [rule]
        assert emu.deliveries() == []


def test_waiting_for_deliveries_that_never_come_times_out(emu: Emulator) -> None:
    with pytest.raises(TimeoutError, match=r"0 webhook deliveries delivered after 0.05 s"):
        emu.wait_for_deliveries(1, timeout=0.05)


def test_control_plane_errors_are_clear(emu: Emulator) -> None:
    """A refused document gives the emulator's reason; an absent emulator is named."""
    with pytest.raises(EmulatorError, match=r"answered 400 to PUT /_emulator/faults: ") as info:
        emu.set_faults([{"status": 503, "drop": "before"}])
    assert info.value.status == 400
    gone = ControlPlane(f"http://127.0.0.1:{emu.port}/nothing-here", "team")
    with pytest.raises(EmulatorError, match="answered 404 to GET /_emulator/contacts"):
        gone.contacts()
    stopped = Emulator().start()
    url = stopped.control_url
    stopped.stop()
    with pytest.raises(
        EmulatorError, match=r"did not answer GET /_emulator/health .*is it running"
    ):
        ControlPlane(url, "team", timeout=2).health()


def test_missing_extra_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    with pytest.raises(ImportError, match=r"pip install 'sendx-client\[emulator\]'"):
        Emulator().start()


def test_unittest_base_class() -> None:
    """SendXTestCase: one emulator per class, reset and SENDX_* set for every test,
    a client closed after each, everything restored afterwards."""
    seen: list[int] = []
    environ_before = dict(os.environ)

    class Case(SendXTestCase):
        def test_a_writes(self) -> None:
            seen.append(self.sendx_emulator.port)
            self.sendx_client.contacts.identify("a@example.com")
            assert len(self.sendx_emulator.contacts()) == 1

        def test_b_starts_clean_with_env(self) -> None:
            seen.append(self.sendx_emulator.port)
            assert self.sendx_emulator.contacts() == []
            assert os.environ["SENDX_BASE_URL"] == self.sendx_emulator.base_url
            with sendx.SendX() as client:
                assert client.contacts.identify("b@example.com").email == "b@example.com"

    suite = unittest.defaultTestLoader.loadTestsFromTestCase(Case)
    stream = io.StringIO()
    result = unittest.TextTestRunner(stream=stream).run(suite)
    assert result.wasSuccessful(), stream.getvalue()
    assert result.testsRun == 2
    assert len(set(seen)) == 1
    assert not Case.sendx_emulator.running
    assert dict(os.environ) == environ_before


def test_async_client_left_by_a_loop_that_ended_abruptly(emu: Emulator) -> None:
    """A loop closed without shutting down its async generators (not asyncio.run):
    a client closed in it is finished cleanly; one never used has nothing to do."""
    client = emu.async_client()
    loop = asyncio.new_event_loop()

    async def use() -> None:
        await client.contacts.identify("a@example.com")
        await client.close()

    loop.run_until_complete(use())
    loop.close()

    assert client.finish() is None
    assert emu.async_client().finish() is None


def test_clients_reach_both_apis_and_messages_show_what_was_sent(emu: Emulator) -> None:
    """A client of the emulator speaks v1 and REST to the one team; ``messages`` lists
    its mail oldest first (all, or to one address in any case), ``message`` one by id;
    ``reset`` forgets them."""
    assert emu.rest_base_url == emu.base_url + "/rest"
    assert emu.target.rest_base_url == emu.rest_base_url
    assert emu.env()["SENDX_REST_BASE_URL"] == emu.rest_base_url
    with emu.client() as client:
        assert client.rest_base_url == emu.rest_base_url
        client.contacts.identify("ann@x.io", first_name="Ann")
        first = client.emails.send(
            from_="shop@x.io", to=["Ann <ann@x.io>", "bob@x.io"], subject="One", html_body="1"
        )
        [second] = client.emails.send(
            from_="shop@x.io", to="ANN@x.io", subject="Hi {{firstName}}", html_body="2"
        )
    assert [m["subject"] for m in emu.messages()] == ["One", "One", "Hi Ann"]
    to_ann = emu.messages(to="ann@X.io")
    assert [m["id"] for m in to_ann] == [first[0].message_id, second.message_id]
    assert to_ann[0]["to"] == {"email": "ann@x.io", "name": "Ann"}
    assert emu.message(second.message_id) == to_ann[1]
    assert emu.message("message_" + "A" * 22) is None
    assert emu.wait_for_messages(2, to="ann@x.io") == to_ann

    emu.reset()

    assert emu.messages() == []


def test_waiting_for_messages_that_never_come_times_out(emu: Emulator) -> None:
    with pytest.raises(TimeoutError, match=r"0 message\(s\) captured after 0.05 s, expected 1"):
        emu.wait_for_messages(1, timeout=0.05)


def test_messages_page_past_the_control_planes_limit(emu: Emulator) -> None:
    """More than one page of the control plane (1,000): every message, in order."""
    to = [f"r{number:04}@x.io" for number in range(1000)]
    with emu.client() as client:
        client.emails.send(from_="shop@x.io", to=to, subject="a", html_body="a")
        client.emails.send(from_="shop@x.io", to="last@x.io", subject="b", html_body="b")
    found = emu.messages()
    assert [m["to"]["email"] for m in found] == [*to, "last@x.io"]


def _sender(emu: Emulator) -> str:
    """A sender of the emulator's team, made over REST without the client."""
    request = urllib.request.Request(
        emu.rest_base_url + "/sender",
        data=b'{"name": "News", "email": "news@x.io"}',
        method="POST",
        headers={"X-Team-ApiKey": emu.api_key, "Content-Type": "application/json"},
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=30) as answer:
        return str(json.loads(answer.read())["id"])


def test_campaigns_sent_now_and_engagement_fill_the_report(emu: Emulator) -> None:
    """``send_campaign`` sends a draft now; ``open``, ``click``, ``bounce``, ``spam``,
    ``unsubscribe`` and ``drop`` act on a message and answer it; the report counts
    them and the contact's flags follow."""
    with emu.client() as client:
        customers = client.lists.create(name="customers")
        for email in ("ann@x.io", "bob@x.io", "cy@x.io"):
            client.contacts.create(email=email, lists=[customers.id])
        sender = _sender(emu)
        draft = client.campaigns.create(
            name="Launch", subject="S", sender=sender, html_code="x", included_lists=["customers"]
        )
        assert emu.messages(campaign_id=draft.id) == []
        assert emu.send_campaign(draft.id) == 3
        ann, bob, cy = (
            emu.messages(to=email)[0]["id"] for email in ("ann@x.io", "bob@x.io", "cy@x.io")
        )
        assert [e["type"] for e in emu.open(ann)["events"]] == ["open"]
        clicked = emu.click(ann, "https://x.io/a")
        assert (clicked["events"][-1]["type"], clicked["events"][-1]["url"]) == (
            "click",
            "https://x.io/a",
        )
        emu.bounce(bob)
        emu.spam(cy)
        emu.unsubscribe(cy)
        emu.drop(bob)
        report = client.reports.campaign("Launch")
        assert client.campaigns.get(draft.id).status == 3
        bob_contact = client.contacts.get("bob@x.io")
        cy_contact = client.contacts.get("cy@x.io")
    assert (report.sent_contact_count, report.opened_contact_count) == (3, 1)
    assert (report.clicked_contact_count, report.bounce_contact_count) == (1, 1)
    assert (report.spam_contact_count, report.unsubscribe_contact_count) == (1, 1)
    assert (bob_contact.bounced, bob_contact.dropped) == (True, True)
    assert (cy_contact.spam, cy_contact.unsubscribed) == (True, True)
    with pytest.raises(EmulatorError, match="409") as raised:
        emu.send_campaign(draft.id)  # sent already
    assert raised.value.status == 409
    with pytest.raises(EmulatorError) as raised:
        emu.open("message_" + "A" * 22)
    assert raised.value.status == 404

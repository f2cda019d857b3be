"""The main job, end to end, on a local SendX emulator: no credentials needed.

Starts an emulator with a temporary database and an automation rule on the tag
"paid user", runs the product documentation's scenario with the sendx client
(identify A, identify B, then track: add "paid user", remove "trial user"), and prints
the merged contact, the events and the signed webhook the rule delivered.

Run it with ``make demo`` (or ``python examples/demo.py`` in the project's venv).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import queue
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import sendx
from sendx.cli._contacts import format_contact
from sendx.emulator import Emulator

TEAM_ID, API_KEY, SECRET = "demo-team", "demo-key", "demo-webhook-secret"
EMAIL = "john.doe@gmail.com"


class _Receiver(BaseHTTPRequestHandler):
    """Stands in for the app that SendX's webhook calls; checks the signature."""

    received: queue.Queue[tuple[dict[str, Any], bool]] = queue.Queue()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        valid = hmac.compare_digest(expected, self.headers.get("X-SendX-Signature", ""))
        self.received.put((json.loads(body), valid))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the demo prints what matters itself


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (our loopback URL)
        return json.load(response)


def _section(title: str) -> None:
    print(f"\n== {title} " + "=" * max(0, 60 - len(title)))


def main() -> None:
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    webhook = f"http://127.0.0.1:{receiver.server_port}/hooks/sendx"
    rules = [{"on": "tag_added", "tag": "paid user", "webhook": webhook, "secret": SECRET}]
    try:
        with Emulator(teams={TEAM_ID: API_KEY}, rules=rules) as emu:
            print(f"emulator running at {emu.base_url}, team {TEAM_ID!r}")
            with sendx.SendX(API_KEY, TEAM_ID, base_url=emu.base_url) as client:
                _section("identify A")
                client.contacts.identify(
                    EMAIL,
                    first_name="John",
                    birthday="1989-03-03",
                    tags=["Developer"],
                    custom_fields={"Designation": "Software Engineer"},
                )
                print("firstName, birthday, tag Developer, field Designation")
                _section("identify B")
                contact = client.contacts.identify(
                    EMAIL, tags=["API Team"], custom_fields={"Age": 29}
                )
                print("tag API Team, field Age; nothing from A is lost:")
                print(format_contact(contact.to_dict()))
                _section("track")
                client.contacts.track(EMAIL, add_tags=["paid user"], remove_tags=["trial user"])
                print("added 'paid user', removed 'trial user' (it was not attached: a no-op)")

            _section("the merged contact, as the emulator holds it")
            stored = _get(f"{emu.control_url}/contacts?team_id={TEAM_ID}&email={EMAIL}")
            print(json.dumps(stored, indent=2))

            _section("events, in order")
            for event in _get(f"{emu.control_url}/events?team_id={TEAM_ID}")["events"]:
                detail = event.get("tag") or event.get("field") or ""
                print(f"{event['id']:>3}  {event['type']:<16} {detail}")

            _section("webhook delivered by the rule on 'paid user'")
            payload, valid = _Receiver.received.get(timeout=15)
            print(f"signature valid: {valid}")
            print(json.dumps(payload, indent=2))
            # The receiver answered; wait for the emulator to record the attempt.
            deadline = time.monotonic() + 10
            deliveries: list[dict[str, Any]] = []
            while time.monotonic() < deadline:
                deliveries = _get(f"{emu.control_url}/deliveries")["deliveries"]
                if deliveries and deliveries[-1]["state"] != "pending":
                    break
                time.sleep(0.05)
            for delivery in deliveries:
                for attempt in delivery["attempts"]:
                    outcome = attempt["status"] or attempt["error"]
                    print(
                        f"delivery {delivery['id']}: attempt {attempt['attempt']} -> {outcome} "
                        f"in {attempt['duration_ms']:.1f} ms ({delivery['state']})"
                    )
    finally:
        receiver.shutdown()
        receiver.server_close()
    print("\nemulator stopped; its temporary database is gone.")


if __name__ == "__main__":
    main()

"""The emulator against the reference model, step by step, over HTTP.

A hypothesis ``RuleBasedStateMachine`` sends identify calls (names, tags, text
fields, numbers and increments, renames) and track calls through our
``sendx.SendX`` client to a real emulator on a database file (restarted once,
anywhere in a run), applies the same calls to ``ReferenceModel``, and after every
step compares the whole state: every contact with all its fields and tags (from
``/_emulator/contacts``, and each one again by its address in another case),
stable ``encryptedId`` / ``encryptedTeamId``, the whole event sequence
(``/_emulator/events``, and ``?after=``), and the error status of a call the
model expects to fail. The alphabets of emails (with case variants), tags and
fields are small, so that calls collide.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import urllib3
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from tests.emulator.reference_model import ModelContact, ModelError, ReferenceModel

from sendx import APIStatusError, SendX
from sendx.emulator import Emulator
from sendx.models import contact_from_wire

TEAM, KEY = "team1", "key1"

# Case variants of the same few addresses, so that upserts and renames collide.
EMAILS = [
    "ann@x.io",
    "Ann@x.io",
    "ANN@X.IO",
    "bob@x.io",
    "Bob@X.io",
    "cy+1@y.org",
    "CY+1@y.org",
    "zoë@exämple.com",
    "ZOË@EXÄMPLE.COM",
]
# Tag and field names are case-sensitive: "vip" and "VIP" are two tags.
TAGS = ["vip", "VIP", "trial user", "paid user", "Zoë"]
FIELDS = ["Plan", "Score", "Visits"]
# Text, increments and plain numbers (decimal arithmetic, so 0.1 steps are exact;
# numbers are rendered without trailing zeros): which kind a field becomes depends
# on its first value; text on a number field is a 400.
FIELD_VALUES = [
    "gold",
    "29",
    "",
    "Zoë",
    "++x",
    "++1",
    "++2.5",
    "++0.1",
    "--3",
    "++0",
    "7",
    "-1.5",
    "1.50",
    "-0",
]
NAMES = ["John", "Zoë", ""]
BIRTHDAYS = ["1989-03-03", "2016-02-29"]
ENCRYPTED_ID = re.compile(r"[A-Za-z0-9]{22}")
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)")  # ISO 8601, UTC

emails = st.sampled_from(EMAILS)
tag_lists = st.lists(st.sampled_from(TAGS), max_size=3)
optional = st.one_of(st.none(), st.sampled_from(NAMES))
custom_fields = st.dictionaries(st.sampled_from(FIELDS), st.sampled_from(FIELD_VALUES), max_size=2)


class ControlPlane:
    """The emulator's ``/_emulator`` endpoints, over one keep-alive connection pool."""

    def __init__(self, emulator: Emulator) -> None:
        self._pool = urllib3.HTTPConnectionPool("127.0.0.1", emulator.port, maxsize=1)
        self._prefix = "/_emulator"

    def _call(self, method: str, path: str, fields: dict[str, Any]) -> Any:
        response = self._pool.request(method, self._prefix + path, fields=fields)
        assert response.status == 200, (method, path, response.status, response.data[:300])
        return json.loads(response.data)

    def reset(self) -> None:
        response = self._pool.request(
            "POST",
            f"{self._prefix}/reset?team_id={TEAM}",
            headers={"Content-Type": "application/json"},
        )
        assert response.status == 200, response.data[:300]

    def contacts(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "/contacts", {"team_id": TEAM})["contacts"])

    def contact(self, email: str) -> tuple[int, Any]:
        """``GET /contacts?email=``: the status and the decoded body."""
        response = self._pool.request(
            "GET", f"{self._prefix}/contacts", fields={"team_id": TEAM, "email": email}
        )
        return response.status, json.loads(response.data)

    def events(self, after: int | None = None) -> list[dict[str, Any]]:
        fields: dict[str, Any] = {"team_id": TEAM}
        if after is not None:
            fields["after"] = str(after)
        return list(self._call("GET", "/events", fields)["events"])

    def close(self) -> None:
        self._pool.close()


class Harness:
    """One emulator on a database file, with our client and the control plane;
    :meth:`restart` stops it and starts a new one on the same file."""

    def __init__(self, db: str) -> None:
        self._db = db
        self._start()

    def _start(self) -> None:
        self.emulator = Emulator(db=self._db, teams={TEAM: KEY}).start()
        self.client = SendX(KEY, TEAM, base_url=self.emulator.base_url, max_retries=0)
        self.control = ControlPlane(self.emulator)

    def restart(self) -> None:
        self.close()
        self._start()

    def close(self) -> None:
        self.client.close()
        self.control.close()
        self.emulator.stop()


class EmulatorMatchesModel(RuleBasedStateMachine):
    """Drives one emulator team and the model with the same calls."""

    # Set by the test before the machine runs: one harness for the whole test.
    harness: Harness

    def __init__(self) -> None:
        super().__init__()
        self.model = ReferenceModel()
        self.ids: dict[int, str] = {}  # model contact key -> encryptedId seen
        self.team_encrypted_id: str | None = None
        self.last_event_id = 0
        self.restarted = False

    @property
    def client(self) -> SendX:
        return self.harness.client

    @property
    def control(self) -> ControlPlane:
        return self.harness.control

    @initialize()
    def reset(self) -> None:
        self.control.reset()
        assert self.control.contacts() == []
        assert self.control.events() == []

    @precondition(lambda self: not self.restarted)  # a restart costs ~0.2 s: once at most
    @rule()
    def restart(self) -> None:
        """Everything (contacts, ids, field kinds, events) survives a restart."""
        self.harness.restart()
        self.restarted = True

    # -- the calls ---------------------------------------------------------------------

    def _identify(self, body: dict[str, Any]) -> None:
        expected: ModelContact | ModelError
        try:
            expected = self.model.identify(body)
        except ModelError as error:
            expected = error
        kwargs = {
            "first_name": body.get("firstName"),
            "last_name": body.get("lastName"),
            "company": body.get("company"),
            "birthday": body.get("birthday"),
            "new_email": body.get("newEmail"),
            "tags": body.get("tags"),
            "custom_fields": body.get("customFields"),
        }
        status, got = _outcome(lambda: self.client.contacts.identify(body["email"], **kwargs))
        if isinstance(expected, ModelError):
            assert status == expected.status, f"expected {expected.status}, got {status}"
            return
        assert status == 200, f"unexpected {status}: {got}"
        wire = expected.to_wire()
        wire["encryptedId"] = self._encrypted_id(expected, got.id)
        wire["encryptedTeamId"] = self._team_id(got.team_id)
        assert got == contact_from_wire(wire)

    @rule(
        email=emails,
        first_name=optional,
        last_name=optional,
        company=optional,
        birthday=st.one_of(st.none(), st.sampled_from(BIRTHDAYS)),
        tags=st.one_of(st.none(), tag_lists),
        fields=st.one_of(st.none(), custom_fields),
    )
    def identify(
        self,
        email: str,
        first_name: str | None,
        last_name: str | None,
        company: str | None,
        birthday: str | None,
        tags: list[str] | None,
        fields: dict[str, str] | None,
    ) -> None:
        body = {
            "email": email,
            "firstName": first_name,
            "lastName": last_name,
            "company": company,
            "birthday": birthday,
            "tags": tags,
            "customFields": fields,
        }
        self._identify({k: v for k, v in body.items() if v is not None})

    @rule(
        email=emails,
        new_email=emails,
        tags=st.one_of(st.none(), tag_lists),
        fields=st.one_of(st.none(), custom_fields),
    )
    def rename(
        self, email: str, new_email: str, tags: list[str] | None, fields: dict[str, str] | None
    ) -> None:
        body: dict[str, Any] = {"email": email, "newEmail": new_email}
        if tags is not None:
            body["tags"] = tags
        if fields is not None:
            body["customFields"] = fields
        self._identify(body)

    @rule(data=st.data(), add=tag_lists, remove=tag_lists)
    def track(self, data: st.DataObject, add: list[str], remove: list[str]) -> None:
        # Mostly a contact that exists (in any case), so that tags do change.
        known = [contact.email for contact in self.model.contacts]
        existing = st.sampled_from(known).map(str.upper) | st.sampled_from(known)
        email = data.draw(existing | emails if known else emails, label="email")
        expected: ModelError | None = None
        try:
            self.model.track(email, add, remove)
        except ModelError as error:
            expected = error
        status, answer = _outcome(
            lambda: self.client.contacts.track(email, add_tags=add, remove_tags=remove)
        )
        assert status == (expected.status if expected else 200), (status, answer, expected)

    # -- the comparison after every step --------------------------------------------------

    def _encrypted_id(self, contact: ModelContact, seen: str | None) -> str:
        """The contact's ``encryptedId``: 22 alphanumerics, the same for its whole life."""
        assert seen is not None
        assert ENCRYPTED_ID.fullmatch(seen), seen
        first = self.ids.setdefault(contact.key, seen)
        assert seen == first, f"encryptedId of contact {contact.key} changed"
        return seen

    def _team_id(self, seen: str | None) -> str:
        assert seen is not None
        assert ENCRYPTED_ID.fullmatch(seen), seen
        if self.team_encrypted_id is None:
            self.team_encrypted_id = seen
        assert seen == self.team_encrypted_id, "encryptedTeamId changed"
        return seen

    @invariant()
    def same_contacts(self) -> None:
        got = self.control.contacts()
        stripped = [
            {k: v for k, v in c.items() if k not in ("encryptedId", "encryptedTeamId")} for c in got
        ]
        expected = self.model.contacts_wire()
        assert stripped == expected, _diff(stripped, expected)
        for contact, wire in zip(self.model.contacts, got, strict=True):
            self._encrypted_id(contact, wire.get("encryptedId"))
            self._team_id(wire.get("encryptedTeamId"))

    @invariant()
    def each_contact_found_by_email_in_any_case(self) -> None:
        for contact in self.model.contacts:
            status, one = self.control.contact(contact.email.swapcase())
            assert status == 200, (status, one)
            assert one["encryptedId"] == self.ids[contact.key]
            del one["encryptedId"], one["encryptedTeamId"]
            assert one == contact.to_wire()
        unknown = {email.lower() for email in EMAILS} - {
            c.email.lower() for c in self.model.contacts
        }
        for email in unknown:
            assert self.control.contact(email)[0] == 404

    @invariant()
    def same_events(self) -> None:
        got = self.control.events()
        ids = [event["id"] for event in got]
        assert ids == sorted(set(ids)), f"event ids not increasing: {ids}"
        assert all(TIMESTAMP.fullmatch(event["at"]) for event in got), got
        stripped = [{k: v for k, v in e.items() if k not in ("id", "at")} for e in got]
        assert stripped == [event.to_wire() for event in self.model.events], _diff(
            stripped, [event.to_wire() for event in self.model.events]
        )
        # ?after= lists exactly the events that came after the given id.
        newer = [event["id"] for event in self.control.events(after=self.last_event_id)]
        assert newer == [i for i in ids if i > self.last_event_id]
        if ids:
            self.last_event_id = ids[-1]


def _outcome(call: Callable[[], Any]) -> tuple[int, Any]:
    """The HTTP status of a client call and its result (or the error raised)."""
    try:
        return 200, call()
    except APIStatusError as error:
        return error.status, error


def _diff(got: list[Any], expected: list[Any]) -> str:
    return (
        f"\nemulator: {json.dumps(got, ensure_ascii=False, indent=1)}"
        f"\nmodel:    {json.dumps(expected, ensure_ascii=False, indent=1)}"
    )


def test_emulator_matches_reference_model(tmp_path: Path) -> None:
    """Every sequence of identify / rename / track calls, with a restart anywhere,
    leaves the emulator with the contacts, events and errors of the reference model."""
    harness = Harness(str(tmp_path / "emulator.sqlite3"))
    EmulatorMatchesModel.harness = harness
    try:
        run_state_machine_as_test(
            EmulatorMatchesModel,
            settings=settings(
                max_examples=25,
                stateful_step_count=20,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow],
                database=None,
            ),
        )
    finally:
        harness.close()

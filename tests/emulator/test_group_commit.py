"""Group commit against the reference model: several requests in one group.

The emulator stages each request's changes in memory and commits the requests of
a few loop turns together (``sendx.emulator.store.groups.GroupCommit``,
``Store.commit_group``). A hypothesis ``RuleBasedStateMachine`` sends *batches*
of 1 to 8 identify / rename / track calls that all land in one group: the same
contact changed twice, rename chains (b->c, then a->b, then the contact now at c
again), a create on an address a rename freed earlier in the group, a 409
decided against what the group staged, text on a field an earlier call of the
group made a number. The same calls go to ``ReferenceModel`` in the same order;
every status and every answered contact must match, then the whole state
(contacts, encrypted ids, events, the tag and field catalogues as another
connection reads them, the cached field kinds, the in-memory address index), and
the batch must have been one group holding every call that passed its checks
(counted by wrapping ``GroupCommit.commit``). Other rules
reopen the database file (what was committed comes back identical) and make a
batch's COMMIT fail (refused calls keep their error, the others answer 500, and
nothing of the batch is kept; the same batch sent again then succeeds).

Why the ASGI app is called directly, without a server: over sockets, which
request reaches the loop first, and which loop turn (so which group) it lands
in, depends on the connections' timing, so a batch's order inside its group would
not be deterministic and the model could not replay it. Here the calls are
tasks of one ``asyncio.gather``, started in order; each runs its synchronous part
(checks, merge, staging) up to ``await group.done`` in the same loop turn, so
they form one group in that order, which the test asserts. The HTTP layer itself,
one call per group, is covered by ``test_state_machine.py``. The app is built as
``Emulator._start`` builds it, minus the server: no server thread exists to use
the store (which is not thread-safe) meanwhile, and reopening costs milliseconds.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import sqlite3
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from tests.emulator._helpers import DISK_FULL, FailingCommit
from tests.emulator.reference_model import ModelError, ReferenceModel
from tests.emulator.test_state_machine import (
    BIRTHDAYS,
    EMAILS,
    ENCRYPTED_ID,
    FIELDS,
    KEY,
    NAMES,
    TEAM,
    TIMESTAMP,
    custom_fields,
    emails,
    tag_lists,
)

from sendx.emulator.app import EmulatorApp, contact_wire
from sendx.emulator.delivery.automations import DeliveryQueue
from sendx.emulator.http.auth import Auth
from sendx.emulator.store.database import Store
from sendx.emulator.store.groups import Group
from sendx.resources.contacts import identify_call, track_call

_OK_TRACK = {"status": "200", "message": "OK", "data": "success"}


# -- the calls -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Identify:
    """An identify call; ``body`` holds its wire keys (no ``None`` values)."""

    body: dict[str, Any]

    def request(self) -> tuple[str, str, bytes]:
        """The path, the query string and the body, as our client builds them."""
        body = self.body
        call = identify_call(
            body["email"],
            first_name=body.get("firstName"),
            last_name=body.get("lastName"),
            company=body.get("company"),
            birthday=body.get("birthday"),
            new_email=body.get("newEmail"),
            tags=body.get("tags"),
            custom_fields=body.get("customFields"),
        )
        assert call.body is not None
        return "/api/v1/contact/identify", urlencode({"team_id": TEAM}), call.body

    def apply(self, model: ReferenceModel) -> tuple[int, dict[str, Any]]:
        """Apply to the model: the contact's key and the expected ``data`` minus the
        encrypted ids (taken now: a later call of the batch may change the contact)."""
        contact = model.identify(self.body)
        return contact.key, contact.to_wire()


@dataclass(frozen=True)
class Track:
    """A track call: tags added, then removed."""

    email: str
    add: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)

    def request(self) -> tuple[str, str, bytes]:
        """The path, the query string and the body (empty without tags)."""
        call = track_call(self.email, add_tags=self.add, remove_tags=self.remove)
        query = urlencode((("team_id", TEAM), *call.params))
        return "/api/v1/contact/track", query, call.body or b""

    def apply(self, model: ReferenceModel) -> None:
        """Apply to the model (raises :class:`ModelError` for an unknown contact)."""
        model.track(self.email, self.add, self.remove)


ApiCall = Identify | Track
# What a call must answer: an error, a contact (its model key and wire form), or
# nothing to compare (a track's fixed answer).
_Expected = ModelError | tuple[int, dict[str, Any]] | None


_names = st.sampled_from(NAMES)
_extras = {"tags": tag_lists, "customFields": custom_fields}
identifies = st.builds(
    Identify,
    st.fixed_dictionaries(
        {"email": emails},
        optional={
            "firstName": _names,
            "lastName": _names,
            "company": _names,
            "birthday": st.sampled_from(BIRTHDAYS),
            **_extras,
        },
    ),
)
renames = st.builds(
    Identify, st.fixed_dictionaries({"email": emails, "newEmail": emails}, optional=_extras)
)
tracks = st.builds(Track, emails, tag_lists, tag_lists)
# The case variants of each address, so that a chain names distinct contacts.
_VARIANTS = [
    [e for e in EMAILS if e.lower() == key] for key in dict.fromkeys(map(str.lower, EMAILS))
]


@st.composite
def rename_chains(draw: st.DrawFn) -> list[ApiCall]:
    """b -> c, then a -> b, then the contact now at c again, then a create at a's
    freed address (in another case): with random calls around it, the case the
    index of addresses must get right."""
    a, b, c = (draw(st.sampled_from(v)) for v in draw(st.permutations(_VARIANTS))[:3])
    extras = draw(st.fixed_dictionaries({}, optional=_extras))
    return [
        Identify({"email": b, "newEmail": c}),
        Identify({"email": a, "newEmail": b}),
        Identify({"email": c, **extras}),
        Identify({"email": a.upper()}),
    ]


# Renames weigh as much as plain identifies: chains of them are the point.
_single = st.one_of(identifies, renames, renames, tracks).map(lambda call: [call])
batches = st.lists(st.one_of(_single, _single, rename_chains()), min_size=1, max_size=5).map(
    lambda parts: [call for part in parts for call in part][:8]
)


# -- the app, without a server ---------------------------------------------------------------


class Harness:
    """The emulator's app on a database file, built as ``Emulator._start`` builds
    it; records the size of every group it commits."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.group_sizes: list[int] = []
        self._open()

    def _open(self) -> None:
        self.store = Store(self.path)
        self.auth = Auth(self.store, {TEAM: KEY})
        self.deliveries = DeliveryQueue()
        self.app = EmulatorApp(self.store, self.auth, rules=[], deliveries=self.deliveries)
        team = self.auth.team(TEAM)
        assert team is not None
        self.team = team
        commit = self.app.groups.commit

        def counted(group: Group) -> None:
            self.group_sizes.append(group.size)
            commit(group)

        self.app.groups.commit = counted  # type: ignore[method-assign]
        # A second connection sees only what was committed.
        self.reader = sqlite3.connect(self.path)

    def reopen(self) -> None:
        self.close()
        self._open()

    def close(self) -> None:
        self.reader.close()
        self.deliveries.close()
        self.store.close()

    def send(self, calls: list[ApiCall]) -> list[tuple[int, Any]]:
        """Send the calls as one batch; their statuses and decoded bodies, in order."""
        self.group_sizes.clear()
        answers = asyncio.run(_gather(self.app, [call.request() for call in calls]))
        assert self.app.groups.waiting is None, "a group is left open"
        return answers

    def snapshot(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Every contact in wire form and every event, as stored."""
        pk = self.team.pk
        contacts = [contact_wire(self.team, row) for row in self.store.contacts(pk)]
        return contacts, self.store.events(pk)

    def catalogues(self) -> tuple[set[str], dict[str, str]]:
        """The team's tag names and field kinds, as committed."""
        pk = self.team.pk
        tags = self.reader.execute(
            "SELECT data ->> 'name' FROM objects WHERE team = ? AND kind = 'tag'", (pk,)
        ).fetchall()
        kinds = self.reader.execute(
            "SELECT data ->> 'name', iif(data ->> 'type' = 1, 'number', 'text') FROM objects "
            "WHERE team = ? AND kind = 'custom_field'",
            (pk,),
        )
        return {name for (name,) in tags}, dict(kinds.fetchall())


async def _gather(app: EmulatorApp, requests: list[tuple[str, str, bytes]]) -> list[Any]:
    return list(await asyncio.gather(*(_asgi(app, *request) for request in requests)))


async def _asgi(app: EmulatorApp, path: str, query: str, body: bytes) -> tuple[int, Any]:
    """One ASGI request: the status and the decoded JSON answer."""
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode("ascii"),
        "headers": [(b"api_key", KEY.encode()), (b"content-length", b"%d" % len(body))],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 80),
    }
    received = False

    async def receive() -> dict[str, Any]:
        nonlocal received
        if received:  # the app reads the body once; a second read means a drop
            return {"type": "http.disconnect"}
        received = True
        return {"type": "http.request", "body": body, "more_body": False}

    sent: list[MutableMapping[str, Any]] = []

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    assert [message["type"] for message in sent] == ["http.response.start", "http.response.body"]
    return sent[0]["status"], json.loads(sent[1]["body"])


# -- the machine -----------------------------------------------------------------------------


class GroupCommitMatchesModel(RuleBasedStateMachine):
    """Batches of calls, each batch one group, against the model."""

    # Set by the test: a folder for one database file per example.
    folder: Path
    _files = itertools.count()

    def __init__(self) -> None:
        super().__init__()
        self.model = ReferenceModel()
        self.ids: dict[int, str] = {}  # model contact key -> encryptedId
        self.team_encrypted_id: str | None = None
        self.harness: Harness | None = None

    @initialize()
    def open(self) -> None:
        path = self.folder / f"group-{next(self._files)}.sqlite3"
        self.harness = Harness(str(path))
        self.team_encrypted_id = self.harness.team.encrypted_id
        assert ENCRYPTED_ID.fullmatch(self.team_encrypted_id)

    def teardown(self) -> None:
        if self.harness is not None:
            self.harness.close()

    @property
    def emulator(self) -> Harness:
        assert self.harness is not None
        return self.harness

    def _expect(self, calls: list[ApiCall]) -> list[_Expected]:
        """Apply the calls to the model in order: what each must answer."""
        expected: list[_Expected] = []
        for call in calls:
            try:
                expected.append(call.apply(self.model))
            except ModelError as error:
                expected.append(error)
        return expected

    @rule(calls=batches)
    def batch(self, calls: list[ApiCall]) -> None:
        """The calls of one group answer as the model does, call by call."""
        expected = self._expect(calls)
        answers = self.emulator.send(calls)
        for call, want, (status, answer) in zip(calls, expected, answers, strict=True):
            if isinstance(want, ModelError):
                assert status == want.status, (call, status, answer, want)
                assert answer["status"] == str(status), answer
                continue
            assert status == 200, (call, status, answer)
            if isinstance(call, Track):
                assert answer == _OK_TRACK, answer
                continue
            assert answer["status"] == "200", answer
            assert want is not None
            key, wire = want
            data = answer["data"]
            self._check_ids(key, data.pop("encryptedId"), data.pop("encryptedTeamId"))
            assert data == wire, (call, data, wire)
        # One group for the whole batch, holding every call that passed its checks
        # (no commit at all when every call was refused).
        passed = sum(not isinstance(want, ModelError) for want in expected)
        assert self.emulator.group_sizes == ([passed] if passed else [])

    @rule()
    def reopen(self) -> None:
        """What was committed comes back identical, ids and times included."""
        before = self.emulator.snapshot()
        self.emulator.reopen()
        assert self.emulator.team.encrypted_id == self.team_encrypted_id
        assert self.emulator.snapshot() == before

    @rule(calls=batches)
    def failed_commit(self, calls: list[ApiCall]) -> None:
        """A batch whose COMMIT fails keeps nothing: refused calls answer their error,
        the others 500. The same batch sent again is then served normally."""
        before = self.emulator.snapshot()
        saved = copy.deepcopy(self.model)
        events = len(self.model.events)
        expected = []
        writes = False  # whether the group stages anything, so that it runs a COMMIT
        for call in calls:
            try:
                call.apply(self.model)
            except ModelError as error:
                expected.append(error.status)
                continue
            expected.append(500)
            # Every identify that passes stages its contact; a track only when it
            # changes a tag.
            writes = writes or isinstance(call, Identify) or len(self.model.events) > events
            events = len(self.model.events)
        self.model = saved
        store = self.emulator.store
        real = store._db
        failing = FailingCommit(real)
        store._db = failing  # type: ignore[assignment]
        try:
            answers = self.emulator.send(calls)
        finally:
            store._db = real
        if not writes:  # a group of no-op tracks (and refusals) commits nothing
            expected = [200 if status == 500 else status for status in expected]
        assert failing.fired is writes
        assert [status for status, _ in answers] == expected, (calls, answers)
        for status, answer in answers:
            if status == 500:
                message = f"the emulator could not commit: {DISK_FULL}"
                assert answer == {"status": "500", "message": message}
        passed = sum(status not in (400, 404, 409) for status in expected)
        assert self.emulator.group_sizes == ([passed] if passed else [])
        assert self.emulator.snapshot() == before
        self.check_state()  # the index and caches were rebuilt from the database
        self.batch(calls)

    # -- the comparison after every step -------------------------------------------------

    def _check_ids(self, key: int, encrypted_id: str, team_id: str) -> None:
        """A contact's ``encryptedId`` is the same for its whole life; the team's too."""
        assert ENCRYPTED_ID.fullmatch(encrypted_id), encrypted_id
        assert self.ids.setdefault(key, encrypted_id) == encrypted_id, f"id of {key} changed"
        assert team_id == self.team_encrypted_id, "encryptedTeamId changed"

    @invariant()
    def check_state(self) -> None:
        """Contacts, events and the address index match the model."""
        if self.harness is None:
            return
        contacts, events = self.emulator.snapshot()
        stripped = [
            {k: v for k, v in wire.items() if k not in ("encryptedId", "encryptedTeamId")}
            for wire in contacts
        ]
        assert stripped == self.model.contacts_wire(), (contacts, self.model.contacts_wire())
        for contact, wire in zip(self.model.contacts, contacts, strict=True):
            self._check_ids(contact.key, wire["encryptedId"], wire["encryptedTeamId"])
        ids = [event["id"] for event in events]
        assert ids == sorted(set(ids)), f"event ids not increasing: {ids}"
        assert all(TIMESTAMP.fullmatch(event["at"]) for event in events), events
        assert [{k: v for k, v in e.items() if k not in ("id", "at")} for e in events] == [
            event.to_wire() for event in self.model.events
        ]
        # The catalogues: every tag ever attached (only a reset removes one), every
        # field with the kind its first value gave it, in the file and in the cache.
        tags, kinds = self.emulator.catalogues()
        assert tags == {e.tag for e in self.model.events if e.type == "tag_added"}
        assert kinds == self.model.field_types
        assert self.emulator.store.field_kinds(self.emulator.team.pk, FIELDS) == kinds
        # The in-memory index finds every contact by its address, in any case, and
        # nothing at an address no contact holds.
        for email in EMAILS:
            found = self.emulator.store.find_contact(self.emulator.team.pk, email.lower())
            holder = self.model.find(email)
            if holder is None:
                assert found is None, (email, found)
            else:
                assert found is not None, email
                assert (found.email, found.encrypted_id) == (holder.email, self.ids[holder.key])


def test_group_commit_matches_reference_model(tmp_path: Path) -> None:
    """Batches of identify / rename / track calls, each committed as one group, with
    reopens and failed commits anywhere, leave the emulator with the answers,
    contacts and events of the reference model."""
    GroupCommitMatchesModel.folder = tmp_path
    run_state_machine_as_test(
        GroupCommitMatchesModel,
        settings=settings(
            max_examples=25,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
            database=None,
            # No explain phase: it traces every line run, and here the emulator runs
            # on the test's own thread, so explaining a failure takes minutes and
            # would end in the suite's timeout instead of the failing steps.
            phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
        ),
    )

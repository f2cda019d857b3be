"""The SQLite store: kept across restarts, versioned, keys hashed, temp files removed."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
import urllib3
from tests._support.polling import wait_for
from tests.emulator._helpers import Api, FailingCommit

from sendx.emulator import Emulator
from sendx.emulator.store.database import SCHEMA_VERSION, Store, StoreError


def test_data_survives_a_restart(tmp_path: Path, http: urllib3.PoolManager) -> None:
    """Contacts, ids, fields, events and team bindings are there after a restart."""
    db = tmp_path / "sub" / "emulator.db"
    with Emulator(db=db) as emu:
        api = Api(http, emu)
        api.identify({"email": "p@x.io", "tags": ["a"], "customFields": {"n": "++2"}})
        contacts, events = api.snapshot()
    assert db.exists()
    with Emulator(db=str(db)) as emu:
        api = Api(http, emu)
        assert api.snapshot() == (contacts, events)
        # The number field is still a number; the team still has its key.
        data = api.identify({"email": "P@x.io", "customFields": {"n": "++3"}}).json()
        assert data["data"]["customFields"] == {"n": "5"}
        assert data["data"]["encryptedId"] == contacts[0]["encryptedId"]
        assert api.identify({"email": "p@x.io"}, key="another").status == 401
        assert api.events()[-1]["id"] > events[-1]["id"]


def test_the_schema_is_versioned(tmp_path: Path) -> None:
    """PRAGMA user_version holds the schema version; the journal is WAL."""
    db = tmp_path / "e.db"
    with Emulator(db=db):
        pass
    with closing(sqlite3.connect(db)) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    """A database written by a newer emulator is not touched."""
    db = tmp_path / "future.db"
    connection = sqlite3.connect(db)
    connection.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    connection.close()
    with pytest.raises(StoreError, match="newer than this emulator"):
        Store(str(db))
    with pytest.raises(StoreError):
        Emulator(db=db).start()


def test_api_keys_are_stored_hashed(tmp_path: Path, http: urllib3.PoolManager) -> None:
    """Neither a bound key nor a configured one appears in the database files."""
    db = tmp_path / "keys.db"
    bound_key = "bound-key-4a1f9c"
    fixed_key = "fixed-key-77e0b2"
    with Emulator(db=db) as emu:
        Api(http, emu).identify({"email": "a@x.io"}, key=bound_key)
    with Emulator(db=db, teams={"fixed": fixed_key}) as emu:
        assert (
            Api(http, emu).identify({"email": "a@x.io"}, team="fixed", key=fixed_key).status == 200
        )
        raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
        assert bound_key.encode() not in raw
        assert fixed_key.encode() not in raw


def test_temporary_database_is_removed_at_stop() -> None:
    """Without db, the database lives in a temporary folder removed by stop()."""
    emu = Emulator().start()
    path = emu.db_path
    assert os.path.exists(path)
    emu.stop()
    assert not os.path.exists(path)
    assert not os.path.exists(os.path.dirname(path))
    emu.stop()  # idempotent


def test_an_emulator_starts_once() -> None:
    """start() after stop() is refused: build a new Emulator."""
    emu = Emulator()
    with emu, pytest.raises(RuntimeError, match="starts once"):
        emu.start()
    with pytest.raises(RuntimeError, match="starts once"):
        emu.start()


def test_a_busy_port_fails_to_start_cleanly(http: urllib3.PoolManager) -> None:
    """A second emulator on a taken port raises OSError and leaves no thread."""
    with Emulator() as first:
        second = Emulator(port=first.port)
        with pytest.raises(OSError, match=r"[Aa]ddress"):
            second.start()
        assert Api(http, first).control("GET", "/health")[0] == 200


def test_event_ids_never_repeat_across_reset_and_restart(
    tmp_path: Path, http: urllib3.PoolManager
) -> None:
    """After a reset and a restart, new events still get ids above every old one."""
    db = tmp_path / "ids.db"
    with Emulator(db=db) as emu:
        api = Api(http, emu)
        api.identify({"email": "a@x.io", "tags": ["x", "y"]})
        last = api.events()[-1]["id"]
        assert api.control("POST", "/reset")[0] == 200
    with Emulator(db=db) as emu:
        api = Api(http, emu)
        assert api.events() == []
        api.identify({"email": "a@x.io"})
        assert api.events()[0]["id"] == last + 1


def test_stop_finishes_the_requests_in_flight(http: urllib3.PoolManager) -> None:
    """stop() while a request is being served lets it finish with its answer."""
    import threading

    emu = Emulator().start()
    setup = urllib3.PoolManager()
    Api(setup, emu).control("PUT", "/faults", {"faults": [{"latency_ms": 500}]})
    setup.clear()  # closes its connection: the next one open is the request's
    wait_for(lambda: _connections(emu) == 0)
    api = Api(http, emu)
    answers: list[int] = []
    request = threading.Thread(
        target=lambda: answers.append(api.identify({"email": "a@x.io"}).status)
    )
    request.start()
    # In flight: the server has parsed the request and not yet answered it.
    wait_for(lambda: _requests_in_flight(emu) > 0)
    emu.stop()
    request.join()
    assert answers == [200]


def _connections(emu: Emulator) -> int:
    return len(emu._server.server_state.connections)  # uvicorn's open connections


def _requests_in_flight(emu: Emulator) -> int:
    connections = list(emu._server.server_state.connections)
    return sum(1 for c in connections if c.cycle is not None and not c.cycle.response_complete)


def test_missing_server_stack_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without uvicorn, start() raises EmulatorUnavailable naming the extra."""
    import sys

    from sendx.emulator import EmulatorUnavailable

    monkeypatch.setitem(sys.modules, "uvicorn", None)
    with pytest.raises(EmulatorUnavailable, match=r"sendx-client\[emulator\]"):
        Emulator().start()


def test_a_failed_commit_is_500_and_keeps_nothing(http: urllib3.PoolManager) -> None:
    """When the group commit fails, its requests answer 500 and none of their changes
    stay; the next request is served normally."""
    with Emulator() as emu:
        api = Api(http, emu)
        api.identify({"email": "kept@x.io"})
        store = emu.app.store
        real = store._db
        store._db = FailingCommit(real)
        try:
            response = api.identify({"email": "lost@x.io", "tags": ["t"]})
            assert response.status == 500
            assert response.json() == {
                "status": "500",
                "message": "the emulator could not commit: database or disk is full",
            }
            assert [c["email"] for c in api.contacts()] == ["kept@x.io"]
            assert api.identify({"email": "next@x.io"}).status == 200
            assert [c["email"] for c in api.contacts()] == ["kept@x.io", "next@x.io"]
        finally:
            store._db = real


def test_a_version_1_database_is_migrated_and_its_events_kept(
    tmp_path: Path, http: urllib3.PoolManager
) -> None:
    """A database written at schema version 1 (events rows without a per-event time)
    opens at the current version: its contacts and events are read as they were, and
    new events follow with higher ids."""
    from sendx.emulator.store.schema import MIGRATIONS

    db = tmp_path / "v1.db"
    connection = sqlite3.connect(db)
    for statement in MIGRATIONS[0]:
        connection.execute(statement)
    connection.execute(
        "INSERT INTO teams (id, team_id, key_hash, encrypted_id) VALUES (1, 'team1', ?, ?)",
        ("0" * 64, "T" * 22),
    )
    connection.execute(
        "INSERT INTO contacts (team, email, email_key, encrypted_id, tags) "
        "VALUES (1, 'old@x.io', 'old@x.io', ?, '[\"vip\"]')",
        ("C" * 22,),
    )
    connection.execute(
        "INSERT INTO events (last_id, team, at, events) VALUES (2, 1, ?, ?)",
        (
            "2026-01-02T03:04:05.000Z",
            '[[1,"contact_created","old@x.io",null,null,null,null],'
            '[2,"tag_added","old@x.io",null,"vip",null,null]]',
        ),
    )
    connection.execute("INSERT INTO counters (name, value) VALUES ('next_event', 3)")
    connection.execute("PRAGMA user_version=1")
    connection.commit()
    connection.close()

    with Emulator(db=db, teams={"team1": "key1"}) as emu:
        api = Api(http, emu)
        before = api.events(team="team1")
        assert [(e["id"], e["type"], e.get("tag")) for e in before] == [
            (1, "contact_created", None),
            (2, "tag_added", "vip"),
        ]
        assert all(e["at"] == "2026-01-02T03:04:05.000Z" for e in before)
        assert (
            api.identify({"email": "old@x.io", "tags": ["new"]}, team="team1", key="key1").status
            == 200
        )
        after = api.events(team="team1")
        assert [e["type"] for e in after[2:]] == ["tag_added"]
        assert after[2]["id"] > 2
        assert api.contacts(team="team1")[0]["tags"] == ["vip", "new"]
    with closing(sqlite3.connect(db)) as check:
        assert check.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def _database_at_version_2(db: Path) -> None:
    """A file as emulators of schema version 2 wrote it: UNIQUE (team, email_key) on
    contacts, and events rows of one [id, type, ..., at] list per event."""
    from sendx.emulator.store.schema import MIGRATIONS

    connection = sqlite3.connect(db)
    for statement in MIGRATIONS[0] + MIGRATIONS[1]:
        connection.execute(statement)
    connection.execute(
        "INSERT INTO teams (id, team_id, key_hash, encrypted_id) VALUES (1, 'team1', ?, ?)",
        ("0" * 64, "T" * 22),
    )
    for pk, email in ((1, "Ann@x.io"), (2, "bob@x.io")):
        connection.execute(
            "INSERT INTO contacts (id, team, email, email_key, encrypted_id) "
            "VALUES (?, 1, ?, ?, ?)",
            (pk, email, email.lower(), str(pk) * 22),
        )
    connection.execute(
        "INSERT INTO events (last_id, team, at, events) VALUES (2, 1, ?, ?)",
        (
            "2026-01-02T03:04:06.000Z",
            '[[1,"contact_created","Ann@x.io",null,null,null,null,"2026-01-02T03:04:05.000Z"],'
            '[2,"contact_created","bob@x.io",null,null,null,null,"2026-01-02T03:04:06.000Z"]]',
        ),
    )
    connection.execute("PRAGMA user_version=2")
    connection.commit()
    connection.close()


def test_a_version_2_database_is_migrated(tmp_path: Path, http: urllib3.PoolManager) -> None:
    """Version 3 rebuilds the contacts table without its SQL unique index: contacts,
    ids and events are kept, addresses are still found in any case and still unique
    (a rename onto another contact is a 409), and old and new events rows read
    together, before and after a restart."""
    db = tmp_path / "v2.db"
    _database_at_version_2(db)
    for _ in range(2):  # the migration, then a plain restart
        with Emulator(db=db, teams={"team1": "key1"}) as emu:
            api = Api(http, emu)
            status, ann = api.control("GET", "/contacts?team_id=team1&email=ANN@X.IO")
            assert (status, ann["email"], ann["encryptedId"]) == (200, "Ann@x.io", "1" * 22)
            rename = api.identify(
                {"email": "ann@x.io", "newEmail": "BOB@x.io"}, team="team1", key="key1"
            )
            assert rename.status == 409
            events = api.events(team="team1")
            assert [(e["id"], e["email"], e["at"]) for e in events[:2]] == [
                (1, "Ann@x.io", "2026-01-02T03:04:05.000Z"),
                (2, "bob@x.io", "2026-01-02T03:04:06.000Z"),
            ]
            created = api.identify({"email": f"new{len(events)}@x.io"}, team="team1", key="key1")
            assert created.status == 200
            assert [e["id"] for e in api.events(team="team1")] == list(range(1, len(events) + 2))
    with closing(sqlite3.connect(db)) as check:
        assert check.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        indexes = check.execute("PRAGMA index_list(contacts)").fetchall()
        assert not [index for index in indexes if index[2]]  # no unique index left
        emails = [row[0] for row in check.execute("SELECT email FROM contacts ORDER BY id")]
        assert emails == ["Ann@x.io", "bob@x.io", "new2@x.io", "new3@x.io"]


def test_two_contacts_on_one_address_are_refused(tmp_path: Path) -> None:
    """The index of addresses keeps them unique; a file that holds two contacts on
    one address (edited by hand) is refused with a message that says what to do."""
    db = tmp_path / "twice.db"
    Store(str(db)).close()
    connection = sqlite3.connect(db)
    connection.execute(
        "INSERT INTO teams (id, team_id, key_hash, encrypted_id) VALUES (7, 't', ?, ?)",
        ("0" * 64, "T" * 22),
    )
    for pk, email in ((1, "a@x.io"), (2, "A@x.io")):
        connection.execute(
            "INSERT INTO contacts (id, team, email, email_key, encrypted_id) "
            "VALUES (?, 7, ?, ?, ?)",
            (pk, email, email.lower(), "C" * 22),
        )
    connection.commit()
    connection.close()
    with pytest.raises(StoreError, match=r"two contacts of team 7 .*ids 1 and 2.*delete one"):
        Store(str(db))


def test_one_emulator_per_database_file(tmp_path: Path) -> None:
    """A second emulator on a file in use is refused at once, naming the process
    that holds it; once the first stops, the file opens again."""
    db = tmp_path / "shared.db"
    with Emulator(db=db):
        with pytest.raises(StoreError, match=rf"in use by process {os.getpid()}.*another --db"):
            Emulator(db=db).start()
        with pytest.raises(StoreError, match="one emulator per database file"):
            Store(str(db))
    with Emulator(db=db):
        pass

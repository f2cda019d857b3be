"""A database written by the current release opens in this one with nothing lost.

``data/sendx-0.1.0-schema-v3.sql`` is the dump of a file that sendx 0.1.0's emulator
(schema version 3) wrote through its v1 API (the file's header says how). Loaded
into a new file at version 3 and opened here, it migrates to the current version:
its contacts, tags, fields, events and team are all there, v1 sees them as before,
and REST sees the tags and fields as objects with ids.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import urllib3
from tests.emulator._helpers import Api

from sendx.emulator import Emulator
from sendx.emulator.store.schema import SCHEMA_VERSION

DUMP = Path(__file__).with_name("data") / "sendx-0.1.0-schema-v3.sql"
TEAM, KEY = "team1", "key1"
ADA = "2mf8EZNmp1CZBkb1uBSEqh"  # Ada Lovelace's encryptedId

#: What the release's control plane answered for that file: its contacts and events.
RELEASE = json.loads(DUMP.with_suffix(".json").read_text(encoding="utf-8"))


def _release_file(db: Path) -> None:
    connection = sqlite3.connect(db)
    try:
        connection.executescript(DUMP.read_text(encoding="utf-8"))
        connection.execute("PRAGMA user_version=3")
        connection.commit()
    finally:
        connection.close()


def _rest(http: urllib3.PoolManager, emu: Emulator, path: str) -> tuple[int, Any]:
    response = http.request(
        "GET", f"{emu.root_url}/api/v1/rest{path}", headers={"X-Team-ApiKey": KEY}
    )
    return response.status, response.json()


def _as_release_said(answers: list[dict[str, Any]], release: list[dict[str, Any]]) -> object:
    """The answers, each with the keys the release's answer had (newer ones may add)."""
    return [
        {key: answer.get(key) for key in old} for answer, old in zip(answers, release, strict=True)
    ]


def test_a_release_database_opens_with_nothing_lost(
    tmp_path: Path, http: urllib3.PoolManager
) -> None:
    """Contacts (names, company, birthday, tags, fields, ids), events and the team's
    key survive the migration; REST lists the tags and fields with ids (a number
    field stays a number), and a contact's tags and fields by those ids; a restart
    changes nothing, ids included."""
    db = tmp_path / "release.db"
    _release_file(db)
    snapshots = []
    for _ in range(2):  # the migration, then a plain restart
        with Emulator(db=db, teams={TEAM: KEY}) as emu:
            api = Api(http, emu)
            contacts, events = api.contacts(team=TEAM), api.events(team=TEAM)
            assert len(contacts) == len(RELEASE["contacts"])
            assert _as_release_said(contacts, RELEASE["contacts"]) == RELEASE["contacts"]
            assert len(events) == len(RELEASE["events"])
            assert _as_release_said(events, RELEASE["events"]) == RELEASE["events"]
            rest = {p: _rest(http, emu, p) for p in ("/tag?limit=100", "/customfield?limit=100")}
            snapshots.append((contacts, events, rest, _rest(http, emu, f"/contact/contact_{ADA}")))

            status, tags = _rest(http, emu, "/tag?limit=100")
            assert status == 200
            tag_ids = {tag["name"]: tag["id"] for tag in tags}
            assert sorted(tag_ids) == ["cobol", "math", "navy", "vip"]
            status, fields = _rest(http, emu, "/customfield?limit=100")
            assert status == 200
            kinds = {f["name"]: (f["id"], f["type"]) for f in fields}
            assert {name: kind for name, (_, kind) in kinds.items()} == {"Plan": 0, "Score": 1}
            for found in [*tag_ids.values(), *(i for i, _ in kinds.values())]:
                assert re.fullmatch(r"(tag|custom_field)_[a-zA-Z0-9]{22}", found)

            status, ada = _rest(http, emu, f"/contact/contact_{ADA}")
            assert status == 200
            assert ada["email"] == "ada@engines.example"
            assert ada["tags"] == [tag_ids["vip"], tag_ids["math"]]
            assert ada["customFields"] == {
                "field_" + kinds[name][0].removeprefix("custom_field_"): value
                for name, value in (("Plan", "pro"), ("Score", "5"))
            }
    assert snapshots[0] == snapshots[1]
    with Emulator(db=db, teams={TEAM: KEY}) as emu:
        # The key still names the team; the number field still adds; events go on.
        answer = Api(http, emu).identify(
            {"email": "ada@engines.example", "customFields": {"Score": "++1"}}, team=TEAM, key=KEY
        )
        assert answer.status == 200
        assert answer.json()["data"]["customFields"]["Score"] == "6"
        assert Api(http, emu).events(team=TEAM)[-1]["id"] == len(RELEASE["events"]) + 1
    connection = sqlite3.connect(db)
    try:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        connection.close()

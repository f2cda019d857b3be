"""REST team members: every team has its owner, then the configured members
(``Emulator(members=...)``, ``sendx emulator --member``), with ids stable across runs
and distinct across teams."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator

import pytest
import urllib3
from tests.emulator.rest.conftest import Rest

from sendx.emulator import Emulator
from sendx.emulator.rest.team_members import OWNER, member_id

EMULATOR = (sys.executable, "-m", "sendx", "emulator", "--port", "0")
MEMBER_ID = re.compile(r"member_[a-zA-Z0-9]{22}")
MEMBERS = ["jane.doe@example.com", "Bob_Smith@Example.org", "JANE.DOE@example.com", OWNER]


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    """This module's emulator has two members besides the owner (the last two of
    ``MEMBERS`` repeat addresses)."""
    with Emulator(members=MEMBERS) as emu:
        yield emu


def test_the_owner_then_the_members_each_once(rest: Rest) -> None:
    members = rest.ok("GET", "/team/member")
    assert [m["email"] for m in members] == [OWNER, "jane.doe@example.com", "Bob_Smith@Example.org"]
    owner, jane, bob = members
    assert owner == {
        "id": owner["id"],
        "email": OWNER,
        "userName": "owner",
        "fullName": "Owner",
        "avatarUrl": None,
        "created": None,
        "updated": None,
    }
    assert (jane["userName"], jane["fullName"]) == ("jane.doe", "Jane Doe")
    assert (bob["userName"], bob["fullName"]) == ("Bob_Smith", "Bob Smith")
    assert all(MEMBER_ID.fullmatch(m["id"]) for m in members)
    assert len({m["id"] for m in members}) == 3


def test_get_one(rest: Rest) -> None:
    for member in rest.ok("GET", "/team/member"):
        assert rest.ok("GET", "/team/member/" + member["id"]) == member


def test_ids_are_stable_and_differ_between_teams(rest: Rest, other: Rest) -> None:
    mine = rest.ok("GET", "/team/member")
    theirs = other.ok("GET", "/team/member")
    assert [m["email"] for m in theirs] == [m["email"] for m in mine]
    assert not {m["id"] for m in mine} & {m["id"] for m in theirs}
    assert [m["id"] for m in mine] == [member_id(rest.team_id, m["email"]) for m in mine]


def test_ids_survive_a_reset(rest: Rest) -> None:
    before = rest.ok("GET", "/team/member")
    assert (
        rest.http.request(
            "POST", rest.emu.control_url + "/reset", headers={"Content-Type": "application/json"}
        ).status
        == 200
    )
    assert rest.ok("GET", "/team/member") == before


def test_isolation(rest: Rest, other: Rest) -> None:
    """Another team's member is not found, though the address is the same."""
    for member in rest.ok("GET", "/team/member"):
        answer = other.call("GET", "/team/member/" + member["id"])
        assert answer.status == 404
        assert answer.body == {"status": "error", "message": "Resource not found"}


@pytest.mark.parametrize(
    ("identifier", "status"),
    [("member_x", 400), ("owner@example.com", 400), ("tag_" + "A" * 22, 404)],
)
def test_malformed_and_unknown_ids(rest: Rest, identifier: str, status: int) -> None:
    assert rest.call("GET", "/team/member/" + identifier).status == status
    assert rest.call("GET", "/team/member/member_" + "A" * 22).status == 404


def test_a_key_is_required(rest: Rest) -> None:
    anonymous = rest.as_key(None)
    assert anonymous.call("GET", "/team/member").status == 401
    owner = rest.ok("GET", "/team/member")[0]
    assert anonymous.call("GET", "/team/member/" + owner["id"]).status == 401


def test_only_reads(rest: Rest) -> None:
    assert rest.call("POST", "/team/member", {"email": "x@example.com"}).status == 405
    owner = rest.ok("GET", "/team/member")[0]
    assert rest.call("DELETE", "/team/member/" + owner["id"]).status == 405


def _members(http: urllib3.PoolManager, root_url: str) -> list[dict[str, object]]:
    response = http.request(
        "GET", root_url + "/api/v1/rest/team/member", headers={"X-Team-ApiKey": "k"}
    )
    assert response.status == 200
    members: list[dict[str, object]] = response.json()
    return members


def test_without_members_the_owner_alone(http: urllib3.PoolManager) -> None:
    with Emulator() as emu:
        members = _members(http, emu.root_url)
    assert [m["email"] for m in members] == [OWNER]
    # The same id as in any other run, for the same team.
    team_id = "rest-" + hashlib.sha256(b"k").hexdigest()[:16]  # the team the key binds
    assert members[0]["id"] == member_id(team_id, OWNER)


@pytest.mark.parametrize(
    ("members", "error", "says"),
    [
        ("a@example.com", TypeError, r"a list of addresses \(got str\)"),
        (5, TypeError, r"a list of addresses \(got int\)"),
        (["a@example.com", "jane.doe@@example.com"], ValueError, "member"),
        ([7], ValueError, "member must be a string"),
    ],
)
def test_members_are_checked(members: object, error: type[Exception], says: str) -> None:
    with pytest.raises(error, match=says) as caught:
        Emulator(members=members)  # type: ignore[arg-type]
    assert "jane.doe" not in str(caught.value)  # an address is personal data


def test_the_command_line_option(http: urllib3.PoolManager) -> None:
    """``sendx emulator --member EMAIL`` (repeatable) adds members to every team."""
    process = subprocess.Popen(
        [*EMULATOR, "--member", "ann@example.com", "--member", "bob@example.com"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        url = re.search(r"(http://\S+)/api/v1", line)
        assert url, line
        members = _members(http, url.group(1))
        assert [m["email"] for m in members] == [OWNER, "ann@example.com", "bob@example.com"]
    finally:
        process.terminate()
        process.communicate(timeout=30)


def test_a_bad_member_option_exits_2() -> None:
    done = subprocess.run(
        [*EMULATOR, "--member", "jane.doe"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("sendx: error: member has no '@'")
    assert "jane.doe" not in done.stderr

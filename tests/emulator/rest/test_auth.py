"""REST auth: the X-Team-ApiKey header names a team; one store with v1."""

from __future__ import annotations

import hashlib

import urllib3
from tests.emulator._helpers import Api
from tests.emulator.rest.conftest import Rest

from sendx.emulator import Emulator


def test_no_key_is_401(rest: Rest) -> None:
    answer = rest.as_key(None).call("GET", "/contact")
    assert answer.status == 401
    assert answer.body == {
        "status": "error",
        "message": "The Team ID or API Key specified is not valid",
    }


def test_a_key_first_seen_over_rest_binds_its_own_team(rest: Rest, api: Api) -> None:
    rest.create("/contact", {"email": "ann@x.io"})
    team = rest.team_id
    assert team == "rest-" + hashlib.sha256(b"rest-key-1").hexdigest()[:16]
    [contact] = api.contacts(team)
    assert contact["email"] == "ann@x.io"
    # The team is reachable over v1 with the same key.
    assert api.identify({"email": "bob@x.io"}, team=team, key=rest.key).status == 200
    assert {c["email"] for c in rest.ok("GET", "/contact")} == {"ann@x.io", "bob@x.io"}


def test_a_v1_team_is_reachable_with_its_key(rest: Rest, api: Api) -> None:
    assert (
        api.identify({"email": "ann@x.io", "firstName": "Ann"}, team="t1", key="k1").status == 200
    )
    v1 = api.contact("ann@x.io", team="t1")
    assert v1 is not None
    contact = rest.as_key("k1").ok("GET", "/contact/ann@x.io")
    assert contact["id"] == "contact_" + v1["encryptedId"]
    assert contact["firstName"] == "Ann"
    rest.as_key("k1").ok("PUT", "/contact/" + contact["id"], {"lastName": "Lee"})
    after = api.contact("ann@x.io", team="t1")
    assert after is not None
    assert after["lastName"] == "Lee"


def test_fixed_teams_accept_their_keys_only(http: urllib3.PoolManager) -> None:
    with Emulator(teams={"T": "K"}) as emu:
        rest = Rest(http, emu, "K")
        rest.create("/contact", {"email": "a@x.io"})
        assert Api(http, emu).contact("a@x.io", team="T") is not None
        assert rest.as_key("other").call("GET", "/contact").status == 401


def test_an_injected_fault_answers_in_the_rest_shape(rest: Rest, api: Api) -> None:
    """A fault on a REST path answers SendX's REST error body ("status": "error")."""
    fault = {"path": "/api/v1/rest/contact", "status": 503, "retry_after": 1}
    assert api.control("PUT", "/faults", {"faults": [fault]})[0] == 200
    answer = rest.call("GET", "/contact")
    assert answer.status == 503
    assert answer.body == {"status": "error", "message": "emulated fault: HTTP 503"}
    assert answer.headers["retry-after"] == "1"

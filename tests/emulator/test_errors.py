"""Every refused input: its status, its message, and the state left unchanged."""

from __future__ import annotations

import json

import pytest
import urllib3
from tests.emulator._helpers import KEY, TEAM, Api, raw_exchange, raw_post

from sendx.emulator import Emulator

AUTH = {"status": "401", "message": "The Team ID or API Key specified is not valid"}

BAD_IDENTIFY = [
    ("malformed JSON", b'{"email": ', "the request body is not valid JSON"),
    ("empty body", b"", 'the request body must be a JSON object with at least "email"'),
    ("not an object", b"[]", "invalid request body: Expected `object`, got `array`"),
    ("missing email", b'{"firstName": "A"}', "email is required"),
    (
        "null email",
        b'{"email": null}',
        "invalid request body: Expected `str`, got `null` - at `$.email`",
    ),
    (
        "number email",
        b'{"email": 5}',
        "invalid request body: Expected `str`, got `int` - at `$.email`",
    ),
    (
        "number name",
        b'{"email": "a@x.io", "firstName": 5}',
        "invalid request body: Expected `str | null`, got `int` - at `$.firstName`",
    ),
    (
        "tags a string",
        b'{"email": "a@x.io", "tags": "vip"}',
        "invalid request body: Expected `array | null`, got `str` - at `$.tags`",
    ),
    (
        "tag a number",
        b'{"email": "a@x.io", "tags": [1]}',
        "invalid request body: Expected `str`, got `int` - at `$.tags[0]`",
    ),
    (
        "empty tag",
        b'{"email": "a@x.io", "tags": [" "]}',
        "tags[0] must be a non-empty string (got ' ')",
    ),
    (
        "field value a number",
        b'{"email": "a@x.io", "customFields": {"Age": 29}}',
        "invalid request body: Expected `str`, got `int` - at `$.customFields[...]`",
    ),
    (
        "fields a list",
        b'{"email": "a@x.io", "customFields": ["a"]}',
        "invalid request body: Expected `object | null`, got `array` - at `$.customFields`",
    ),
    (
        "empty field name",
        b'{"email": "a@x.io", "customFields": {"": "x"}}',
        "customFields has an empty or non-string name (''); every custom field needs a name",
    ),
    (
        "no @",
        b'{"email": "nobody"}',
        "email has no '@': 'n'... (6 characters, no '@') is not an email address",
    ),
    (
        "no domain",
        b'{"email": "a@b"}',
        "email has a domain with no dot after the '@' (a domain SendX can mail has one): "
        "'a***@b' is not an email address",
    ),
    (
        "bad newEmail",
        b'{"email": "ok@x.io", "newEmail": "@x.io"}',
        "newEmail has nothing before the '@': '***@x.io' is not an email address",
    ),
    (
        "not a real date",
        b'{"email": "a@x.io", "birthday": "1989-02-30"}',
        "birthday is not a real date (got '1989-02-30')",
    ),
    (
        "not YYYY-MM-DD",
        b'{"email": "a@x.io", "birthday": "3/3/1989"}',
        "birthday must look like YYYY-MM-DD (got '3/3/1989')",
    ),
]


@pytest.mark.parametrize(
    ("case", "body", "message"), BAD_IDENTIFY, ids=[c[0] for c in BAD_IDENTIFY]
)
def test_bad_identify_is_400_and_changes_nothing(
    api: Api, case: str, body: bytes, message: str
) -> None:
    """Each malformed identify gets 400, its message, and no change (no team bound)."""
    api.identify({"email": "a@x.io", "tags": ["keep"]})
    before = api.snapshot()
    response = api.identify(None, raw=body)
    assert response.status == 400
    assert response.headers["content-type"] == "application/json"
    assert json.loads(response.data) == {"status": "400", "message": message}
    assert api.snapshot() == before
    # A team whose first request failed is not bound: another key still works.
    response = api.identify(None, raw=body, team="fresh", key="k1")
    assert response.status == 400
    assert api.identify({"email": "a@x.io"}, team="fresh", key="k2").status == 200


BAD_TRACK = [
    ("no email", None, b"{}", "the email query parameter is required"),
    (
        "invalid email",
        "nope",
        b"{}",
        "email has no '@': 'n'... (4 characters, no '@') is not an email address",
    ),
    ("malformed JSON", "a@x.io", b"{", "the request body is not valid JSON"),
    (
        "addTags a string",
        "a@x.io",
        b'{"addTags": "x"}',
        "invalid request body: Expected `array | null`, got `str` - at `$.addTags`",
    ),
    (
        "removeTags with a number",
        "a@x.io",
        b'{"removeTags": ["x", 2]}',
        "invalid request body: Expected `str`, got `int` - at `$.removeTags[1]`",
    ),
    ("empty tag", "a@x.io", b'{"addTags": [""]}', "addTags[0] must be a non-empty string (got '')"),
    ("null body", "a@x.io", b"null", "invalid request body: Expected `object`, got `null`"),
]


@pytest.mark.parametrize(
    ("case", "email", "body", "message"), BAD_TRACK, ids=[c[0] for c in BAD_TRACK]
)
def test_bad_track_is_400_and_changes_nothing(
    api: Api, case: str, email: str | None, body: bytes, message: str
) -> None:
    """Each malformed track gets 400 and its message; nothing changes."""
    api.identify({"email": "a@x.io", "tags": ["keep"]})
    before = api.snapshot()
    response = api.track(email, raw=body)
    assert response.status == 400
    assert json.loads(response.data) == {"status": "400", "message": message}
    assert api.snapshot() == before


@pytest.mark.parametrize(
    ("team", "key"),
    [(TEAM, None), (TEAM, "wrong"), ("", KEY), (TEAM, "")],
    ids=["no key", "wrong key", "empty team", "empty key"],
)
def test_401_for_a_missing_or_wrong_key_or_team(api: Api, team: str, key: str | None) -> None:
    """Once a team is bound to its first key, other keys and missing parts get 401."""
    api.identify({"email": "a@x.io"})
    before = api.snapshot()
    for response in (
        api.identify({"email": "b@x.io"}, team=team, key=key),
        api.track("a@x.io", {"addTags": ["x"]}, team=team, key=key),
    ):
        assert response.status == 401
        assert json.loads(response.data) == AUTH
    assert api.snapshot() == before


def test_401_without_team_id(api: Api, emu: Emulator) -> None:
    """No team_id in the query at all is 401."""
    response = raw_post(emu.port, "/api/v1/contact/identify", b'{"email": "a@x.io"}')
    assert response.status == 401
    assert response.json() == AUTH


def test_fixed_teams_accept_only_their_pairs(http: urllib3.PoolManager) -> None:
    """With teams given, only those pairs pass; nothing binds."""
    with Emulator(teams={"t1": "k1", "t2": "k2"}) as emu:
        api = Api(http, emu)
        assert api.identify({"email": "a@x.io"}, team="t1", key="k1").status == 200
        assert api.identify({"email": "a@x.io"}, team="t2", key="k2").status == 200
        assert api.identify({"email": "a@x.io"}, team="t1", key="k2").status == 401
        assert api.identify({"email": "a@x.io"}, team="t3", key="k3").status == 401
        assert api.identify({"email": "a@x.io"}, team="t3", key="k3").status == 401
        assert api.control("GET", "/health")[1]["teams"] == 2


def test_unknown_route_is_404_and_wrong_method_405(api: Api, emu: Emulator) -> None:
    """Unknown paths get 404; GET on an API endpoint gets 405 with Allow: POST (``/``
    is the web page's: tests/emulator/web)."""
    for path in (
        "/api/v1/contact/delete",
        "/api/v2/contact/identify",
        "/index.html",
        "/api/v1/contact/identify/",
    ):
        response = api.http.request("POST", f"http://127.0.0.1:{emu.port}{path}")
        assert response.status == 404, path
        assert json.loads(response.data) == {"status": "404", "message": f"no route {path}"}
    for method in ("GET", "PUT", "DELETE"):
        response = api.http.request(method, emu.base_url + "/contact/identify?team_id=x")
        assert response.status == 405
        assert response.headers["allow"] == "POST"
        assert json.loads(response.data)["status"] == "405"


def test_413_for_a_body_over_1_mib(api: Api, emu: Emulator) -> None:
    """Over 1 MiB, announced or streamed, is 413 and changes nothing; 1 MiB exactly
    is read (and here refused only as bad JSON)."""
    api.identify({"email": "a@x.io"})
    before = api.snapshot()
    big = b'{"email": "a@x.io", "company": "' + b"x" * (1024 * 1024) + b'"}'
    response = api.identify(None, raw=big)
    assert response.status == 413
    assert json.loads(response.data) == {
        "status": "413",
        "message": "the request body is over 1 MiB",
    }
    chunked = api.http.request(
        "POST",
        emu.base_url + f"/contact/identify?team_id={TEAM}",
        body=iter([big[:600_000], big[600_000:]]),
        headers={"api_key": KEY},
        chunked=True,
    )
    assert chunked.status == 413
    assert api.snapshot() == before
    exact = api.identify(None, raw=b"[" + b" " * (1024 * 1024 - 1))
    assert exact.status == 400


def test_414_for_a_long_query(api: Api, emu: Emulator) -> None:
    """A query string over 8 KiB is refused before anything else."""
    response = api.http.request(
        "POST",
        emu.base_url + "/contact/track?team_id=t&email=" + "a" * 9000,
        headers={"api_key": KEY},
    )
    assert response.status == 414


def test_invalid_utf8_in_the_query_is_400(emu: Emulator, api: Api) -> None:
    """Percent-escapes that are not UTF-8 are refused."""
    response = raw_exchange(
        emu.port,
        b"POST /api/v1/contact/track?team_id=t&email=%ff HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"api_key: k\r\nContent-Length: 0\r\n\r\n",
    )
    assert response.status == 400
    assert response.json()["message"] == "the query string is not valid UTF-8"

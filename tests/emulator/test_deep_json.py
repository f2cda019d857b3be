"""JSON nested past the decoder's limit is a JSON 400 on every route, with no traceback.

msgspec raises ``RecursionError`` (not a ``DecodeError``) on deep nesting, so each
decode of network input has to say what is wrong itself: an escaped error would be
uvicorn's plain-text 500 with a traceback in the log.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from tests.emulator._helpers import KEY, TEAM, Api

from sendx.emulator import Emulator
from sendx.emulator.delivery.automations import RuleError, load_rules_file

DEPTH = 10_000
DEEP = b"[" * DEPTH + b"]" * DEPTH
MESSAGE = "the request body nests arrays or objects too deeply"


def _deep(prefix: bytes) -> bytes:
    """A JSON object with ``prefix`` and the deep arrays under a key nobody knows."""
    return b"{" + prefix + b'"unknown": ' + DEEP + b"}"


def _send(api: Api, emu: Emulator, route: str) -> tuple[int, str, bytes]:
    """The status, content type and body of the deep document sent to ``route``."""
    json_type = {"Content-Type": "application/json"}
    if route == "identify":
        response = api.identify(None, raw=_deep(b'"email": "a@x.io", '))
    elif route == "track":
        response = api.track("a@x.io", raw=_deep(b'"addTags": ["t"], '))
    elif route == "reset":
        response = api.http.request(
            "POST", emu.control_url + "/reset", body=_deep(b""), headers=json_type
        )
    elif route == "faults":
        response = api.http.request(
            "PUT", emu.control_url + "/faults", body=_deep(b'"faults": [], '), headers=json_type
        )
    else:
        response = api.http.request(
            "PUT", emu.control_url + "/rules", body=_deep(b'"rules": [], '), headers=json_type
        )
    return response.status, response.headers["content-type"], response.data


@pytest.mark.parametrize("route", ["identify", "track", "reset", "faults", "rules"])
def test_deep_json_is_a_json_400_without_traceback(
    api: Api, emu: Emulator, route: str, caplog: pytest.LogCaptureFixture
) -> None:
    """identify, track, POST /reset, PUT /faults and PUT /rules: 400 in the API's
    error shape, nothing logged with a traceback, nothing changed."""
    api.identify({"email": "a@x.io", "tags": ["keep"]})
    api.control("PUT", "/faults", {"faults": [{"path": "/nowhere", "status": 503}]})
    before = api.snapshot(), api.control("GET", "/faults"), api.control("GET", "/rules")
    with caplog.at_level(logging.DEBUG):
        status, content_type, body = _send(api, emu, route)
    assert (status, content_type) == (400, "application/json")
    assert json.loads(body) == {"status": "400", "message": MESSAGE}
    assert [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []
    after = api.snapshot(), api.control("GET", "/faults"), api.control("GET", "/rules")
    assert after == before


def test_the_answer_comes_on_a_connection_still_usable(api: Api, emu: Emulator) -> None:
    """The refusal is an ordinary answer: the next request is served as usual."""
    assert _send(api, emu, "identify")[0] == 400
    assert api.identify({"email": "b@x.io"}).status == 200
    assert api.track("b@x.io", {"addTags": ["t"]}, team=TEAM, key=KEY).status == 200


@pytest.mark.parametrize("name", ["rules.json", "rules.toml"])
def test_a_deep_rules_file_is_refused_with_its_name(tmp_path: Path, name: str) -> None:
    """``--rules`` with a file nested too deeply says so (the command exits 2)."""
    path = tmp_path / name
    text = DEEP.decode()
    path.write_text(f"rules = {text}" if name.endswith(".toml") else text)
    with pytest.raises(RuleError, match=f"{name} nests arrays or .* too deeply"):
        load_rules_file(path)

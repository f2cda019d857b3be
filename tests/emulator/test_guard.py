"""The Host and Origin guard: web pages cannot read or change the emulator.

A page on any site can make the browser send a "simple" cross-origin request (a POST
with ``Content-Type: text/plain``, no preflight) to the emulator on loopback, and a
page whose own name resolves to 127.0.0.1 (DNS rebinding) reads the answers: its
requests carry ``Host: attacker.example``. Each test sends what such a browser sends.
"""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest
import urllib3
from tests.emulator._helpers import KEY, TEAM, Api, Raw, raw_exchange, read_response

from sendx.emulator import Emulator
from sendx.emulator.http.guard import HostGuard, check_allow_hosts, split_host

JSON = "Content-Type: application/json\r\n"


def _request(
    emu: Emulator, method: str, target: str, *, host: str, headers: str = "", body: bytes = b""
) -> Raw:
    """One request with exactly this Host header (and these extra header lines)."""
    head = (
        f"{method} {target} HTTP/1.1\r\nHost: {host}\r\n{headers}"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return raw_exchange(emu.port, head.encode("latin-1") + body)


def _identify(emu: Emulator, host: str) -> Raw:
    body = json.dumps({"email": "mallory@x.io"}).encode()
    return _request(
        emu,
        "POST",
        f"/api/v1/contact/identify?team_id={TEAM}",
        host=host,
        headers=f"api_key: {KEY}\r\n{JSON}",
        body=body,
    )


FOREIGN_HOSTS = [
    "attacker.example",
    "attacker.example:8787",
    "localhost.attacker.example",
    "127.0.0.1.nip.io",
    "10.0.0.1",
    "[::2]:8787",
    "[::1",
    "::1",
    "x",
]


@pytest.mark.parametrize("host", FOREIGN_HOSTS)
def test_a_foreign_host_is_403_on_the_api_and_the_control_plane(
    api: Api, emu: Emulator, host: str
) -> None:
    """Reads (the contacts of a team) and writes (identify, reset) under a Host that
    is not a loopback name nor the bound host are 403, and change nothing."""
    api.identify({"email": "a@x.io", "tags": ["keep"]})
    before = api.snapshot()
    for answer in (
        _request(emu, "GET", f"/_emulator/contacts?team_id={TEAM}", host=host),
        _request(emu, "POST", "/_emulator/reset", host=host, headers=JSON),
        _identify(emu, host),
    ):
        assert answer.status == 403
        assert answer.headers["content-type"] == "application/json"
        assert answer.headers["connection"] == "close"
        message = answer.json()["message"]
        assert message.startswith(f"Host {host!r} is not allowed: ")
        parts = split_host(host)
        if parts is None:
            assert message.endswith("send a Host of the form NAME or NAME:PORT")
        else:
            assert f"start it with --allow-host {parts[0]} " in message
    assert api.snapshot() == before


@pytest.mark.parametrize(
    "host",
    ["localhost", "LOCALHOST:1", "localhost.", "app.localhost:8787", "127.0.0.1", "127.9.8.7:80"],
)
def test_loopback_names_with_any_port_are_answered(api: Api, emu: Emulator, host: str) -> None:
    """localhost, its subdomains and 127.0.0.0/8 are this machine, whatever the port
    (a port forward changes it)."""
    assert _request(emu, "GET", "/_emulator/health", host=host).status == 200
    assert _identify(emu, host).status == 200


def test_ipv6_loopback_is_answered(http: urllib3.PoolManager) -> None:
    """``[::1]`` with and without a port, on an emulator bound to ::1."""
    try:
        emu = Emulator(host="::1").start()
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    try:
        assert emu.base_url.startswith("http://[::1]:")
        assert Api(http, emu).identify({"email": "a@x.io"}).status == 200
        for host in ("[::1]", f"[::1]:{emu.port}"):
            head = f"GET /_emulator/health HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
            with socket.create_connection(("::1", emu.port), timeout=10) as sock:
                sock.sendall(head)
                assert read_response(sock).status == 200
    finally:
        emu.stop()


def test_allow_hosts_adds_names(http: urllib3.PoolManager) -> None:
    """``allow_hosts`` names are answered too (any port, any case); others still 403."""
    with Emulator(allow_hosts=["emulator.internal", "192.0.2.7"]) as emu:
        for host in ("emulator.internal", "Emulator.Internal:9000", "192.0.2.7:8787"):
            assert _request(emu, "GET", "/_emulator/health", host=host).status == 200
        assert _request(emu, "GET", "/_emulator/health", host="other.internal").status == 403


def test_a_request_without_host_is_answered(emu: Emulator) -> None:
    """HTTP/1.0 clients may send no Host; no browser does, so it is no rebinding."""
    answer = raw_exchange(emu.port, b"GET /_emulator/health HTTP/1.0\r\n\r\n")
    assert answer.status == 200


# -- control-plane writes: JSON only, from the emulator's own origin -------------------------


def _reset(emu: Emulator, headers: str) -> Raw:
    return _request(emu, "POST", "/_emulator/reset", host=f"127.0.0.1:{emu.port}", headers=headers)


@pytest.mark.parametrize(
    ("headers", "shown"),
    [
        ("Content-Type: text/plain\r\n", "'text/plain'"),
        (
            "Content-Type: application/x-www-form-urlencoded\r\n",
            "'application/x-www-form-urlencoded'",
        ),
        ("Content-Type: multipart/form-data; boundary=x\r\n", "'multipart/form-data; boundary=x'"),
        ("", "none"),
    ],
    ids=["text/plain", "form", "multipart", "none"],
)
def test_a_write_that_is_not_json_is_415(api: Api, emu: Emulator, headers: str, shown: str) -> None:
    """The content types a page can send without a preflight are refused: the reset
    does not happen, and neither does a change of faults."""
    api.identify({"email": "a@x.io"})
    before = api.snapshot()
    answer = _reset(emu, headers)
    assert answer.status == 415
    assert answer.json() == {
        "status": "415",
        "message": "control-plane writes take JSON: send Content-Type: application/json, "
        f"even with no body (got {shown})",
    }
    faults = _request(
        emu,
        "PUT",
        "/_emulator/faults",
        host=f"127.0.0.1:{emu.port}",
        headers=headers,
        body=b'{"faults": [{"status": 503}]}',
    )
    assert faults.status == 415
    assert api.snapshot() == before
    assert api.control("GET", "/faults") == (200, {"faults": []})


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/json; charset=utf-8", "Application/JSON"]
)
def test_a_json_write_without_origin_is_done(api: Api, emu: Emulator, content_type: str) -> None:
    """Scripts, curl and the testing kit send no Origin: a JSON write goes through."""
    api.identify({"email": "a@x.io"})
    answer = _reset(emu, f"Content-Type: {content_type}\r\n")
    assert answer.status == 200
    assert api.contacts() == []


@pytest.mark.parametrize(
    "origin",
    [
        "https://attacker.example",
        "http://attacker.example:{port}",
        "null",
        "http://localhost:1",
        "https://127.0.0.1:{port}",
        "http://127.0.0.1:{port}.attacker.example",
    ],
)
def test_a_write_from_another_origin_is_403(api: Api, emu: Emulator, origin: str) -> None:
    """A JSON write with an Origin that is not the emulator's own (another site, a
    sandboxed frame's "null", another local app) is refused, and changes nothing."""
    api.identify({"email": "a@x.io"})
    before = api.snapshot()
    origin = origin.format(port=emu.port)
    answer = _reset(emu, f"Origin: {origin}\r\n{JSON}")
    assert answer.status == 403
    message = answer.json()["message"]
    assert message.startswith(f"Origin {origin!r} may not write to the control plane")
    assert f"http://127.0.0.1:{emu.port}" in message
    rules = _request(
        emu,
        "PUT",
        "/_emulator/rules",
        host=f"127.0.0.1:{emu.port}",
        headers=f"Origin: {origin}\r\n{JSON}",
        body=b'{"rules": []}',
    )
    assert rules.status == 403
    assert api.snapshot() == before


@pytest.mark.parametrize("name", ["127.0.0.1", "localhost"])
def test_a_page_served_by_the_emulator_can_write(api: Api, emu: Emulator, name: str) -> None:
    """What a browser sends from a page at ``http://NAME:PORT/`` (the web UI to come):
    its own Origin and JSON. The control plane answers it."""
    api.identify({"email": "a@x.io"})
    origin = f"http://{name}:{emu.port}"
    headers = f"Origin: {origin}\r\nReferer: {origin}/\r\n{JSON}"
    host = f"{name}:{emu.port}"
    answer = _request(emu, "POST", "/_emulator/reset", host=host, headers=headers)
    assert answer.status == 200
    assert api.contacts() == []
    fault = b'{"faults": [{"path": "/nowhere", "status": 503}]}'
    answer = _request(emu, "PUT", "/_emulator/faults", host=host, headers=headers, body=fault)
    assert answer.status == 200


def test_reads_grant_no_cross_origin_access(api: Api, emu: Emulator) -> None:
    """A read with a foreign Origin is answered without CORS headers, so the browser
    keeps the answer from the page (the same-origin policy does the rest)."""
    answer = _request(
        emu,
        "GET",
        f"/_emulator/contacts?team_id={TEAM}",
        host=f"127.0.0.1:{emu.port}",
        headers="Origin: https://attacker.example\r\n",
    )
    assert answer.status == 200
    assert not any(name.startswith("access-control-") for name in answer.headers)


def test_the_api_keeps_accepting_any_content_type(api: Api, emu: Emulator) -> None:
    """identify and track need the api_key header, which no page can send without a
    preflight: their content type stays unchecked, as SendX's."""
    answer = _request(
        emu,
        "POST",
        f"/api/v1/contact/identify?team_id={TEAM}",
        host=f"127.0.0.1:{emu.port}",
        headers=f"api_key: {KEY}\r\nContent-Type: text/plain\r\nOrigin: https://x.example\r\n",
        body=b'{"email": "a@x.io"}',
    )
    assert answer.status == 200


# -- the rules, without a server --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "parts"),
    [
        ("localhost", ("localhost", "")),
        ("LocalHost.:80", ("localhost", "80")),
        ("[::1]:8787", ("::1", "8787")),
        ("[::1]", ("::1", "")),
        ("::1", None),
        ("[::1]x", None),
        ("a:b", None),
        ("a:", None),
    ],
)
def test_split_host(value: str, parts: tuple[str, str] | None) -> None:
    """A Host value is ``name[:port]`` or ``[ipv6][:port]``; anything else is refused."""
    assert split_host(value) == parts


def test_the_bound_host_is_allowed() -> None:
    """An emulator bound to an address beyond loopback answers to that address."""
    guard = HostGuard("192.168.1.5", port=8787)
    assert guard.allows(b"192.168.1.5:8787")
    assert guard.allows(b"localhost:8787")
    assert not guard.allows(b"192.168.1.6:8787")
    assert guard.same_origin(b"http://192.168.1.5:8787", b"192.168.1.5:8787")
    # Behind a port forward, the port the request names is the page's own too.
    assert guard.same_origin(b"http://localhost:9000", b"localhost:9000")
    assert not guard.same_origin(b"http://localhost:9000", b"localhost:9001")
    assert not guard.same_origin(b"http://192.168.1.6:8787", b"192.168.1.5:8787")


@pytest.mark.parametrize(
    "value", ["http://emulator.internal", "emulator.internal:8787", "a b", "", "x/y"]
)
def test_allow_hosts_are_names(value: str) -> None:
    """A scheme, a port, a path or a space in an allowed host is a mistake, said at once."""
    with pytest.raises(ValueError, match="is not a host name or IP address"):
        check_allow_hosts([value])


def test_allow_hosts_are_normalized() -> None:
    assert check_allow_hosts(["Emulator.Internal.", "[::2]", "192.0.2.7"]) == (
        "emulator.internal",
        "::2",
        "192.0.2.7",
    )
    with pytest.raises(TypeError, match="a list of host names"):
        check_allow_hosts("emulator.internal")


def test_emulator_checks_allow_hosts_when_built() -> None:
    """``Emulator(allow_hosts=...)`` refuses a bad name before it starts."""
    bad: Any = ["http://x"]
    with pytest.raises(ValueError, match="'http://x' is not a host name"):
        Emulator(allow_hosts=bad)


# -- the captured-mail writes: guarded as the others --------------------------------------


def _sent_message(emu: Emulator, http: urllib3.PoolManager) -> str:
    """A message sent over REST (its team bound by the key); its id."""
    body = {
        "from": {"email": "shop@x.io"},
        "to": [{"email": "a@x.io"}],
        "subject": "Hi",
        "htmlBody": "<p>hi</p>",
    }
    answer = http.request(
        "POST",
        emu.root_url + "/api/v1/rest/send/email",
        body=json.dumps(body).encode(),
        headers={"X-Team-ApiKey": KEY, "Content-Type": "application/json"},
    )
    assert answer.status == 200, answer.data
    return str(json.loads(answer.data)[0]["messageId"])


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ("Content-Type: text/plain\r\n", 415),
        ("", 415),
        (f"Origin: https://attacker.example\r\n{JSON}", 403),
    ],
)
def test_engagement_and_campaign_sends_are_guarded(
    api: Api, emu: Emulator, http: urllib3.PoolManager, headers: str, status: int
) -> None:
    """``POST /messages/{id}/events`` and ``POST /campaigns/{id}/send`` are writes: a
    page elsewhere can neither simulate engagement nor send a campaign."""
    message_id = _sent_message(emu, http)
    host = f"127.0.0.1:{emu.port}"
    body = b'{"type": "unsubscribe"}'
    engage = f"/_emulator/messages/{message_id}/events"
    answer = _request(emu, "POST", engage, host=host, headers=headers, body=body)
    assert answer.status == status, answer.body
    assert api.control("GET", f"/messages/{message_id}")[1]["events"] == []
    campaign = "/_emulator/campaigns/campaign_" + "a" * 22 + f"/send?team_id={TEAM}"
    answer = _request(emu, "POST", campaign, host=host, headers=headers)
    assert answer.status == status, answer.body
    done = _request(emu, "POST", engage, host=host, headers=JSON, body=body)
    assert done.status == 200


def test_a_campaign_send_takes_no_body(api: Api, emu: Emulator) -> None:
    """As reset, a body other than {} is refused rather than ignored."""
    path = "/campaigns/campaign_" + "a" * 22 + "/send"
    status, answer = api.control("POST", path, {"team": "x"}, team_id=TEAM)
    assert status == 400
    assert answer["message"] == "sending a campaign takes no body (or {})"
    assert api.control("POST", path, {}, team_id=TEAM)[0] == 404

"""The web page's side of the server, over real sockets: its files and their headers,
its reads, its live stream (bursts, cap, shutdown) and its deep links."""

from __future__ import annotations

import json
import re
import socket
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
import urllib3
from tests.emulator._helpers import KEY, TEAM, Api, raw_exchange
from tests.emulator._receiver import Receiver

from sendx import SendX
from sendx.emulator import Emulator
from sendx.emulator.web.stream import MAX_STREAMS
from sendx.testing import ControlPlane

FOREIGN = "https://attacker.example"


def _get(
    emu: Emulator, target: str, headers: str = "", method: str = "GET"
) -> tuple[int, dict[str, str], bytes]:
    head = f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{emu.port}\r\n{headers}\r\n"
    answer = raw_exchange(emu.port, head.encode("latin-1"))
    return answer.status, answer.headers, answer.body


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inline: list[str] = []
        self.sources: list[str] = []
        self._open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            source = dict(attrs).get("src")
            self._open = source is None
            if source:
                self.sources.append(source)
        if any(name.startswith("on") for name, _ in attrs):
            self.inline.append(f"{tag} handler")

    def handle_data(self, data: str) -> None:
        if self._open and data.strip():
            self.inline.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._open = False


def test_the_page_is_served_with_a_strict_policy(emu: Emulator) -> None:
    """``/`` and its two files come from the package with a policy that runs only
    the emulator's own script, no inline one, and forbids framing and sniffing."""
    status, headers, body = _get(emu, "/")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    policy = dict(
        part.strip().split(" ", 1) for part in headers["content-security-policy"].split(";")
    )
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["connect-src"] == "'self'"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    scripts = _Scripts()
    scripts.feed(body.decode())
    assert scripts.inline == []
    assert scripts.sources == ["/static/app.js"]
    static = Path(__file__).resolve().parents[3] / "src/sendx/emulator/web/static"
    names = sorted(path.name for path in static.iterdir() if path.name != "index.html")
    assert {"app.js", "app.css", "dom.js"} <= set(names)
    for name in names:
        kind = "text/css" if name.endswith(".css") else "text/javascript"
        status, headers, body = _get(emu, f"/static/{name}")
        assert (status, headers["content-type"].split(";")[0]) == (200, kind), name
        assert headers["x-content-type-options"] == "nosniff"
        assert b"innerHTML" not in body  # values go in as text only
        assert b"insertAdjacentHTML" not in body
    with urllib3.PoolManager(retries=False) as http:
        head = http.request("HEAD", emu.root_url + "/static/app.js")
    assert (head.status, head.data) == (200, b"")
    assert int(head.headers["content-length"]) > 1000
    assert _get(emu, "/static/../app.py")[0] == 404
    assert _get(emu, "/static/nothing.js")[0] == 404
    assert _get(emu, "/", method="DELETE")[0] == 405


@pytest.mark.parametrize(
    "target", ["/", "/static/app.js", "/_emulator/overview", "/_emulator/stream"]
)
def test_the_page_answers_only_to_its_own_host_names(emu: Emulator, target: str) -> None:
    """A page reached by another name (DNS rebinding) is refused, its files and its
    stream alike."""
    head = f"GET {target} HTTP/1.1\r\nHost: attacker.example\r\n\r\n"
    assert raw_exchange(emu.port, head.encode()).status == 403


@pytest.mark.parametrize(
    "target",
    [
        "/_emulator/overview",
        f"/_emulator/timeline?team_id={TEAM}&email=a@x.io",
        "/_emulator/stream",
    ],
)
def test_the_page_reads_refuse_another_origin(api: Api, emu: Emulator, target: str) -> None:
    """Another site's script cannot open the stream or read the page's views; the
    page itself (its own Origin) can."""
    api.identify({"email": "a@x.io"})
    status, _, body = _get(emu, target, f"Origin: {FOREIGN}\r\n")
    assert status == 403
    assert json.loads(body)["message"].startswith(f"Origin {FOREIGN!r} may not read this")
    if not target.endswith("stream"):
        own = f"Origin: http://localhost:{emu.port}\r\n"
        assert _get(emu, target, own)[0] == 200


# -- the reads ------------------------------------------------------------------------------


def test_the_overview_lists_the_latest_of_every_team(
    api: Api, emu: Emulator, http: urllib3.PoolManager
) -> None:
    """Contacts last changed first and messages newest first, of every team or one;
    ``q`` finds contacts by email or name; ``limit`` bounds both."""
    with SendX(KEY, TEAM, base_url=emu.base_url, rest_base_url=emu.base_url + "/rest") as app:
        app.contacts.identify(email="ann@x.io", first_name="Ann")
        app.contacts.identify(email="bob@x.io", last_name="Stone")
        app.emails.send(from_="shop@x.io", to="ann@x.io", subject="Hi", html_body="<p>big</p>")
    with SendX("key-2", "team-2", base_url=emu.base_url) as other:
        other.contacts.identify(email="cy@y.io")
    status, answer = api.control("GET", "/overview")
    assert status == 200
    assert answer["teams"] == [TEAM, "team-2"]
    assert [c["email"] for c in answer["contacts"]] == ["cy@y.io", "bob@x.io", "ann@x.io"]
    [message] = answer["messages"]
    assert (message["subject"], message["to"]["email"], message["team_id"]) == (
        "Hi",
        "ann@x.io",
        TEAM,
    )
    assert "html" not in message
    assert [
        c["email"] for c in api.control("GET", "/overview", team_id="team-2")[1]["contacts"]
    ] == ["cy@y.io"]
    found = api.control("GET", "/overview", q="STONE")[1]["contacts"]
    assert [c["email"] for c in found] == ["bob@x.io"]
    assert len(api.control("GET", "/overview", limit=1)[1]["contacts"]) == 1
    for bad in ({"limit": 0}, {"limit": 201}, {"limit": "x"}, {"q": "x" * 201}, {"team_id": ""}):
        assert api.control("GET", "/overview", **bad)[0] == 400, bad
    assert api.control("GET", "/overview", team_id="nobody")[1] == {
        "teams": [TEAM, "team-2"],
        "contacts": [],
        "messages": [],
    }


def test_the_timeline_gathers_what_happened_to_a_contact(
    api: Api, emu: Emulator, receiver: Receiver
) -> None:
    """A contact's fields, flags and LTV, its events, its messages and the deliveries
    of its events, each attempt with its request and the receiver's answer."""
    rule = {"on": "contact_created", "webhook": receiver.url, "secret": "s"}
    assert api.control("PUT", "/rules", {"rules": [rule]})[0] == 200
    plane = ControlPlane(emu.control_url, TEAM)
    with SendX(KEY, TEAM, base_url=emu.base_url, rest_base_url=emu.base_url + "/rest") as app:
        app.contacts.identify(
            email="Ann@x.io", first_name="Ann", tags=["vip"], custom_fields={"Plan": "pro"}
        )
        [sent] = app.emails.send(
            from_="shop@x.io", to="ann@x.io", subject="Hi", html_body="<p>x</p>"
        )
    plane.unsubscribe(str(sent.message_id))
    [delivery] = plane.wait_for_deliveries(1)
    status, answer = api.control("GET", "/timeline", team_id=TEAM, email="ANN@x.io")
    assert status == 200
    contact = answer["contact"]
    assert (contact["email"], contact["first_name"], contact["tags"]) == (
        "Ann@x.io",
        "Ann",
        ["vip"],
    )
    assert contact["custom_fields"] == {"Plan": "pro"}
    assert contact["flags"]["unsubscribed"] is True
    assert contact["ltv"] == 0
    assert [e["type"] for e in answer["events"]][:2] == ["contact_created", "tag_added"]
    assert [m["subject"] for m in answer["messages"]] == ["Hi"]
    [shown] = answer["deliveries"]
    assert shown["id"] == delivery["id"]
    request = shown["request"]
    assert request["url"] == receiver.url
    assert request["headers"]["X-SendX-Event"] == "contact_created"
    assert json.loads(request["body"])["contact"]["email"] == "Ann@x.io"
    assert shown["attempts"][0]["status"] == 200
    assert shown["attempts"][0]["response"] == ""
    assert api.control("GET", "/timeline", team_id=TEAM, email="nobody@x.io")[0] == 404
    assert api.control("GET", "/timeline", team_id=TEAM)[0] == 400


# -- the stream -----------------------------------------------------------------------------


def _open_stream(emu: Emulator) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", emu.port), timeout=10)
    sock.sendall(f"GET /_emulator/stream HTTP/1.1\r\nHost: 127.0.0.1:{emu.port}\r\n\r\n".encode())
    return sock


def _read_until(sock: socket.socket, pattern: bytes, buffer: bytearray) -> re.Match[bytes]:
    """Read the stream until ``pattern`` is in what it sent; that match."""
    while True:
        found = re.search(pattern, bytes(buffer))  # a copy: the buffer changes below
        if found is not None:
            del buffer[: found.end()]
            return found
        chunk = sock.recv(65536)
        assert chunk, f"the stream ended before {pattern!r}: {bytes(buffer)!r}"
        buffer += chunk


def test_the_stream_announces_each_burst_of_changes(emu: Emulator) -> None:
    """A change event at once, then one after the app's calls, carrying the new
    version; its headers say what it is and keep caches out."""
    with _open_stream(emu) as sock:
        buffer = bytearray()
        first = int(_read_until(sock, rb"event: change\ndata: (\d+)\n\n", buffer)[1])
        with SendX(KEY, TEAM, base_url=emu.base_url) as app:
            for n in range(10):
                app.contacts.identify(email=f"p{n}@x.io")
        later = int(_read_until(sock, rb"event: change\ndata: (\d+)\n\n", buffer)[1])
        assert later >= first + 10  # one commit each, told in fewer events


def test_the_stream_is_read_only(emu: Emulator) -> None:
    """Only GET opens a stream."""
    status, headers, _ = _get(emu, "/_emulator/stream", method="DELETE")
    assert (status, headers["allow"]) == (405, "GET")


def test_the_stream_headers(emu: Emulator) -> None:
    """An event stream, never cached, never sniffed."""
    with _open_stream(emu) as sock:
        data = bytearray()
        while b"\r\n\r\n" not in data:
            data += sock.recv(65536)
        head = bytes(data).split(b"\r\n\r\n")[0].lower()
    assert head.startswith(b"http/1.1 200")
    assert b"content-type: text/event-stream; charset=utf-8" in head
    assert b"cache-control: no-store" in head
    assert b"x-content-type-options: nosniff" in head


def test_streams_are_capped_and_freed_when_pages_close(emu: Emulator) -> None:
    """Past the cap a stream is refused (503, Retry-After); a closed page frees its
    stream, so a closed page costs nothing."""
    socks = [_open_stream(emu) for _ in range(MAX_STREAMS)]
    try:
        for sock in socks:
            _read_until(sock, rb"event: change", bytearray())
        status, headers, _ = _get(emu, "/_emulator/stream")
        assert status == 503
        assert headers["retry-after"] == "5"
    finally:
        for sock in socks:
            sock.close()
    deadline = time.monotonic() + 10
    while emu.app.streams.open and time.monotonic() < deadline:
        time.sleep(0.01)
    assert emu.app.streams.open == 0


@pytest.fixture
def own_emulator() -> Iterator[Emulator]:
    emu = Emulator()
    emu.start()
    yield emu
    emu.stop()


def test_an_open_stream_does_not_hold_up_stop(own_emulator: Emulator) -> None:
    """Stopping the emulator ends the open streams at once (uvicorn would otherwise
    wait for them, then give up after its grace period)."""
    with _open_stream(own_emulator) as sock:
        buffer = bytearray()
        _read_until(sock, rb"event: change", buffer)
        started = time.monotonic()
        own_emulator.stop()
        assert time.monotonic() - started < 2.0
        _read_until(sock, rb"0\r\n\r\n", buffer)  # the chunked body's end: a clean end


# -- deep links -----------------------------------------------------------------------------


def test_every_contact_and_message_has_a_link(emu: Emulator) -> None:
    """What a test failure message can print: the page, one team, one contact (by
    email), one message."""
    root = emu.root_url
    assert emu.page_url() == f"{root}/#/"
    assert emu.page_url("team 1") == f"{root}/#/teams/team%201"
    assert emu.page_url("t", contact="a+b@x.io") == f"{root}/#/contacts/t/a%2Bb@x.io"
    assert emu.page_url(message="message_x") == f"{root}/#/messages/message_x"
    with pytest.raises(ValueError, match="needs its team_id"):
        emu.page_url(contact="a@x.io")
    plane = ControlPlane(emu.control_url, "t")
    assert plane.page_url() == f"{root}/#/teams/t"
    assert plane.page_url(contact="a@x.io") == f"{root}/#/contacts/t/a@x.io"
    assert plane.page_url(message="message_x") == f"{root}/#/messages/message_x"

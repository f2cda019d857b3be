"""The original client's captured requests, replayed byte for byte over a raw socket."""

from __future__ import annotations

from typing import Any

import pytest
from tests._support.vectors import REFUSED_BY_THE_EMAIL_RULE
from tests._support.vectors import VECTORS as ALL_VECTORS
from tests.emulator._helpers import KEY, TEAM, Api, raw_exchange, raw_post

from sendx.emulator import Emulator

VECTORS: list[dict[str, Any]] = ALL_VECTORS["requests"]


def _bytes(vector: dict[str, Any], port: int) -> bytes:
    """The request exactly as captured, with this emulator's port, team and key."""
    line = vector["request_line"].replace("team_id=TEAM", f"team_id={TEAM}")
    head = line + "\r\n"
    for name, value in vector["headers"]:
        if name == "api_key" and value == "KEY":
            value = KEY
        head += f"{name}: {value.replace('PORT', str(port))}\r\n"
    return head.encode("latin-1") + b"\r\n" + vector["body"].encode("utf-8")


def test_every_vector_is_accepted_in_order(emu: Emulator, api: Api) -> None:
    """The captured requests answer 200 with the contract's envelopes, but for the one
    whose address breaks the email rule (a space), a 400; the state they leave is the
    one their semantics say."""
    for vector in VECTORS:
        response = raw_exchange(emu.port, _bytes(vector, emu.port))
        if vector["case"] in REFUSED_BY_THE_EMAIL_RULE:
            assert response.status == 400, vector["case"]
            assert "a space in the local part" in response.json()["message"]
            continue
        assert response.status == 200, (vector["case"], response.body)
        envelope = response.json()
        assert envelope["status"] == "200"
        assert envelope["message"] == "OK"
        if "/contact/track" in vector["request_line"]:
            assert envelope["data"] == "success"
        else:
            assert isinstance(envelope["data"], dict)
    by_email = {c["email"]: c for c in api.contacts()}
    # "every field" renamed the contact made by "email only"; A and B then made a new one.
    assert set(by_email) == {"john@doe.dev", "john.doe@gmail.com", "zoë@exämple.com"}
    assert by_email["john@doe.dev"]["tags"] == ["Developer", "API Team"]
    assert by_email["john.doe@gmail.com"]["tags"] == ["Developer", "API Team", "paid user"]
    assert by_email["john.doe@gmail.com"]["customFields"] == {
        "Designation": "Software Engineer",
        "Age": "29",
    }
    assert by_email["zoë@exämple.com"]["firstName"] == "Zoë"
    assert by_email["zoë@exämple.com"]["customFields"] == {"Visits": "1"}
    # The escaped team id decodes to "T/1 2", bound to the key "K&Y".
    assert [c["email"] for c in api.contacts("T/1 2")] == ["a@b.co"]


@pytest.mark.parametrize("vector", VECTORS, ids=[v["case"] for v in VECTORS])
def test_the_api_key_header_survives_the_server(emu: Emulator, vector: dict[str, Any]) -> None:
    """Each captured request with its api_key header removed is 401: the header is
    what authenticates, so the server stack must pass its underscore name through."""
    api_key_first = _bytes(vector, emu.port)
    without = b"\r\n".join(
        line for line in api_key_first.split(b"\r\n") if not line.startswith(b"api_key:")
    )
    assert raw_exchange(emu.port, without).status == 401


def test_api_key_header_name_is_exact(emu: Emulator, api: Api) -> None:
    """``api_key`` is matched case-insensitively as HTTP says, but ``api-key`` is
    another header."""
    api.identify({"email": "a@x.io"})
    body = b'{"email": "a@x.io"}'
    path = f"/api/v1/contact/identify?team_id={TEAM}"
    assert raw_post(emu.port, path, body, key=None, extra=f"API_KEY: {KEY}\r\n").status == 200
    assert raw_post(emu.port, path, body, key=None, extra=f"api-key: {KEY}\r\n").status == 401


def test_keep_alive_serves_many_requests_on_one_connection(emu: Emulator, api: Api) -> None:
    """Requests and answers follow each other on one connection."""
    import socket

    from tests.emulator._helpers import read_response

    body = b'{"email": "k@x.io", "tags": ["t"]}'
    request = (
        f"POST /api/v1/contact/identify?team_id={TEAM} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"api_key: {KEY}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    with socket.create_connection(("127.0.0.1", emu.port), timeout=10) as sock:
        statuses = []
        for _ in range(3):
            sock.sendall(request)
            statuses.append(read_response(sock).status)
    assert statuses == [200, 200, 200]
    assert api.contact("k@x.io")["tags"] == ["t"]  # type: ignore[index]


def test_h11_fallback_keeps_the_api_key_header(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without httptools the emulator serves on uvicorn's h11 protocol, which also
    passes the api_key header through: every vector is still accepted."""
    import sys

    monkeypatch.setitem(sys.modules, "httptools", None)
    monkeypatch.delitem(sys.modules, "uvicorn.protocols.http.httptools_impl", raising=False)
    with Emulator() as emu:
        protocol = emu._server.config.http_protocol_class
        assert protocol.__mro__[1].__name__ == "H11Protocol"
        for vector in VECTORS:
            response = raw_exchange(emu.port, _bytes(vector, emu.port))
            expected = 400 if vector["case"] in REFUSED_BY_THE_EMAIL_RULE else 200
            assert response.status == expected, vector["case"]

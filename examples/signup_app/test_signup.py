"""Tests of the sign-up service, against the local SendX emulator.

``sendx_env`` points the ``SENDX_*`` variables at the emulator, so the app builds its
``SendX()`` exactly as in production; ``sendx_emulator`` shows what SendX now holds.
"""

from __future__ import annotations

import io
import json
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest
from signup import SignupApp


@pytest.fixture
def app(sendx_env):
    app = SignupApp()
    yield app
    app.close()


def post(app: SignupApp, path: str, payload: Any) -> tuple[str, dict[str, str], bytes]:
    """Call the WSGI app as a server would: the status, the headers, the body."""
    body = json.dumps(payload).encode()
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    setup_testing_defaults(environ)
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        answer.update(status=status, headers=dict(headers))

    data = b"".join(app(environ, start_response))
    return answer["status"], answer["headers"], data


def test_signup_identifies_the_user(app, sendx_emulator):
    status, _, body = post(app, "/signup", {"email": "ada@example.com", "first_name": "Ada"})

    assert status == "201 Created"
    contact = sendx_emulator.contact("ada@example.com")
    assert contact is not None
    assert json.loads(body) == {"contact_id": contact.id}
    assert (contact.first_name, contact.tags) == ("Ada", ["trial user"])


def test_upgrade_tags_the_account(app, sendx_emulator):
    post(app, "/signup", {"email": "ada@example.com"})

    status, _, _ = post(app, "/billing/upgraded", {"email": "ada@example.com", "plan": "pro"})

    assert status == "204 No Content"
    assert sorted(sendx_emulator.contact("ada@example.com").tags) == ["paid user", "plan:pro"]
    changes = [(e["type"], e.get("tag")) for e in sendx_emulator.events()]
    assert changes[-3:] == [
        ("tag_added", "paid user"),
        ("tag_added", "plan:pro"),
        ("tag_removed", "trial user"),
    ]


def test_upgrade_of_an_unknown_account_is_404(app):
    status, _, _ = post(app, "/billing/upgraded", {"email": "nobody@example.com", "plan": "pro"})

    assert status == "404 Not Found"


def test_signup_survives_a_503(app, sendx_emulator):
    # SendX answers the next identify with 503; the client retries (fast, in tests).
    sendx_emulator.set_faults([{"path": "/api/v1/contact/identify", "status": 503, "times": 1}])

    status, _, _ = post(app, "/signup", {"email": "ada@example.com"})

    assert status == "201 Created"
    assert sendx_emulator.faults() == []  # the 503 was served, then used up
    assert sendx_emulator.contact("ada@example.com") is not None


def test_signup_asks_to_retry_later_when_sendx_stays_down(app, sendx_emulator):
    sendx_emulator.set_faults([{"path": "/api/v1/contact/identify", "status": 503}])

    status, headers, _ = post(app, "/signup", {"email": "ada@example.com"})

    assert status == "503 Service Unavailable"
    assert headers["Retry-After"] == "30"
    assert sendx_emulator.contacts() == []

"""REST email templates: CRUD in SendX's template form, unique names, search, paging,
the stored keys that /send/template reads, and team isolation."""

from __future__ import annotations

import re
from typing import Any

import pytest
from tests.emulator.rest.conftest import Rest

TEMPLATE_ID = re.compile(r"template_[a-zA-Z0-9]{22}")
WELCOME = {
    "name": "Welcome",
    "subject": "Welcome, {{firstName}}",
    "htmlContent": "<p>Hello {{firstName}}</p>",
    "textContent": "Hello {{firstName}}",
    "preheader": "Glad you came",
    "tags": ["onboarding", "v2"],
}


def _stored(rest: Rest, template_id: str) -> dict[str, Any]:
    """The template as the store keeps it (what /send/template reads)."""
    team = rest.emu.app.auth.team(rest.team_id)
    stored = rest.emu.app.store.objects.get(team.pk, "template", template_id)
    assert stored is not None
    return dict(stored)


def test_create_answers_sendx_template_form(rest: Rest) -> None:
    created = rest.create("/template/email", WELCOME)
    assert TEMPLATE_ID.fullmatch(created["id"])
    assert created == {
        "id": created["id"],
        "name": "Welcome",
        "subject": "Welcome, {{firstName}}",
        "htmlCode": "<p>Hello {{firstName}}</p>",
        "textContent": "Hello {{firstName}}",
        "preheader": "Glad you came",
        "tags": ["onboarding", "v2"],
        "templateCode": None,
        "type": 0,
        "thumbnail": None,
        "editorType": 2,
        "created": created["created"],
        "updated": created["created"],
    }
    assert rest.ok("GET", "/template/email/" + created["id"]) == created


def test_the_store_keeps_the_body_keys(rest: Rest) -> None:
    """/send/template reads name, subject, htmlContent, textContent, preheader, tags."""
    created = rest.create("/template/email", WELCOME)
    stored = _stored(rest, created["id"])
    assert {key: stored[key] for key in WELCOME} == WELCOME
    minimal = rest.create("/template/email", {"name": "Bare", "subject": "Hi"})
    stored = _stored(rest, minimal["id"])
    assert {key: stored[key] for key in WELCOME} == {
        "name": "Bare",
        "subject": "Hi",
        "htmlContent": "",
        "textContent": "",
        "preheader": "",
        "tags": [],
    }
    assert "htmlCode" not in stored


def test_html_code_is_another_name_of_html_content(rest: Rest) -> None:
    """SendX's examples send htmlCode, templateCode and editorType."""
    body = {"name": "Ex", "subject": "S", "htmlCode": "<b>x</b>", "templateCode": "{}"}
    created = rest.create("/template/email", {**body, "editorType": 1})
    assert (created["htmlCode"], created["templateCode"], created["editorType"]) == (
        "<b>x</b>",
        "{}",
        1,
    )
    assert _stored(rest, created["id"])["htmlContent"] == "<b>x</b>"
    same = {**body, "name": "Ex2", "htmlContent": "<b>x</b>"}
    assert rest.create("/template/email", same)["htmlCode"] == "<b>x</b>"
    both = rest.call("POST", "/template/email", {**body, "name": "Ex3", "htmlContent": "<i>"})
    assert both.status == 400
    assert "htmlContent and htmlCode" in both.body["message"]
    updated = rest.ok("PUT", "/template/email/" + created["id"], {"htmlCode": "<u>y</u>"})
    assert updated["htmlCode"] == "<u>y</u>"
    assert _stored(rest, created["id"])["htmlContent"] == "<u>y</u>"


def test_update_is_partial(rest: Rest) -> None:
    created = rest.create("/template/email", WELCOME)
    path = "/template/email/" + created["id"]
    updated = rest.ok("PUT", path, {"subject": "New subject", "tags": []})
    assert updated["subject"] == "New subject"
    assert updated["tags"] == []
    assert updated["htmlCode"] == WELCOME["htmlContent"]
    assert updated["created"] == created["created"]
    assert updated["updated"] >= created["updated"]
    assert rest.ok("GET", path) == updated
    # SendX's SDK sends the whole body, its own name included: not a conflict.
    assert rest.ok("PUT", path, {**WELCOME, "subject": "Again"})["subject"] == "Again"


def test_delete(rest: Rest) -> None:
    created = rest.create("/template/email", WELCOME)
    path = "/template/email/" + created["id"]
    answer = rest.call("DELETE", path)
    assert answer.status == 200
    assert answer.body["status"] == "success"
    for method, body in (("GET", None), ("PUT", {"subject": "x"}), ("DELETE", None)):
        assert rest.call(method, path, body).status == 404
    assert rest.create("/template/email", WELCOME)["id"] != created["id"]  # name free again


def test_names_are_unique_in_a_team(rest: Rest, other: Rest) -> None:
    a = rest.create("/template/email", {"name": "A", "subject": "s"})
    rest.create("/template/email", {"name": "B", "subject": "s"})
    taken = rest.call("POST", "/template/email", {"name": "A", "subject": "t"})
    assert taken.status == 403
    assert taken.body == {"status": "error", "message": "Resource with this name already exists"}
    assert rest.call("PUT", "/template/email/" + a["id"], {"name": "B"}).status == 403
    assert rest.ok("PUT", "/template/email/" + a["id"], {"name": "A"})["name"] == "A"
    assert other.create("/template/email", {"name": "A", "subject": "s"})["id"] != a["id"]


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"subject": "s"}, 400, "name is required"),
        ({"name": "n"}, 400, "subject is required"),
        ({"name": " ", "subject": "s"}, 400, "must not be blank"),
        ({"name": "n", "subject": ""}, 400, "subject"),
        ({"name": "n" * 256, "subject": "s"}, 400, "name"),
        ({"name": "n", "subject": "s", "editorType": 3}, 400, "editorType"),
        ({"name": "n", "subject": "s", "tags": ["a"] * 101}, 400, "tags"),
        ({"name": "n", "subject": "s", "tags": "a"}, 422, "not in proper format"),
        ({"name": 1, "subject": "s"}, 422, "not in proper format"),
        ([], 422, "not in proper format"),
    ],
)
def test_bad_bodies(rest: Rest, body: object, status: int, says: str) -> None:
    answer = rest.call("POST", "/template/email", body)
    assert (answer.status, answer.body["status"]) == (status, "error")
    assert says in answer.body["message"]
    assert rest.ok("GET", "/template/email") == []


def test_bad_update_bodies(rest: Rest) -> None:
    created = rest.create("/template/email", WELCOME)
    path = "/template/email/" + created["id"]
    assert rest.call("PUT", path, {"editorType": 5}).status == 400
    assert rest.call("PUT", path, {"subject": 5}).status == 422
    assert rest.call("PUT", path, raw=b"{").status == 422
    assert rest.ok("GET", path) == created


def test_paging(rest: Rest) -> None:
    names = [f"T{n:02}" for n in range(23)]
    for name in names:
        rest.create("/template/email", {"name": name, "subject": "s"})
    assert len(rest.ok("GET", "/template/email")) == 10
    pages = [rest.ok("GET", "/template/email", offset=o, limit=7) for o in range(0, 30, 7)]
    assert [len(page) for page in pages] == [7, 7, 7, 2, 0]
    assert [t["name"] for page in pages for t in page] == names
    assert len(rest.ok("GET", "/template/email", limit=100)) == 23
    for query in ({"limit": 101}, {"limit": 0}, {"offset": -1}, {"offset": "x"}):
        assert rest.call("GET", "/template/email", **query).status == 400


def test_search_by_name_in_any_case(rest: Rest) -> None:
    for name in ("Weekly Newsletter", "Monthly newsletter", "Welcome"):
        rest.create("/template/email", {"name": name, "subject": "s"})
    found = rest.ok("GET", "/template/email", search="NEWSLETTER")
    assert [t["name"] for t in found] == ["Weekly Newsletter", "Monthly newsletter"]
    assert [t["name"] for t in rest.ok("GET", "/template/email", search="newsl", limit=1)] == [
        "Weekly Newsletter"
    ]
    assert rest.ok("GET", "/template/email", search="newsl", offset=1)[0]["name"] == (
        "Monthly newsletter"
    )
    assert rest.ok("GET", "/template/email", search="nothing") == []
    for search in ("x", "x" * 101):
        answer = rest.call("GET", "/template/email", search=search)
        assert answer.status == 400
        assert "search must be 2 to 100 characters" in answer.body["message"]


def test_isolation(rest: Rest, other: Rest) -> None:
    mine = rest.create("/template/email", WELCOME)
    path = "/template/email/" + mine["id"]
    for method, body in (("GET", None), ("PUT", {"name": "x"}), ("DELETE", None)):
        assert other.call(method, path, body).status == 404
    assert other.ok("GET", "/template/email") == []
    assert rest.ok("GET", path) == mine


@pytest.mark.parametrize(
    ("identifier", "status"),
    [("template_x", 400), ("nope", 400), ("list_" + "A" * 22, 404), ("template_" + "A" * 22, 404)],
)
def test_malformed_and_unknown_ids(rest: Rest, identifier: str, status: int) -> None:
    for method, body in (("GET", None), ("PUT", {"name": "x"}), ("DELETE", None)):
        answer = rest.call(method, "/template/email/" + identifier, body)
        assert answer.status == status
        assert answer.body["status"] == "error"


def test_a_key_is_required(rest: Rest) -> None:
    anonymous = rest.as_key(None)
    assert anonymous.call("GET", "/template/email").status == 401
    assert anonymous.call("POST", "/template/email", WELCOME).status == 401
    assert anonymous.call("GET", "/template/email/template_" + "A" * 22).status == 401

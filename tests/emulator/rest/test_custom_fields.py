"""REST custom fields: the v1 catalogue with ids and types; both id spellings."""

from __future__ import annotations

import pytest
from tests.emulator.rest.conftest import Rest


def test_crud_with_both_id_spellings(rest: Rest) -> None:
    field = rest.create("/customfield", {"name": "Plan", "type": 0, "description": "the plan"})
    assert field["id"].startswith("custom_field_")
    core = field["id"][len("custom_field_") :]
    assert rest.ok("GET", "/customfield/field_" + core) == field
    updated = rest.ok("PUT", "/customfield/field_" + core, {"description": "x"})
    assert updated["description"] == "x"
    assert updated["name"] == "Plan"
    assert rest.call("POST", "/customfield", {"name": "Plan", "type": 1}).status == 403
    assert rest.ok("DELETE", "/customfield/" + field["id"])["status"] == "success"
    assert rest.call("GET", "/customfield/" + field["id"]).status == 404


@pytest.mark.parametrize(
    ("body", "status"),
    [({"name": "x"}, 400), ({"name": "x", "type": 5}, 400), ({"name": "x", "type": "1"}, 422)],
)
def test_bad_bodies(rest: Rest, body: object, status: int) -> None:
    assert rest.call("POST", "/customfield", body).status == status


def test_v1_fields_appear_with_their_kind(rest: Rest) -> None:
    rest.ok(
        "POST", "/contact/identify", {"email": "a@x.io", "customFields": {"N": "++1", "T": "x"}}
    )
    fields = {f["name"]: f["type"] for f in rest.ok("GET", "/customfield")}
    assert fields == {"N": 1, "T": 0}


def test_v1_values_on_a_rest_typed_field_are_checked(rest: Rest) -> None:
    rest.create("/customfield", {"name": "Born", "type": 2})
    bad = rest.call("POST", "/contact/identify", {"email": "a@x.io", "customFields": {"Born": "x"}})
    assert bad.status == 400
    assert "date" in bad.body["message"]
    rest.ok(
        "POST", "/contact/identify", {"email": "a@x.io", "customFields": {"Born": "1990-01-31"}}
    )


def test_rename_and_delete_reach_every_contact(rest: Rest) -> None:
    rest.ok("POST", "/contact/identify", {"email": "a@x.io", "customFields": {"Plan": "pro"}})
    [plan] = rest.ok("GET", "/customfield")
    key = "field_" + plan["id"][len("custom_field_") :]
    rest.ok("PUT", "/customfield/" + plan["id"], {"name": "Tier"})
    assert rest.ok("GET", "/contact/a@x.io")["customFields"] == {key: "pro"}
    rest.ok("POST", "/contact/identify", {"email": "a@x.io", "customFields": {"Tier": "max"}})
    assert rest.ok("GET", "/contact/a@x.io")["customFields"] == {key: "max"}
    rest.ok("DELETE", "/customfield/" + plan["id"])
    assert rest.ok("GET", "/contact/a@x.io")["customFields"] == {}


def test_a_type_does_not_change_under_values(rest: Rest) -> None:
    field = rest.create("/customfield", {"name": "Seats", "type": 1})
    assert rest.ok("PUT", "/customfield/" + field["id"], {"type": 0})["type"] == 0
    key = "field_" + field["id"][len("custom_field_") :]
    rest.create("/contact", {"email": "a@x.io", "customFields": {key: "3"}})
    assert rest.call("PUT", "/customfield/" + field["id"], {"type": 3}).status == 400

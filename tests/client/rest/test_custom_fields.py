"""client.custom_fields: types by name or number, both id spellings, search."""

from __future__ import annotations

import pytest
from tests.client.rest._named import check_crud_by_id, check_crud_by_name
from tests.client.rest.conftest import Client

import sendx


def test_crud_by_id(client: Client) -> None:
    check_crud_by_id(client.custom_fields, "custom_field_", name="Plan", type="text")


def test_crud_by_name(client: Client) -> None:
    check_crud_by_name(client, client.custom_fields, name="Plan", type="text")


@pytest.mark.parametrize(
    ("given", "wire", "name"),
    [
        ("text", 0, "text"),
        ("number", 1, "number"),
        ("date", 2, "date"),
        ("boolean", 3, "boolean"),
        ("phone", 4, "phone"),
        (0, 0, "text"),
        (4, 4, "phone"),
    ],
)
def test_types_by_name_or_number(client: Client, given: object, wire: int, name: str) -> None:
    field = client.custom_fields.create(name="F", type=given, description="what it is")
    assert (field.type, field.type_name, field.description) == (wire, name, "what it is")


@pytest.mark.parametrize("bad", ["Text", "string", 5, -1, True, 1.0, None])
def test_other_types_are_refused_before_any_request(client: Client, bad: object) -> None:
    with pytest.raises(sendx.InvalidRequestError, match="'text', 'number'") as caught:
        client.custom_fields.create(name="F", type=bad)
    assert caught.value.field == "type"
    with pytest.raises(sendx.InvalidRequestError):
        client.custom_fields.update("custom_field_" + "A" * 22, type=bad if bad else "x")
    assert client.sent == []


def test_both_id_spellings(client: Client) -> None:
    """``custom_field_<22>`` (SendX's answers) and ``field_<22>`` (how contacts key
    values) name the same field; paths use ``field_``, as SendX's spec says."""
    field = client.custom_fields.create(name="Plan", type="text")
    core = field.id[len("custom_field_") :]
    client.sent.clear()
    assert client.custom_fields.get("field_" + core) == field
    assert client.custom_fields.update(field.id, description="d").description == "d"
    assert client.sent == [
        ("GET", f"/customfield/field_{core}"),
        ("PUT", f"/customfield/field_{core}"),
    ]
    contact = client.contacts.create(email="ann@x.io", custom_fields={"Plan": "pro"})
    assert contact.custom_fields == {"field_" + core: "pro"}


def test_a_type_does_not_change_under_values(client: Client) -> None:
    """SendX refuses a new type while contacts hold values: BadRequestError (400)
    with its message."""
    client.custom_fields.create(name="Plan", type="text")
    client.contacts.create(email="ann@x.io", custom_fields={"Plan": "pro"})
    with pytest.raises(sendx.BadRequestError, match="cannot change"):
        client.custom_fields.update("Plan", type="number")


def test_search(client: Client) -> None:
    for name in ("Loyalty points", "Reward Points", "Plan"):
        client.custom_fields.create(name=name, type="number")
    client.sent.clear()
    assert [f.name for f in client.custom_fields.list(search="POINTS")] == [
        "Loyalty points",
        "Reward Points",
    ]
    assert client.sent == [("GET", "/customfield")]
    for bad in ("p", "x" * 101, 5):
        with pytest.raises(sendx.InvalidRequestError) as caught:
            client.custom_fields.list(search=bad)
        assert caught.value.field == "search"

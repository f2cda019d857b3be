"""identify over HTTP: upsert by email, merging, renames, number fields, events."""

from __future__ import annotations

import json
import re

from tests.emulator._helpers import Api

from sendx import SendX

ID = re.compile(r"[A-Za-z0-9]{22}")

CALL_A = {
    "firstName": "John",
    "email": "john.doe@gmail.com",
    "birthday": "1989-03-03",
    "tags": ["Developer"],
    "customFields": {"Designation": "Software Engineer"},
}
CALL_B = {"email": "john.doe@gmail.com", "tags": ["API Team"], "customFields": {"Age": "29"}}


def test_documented_example_a_then_b(api: Api) -> None:
    """Calls A then B leave exactly the documented merged contact, in the envelope."""
    first = api.identify(CALL_A)
    second = api.identify(CALL_B)
    assert first.status == second.status == 200
    assert second.headers["content-type"] == "application/json"
    envelope = json.loads(second.data)
    assert envelope["status"] == "200"
    assert envelope["message"] == "OK"
    data = envelope["data"]
    assert list(data) == [
        "encryptedTeamId",
        "encryptedId",
        "tags",
        "firstName",
        "lastName",
        "email",
        "company",
        "birthday",
        "customFields",
    ]
    assert ID.fullmatch(data["encryptedTeamId"])
    assert ID.fullmatch(data["encryptedId"])
    assert data["encryptedId"] == json.loads(first.data)["data"]["encryptedId"]
    assert {k: v for k, v in data.items() if not k.startswith("encrypted")} == {
        "tags": ["Developer", "API Team"],
        "firstName": "John",
        "lastName": None,
        "email": "john.doe@gmail.com",
        "company": "",
        "birthday": "1989-03-03",
        "customFields": {"Designation": "Software Engineer", "Age": "29"},
    }
    assert api.contacts() == [data]


def test_our_client_reads_the_merged_contact(client: SendX) -> None:
    """The sendx client decodes the emulator's answer into the merged Contact."""
    client.contacts.identify("a@x.io", first_name="Ann", tags=["t1"], custom_fields={"f": "1"})
    contact = client.contacts.identify("A@X.IO", last_name="Lee", tags=["t2"])
    assert contact.email == "A@X.IO"
    assert (contact.first_name, contact.last_name) == ("Ann", "Lee")
    assert contact.tags == ["t1", "t2"]
    assert contact.custom_fields == {"f": "1"}


def test_email_matches_case_insensitively_and_keeps_the_latest_case(api: Api) -> None:
    """One contact across case variants; its email has the case of the latest call, and
    that change of spelling is a contact_renamed event (every change is an event)."""
    api.identify({"email": "Mixed@Example.com"})
    answer = json.loads(api.identify({"email": "mixed@example.COM", "company": "Acme"}).data)
    assert answer["data"]["email"] == "mixed@example.COM"
    contacts = api.contacts()
    assert len(contacts) == 1
    assert contacts[0]["company"] == "Acme"
    assert api.contact("MIXED@EXAMPLE.COM") == contacts[0]
    events = api.events()
    assert [e["type"] for e in events] == ["contact_created", "contact_renamed"]
    assert events[1]["email"] == "mixed@example.COM"
    assert events[1]["previous_email"] == "Mixed@Example.com"
    api.identify({"email": "mixed@example.COM", "company": "Acme"})
    assert len(api.events()) == 2  # the same spelling again changes nothing


def test_identify_never_deletes(api: Api) -> None:
    """Absent properties are kept; tags only grow; fields of the call are set."""
    api.identify(
        {
            "email": "k@x.io",
            "firstName": "K",
            "lastName": "L",
            "company": "C",
            "birthday": "2000-01-31",
            "tags": ["a", "b"],
            "customFields": {"x": "1", "y": "2"},
        }
    )
    data = json.loads(
        api.identify({"email": "k@x.io", "tags": ["b", "c", "c"], "customFields": {"y": "3"}}).data
    )["data"]
    assert data["firstName"] == "K"
    assert data["lastName"] == "L"
    assert data["company"] == "C"
    assert data["birthday"] == "2000-01-31"
    assert data["tags"] == ["a", "b", "c"]
    assert data["customFields"] == {"x": "1", "y": "3"}


def test_null_values_mean_absent(api: Api) -> None:
    """A JSON null leaves the property as it was."""
    api.identify({"email": "n@x.io", "firstName": "N", "tags": ["a"]})
    data = json.loads(
        api.identify(
            {"email": "n@x.io", "firstName": None, "tags": None, "customFields": None}
        ).data
    )["data"]
    assert data["firstName"] == "N"
    assert data["tags"] == ["a"]


def test_events_of_one_call_in_order(api: Api) -> None:
    """created, then tag_added per new tag, then field_changed per changed value."""
    api.identify({"email": "e@x.io", "tags": ["t1", "t2"], "customFields": {"f": "v", "g": "w"}})
    api.identify({"email": "e@x.io", "tags": ["t2", "t3"], "customFields": {"f": "v", "g": "z"}})
    events = api.events()
    assert [(e["type"], e.get("tag"), e.get("field"), e.get("value")) for e in events] == [
        ("contact_created", None, None, None),
        ("tag_added", "t1", None, None),
        ("tag_added", "t2", None, None),
        ("field_changed", None, "f", "v"),
        ("field_changed", None, "g", "w"),
        ("tag_added", "t3", None, None),
        ("field_changed", None, "g", "z"),
    ]
    assert all(e["email"] == "e@x.io" for e in events)
    ids = [e["id"] for e in events]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", e["at"]) for e in events)


def test_rename_moves_the_contact(api: Api) -> None:
    """newEmail renames: the old address is gone, the id and data stay."""
    before = json.loads(api.identify({"email": "old@x.io", "tags": ["t"]}).data)["data"]
    after = json.loads(api.identify({"email": "OLD@x.io", "newEmail": "new@x.io"}).data)["data"]
    assert after["email"] == "new@x.io"
    assert after["encryptedId"] == before["encryptedId"]
    assert after["tags"] == ["t"]
    assert api.contact("old@x.io") is None
    assert api.contact("new@x.io") == after
    renamed = api.events()[-1]
    assert renamed["type"] == "contact_renamed"
    assert renamed["email"] == "new@x.io"
    assert renamed["previous_email"] == "old@x.io"


def test_rename_onto_another_contact_is_409_and_changes_nothing(api: Api) -> None:
    """A rename onto another contact's address (in any case) is refused whole."""
    api.identify({"email": "one@x.io"})
    api.identify({"email": "two@x.io"})
    before = api.snapshot()
    response = api.identify(
        {"email": "one@x.io", "newEmail": "TWO@x.io", "tags": ["never"], "firstName": "X"}
    )
    assert response.status == 409
    assert json.loads(response.data) == {
        "status": "409",
        "message": "newEmail belongs to another contact of this team",
    }
    assert api.snapshot() == before


def test_rename_to_the_same_address_changes_at_most_its_spelling(api: Api) -> None:
    """newEmail equal to email renames nothing; equal but for case, it changes only
    the spelling (one contact_renamed event, no 409 against itself)."""
    api.identify({"email": "same@x.io"})
    api.identify({"email": "same@x.io", "newEmail": "same@x.io"})
    assert [e["type"] for e in api.events()] == ["contact_created"]
    data = json.loads(api.identify({"email": "same@x.io", "newEmail": "Same@X.io"}).data)["data"]
    assert data["email"] == "Same@X.io"
    assert [e["type"] for e in api.events()] == ["contact_created", "contact_renamed"]
    assert len(api.contacts()) == 1


def test_new_email_of_an_unknown_contact_creates_it_there(api: Api) -> None:
    """identify with newEmail where email does not exist creates the contact under
    the new address (one contact_created event, no rename)."""
    data = json.loads(api.identify({"email": "ghost@x.io", "newEmail": "real@x.io"}).data)["data"]
    assert data["email"] == "real@x.io"
    assert api.contact("ghost@x.io") is None
    assert [(e["type"], e["email"]) for e in api.events()] == [("contact_created", "real@x.io")]


def test_number_fields(api: Api) -> None:
    """A field first set with ++N / --N is a number: increments add and subtract,
    plain numbers set it, results are exact decimal text."""

    def fields(value: str) -> dict[str, str]:
        response = api.identify({"email": "num@x.io", "customFields": {"Visits": value}})
        assert response.status == 200, response.data
        return json.loads(response.data)["data"]["customFields"]  # type: ignore[no-any-return]

    assert fields("++5") == {"Visits": "5"}
    assert fields("++2") == {"Visits": "7"}
    assert fields("--10") == {"Visits": "-3"}
    assert fields("++1.5") == {"Visits": "-1.5"}
    assert fields("++1.5") == {"Visits": "0"}
    assert fields("42") == {"Visits": "42"}
    assert fields("--0.25") == {"Visits": "41.75"}
    before = api.snapshot()
    response = api.identify({"email": "num@x.io", "customFields": {"Visits": "lots"}})
    assert response.status == 400
    assert json.loads(response.data)["message"] == (
        "customFields['Visits'] is a number field: send a number, ++N or --N (got 'lots')"
    )
    assert api.snapshot() == before


def test_number_field_starts_per_contact_and_decrement_starts_negative(api: Api) -> None:
    """Another contact's first increment of an existing number field starts from it;
    a field created by --N starts at -N."""
    api.identify({"email": "a@x.io", "customFields": {"Score": "++10"}})
    data = json.loads(api.identify({"email": "b@x.io", "customFields": {"Score": "++3"}}).data)
    assert data["data"]["customFields"] == {"Score": "3"}
    data = json.loads(api.identify({"email": "b@x.io", "customFields": {"Debt": "--4"}}).data)
    assert data["data"]["customFields"] == {"Score": "3", "Debt": "-4"}


def test_text_fields_store_increments_as_given(api: Api) -> None:
    """On a field created as text, "++5" is stored as the text "++5"."""
    api.identify({"email": "t@x.io", "customFields": {"Note": "hello"}})
    data = json.loads(api.identify({"email": "t@x.io", "customFields": {"Note": "++5"}}).data)
    assert data["data"]["customFields"] == {"Note": "++5"}
    data = json.loads(api.identify({"email": "u@x.io", "customFields": {"Note": "++5"}}).data)
    assert data["data"]["customFields"] == {"Note": "++5"}


def test_field_changed_only_when_the_value_changes(api: Api) -> None:
    """Setting a field to its current value (or adding 0) is no event."""
    api.identify({"email": "f@x.io", "customFields": {"n": "++1", "t": "x"}})
    count = len(api.events())
    api.identify({"email": "f@x.io", "customFields": {"n": "++0", "t": "x"}})
    api.identify({"email": "f@x.io", "customFields": {"n": "1"}})
    assert len(api.events()) == count


def test_teams_are_isolated(api: Api) -> None:
    """The same address in two teams is two contacts; neither team sees the other."""
    api.identify({"email": "shared@x.io", "tags": ["one"]})
    api.identify({"email": "shared@x.io", "tags": ["two"]}, team="team-2", key="key-2")
    [mine] = api.contacts()
    [theirs] = api.contacts("team-2")
    assert mine["tags"] == ["one"]
    assert theirs["tags"] == ["two"]
    assert mine["encryptedTeamId"] != theirs["encryptedTeamId"]
    assert mine["encryptedId"] != theirs["encryptedId"]
    assert len(api.events()) == len(api.events("team-2")) == 2


def test_unicode_survives(api: Api) -> None:
    """Non-ASCII names, tags, fields and addresses round-trip."""
    body = {
        "email": "zoë@exämple.com",
        "firstName": "Zoë",
        "tags": ["Café ☕"],
        "customFields": {"Größe": "groß"},
    }
    data = json.loads(api.identify(body).data)["data"]
    assert data["email"] == "zoë@exämple.com"
    assert data["firstName"] == "Zoë"
    assert data["tags"] == ["Café ☕"]
    assert data["customFields"] == {"Größe": "groß"}
    assert api.contact("ZOË@EXÄMPLE.COM") == data

"""Lenient decoding: a 2xx holding a JSON object gives a result however odd its
content; a 2xx that is not a JSON object at all is not SendX's and raises."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests._support.recording_server import RecordingServer, Reply
from tests.client.conftest import VECTORS, Driver

import sendx
from sendx.models import Contact, contact_from_wire, decode_envelope, envelope_problem

CALLED_WITH = "called@x.io"


def expected_contact(decoded: dict[str, Any]) -> Contact:
    """The original client's decoded ``data`` as our Contact: ids renamed, missing tags
    and fields as empty containers, a missing email as the address the call used."""
    birthday = decoded["birthday"]
    return Contact(
        email=decoded["email"] or CALLED_WITH,
        first_name=decoded["first_name"],
        last_name=decoded["last_name"],
        company=decoded["company"],
        birthday=datetime.date.fromisoformat(birthday) if birthday else None,
        tags=decoded["tags"] or [],
        custom_fields=decoded["custom_fields"] or {},
        id=decoded["encrypted_id"],
        team_id=decoded["encrypted_team_id"],
    )


@pytest.mark.parametrize("case", VECTORS["decoding"], ids=lambda c: c["case"])
def test_the_original_clients_decoding_cases(
    server: RecordingServer, driver: Driver, case: dict[str, Any]
) -> None:
    """Each odd answer of the vectors file decodes as the original client decoded it,
    but the one that is not JSON at all: sendx refuses it (swagger_client keeps it)."""
    server.default = Reply(status=200, body=case["body"].encode())
    if envelope_problem(case["body"].encode()) is not None:
        with pytest.raises(sendx.UnexpectedResponseError, match="not JSON"):
            driver.call(
                server.url, "track" if case["as"] == "TrackResponse" else "identify", CALLED_WITH
            )
    elif case["as"] == "ContactResponse":
        contact = driver.identify(server.url, CALLED_WITH)
        assert contact == expected_contact(case["decoded_to_dict"]["data"])
    else:
        assert driver.track(server.url, CALLED_WITH, add_tags=["x"]) is None


ODD_BODIES = [
    ("data missing", b'{"status": "200", "message": "OK"}', Contact(email=CALLED_WITH)),
    ("data null", b'{"status": 200, "data": null}', Contact(email=CALLED_WITH)),
    ("data a list", b'{"status": "200", "data": [1, 2]}', Contact(email=CALLED_WITH)),
    ("no envelope keys", b'{"email": "x@y.z"}', Contact(email=CALLED_WITH)),
    (
        "odd field types",
        json.dumps(
            {
                "data": {
                    "email": "a@b.co",
                    "firstName": 5,
                    "lastName": True,
                    "company": ["x"],
                    "birthday": "1989-03-03T10:00:00Z",
                    "tags": ["a", 1, None, {"x": 1}],
                    "customFields": {"n": 1.5, "b": False, "none": None, "list": [1]},
                    "encryptedId": 7,
                }
            }
        ).encode(),
        Contact(
            email="a@b.co",
            first_name="5",
            last_name="true",
            company=None,
            birthday=datetime.date(1989, 3, 3),
            tags=["a", "1"],
            custom_fields={"n": "1.5", "b": "false"},
            id="7",
        ),
    ),
    (
        "tags and fields of the wrong shape",
        b'{"data": {"tags": "a,b", "customFields": ["x"], "birthday": "soon"}}',
        Contact(email=CALLED_WITH),
    ),
    (
        "unknown keys everywhere",
        b'{"status": "200", "extra": {"deep": [1]}, "data": {"email": "a@b.co", "lists": []}}',
        Contact(email="a@b.co"),
    ),
]


@pytest.mark.parametrize(
    ("body", "contact"), [c[1:] for c in ODD_BODIES], ids=[c[0] for c in ODD_BODIES]
)
def test_odd_identify_answers(
    server: RecordingServer, driver: Driver, body: bytes, contact: Contact
) -> None:
    server.default = Reply(status=200, body=body)
    assert driver.identify(server.url, CALLED_WITH) == contact


#: 2xx bodies that no SendX answer looks like, and what the error says of them.
FOREIGN_BODIES = [
    ("HTML", b"<html><body>OK</body></html>", "not JSON"),
    ("plain text", b"OK", "not JSON"),
    ("empty body", b"", "an empty body"),
    ("JSON array", b'[{"email": "x@y.z"}]', "JSON, but not an object"),
    ("JSON string", b'"success"', "JSON, but not an object"),
    ("not UTF-8", b"\xff\xfe\x00", "not JSON"),
    ("JSON cut short", b'{"status": "200", "data": {"ema', "not JSON"),
]


@pytest.mark.parametrize(
    ("body", "problem"), [c[1:] for c in FOREIGN_BODIES], ids=[c[0] for c in FOREIGN_BODIES]
)
@pytest.mark.parametrize("method", ["identify", "track"])
def test_a_2xx_that_is_not_a_json_object_raises(
    server: RecordingServer, driver: Driver, body: bytes, problem: str, method: str
) -> None:
    """Such an answer came from whatever stood in SendX's place (a proxy's page, a
    captive portal): UnexpectedResponseError, never a contact made up from nothing."""
    server.default = Reply(status=200, body=body)
    with pytest.raises(sendx.UnexpectedResponseError, match=problem):
        driver.call(server.url, method, CALLED_WITH)


def test_a_rename_falls_back_to_the_new_email(server: RecordingServer) -> None:
    server.default = Reply(status=200, body=b'{"status": "200", "message": "OK"}')
    contact = Driver("sync").identify(server.url, CALLED_WITH, new_email="new@x.io")
    assert contact.email == "new@x.io"


@pytest.mark.parametrize("status", [201, 202, 204, 206])
def test_any_2xx_is_success(server: RecordingServer, driver: Driver, status: int) -> None:
    server.default = Reply.contact(status=status)
    if status == 204:
        server.default = Reply(status=204)
    assert driver.identify(server.url, CALLED_WITH).email
    assert driver.track(server.url, CALLED_WITH) is None


@pytest.mark.parametrize(
    "body",
    [
        b'{"status": "200", "message": "OK", "data": "success"}',
        b'{"status": 500}',
        b"{}",
    ],
)
def test_track_reads_no_more_than_the_envelope(
    server: RecordingServer, driver: Driver, body: bytes
) -> None:
    """Any JSON object will do, whatever it holds."""
    server.default = Reply(status=200, body=body)
    assert driver.track(server.url, CALLED_WITH, remove_tags=["x"]) is None


def test_the_documented_contact_decodes_fully(server: RecordingServer) -> None:
    contact = Driver("sync").identify(server.url, "john.doe@gmail.com")
    assert contact == Contact(
        email="john.doe@gmail.com",
        first_name="John",
        last_name="Doe",
        company="",
        birthday=datetime.date(1989, 3, 3),
        tags=["API Team", "Tech"],
        custom_fields={"Age": "29", "Designation": "Software Engineer"},
        id="c9QF63nrBenCaAXe660byz",
        team_id="CLdh9Ig5GLIN1u8gTRvoja",
    )


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
CONTACT_KEYS = st.sampled_from(
    ["email", "firstName", "lastName", "company", "birthday", "tags", "customFields", "encryptedId"]
)


@settings(max_examples=150, deadline=None)
@given(data=st.dictionaries(CONTACT_KEYS, JSON, max_size=8) | JSON, status=JSON, message=JSON)
def test_any_json_answer_decodes(data: Any, status: Any, message: Any) -> None:
    """Whatever JSON comes back, decoding gives a Contact of the documented types."""
    body = json.dumps({"status": status, "message": message, "data": data}).encode()
    contact = contact_from_wire(decode_envelope(body).data, fallback_email=CALLED_WITH)
    assert isinstance(contact, Contact)
    for value in (
        contact.email,
        contact.first_name,
        contact.last_name,
        contact.company,
        contact.id,
    ):
        assert value is None or isinstance(value, str)
    assert all(isinstance(tag, str) for tag in contact.tags)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in contact.custom_fields.items())
    assert contact.birthday is None or isinstance(contact.birthday, datetime.date)
    json.dumps(contact.to_dict())


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=64))
def test_any_bytes_decode_to_an_envelope(body: bytes) -> None:
    envelope = decode_envelope(body)
    contact_from_wire(envelope.data)


def test_contact_model() -> None:
    """Equality, a readable repr, to_dict and to_wire."""
    contact = Contact(
        email="a@b.co", first_name="Zo\u00eb", birthday=datetime.date(2000, 1, 2), tags=["t"]
    )
    assert contact == Contact(
        email="a@b.co", first_name="Zo\u00eb", birthday=datetime.date(2000, 1, 2), tags=["t"]
    )
    assert contact != Contact(email="a@b.co")
    assert repr(contact).startswith("Contact(email='a@b.co', first_name='Zo\u00eb'")
    assert contact.to_dict() == {
        "email": "a@b.co",
        "first_name": "Zo\u00eb",
        "last_name": None,
        "company": None,
        "birthday": "2000-01-02",
        "tags": ["t"],
        "custom_fields": {},
        "id": None,
        "team_id": None,
    }
    assert contact.to_wire()["company"] == ""
    assert contact.to_wire()["firstName"] == "Zo\u00eb"
    assert type(contact).__module__ == "sendx"
    assert sendx.Contact is Contact


WIRE_VALUES = st.one_of(
    st.none(),
    st.text(max_size=8),
    st.sampled_from(["1989-03-03", "2023-02-30", "1989-03-03T10:00:00Z", "", "++1"]),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.lists(st.one_of(st.none(), st.text(max_size=5), st.integers()), max_size=3),
    st.dictionaries(
        st.text(max_size=5), st.one_of(st.none(), st.text(max_size=5), st.integers()), max_size=3
    ),
)


@settings(max_examples=300, deadline=None)
@given(
    data=st.dictionaries(
        st.sampled_from(
            [
                "email",
                "firstName",
                "lastName",
                "company",
                "birthday",
                "tags",
                "customFields",
                "encryptedId",
                "encryptedTeamId",
                "other",
            ]
        ),
        WIRE_VALUES,
        max_size=10,
    )
    | WIRE_VALUES,
    wrap=st.booleans(),
)
def test_fast_and_lenient_decoding_agree(data: Any, wrap: bool) -> None:
    """The typed fast path gives exactly what the lenient path gives, for any shape."""
    from sendx.models import decode_contact

    body = json.dumps({"status": "200", "data": data} if wrap else data).encode()
    lenient = contact_from_wire(decode_envelope(body).data, fallback_email=CALLED_WITH)
    assert decode_contact(body, fallback_email=CALLED_WITH) == lenient

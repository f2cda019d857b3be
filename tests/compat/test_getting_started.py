# ruff: noqa: E501 - the snippet is copied verbatim, long line included
"""The documentation's getting-started snippet, verbatim, against the emulator."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from typing import Any

import pytest

import swagger_client

pytest.importorskip("uvicorn", reason="the emulator needs the [emulator] extra")

from sendx.emulator import Emulator

#: Copied verbatim from the contract ("The documentation's getting-started snippet").
SNIPPET = textwrap.dedent(
    """
    import swagger_client
    from swagger_client.rest import ApiException

    api_instance = swagger_client.ContactApi()
    contact_details = swagger_client.ContactRequest()
    contact_details.email = "pythonapi@sendx.io"
    api_response = api_instance.contact_identify_post(api_key, team_id, contact_details)

    track_details = swagger_client.TrackRequest()
    track_details.add_tags = ["paid user", "startup plan"]
    track_details.remove_tags = ["trial user"]
    api_response = api_instance.contact_track_post(api_key, team_id, "pythonapi@sendx.io", track_details)
    """
)


@pytest.fixture(scope="module")
def emulator() -> Iterator[Any]:
    with Emulator() as running:
        yield running


def _run(namespace: dict[str, Any]) -> dict[str, Any]:
    exec(compile(SNIPPET, "getting-started", "exec"), namespace)  # noqa: S102 - the snippet under test
    return namespace


def test_snippet_runs_verbatim_against_the_emulator(
    emulator: Any, clean_configuration: swagger_client.Configuration
) -> None:
    """Identify creates the contact, track answers OK; a further identify returns the
    contact merged: the tags added by track, not the removed one."""
    clean_configuration.host = emulator.base_url
    namespace = _run({"api_key": "key-getting-started", "team_id": "team-getting-started"})
    track = namespace["api_response"]
    assert isinstance(track, swagger_client.TrackResponse)
    assert (track.status, track.message) == ("200", "OK")
    again = namespace["api_instance"].contact_identify_post(
        "key-getting-started",
        "team-getting-started",
        swagger_client.ContactRequest(email="pythonapi@sendx.io", tags=["trial user"]),
    )
    assert isinstance(again, swagger_client.ContactResponse)
    assert again.status == "200"
    contact = again.data
    assert contact.email == "pythonapi@sendx.io"
    assert sorted(contact.tags) == ["paid user", "startup plan", "trial user"]
    assert len(contact.encrypted_id) == 22


def test_first_identify_returns_the_contact(
    emulator: Any, clean_configuration: swagger_client.Configuration
) -> None:
    """The identify of the snippet returns the created contact in ``data``."""
    clean_configuration.host = emulator.base_url
    api = swagger_client.ContactApi()
    details = swagger_client.ContactRequest(
        first_name="John",
        email="merge@example.com",
        tags=["Developer"],
        custom_fields={"Designation": "Software Engineer"},
        birthday="1989-03-03",
    )
    api.contact_identify_post("key-merge", "team-merge", details)
    second = swagger_client.ContactRequest(
        email="merge@example.com", tags=["API Team"], custom_fields={"Age": "29"}
    )
    merged = api.contact_identify_post("key-merge", "team-merge", second).data
    assert merged.first_name == "John"
    assert merged.birthday == "1989-03-03"
    assert sorted(merged.tags) == ["API Team", "Developer"]
    assert merged.custom_fields == {"Designation": "Software Engineer", "Age": "29"}


def test_wrong_key_is_api_exception_401(
    emulator: Any, clean_configuration: swagger_client.Configuration
) -> None:
    """The emulator binds a team to its first key; another key gets 401."""
    clean_configuration.host = emulator.base_url
    api = swagger_client.ContactApi()
    details = swagger_client.ContactRequest(email="a@example.com")
    api.contact_identify_post("key-right", "team-401", details)
    with pytest.raises(swagger_client.rest.ApiException) as caught:
        api.contact_identify_post("key-wrong", "team-401", details)
    assert caught.value.status == 401
    assert "key-wrong" not in str(caught.value)

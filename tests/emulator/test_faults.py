"""Injected faults: statuses with Retry-After, latency, dropped connections."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import urllib3
from tests.emulator._helpers import KEY, TEAM, Api

from sendx import APIConnectionError, InternalServerError, RetryEvent, RetryPolicy, SendX
from sendx.emulator import Emulator


def _faults(api: Api, *faults: dict[str, Any]) -> dict[str, Any]:
    status, answer = api.control("PUT", "/faults", {"faults": list(faults)})
    assert status == 200, answer
    return answer  # type: ignore[no-any-return]


def test_status_with_retry_after_is_seen_by_our_clients_retries(emu: Emulator, api: Api) -> None:
    """Two 503s with Retry-After: 0 then success; the client retries twice, waiting
    what the header says; the fault touched nothing, the success applied once."""
    _faults(
        api,
        {"method": "POST", "path": "/api/v1/contact", "status": 503, "retry_after": 0, "times": 2},
    )
    retries: list[RetryEvent] = []
    with SendX(KEY, TEAM, base_url=emu.base_url, on_retry=retries.append) as client:
        contact = client.contacts.identify("r@x.io", tags=["t"])
    assert contact.tags == ["t"]
    assert [(r.attempt, r.delay, r.reason) for r in retries] == [
        (2, 0.0, "status 503"),
        (3, 0.0, "status 503"),
    ]
    assert [e["type"] for e in api.events()] == ["contact_created", "tag_added"]
    assert api.control("GET", "/faults") == (200, {"faults": []})


def test_status_fault_answer_and_header(api: Api) -> None:
    """The injected answer is the error shape with the status and Retry-After."""
    _faults(api, {"status": 429, "retry_after": 7})
    response = api.identify({"email": "a@x.io"})
    assert response.status == 429
    assert response.headers["retry-after"] == "7"
    assert json.loads(response.data) == {"status": "429", "message": "emulated fault: HTTP 429"}
    assert api.contacts() == []


def test_client_gives_up_on_a_lasting_fault(emu: Emulator, api: Api) -> None:
    """A fault without times keeps answering; the client raises after its retries."""
    _faults(api, {"status": 503})
    fast = RetryPolicy(max_retries=2, backoff_initial=0.0, backoff_max=0.0)
    with (
        SendX(KEY, TEAM, base_url=emu.base_url, retry=fast) as client,
        pytest.raises(InternalServerError) as info,
    ):
        client.contacts.identify("a@x.io")
    assert info.value.status == 503
    assert api.contacts() == []


def test_times_and_matching(api: Api) -> None:
    """times counts only matching requests; method and path select them; GET shows
    what is left."""
    _faults(
        api,
        {"method": "POST", "path": "/api/v1/contact/track", "status": 500, "times": 2},
        {"method": "GET", "status": 502},
    )
    assert api.identify({"email": "a@x.io"}).status == 200
    assert api.track("a@x.io").status == 500
    assert api.control("GET", "/faults")[1]["faults"][0]["times"] == 1
    assert api.track("a@x.io").status == 500
    assert api.track("a@x.io").status == 200
    assert [f["status"] for f in api.control("GET", "/faults")[1]["faults"]] == [502]
    assert api.http.request("GET", api.emu.base_url + "/contact/track").status == 502


def test_probability_zero_never_and_one_always(api: Api) -> None:
    """probability 0 never fires (and keeps its times); 1 always fires."""
    _faults(api, {"status": 500, "probability": 0, "times": 1})
    for _ in range(20):
        assert api.identify({"email": "a@x.io"}).status == 200
    assert api.control("GET", "/faults")[1]["faults"][0]["times"] == 1
    _faults(api, {"status": 500, "probability": 1})
    assert all(api.identify({"email": "a@x.io"}).status == 500 for _ in range(20))


def test_the_control_plane_is_never_faulted(api: Api) -> None:
    """Faults apply to the API only, so they can always be cleared."""
    _faults(api, {"status": 500}, {"drop": "before"})
    assert api.control("GET", "/health")[0] == 200
    assert api.control("PUT", "/faults", {"faults": []}) == (200, {"faults": []})


def test_latency(api: Api) -> None:
    """latency_ms delays the answer, then the request is served."""
    _faults(api, {"latency_ms": 300, "times": 1})
    started = time.monotonic()
    assert api.identify({"email": "a@x.io"}).status == 200
    assert time.monotonic() - started >= 0.3
    assert api.contacts() != []


def test_latency_adds_to_a_status(api: Api) -> None:
    """A latency fault before a status fault: both apply to one request."""
    _faults(api, {"latency_ms": 200, "times": 1}, {"status": 503, "times": 1})
    started = time.monotonic()
    assert api.identify({"email": "a@x.io"}).status == 503
    assert time.monotonic() - started >= 0.2


def test_constructor_latency(http: urllib3.PoolManager) -> None:
    """latency_ms=... delays every API request, not the control plane."""
    with Emulator(latency_ms=250) as emu:
        api = Api(http, emu)
        started = time.monotonic()
        assert api.identify({"email": "a@x.io"}).status == 200
        assert time.monotonic() - started >= 0.25


@pytest.mark.parametrize(("when", "applied"), [("before", False), ("after", True)])
def test_drop(emu: Emulator, api: Api, when: str, applied: bool) -> None:
    """drop closes the connection without an answer: before touches nothing, after
    commits the change first (why retrying it is dangerous)."""
    _faults(api, {"path": "/api/v1/contact/identify", "drop": when, "times": 1})
    with (
        SendX(KEY, TEAM, base_url=emu.base_url, max_retries=0) as client,
        pytest.raises(APIConnectionError) as info,
    ):
        client.contacts.identify("d@x.io", custom_fields={"n": "++1"})
    assert info.value.request_sent
    assert (api.contact("d@x.io") is not None) is applied
    assert api.identify({"email": "x@x.io"}).status == 200  # the next request is served


BAD_FAULTS = [
    ({"faults": [{"path": "/"}]}, "exactly one effect"),
    ({"faults": [{"status": 503, "drop": "after"}]}, "exactly one effect"),
    ({"faults": [{"status": 200}]}, "status must be an integer from 400 to 599"),
    ({"faults": [{"status": True}]}, "status must be an integer"),
    ({"faults": [{"drop": "sometimes"}]}, "drop must be"),
    ({"faults": [{"latency_ms": -1}]}, "between 0 and 60000"),
    ({"faults": [{"latency_ms": 5, "retry_after": 1}]}, "retry_after goes only with a status"),
    ({"faults": [{"status": 503, "probability": 2}]}, "probability must be between 0 and 1"),
    ({"faults": [{"status": 503, "times": 0}]}, "times must be an integer >= 1"),
    ({"faults": [{"status": 503, "method": None}]}, "method must be an HTTP method"),
    ({"faults": [{"status": 503, "path": "api"}]}, "path must be a path prefix"),
    ({"faults": [{"status": 503, "colour": "red"}]}, "unknown key"),
    ({"faults": ["x"]}, "must be an object"),
    ({"faults": {}}, '"faults" must be an array'),
    ({}, "the document must be"),
]


@pytest.mark.parametrize(("document", "message"), BAD_FAULTS)
def test_invalid_faults_are_refused_and_the_old_ones_kept(
    api: Api, document: Any, message: str
) -> None:
    """An invalid faults document is 400 with the reason; the faults in force stay."""
    kept = _faults(api, {"path": "/nowhere", "status": 500})
    status, answer = api.control("PUT", "/faults", document)
    assert status == 400
    assert message in answer["message"]
    assert api.control("GET", "/faults") == (200, kept)


def test_not_json_is_refused(api: Api) -> None:
    """A body that is not JSON, or none, is 400."""
    for raw in (b"{", b""):
        response = api.http.request(
            "PUT",
            api.emu.control_url + "/faults",
            body=raw,
            headers={"Content-Type": "application/json"},
        )
        assert response.status == 400


def test_integers_may_be_written_with_a_zero_fraction(api: Api) -> None:
    """JSON Schema, and so the OpenAPI document, counts ``503.0`` as the integer 503:
    so does the emulator, for ``status`` and ``times``."""
    status, answer = api.control(
        "PUT", "/faults", {"faults": [{"path": "/nowhere", "status": 503.0, "times": 2.0}]}
    )
    assert status == 200
    assert answer["faults"] == [{"path": "/nowhere", "status": 503, "probability": 1.0, "times": 2}]
    for bad in ({"status": 503.5}, {"latency_ms": 1, "times": 1.5}):
        assert api.control("PUT", "/faults", {"faults": [bad]})[0] == 400

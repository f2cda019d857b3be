"""schemathesis against the emulator's own OpenAPI document.

A running emulator serves ``/_emulator/openapi.json``; schemathesis generates
requests from it, both ones the document allows and ones it forbids, and runs all
its checks on every answer: never a 5xx, every status code, content type and body
as the document says, every request the document allows accepted and every one it
forbids refused. The API endpoints get a valid ``api_key`` header and ``team_id``,
so the checks reach past the 401. The rules and faults that generated writes install
are cleared at once, before any other request: a generated rule would post webhooks
to generated URLs, a generated fault would fail the calls that follow. The contacts
an identify makes are cleared too: a field it makes a number field would refuse
the text a later case sends it, a rule that depends on what came before and that
no schema can state.

The cases come from each operation's hypothesis strategy rather than from
``schemathesis.pytest.from_fixture``, whose lazy loader does not work with pytest 9
(it reads ``request.node._nodeid``, which pytest 9 removed).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
import urllib3
from hypothesis import HealthCheck, given, settings

from sendx.emulator import Emulator

TEAM, KEY = "team1", "key1"

# What schemathesis exercises: the API, with valid credentials, and the whole
# control plane. Operations with no inputs have nothing to break, so they get
# no negative cases.
API = {"headers": {"api_key": KEY}, "query": {"team_id": TEAM}}
OPERATIONS: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/contact/identify"): API,
    ("POST", "/api/v1/contact/track"): API,
    ("GET", "/_emulator/health"): {},
    ("POST", "/_emulator/reset"): {},
    ("GET", "/_emulator/contacts"): {"query": {"team_id": TEAM}},
    ("GET", "/_emulator/events"): {"query": {"team_id": TEAM}},
    ("GET", "/_emulator/deliveries"): {},
    ("GET", "/_emulator/messages"): {"query": {"team_id": TEAM}},
    ("GET", "/_emulator/messages/{id}"): {},
    ("POST", "/_emulator/messages/{id}/events"): {},
    ("POST", "/_emulator/campaigns/{id}/send"): {"query": {"team_id": TEAM}},
    ("GET", "/_emulator/webhooks"): {},
    ("GET", "/_emulator/rules"): {},
    ("PUT", "/_emulator/rules"): {},
    ("GET", "/_emulator/faults"): {},
    ("PUT", "/_emulator/faults"): {},
    ("GET", "/_emulator/openapi.json"): {},
    ("GET", "/_emulator/overview"): {},
    ("GET", "/_emulator/timeline"): {"query": {"team_id": TEAM}},
    ("GET", "/_emulator/stream"): {},
}
# The page's live stream never ends by itself, so no generated call could finish:
# tests/emulator/web/test_page_api.py checks it instead.
NEVER_ENDS = {("GET", "/_emulator/stream")}
WITHOUT_INPUTS = {
    ("GET", "/_emulator/health"),
    ("GET", "/_emulator/rules"),
    ("GET", "/_emulator/faults"),
    ("GET", "/_emulator/openapi.json"),
}
# Written by a case, cleared right after it (see the module docstring).
CLEAR_AFTER = {
    ("PUT", "/_emulator/rules"): ("PUT", "/_emulator/rules", b'{"rules": []}'),
    ("PUT", "/_emulator/faults"): ("PUT", "/_emulator/faults", b'{"faults": []}'),
    ("POST", "/api/v1/contact/identify"): ("POST", "/_emulator/reset", b""),
}
POSITIVE, NEGATIVE = schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE
CASES = [
    pytest.param(method, path, mode, id=f"{method} {path} {name}")
    for (method, path) in OPERATIONS
    for mode, name in ((POSITIVE, "positive"), (NEGATIVE, "negative"))
    if (mode is POSITIVE or (method, path) not in WITHOUT_INPUTS)
    and (method, path) not in NEVER_ENDS
]


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator(teams={TEAM: KEY}) as emu:
        yield emu


@pytest.fixture(scope="module")
def pool() -> Iterator[urllib3.PoolManager]:
    """For the test's own requests to the control plane."""
    manager = urllib3.PoolManager(retries=False, timeout=10.0)
    yield manager
    manager.clear()


@pytest.fixture(scope="module")
def api_schema(emulator: Emulator, pool: urllib3.PoolManager) -> schemathesis.BaseSchema:
    response = pool.request("GET", f"{emulator.control_url}/openapi.json")
    assert response.status == 200
    return schemathesis.openapi.from_dict(json.loads(response.data))


@pytest.fixture(scope="module")
def session() -> Iterator[requests.Session]:
    """The HTTP session of schemathesis' calls: loopback only, so no proxy from the
    environment (``HTTP_PROXY``) may come between."""
    with requests.Session() as http:
        http.trust_env = False
        yield http


def _origin(emulator: Emulator) -> str:
    # The document's paths are absolute (/api/v1/..., /_emulator/...).
    return emulator.base_url.rsplit("/api/", 1)[0]


def test_the_document_lists_every_endpoint(api_schema: schemathesis.BaseSchema) -> None:
    """The document describes the two v1 endpoints and the whole control plane, so
    the cases below cover every operation but the REST ones."""
    documented = {
        (method.upper(), path)
        for path in api_schema
        if not path.startswith("/api/v1/rest/")  # test_schemathesis_rest.py's
        for method in api_schema[path]
    }
    assert documented == set(OPERATIONS)


@pytest.mark.parametrize(("method", "path", "mode"), CASES)
def test_every_answer_conforms_to_the_document(
    api_schema: schemathesis.BaseSchema,
    emulator: Emulator,
    session: requests.Session,
    pool: urllib3.PoolManager,
    method: str,
    path: str,
    mode: schemathesis.GenerationMode,
) -> None:
    """No 5xx, and every answer's status, content type, headers and body are as the
    document says, for requests that follow the document and requests that break it
    (which must be refused with a 4xx)."""
    strategy = api_schema[path][method].as_strategy(mode, **OPERATIONS[(method, path)])
    origin = _origin(emulator)
    clear = CLEAR_AFTER.get((method, path))

    @given(case=strategy)
    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def check(case: schemathesis.Case[Any]) -> None:
        try:
            case.call_and_validate(base_url=origin, session=session, timeout=10)
        finally:
            if clear is not None:
                clear_method, clear_path, body = clear
                response = pool.request(
                    clear_method,
                    origin + clear_path,
                    body=body,
                    headers={"Content-Type": "application/json"},
                )
                assert response.status == 200, response.data[:300]

    check()

"""schemathesis against the REST part of the emulator's OpenAPI document.

schemathesis runs as its users run it (its command line), against a running emulator
that serves ``/_emulator/openapi.json``: every check, and three phases: coverage (each
parameter's edges and each kind of invalid input), fuzzing (requests the document
allows and requests it forbids) and stateful (chains that follow the document's
links, create then get, update, delete). The run must find nothing.

The emulator has a fixed team, so that a key schemathesis makes up is refused (the
``ignored_auth`` check); the postback URLs get that team's id. One check is off for
the operations whose bodies name other objects by id (a list, a sender, a post
category), or whose properties depend on one another: the document cannot say which
ids the team has, so a request it allows may rightly be a 400 (see
:data:`NOT_ACCEPTED_BY_SCHEMA`).
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import urllib3

from sendx.emulator import Emulator
from sendx.emulator.rest import routes
from sendx.emulator.rest.api import REST_PREFIX

TEAM, KEY = "team-st", "key-st"

#: Operations where a request the document allows can be refused (400), and why.
NOT_ACCEPTED_BY_SCHEMA = {
    "createContact": "lists and customFields must name the team's lists and fields",
    "updateContact": "lists and customFields must name the team's lists and fields",
    "identifyContact": "lists must name the team's lists; a number field takes numbers",
    "updateCustomField": "a field's type cannot change while contacts hold values",
    "createCampaign": "the sender, lists and tags must be the team's",
    "createPost": "the category, tags and member must be the team's",
    "updatePost": "the category, tags and member must be the team's",
    "createEmailTemplate": "htmlContent and htmlCode must agree when both are given",
    "updateEmailTemplate": "htmlContent and htmlCode must agree when both are given",
    "trackCustomEvent": "identifier or email must be given, either one",
    "sendEmail": "header names are keys, which OpenAPI 3.0 cannot constrain",
    "sendEmailWithTemplate": "the template must be one of the team's",
}

#: Operations whose 404 after a create can be right, though schemathesis' check for
#: created resources (ST302) does not see why, and why.
NOT_SEEN_AS_DELETED = {
    "unsubscribeContact": (
        "/contact/unsubscribe/{id} is not below /contact/{id}, so schemathesis does not"
        " count a DELETE of the contact as its removal"
    ),
}


#: The first schemathesis whose stateful phase ends on this document. Python 3.10 has
#: no newer release than 4.30, whose stateful phase runs on for many minutes (busy in
#: hypothesis' state machine, not waiting on the emulator); there the run keeps the
#: coverage and fuzzing phases, and the other interpreters of the matrix run all three.
STATEFUL_SINCE = (4, 32)


def _phases() -> str:
    """The phases that this interpreter's schemathesis runs to an end."""
    release = importlib.metadata.version("schemathesis").split(".")
    major, minor = (int("".join(c for c in part if c.isdigit()) or 0) for part in release[:2])
    if (major, minor) >= STATEFUL_SINCE:
        return "coverage,fuzzing,stateful"
    return "coverage,fuzzing"


#: How the emulator refuses a request the document forbids: schemathesis' list, and
#: the size limits (413, 414, 431).
REFUSALS = (400, 401, 403, 404, 405, 406, 409, 413, 414, 415, 422, 428, 429, 431)


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    """The module's emulator: one fixed team, so that unknown keys are 401."""
    with Emulator(teams={TEAM: KEY}, webhook_attempts=1, webhook_timeout=1.0) as emu:
        yield emu


def _config(path: Path) -> Path:
    """schemathesis' configuration (TOML) for this run."""
    lines = [
        f'headers = {{ "X-Team-ApiKey" = "{KEY}" }}',
        "request-timeout = 20",
        "[checks]",
        "enabled = true",  # every check: all are on unless turned off
        # An invalid request may also be refused for its size (body, query string,
        # headers): the limits the document states.
        "[checks.negative_data_rejection]",
        "expected-statuses = [" + ", ".join(f'"{s}"' for s in REFUSALS) + "]",
        "[phases.examples]",
        "enabled = false",
        "[phases.fuzzing]",
        "generation.max-examples = 12",
        "[phases.stateful]",
        "generation.max-examples = 60",
        "max-steps = 8",
        "[parameters]",
        f'"query.team_id" = "{TEAM}"',
    ]
    for operation in sorted(NOT_ACCEPTED_BY_SCHEMA):
        lines += [
            "[[operations]]",
            f'include-operation-id = "{operation}"',
            "checks.positive_data_acceptance.enabled = false",
        ]
    for operation in sorted(NOT_SEEN_AS_DELETED):
        lines += [
            "[[operations]]",
            f'include-operation-id = "{operation}"',
            "checks.ensure_resource_availability.enabled = false",
        ]
    config = path / "schemathesis.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def _schemathesis() -> list[str]:
    """The schemathesis command of this interpreter's environment."""
    found = Path(sys.executable).with_name("schemathesis")
    if found.exists():
        return [str(found)]
    on_path = shutil.which("schemathesis")
    if on_path is None:
        pytest.skip("schemathesis is not installed (the dev extra has it)")
    return [on_path]


def test_the_document_describes_every_rest_route(emulator: Emulator) -> None:
    """Every route is in the served document, under its operationId, with the key
    header as its security (but the postback URLs, whose team is their team_id)."""
    pool = urllib3.PoolManager(retries=False, timeout=10.0)
    try:
        response = pool.request("GET", f"{emulator.control_url}/openapi.json")
    finally:
        pool.clear()
    assert response.status == 200
    document = response.json()
    documented = {
        (method.upper(), path): operation
        for path, item in document["paths"].items()
        if path.startswith(REST_PREFIX + "/")
        for method, operation in item.items()
    }
    expected = {(route.method, REST_PREFIX + route.path): route for route in routes()}
    assert set(documented) == set(expected)
    for where, route in expected.items():
        operation = documented[where]
        assert operation["operationId"] == route.operation
        assert str(route.status) in operation["responses"]
        assert ("security" in operation) is route.key
    scheme = document["components"]["securitySchemes"]["TeamApiKey"]
    assert (scheme["in"], scheme["name"]) == ("header", "X-Team-ApiKey")
    assert NOT_ACCEPTED_BY_SCHEMA.keys() <= {route.operation for route in expected.values()}


@pytest.mark.timeout(600)
def test_schemathesis_finds_nothing(emulator: Emulator, tmp_path: Path) -> None:
    """schemathesis, every check, coverage, fuzzing and stateful phases (see
    :data:`STATEFUL_SINCE`): no 5xx, every
    answer as documented, invalid requests refused, valid ones accepted (but where
    the document cannot know the team's ids), keys enforced, a deleted object gone
    and a created one there."""
    command = [
        *_schemathesis(),
        "--config-file",
        str(_config(tmp_path)),
        "run",
        f"{emulator.control_url}/openapi.json",
        "--url",
        emulator.root_url,
        "--include-path-regex",
        f"^{REST_PREFIX}/",
        "--phases",
        _phases(),
        "--workers",
        "1",
        "--no-color",
        "--suppress-health-check",
        "too_slow",
        # A failure prints its seed: SCHEMATHESIS_SEED=<seed> replays that run.
        *(["--seed", os.environ["SCHEMATHESIS_SEED"]] if "SCHEMATHESIS_SEED" in os.environ else []),
    ]
    run = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=560,
        cwd=tmp_path,
        # Loopback only: no proxy from the environment may come between.
        env={**os.environ, "NO_PROXY": "*", "no_proxy": "*"},
    )
    (tmp_path / "schemathesis.out").write_text(run.stdout + run.stderr, encoding="utf-8")
    assert run.returncode == 0, _shortened(run.stdout + run.stderr)


def _shortened(output: str) -> str:
    """schemathesis' report with its long lines cut (a generated body can be 1 MiB)."""
    lines = [line if len(line) <= 300 else line[:300] + " [...]" for line in output.splitlines()]
    return "\n".join(lines[-400:])


# What schemathesis found: patterns that Python's re (the checks) and ECMAScript (the
# document's readers) read differently. ECMAScript's \s holds U+FEFF and not U+0085;
# its $ is the end of the text, where Python's also matches before a final newline.


@pytest.mark.parametrize("name", ["\ufeff", "\x85", "\x1c", " \ufeff "])
def test_a_name_of_spaces_by_either_reading_is_blank(emulator: Emulator, name: str) -> None:
    """A name made of characters that either reading calls spaces is refused, as the
    document's pattern says under both."""
    answer = _post(emulator, "/tag", {"name": name})
    assert (answer.status, answer.json()["message"]) == (400, "$.name must not be blank")


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/hook\n", "http://127.0.0.1:9/a\x85b", "http://127.0.0.1:9/\ufeff"]
)
def test_a_webhook_url_with_a_space_by_either_reading_is_refused(
    emulator: Emulator, url: str
) -> None:
    """A final newline, or a character either reading calls a space, makes a webhook
    URL invalid, as the document's pattern says under both."""
    answer = _post(emulator, "/webhook", {"url": url})
    assert answer.status == 400, answer.data


def _post(emulator: Emulator, path: str, body: object) -> urllib3.BaseHTTPResponse:
    pool = urllib3.PoolManager(retries=False, timeout=10.0)
    try:
        return pool.request(
            "POST",
            emulator.root_url + REST_PREFIX + path,
            body=json.dumps(body).encode(),
            headers={"X-Team-ApiKey": KEY, "Content-Type": "application/json"},
        )
    finally:
        pool.clear()

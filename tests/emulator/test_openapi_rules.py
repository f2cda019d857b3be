"""The OpenAPI document states the rules the emulator applies: no more, no less.

Each schema is compared with the check it describes, through jsonschema_rs (the
validator schemathesis uses, which reads patterns as ECMAScript does) and Python's
``re`` (which schemathesis draws values with): what one accepts, the other does.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sendx._email import EMAIL_PATTERN, email_problem
from sendx._validation import check_birthday
from sendx.emulator.control.openapi import document
from sendx.emulator.control.openapi_email import email_schema
from sendx.emulator.control.openapi_schemas import DATE_PATTERN
from sendx.emulator.delivery.automations import (
    NAME_PATTERN,
    WEBHOOK_PATTERN,
    RuleError,
    parse_rules,
)
from sendx.emulator.http.faults import METHOD_PATTERN, FaultError, parse_faults
from sendx.errors import InvalidRequestError

jsonschema_rs = pytest.importorskip("jsonschema_rs")  # comes with schemathesis

DOC = document()


def _validator(schema: dict[str, Any]) -> Any:
    return jsonschema_rs.Draft202012Validator({**schema, "components": DOC["components"]})


def _component(name: str) -> Any:
    return _validator(DOC["components"]["schemas"][name])


# -- the email rule --------------------------------------------------------------------------

EMAIL = _validator(email_schema())
_RULE = re.compile(EMAIL_PATTERN)


def _agree(address: str) -> None:
    accepted = email_problem(address) is None
    assert bool(_RULE.search(address)) == accepted, address
    assert EMAIL.is_valid(address) == accepted, address


def test_every_character_is_placed_as_the_rule_places_it() -> None:
    """Each character of the BMP (and a few beyond) alone as the local part, as a
    domain label, and inside one: the document and the rule agree."""
    beyond = ["\U00010000", "\U0001f600", "\U0010fffd"]
    for char in [*map(chr, range(0xD800)), *map(chr, range(0xE000, 0x10000)), *beyond]:
        for address in (f"{char}@x.io", f"a@{char}.io", f"a@x{char}y.io", f"a{char}b@x.io"):
            _agree(address)


@pytest.mark.parametrize(
    "address",
    [
        "a" * 64 + "@x.io",
        "a" * 65 + "@x.io",
        "a@" + "b" * 63 + ".io",
        "a@" + "b" * 64 + ".io",
        "a@" + ("b" * 60 + ".") * 3 + "c" * (254 - 2 - 183),
        "a@" + ("b" * 60 + ".") * 3 + "c" * (255 - 2 - 183),
        "a@x.io\n",
        "\na@x.io",
        ".a@x.io",
        "a.@x.io",
        "a..b@x.io",
        "a@-x.io",
        "a@x-.io",
        "a@x.io.",
        "a@x",
        "a@@x.io",
        '"a b"@x.io',
    ],
)
def test_lengths_and_shapes(address: str) -> None:
    _agree(address)


_PIECES = st.sampled_from(list('ab1.@-_!~"( \t\n\x7f\u00a0\u00e9\u200b\ufeff\u4f8b\U0001f600'))


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=16).map("".join))
def test_any_text_is_judged_alike(text: str) -> None:
    _agree(text)


# -- names, webhooks, methods, dates -----------------------------------------------------------


def test_a_name_pattern_match_is_a_name_that_strip_keeps() -> None:
    """The emulator refuses a tag or field name that ``str.strip()`` empties."""
    name = _validator({"type": "string", "pattern": NAME_PATTERN})
    python = re.compile(NAME_PATTERN)
    for char in [*map(chr, range(0xD800)), *map(chr, range(0xE000, 0x30000))]:
        kept = bool(char.strip())
        assert bool(python.search(char)) == kept, hex(ord(char))
        assert name.is_valid(char) == kept, hex(ord(char))


@pytest.mark.parametrize(
    ("url", "valid"),
    [
        ("http://127.0.0.1:9000/hooks?x=1#y", True),
        ("https://hooks.example", True),
        ("http://x.example/%C3%BC", True),
        ("http://x.example/\u00fc", False),
        ("http://x.example/\x1f", False),
        ("http://x.example/\x85", False),
        ("http://x.example/a b", False),
        ("http://x.example\n", False),
        ("http://x.example:65536", False),
        ("ftp://x.example", False),
    ],
)
def test_webhook_urls(url: str, valid: bool) -> None:
    """A webhook URL is read alike by the check, Python and the validator."""
    rule = {"on": "contact_created", "webhook": url, "secret": "s"}
    try:
        parse_rules([rule])
        accepted = True
    except RuleError:
        accepted = False
    assert accepted == valid
    assert bool(re.search(WEBHOOK_PATTERN, url)) == valid
    assert _component("Rule").is_valid(rule) == valid


@pytest.mark.parametrize(("method", "valid"), [("POST", True), ("post", True), ("POST\n", False)])
def test_fault_methods(method: str, valid: bool) -> None:
    assert bool(re.search(METHOD_PATTERN, method)) == valid
    assert _component("Fault").is_valid({"method": method, "status": 500}) == valid


def _birthday_ok(text: str) -> bool:
    try:
        check_birthday(text)
    except InvalidRequestError:
        return False
    return True


def test_the_date_pattern_is_a_real_date() -> None:
    """Every month and day number of years that test the leap rules."""
    date = _validator({"type": "string", "pattern": DATE_PATTERN})
    for year in ("0000", "0001", "0004", "0100", "0400", "1900", "2000", "2023", "2024", "9999"):
        for month in range(14):
            for day in range(33):
                text = f"{year}-{month:02d}-{day:02d}"
                assert date.is_valid(text) == _birthday_ok(text), text
                assert bool(re.search(DATE_PATTERN, text)) == _birthday_ok(text), text
    wide = "\uff12\uff10\uff12\uff14-02-29"  # in fullwidth digits
    for text in ("2024-02-29\n", "2024-2-29", wide, "2024-02-29T00:00"):
        assert not date.is_valid(text)
        assert not _birthday_ok(text)
    assert datetime.date.fromisoformat("0004-02-29")  # the proleptic calendar, as the pattern


# -- whole documents: faults and rules ---------------------------------------------------------

_FAULT_VALUES = st.one_of(
    st.sampled_from(
        [None, True, "POST", "post\n", "/api", "x", "before", "after", 0, 1, 2.0, 2.5, 503, 503.0]
    ),
    st.integers(-1, 100_000),
    st.floats(-1, 100_000, allow_nan=False),
)
_FAULTS = st.dictionaries(
    st.sampled_from(
        ["method", "path", "status", "retry_after", "latency_ms", "drop", "probability", "times"]
    ),
    _FAULT_VALUES,
    max_size=4,
)


@settings(max_examples=1000, deadline=None)
@given(_FAULTS)
def test_a_fault_is_valid_in_the_document_when_the_emulator_takes_it(fault: dict[str, Any]) -> None:
    """Exactly one effect, retry_after only with a status, integers that may be
    written 2.0: the document's oneOf says what parse_faults does."""
    try:
        parse_faults({"faults": [fault]})
        accepted = True
    except FaultError:
        accepted = False
    assert _component("Faults").is_valid({"faults": [fault]}) == accepted, fault


_RULES = st.dictionaries(
    st.sampled_from(["on", "tag", "webhook", "secret", "other"]),
    st.sampled_from(
        [None, "", " ", "\x1f", "vip", "tag_added", "contact_created", "http://x.io/h", "s", 1]
    ),
    max_size=4,
)


@settings(max_examples=500, deadline=None)
@given(_RULES)
def test_a_rule_is_valid_in_the_document_when_the_emulator_takes_it(rule: dict[str, Any]) -> None:
    try:
        parse_rules({"rules": [rule]})
        accepted = True
    except RuleError:
        accepted = False
    assert _component("Rules").is_valid({"rules": [rule]}) == accepted, rule

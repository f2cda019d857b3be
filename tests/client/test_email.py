"""The one email rule (``sendx._email``): a table of addresses, and its regular
expression against its checks."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sendx
from sendx._email import EMAIL_PATTERN, check_email, email_problem

VALID = [
    "a@b.co",
    "john.doe@gmail.com",
    "j+1@x.io",
    "o'brien@x.io",
    "UPPER@X.IO",
    "a@sub.domain.example",
    "a-b_c@x-y.io",
    "!#$%&'*+-/=?^_`{|}~@x.io",
    "1@2.3",
    "zo\u00eb@ex\u00e4mple.com",
    "\u7528\u6237@\u4f8b\u5b50.\u5e7f\u544a",
    "\u0438\u0432\u0430\u043d@\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444",
    "a" * 64 + "@x.io",
    "a@" + "b" * 63 + ".io",
    "a@" + ".".join(["b" * 63] * 3 + ["b" * 60]),  # 254 characters in all
]

INVALID = [
    # (address, words the message must hold)
    ("", "is empty"),
    ("ok@x.io', 'x'); DROP TABLE contacts;--@x.io", "more than one '@'"),
    ('"a b"@x.io', "quotes in the local part"),
    ('"ab"@x.io', "quotes in the local part"),
    ("a b@x.io", "a space in the local part"),
    ("a@@x.io", "more than one '@'"),
    ("x@x..io", "empty label"),
    ("x@.x.io", "empty label"),
    ("x@x.io.", "empty label"),
    ("john@localhost", "no dot"),
    ("john@", "no domain"),
    ("@x.io", "nothing before the '@'"),
    ("john.doe.gmail.com", "no '@'"),
    (".a@x.io", "starts or ends with a dot"),
    ("a.@x.io", "starts or ends with a dot"),
    ("a..b@x.io", "two dots in a row"),
    ("a@-x.io", "starts or ends with a hyphen"),
    ("a@x-.io", "starts or ends with a hyphen"),
    ("a@x_y.io", "'_' in its domain"),
    ("a@x .io", "a space in its domain"),
    ("a(b)@x.io", "'(' in the local part"),
    ("a\u200b@x.io", "U+200B in the local part"),
    ("a\u00a0b@x.io", "U+00A0 in the local part"),
    ("jo\nhn@x.io", "control characters"),
    (" ann@x.io", "leading or trailing whitespace"),
    ("ann@x.io\n", "leading or trailing whitespace"),
    ("a" * 65 + "@x.io", "longer than 64"),
    ("a@" + "b" * 64 + ".io", "label longer than 63"),
    ("a@" + ".".join(["b" * 63] * 3 + ["b" * 61]), "longer than 254"),
]


@pytest.mark.parametrize("address", VALID)
def test_valid_addresses_pass(address: str) -> None:
    assert check_email(address) == address
    assert re.search(EMAIL_PATTERN, address)


@pytest.mark.parametrize(("address", "words"), INVALID)
def test_invalid_addresses_say_which_part_is_wrong(address: str, words: str) -> None:
    with pytest.raises(sendx.InvalidRequestError) as caught:
        check_email(address, "email")
    message = str(caught.value)
    assert words in message
    assert message.startswith("email ")
    assert caught.value.field == "email"
    assert not re.search(EMAIL_PATTERN, address)


def test_the_message_masks_the_address() -> None:
    with pytest.raises(sendx.InvalidRequestError) as caught:
        check_email("private.person@example..com")
    assert "private.person" not in str(caught.value)
    assert "'p***@example..com'" in str(caught.value)


def test_a_non_string_is_refused() -> None:
    with pytest.raises(sendx.InvalidRequestError, match="must be a string"):
        check_email(b"a@b.co")


# Characters of every kind the rule treats apart: atext, dots, '@', quotes and
# specials, spaces, hyphens, controls, non-ASCII letters and invisible marks.
_ALPHABET = 'ab1.@-_"( \t\n\x7f\x85\u00e9\u00a0\u200b\u3000\u4f8b'


def _plain_rule(value: str) -> bool:
    """The rule of the module's docstring, written plainly."""
    atext = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~")
    invisible = {"\u00a0", "\u00ad", "\u1680", "\u202f", "\u205f", "\u3000", "\ufeff"}
    invisible |= {chr(c) for c in range(0x2000, 0x2010)}

    def unicode_ok(ch: str) -> bool:
        return 0xA1 <= ord(ch) <= 0xFFFD and ch not in invisible

    if "@" not in value or len(value) > 254:
        return False
    local, _, domain = value.rpartition("@")
    runs = local.split(".")
    if not 1 <= len(local) <= 64 or not all(runs):
        return False
    if not all(ch in atext or unicode_ok(ch) for ch in local.replace(".", "")):
        return False
    labels = domain.split(".")
    if len(labels) < 2:
        return False
    for label in labels:
        if not label or len(label) > 63 or label[0] == "-" or label[-1] == "-":
            return False
        if not all(
            (ch.isascii() and (ch.isalnum() or ch == "-")) or unicode_ok(ch) for ch in label
        ):
            return False
    return True


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=14))
def test_the_check_the_pattern_and_the_plain_rule_agree(value: str) -> None:
    """The regex fast path, the published pattern and the rule as written agree."""
    accepted = email_problem(value) is None
    assert accepted is _plain_rule(value)
    assert accepted is bool(re.search(EMAIL_PATTERN, value))

"""The one email rule: what the client, the emulator, the importer and ``swagger_client``
accept as a contact's address.

An address is ``local@domain``, where

- the local part is a dot-atom (RFC 5322): one or more runs of ``atext`` (letters,
  digits and ``!#$%&'*+-/=?^_`{|}~``) joined by single dots, no dot at either end,
  at most 64 characters. Non-ASCII letters are allowed as RFC 6531 allows them;
  invisible and spacing characters are not. Quoted local parts (``"a b"@x.io``) are
  refused: no mail provider hands them out, and an app that produces one has a bug;
- the domain is two or more labels joined by dots, each of letters, digits and inner
  hyphens (LDH, RFC 1035) or non-ASCII letters (an IDN, as users type it), at most 63
  characters;
- the whole is at most 254 characters (RFC 5321's forward path).

Non-ASCII characters are those of the Basic Multilingual Plane, less controls, spaces,
zero-width and direction marks: :data:`EMAIL_PATTERN` states the rule as one regular
expression that Python and ECMAScript read alike, so the emulator's OpenAPI document can
say exactly what it accepts. :func:`check_email` applies it and, when it fails, says
which part is wrong without echoing the address whole (it is personal data).
"""

from __future__ import annotations

import re
from typing import Any

from sendx.errors import InvalidRequestError

__all__ = [
    "EMAIL_PATTERN",
    "MAX_DOMAIN_LABEL_LENGTH",
    "MAX_EMAIL_LENGTH",
    "MAX_LOCAL_PART_LENGTH",
    "check_email",
    "email_problem",
]

MAX_EMAIL_LENGTH = 254  # RFC 5321's limit on a forward path
MAX_LOCAL_PART_LENGTH = 64  # RFC 5321, 4.5.3.1.1
MAX_DOMAIN_LABEL_LENGTH = 63  # RFC 1035, 2.3.4

# Non-ASCII characters allowed in either part: the BMP from U+00A1, less the soft hyphen,
# the spaces (U+1680, U+2000-U+200A, U+202F, U+205F, U+3000), the zero-width and
# direction marks (U+200B-U+200F, U+202A-U+202E, U+2060-U+2064, U+FEFF), the line and
# paragraph separators, the surrogates and the two noncharacters U+FFFE and U+FFFF.
_UNICODE = (
    "\u00a1-\u00ac\u00ae-\u167f\u1681-\u1fff\u2010-\u2027\u2030-\u205e"
    "\u2065-\u2fff\u3001-\ud7ff\ue000-\ufefe\uff00-\ufffd"
)
_ATEXT = "A-Za-z0-9!#$%&'*+/=?^_`{|}~\\-" + _UNICODE
_LETTER_OR_DIGIT = "A-Za-z0-9" + _UNICODE
_LABEL = f"[{_LETTER_OR_DIGIT}](?:[{_LETTER_OR_DIGIT}\\-]{{0,61}}[{_LETTER_OR_DIGIT}])?"
_LOCAL = f"[{_ATEXT}]+(?:\\.[{_ATEXT}]+)*"
_DOMAIN = f"{_LABEL}(?:\\.{_LABEL})+"

# The end of the text, read alike by both: Python's '$' also matches before a final
# newline, and ECMAScript has no '\Z'.
_END = "(?![\\s\\S])"

#: The rule as one anchored regular expression, lengths included, for documents that
#: state it (an OpenAPI ``pattern``); the same in Python's ``re`` and in ECMAScript.
EMAIL_PATTERN = (
    f"^(?=[^@]{{1,{MAX_LOCAL_PART_LENGTH}}}@)(?=.{{1,{MAX_EMAIL_LENGTH}}}{_END})"
    f"{_LOCAL}@{_DOMAIN}{_END}"
)

_ADDRESS = re.compile(f"{_LOCAL}@{_DOMAIN}")
_ATEXT_CHAR = re.compile(f"[{_ATEXT}]")
_LABEL_CHAR = re.compile(f"[{_LETTER_OR_DIGIT}\\-]")


def _first_bad(text: str, allowed: re.Pattern[str]) -> str | None:
    return next((ch for ch in text if not allowed.fullmatch(ch)), None)


def _describe(ch: str) -> str:
    """A rejected character, named so that an invisible one can be seen."""
    if ch == " ":
        return "a space"
    if ch.isprintable() and not ch.isspace():
        return repr(ch)
    return f"U+{ord(ch):04X}"


def _local_problem(local: str) -> str | None:
    if not local:
        return "has nothing before the '@'"
    if len(local) > MAX_LOCAL_PART_LENGTH:
        return f"has a local part (before the '@') longer than {MAX_LOCAL_PART_LENGTH} characters"
    if "@" in local:
        return "has more than one '@'"
    if local.startswith(".") or local.endswith("."):
        return "has a local part (before the '@') that starts or ends with a dot"
    if ".." in local:
        return "has two dots in a row before the '@'"
    bad = _first_bad(local.replace(".", ""), _ATEXT_CHAR)
    if bad is not None:
        kind = "quotes" if bad == '"' else _describe(bad)
        return (
            f"has {kind} in the local part (before the '@'); "
            "an address's local part is letters, digits and !#$%&'*+-/=?^_`{|}~ "
            "between single dots"
        )
    return None


def _domain_problem(domain: str) -> str | None:
    if not domain:
        return "has no domain after the '@'"
    labels = domain.split(".")
    if len(labels) < 2:
        return "has a domain with no dot after the '@' (a domain SendX can mail has one)"
    if any(not label for label in labels):
        return "has a domain with an empty label (a dot at either end, or two in a row)"
    for label in labels:
        bad = _first_bad(label, _LABEL_CHAR)
        if bad is not None:
            return (
                f"has {_describe(bad)} in its domain; a domain is letters, digits and "
                "hyphens between dots"
            )
        if label.startswith("-") or label.endswith("-"):
            return "has a domain label that starts or ends with a hyphen"
        if len(label) > MAX_DOMAIN_LABEL_LENGTH:
            return f"has a domain label longer than {MAX_DOMAIN_LABEL_LENGTH} characters"
    return None


def email_problem(value: str) -> str | None:
    """What is wrong with ``value`` as an address, worded to follow "email ...", or
    ``None`` when it is one."""
    if len(value) <= MAX_EMAIL_LENGTH and _ADDRESS.fullmatch(value):
        local = value.partition("@")[0]
        if len(local) <= MAX_LOCAL_PART_LENGTH:
            return None  # the common case, in one regex; the rest explains a refusal
    if not value:
        return "is empty"
    if len(value) > MAX_EMAIL_LENGTH:
        return f"is longer than {MAX_EMAIL_LENGTH} characters"
    if value != value.strip():
        return "has leading or trailing whitespace"
    if any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in value):
        return "contains control characters"
    if "@" not in value:
        return "has no '@'"
    # The domain is what follows the last '@': so 'a@@x.io' is a local part 'a@'.
    local, _, domain = value.rpartition("@")
    return _local_problem(local) or _domain_problem(domain) or "is not an email address"


def _mask(value: str) -> str:
    """An address as error messages show it: enough to find the typo, not the person
    (``'j***@gmail'``). Emails are personal data and messages end up in logs."""
    local, at, domain = value.rpartition("@")
    if not at:
        return f"{value[:1]!r}... ({len(value)} characters, no '@')"
    return repr(f"{local[:1]}***@{domain[:40]}")


def check_email(value: Any, field: str = "email") -> str:
    """``value`` when it is an address by the module's rule; otherwise
    :class:`~sendx.errors.InvalidRequestError` naming ``field`` and the part that is
    wrong, with the address masked."""
    if not isinstance(value, str):
        raise InvalidRequestError(
            f"{field} must be a string (got {type(value).__name__})", field=field
        )
    problem = email_problem(value)
    if problem is None:
        return value
    raise InvalidRequestError(
        f"{field} {problem}: {_mask(value)} is not an email address", field=field
    )

"""The one email rule (``sendx._email.EMAIL_PATTERN``) as the OpenAPI document states it.

EMAIL_PATTERN is exact, but schemathesis cannot draw strings from it: Hypothesis reads
a lookahead as text to produce, and spends most of a second on each of the pattern's
eight large character classes for every strategy it builds (a negative case builds
several). So the document states the same rule in parts that say together what
EMAIL_PATTERN says (``tests/emulator/test_openapi_rules.py`` checks that they do):

- ``maxLength``: at most 254 characters in all;
- the characters: each one allowed somewhere in an address, in one class, found by
  asking EMAIL_PATTERN about every character of the Basic Multilingual Plane;
- the shape: a dot-atom, ``@``, two or more labels, its classes written as "any
  character but ..." (cheap for Hypothesis), made exact by the characters pattern;
- the local part: at most 64 characters before the ``@``.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from sendx._email import (
    EMAIL_PATTERN,
    MAX_DOMAIN_LABEL_LENGTH,
    MAX_EMAIL_LENGTH,
    MAX_LOCAL_PART_LENGTH,
)

__all__ = ["email_patterns", "email_schema"]

# The end of the text, read alike by Python and ECMAScript (Python's $ also matches
# before a final newline).
_END = r"(?![\s\S])"


def _escaped(char: str) -> str:
    # ASCII other than letters and digits as \xHH; beyond ASCII the character itself,
    # as EMAIL_PATTERN writes it (jsonschema_rs misreads some \uHHHH pairs in a class).
    if char.isascii():
        return char if char.isalnum() else f"\\x{ord(char):02x}"
    return char


def _class(chars: set[str], *, negated: bool = False) -> str:
    """A regex class of ``chars`` (or of all others), runs written as ranges."""
    codes = sorted(map(ord, chars))
    parts = []
    start = 0
    while start < len(codes):
        end = start
        while end + 1 < len(codes) and codes[end + 1] == codes[end] + 1:
            end += 1
        first, last = chr(codes[start]), chr(codes[end])
        parts.append(_escaped(first) if first == last else f"{_escaped(first)}-{_escaped(last)}")
        start = end + 1
    return f"[{'^' if negated else ''}{''.join(parts)}]"


@functools.cache
def email_patterns() -> tuple[str, str, str]:
    """The characters, the shape and the local-part patterns (see the module's
    docstring); with ``maxLength`` 254 they accept what EMAIL_PATTERN accepts."""
    rule = re.compile(EMAIL_PATTERN)
    # The surrogates are left out: no validator takes them in a pattern.
    bmp = {chr(code) for code in range(0x10000)} - {chr(code) for code in range(0xD800, 0xE000)}
    local = {char for char in bmp if rule.search(char + "@x.io")}
    domain = {char for char in bmp if rule.search("a@" + char + ".io")}
    allowed = local | domain | {".", "@", "-"}
    refused = bmp - allowed  # a few hundred: controls, spaces, marks, some ASCII
    # Given that every character is allowed somewhere, "any character but those only
    # allowed elsewhere and those refused" is exactly the class of a place: a short
    # class for Hypothesis, the same rule. (Past the BMP, where the two differ, the
    # characters pattern refuses everything.)
    atom = _class(allowed - local | refused, negated=True)
    label = _class(allowed - domain | refused, negated=True)
    inner = _class((allowed - domain - {"-"}) | refused, negated=True)
    middle = MAX_DOMAIN_LABEL_LENGTH - 2
    labels = f"{label}(?:{inner}{{0,{middle}}}{label})?"
    # The characters pattern matches a character allowed nowhere. jsonschema_rs misreads
    # a negated class that holds both U+D7FF and U+E000 (neighbours across the
    # surrogates): U+D7FF is kept out of the class and refused by a lookahead.
    return (
        "(?!\ud7ff)" + _class(allowed - {"\ud7ff"}, negated=True)
        if "\ud7ff" in allowed and "\ue000" in allowed
        else _class(allowed, negated=True),
        f"^{atom}+(?:\\.{atom}+)*@{labels}(?:\\.{labels})+{_END}",
        f"^[^@]{{1,{MAX_LOCAL_PART_LENGTH}}}@",
    )


def _ascii_shape() -> str:
    atom = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-]"
    label = r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"
    return f"^{atom}+(?:\\.{atom}+)*@{label}(?:\\.{label})+{_END}"


def email_schema(**extra: Any) -> dict[str, Any]:
    """The JSON schema of an address by the one email rule; ``extra`` adds keys."""
    characters, shape, local_part = email_patterns()
    return {
        "type": "string",
        "maxLength": MAX_EMAIL_LENGTH,
        "anyOf": [{"pattern": _ascii_shape()}, {"pattern": shape}],
        "allOf": [{"not": {"pattern": characters}}, {"pattern": local_part}],
        "description": "A dot-atom local part of at most 64 characters, '@', a domain of "
        "two or more labels (letters, digits, inner hyphens, or an IDN's letters); at most "
        "254 characters in all.",
        **extra,
    }

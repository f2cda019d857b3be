"""The merge rules as pure functions (no HTTP): number text, big calls, edge cases."""

from __future__ import annotations

import decimal

import pytest

from sendx.emulator.store.records import ContactRow, new_id
from sendx.emulator.v1 import merge


def _identify(current: ContactRow | None, **call: object) -> merge.MergeResult:
    base: dict[str, object] = {
        "email": "a@x.io",
        "new_email": None,
        "first_name": None,
        "last_name": None,
        "company": None,
        "birthday": None,
        "tags": None,
        "custom_fields": None,
        "field_kinds": {},
    }
    return merge.identify(current, **{**base, **call})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("3", "3"),
        ("3.0", "3"),
        ("-0", "0"),
        ("1.50", "1.5"),
        ("0.0000001", "0.0000001"),
        ("1E+3", "1000"),
    ],
)
def test_number_text(value: str, text: str) -> None:
    """Integers have no fraction, fractions no trailing zeros, nothing has an exponent."""
    assert merge.format_number(decimal.Decimal(value)) == text


def test_increments_are_exact() -> None:
    """0.1 added ten times is exactly 1 (decimal, not float, arithmetic)."""
    contact = None
    for _ in range(10):
        result = _identify(contact, custom_fields={"n": "++0.1"}, field_kinds={"n": "number"})
        contact = result.contact
    assert contact is not None
    assert contact.fields == {"n": "1"}


def test_too_many_digits_is_refused() -> None:
    """A number of more than 40 digits is a 400, not a rounding."""
    with pytest.raises(merge.MergeError) as info:
        _identify(None, custom_fields={"n": "++" + "9" * 41})
    assert info.value.status == 400
    assert "more than 40 digits" in info.value.message


def test_new_fields_are_created_with_their_kinds() -> None:
    """New fields of a call are reported with their kind for the team's catalogue."""
    result = _identify(None, custom_fields={"n": "--2", "t": "hello", "u": "++x"})
    assert result.new_fields == {"n": "number", "t": "text", "u": "text"}
    assert result.contact.fields == {"n": "-2", "t": "hello", "u": "++x"}
    again = _identify(result.contact, custom_fields={"n": "++5"}, field_kinds=result.new_fields)
    assert again.new_fields == {}
    assert again.contact.fields["n"] == "3"


def test_input_contact_is_not_modified() -> None:
    """The merge returns a new contact; the one read from the store stays as it was."""
    current = ContactRow(pk=1, email="a@x.io", encrypted_id=new_id(), tags=["a"], fields={"f": "1"})
    _identify(current, tags=["b"], custom_fields={"f": "2"}, new_email="b@x.io")
    merge.track(current, add_tags=["c"], remove_tags=["a"])
    assert (current.email, current.tags, current.fields) == ("a@x.io", ["a"], {"f": "1"})


def test_many_tags_in_one_call() -> None:
    """100,000 tags added then removed in one call (what fits in 1 MiB): linear work,
    so this finishes at once (a quadratic merge would hit the test timeout)."""
    tags = [f"t{i}" for i in range(100_000)]
    result = _identify(None, tags=tags + tags)
    assert result.contact.tags == tags
    removed = merge.track(result.contact, add_tags=None, remove_tags=tags[::-1] + tags)
    assert removed.contact.tags == []
    assert [e.tag for e in removed.events] == tags[::-1]

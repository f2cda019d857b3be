"""Placeholders in captured mail (in memory): what a name renders as, and how."""

from __future__ import annotations

import html

from hypothesis import given
from hypothesis import strategies as st

from sendx.emulator.rest.templating import placeholders, render, values
from sendx.emulator.store.records import ContactRow

NAMES = st.text(
    st.characters(blacklist_characters="{}", blacklist_categories=("Cs",)), min_size=1, max_size=20
).filter(lambda name: name.strip() == name)
VALUES = st.text(max_size=40)
ANN = ContactRow(
    1, "ann@x.io", "a" * 22, "Ann", "Lee", "Acme", fields={"Plan": "pro", "email": "field"}
)


@given(st.dictionaries(NAMES, VALUES, max_size=5))
def test_every_placeholder_renders_its_value(found: dict[str, str]) -> None:
    """HTML bodies get each value escaped (it reads back the same), text as it is."""
    text = "|".join("{{ " + name + " }}" for name in found)
    assert placeholders([text, None, ""]) == set(found)
    assert render(text, found, escape=False) == "|".join(found.values())
    rendered = render(text, found, escape=True)
    assert rendered is not None
    assert html.unescape(rendered) == "|".join(found.values())
    assert "<" not in rendered
    assert '"' not in rendered


@given(NAMES)
def test_an_unknown_name_renders_as_nothing(name: str) -> None:
    assert render("a{{" + name + "}}b", {}, escape=True) == "ab"


def test_where_a_name_is_looked_up() -> None:
    names = placeholders(
        [
            "{{firstName}} {{contact.lastName}} {{company}} {{email}} {{name}} {{Plan}} "
            "{{customFields.Plan}} {{customFields.email}} {{nothing}} {{contact.customFields.Plan}}"
        ]
    )
    assert values(names, email="ANN@x.io", name=None, fields={}, contact=ANN) == {
        "firstName": "Ann",
        "contact.lastName": "Lee",
        "company": "Acme",
        "email": "ANN@x.io",  # the recipient's address, before a field named email
        "name": "Ann Lee",
        "Plan": "pro",
        "customFields.Plan": "pro",
        "customFields.email": "field",
        "contact.customFields.Plan": "pro",
    }
    given_values = {"Plan": "free", "firstName": "Cy"}
    assert values(names, email="c@x.io", name="C", fields=given_values, contact=None) == {
        "firstName": "Cy",
        "email": "c@x.io",
        "name": "C",
        "Plan": "free",
        "customFields.Plan": "free",
        "contact.customFields.Plan": "free",
    }
    assert render(None, {}, escape=True) is None
    assert render("{{a}", {"a": "x"}, escape=False) == "{{a}"  # not a placeholder

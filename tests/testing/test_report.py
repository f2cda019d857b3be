"""What a failed ``assert contact == expected`` explains, field by field."""

from __future__ import annotations

import datetime

import sendx
from sendx.testing._report import explain_contacts


def test_only_differing_fields_are_listed_unless_verbose() -> None:
    left = sendx.Contact(email="a@x.io", tags=["a", "b"], custom_fields={"Age": "3", "X": "1"})
    right = sendx.Contact(
        email="a@x.io",
        tags=["b", "a"],
        custom_fields={"Age": "4", "Y": "2"},
        birthday=datetime.date(2000, 1, 2),
    )

    short = explain_contacts(left, right, verbose=False)
    verbose = explain_contacts(left, right, verbose=True)

    assert short == [
        "Contact(email='a@x.io', ...) == Contact(email='a@x.io', ...)",
        "Differing fields:",
        "  birthday: None != '2000-01-02'",
        "  tags: ['a', 'b'] != ['b', 'a']",
        "    the same items in another order",
        "  custom_fields: {'Age': '3', 'X': '1'} != {'Age': '4', 'Y': '2'}",
        "    'Age': '3' != '4'",
        "    'X': only on the left ('1')",
        "    'Y': only on the right ('2')",
        "Omitting 6 identical fields, use -v to show",
    ]
    assert verbose[-1] == "Matching fields: email, first_name, last_name, company, id, team_id"
    assert verbose[:-1] == short[:-1]

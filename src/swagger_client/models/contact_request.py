"""``ContactRequest``: the body of an identify call."""

from __future__ import annotations

from typing import ClassVar

from swagger_client.models._base import Attribute, Model

__all__ = ["ContactRequest"]


class ContactRequest(Model):
    """The contact to create or update: ``email`` names it (required by SendX).

    ``new_email`` renames the contact found by ``email``; ``birthday`` is a
    ``YYYY-MM-DD`` string; ``tags`` are added to the contact's tags and
    ``custom_fields`` (name to value) are set, the others kept. Attributes left
    ``None`` are not sent.
    """

    swagger_types: ClassVar[dict[str, str]] = {
        "first_name": "str",
        "last_name": "str",
        "email": "str",
        "new_email": "str",
        "company": "str",
        "birthday": "str",
        "tags": "list[str]",
        "custom_fields": "dict(str, str)",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "first_name": "firstName",
        "last_name": "lastName",
        "email": "email",
        "new_email": "newEmail",
        "company": "company",
        "birthday": "birthday",
        "tags": "tags",
        "custom_fields": "customFields",
    }

    first_name = Attribute[str]("The contact's first name.")
    last_name = Attribute[str]("The contact's last name.")
    email = Attribute[str]("The email that identifies the contact; never None.", required=True)
    new_email = Attribute[str]("A new email for the contact named by ``email``.")
    company = Attribute[str]("The contact's company.")
    birthday = Attribute[str]("The birthday, ``YYYY-MM-DD``.")
    tags = Attribute[list[str]]("Tag names to add to the contact.")
    custom_fields = Attribute[dict[str, str]]("Custom field values by field name.")

    def __init__(
        self,
        first_name: str | None = None,
        last_name: str | None = None,
        email: str | None = None,
        new_email: str | None = None,
        company: str | None = None,
        birthday: str | None = None,
        tags: list[str] | None = None,
        custom_fields: dict[str, str] | None = None,
    ) -> None:
        # Stored directly, as the original did: only assigning ``email = None`` later
        # raises, so ContactRequest() followed by ``.email = ...`` works.
        self._first_name = first_name
        self._last_name = last_name
        self._email = email
        self._new_email = new_email
        self._company = company
        self._birthday = birthday
        self._tags = tags
        self._custom_fields = custom_fields

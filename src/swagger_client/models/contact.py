"""``Contact``: a contact as SendX returns it, after the merge."""

from __future__ import annotations

from typing import ClassVar

from swagger_client.models._base import Attribute, Model

__all__ = ["Contact"]


class Contact(Model):
    """A SendX contact: every tag and custom field it has, not only this call's."""

    swagger_types: ClassVar[dict[str, str]] = {
        "encrypted_team_id": "str",
        "encrypted_id": "str",
        "first_name": "str",
        "last_name": "str",
        "email": "str",
        "company": "str",
        "birthday": "str",
        "tags": "list[str]",
        "custom_fields": "dict(str, str)",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "encrypted_team_id": "encryptedTeamId",
        "encrypted_id": "encryptedId",
        "first_name": "firstName",
        "last_name": "lastName",
        "email": "email",
        "company": "company",
        "birthday": "birthday",
        "tags": "tags",
        "custom_fields": "customFields",
    }

    encrypted_team_id = Attribute[str]("The team's id.")
    encrypted_id = Attribute[str]("The contact's id (22 alphanumeric characters).")
    first_name = Attribute[str]("The contact's first name.")
    last_name = Attribute[str]("The contact's last name.")
    email = Attribute[str]("The contact's email.")
    company = Attribute[str]("The contact's company (``''`` when unset).")
    birthday = Attribute[str]("The birthday, ``YYYY-MM-DD``.")
    tags = Attribute[list[str]]("All the contact's tag names.")
    custom_fields = Attribute[dict[str, str]]("All the contact's custom fields.")

    def __init__(
        self,
        encrypted_team_id: str | None = None,
        encrypted_id: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        email: str | None = None,
        company: str | None = None,
        birthday: str | None = None,
        tags: list[str] | None = None,
        custom_fields: dict[str, str] | None = None,
    ) -> None:
        self._encrypted_team_id = encrypted_team_id
        self._encrypted_id = encrypted_id
        self._first_name = first_name
        self._last_name = last_name
        self._email = email
        self._company = company
        self._birthday = birthday
        self._tags = tags
        self._custom_fields = custom_fields

"""Contacts over SendX's REST API: the calls behind ``client.contacts.create``, ``get``,
``update``, ``delete``, ``unsubscribe`` and ``list`` (identify and track are v1's, in
:mod:`sendx.resources.contacts`).

A contact is named by its id (``contact_...``) or its address. Tags, lists and custom
fields may be given by name or by id; names are looked up (:mod:`._names`) before the
call is built, and everything else is checked before any I/O.
"""

from __future__ import annotations

import datetime
import ipaddress
from collections.abc import Generator, Iterable, Mapping
from typing import Any

import msgspec
from msgspec.structs import force_setattr

from sendx._core import Call
from sendx._validation import check_email
from sendx.errors import InvalidRequestError
from sendx.models import Increment, custom_field_to_wire
from sendx.resources._names import Lookup, check_names
from sendx.resources._rest import (
    MAX_PAGE,
    Deleted,
    Message,
    body,
    check_text,
    contact_ref,
    decoder,
    rest_call,
)

__all__ = [
    "ContactRecord",
    "create_call",
    "delete_call",
    "field_values",
    "plan",
    "get_call",
    "page_call",
    "unsubscribe_call",
    "update_call",
]

#: What a custom field value may be: text, a number or a bool (sent as text).
RestFieldValue = str | int | float | bool


class ContactRecord(msgspec.Struct, frozen=True, rename="camel", repr_omit_defaults=True):
    """A contact as SendX's REST API answers it.

    ``custom_fields`` are keyed by field id (``field_...``) and ``tags`` and ``lists``
    are ids, as SendX sends them; ``ltv`` is the lifetime value in cents (SendX writes
    it ``LTV``, sometimes ``ltv``: both are read)."""

    id: str
    email: str = ""
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    custom_fields: dict[str, str] = {}
    lists: list[str] = []
    tags: list[str] = []
    unsubscribed: bool = False
    bounced: bool = False
    spam: bool = False
    blocked: bool = False
    dropped: bool = False
    created: datetime.datetime | None = None
    updated: datetime.datetime | None = None
    contact_source: int | None = None
    page_source: str | None = None
    last_tracked_ip: str | None = None
    track_data: str | None = None
    ltv: int = msgspec.field(default=0, name="LTV")
    _ltv: int | None = msgspec.field(default=None, name="ltv")

    def __post_init__(self) -> None:
        if self._ltv is not None:
            if not self.ltv:
                force_setattr(self, "ltv", self._ltv)
            force_setattr(self, "_ltv", None)


def field_values(
    values: Mapping[str, Any] | None, field: str = "custom_fields"
) -> dict[str, str] | None:
    """Custom field values as wire strings; increments are v1's (identify)."""
    if values is None:
        return None
    if not isinstance(values, Mapping):
        raise InvalidRequestError(
            f"{field} must be a mapping of field names or ids to values "
            f"(got {type(values).__name__})",
            field=field,
        )
    wire: dict[str, str] = {}
    for key, value in values.items():
        where = f"{field}[{key!r}]"
        if not isinstance(key, str) or not key.strip():
            raise InvalidRequestError(f"{field} has an empty or non-string key", field=field)
        if isinstance(value, Increment):
            raise InvalidRequestError(
                f"{where}: increments are for identify (v1); the REST API sets values",
                field=where,
            )
        try:
            wire[key] = custom_field_to_wire(value)
        except (TypeError, ValueError):
            raise InvalidRequestError(
                f"{where} has an unsupported type {type(value).__name__}; use str, int, "
                "float or bool",
                field=where,
            ) from None
    return wire


def _ip(value: Any) -> str | None:
    if value is None:
        return None
    try:
        return str(ipaddress.IPv4Address(value))
    except (ValueError, TypeError):
        raise InvalidRequestError(
            f"last_tracked_ip must be an IPv4 address (got {str(value)[:40]!r})",
            field="last_tracked_ip",
        ) from None


def _properties(
    *,
    email: str | None,
    first_name: str | None,
    last_name: str | None,
    company: str | None,
    custom_fields: Mapping[str, str] | None,
    lists: Iterable[str] | None,
    tags: Iterable[str] | None,
    last_tracked_ip: str | None,
) -> dict[str, Any]:
    return {
        "email": None if email is None else check_email(email),
        "firstName": check_text(first_name, "first_name"),
        "lastName": check_text(last_name, "last_name"),
        "company": check_text(company, "company"),
        "customFields": None if custom_fields is None else dict(custom_fields),
        "lists": None if lists is None else list(lists),
        "tags": None if tags is None else list(tags),
        "lastTrackedIp": _ip(last_tracked_ip),
    }


def create_call(
    *,
    email: str,
    first_name: str | None = None,
    last_name: str | None = None,
    company: str | None = None,
    custom_fields: Mapping[str, str] | None = None,
    lists: Iterable[str] | None = None,
    tags: Iterable[str] | None = None,
    last_tracked_ip: str | None = None,
) -> Call[ContactRecord]:
    """``POST /contact`` (ids already resolved); not idempotent: a second send would be
    a 409."""
    if email is None:
        raise InvalidRequestError("email is required", field="email")
    properties = _properties(
        email=email,
        first_name=first_name,
        last_name=last_name,
        company=company,
        custom_fields=custom_fields,
        lists=lists,
        tags=tags,
        last_tracked_ip=last_tracked_ip,
    )
    return rest_call(
        "POST", "/contact", decoder(ContactRecord), payload=body(properties), idempotent=False
    )


def get_call(contact: str) -> Call[ContactRecord]:
    return rest_call("GET", f"/contact/{contact_ref(contact)}", decoder(ContactRecord))


def update_call(
    contact: str,
    *,
    email: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    company: str | None = None,
    custom_fields: Mapping[str, str] | None = None,
    lists: Iterable[str] | None = None,
    tags: Iterable[str] | None = None,
    last_tracked_ip: str | None = None,
) -> Call[ContactRecord]:
    """``PUT /contact/{contact}``: a partial update (what is not given is kept; given
    tags and lists replace the contact's). Idempotent: sending it twice gives the same
    contact."""
    properties = _properties(
        email=email,
        first_name=first_name,
        last_name=last_name,
        company=company,
        custom_fields=custom_fields,
        lists=lists,
        tags=tags,
        last_tracked_ip=last_tracked_ip,
    )
    path = f"/contact/{contact_ref(contact)}"
    return rest_call("PUT", path, decoder(ContactRecord), payload=body(properties))


def delete_call(contact: str) -> Call[Deleted]:
    return rest_call("DELETE", f"/contact/{contact_ref(contact)}", decoder(Deleted))


def unsubscribe_call(contact: str) -> Call[Message]:
    """``POST /contact/unsubscribe/{contact}``, no body; idempotent (a second one
    changes nothing)."""
    return rest_call("POST", f"/contact/unsubscribe/{contact_ref(contact)}", decoder(Message))


def page_call(search: str | None) -> Any:
    """The page maker of ``GET /contact`` (``search``: 2 to 255 characters)."""
    if search is not None:
        check_text(search, "search", required=True)
        if len(search) < 2:
            raise InvalidRequestError(
                f"search needs at least 2 characters (got {len(search)})", field="search"
            )
    decode = decoder(list[ContactRecord])

    def make(offset: int, limit: int) -> Call[list[ContactRecord]]:
        params: tuple[tuple[str, str], ...] = (("offset", str(offset)), ("limit", str(limit)))
        if search is not None:
            params += (("search", search),)
        return rest_call("GET", "/contact", decode, params=params)

    return make


PAGE_SIZE = MAX_PAGE


def plan(
    build: Any,
    *,
    custom_fields: Mapping[str, Any] | None,
    lists: Iterable[Any] | None,
    tags: Iterable[Any] | None,
    **properties: Any,
) -> Generator[Lookup, list[str], Call[Any]]:
    """A create or an update: every argument checked first (before any I/O), then the
    names of fields, lists and tags looked up, then the call built by ``build``."""
    values = field_values(custom_fields)
    list_refs = check_names("list", lists, "lists")
    tag_refs = check_names("tag", tags, "tags")
    build(custom_fields=values, lists=list_refs, tags=tag_refs, **properties)  # checks all
    fields = None
    if values:
        ids = yield ("custom_field", list(values), "custom_fields")
        keys = ["field_" + field_id[len("custom_field_") :] for field_id in ids]
        fields = dict(zip(keys, values.values(), strict=True))
    elif values is not None:
        fields = {}
    list_ids = (yield ("list", list_refs, "lists")) if list_refs else list_refs
    tag_ids = (yield ("tag", tag_refs, "tags")) if tag_refs else tag_refs
    call: Call[Any] = build(custom_fields=fields, lists=list_ids, tags=tag_ids, **properties)
    return call

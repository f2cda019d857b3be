"""Contacts over REST: ``/contact`` (list, create), ``/contact/{identifier}`` (get,
update, delete), ``/contact/unsubscribe/{identifier}``, and the legacy
``/contact/identify`` and ``/contact/track`` with v1's merge rules.

A REST contact is the v1 contact: the same row, its id ``contact_`` + its v1
``encryptedId``. v1 names tags and fields; REST gives their ids (``tag_...``, and
``field_...`` as keys of ``customFields``), looked up in the team's catalogues. A
contact is named in the path by its id or by its address (SendX's docs allow both).

Choices where SendX's spec is silent (docs/emulator.md says them too):

- update is partial: absent properties are kept; ``tags`` and ``lists`` given replace
  the contact's (``[]`` empties them); ``customFields`` given are merged by key;
- unknown tag ids are ignored, as the spec says; an unknown list or field id is a 400
  naming it (the spec says so of lists);
- a field's value is checked against the field's type (text, number, date, boolean,
  phone);
- delete is soft: the contact is gone from every read and its address is free again.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any

import msgspec
from msgspec import UNSET, UnsetType

from sendx._validation import check_email
from sendx.emulator.rest.errors import NOT_FOUND, RestError
from sendx.emulator.rest.ids import PATH_ID_PATTERN, body_id, field_key
from sendx.emulator.rest.request import Reply, Request
from sendx.emulator.rest.routing import Param, Route
from sendx.emulator.rest.schema import (
    NOT_BLANK,
    OFFSET,
    ContactId,
    Deleted,
    Email,
    ListId,
    Message,
    TagId,
    Text,
    Timestamp,
    id_meta,
    limit,
    not_blank,
)
from sendx.emulator.store.fieldtypes import KINDS, FieldValueError, check_value
from sendx.emulator.store.records import ContactRow, EventRow, new_id
from sendx.emulator.v1 import merge
from sendx.errors import InvalidRequestError

__all__ = ["ROUTES", "contact_wire", "rewrite_contacts"]

MAX_NAME = 255  # SendX's limit on names and company
MIN_SEARCH = 2
_OK = {"status": "200", "message": "OK"}


#: Values of ``customFields``, keyed by field id (``field_<22>``, or
#: ``custom_field_<22>``), each checked against its field's type.
FieldValues = dict[Annotated[str, id_meta("(custom_)?field_")], str]
#: A tag id; one that names no tag of the team is ignored (as SendX's spec says).
AnyTagId = Annotated[str, msgspec.Meta(max_length=255)]
ListRef = Annotated[str, id_meta("list_", optional=True)]
Ip = Annotated[str, msgspec.Meta(extra_json_schema={"format": "ipv4"})]
#: identify's names and company, of at most 255 characters (checked by ``_name``).
NameOrNone = Annotated[str, msgspec.Meta(extra_json_schema={"maxLength": MAX_NAME})] | None
#: A tag or field named in identify or track: not blank (checked by the handlers).
Named = Annotated[str, msgspec.Meta(extra_json_schema={"pattern": NOT_BLANK})]


class ContactBody(msgspec.Struct, rename="camel"):
    """A contact to create."""

    email: Email
    first_name: Text | UnsetType = UNSET
    last_name: Text | UnsetType = UNSET
    company: Text | UnsetType = UNSET
    custom_fields: FieldValues | UnsetType = UNSET
    lists: list[ListRef] | UnsetType = UNSET
    tags: list[AnyTagId] | UnsetType = UNSET
    last_tracked_ip: Ip | UnsetType = UNSET


class ContactUpdate(msgspec.Struct, rename="camel"):
    """A contact's changes (absent properties are kept)."""

    email: Email | UnsetType = UNSET
    first_name: Text | UnsetType = UNSET
    last_name: Text | UnsetType = UNSET
    company: Text | UnsetType = UNSET
    custom_fields: FieldValues | UnsetType = UNSET
    lists: list[ListRef] | UnsetType = UNSET
    tags: list[AnyTagId] | UnsetType = UNSET
    last_tracked_ip: Ip | UnsetType = UNSET


class ContactOut(msgspec.Struct, rename="camel", gc=False):
    """A contact (SendX's ``RestRContact``)."""

    id: ContactId
    first_name: str | None
    last_name: str | None
    email: str
    company: str | None
    custom_fields: dict[Annotated[str, id_meta("field_")], str]
    lists: list[ListId]
    tags: list[TagId]
    unsubscribed: bool
    bounced: bool
    spam: bool
    blocked: bool
    dropped: bool
    created: Timestamp
    updated: Timestamp
    contact_source: int
    page_source: None
    last_tracked_ip: str | None
    LTV: int = msgspec.field(name="LTV")


class IdentifyBody(msgspec.Struct, rename="camel"):
    """identify: the v1 call, tags and fields by name."""

    email: Email
    first_name: NameOrNone = None
    last_name: NameOrNone = None
    company: NameOrNone = None
    custom_fields: dict[Named, str] | None = None
    tags: list[Named] | None = None
    new_email: Email | None = None
    lists: list[ListRef] | None = None


class TrackBody(msgspec.Struct, rename="camel"):
    """track: tags added, then removed, by name."""

    email: Email
    add_tags: list[Named] | None = None
    remove_tags: list[Named] | None = None


# The wire form


def contact_wire(request: Request, contact: ContactRow) -> ContactOut:
    """A contact as the REST API answers it (SendX's ``RestRContact``)."""
    team = request.team.pk
    objects = request.objects
    tags = []
    for name in contact.tags:
        tag = objects.find(team, "tag", name)
        if tag is not None:
            tags.append(tag["id"])
    fields = {}
    for name, value in contact.fields.items():
        found = objects.find(team, "custom_field", name)
        if found is not None:
            fields[field_key(found["id"])] = value
    extra = contact.extra
    # Positional, and a Struct rather than a dict: built and encoded on every read.
    if extra is None:
        return ContactOut(
            "contact_" + contact.encrypted_id,
            contact.first_name,
            contact.last_name,
            contact.email,
            contact.company,
            fields,
            [],
            tags,
            False,
            False,
            False,
            False,
            False,
            contact.created,  # type: ignore[arg-type]
            contact.updated,  # type: ignore[arg-type]
            1,
            None,
            None,
            0,
        )
    get = extra.get
    return ContactOut(
        "contact_" + contact.encrypted_id,
        contact.first_name,
        contact.last_name,
        contact.email,
        contact.company,
        fields,
        get("lists", []),
        tags,
        get("unsubscribed", False),
        get("bounced", False),
        get("spam", False),
        get("blocked", False),
        get("dropped", False),
        contact.created,  # type: ignore[arg-type]
        contact.updated,  # type: ignore[arg-type]
        get("contactSource", 1),
        None,
        get("lastTrackedIp"),
        get("LTV", 0),
    )


# Checks of a body's values


def _email(value: str, field: str = "email") -> str:
    try:
        return check_email(value, field)
    except InvalidRequestError as exc:
        raise RestError(400, str(exc)) from None


def _name(value: str | UnsetType, field: str) -> str | UnsetType:
    if isinstance(value, str) and len(value) > MAX_NAME:
        raise RestError(400, f"{field} is longer than {MAX_NAME} characters")
    return value


def _ip(value: str) -> str:
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        raise RestError(
            400, f"lastTrackedIp must be an IPv4 address (got {value[:40]!r})"
        ) from None
    return value


def _lists(request: Request, ids: Sequence[str], where: str = "lists") -> list[str]:
    """Canonical list ids, duplicates dropped; 400 for one the team does not have."""
    found: list[str] = []
    for index, text in enumerate(ids):
        list_id = body_id(text, "list_", f"{where}[{index}]")
        if request.objects.get(request.team.pk, "list", list_id) is None:
            raise RestError(400, f"{where}[{index}]: the team has no list {list_id}")
        if list_id not in found:
            found.append(list_id)
    return found


def _tag_names(request: Request, ids: Sequence[str]) -> list[str]:
    """The names of the tags named by id; ids that name no tag are ignored (as the spec
    says), duplicates dropped."""
    names: list[str] = []
    for text in ids:
        tag_id = text if text.startswith("tag_") else "tag_" + text
        tag = request.objects.get(request.team.pk, "tag", tag_id)
        if tag is not None and tag["name"] not in names:
            names.append(tag["name"])
    return names


def _field_values(request: Request, values: Mapping[str, str]) -> dict[str, str]:
    """``customFields`` keyed by field id, as values keyed by field name; each value
    checked against its field's type."""
    named: dict[str, str] = {}
    for key, value in values.items():
        field_id = body_id(key, "custom_field_", f"customFields[{key[:40]!r}]")
        field = request.objects.get(request.team.pk, "custom_field", field_id)
        if field is None:
            raise RestError(
                400, f"customFields: the team has no custom field {field_key(field_id)}"
            )
        try:
            named[field["name"]] = check_value(KINDS[field["type"]], field["name"], value)
        except FieldValueError as exc:
            raise RestError(400, str(exc)) from None
    return named


# Finding the contact of a path


def find(request: Request) -> ContactRow:
    """The contact the path names, by id or by address; 404 when the team has none."""
    identifier = request.params["identifier"]
    store = request.store
    if "@" in identifier:
        contact = store.find_contact(request.team.pk, identifier.lower())
    else:
        contact = store.contact_by_id(request.team.pk, request.id("contact_")[len("contact_") :])
    if contact is None:
        raise RestError(404, NOT_FOUND)
    return contact


def _copy(contact: ContactRow) -> ContactRow:
    return ContactRow(
        contact.pk,
        contact.email,
        contact.encrypted_id,
        contact.first_name,
        contact.last_name,
        contact.company,
        contact.birthday,
        list(contact.tags),
        dict(contact.fields),
        contact.created,
        contact.updated,
        contact.extra,
    )


def rewrite_contacts(request: Request, change: Callable[[ContactRow], bool]) -> int:
    """Apply ``change`` to a copy of every contact of the team and stage those it
    changed (it returns whether it did): what deleting or renaming a tag, a field or
    a list does. How many changed."""
    request.flush()  # every contact, committed, is read
    team = request.team.pk
    changed = 0
    for current in request.store.contacts(team):
        contact = _copy(current)
        if change(contact):
            request.store.save_contact(team, contact, current.email.lower(), request.at)
            changed += 1
    return changed


def without_list(contact: ContactRow, list_id: str) -> bool:
    """Take a list off a contact; whether it had it."""
    lists = (contact.extra or {}).get("lists", [])
    if list_id not in lists:
        return False
    _with_extra(contact, lists=[other for other in lists if other != list_id])
    return True


def _with_extra(contact: ContactRow, **changes: Any) -> None:
    contact.extra = {**(contact.extra or {}), **changes}


def _event(
    kind: str,
    contact: ContactRow,
    tag: str | None = None,
    field: str | None = None,
    value: str | None = None,
) -> EventRow:
    # Positional, through tuple.__new__: a named tuple's keywords cost on every create.
    return _new_event(EventRow, (kind, contact.email, None, tag, field, value))


_new_event = tuple.__new__


def _stage(
    request: Request, contact: ContactRow, events: list[EventRow], old_key: str | None
) -> Reply:
    """Stage a contact and its events; the reply to send once they are committed."""
    team = request.team
    ids = request.store.add_events(team.pk, events, request.at)
    request.store.save_contact(team.pk, contact, old_key, request.at)
    status = 201 if old_key is None else 200
    return Reply(
        status,
        contact_wire(request, contact),
        request.api.notifier(team, contact, events, ids, request.at),
    )


# The operations


def list_contacts(request: Request) -> Reply:
    page = request.page(10, 100)
    search = request.query.get("search")
    if search is not None and not MIN_SEARCH <= len(search) <= MAX_NAME:
        raise RestError(400, f"search must be {MIN_SEARCH} to {MAX_NAME} characters")
    request.flush()
    contacts = request.store.page_contacts(request.team.pk, page.offset, page.limit, search)
    return Reply(200, [contact_wire(request, contact) for contact in contacts])


def create_contact(request: Request) -> Reply:
    body = request.json(ContactBody)
    email = _email(body.email)
    team = request.team.pk
    if request.store.find_contact(team, email.lower()) is not None:
        raise RestError(409, "Email already exists")
    extra: dict[str, Any] = {}
    if body.lists is not UNSET:
        extra["lists"] = _lists(request, body.lists)
    if body.last_tracked_ip is not UNSET:
        extra["lastTrackedIp"] = _ip(body.last_tracked_ip)
    fields = _field_values(request, body.custom_fields) if body.custom_fields is not UNSET else {}
    tags = _tag_names(request, body.tags) if body.tags is not UNSET else []
    # Lengths are the body Struct's (Text): checked by the decoder.
    contact = ContactRow(
        None,
        email,
        new_id(),
        _optional(body.first_name),
        _optional(body.last_name),
        _optional(body.company),
        None,
        tags,
        fields,
        None,
        None,
        extra or None,
    )
    events = [_event("contact_created", contact)]
    events += [_event("tag_added", contact, tag=tag) for tag in tags]
    events += [_event("field_changed", contact, field=n, value=v) for n, v in fields.items()]
    return _stage(request, contact, events, None)


def get_contact(request: Request) -> Reply:
    return Reply(200, contact_wire(request, find(request)))


def update_contact(request: Request) -> Reply:
    current = find(request)
    body = request.json(ContactUpdate)
    team = request.team.pk
    contact = _copy(current)
    events: list[EventRow] = []
    if body.email is not UNSET:
        email = _email(body.email)
        key = email.lower()
        if key != current.email.lower() and request.store.find_contact(team, key) is not None:
            raise RestError(409, "Email already exists")
        if email != current.email:
            contact.email = email
            events.append(EventRow("contact_renamed", email, current.email))
    for attribute, value in (
        ("first_name", body.first_name),
        ("last_name", body.last_name),
        ("company", body.company),
    ):
        if value is not UNSET:  # its length is the body Struct's (Text)
            setattr(contact, attribute, value)
    if body.lists is not UNSET:
        _with_extra(contact, lists=_lists(request, body.lists))
    if body.last_tracked_ip is not UNSET:
        _with_extra(contact, lastTrackedIp=_ip(body.last_tracked_ip))
    if body.custom_fields is not UNSET:
        for name, value in _field_values(request, body.custom_fields).items():
            if contact.fields.get(name) != value:
                contact.fields[name] = value
                events.append(_event("field_changed", contact, field=name, value=value))
    if body.tags is not UNSET:
        wanted = _tag_names(request, body.tags)
        kept = set(wanted)
        events += [_event("tag_removed", contact, tag=t) for t in contact.tags if t not in kept]
        had = set(contact.tags)
        events += [_event("tag_added", contact, tag=t) for t in wanted if t not in had]
        contact.tags = wanted
    return _stage(request, contact, events, current.email.lower())


def delete_contact(request: Request) -> Reply:
    current = find(request)
    contact = _copy(current)
    ids = request.store.add_events(
        request.team.pk, [_event("contact_deleted", contact)], request.at
    )
    request.store.delete_contact(request.team.pk, contact, request.at)
    del ids  # no webhook: SendX's webhooks have no deletion event
    return Reply(
        200,
        {
            "status": "success",
            "message": f"contact {'contact_' + contact.encrypted_id} has been deleted successfully",
        },
    )


def unsubscribe_contact(request: Request) -> Reply:
    current = find(request)
    contact = _copy(current)
    events = []
    if not (current.extra or {}).get("unsubscribed", False):
        _with_extra(contact, unsubscribed=True)
        events.append(_event("contact_unsubscribed", contact))
    reply = _stage(request, contact, events, current.email.lower())
    return Reply(
        200, {"status": "success", "message": "Contact unsubscribed successfully"}, reply.after
    )


def identify_contact(request: Request) -> Reply:
    body = request.json(IdentifyBody)
    email = _email(body.email)
    new_email = None if body.new_email is None else _email(body.new_email, "newEmail")
    for value, field in (
        (body.first_name, "firstName"),
        (body.last_name, "lastName"),
        (body.company, "company"),
    ):
        _name(UNSET if value is None else value, field)
    if body.tags is not None and not all(map(not_blank, body.tags)):
        raise RestError(400, "tags: every tag needs a non-empty name")
    if body.custom_fields is not None and not all(map(not_blank, body.custom_fields)):
        raise RestError(400, "customFields: every custom field needs a non-empty name")
    lists = None if body.lists is None else _lists(request, body.lists)
    store = request.store
    team = request.team.pk
    key = email.lower()
    current = store.find_contact(team, key)
    if (
        new_email is not None
        and new_email.lower() != key
        and store.find_contact(team, new_email.lower()) is not None
    ):
        raise RestError(409, "newEmail belongs to another contact of this team")
    fields = body.custom_fields
    try:
        result = merge.identify(
            current,
            email=email,
            new_email=new_email,
            first_name=body.first_name,
            last_name=body.last_name,
            company=body.company,
            birthday=None,
            tags=body.tags,
            custom_fields=fields,
            field_kinds=store.field_kinds(team, fields) if fields else {},
        )
    except merge.MergeError as exc:
        raise RestError(exc.status, exc.message) from None
    if lists:
        have = (result.contact.extra or {}).get("lists", [])
        _with_extra(
            result.contact, lists=have + [list_id for list_id in lists if list_id not in have]
        )
    ids = store.stage_merge(team, result, None if current is None else key, request.at)
    return Reply(
        200, _OK, request.api.notifier(request.team, result.contact, result.events, ids, request.at)
    )


def track_contact(request: Request) -> Reply:
    body = request.json(TrackBody)
    email = _email(body.email)
    for tags, field in ((body.add_tags, "addTags"), (body.remove_tags, "removeTags")):
        if tags is not None and not all(map(not_blank, tags)):
            raise RestError(400, f"{field}: every tag needs a non-empty name")
    key = email.lower()
    current = request.store.find_contact(request.team.pk, key)
    if current is None:
        raise RestError(404, NOT_FOUND)
    result = merge.track(current, add_tags=body.add_tags, remove_tags=body.remove_tags)
    if not result.events:
        return Reply(200, _OK)
    ids = request.store.stage_merge(request.team.pk, result, key, request.at)
    return Reply(
        200, _OK, request.api.notifier(request.team, result.contact, result.events, ids, request.at)
    )


def _optional(value: str | UnsetType) -> str | None:
    return None if value is UNSET else value


_ERRORS = (400, 401, 404)
_BY_ID = (("identifier", "$response.body#/id"),)
SEARCH = Param(
    "search",
    {"type": "string", "minLength": MIN_SEARCH, "maxLength": MAX_NAME},
    "Only contacts whose first name, last name or address holds this, any case.",
)
IDENTIFIER = Param(
    "identifier",
    {"type": "string", "pattern": f"{PATH_ID_PATTERN}|@"},
    "The contact's id, or its address (any case).",
    required=True,
)
ROUTES = [
    Route(
        "GET",
        "/contact",
        list_contacts,
        "getAllContacts",
        answer=list[ContactOut],
        query=(OFFSET, limit(10, 100), SEARCH),
        errors=(400, 401),
    ),
    Route(
        "POST",
        "/contact",
        create_contact,
        "createContact",
        body=ContactBody,
        answer=ContactOut,
        status=201,
        errors=(400, 401, 409, 422),
        links=(
            ("getContact", "getContact", _BY_ID),
            ("updateContact", "updateContact", _BY_ID),
            ("deleteContact", "deleteContact", _BY_ID),
            ("unsubscribeContact", "unsubscribeContact", _BY_ID),
        ),
    ),
    Route(
        "POST",
        "/contact/identify",
        identify_contact,
        "identifyContact",
        body=IdentifyBody,
        answer=Message,
        errors=(400, 401, 409, 422),
    ),
    Route(
        "POST",
        "/contact/track",
        track_contact,
        "trackContact",
        body=TrackBody,
        answer=Message,
        errors=(400, 401, 404, 422),
    ),
    Route(
        "POST",
        "/contact/unsubscribe/{identifier}",
        unsubscribe_contact,
        "unsubscribeContact",
        answer=Message,
        params=(IDENTIFIER,),
        errors=_ERRORS,
    ),
    Route(
        "GET",
        "/contact/{identifier}",
        get_contact,
        "getContact",
        answer=ContactOut,
        params=(IDENTIFIER,),
        errors=_ERRORS,
    ),
    Route(
        "PUT",
        "/contact/{identifier}",
        update_contact,
        "updateContact",
        body=ContactUpdate,
        answer=ContactOut,
        params=(IDENTIFIER,),
        errors=(400, 401, 404, 409, 422),
    ),
    Route(
        "DELETE",
        "/contact/{identifier}",
        delete_contact,
        "deleteContact",
        answer=Deleted,
        params=(IDENTIFIER,),
        errors=_ERRORS,
    ),
]

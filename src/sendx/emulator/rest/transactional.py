"""Transactional email: ``/send/email`` and ``/send/template``. Captured, never sent.

Each address in ``to`` gets one message (its ``cc`` and ``bcc`` are kept on it) and
one ``XEmailResponse`` in the answer, in the body's order: ``messageId`` names the
message in the control plane (``GET /_emulator/messages/{id}``), ``submittedAt`` is the
request's time in Unix seconds, ``errorCode`` 0. Placeholders in the subject and bodies
are filled per recipient (:mod:`sendx.emulator.rest.templating`).

Choices where SendX's spec is silent (docs/emulator.md says them too):

- every address (``from``, ``replyTo``, each ``to`` with its ``cc`` and ``bcc``) is
  checked by sendx's one email rule: 400 naming the bad one;
- ``to`` holds 1 to 1,000 recipients, each with up to 50 ``cc`` and 50 ``bcc``;
- ``/send/email`` sends its own subject and bodies; a ``template`` given there must be
  one of the team's (404 otherwise) and is recorded on the message;
- ``/send/template`` takes the template's subject, bodies and preheader; a non-empty
  ``subject`` in the body replaces the template's;
- a recipient need not be a contact, and no contact is made; unsubscribed or bounced
  contacts still get transactional mail (campaigns skip them).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any

import msgspec
from msgspec import UNSET, UnsetType

from sendx._email import check_email
from sendx.emulator.rest.errors import RestError
from sendx.emulator.rest.ids import body_id
from sendx.emulator.rest.mail import Recipient, capture, content, unix_time
from sendx.emulator.rest.request import Reply, Request
from sendx.emulator.rest.routing import Route
from sendx.emulator.rest.schema import Email, Text, id_meta
from sendx.errors import InvalidRequestError

__all__ = ["ROUTES", "find_template"]

MAX_RECIPIENTS = 1000
MAX_COPIES = 50
MAX_HEADERS = 100
MAX_SUBJECT = 998  # a header line's limit (RFC 5322)
_HEADER_NAME_PATTERN = r"^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$"
_HEADER_NAME = re.compile(_HEADER_NAME_PATTERN[1:-1])
_HEADER_VALUE = r"^[^\r\n\x00]{0,998}$"
_HEADER_VALUE_RE = re.compile(_HEADER_VALUE)

Subject = Annotated[str, msgspec.Meta(max_length=MAX_SUBJECT)]
TemplateRef = Annotated[str, id_meta("template_", optional=True)]
Copies = Annotated[list[Email], msgspec.Meta(max_length=MAX_COPIES)]
Headers = Annotated[
    dict[
        Annotated[str, msgspec.Meta(extra_json_schema={"pattern": _HEADER_NAME_PATTERN})],
        Annotated[str, msgspec.Meta(extra_json_schema={"pattern": _HEADER_VALUE})],
    ],
    msgspec.Meta(max_length=MAX_HEADERS),
]


class Address(msgspec.Struct):
    """A sender or reply-to address, with an optional display name."""

    email: Email
    name: Text | UnsetType = UNSET


class To(msgspec.Struct, rename="camel"):
    """One recipient: its address and name, copies, and values for its placeholders
    (``customFields``, by name)."""

    email: Email
    name: Text | UnsetType = UNSET
    cc: Copies | UnsetType = UNSET
    bcc: Copies | UnsetType = UNSET
    custom_fields: dict[str, str] | UnsetType = UNSET


Recipients = Annotated[list[To], msgspec.Meta(min_length=1, max_length=MAX_RECIPIENTS)]


class EmailBody(msgspec.Struct, rename="camel"):
    """A transactional email (SendX's ``XEmailMessage``)."""

    sender: Address = msgspec.field(name="from")
    to: Recipients
    subject: Subject
    html_body: str
    text_body: str | UnsetType = UNSET
    reply_to: Address | UnsetType = UNSET
    headers: Headers | UnsetType = UNSET
    template: TemplateRef | UnsetType = UNSET


class TemplateBody(msgspec.Struct, rename="camel"):
    """An email made from a template (SendX's ``TemplateEmailMessage``)."""

    sender: Address = msgspec.field(name="from")
    to: Recipients
    subject: Subject
    template: TemplateRef
    reply_to: Address | UnsetType = UNSET


class Submitted(msgspec.Struct, rename="camel"):
    """One recipient's message (SendX's ``XEmailResponse``)."""

    to: str
    submitted_at: int
    message_id: Annotated[str, id_meta("message_")]
    error_code: int
    message: str


# Checks


def _email(value: str, where: str) -> str:
    try:
        return check_email(value, where)
    except InvalidRequestError as exc:
        raise RestError(400, str(exc)) from None


def _address(address: Address, where: str) -> dict[str, Any]:
    name = None if address.name is UNSET else address.name
    return {"email": _email(address.email, f"{where}.email"), "name": name}


def _recipients(request: Request, given: list[To]) -> list[Recipient]:
    store = request.store
    team = request.team.pk
    found = []
    for index, to in enumerate(given):
        where = f"to[{index}]"
        email = _email(to.email, f"{where}.email")
        copies = {}
        for kind, addresses in (("cc", to.cc), ("bcc", to.bcc)):
            copies[kind] = [
                _email(address, f"{where}.{kind}[{number}]")
                for number, address in enumerate(addresses or ())
            ]
        found.append(
            Recipient(
                email,
                None if to.name is UNSET else to.name,
                copies["cc"],
                copies["bcc"],
                {} if to.custom_fields is UNSET else to.custom_fields,
                store.find_contact(team, email.lower()),
            )
        )
    return found


def _headers(headers: Mapping[str, str] | UnsetType) -> dict[str, str]:
    if headers is UNSET:
        return {}
    for name, value in headers.items():
        if _HEADER_NAME.fullmatch(name) is None:
            raise RestError(
                400,
                f"headers: {name[:40]!r} is not a header name (1 to 100 letters, digits "
                "and !#$%&'*+-.^_`|~)",
            )
        if _HEADER_VALUE_RE.fullmatch(value) is None:
            raise RestError(
                400,
                f"headers[{name!r}]: a header value has at most 998 characters and no line "
                "break or NUL",
            )
    return dict(headers)


def find_template(request: Request, text: str) -> dict[str, Any]:
    """The team's template named in a body (with or without its prefix): 400 when it
    is no template id, 404 when the team has no such template."""
    template_id = body_id(text, "template_", "template")
    template = request.objects.get(request.team.pk, "template", template_id)
    if template is None:
        raise RestError(404, f"Template not found: the team has no template {template_id}")
    return template


def _send(request: Request, shared: dict[str, Any], recipients: list[Recipient]) -> Reply:
    messages = capture(
        request.store, request.team.pk, shared, recipients, campaign=None, at=request.at
    )
    submitted = unix_time(request.at)
    return Reply(
        200,
        [
            {
                "to": recipient.email,
                "submittedAt": submitted,
                "messageId": message.id,
                "errorCode": 0,
                "message": "Message queued",
            }
            for recipient, message in zip(recipients, messages, strict=True)
        ],
    )


# The operations


def send_email(request: Request) -> Reply:
    body = request.json(EmailBody)
    sender = _address(body.sender, "from")
    reply_to = None if body.reply_to is UNSET else _address(body.reply_to, "replyTo")
    recipients = _recipients(request, body.to)
    headers = _headers(body.headers)
    template = None if body.template is UNSET else find_template(request, body.template)["id"]
    shared = content(
        sender=sender,
        subject=body.subject,
        html=body.html_body,
        text=None if body.text_body is UNSET else body.text_body,
        reply_to=reply_to,
        headers=headers,
        template=template,
    )
    return _send(request, shared, recipients)


def send_template(request: Request) -> Reply:
    body = request.json(TemplateBody)
    sender = _address(body.sender, "from")
    reply_to = None if body.reply_to is UNSET else _address(body.reply_to, "replyTo")
    recipients = _recipients(request, body.to)
    template = find_template(request, body.template)
    shared = content(
        sender=sender,
        subject=body.subject or template.get("subject") or "",
        html=template.get("htmlContent"),
        text=template.get("textContent"),
        preheader=template.get("preheader"),
        reply_to=reply_to,
        template=template["id"],
    )
    return _send(request, shared, recipients)


ROUTES = [
    Route(
        "POST",
        "/send/email",
        send_email,
        "sendEmail",
        summary="Capture a transactional email: one message per recipient, never sent.",
        body=EmailBody,
        answer=list[Submitted],
        errors=(400, 401, 404, 422),
    ),
    Route(
        "POST",
        "/send/template",
        send_template,
        "sendEmailWithTemplate",
        summary="Capture an email made from one of the team's templates, per recipient.",
        body=TemplateBody,
        answer=list[Submitted],
        errors=(400, 401, 404, 422),
    ),
]

"""The types that REST bodies and answers share, with their constraints.

A body's Struct is both what the decoder enforces and what the OpenAPI document says
(:mod:`sendx.emulator.control.openapi`): a length or a range declared here is checked
by msgspec (400 when broken); a rule checked by the emulator's own code, with a better
message (an address, an id), is declared for the document only
(``extra_json_schema``), so that the two say the same.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

import msgspec

from sendx._email import MAX_EMAIL_LENGTH
from sendx.emulator.rest.routing import Param

__all__ = [
    "CampaignId",
    "ContactId",
    "Deleted",
    "PATTERN_WORDS",
    "described",
    "Email",
    "FieldId",
    "ListId",
    "MemberId",
    "PostCategoryId",
    "PostId",
    "PostTagId",
    "SenderId",
    "TagId",
    "TemplateId",
    "WebhookId",
    "id_meta",
    "Message",
    "NOT_BLANK",
    "Name",
    "OFFSET",
    "Text",
    "Timestamp",
    "id_pattern",
    "limit",
    "not_blank",
]

#: What a pattern that bodies must match means, for the 400 that says a value does not:
#: msgspec's own message quotes the regular expression.
PATTERN_WORDS: dict[str, str] = {}

#: Not blank: holds a character that is no space, read alike by Python's ``re`` (the
#: checks) and ECMAScript (the document's readers), whose ``\s`` differ: U+001C to
#: U+001F and U+0085 are spaces to Python only, U+FEFF to ECMAScript only.
NOT_BLANK = r"[^\s\x1c-\x1f\x85\ufeff]"
PATTERN_WORDS[NOT_BLANK] = "must not be blank"
_NOT_BLANK = re.compile(NOT_BLANK)


def not_blank(text: str) -> bool:
    """Whether ``text`` holds a character that is no space (:data:`NOT_BLANK`)."""
    return _NOT_BLANK.search(text) is not None


def described(pattern: str, words: str) -> str:
    """Register what ``pattern`` means (for error messages); returns it."""
    PATTERN_WORDS[pattern] = words
    return pattern


EMAIL_WORDS = (
    "An address: a dot-atom local part of at most 64 characters, '@', a domain of two "
    "or more labels (letters, digits and inner hyphens, or non-ASCII letters), at most "
    "254 characters in all."
)
#: A name or title: 1 to 255 characters, not only spaces.
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=255, pattern=NOT_BLANK)]
#: Free text of at most 255 characters (a company, a description may be empty).
Text = Annotated[str, msgspec.Meta(max_length=255)]
#: An address by sendx's one email rule (checked by ``check_email``). The document says
#: ``format: email``, with the rule in words: the rule's exact pattern
#: (``EMAIL_PATTERN``) needs lookaheads, from which no fuzzer can generate an address
#: (schemathesis found none in 86 s), so a document that stated it could not be tested.
Email = Annotated[
    str,
    msgspec.Meta(
        max_length=MAX_EMAIL_LENGTH,
        extra_json_schema={"format": "email", "description": EMAIL_WORDS},
    ),
]
#: A time as the emulator writes them: ISO 8601, UTC, milliseconds.
Timestamp = Annotated[str, msgspec.Meta(extra_json_schema={"format": "date-time"})]


def id_pattern(prefix: str, *, optional: bool = False) -> str:
    """SendX's pattern for ids of one kind (the prefix optional in bodies)."""
    head = f"({prefix})?" if optional else prefix
    return f"^{head}[a-zA-Z0-9]{{22}}$"


def id_meta(prefix: str, *, optional: bool = False) -> msgspec.Meta:
    """The constraint of an id of one kind: checked by the handler, which words the
    error; declared for the document."""
    return msgspec.Meta(extra_json_schema={"pattern": id_pattern(prefix, optional=optional)})


ContactId = Annotated[str, id_meta("contact_")]
ListId = Annotated[str, id_meta("list_")]
TagId = Annotated[str, id_meta("tag_")]
FieldId = Annotated[str, id_meta("custom_field_")]
TemplateId = Annotated[str, id_meta("template_")]
WebhookId = Annotated[str, id_meta("webhook_")]
SenderId = Annotated[str, id_meta("sender_")]
CampaignId = Annotated[str, id_meta("campaign_")]
PostId = Annotated[str, id_meta("post_")]
PostCategoryId = Annotated[str, id_meta("post_category_")]
PostTagId = Annotated[str, id_meta("post_tag_")]
MemberId = Annotated[str, id_meta("member_")]


class Deleted(msgspec.Struct):
    """The answer to a delete."""

    status: Literal["success"]
    message: str


class Message(msgspec.Struct):
    """A short answer: ``{"status": ..., "message": ...}``."""

    status: str
    message: str


OFFSET = Param(
    "offset",
    {"type": "integer", "minimum": 0, "maximum": 1_000_000_000, "default": 0},
    "How many objects to skip, oldest first.",
)


def limit(default: int, maximum: int) -> Param:
    """The ``limit`` parameter of a list with these default and maximum."""
    return Param(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": maximum, "default": default},
        f"How many objects to answer at most (1 to {maximum}; more is a 400, not cut).",
    )

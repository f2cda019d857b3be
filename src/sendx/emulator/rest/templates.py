"""Email templates: ``/template/email`` and ``/template/email/{identifier}``.

A template has a name (unique in the team), a subject, HTML and text content, a
preheader and tags (free labels, not contact tags); ``/send/template`` renders it. It
is kept with the keys of SendX's request body (``htmlContent``, ``textContent``, ...)
and answered in the form of SendX's template object: the HTML as ``htmlCode``, with
``type`` 0 (an email template), ``editorType``, ``templateCode`` (what a visual editor
keeps; ``null`` unless given) and ``thumbnail`` (``null``: the emulator renders none).
The body's own properties the spec's answer forgets (``textContent``, ``preheader``,
``tags``) are answered too, so that what was written can be read back.

SendX's examples send ``htmlCode``, ``templateCode`` and ``editorType`` in bodies while
its schema says ``htmlContent``: both spellings of the HTML are taken (not two
different values at once), and the other two are kept.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, UnsetType

from sendx.emulator.rest.collection import Collection
from sendx.emulator.rest.request import Request
from sendx.emulator.rest.schema import Name, TemplateId, Text, Timestamp

__all__ = ["ROUTES", "TEMPLATES"]

#: 0 plain text, 1 drag and drop, 2 SendX's HTML editor (what SendX's examples use for
#: a template written in HTML, and so the emulator's default).
EditorType = Literal[0, 1, 2]
DEFAULT_EDITOR = 2
MAX_TAGS = 100
Tags = Annotated[list[Name], msgspec.Meta(max_length=MAX_TAGS)]


def _one_html(body: TemplateBody | TemplateUpdate) -> None:
    """``htmlCode`` is taken as ``htmlContent`` (the key that ``/send/template``
    reads), so that only that one is kept."""
    if body.html_code is UNSET:
        return
    if body.html_content is not UNSET and body.html_content != body.html_code:
        raise ValueError(
            "htmlContent and htmlCode are two names of the template's HTML and differ; "
            "give one of them"
        )
    body.html_content, body.html_code = body.html_code, UNSET


class TemplateBody(msgspec.Struct, rename="camel"):
    """A template to create."""

    name: Name
    subject: Name
    html_content: str | UnsetType = UNSET
    html_code: str | UnsetType = UNSET
    text_content: str | UnsetType = UNSET
    preheader: Text | UnsetType = UNSET
    tags: Tags | UnsetType = UNSET
    template_code: str | UnsetType = UNSET
    editor_type: EditorType | UnsetType = UNSET

    def __post_init__(self) -> None:
        _one_html(self)


class TemplateUpdate(msgspec.Struct, rename="camel"):
    """A template's changes."""

    name: Name | UnsetType = UNSET
    subject: Name | UnsetType = UNSET
    html_content: str | UnsetType = UNSET
    html_code: str | UnsetType = UNSET
    text_content: str | UnsetType = UNSET
    preheader: Text | UnsetType = UNSET
    tags: Tags | UnsetType = UNSET
    template_code: str | UnsetType = UNSET
    editor_type: EditorType | UnsetType = UNSET

    def __post_init__(self) -> None:
        _one_html(self)


class TemplateOut(msgspec.Struct, rename="camel"):
    """An email template."""

    id: TemplateId
    name: str
    subject: str
    html_code: str
    text_content: str
    preheader: str
    tags: list[str]
    template_code: str | None
    type: Literal[0]
    thumbnail: str | None  # always null: the emulator draws no thumbnails
    editor_type: EditorType
    created: Timestamp
    updated: Timestamp


def _defaults() -> dict[str, Any]:
    return {
        "htmlContent": "",
        "textContent": "",
        "preheader": "",
        "tags": [],
        "templateCode": None,
        "editorType": DEFAULT_EDITOR,
    }


def _wire(request: Request, obj: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": obj["id"],
        "name": obj["name"],
        "subject": obj["subject"],
        "htmlCode": obj["htmlContent"],
        "textContent": obj["textContent"],
        "preheader": obj["preheader"],
        "tags": obj["tags"],
        "templateCode": obj["templateCode"],
        "type": 0,
        "thumbnail": None,
        "editorType": obj["editorType"],
        "created": obj["created"],
        "updated": obj["updated"],
    }


TEMPLATES = Collection(
    kind="template",
    path="/template/email",
    prefix="template_",
    operations="EmailTemplate",
    create=TemplateBody,
    update=TemplateUpdate,
    answer=TemplateOut,
    defaults=_defaults,
    wire=_wire,
    search=True,
)
ROUTES = TEMPLATES.routes()

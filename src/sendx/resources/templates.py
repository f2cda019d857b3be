"""Email templates: ``client.templates`` (``/template/email``): create, get, update,
delete, and list them.

A template is named by its id (``template_...``) or by its name, which the client
looks up. Its ``tags`` are free labels for sorting templates, not contacts' tags: they
are sent as given, never looked up.
"""

from __future__ import annotations

import datetime
import functools
import sys
from collections.abc import Iterable
from typing import Any

import msgspec
from msgspec.structs import force_setattr

from sendx._core import Call
from sendx._paging import AsyncPager, Pager
from sendx.resources._family import AsyncFamily, Family, check_labels, check_search
from sendx.resources._rest import (
    MAX_PAGE,
    Deleted,
    TimeoutArg,
    body,
    check_text,
    decoder,
    rest_call,
)

__all__ = ["AsyncTemplates", "Template", "Templates"]

_PATH = "/template/email"
#: HTML and text content: as long as SendX takes.
_UNBOUNDED = sys.maxsize


class Template(msgspec.Struct, frozen=True, rename="camel", repr_omit_defaults=True):
    """An email template as SendX answers it.

    The HTML is ``html_code`` (SendX's answer calls it ``htmlCode``, its request
    ``htmlContent``: both are read). ``type`` (0 an email template) and ``editor_type``
    (0 plain text, 1 drag and drop, 2 SendX's editor) are kept as SendX sends them.
    ``text_content``, ``preheader`` and ``tags`` are read when the answer has them
    (SendX's spec leaves them out of its answer)."""

    id: str
    name: str = ""
    subject: str | None = None
    html_code: str = ""
    text_content: str = ""
    preheader: str = ""
    tags: list[str] = []
    template_code: str | None = None
    type: int = 0
    thumbnail: str | None = None
    editor_type: int | None = None
    created: datetime.datetime | None = None
    updated: datetime.datetime | None = None
    _html_content: str | None = msgspec.field(default=None, name="htmlContent")

    def __post_init__(self) -> None:
        if self._html_content is not None:
            if not self.html_code:
                force_setattr(self, "html_code", self._html_content)
            force_setattr(self, "_html_content", None)


def _properties(
    *,
    name: str | None,
    subject: str | None,
    html_content: str | None,
    text_content: str | None,
    preheader: str | None,
    tags: Iterable[str] | None,
    required: bool,
) -> dict[str, Any]:
    # In the order of SendX's schema.
    return {
        "name": check_text(name, "name", required=required),
        "subject": check_text(subject, "subject", required=required),
        "htmlContent": check_text(html_content, "html_content", max_length=_UNBOUNDED),
        "textContent": check_text(text_content, "text_content", max_length=_UNBOUNDED),
        "preheader": check_text(preheader, "preheader"),
        "tags": check_labels(tags, "tags"),
    }


def create_call(
    *,
    name: str,
    subject: str,
    html_content: str | None = None,
    text_content: str | None = None,
    preheader: str | None = None,
    tags: Iterable[str] | None = None,
) -> Call[Template]:
    """``POST /template/email``: not idempotent (sent twice, the second is a 403: the
    name is taken)."""
    properties = _properties(
        name=name,
        subject=subject,
        html_content=html_content,
        text_content=text_content,
        preheader=preheader,
        tags=tags,
        required=True,
    )
    return rest_call("POST", _PATH, decoder(Template), payload=body(properties), idempotent=False)


def get_call(template_id: str) -> Call[Template]:
    return rest_call("GET", f"{_PATH}/{template_id}", decoder(Template))


def update_body(
    *,
    name: str | None = None,
    subject: str | None = None,
    html_content: str | None = None,
    text_content: str | None = None,
    preheader: str | None = None,
    tags: Iterable[str] | None = None,
) -> bytes:
    properties = _properties(
        name=name,
        subject=subject,
        html_content=html_content,
        text_content=text_content,
        preheader=preheader,
        tags=tags,
        required=False,
    )
    return body(properties)


def update_call(template_id: str, payload: bytes) -> Call[Template]:
    return rest_call("PUT", f"{_PATH}/{template_id}", decoder(Template), payload=payload)


def delete_call(template_id: str) -> Call[Deleted]:
    return rest_call("DELETE", f"{_PATH}/{template_id}", decoder(Deleted))


def page_call(search: str | None) -> Any:
    """The page maker of ``GET /template/email`` (``search``: 2 to 100 characters)."""
    search = check_search(search)
    decode = decoder(list[Template])

    def make(offset: int, limit: int) -> Call[list[Template]]:
        params: tuple[tuple[str, str], ...] = (("offset", str(offset)), ("limit", str(limit)))
        if search is not None:
            params += (("search", search),)
        return rest_call("GET", _PATH, decode, params=params)

    return make


class Templates(Family):
    """``client.templates``: the team's email templates, blocking."""

    _kind, _prefix, _field = "template", "template_", "template_id"

    def create(
        self,
        *,
        name: str,
        subject: str,
        html_content: str | None = None,
        text_content: str | None = None,
        preheader: str | None = None,
        tags: Iterable[str] | None = None,
        timeout: TimeoutArg = None,
    ) -> Template:
        """Create a template; a name the team has is a ``PermissionDeniedError``
        (403)."""
        call = create_call(
            name=name,
            subject=subject,
            html_content=html_content,
            text_content=text_content,
            preheader=preheader,
            tags=tags,
        )
        created = self._send(call, timeout)
        self._remember(created)
        return created

    def get(self, template_id: str, *, timeout: TimeoutArg = None) -> Template:
        """The template with this id (or name)."""
        return self._on(self._ref(template_id), get_call, self._limits(timeout))

    def update(
        self,
        template_id: str,
        *,
        name: str | None = None,
        subject: str | None = None,
        html_content: str | None = None,
        text_content: str | None = None,
        preheader: str | None = None,
        tags: Iterable[str] | None = None,
        timeout: TimeoutArg = None,
    ) -> Template:
        """Change a template; what is not given is kept (``tags`` given replace its
        tags)."""
        ref, limits = self._ref(template_id), self._limits(timeout)
        payload = update_body(
            name=name,
            subject=subject,
            html_content=html_content,
            text_content=text_content,
            preheader=preheader,
            tags=tags,
        )
        updated = self._on(ref, functools.partial(update_call, payload=payload), limits)
        self._remember(updated)
        return updated

    def delete(self, template_id: str, *, timeout: TimeoutArg = None) -> Deleted:
        """Delete a template."""
        return self._delete(self._ref(template_id), delete_call, self._limits(timeout))

    def list(self, *, search: str | None = None) -> Pager[Template]:
        """Every template, oldest first (``search``: those whose name holds it, in any
        case), fetched page by page as you iterate; ``.page(offset, limit)`` for one
        page."""
        return Pager(self._shell, page_call(search), MAX_PAGE)


class AsyncTemplates(AsyncFamily):
    """``client.templates``: the team's email templates, for asyncio."""

    _kind, _prefix, _field = "template", "template_", "template_id"

    async def create(
        self,
        *,
        name: str,
        subject: str,
        html_content: str | None = None,
        text_content: str | None = None,
        preheader: str | None = None,
        tags: Iterable[str] | None = None,
        timeout: TimeoutArg = None,
    ) -> Template:
        """Create a template; a name the team has is a ``PermissionDeniedError``
        (403)."""
        call = create_call(
            name=name,
            subject=subject,
            html_content=html_content,
            text_content=text_content,
            preheader=preheader,
            tags=tags,
        )
        created = await self._send(call, timeout)
        self._remember(created)
        return created

    async def get(self, template_id: str, *, timeout: TimeoutArg = None) -> Template:
        """The template with this id (or name)."""
        return await self._on(self._ref(template_id), get_call, self._limits(timeout))

    async def update(
        self,
        template_id: str,
        *,
        name: str | None = None,
        subject: str | None = None,
        html_content: str | None = None,
        text_content: str | None = None,
        preheader: str | None = None,
        tags: Iterable[str] | None = None,
        timeout: TimeoutArg = None,
    ) -> Template:
        """Change a template; what is not given is kept (``tags`` given replace its
        tags)."""
        ref, limits = self._ref(template_id), self._limits(timeout)
        payload = update_body(
            name=name,
            subject=subject,
            html_content=html_content,
            text_content=text_content,
            preheader=preheader,
            tags=tags,
        )
        updated = await self._on(ref, functools.partial(update_call, payload=payload), limits)
        self._remember(updated)
        return updated

    async def delete(self, template_id: str, *, timeout: TimeoutArg = None) -> Deleted:
        """Delete a template."""
        return await self._delete(self._ref(template_id), delete_call, self._limits(timeout))

    def list(self, *, search: str | None = None) -> AsyncPager[Template]:
        """Every template, oldest first (``search``: those whose name holds it, in any
        case), fetched page by page as ``async for`` goes; ``await .page(offset,
        limit)`` for one page."""
        return AsyncPager(self._shell, page_call(search), MAX_PAGE)

"""Blog posts: ``client.posts`` (``/post``): create, get, update, delete, and list them.

A post is named by its id (``post_...``) or by its name, which the client looks up. Its
``post_category`` (a post category) and ``included_tags`` (post tags, not contacts'
tags) take names or ids, names looked up among the team's post categories and post
tags; its author, ``member``, is a team member's id. Every argument is checked before
any I/O; the lookups come next, then the call.
"""

from __future__ import annotations

import datetime
import functools
import sys
from collections.abc import Generator, Iterable
from typing import Any

import msgspec

from sendx._core import Call
from sendx._paging import AsyncPager, Pager
from sendx.resources._family import AsyncFamily, Family, check_bool, check_url
from sendx.resources._names import Lookup, check_names, drive, drive_async
from sendx.resources._rest import (
    MAX_PAGE,
    Deleted,
    TimeoutArg,
    body,
    check_id,
    check_int,
    check_text,
    decoder,
    rest_call,
)

__all__ = ["AsyncPosts", "Post", "Posts"]

#: A post's longer texts (descriptions): what SendX's emulator takes.
MAX_DESCRIPTION = 5000
#: Post content (HTML): as long as SendX takes.
_UNBOUNDED = sys.maxsize


class Post(msgspec.Struct, frozen=True, rename="camel", repr_omit_defaults=True):
    """A blog post as SendX answers it. ``post_category`` is a post category's id,
    ``member`` its author's, ``included_tags`` post tags' ids. ``status`` and
    ``editor_type`` are kept as SendX sends them. ``post_html``, ``post_template`` and
    ``editor_type`` are read when the answer has them (SendX's spec leaves them out of
    its answer)."""

    id: str
    name: str = ""
    post_title: str = ""
    post_description: str = ""
    post_category: str | None = None
    member: str | None = None
    post_thumbnail: str = ""
    post_html: str = ""
    post_template: str = ""
    is_published: bool = False
    included_tags: list[str] = []
    editor_type: int | None = None
    post_slug: str = ""
    status: int | None = None
    page_title: str = ""
    page_description: str = ""
    page_keywords: str = ""
    social_title: str = ""
    social_description: str = ""
    social_image_url: str = ""
    created: datetime.datetime | None = None
    updated: datetime.datetime | None = None


def _check(properties: dict[str, Any], *, required: bool) -> dict[str, Any]:
    """The body's properties in SendX's order, checked (references still as given)."""
    p = properties
    return {
        "name": check_text(p["name"], "name", required=required),
        "postTitle": check_text(p["post_title"], "post_title", required=required),
        "postDescription": _long(p["post_description"], "post_description"),
        "postCategory": p["post_category"],
        "member": None if p["member"] is None else check_id(p["member"], "member_", "member"),
        "postThumbnail": check_url(p["post_thumbnail"], "post_thumbnail"),
        "postHtml": check_text(p["post_html"], "post_html", max_length=_UNBOUNDED),
        "postTemplate": check_text(p["post_template"], "post_template"),
        "isPublished": check_bool(p["is_published"], "is_published"),
        "includedTags": p["included_tags"],
        "editorType": _small(p["editor_type"], "editor_type", 2),
        "postSlug": check_text(p["post_slug"], "post_slug"),
        "status": _small(p["status"], "status", 255),
        "pageTitle": check_text(p["page_title"], "page_title"),
        "pageDescription": _long(p["page_description"], "page_description"),
        "pageKeywords": check_text(p["page_keywords"], "page_keywords"),
        "socialTitle": check_text(p["social_title"], "social_title"),
        "socialDescription": _long(p["social_description"], "social_description"),
        "socialImageUrl": check_url(p["social_image_url"], "social_image_url"),
    }


def _long(value: Any, field: str) -> str | None:
    return check_text(value, field, max_length=MAX_DESCRIPTION)  # type: ignore[no-any-return]


def _small(value: Any, field: str, high: int) -> int | None:
    return None if value is None else check_int(value, field, 0, high)


def plan(*, required: bool, **properties: Any) -> Generator[Lookup, list[str], bytes]:
    """A create's or an update's body: every argument checked first (before any I/O),
    then the names of the category and the post tags looked up."""
    checked = _check(properties, required=required)
    category = checked["postCategory"]
    if category is not None:
        check_text(category, "post_category", required=True)
    tags = check_names("post_tag", properties["included_tags"], "included_tags")
    if category is not None:
        checked["postCategory"] = (yield ("post_category", [category], "post_category"))[0]
    if tags:
        checked["includedTags"] = yield ("post_tag", tags, "included_tags")
    else:
        checked["includedTags"] = tags
    return body(checked)


def create_call(payload: bytes) -> Call[Post]:
    """``POST /post``: not idempotent (sent twice, the second is a 409: the name is
    taken)."""
    return rest_call("POST", "/post", decoder(Post), payload=payload, idempotent=False)


def get_call(post_id: str) -> Call[Post]:
    return rest_call("GET", f"/post/{post_id}", decoder(Post))


def update_call(post_id: str, payload: bytes) -> Call[Post]:
    return rest_call("PUT", f"/post/{post_id}", decoder(Post), payload=payload)


def delete_call(post_id: str) -> Call[Deleted]:
    return rest_call("DELETE", f"/post/{post_id}", decoder(Deleted))


def page_call(offset: int, limit: int) -> Call[list[Post]]:
    params = (("offset", str(offset)), ("limit", str(limit)))
    return rest_call("GET", "/post", decoder(list[Post]), params=params)


class Posts(Family):
    """``client.posts``: the team's blog posts, blocking."""

    _kind, _prefix, _field = "post", "post_", "post_id"

    def create(
        self,
        *,
        name: str,
        post_title: str,
        post_description: str | None = None,
        post_category: str | None = None,
        member: str | None = None,
        post_thumbnail: str | None = None,
        post_html: str | None = None,
        post_template: str | None = None,
        is_published: bool | None = None,
        included_tags: Iterable[str] | None = None,
        editor_type: int | None = None,
        post_slug: str | None = None,
        status: int | None = None,
        page_title: str | None = None,
        page_description: str | None = None,
        page_keywords: str | None = None,
        social_title: str | None = None,
        social_description: str | None = None,
        social_image_url: str | None = None,
        timeout: TimeoutArg = None,
    ) -> Post:
        """Create a post; a name the team has is a ``ConflictError`` (409). What is
        not given takes SendX's default (a draft: not published)."""
        limits = self._limits(timeout)
        payload = drive(
            plan(
                required=True,
                name=name,
                post_title=post_title,
                post_description=post_description,
                post_category=post_category,
                member=member,
                post_thumbnail=post_thumbnail,
                post_html=post_html,
                post_template=post_template,
                is_published=is_published,
                included_tags=included_tags,
                editor_type=editor_type,
                post_slug=post_slug,
                status=status,
                page_title=page_title,
                page_description=page_description,
                page_keywords=page_keywords,
                social_title=social_title,
                social_description=social_description,
                social_image_url=social_image_url,
            ),
            self._shell,
            self._names,
        )
        created = self._shell.request(create_call(payload), limits)
        self._remember(created)
        return created

    def get(self, post_id: str, *, timeout: TimeoutArg = None) -> Post:
        """The post with this id (or name)."""
        return self._on(self._ref(post_id), get_call, self._limits(timeout))

    def update(
        self,
        post_id: str,
        *,
        name: str | None = None,
        post_title: str | None = None,
        post_description: str | None = None,
        post_category: str | None = None,
        member: str | None = None,
        post_thumbnail: str | None = None,
        post_html: str | None = None,
        post_template: str | None = None,
        is_published: bool | None = None,
        included_tags: Iterable[str] | None = None,
        editor_type: int | None = None,
        post_slug: str | None = None,
        status: int | None = None,
        page_title: str | None = None,
        page_description: str | None = None,
        page_keywords: str | None = None,
        social_title: str | None = None,
        social_description: str | None = None,
        social_image_url: str | None = None,
        timeout: TimeoutArg = None,
    ) -> Post:
        """Change a post; what is not given is kept (``included_tags`` given replace
        its tags)."""
        ref, limits = self._ref(post_id), self._limits(timeout)
        payload = drive(
            plan(
                required=False,
                name=name,
                post_title=post_title,
                post_description=post_description,
                post_category=post_category,
                member=member,
                post_thumbnail=post_thumbnail,
                post_html=post_html,
                post_template=post_template,
                is_published=is_published,
                included_tags=included_tags,
                editor_type=editor_type,
                post_slug=post_slug,
                status=status,
                page_title=page_title,
                page_description=page_description,
                page_keywords=page_keywords,
                social_title=social_title,
                social_description=social_description,
                social_image_url=social_image_url,
            ),
            self._shell,
            self._names,
        )
        updated = self._on(ref, functools.partial(update_call, payload=payload), limits)
        self._remember(updated)
        return updated

    def delete(self, post_id: str, *, timeout: TimeoutArg = None) -> Deleted:
        """Delete a post: gone from every read."""
        return self._delete(self._ref(post_id), delete_call, self._limits(timeout))

    def list(self) -> Pager[Post]:
        """Every post, oldest first, fetched page by page as you iterate
        (``.page(offset, limit)`` for one page)."""
        return Pager(self._shell, page_call, MAX_PAGE)


class AsyncPosts(AsyncFamily):
    """``client.posts``: the team's blog posts, for asyncio."""

    _kind, _prefix, _field = "post", "post_", "post_id"

    async def create(
        self,
        *,
        name: str,
        post_title: str,
        post_description: str | None = None,
        post_category: str | None = None,
        member: str | None = None,
        post_thumbnail: str | None = None,
        post_html: str | None = None,
        post_template: str | None = None,
        is_published: bool | None = None,
        included_tags: Iterable[str] | None = None,
        editor_type: int | None = None,
        post_slug: str | None = None,
        status: int | None = None,
        page_title: str | None = None,
        page_description: str | None = None,
        page_keywords: str | None = None,
        social_title: str | None = None,
        social_description: str | None = None,
        social_image_url: str | None = None,
        timeout: TimeoutArg = None,
    ) -> Post:
        """Create a post; a name the team has is a ``ConflictError`` (409). What is
        not given takes SendX's default (a draft: not published)."""
        limits = self._limits(timeout)
        payload = await drive_async(
            plan(
                required=True,
                name=name,
                post_title=post_title,
                post_description=post_description,
                post_category=post_category,
                member=member,
                post_thumbnail=post_thumbnail,
                post_html=post_html,
                post_template=post_template,
                is_published=is_published,
                included_tags=included_tags,
                editor_type=editor_type,
                post_slug=post_slug,
                status=status,
                page_title=page_title,
                page_description=page_description,
                page_keywords=page_keywords,
                social_title=social_title,
                social_description=social_description,
                social_image_url=social_image_url,
            ),
            self._shell,
            self._names,
        )
        created = await self._shell.request(create_call(payload), limits)
        self._remember(created)
        return created

    async def get(self, post_id: str, *, timeout: TimeoutArg = None) -> Post:
        """The post with this id (or name)."""
        return await self._on(self._ref(post_id), get_call, self._limits(timeout))

    async def update(
        self,
        post_id: str,
        *,
        name: str | None = None,
        post_title: str | None = None,
        post_description: str | None = None,
        post_category: str | None = None,
        member: str | None = None,
        post_thumbnail: str | None = None,
        post_html: str | None = None,
        post_template: str | None = None,
        is_published: bool | None = None,
        included_tags: Iterable[str] | None = None,
        editor_type: int | None = None,
        post_slug: str | None = None,
        status: int | None = None,
        page_title: str | None = None,
        page_description: str | None = None,
        page_keywords: str | None = None,
        social_title: str | None = None,
        social_description: str | None = None,
        social_image_url: str | None = None,
        timeout: TimeoutArg = None,
    ) -> Post:
        """Change a post; what is not given is kept (``included_tags`` given replace
        its tags)."""
        ref, limits = self._ref(post_id), self._limits(timeout)
        payload = await drive_async(
            plan(
                required=False,
                name=name,
                post_title=post_title,
                post_description=post_description,
                post_category=post_category,
                member=member,
                post_thumbnail=post_thumbnail,
                post_html=post_html,
                post_template=post_template,
                is_published=is_published,
                included_tags=included_tags,
                editor_type=editor_type,
                post_slug=post_slug,
                status=status,
                page_title=page_title,
                page_description=page_description,
                page_keywords=page_keywords,
                social_title=social_title,
                social_description=social_description,
                social_image_url=social_image_url,
            ),
            self._shell,
            self._names,
        )
        updated = await self._on(ref, functools.partial(update_call, payload=payload), limits)
        self._remember(updated)
        return updated

    async def delete(self, post_id: str, *, timeout: TimeoutArg = None) -> Deleted:
        """Delete a post: gone from every read."""
        return await self._delete(self._ref(post_id), delete_call, self._limits(timeout))

    def list(self) -> AsyncPager[Post]:
        """Every post, oldest first, fetched page by page as ``async for`` goes
        (``await .page(offset, limit)`` for one page)."""
        return AsyncPager(self._shell, page_call, MAX_PAGE)

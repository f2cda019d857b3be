"""Blog posts: ``/post`` and ``/post/{identifier}``.

A post has a name (unique in the team: 409, as SendX's spec says for a create; the
spec gives an update no conflict status, and the emulator answers the same 409), a
title, content and SEO and social properties. It refers to three other kinds, by id
with or without prefix, kept with it: ``postCategory`` (a post category), ``member``
(its author, a team member) and ``includedTags`` (post tags). An id that names none of
the team's objects is refused (400, saying which), not kept: a post never points at
nothing when it is written. Deleting a category or a post tag takes it off every post
(``postCategory`` becomes ``null``); members come from the emulator's configuration,
so a post keeps an author that a later run no longer lists.

The answer holds the properties of SendX's post object, and the body's ``postHtml``,
``postTemplate`` and ``editorType`` as well, which the spec's answer forgets.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import msgspec
from msgspec import UNSET, UnsetType

from sendx.emulator.delivery.automations import WEBHOOK_PATTERN
from sendx.emulator.rest.collection import Collection
from sendx.emulator.rest.errors import RestError
from sendx.emulator.rest.ids import body_id
from sendx.emulator.rest.request import Request
from sendx.emulator.rest.schema import (
    MemberId,
    Name,
    PostCategoryId,
    PostId,
    PostTagId,
    Text,
    Timestamp,
    described,
    id_meta,
)
from sendx.emulator.rest.team_members import members

__all__ = ["POSTS", "ROUTES", "rewrite_posts"]

KIND = "post"
MAX_URL = 2048
MAX_TAGS = 100
#: An http(s) URL with a host (a thumbnail, a social image).
Url = Annotated[
    str,
    msgspec.Meta(
        max_length=MAX_URL,
        pattern=described(WEBHOOK_PATTERN, "must be an http:// or https:// URL with a host"),
    ),
]
#: A longer text: a description, a meta description.
Description = Annotated[str, msgspec.Meta(max_length=5000)]
#: SendX's post status and editor type: small integers whose meanings SendX does not
#: publish (the editor types are those of templates: 0, 1, 2).
Status = Annotated[int, msgspec.Meta(ge=0, le=255)]
EditorType = Annotated[int, msgspec.Meta(ge=0, le=2)]
CategoryRef = Annotated[str, id_meta("post_category_", optional=True)]
MemberRef = Annotated[str, id_meta("member_", optional=True)]
TagRef = Annotated[str, id_meta("post_tag_", optional=True)]
TagRefs = Annotated[list[TagRef], msgspec.Meta(max_length=MAX_TAGS)]


class PostBody(msgspec.Struct, rename="camel"):
    """A post to create."""

    name: Name
    post_title: Name
    post_description: Description | UnsetType = UNSET
    post_category: CategoryRef | UnsetType | None = UNSET
    member: MemberRef | UnsetType | None = UNSET
    post_thumbnail: Url | UnsetType = UNSET
    post_html: str | UnsetType = UNSET
    post_template: Text | UnsetType = UNSET
    is_published: bool | UnsetType = UNSET
    included_tags: TagRefs | UnsetType = UNSET
    editor_type: EditorType | UnsetType = UNSET
    post_slug: Text | UnsetType = UNSET
    status: Status | UnsetType = UNSET
    page_title: Text | UnsetType = UNSET
    page_description: Description | UnsetType = UNSET
    page_keywords: Text | UnsetType = UNSET
    social_title: Text | UnsetType = UNSET
    social_description: Description | UnsetType = UNSET
    social_image_url: Url | UnsetType = UNSET


class PostUpdate(msgspec.Struct, rename="camel"):
    """A post's changes."""

    name: Name | UnsetType = UNSET
    post_title: Name | UnsetType = UNSET
    post_description: Description | UnsetType = UNSET
    post_category: CategoryRef | UnsetType | None = UNSET
    member: MemberRef | UnsetType | None = UNSET
    post_thumbnail: Url | UnsetType = UNSET
    post_html: str | UnsetType = UNSET
    post_template: Text | UnsetType = UNSET
    is_published: bool | UnsetType = UNSET
    included_tags: TagRefs | UnsetType = UNSET
    editor_type: EditorType | UnsetType = UNSET
    post_slug: Text | UnsetType = UNSET
    status: Status | UnsetType = UNSET
    page_title: Text | UnsetType = UNSET
    page_description: Description | UnsetType = UNSET
    page_keywords: Text | UnsetType = UNSET
    social_title: Text | UnsetType = UNSET
    social_description: Description | UnsetType = UNSET
    social_image_url: Url | UnsetType = UNSET


class PostOut(msgspec.Struct, rename="camel"):
    """A blog post."""

    id: PostId
    name: str
    post_title: str
    post_description: str
    post_category: PostCategoryId | None
    member: MemberId | None
    post_thumbnail: str
    post_html: str
    post_template: str
    is_published: bool
    included_tags: list[PostTagId]
    editor_type: int
    post_slug: str
    status: int
    page_title: str
    page_description: str
    page_keywords: str
    social_title: str
    social_description: str
    social_image_url: str
    created: Timestamp
    updated: Timestamp


# SendX's defaults for what a create leaves out (the spec's: not published, editor 1,
# status 1); texts are empty, references none.
_TEXTS = (
    "postDescription",
    "postThumbnail",
    "postHtml",
    "postTemplate",
    "postSlug",
    "pageTitle",
    "pageDescription",
    "pageKeywords",
    "socialTitle",
    "socialDescription",
    "socialImageUrl",
)


def _defaults() -> dict[str, Any]:
    return {
        **dict.fromkeys(_TEXTS, ""),
        "postCategory": None,
        "member": None,
        "isPublished": False,
        "includedTags": [],
        "editorType": 1,
        "status": 1,
    }


def _check(
    request: Request, given: dict[str, Any], current: dict[str, Any] | None
) -> dict[str, Any]:
    """The references of the body, as canonical ids of the team's objects."""
    team = request.team.pk
    found: dict[str, Any] = {}
    category = given.get("postCategory")
    if category is not None:
        category = body_id(category, "post_category_", "postCategory")
        if request.objects.get(team, "post_category", category) is None:
            raise RestError(400, f"postCategory: no post category {category} in this team")
        found["postCategory"] = category
    member = given.get("member")
    if member is not None:
        member = body_id(member, "member_", "member")
        if all(m["id"] != member for m in members(request.team.team_id, request.api.app.members)):
            raise RestError(400, f"member: no team member {member} in this team")
        found["member"] = member
    if "includedTags" in given:
        tags: list[str] = []
        for text in given["includedTags"]:
            tag = body_id(text, "post_tag_", "includedTags")
            if request.objects.get(team, "post_tag", tag) is None:
                raise RestError(400, f"includedTags: no post tag {tag} in this team")
            if tag not in tags:
                tags.append(tag)
        found["includedTags"] = tags
    return found


def rewrite_posts(
    request: Request, change: Callable[[dict[str, Any]], dict[str, Any] | None]
) -> int:
    """Stage every post of the team that ``change`` changes (it returns the post's new
    properties, or ``None`` to leave it): what deleting a category or a post tag does.
    How many changed."""
    team = request.team.pk
    changed = 0
    for post in request.objects.all(team, KIND):
        changes = change(post)
        if changes is not None:
            request.objects.put(team, KIND, {**post, **changes, "updated": request.at})
            changed += 1
    return changed


POSTS = Collection(
    kind=KIND,
    path="/post",
    prefix="post_",
    operations="Post",
    create=PostBody,
    update=PostUpdate,
    answer=PostOut,
    defaults=_defaults,
    check=_check,
    taken_status=409,
    taken_message="A post with this name already exists",
)
ROUTES = POSTS.routes()

"""The exact requests of every operation of the REST families, on both clients:
method, path and query, headers, and body bytes (compact JSON, the properties of
SendX's schema in its order, what is not given left out, never ``null``).

The bodies are SendX's spec's request examples where it has them (ids written as real
ids: the spec's examples hold some that are not), so these tests say that the client
sends what SendX documents, byte for byte.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest
from tests._support.recording_server import RecordedRequest, RecordingServer, Reply
from tests.client.conftest import KEY

import sendx

A = "A" * 22
B = "b" * 22
MEMBER_ID = "member_JkL012MnO345PqR678abcd"


def _answer(request: RecordedRequest) -> Reply:
    """A plausible SendX answer: a list for a list, a confirmation for a delete, else
    one object."""
    if request.method == "DELETE":
        return Reply.json({"status": "success", "message": "deleted"})
    last = request.path.rstrip("/").rsplit("/", 1)[-1]
    if request.method == "GET" and "_" not in last:
        return Reply.json([])
    return Reply.json(
        {"id": "x_" + A, "name": "n"}, status=201 if request.method == "POST" else 200
    )


def call(
    kind: str,
    server: RecordingServer,
    family: str,
    method: str,
    *args: Any,
    handler: Callable[[RecordedRequest], Reply] = _answer,
    **kwargs: Any,
) -> list[RecordedRequest]:
    """``client.<family>.<method>(...)`` on a new client of ``kind`` against ``server``
    (answering with ``handler``); a list is read to its end. The requests it made."""
    server.handler = handler
    options: dict[str, Any] = {"rest_base_url": server.url + "/rest", "max_retries": 0}

    if kind == "sync":
        with sendx.SendX(KEY, **options) as client:
            result = getattr(getattr(client, family), method)(*args, **kwargs)
            if method == "list":
                list(result)
    else:

        async def run() -> None:
            async with sendx.AsyncSendX(KEY, **options) as client:
                result = getattr(getattr(client, family), method)(*args, **kwargs)
                if method == "list":
                    [item async for item in result]
                else:
                    await result

        asyncio.run(run())
    return list(server.requests)


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _json(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def _headers(request: RecordedRequest) -> None:
    """The key as X-Team-ApiKey, nothing of v1's auth."""
    assert request.header("X-Team-ApiKey") == KEY
    assert request.header("api_key") is None
    assert request.header("authorization") is None
    assert "team_id" not in request.query
    assert request.header("Content-Type") == "application/json"
    if request.body:
        assert request.header("Content-Length") == str(len(request.body))


# (family, method, args, kwargs, method on the wire, target, body: a JSON value or None)
CASES: list[tuple[str, str, tuple[Any, ...], dict[str, Any], str, str, Any]] = [
    # tags
    ("tags", "create", (), {"name": "VIP Customer"}, "POST", "/tag", {"name": "VIP Customer"}),
    ("tags", "get", ("tag_" + A,), {}, "GET", f"/tag/tag_{A}", None),
    ("tags", "update", ("tag_" + A,), {"name": "Gold"}, "PUT", f"/tag/tag_{A}", {"name": "Gold"}),
    ("tags", "update", ("tag_" + A,), {}, "PUT", f"/tag/tag_{A}", {}),
    ("tags", "delete", ("tag_" + A,), {}, "DELETE", f"/tag/tag_{A}", None),
    ("tags", "list", (), {}, "GET", "/tag?offset=0&limit=100", None),
    # custom fields: paths with field_, as SendX's spec writes them
    (
        "custom_fields",
        "create",
        (),
        {"name": "Account Type", "type": "text", "description": "Customer account classification"},
        "POST",
        "/customfield",
        {"name": "Account Type", "type": 0, "description": "Customer account classification"},
    ),
    (
        "custom_fields",
        "create",
        (),
        {"name": "Loyalty Points", "type": 1},
        "POST",
        "/customfield",
        {"name": "Loyalty Points", "type": 1},
    ),
    ("custom_fields", "get", ("custom_field_" + A,), {}, "GET", f"/customfield/field_{A}", None),
    ("custom_fields", "get", ("field_" + A,), {}, "GET", f"/customfield/field_{A}", None),
    (
        "custom_fields",
        "update",
        ("custom_field_" + A,),
        {"name": "Customer Tier", "description": "Customer segmentation tier (Bronze/Silver/Gold)"},
        "PUT",
        f"/customfield/field_{A}",
        {"name": "Customer Tier", "description": "Customer segmentation tier (Bronze/Silver/Gold)"},
    ),
    (
        "custom_fields",
        "delete",
        ("custom_field_" + A,),
        {},
        "DELETE",
        f"/customfield/field_{A}",
        None,
    ),
    ("custom_fields", "list", (), {}, "GET", "/customfield?offset=0&limit=100", None),
    (
        "custom_fields",
        "list",
        (),
        {"search": "points & co"},
        "GET",
        "/customfield?offset=0&limit=100&search=points+%26+co",
        None,
    ),
    # templates
    (
        "templates",
        "create",
        (),
        {
            "name": "Welcome Email Template",
            "subject": "Welcome to {{company_name}}!",
            "html_content": "<p>Welcome to {{company.name}}!</p>",
            "text_content": "Welcome!",
            "preheader": "Hello, é",
            "tags": ["onboarding"],
        },
        "POST",
        "/template/email",
        {
            "name": "Welcome Email Template",
            "subject": "Welcome to {{company_name}}!",
            "htmlContent": "<p>Welcome to {{company.name}}!</p>",
            "textContent": "Welcome!",
            "preheader": "Hello, é",
            "tags": ["onboarding"],
        },
    ),
    ("templates", "get", ("template_" + A,), {}, "GET", f"/template/email/template_{A}", None),
    (
        "templates",
        "update",
        ("template_" + A,),
        {"name": "Weekly Newsletter Template v2", "tags": []},
        "PUT",
        f"/template/email/template_{A}",
        {"name": "Weekly Newsletter Template v2", "tags": []},
    ),
    (
        "templates",
        "delete",
        ("template_" + A,),
        {},
        "DELETE",
        f"/template/email/template_{A}",
        None,
    ),
    (
        "templates",
        "list",
        (),
        {"search": "newsletter"},
        "GET",
        "/template/email?offset=0&limit=100&search=newsletter",
        None,
    ),
    # webhooks: enabled is required by SendX's schema, so always sent on a create
    (
        "webhooks",
        "create",
        (),
        {
            "url": "https://api.example.com/webhooks/engagement",
            "unsubscribed": False,
            "dropped": False,
            "bounced": False,
            "marked_spam": False,
            "clicked": True,
            "opened": True,
            "contact_created": False,
        },
        "POST",
        "/webhook",
        {
            "url": "https://api.example.com/webhooks/engagement",
            "enabled": True,
            "unsubscribed": False,
            "dropped": False,
            "bounced": False,
            "markedSpam": False,
            "clicked": True,
            "opened": True,
            "contactCreated": False,
        },
    ),
    (
        "webhooks",
        "create",
        (),
        {"url": "https://api.example.com/webhooks/sendx"},
        "POST",
        "/webhook",
        {"url": "https://api.example.com/webhooks/sendx", "enabled": True},
    ),
    ("webhooks", "get", (A,), {}, "GET", f"/webhook/webhook_{A}", None),
    (
        "webhooks",
        "update",
        ("webhook_" + A,),
        {"enabled": False, "marked_spam": True},
        "PUT",
        f"/webhook/webhook_{A}",
        {"enabled": False, "markedSpam": True},
    ),
    ("webhooks", "delete", ("webhook_" + A,), {}, "DELETE", f"/webhook/webhook_{A}", None),
    ("webhooks", "list", (), {}, "GET", "/webhook", None),
    # posts
    (
        "posts",
        "create",
        (),
        {"name": "launch_draft_2025", "post_title": "Upcoming Product Launch"},
        "POST",
        "/post",
        {"name": "launch_draft_2025", "postTitle": "Upcoming Product Launch"},
    ),
    (
        "posts",
        "create",
        (),
        {
            "name": "summer_collection_2025",
            "post_title": "Introducing Our New Summer Collection",
            "post_description": "Take a look at our vibrant summer wear designed for comfort.",
            "post_category": "post_category_YzS1wOU20yw87UUHKxMzwn",
            "member": MEMBER_ID,
            "post_thumbnail": "https://cdn.example.com/images/summer-thumb.jpg",
            "post_html": "<h1>Welcome to Summer 2025!</h1><p>Explore our latest collection...</p>",
            "post_template": "default-blog",
            "is_published": True,
            "included_tags": ["post_tag_" + A, "post_tag_" + B],
            "editor_type": 1,
            "post_slug": "introducing-summer-collection",
            "status": 1,
            "page_title": "Introducing Our Summer Collection | Example Blog",
            "page_description": "Explore our fresh 2025 summer styles.",
            "page_keywords": "summer, collection, fashion, 2025",
            "social_title": "Our 2025 Summer Line is Here!",
            "social_description": "Take a sneak peek at our sun-ready styles!",
            "social_image_url": "https://cdn.example.com/images/summer-social.jpg",
        },
        "POST",
        "/post",
        {
            "name": "summer_collection_2025",
            "postTitle": "Introducing Our New Summer Collection",
            "postDescription": "Take a look at our vibrant summer wear designed for comfort.",
            "postCategory": "post_category_YzS1wOU20yw87UUHKxMzwn",
            "member": MEMBER_ID,
            "postThumbnail": "https://cdn.example.com/images/summer-thumb.jpg",
            "postHtml": "<h1>Welcome to Summer 2025!</h1><p>Explore our latest collection...</p>",
            "postTemplate": "default-blog",
            "isPublished": True,
            "includedTags": ["post_tag_" + A, "post_tag_" + B],
            "editorType": 1,
            "postSlug": "introducing-summer-collection",
            "status": 1,
            "pageTitle": "Introducing Our Summer Collection | Example Blog",
            "pageDescription": "Explore our fresh 2025 summer styles.",
            "pageKeywords": "summer, collection, fashion, 2025",
            "socialTitle": "Our 2025 Summer Line is Here!",
            "socialDescription": "Take a sneak peek at our sun-ready styles!",
            "socialImageUrl": "https://cdn.example.com/images/summer-social.jpg",
        },
    ),
    ("posts", "get", ("post_" + A,), {}, "GET", f"/post/post_{A}", None),
    (
        "posts",
        "update",
        ("post_" + A,),
        {"is_published": False, "included_tags": []},
        "PUT",
        f"/post/post_{A}",
        {"isPublished": False, "includedTags": []},
    ),
    ("posts", "delete", ("post_" + A,), {}, "DELETE", f"/post/post_{A}", None),
    ("posts", "list", (), {}, "GET", "/post?offset=0&limit=100", None),
    # post categories and post tags: not paged
    (
        "post_categories",
        "create",
        (),
        {"name": "Product Updates"},
        "POST",
        "/post/category",
        {"name": "Product Updates"},
    ),
    (
        "post_categories",
        "get",
        ("post_category_YzS1wOU20yw87UUHKxMzwn",),
        {},
        "GET",
        "/post/category/post_category_YzS1wOU20yw87UUHKxMzwn",
        None,
    ),
    (
        "post_categories",
        "update",
        ("post_category_" + A,),
        {"name": "Feature Requests"},
        "PUT",
        f"/post/category/post_category_{A}",
        {"name": "Feature Requests"},
    ),
    (
        "post_categories",
        "delete",
        ("post_category_" + A,),
        {},
        "DELETE",
        f"/post/category/post_category_{A}",
        None,
    ),
    ("post_categories", "list", (), {}, "GET", "/post/category", None),
    (
        "post_tags",
        "create",
        (),
        {"name": "Summer Sale"},
        "POST",
        "/post/tag",
        {"name": "Summer Sale"},
    ),
    (
        "post_tags",
        "get",
        ("post_tag_leBDiFdrUnRmRz4nfopSrv",),
        {},
        "GET",
        "/post/tag/post_tag_leBDiFdrUnRmRz4nfopSrv",
        None,
    ),
    (
        "post_tags",
        "update",
        ("post_tag_" + A,),
        {"name": "Winter"},
        "PUT",
        f"/post/tag/post_tag_{A}",
        {"name": "Winter"},
    ),
    ("post_tags", "delete", ("post_tag_" + A,), {}, "DELETE", f"/post/tag/post_tag_{A}", None),
    ("post_tags", "list", (), {}, "GET", "/post/tag", None),
    # senders and members
    (
        "senders",
        "create",
        (),
        {"name": "John Smith", "email": "john@example.com"},
        "POST",
        "/sender",
        {"name": "John Smith", "email": "john@example.com"},
    ),
    ("senders", "list", (), {}, "GET", "/sender", None),
    ("members", "get", (MEMBER_ID,), {}, "GET", f"/team/member/{MEMBER_ID}", None),
    ("members", "list", (), {}, "GET", "/team/member", None),
    # lists: search, as SendX's spec has it
    ("lists", "list", (), {"search": "news"}, "GET", "/list?offset=0&limit=100&search=news", None),
]


@pytest.mark.parametrize(
    ("family", "method", "args", "kwargs", "verb", "target", "payload"),
    CASES,
    ids=[f"{case[0]}.{case[1]}-{n}" for n, case in enumerate(CASES)],
)
def test_the_request_on_the_wire(
    server: RecordingServer,
    kind: str,
    family: str,
    method: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    verb: str,
    target: str,
    payload: Any,
) -> None:
    [request] = call(kind, server, family, method, *args, **kwargs)
    assert request.request_line == f"{verb} /api/v1/rest{target} HTTP/1.1"
    assert request.body == (b"" if payload is None else _json(payload))
    _headers(request)


def test_names_are_looked_up_as_sendx_lists_them(server: RecordingServer, kind: str) -> None:
    """A post's category and tags by name: each kind listed as SendX lists it (post
    categories and post tags whole, without offset or limit), then the post sent with
    their ids."""
    category, tag = "post_category_" + A, "post_tag_" + B

    def answer(request: RecordedRequest) -> Reply:
        if request.path.endswith("/post/category"):
            return Reply.json([{"id": category, "name": "News"}])
        if request.path.endswith("/post/tag"):
            return Reply.json([{"id": tag, "name": "Summer"}])
        return _answer(request)

    arguments = {"name": "p", "post_title": "P", "post_category": "News"}
    requests = call(
        kind, server, "posts", "create", handler=answer, included_tags=["Summer"], **arguments
    )
    assert [r.request_line for r in requests] == [
        "GET /api/v1/rest/post/category HTTP/1.1",
        "GET /api/v1/rest/post/tag HTTP/1.1",
        "POST /api/v1/rest/post HTTP/1.1",
    ]
    body = {"name": "p", "postTitle": "P", "postCategory": category, "includedTags": [tag]}
    assert requests[-1].body == _json(body)

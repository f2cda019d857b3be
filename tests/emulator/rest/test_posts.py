"""REST blog posts: CRUD with SendX's defaults, references to categories, members and
post tags (checked, kept canonical), unique names (409), paging, team isolation, and a
state machine of posts, categories and post tags against a model."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import urllib3
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from tests.emulator.rest.conftest import Rest

from sendx.emulator import Emulator

POST_ID = re.compile(r"post_[a-zA-Z0-9]{22}")
MINIMAL = {"name": "launch_draft", "postTitle": "Upcoming launch"}


def _owner(rest: Rest) -> str:
    owner: str = rest.ok("GET", "/team/member")[0]["id"]
    return owner


def _full(rest: Rest) -> dict[str, Any]:
    category = rest.create("/post/category", {"name": "Product Updates"})
    summer = rest.create("/post/tag", {"name": "Summer"})
    sale = rest.create("/post/tag", {"name": "Sale"})
    return {
        "name": "summer_collection",
        "postTitle": "Introducing our summer collection",
        "postDescription": "A look at what is new.",
        "postCategory": category["id"],
        "member": _owner(rest),
        "postThumbnail": "https://cdn.example.com/thumb.jpg",
        "postHtml": "<h1>Summer</h1>",
        "postTemplate": "default-blog",
        "isPublished": True,
        "includedTags": [summer["id"], sale["id"]],
        "editorType": 2,
        "postSlug": "introducing-summer",
        "status": 6,
        "pageTitle": "Summer | Blog",
        "pageDescription": "Fresh styles.",
        "pageKeywords": "summer, fashion",
        "socialTitle": "Summer is here",
        "socialDescription": "A sneak peek.",
        "socialImageUrl": "https://cdn.example.com/social.jpg",
    }


def test_create_with_every_property(rest: Rest) -> None:
    body = _full(rest)
    created = rest.create("/post", body)
    assert POST_ID.fullmatch(created["id"])
    assert created == {
        **body,
        "id": created["id"],
        "created": created["created"],
        "updated": created["created"],
    }
    assert rest.ok("GET", "/post/" + created["id"]) == created


def test_a_minimal_post_has_sendx_defaults(rest: Rest) -> None:
    created = rest.create("/post", MINIMAL)
    assert {k: v for k, v in created.items() if k not in ("id", "created", "updated")} == {
        **MINIMAL,
        "postDescription": "",
        "postCategory": None,
        "member": None,
        "postThumbnail": "",
        "postHtml": "",
        "postTemplate": "",
        "isPublished": False,
        "includedTags": [],
        "editorType": 1,
        "postSlug": "",
        "status": 1,
        "pageTitle": "",
        "pageDescription": "",
        "pageKeywords": "",
        "socialTitle": "",
        "socialDescription": "",
        "socialImageUrl": "",
    }


def test_references_without_prefix_are_kept_canonical(rest: Rest) -> None:
    body = _full(rest)
    bare = {
        **body,
        "postCategory": body["postCategory"].removeprefix("post_category_"),
        "member": body["member"].removeprefix("member_"),
        "includedTags": [tag.removeprefix("post_tag_") for tag in body["includedTags"]]
        + [body["includedTags"][0]],  # a repeat is kept once
    }
    created = rest.create("/post", bare)
    assert created["postCategory"] == body["postCategory"]
    assert created["member"] == body["member"]
    assert created["includedTags"] == body["includedTags"]


def test_unknown_references_are_refused(rest: Rest, other: Rest) -> None:
    theirs = other.create("/post/category", {"name": "Theirs"})
    their_tag = other.create("/post/tag", {"name": "Theirs"})
    cases = [
        ({"postCategory": theirs["id"]}, f"postCategory: no post category {theirs['id']}"),
        ({"postCategory": "post_category_" + "A" * 22}, "postCategory: no post category"),
        ({"member": "member_" + "A" * 22}, "member: no team member"),
        ({"member": other.ok("GET", "/team/member")[0]["id"]}, "member: no team member"),
        ({"includedTags": [their_tag["id"]]}, "includedTags: no post tag"),
        ({"includedTags": ["tag_" + "A" * 22]}, "includedTags: 'tag_AAAA"),
        ({"postCategory": "x"}, "postCategory: 'x' is not a valid id"),
    ]
    for extra, says in cases:
        answer = rest.call("POST", "/post", {**MINIMAL, **extra})
        assert answer.status == 400, extra
        assert answer.body["message"].startswith(says), answer.body
    assert rest.ok("GET", "/post") == []


def test_update_is_partial_and_checks_references(rest: Rest) -> None:
    body = _full(rest)
    created = rest.create("/post", body)
    path = "/post/" + created["id"]
    updated = rest.ok("PUT", path, {"postTitle": "New title", "isPublished": False})
    assert updated == {
        **created,
        "postTitle": "New title",
        "isPublished": False,
        "updated": updated["updated"],
    }
    assert rest.ok("GET", path) == updated
    assert rest.call("PUT", path, {"includedTags": ["post_tag_" + "B" * 22]}).status == 400
    assert rest.call("PUT", path, {"member": "member_" + "B" * 22}).status == 400
    assert rest.ok("GET", path) == updated
    cleared = rest.ok("PUT", path, {"postCategory": None, "member": None, "includedTags": []})
    assert (cleared["postCategory"], cleared["member"], cleared["includedTags"]) == (None, None, [])
    # SendX's SDK sends the whole body, its own name included: not a conflict.
    assert (
        rest.ok("PUT", path, {**MINIMAL, "name": body["name"]})["postTitle"] == MINIMAL["postTitle"]
    )


def test_names_are_unique_in_a_team(rest: Rest, other: Rest) -> None:
    a = rest.create("/post", {**MINIMAL, "name": "a"})
    rest.create("/post", {**MINIMAL, "name": "b"})
    taken = rest.call("POST", "/post", {**MINIMAL, "name": "a"})
    assert taken.status == 409
    assert taken.body == {"status": "error", "message": "A post with this name already exists"}
    assert rest.call("PUT", "/post/" + a["id"], {"name": "b"}).status == 409
    assert rest.ok("PUT", "/post/" + a["id"], {"name": "a"})["name"] == "a"
    assert other.create("/post", {**MINIMAL, "name": "a"})["id"] != a["id"]


def test_delete(rest: Rest) -> None:
    created = rest.create("/post", MINIMAL)
    path = "/post/" + created["id"]
    answer = rest.call("DELETE", path)
    assert answer.status == 200
    assert answer.body["status"] == "success"
    for method, body in (("GET", None), ("PUT", {"postTitle": "x"}), ("DELETE", None)):
        assert rest.call(method, path, body).status == 404
    assert rest.ok("GET", "/post") == []
    assert rest.create("/post", MINIMAL)  # the name is free again


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"postTitle": "t"}, 400, "name is required"),
        ({"name": "n"}, 400, "postTitle is required"),
        ({**MINIMAL, "name": ""}, 400, "name"),
        ({**MINIMAL, "postThumbnail": "ftp://x.io/a.png"}, 400, "postThumbnail must be an http"),
        ({**MINIMAL, "socialImageUrl": "not a url"}, 400, "socialImageUrl must be an http"),
        ({**MINIMAL, "editorType": 3}, 400, "editorType"),
        ({**MINIMAL, "status": -1}, 400, "status"),
        ({**MINIMAL, "pageTitle": "t" * 256}, 400, "pageTitle"),
        ({**MINIMAL, "includedTags": "post_tag_x"}, 422, "not in proper format"),
        ({**MINIMAL, "isPublished": "yes"}, 422, "not in proper format"),
        ({**MINIMAL, "status": 1.5}, 422, "not in proper format"),
        ("post", 422, "not in proper format"),
    ],
)
def test_bad_bodies(rest: Rest, body: object, status: int, says: str) -> None:
    answer = rest.call("POST", "/post", body)
    assert (answer.status, answer.body["status"]) == (status, "error")
    assert says in answer.body["message"]
    assert rest.ok("GET", "/post") == []


def test_paging(rest: Rest) -> None:
    names = [f"p{n:02}" for n in range(23)]
    for name in names:
        rest.create("/post", {**MINIMAL, "name": name})
    assert len(rest.ok("GET", "/post")) == 10
    pages = [rest.ok("GET", "/post", offset=o, limit=7) for o in range(0, 30, 7)]
    assert [len(page) for page in pages] == [7, 7, 7, 2, 0]
    assert [p["name"] for page in pages for p in page] == names
    for query in ({"limit": 101}, {"limit": 0}, {"offset": "-1"}):
        assert rest.call("GET", "/post", **query).status == 400


def test_isolation(rest: Rest, other: Rest) -> None:
    mine = rest.create("/post", MINIMAL)
    path = "/post/" + mine["id"]
    for method, body in (("GET", None), ("PUT", {"postTitle": "x"}), ("DELETE", None)):
        assert other.call(method, path, body).status == 404
    assert other.ok("GET", "/post") == []
    assert rest.ok("GET", path) == mine


@pytest.mark.parametrize(
    ("identifier", "status"),
    [("post_x", 400), ("post_category_" + "A" * 22, 404), ("post_" + "A" * 22, 404)],
)
def test_malformed_and_unknown_ids(rest: Rest, identifier: str, status: int) -> None:
    for method, body in (("GET", None), ("PUT", {"postTitle": "x"}), ("DELETE", None)):
        assert rest.call(method, "/post/" + identifier, body).status == status


def test_posts_and_what_they_refer_to_survive_a_restart(
    http: urllib3.PoolManager, tmp_path: Path
) -> None:
    db = tmp_path / "emulator.sqlite3"
    with Emulator(db) as emu:
        rest = Rest(http, emu)
        created = rest.create("/post", _full(rest))
        before = [rest.ok("GET", path) for path in ("/post", "/post/category", "/post/tag")]
    with Emulator(db) as emu:
        rest = Rest(http, emu)
        assert [rest.ok("GET", path) for path in ("/post", "/post/category", "/post/tag")] == before
        assert rest.ok("GET", "/post/" + created["id"]) == created


def test_a_key_is_required(rest: Rest) -> None:
    anonymous = rest.as_key(None)
    assert anonymous.call("GET", "/post").status == 401
    assert anonymous.call("POST", "/post", MINIMAL).status == 401
    assert anonymous.call("GET", "/post/post_" + "A" * 22).status == 401


# A model of posts and what they refer to, against the emulator, step by step.

NAMES = ["a", "b", "c"]


class PostsMatchModel(RuleBasedStateMachine):
    """Categories, post tags and posts created, renamed and deleted in any order: a
    post's references are checked when it is written (400 for one that names nothing,
    before its name is checked) and follow deletes; names conflict per kind."""

    rest: Rest

    def __init__(self) -> None:
        super().__init__()
        assert (
            self.rest.http.request(
                "POST",
                self.rest.emu.control_url + "/reset",
                headers={"Content-Type": "application/json"},
            ).status
            == 200
        )
        self.kinds: dict[str, dict[str, str]] = {"category": {}, "tag": {}}  # id -> name
        self.posts: dict[str, dict[str, Any]] = {}
        self.gone: list[str] = []  # ids of deleted categories and tags

    # Categories and post tags

    @rule(kind=st.sampled_from(["category", "tag"]), name=st.sampled_from(NAMES))
    def create(self, kind: str, name: str) -> None:
        answer = self.rest.call("POST", f"/post/{kind}", {"name": name})
        if name in self.kinds[kind].values():
            assert answer.status == (409 if kind == "category" else 403)
        else:
            assert answer.status == 201, answer.body
            self.kinds[kind][answer.body["id"]] = name

    @precondition(lambda self: self.kinds["category"] or self.kinds["tag"])
    @rule(data=st.data(), name=st.sampled_from(NAMES))
    def rename(self, data: st.DataObject, name: str) -> None:
        kind = data.draw(st.sampled_from([k for k in self.kinds if self.kinds[k]]))
        item = data.draw(st.sampled_from(list(self.kinds[kind])))
        answer = self.rest.call("PUT", f"/post/{kind}/{item}", {"name": name})
        names = self.kinds[kind]
        if any(n == name and i != item for i, n in names.items()):
            assert answer.status == 409
        else:
            assert answer.status == 200, answer.body
            names[item] = name

    @precondition(lambda self: self.kinds["category"] or self.kinds["tag"])
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        kind = data.draw(st.sampled_from([k for k in self.kinds if self.kinds[k]]))
        item = data.draw(st.sampled_from(list(self.kinds[kind])))
        assert self.rest.call("DELETE", f"/post/{kind}/{item}").status == 200
        del self.kinds[kind][item]
        self.gone.append(item)
        for post in self.posts.values():
            if post["postCategory"] == item:
                post["postCategory"] = None
            post["includedTags"] = [t for t in post["includedTags"] if t != item]

    # Posts

    def _refs(self, data: st.DataObject) -> dict[str, Any]:
        categories = [None, *self.kinds["category"], *self.gone[-2:]]
        tags = [*self.kinds["tag"], *self.gone[-2:]]
        return {
            "postCategory": data.draw(st.sampled_from(categories)),
            "includedTags": data.draw(st.lists(st.sampled_from(tags), max_size=3)) if tags else [],
        }

    def _known(self, refs: dict[str, Any]) -> bool:
        category = refs["postCategory"]
        return (category is None or category in self.kinds["category"]) and all(
            tag in self.kinds["tag"] for tag in refs["includedTags"]
        )

    @rule(data=st.data(), name=st.sampled_from(NAMES))
    def create_post(self, data: st.DataObject, name: str) -> None:
        refs = self._refs(data)
        answer = self.rest.call("POST", "/post", {"name": name, "postTitle": "T", **refs})
        if not self._known(refs):
            assert answer.status == 400
        elif any(post["name"] == name for post in self.posts.values()):
            assert answer.status == 409
        else:
            assert answer.status == 201, answer.body
            tags = list(dict.fromkeys(refs["includedTags"]))
            self.posts[answer.body["id"]] = {"name": name, **refs, "includedTags": tags}

    @precondition(lambda self: self.posts)
    @rule(data=st.data())
    def update_post(self, data: st.DataObject) -> None:
        post = data.draw(st.sampled_from(list(self.posts)))
        refs = self._refs(data)
        answer = self.rest.call("PUT", "/post/" + post, refs)
        if not self._known(refs):
            assert answer.status == 400
        else:
            assert answer.status == 200, answer.body
            self.posts[post].update(refs, includedTags=list(dict.fromkeys(refs["includedTags"])))

    @precondition(lambda self: self.posts)
    @rule(data=st.data())
    def delete_post(self, data: st.DataObject) -> None:
        post = data.draw(st.sampled_from(list(self.posts)))
        assert self.rest.call("DELETE", "/post/" + post).status == 200
        del self.posts[post]

    @invariant()
    def same_state(self) -> None:
        posts = self.rest.ok("GET", "/post", limit=100)
        got = {p["id"]: {k: p[k] for k in ("name", "postCategory", "includedTags")} for p in posts}
        assert got == self.posts
        for kind, names in self.kinds.items():
            assert {c["id"]: c["name"] for c in self.rest.ok("GET", f"/post/{kind}")} == names


def test_posts_match_the_model(rest: Rest) -> None:
    PostsMatchModel.rest = rest
    run_state_machine_as_test(
        PostsMatchModel,
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
            database=None,
        ),
    )

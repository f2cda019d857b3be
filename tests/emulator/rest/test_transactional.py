"""REST transactional email: /send/email and /send/template capture one message per
recipient (never sent), render placeholders, and show in the control plane."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
import urllib3
from tests.emulator._helpers import Api
from tests.emulator.rest.conftest import Rest

from sendx.emulator import Emulator

MESSAGE_ID = re.compile(r"message_[a-zA-Z0-9]{22}")
SENDER = {"email": "shop@x.io", "name": "The Shop"}


def messages(api: Api, rest: Rest, **query: Any) -> list[dict[str, Any]]:
    """The team's captured messages, newest first."""
    status, answer = api.control("GET", "/messages", team_id=rest.team_id, **query)
    assert status == 200, answer
    return answer["messages"]  # type: ignore[no-any-return]


def email(to: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"from": SENDER, "to": to, "subject": "Hello", "htmlBody": "<p>Hi</p>", **extra}


def template(rest: Rest, **extra: Any) -> dict[str, Any]:
    body = {
        "name": "Welcome",
        "subject": "Welcome, {{firstName}}",
        "htmlContent": "<p>{{company}} & {{customFields.Plan}}</p>",
        "textContent": "Hi {{firstName}} of {{company}}",
        "preheader": "For {{email}}",
        **extra,
    }
    return rest.create("/template/email", body)  # type: ignore[no-any-return]


def test_one_message_per_recipient_answered_in_order(rest: Rest, api: Api) -> None:
    before = int(time.time())
    answer = rest.ok(
        "POST",
        "/send/email",
        email(
            [
                {"email": "ann@x.io", "name": "Ann", "cc": ["c1@x.io"], "bcc": ["b1@x.io"]},
                {"email": "Bob@Y.io"},
            ],
            textBody="Plain",
            replyTo={"email": "help@x.io"},
            headers={"X-Campaign": "welcome"},
        ),
    )
    assert [a["to"] for a in answer] == ["ann@x.io", "Bob@Y.io"]
    for one in answer:
        assert set(one) == {"to", "submittedAt", "messageId", "errorCode", "message"}
        assert MESSAGE_ID.fullmatch(one["messageId"])
        assert one["errorCode"] == 0
        assert isinstance(one["submittedAt"], int)
        assert before <= one["submittedAt"] <= int(time.time())
    bob, ann = messages(api, rest)  # newest first: the second recipient's is last made
    assert [ann["id"], bob["id"]] == [one["messageId"] for one in answer]
    assert ann["to"] == {"email": "ann@x.io", "name": "Ann"}
    assert (ann["cc"], ann["bcc"]) == (["c1@x.io"], ["b1@x.io"])
    assert bob["to"] == {"email": "Bob@Y.io", "name": None}
    assert ann["from"] == SENDER
    assert ann["reply_to"] == {"email": "help@x.io", "name": None}
    assert ann["headers"] == {"X-Campaign": "welcome"}
    assert (ann["subject"], ann["html"], ann["text"]) == ("Hello", "<p>Hi</p>", "Plain")
    assert ann["team_id"] == rest.team_id
    assert ann["campaign_id"] is None
    assert ann["template_id"] is None
    assert ann["contact_id"] is None  # no contact at that address, and none is made
    assert ann["submitted_at"] == answer[0]["submittedAt"]
    assert ann["events"] == []
    assert rest.ok("GET", "/contact") == []
    assert api.control("GET", "/messages/" + ann["id"]) == (200, ann)


def test_placeholders_render_the_contact_and_the_body_values(rest: Rest, api: Api) -> None:
    rest.ok(
        "POST",
        "/contact/identify",
        {
            "email": "ann@x.io",
            "firstName": "Ann <&>",
            "lastName": "Lee",
            "company": "Acme",
            "customFields": {"Plan": "pro", "Account Type": "gold"},
        },
    )
    contact = rest.ok("GET", "/contact/ann@x.io")
    html = (
        "<p>{{firstName}}|{{ lastName }}|{{contact.company}}|{{email}}|{{name}}|{{Plan}}|"
        "{{customFields.Account Type}}|{{nothing}}|{{customFields.firstName}}</p>"
    )
    body = email(
        [
            {"email": "ANN@x.io"},
            {"email": "bob@x.io", "name": "Bob B", "customFields": {"Plan": "free"}},
            {"email": "cy@x.io", "customFields": {"firstName": "Cy"}},
        ],
        subject="Hi {{firstName}} <{{Plan}}>",
        htmlBody=html,
        textBody="{{firstName}} & {{customFields.Plan}}",
    )
    rest.ok("POST", "/send/email", body)
    cy, bob, ann = messages(api, rest)
    assert ann["contact_id"] == contact["id"]
    assert ann["subject"] == "Hi Ann <&> <pro>"  # subjects and text bodies: as they are
    assert ann["text"] == "Ann <&> & pro"
    assert ann["html"] == (
        "<p>Ann &lt;&amp;&gt;|Lee|Acme|ANN@x.io|Ann &lt;&amp;&gt; Lee|pro|gold||</p>"
    )
    assert bob["contact_id"] is None
    assert bob["html"] == "<p>|||bob@x.io|Bob B|free|||</p>"  # the body's customFields
    assert bob["subject"] == "Hi  <free>"
    assert cy["html"] == "<p>Cy|||cy@x.io|||||Cy</p>"  # the body's values come first
    # The values are kept: a later change of the contact does not change the message.
    rest.ok("PUT", "/contact/" + contact["id"], {"email": "ann@x.io", "firstName": "Zed"})
    assert api.control("GET", "/messages/" + ann["id"])[1]["subject"] == "Hi Ann <&> <pro>"


def test_send_template_uses_the_template(rest: Rest, api: Api, other: Rest) -> None:
    rest.ok(
        "POST", "/contact/identify", {"email": "ann@x.io", "firstName": "Ann", "company": "A&B"}
    )
    made = template(rest)
    answer = rest.ok(
        "POST",
        "/send/template",
        {"from": SENDER, "to": [{"email": "ann@x.io"}], "subject": "", "template": made["id"]},
    )
    [message] = messages(api, rest)
    assert message["id"] == answer[0]["messageId"]
    assert message["template_id"] == made["id"]
    assert message["subject"] == "Welcome, Ann"  # an empty subject keeps the template's
    assert message["html"] == "<p>A&amp;B & </p>"
    assert message["text"] == "Hi Ann of A&B"
    assert message["preheader"] == "For ann@x.io"
    core = made["id"].removeprefix("template_")  # the id without its prefix, as SendX takes
    body = {"from": SENDER, "to": [{"email": "bo@x.io"}], "subject": "Sale", "template": core}
    rest.ok("POST", "/send/template", body)
    assert messages(api, rest)[0]["subject"] == "Sale"
    # Another team does not reach this template.
    missing = other.call("POST", "/send/template", {**body, "template": made["id"]})
    assert missing.status == 404
    assert made["id"] in missing.body["message"]
    assert messages(api, other) == []


def test_send_email_records_a_template_it_names(rest: Rest, api: Api) -> None:
    made = template(rest)
    rest.ok("POST", "/send/email", email([{"email": "a@x.io"}], template=made["id"]))
    [message] = messages(api, rest)
    assert message["template_id"] == made["id"]
    assert message["html"] == "<p>Hi</p>"  # its own bodies, not the template's
    missing = rest.call(
        "POST", "/send/email", email([{"email": "a@x.io"}], template="template_" + "x" * 22)
    )
    assert missing.status == 404


@pytest.mark.parametrize(
    ("path", "body", "status", "words"),
    [
        (
            "/send/email",
            {"to": [{"email": "a@x.io"}], "subject": "s", "htmlBody": "h"},
            400,
            "from is required",
        ),
        ("/send/email", email([]), 400, "length >= 1"),
        ("/send/email", email([{"email": "nobody"}]), 400, "to[0].email"),
        (
            "/send/email",
            email([{"email": "a@x.io"}, {"email": "b@x.io", "cc": ["x@"]}]),
            400,
            "to[1].cc[0]",
        ),
        ("/send/email", email([{"email": "a@x.io", "bcc": ["a b@x.io"]}]), 400, "to[0].bcc[0]"),
        ("/send/email", email([{"email": "a@x.io"}], replyTo={"email": "r"}), 400, "replyTo.email"),
        (
            "/send/email",
            {**email([{"email": "a@x.io"}]), "from": {"email": "f@"}},
            400,
            "from.email",
        ),
        (
            "/send/email",
            email([{"email": "a@x.io"}], headers={"Bad Name": "v"}),
            400,
            "header name",
        ),
        (
            "/send/email",
            email([{"email": "a@x.io"}], headers={"X-A": "v\r\nBcc: x@y.io"}),
            400,
            "line break",
        ),
        ("/send/email", email([{"email": "a@x.io"}], template="nope"), 400, "template"),
        ("/send/email", email([{"email": "a@x.io"}], subject=1), 422, "proper format"),
        ("/send/email", email([{"email": "a@x.io", "cc": ["c@x.io"] * 51}]), 400, "length <= 50"),
        (
            "/send/template",
            {"from": SENDER, "to": [{"email": "a@x.io"}], "subject": "s"},
            400,
            "template is required",
        ),
        (
            "/send/template",
            {"from": SENDER, "to": [], "subject": "s", "template": "template_" + "a" * 22},
            400,
            "length >= 1",
        ),
    ],
)
def test_bad_bodies_are_refused_and_capture_nothing(
    rest: Rest, api: Api, path: str, body: dict[str, Any], status: int, words: str
) -> None:
    answer = rest.call("POST", path, body)
    assert answer.status == status, answer.body
    assert answer.body["status"] == "error"
    assert words in answer.body["message"]
    assert "a@x.io" not in answer.body["message"]  # addresses are never echoed whole
    assert messages(api, rest) == []


def test_not_json_and_no_key(rest: Rest) -> None:
    assert rest.call("POST", "/send/email", raw=b"{").status == 422
    assert rest.as_key(None).call("POST", "/send/email", email([{"email": "a@x.io"}])).status == 401


def test_messages_filtered_by_recipient_and_paged(rest: Rest, api: Api, other: Rest) -> None:
    to = [{"email": f"r{n:02}@x.io"} for n in range(25)]
    sent = rest.ok("POST", "/send/email", email(to))
    rest.ok("POST", "/send/email", email([{"email": "R03@X.io"}]))
    other.ok("POST", "/send/email", email([{"email": "r03@x.io"}]))
    ids = [one["messageId"] for one in sent]
    everything = messages(api, rest, limit=1000)
    assert len(everything) == 26
    assert [m["id"] for m in everything[1:]] == ids[::-1]
    paged = [
        m["id"] for offset in range(0, 30, 10) for m in messages(api, rest, offset=offset, limit=10)
    ]
    assert paged == [m["id"] for m in everything]
    assert len(messages(api, rest)) == 26  # default limit 100
    mine = messages(api, rest, to="r03@X.IO")
    assert [m["to"]["email"] for m in mine] == ["R03@X.io", "r03@x.io"]
    assert [m["team_id"] for m in messages(api, other, to="r03@x.io")] == [other.team_id]
    assert api.control("GET", "/messages", team_id="no-such-team") == (200, {"messages": []})
    for query, problem in (
        ({}, "team_id"),
        ({"team_id": rest.team_id, "limit": "1001"}, "limit"),
        ({"team_id": rest.team_id, "offset": "-1"}, "offset"),
    ):
        status, answer = api.control("GET", "/messages", **query)
        assert status == 400
        assert problem in answer["message"]


def test_message_lookup_errors(api: Api) -> None:
    assert api.control("GET", "/messages/message_" + "a" * 22)[0] == 404
    assert api.control("GET", "/messages/nope")[0] == 404
    assert api.control("GET", "/messages/x/y/z")[0] == 404
    wrong = api.http.request("DELETE", api.emu.control_url + "/messages/message_" + "a" * 22)
    assert (wrong.status, wrong.headers["allow"]) == (405, "GET")


def test_reset_forgets_messages(rest: Rest, api: Api, other: Rest) -> None:
    rest.ok("POST", "/send/email", email([{"email": "a@x.io"}]))
    other.ok("POST", "/send/email", email([{"email": "a@x.io"}]))
    [kept] = messages(api, other)
    assert api.control("POST", "/reset", team_id=rest.team_id)[0] == 200
    assert messages(api, rest) == []
    assert messages(api, other) == [kept]
    assert api.control("POST", "/reset")[0] == 200
    assert messages(api, other) == []
    assert api.control("GET", "/messages/" + kept["id"])[0] == 404


def test_messages_persist_across_restarts(tmp_path: Any, http: Any) -> None:
    db = tmp_path / "emulator.db"
    with Emulator(db) as emu:
        first = Rest(http, emu)
        first.ok(
            "POST",
            "/send/email",
            email([{"email": "a@x.io"}, {"email": "b@x.io"}], htmlBody="{{email}}"),
        )
        before = Api(http, emu).control("GET", "/messages", team_id=first.team_id)[1]
    with Emulator(db) as emu:
        again = Rest(http, emu)
        after = Api(http, emu).control("GET", "/messages", team_id=again.team_id)[1]
        assert after == before
        assert [m["html"] for m in after["messages"]] == ["b@x.io", "a@x.io"]
        again.ok("POST", "/send/email", email([{"email": "c@x.io"}]))  # new ids and contents
        assert (
            len(Api(http, emu).control("GET", "/messages", team_id=again.team_id)[1]["messages"])
            == 3
        )


@pytest.mark.parametrize(("when", "captured"), [("before", 0), ("after", 1)])
def test_a_dropped_connection_captures_before_or_not(
    emu: Emulator, api: Api, rest: Rest, when: str, captured: int
) -> None:
    """A REST request dropped ``before`` applies nothing; ``after`` captures the mail,
    commits, then closes the connection without an answer (as for v1)."""
    status, _ = api.control(
        "PUT", "/faults", {"faults": [{"path": "/api/v1/rest/send", "drop": when, "times": 1}]}
    )
    assert status == 200
    with pytest.raises(urllib3.exceptions.ProtocolError):
        rest.http.request(
            "POST",
            rest.base + "/send/email",
            body=json.dumps(email([{"email": "ann@x.io"}])).encode(),
            headers={"X-Team-ApiKey": rest.key or "", "Content-Type": "application/json"},
            retries=False,
        )
    assert len(messages(api, rest)) == captured
    assert rest.call("POST", "/send/email", email([{"email": "bob@x.io"}])).status == 200

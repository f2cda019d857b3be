"""``sendx tags``, ``custom-fields``, ``templates``, ``webhooks`` and ``send`` against
the emulator, over real sockets."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from tests.cli.conftest import Cli
from tests.cli.test_rest_commands import lines, pairs, table

from sendx.testing import ControlPlane


def control(cli: Cli) -> ControlPlane:
    """The control plane, as the team that the test's key made over REST."""
    team = "rest-" + hashlib.sha256(cli.key.encode()).hexdigest()[:16]
    return ControlPlane(cli.emulator.control_url, team)


# Tags and custom fields


def test_tags(cli: Cli) -> None:
    made = pairs(cli("tags", "create", "vip").out)
    assert re.fullmatch(r"tag_[A-Za-z0-9]{22}", made["id"])
    cli("tags", "create", "trial")
    rows = table(cli("tags", "list").out)
    assert [row["NAME"] for row in rows] == ["vip", "trial"]
    assert rows[0]["ID"] == made["id"]
    assert [item["name"] for item in lines(cli("tags", "list", "--limit", "1", "--json").out)] == [
        "vip"
    ]
    assert pairs(cli("tags", "update", "vip", "--name", "VIP").out)["name"] == "VIP"
    assert lines(cli("tags", "get", made["id"], "--json").out)[0]["name"] == "VIP"
    taken = cli("tags", "create", "trial")
    assert taken.code == 1
    assert taken.err.startswith("sendx: error: SendX answered 403")
    assert cli("tags", "delete", "VIP").err == "deleted the tag VIP\n"
    assert [row["NAME"] for row in table(cli("tags", "list").out)] == ["trial"]


def test_custom_fields_types_and_descriptions(cli: Cli) -> None:
    created = cli("custom-fields", "create", "Plan", "--description", "the plan", "--json")
    (plan,) = lines(created.out)
    assert (plan["name"], plan["type"], plan["description"]) == ("Plan", 0, "the plan")
    seats = lines(cli("custom-fields", "create", "Seats", "--type", "number", "--json").out)[0]
    assert seats["type"] == 1
    rows = table(cli("custom-fields", "list").out)
    assert [(row["NAME"], row["TYPE"], row["DESCRIPTION"]) for row in rows] == [
        ("Plan", "text", "the plan"),
        ("Seats", "number", ""),
    ]
    found = cli("custom-fields", "list", "--search", "sea", "--json")
    assert [item["name"] for item in lines(found.out)] == ["Seats"]
    changed = cli("custom-fields", "update", "Plan", "--type", "date", "--json")
    assert lines(changed.out)[0]["type"] == 2
    assert lines(changed.out)[0]["description"] == "the plan"  # kept
    assert cli("custom-fields", "get", plan["id"]).code == 0
    bad = cli("custom-fields", "create", "X", "--type", "colour")
    assert bad.code == 2
    assert "invalid choice: 'colour'" in bad.err
    assert cli("custom-fields", "delete", "Seats").code == 0
    # A contact's field set by name goes through the lookup of fields.
    made = cli("contacts", "create", "ann@x.io", "--field", "Plan=2026-01-31", "--json")
    assert lines(made.out)[0]["custom_fields"] == {"field_" + plan["id"][13:]: "2026-01-31"}


def test_lists_search(cli: Cli) -> None:
    for name in ("Newsletter", "News flash", "Customers"):
        cli("lists", "create", name)
    found = cli("lists", "list", "--search", "news", "--json")
    assert [item["name"] for item in lines(found.out)] == ["Newsletter", "News flash"]


# Templates


def test_templates_read_their_bodies_from_files(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    html = tmp_path / "welcome.html"
    html.write_text("<p>Hello {{firstName}}, welcome \u00e0 bord</p>\n", encoding="utf-8")
    text = tmp_path / "welcome.txt"
    text.write_text("Hello\n", encoding="utf-8")
    made = cli(
        "templates",
        "create",
        "Welcome",
        "--subject",
        "Welcome!",
        "--html",
        str(html),
        "--text",
        str(text),
        "--preheader",
        "Glad you came",
        "--tag",
        "onboarding",
        "--json",
    )
    assert made.code == 0, made.err
    (template,) = lines(made.out)
    assert template["html_code"] == html.read_text(encoding="utf-8")
    assert (template["text_content"], template["preheader"]) == ("Hello\n", "Glad you came")
    assert template["tags"] == ["onboarding"]
    assert "_html_content" not in template
    shown = pairs(cli("templates", "get", "Welcome").out)
    assert shown["html_code"] == "<p>Hello {{firstName}}, welcome \u00e0 bord</p>\\n"
    rows = table(cli("templates", "list").out)
    assert [(row["NAME"], row["SUBJECT"]) for row in rows] == [("Welcome", "Welcome!")]

    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("<p>Bye</p>"))
    changed = cli("templates", "update", "Welcome", "--html", "-", "--name", "Farewell", "--json")
    assert lines(changed.out)[0]["html_code"] == "<p>Bye</p>"
    assert lines(changed.out)[0]["subject"] == "Welcome!"  # kept
    assert cli("templates", "list", "--search", "fare", "--json").out.count("\n") == 1
    assert cli("templates", "delete", "Farewell").err == "deleted the template Farewell\n"


def test_a_body_file_that_cannot_be_read_exits_2(cli: Cli, tmp_path: Path) -> None:
    missing = cli("templates", "create", "W", "--subject", "S", "--html", str(tmp_path / "no"))
    assert missing.code == 2
    assert "argument --html: cannot read" in missing.err
    assert "No such file or directory" in missing.err
    latin = tmp_path / "latin.html"
    latin.write_bytes("<p>\u00e9</p>".encode("latin-1"))
    undecodable = cli("templates", "create", "W", "--subject", "S", "--html", str(latin))
    assert (undecodable.code, "utf-8" in undecodable.err) == (2, True)


# Webhooks


def test_webhooks(cli: Cli) -> None:
    made = cli(
        "webhooks",
        "create",
        "http://127.0.0.1:9/hook",
        "--event",
        "opened",
        "--event",
        "marked-spam",
        "--json",
    )
    (hook,) = lines(made.out)
    assert (hook["opened"], hook["marked_spam"], hook["clicked"], hook["enabled"]) == (
        True,
        True,
        False,
        True,
    )
    rows = table(cli("webhooks", "list").out)
    assert [(row["URL"], row["ENABLED"], row["EVENTS"]) for row in rows] == [
        ("http://127.0.0.1:9/hook", "yes", "opened, marked-spam")
    ]
    changed = cli(
        "webhooks", "update", hook["id"], "--disable", "--event", "clicked", "--no-event", "opened"
    )
    shown = pairs(changed.out)
    assert (shown["enabled"], shown["clicked"], shown["opened"], shown["marked_spam"]) == (
        "no",
        "yes",
        "no",
        "yes",
    )
    contradiction = cli(
        "webhooks", "update", hook["id"], "--event", "opened", "--no-event", "opened"
    )
    assert contradiction.code == 2
    assert "--event and --no-event both name opened" in contradiction.err
    off = cli("webhooks", "create", "http://127.0.0.1:9/other", "--disabled", "--json")
    assert lines(off.out)[0]["enabled"] is False
    assert cli("webhooks", "delete", hook["id"]).code == 0
    assert [row["URL"] for row in table(cli("webhooks", "list").out)] == [
        "http://127.0.0.1:9/other"
    ]


# Send


def test_send_html_to_each_recipient(cli: Cli, tmp_path: Path) -> None:
    html = tmp_path / "hi.html"
    html.write_text("<p>Hi {{name}}</p>", encoding="utf-8")
    text = tmp_path / "hi.txt"
    text.write_text("Hi", encoding="utf-8")
    sent = cli(
        "send",
        "--from",
        "Shop <shop@x.io>",
        "--to",
        "ann@x.io",
        "--to",
        "Bob Lee <bob@x.io>",
        "--subject",
        "Hello",
        "--html",
        str(html),
        "--text",
        str(text),
        "--reply-to",
        "help@x.io",
        "--header",
        "X-Campaign: spring",
    )
    assert (sent.code, sent.err) == (0, "")
    rows = table(sent.out)
    assert [(row["TO"], row["ERROR_CODE"], row["MESSAGE"]) for row in rows] == [
        ("ann@x.io", "0", "Message queued"),
        ("bob@x.io", "0", "Message queued"),
    ]
    messages = control(cli).messages()
    assert [message["id"] for message in messages] == [row["MESSAGE_ID"] for row in rows]
    bob = messages[1]
    assert bob["to"] == {"email": "bob@x.io", "name": "Bob Lee"}
    assert bob["from"] == {"email": "shop@x.io", "name": "Shop"}
    assert (bob["html"], bob["text"], bob["subject"]) == ("<p>Hi Bob Lee</p>", "Hi", "Hello")
    assert bob["headers"] == {"X-Campaign": "spring"}
    assert bob["reply_to"]["email"] == "help@x.io"


def test_send_a_template_by_name(cli: Cli, tmp_path: Path) -> None:
    html = tmp_path / "t.html"
    html.write_text("<p>Welcome</p>", encoding="utf-8")
    cli("templates", "create", "Welcome", "--subject", "Welcome!", "--html", str(html))
    sent = cli(
        "send", "--from", "shop@x.io", "--to", "ann@x.io", "--subject", "Hi", "--template",
        "Welcome", "--json",
    )  # fmt: skip
    assert sent.code == 0, sent.err
    (result,) = lines(sent.out)
    (message,) = control(cli).messages(to="ann@x.io")
    assert message["id"] == result["message_id"]
    assert (message["html"], message["subject"]) == ("<p>Welcome</p>", "Hi")
    unknown = cli(
        "send", "--from", "shop@x.io", "--to", "ann@x.io", "--subject", "Hi", "--template", "Nope"
    )
    assert unknown.code == 2
    assert "no template named 'Nope'" in unknown.err


def test_send_usage_errors_exit_2_before_any_call(cli: Cli, tmp_path: Path) -> None:
    html = tmp_path / "hi.html"
    html.write_text("<p>Hi</p>", encoding="utf-8")
    common = ["send", "--from", "shop@x.io", "--subject", "S"]
    for argv, says in (
        ([*common, "--html", str(html)], "the following arguments are required: --to"),
        ([*common, "--to", "a@x.io"], "one of the arguments --html --template is required"),
        ([*common, "--to", "a@x.io", "--html", str(html), "--template", "T"], "not allowed"),
        ([*common, "--to", "a@x.io", "--template", "T", "--header", "A: b"], "--header goes"),
        ([*common, "--to", "a@x.io", "--html", str(html), "--header", "nocolon"], "NAME: VALUE"),
        ([*common, "--to", "not an address", "--html", str(html)], "to"),
    ):
        result = cli(*argv)
        assert (result.code, result.out) == (2, ""), argv
        assert says in result.err, (argv, result.err)
    assert control(cli).messages() == []


def test_a_send_is_not_retried_where_sendx_may_have_sent_it(cli: Cli, tmp_path: Path) -> None:
    """A 500 to a send exits 1, and the send was made once: a retry might send the email
    twice. A 503 (SendX says it did not take it) is retried, and the email goes once."""
    html = tmp_path / "hi.html"
    html.write_text("<p>Hi</p>", encoding="utf-8")
    plane = control(cli)
    argv = [
        "send",
        "--from",
        "shop@x.io",
        "--to",
        "ann@x.io",
        "--subject",
        "S",
        "--html",
        str(html),
    ]
    try:
        path = "/api/v1/rest/send/email"
        plane.set_faults([{"method": "POST", "path": path, "status": 500, "times": 1}])
        failed = cli(*argv)
        assert failed.code == 1
        assert failed.err.startswith("sendx: error: SendX answered 500")
        assert plane.faults() == []  # used once: no second attempt
        plane.set_faults([{"method": "POST", "path": path, "status": 503, "times": 1}])
        assert cli(*argv).code == 0
        assert len(plane.messages(to="ann@x.io")) == 1
    finally:
        plane.set_faults([])

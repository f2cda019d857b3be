"""``sendx contacts ...`` and ``sendx lists ...`` against the emulator, over real
sockets: what each command sends (seen in the emulator's state), prints and exits with."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from typing import Any

import pytest
from tests.cli.conftest import Cli


def table(text: str) -> list[dict[str, str]]:
    """A printed table as rows keyed by the header's names, each cell cut at the column
    where its header starts: so a row that is not aligned under its header fails."""
    header, *lines = text.splitlines()
    starts = [match.start() for match in re.finditer(r"\S+", header)]
    names = header.split()
    rows = []
    for line in lines:
        cells = [
            line[start : starts[index + 1] if index + 1 < len(starts) else None]
            for index, start in enumerate(starts)
        ]
        rows.append(dict(zip(names, (cell.strip() for cell in cells), strict=True)))
    return rows


def pairs(text: str) -> dict[str, str]:
    """A printed object (two columns) as a dict; indented rows keep their indent."""
    rows = {}
    for line in text.splitlines():
        indent = "  " if line.startswith("  ") else ""
        key, _, value = line[len(indent) :].partition("  ")
        rows[indent + key] = value.strip()
    return rows


def lines(text: str) -> list[Any]:
    """JSON lines, decoded."""
    return [json.loads(line) for line in text.splitlines()]


# Lists


def test_lists_create_list_get_update_delete(cli: Cli) -> None:
    created = cli("lists", "create", "Newsletter")
    assert (created.code, created.err) == (0, "")
    shown = pairs(created.out)
    assert shown["name"] == "Newsletter"
    assert re.fullmatch(r"list_[A-Za-z0-9]{22}", shown["id"])
    assert list(shown) == ["id", "name", "type", "created", "updated"]
    second = lines(cli("lists", "create", "Customers", "--json").out)
    assert [item["name"] for item in second] == ["Customers"]

    listed = cli("lists", "list")
    assert listed.code == 0
    assert listed.out.splitlines()[0].split() == ["ID", "NAME", "TYPE", "CREATED"]
    rows = table(listed.out)
    assert [(row["ID"], row["NAME"], row["TYPE"]) for row in rows] == [
        (shown["id"], "Newsletter", "0"),
        (second[0]["id"], "Customers", "0"),
    ]
    assert rows[0]["CREATED"] == shown["created"]

    by_name = lines(cli("lists", "get", "Newsletter", "--json").out)
    assert by_name == lines(cli("lists", "get", shown["id"], "--json").out)
    assert by_name[0]["id"] == shown["id"]
    assert set(by_name[0]) == {"id", "name", "type", "created", "updated"}

    renamed = cli("lists", "update", "Newsletter", "--name", "Weekly", "--json")
    assert lines(renamed.out)[0]["name"] == "Weekly"
    deleted = cli("lists", "delete", "Weekly")
    assert (deleted.code, deleted.out, deleted.err) == (0, "", "deleted the list Weekly\n")
    assert [row["NAME"] for row in table(cli("lists", "list").out)] == ["Customers"]


def test_an_empty_list_prints_its_header_only(cli: Cli) -> None:
    assert cli("lists", "list").out == "ID  NAME  TYPE  CREATED\n"
    assert cli("lists", "list", "--json").out == ""


def test_delete_with_json_prints_sendx_answer(cli: Cli) -> None:
    cli("lists", "create", "Old")
    deleted = cli("lists", "delete", "Old", "--json")
    assert deleted.code == 0
    assert lines(deleted.out)[0]["status"] == "success"
    assert deleted.err == ""


# Contacts


@pytest.fixture
def catalogue(cli: Cli) -> Cli:
    """The team has the list Newsletter, the tags vip and trial and the custom field
    Plan (v1's identify makes tags and fields by name; it comes first, so that the key
    is bound to the team of SENDX_TEAM_ID over REST too)."""
    made = cli("identify", "seed@x.io", "--tag", "vip", "--tag", "trial", "--field", "Plan=free")
    assert made.code == 0, made.err
    assert cli("lists", "create", "Newsletter").code == 0
    assert cli("contacts", "delete", "seed@x.io").code == 0
    return cli


def test_contacts_create_resolves_names_and_prints_the_contact(catalogue: Cli) -> None:
    cli = catalogue
    created = cli(
        "contacts",
        "create",
        "ann@x.io",
        "--first-name",
        "Ann",
        "--last-name",
        "Lee",
        "--company",
        "Acme",
        "--list",
        "Newsletter",
        "--tag",
        "vip",
        "--field",
        "Plan=pro",
        "--last-tracked-ip",
        "10.0.0.1",
    )
    assert (created.code, created.err) == (0, "")
    shown = pairs(created.out)
    assert shown["email"] == "ann@x.io"
    assert (shown["first_name"], shown["last_name"], shown["company"]) == ("Ann", "Lee", "Acme")
    assert shown["last_tracked_ip"] == "10.0.0.1"
    assert shown["unsubscribed"] == "no"
    with cli.client() as client:
        contact = client.contacts.get("ann@x.io")
        (plan,) = contact.custom_fields.items()
        assert plan[1] == "pro"
        assert shown[f"  {plan[0]}"] == "pro"  # custom fields follow, indented
        assert contact.lists == [client.lists.get("Newsletter").id]
        assert shown["lists"] == contact.lists[0]
        assert len(contact.tags) == 1
    assert shown["tags"] == contact.tags[0]


def test_contacts_update_replaces_tags_and_lists(catalogue: Cli) -> None:
    cli = catalogue
    cli("contacts", "create", "ann@x.io", "--tag", "vip", "--list", "Newsletter")
    updated = cli("contacts", "update", "ann@x.io", "--tag", "trial", "--no-lists", "--json")
    assert updated.code == 0, updated.err
    (contact,) = lines(updated.out)
    assert contact["lists"] == []
    assert len(contact["tags"]) == 1
    with cli.client() as client:
        assert client.contacts.get("ann@x.io").tags == contact["tags"]
        renamed = cli("contacts", "update", contact["id"], "--email", "ann@y.io", "--no-tags")
        assert pairs(renamed.out)["email"] == "ann@y.io"
        assert client.contacts.get(contact["id"]).tags == []
        assert pairs(renamed.out)["first_name"] == ""  # never set: shown empty


def test_update_refuses_a_tag_and_no_tags_together(cli: Cli) -> None:
    result = cli("contacts", "update", "ann@x.io", "--tag", "vip", "--no-tags")
    assert result.code == 2
    assert "not allowed with argument" in result.err


def test_contacts_list_pages_through_every_contact(cli: Cli) -> None:
    """250 contacts: three pages of the client's iterator, printed in order."""
    with cli.client() as client:
        emails = [f"c{index:03d}@x.io" for index in range(250)]
        for email in emails:
            client.contacts.create(email=email)
    listed = cli("contacts", "list", "--json")
    assert listed.code == 0
    assert [item["email"] for item in lines(listed.out)] == emails
    rows = table(cli("contacts", "list").out)
    assert [row["EMAIL"] for row in rows] == emails
    assert list(rows[0]) == [
        "ID",
        "EMAIL",
        "FIRST_NAME",
        "LAST_NAME",
        "COMPANY",
        "UNSUBSCRIBED",
        "CREATED",
    ]
    first = cli("contacts", "list", "--limit", "120", "--json")
    assert [item["email"] for item in lines(first.out)] == emails[:120]


def test_contacts_list_search(cli: Cli) -> None:
    for email, name in (("ann@x.io", "Ann"), ("bob@x.io", "Bob"), ("joanna@x.io", "Jo")):
        cli("contacts", "create", email, "--first-name", name)
    found = cli("contacts", "list", "--search", "an", "--json")
    assert [item["email"] for item in lines(found.out)] == ["ann@x.io", "joanna@x.io"]


def test_contacts_get_delete_unsubscribe(cli: Cli) -> None:
    made = lines(cli("contacts", "create", "ann@x.io", "--json").out)[0]
    assert lines(cli("contacts", "get", made["id"], "--json").out) == [made]
    assert set(made) >= {"id", "email", "custom_fields", "lists", "tags", "ltv", "created"}
    assert "_ltv" not in made

    unsubscribed = cli("contacts", "unsubscribe", "ann@x.io")
    assert (unsubscribed.code, unsubscribed.out) == (0, "")
    assert unsubscribed.err == "unsubscribed the contact ann@x.io\n"
    assert pairs(cli("contacts", "get", "ann@x.io").out)["unsubscribed"] == "yes"

    deleted = cli("contacts", "delete", "ann@x.io")
    assert (deleted.code, deleted.out, deleted.err) == (0, "", "deleted the contact ann@x.io\n")
    gone = cli("contacts", "get", "ann@x.io")
    assert gone.code == 1
    assert gone.err == "sendx: error: SendX answered 404: Resource not found\n"


def test_text_with_line_breaks_keeps_the_table_whole(cli: Cli) -> None:
    cli("contacts", "create", "ann@x.io", "--first-name", "Ann\nMarie\tX")
    listed = cli("contacts", "list")
    assert len(listed.out.splitlines()) == 2
    assert table(listed.out)[0]["FIRST_NAME"] == "Ann\\nMarie\\tX"
    assert lines(cli("contacts", "list", "--json").out)[0]["first_name"] == "Ann\nMarie\tX"


def test_unicode_is_printed_as_is(cli: Cli) -> None:
    made = cli("contacts", "create", "zo\u00eb@x.io", "--first-name", "Zo\u00eb", "--json")
    assert '"first_name": "Zo\u00eb"' in made.out
    assert table(cli("contacts", "list").out)[0]["FIRST_NAME"] == "Zo\u00eb"


# Exit codes and errors


def test_an_unknown_name_exits_2_naming_it(cli: Cli) -> None:
    result = cli("contacts", "create", "ann@x.io", "--list", "Nope")
    assert result.code == 2
    assert result.out == ""
    assert "no list named 'Nope'" in result.err
    assert cli("lists", "get", "Nope").code == 2


def test_bad_arguments_exit_2_before_any_call(cli: Cli) -> None:
    bad_email = cli("contacts", "create", "not-an-email")
    assert bad_email.code == 2
    assert bad_email.err.startswith("sendx: error: email")
    bad_ip = cli("contacts", "create", "ann@x.io", "--last-tracked-ip", "300.1.1.1")
    assert (bad_ip.code, bad_ip.err.count("\n")) == (2, 1)
    assert "last_tracked_ip" in bad_ip.err
    no_rows = cli("contacts", "list", "--limit", "0")
    assert no_rows.code == 2
    assert no_rows.err == (
        "sendx contacts list: error: argument --limit: must be at least 1 (got 0) "
        "(see 'sendx contacts list --help')\n"
    )
    with cli.client() as client:
        assert list(client.contacts.list()) == []  # nothing was created


def test_a_group_without_a_command_prints_its_help_and_exits_2(cli: Cli) -> None:
    result = cli("contacts")
    assert (result.code, result.out) == (2, "")
    assert "unsubscribe" in result.err
    assert result.err.startswith("usage: sendx contacts")


def test_the_team_id_is_not_needed(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SENDX_TEAM_ID")
    assert cli("lists", "create", "A").code == 0
    assert cli("contacts", "list").code == 0
    v1 = cli("identify", "ann@x.io")
    assert v1.code == 2
    assert "SENDX_TEAM_ID" in v1.err


def test_a_missing_key_exits_2(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SENDX_API_KEY")
    result = cli("lists", "list")
    assert result.code == 2
    assert "SENDX_API_KEY" in result.err


def test_the_rest_base_url_before_or_after_the_command(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--rest-base-url works before the group, between group and command, after the
    command, and from SENDX_REST_BASE_URL; the later one wins."""
    cli("lists", "create", "A")
    url = cli.rest_base_url
    monkeypatch.setenv("SENDX_REST_BASE_URL", "http://127.0.0.1:9/api/v1/rest")
    for argv in (
        ["--rest-base-url", url, "lists", "list"],
        ["lists", "--rest-base-url", url, "list"],
        ["lists", "list", "--rest-base-url", url],
        ["--rest-base-url", "http://127.0.0.1:9/x", "lists", "list", "--rest-base-url", url],
    ):
        result = cli(*argv)
        assert (result.code, [row["NAME"] for row in table(result.out)]) == (0, ["A"]), argv
    refused = cli("lists", "list", "--json")  # the variable's port 9: nothing listens
    assert refused.code == 1
    assert refused.err.startswith("sendx: error: ")


def test_a_rest_base_url_without_the_rest_path_gets_a_hint(cli: Cli) -> None:
    v1_url = cli.emulator.base_url  # http://HOST:PORT/api/v1, the v1 API's
    result = cli("lists", "list", "--rest-base-url", v1_url)
    assert result.code == 1
    assert (
        f"probably lacks /api/v1/rest: try --rest-base-url {v1_url}/rest (or SENDX_REST_BASE_URL)"
        in result.err
    )
    root = cli.emulator.root_url
    result = cli("lists", "list", "--rest-base-url", root)
    assert f"try --rest-base-url {root}/api/v1/rest" in result.err


def test_the_key_never_appears_in_any_output(cli: Cli) -> None:
    results = [
        cli("lists", "create", "A", "--api-key", cli.key),
        cli("contacts", "get", "nobody@x.io"),
        cli("contacts", "create", "bad"),
        cli("lists", "list", "--rest-base-url", cli.emulator.root_url),
    ]
    for result in results:
        assert cli.key not in result.out + result.err


def test_a_reader_that_stops_early_ends_the_command_quietly(cli: Cli) -> None:
    """``sendx contacts list --json | head -1``: once the reader is gone the command
    stops (no traceback, no 'Broken pipe' message) with exit code 0. The output is made
    larger than a pipe's buffer, so the command is still writing when the reader
    closes its end."""
    with cli.client() as client:
        for index in range(300):
            client.contacts.create(
                email=f"c{index:03d}@x.io", first_name="F" * 250, last_name="L" * 250
            )
    env = {**os.environ, **cli.env()}
    command = [sys.executable, "-m", "sendx", "contacts", "list", "--json"]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        first = json.loads(process.stdout.readline())
        process.stdout.close()
        err = process.stderr.read()
        code = process.wait(timeout=60)
    assert first["email"] == "c000@x.io"
    assert (code, err) == (0, b"")

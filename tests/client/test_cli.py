"""``sendx identify`` and ``sendx track`` against the recording server."""

from __future__ import annotations

import json
import random

import pytest
from tests._support.recording_server import RecordingServer, Reply, free_port
from tests.client.conftest import KEY

import sendx
from sendx.cli import main


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, server: RecordingServer) -> RecordingServer:
    """The SENDX_* variables point at the recording server; retries wait no time."""
    monkeypatch.setenv("SENDX_API_KEY", KEY)
    monkeypatch.setenv("SENDX_TEAM_ID", "TEAM")
    monkeypatch.setenv("SENDX_BASE_URL", server.url)
    monkeypatch.setattr(random, "random", lambda: 0.0)
    return server


def test_identify_prints_a_table(env: RecordingServer, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "identify",
            "john.doe@gmail.com",
            "--first-name",
            "John",
            "--last-name",
            "Doe",
            "--company",
            "Acme",
            "--birthday",
            "1989-03-03",
            "--new-email",
            "john@doe.dev",
            "--tag",
            "Developer",
            "--tag",
            "API Team",
            "--field",
            "Age=29",
            "--field",
            "Visits=++1",
            "--field",
            "Note=a=b",
        ]
    )
    assert code == 0
    (request,) = env.requests
    assert request.json() == {
        "firstName": "John",
        "lastName": "Doe",
        "email": "john.doe@gmail.com",
        "newEmail": "john@doe.dev",
        "company": "Acme",
        "birthday": "1989-03-03",
        "tags": ["Developer", "API Team"],
        "customFields": {"Age": "29", "Visits": "++1", "Note": "a=b"},
    }
    out, err = capsys.readouterr()
    assert err == ""
    assert out.splitlines() == [
        "email          john.doe@gmail.com",
        "first_name     John",
        "last_name      Doe",
        "company        ",
        "birthday       1989-03-03",
        "id             c9QF63nrBenCaAXe660byz",
        "team_id        CLdh9Ig5GLIN1u8gTRvoja",
        "tags           API Team, Tech",
        "custom_fields  ",
        "  Age          29",
        "  Designation  Software Engineer",
    ]


def test_identify_json(env: RecordingServer, capsys: pytest.CaptureFixture[str]) -> None:
    env.default = Reply.contact({"email": "zo\u00eb@x.io", "tags": ["t"]})
    assert main(["identify", "zo\u00eb@x.io", "--json"]) == 0
    out, _ = capsys.readouterr()
    assert json.loads(out) == sendx.Contact(email="zo\u00eb@x.io", tags=["t"]).to_dict()
    assert "zo\u00eb" in out  # not escaped
    assert env.requests[0].body == '{"email":"zo\u00eb@x.io"}'.encode()


def test_identify_without_custom_fields_shows_none(
    env: RecordingServer, capsys: pytest.CaptureFixture[str]
) -> None:
    env.default = Reply.contact({"email": "a@b.co"})
    assert main(["identify", "a@b.co"]) == 0
    assert "custom_fields  (none)" in capsys.readouterr().out
    assert env.requests[0].body == b'{"email":"a@b.co"}'


def test_track(env: RecordingServer, capsys: pytest.CaptureFixture[str]) -> None:
    env.default = Reply.json({"status": "200", "message": "OK", "data": "success"})
    assert (
        main(["track", "j+1@x.io", "--add", "paid user", "--add", "pro", "--remove", "trial user"])
        == 0
    )
    assert main(["track", "j+1@x.io"]) == 0
    first, second = env.requests
    assert first.target == "/api/v1/contact/track?team_id=TEAM&email=j%2B1%40x.io"
    assert first.body == b'{"addTags":["paid user","pro"],"removeTags":["trial user"]}'
    assert second.body == b""
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "tracked j+1@x.io: SendX accepted add 'paid user', 'pro'; remove 'trial user'",
        "tracked j+1@x.io: SendX accepted a track without tags",
    ]


def test_track_reports_what_was_asked_not_a_count(
    env: RecordingServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """SendX's answer does not say which tags the contact had: a removal is reported as
    asked, never as "-1 tag(s)" for a tag that may not have been there."""
    env.default = Reply.json({"status": "200", "message": "OK", "data": "success"})
    assert main(["track", "a@b.co", "--remove", "trial user"]) == 0
    err = capsys.readouterr().err
    assert err == "tracked a@b.co: SendX accepted remove 'trial user'\n"


def test_connection_options_beat_the_environment(
    env: RecordingServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["identify", "a@b.co", "--api-key", "other", "--team-id", "T2", "--base-url", env.url]
    )
    assert code == 0
    assert env.requests[0].header("api_key") == "other"
    assert env.requests[0].query_params == [("team_id", "T2")]


@pytest.mark.parametrize(
    "argv",
    [
        ["--api-key", "other", "--team-id", "T2", "--base-url", "URL", "identify", "a@b.co"],
        ["--api-key", "other", "identify", "a@b.co", "--team-id", "T2", "--base-url", "URL"],
        [
            *("--api-key", "ignored", "--team-id", "T0", "identify", "a@b.co"),
            *("--api-key", "other", "--team-id", "T2", "--base-url", "URL"),
        ],
    ],
    ids=["before", "both-sides", "later-wins"],
)
def test_connection_options_before_the_command(
    env: RecordingServer, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    """`sendx --api-key K identify ...` works as aws, gh and kubectl take their global
    options: before the command, after it, or both (the later one wins)."""
    argv = [env.url if arg == "URL" else arg for arg in argv]
    assert main(argv) == 0
    assert env.requests[0].header("api_key") == "other"
    assert env.requests[0].query_params == [("team_id", "T2")]


def test_connection_options_before_the_command_fall_back_to_the_environment(
    env: RecordingServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """An option before the command overrides only its own variable."""
    assert main(["--team-id", "T3", "track", "a@b.co", "--add", "x"]) == 0
    assert env.requests[0].header("api_key") == KEY
    assert env.requests[0].query_params == [("team_id", "T3"), ("email", "a@b.co")]


def test_connection_options_before_a_command_without_them_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`sendx --api-key K emulator` is a mistake, said in one line, not ignored."""
    with pytest.raises(SystemExit) as caught:
        main(["--api-key", "K", "emulator", "--port", "0"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("sendx: error: --api-key is for the commands that call the API")
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize(
    ("argv", "base", "body", "hint"),
    [
        (
            ["identify", "a@b.co"],
            "",
            b'{"status": "404", "message": "no route /contact/identify"}',
            "probably lacks /api/v1: try --base-url {url}/api/v1",
        ),
        (
            ["identify", "a@b.co"],
            "/api",
            b"<html>Not Found</html>",
            "probably lacks /api/v1: try --base-url {url}/v1",
        ),
        (
            ["track", "a@b.co", "--add", "x"],
            "",
            b'{"status": "404", "message": "no route /contact/track"}',
            "probably lacks /api/v1",
        ),
        (
            ["identify", "a@b.co"],
            "/api/v1",
            b"<html>Not Found</html>",
            "has no such endpoint: check --base-url",
        ),
    ],
    ids=["identify-root", "identify-api", "track-no-route", "identify-full-path"],
)
def test_404_of_a_missing_endpoint_says_what_is_probably_wrong(
    env: RecordingServer,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    base: str,
    body: bytes,
    hint: str,
) -> None:
    """A 404 on identify (which SendX never answers for a contact) or one that says
    "no route" comes with what is probably missing from the base URL."""
    env.default = Reply.status_only(404, body=body)
    url = env.url.removesuffix("/api/v1") + base
    assert main([*argv, "--base-url", url]) == 1
    err = capsys.readouterr().err
    assert err.startswith("sendx: error: SendX answered 404: ")
    assert hint.format(url=url) in err
    assert len(err.splitlines()) == 1


def test_404_of_track_for_an_unknown_contact_has_no_hint(
    env: RecordingServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """SendX answers 404 on track for a contact it does not know: the base URL is fine."""
    env.default = Reply.json({"status": "404", "message": "contact not found"}, status=404)
    assert main(["track", "a@b.co", "--add", "x"]) == 1
    err = capsys.readouterr().err
    assert err == "sendx: error: SendX answered 404: contact not found\n"


def test_missing_credentials_exit_2(
    monkeypatch: pytest.MonkeyPatch, server: RecordingServer, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("SENDX_API_KEY", "SENDX_TEAM_ID"):
        monkeypatch.delenv(name, raising=False)
    assert main(["identify", "a@b.co", "--base-url", server.url]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.splitlines()) == 1
    assert "SENDX_API_KEY" in err
    assert server.requests == []
    monkeypatch.setenv("SENDX_API_KEY", "K")
    assert main(["identify", "a@b.co", "--base-url", server.url]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    assert "SENDX_TEAM_ID" in err
    assert server.requests == []


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["identify"], "required: email"),
        (["identify", "a@b.co", "--field", "novalue"], "expected NAME=VALUE"),
        (["identify", "a@b.co", "--field", "=x"], "expected NAME=VALUE"),
        (["identify", "not-an-email"], "has no '@'"),
        (["identify", "a@b.co", "--birthday", "2023-02-30"], "not a real date"),
        (["identify", "a@b.co", "--tag", ""], "tags[0]"),
        (["track", "a@b.co", "--add", " "], "add_tags[0]"),
        (["track"], "required: email"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(
    env: RecordingServer, capsys: pytest.CaptureFixture[str], argv: list[str], words: str
) -> None:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own errors exit from inside parse_args
        code = int(exc.code or 0)
    assert code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.splitlines()) == 1
    assert words in err
    assert err.startswith("sendx")
    assert env.requests == []


@pytest.mark.parametrize(
    ("reply", "words"),
    [
        (
            Reply.json({"message": "The Team ID or API Key specified is not valid"}, status=401),
            "401",
        ),
        (Reply.status_only(404, body=b"Not Found"), "404"),
        (Reply.status_only(500), "500"),
        (Reply.close(), "disconnected"),
    ],
)
def test_api_errors_exit_1(
    env: RecordingServer, capsys: pytest.CaptureFixture[str], reply: Reply, words: str
) -> None:
    env.default = reply
    assert main(["identify", "a@b.co"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.splitlines()) == 1
    assert err.startswith("sendx: error: ")
    assert words in err
    assert KEY not in err


def test_network_error_exits_1(env: RecordingServer, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}/api/v1"
    assert main(["track", "a@b.co", "--add", "x", "--base-url", url]) == 1
    _, err = capsys.readouterr()
    assert "connect" in err
    assert len(err.splitlines()) == 1


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.strip() == f"sendx {sendx.__version__}"


def test_help_of_each_command(capsys: pytest.CaptureFixture[str]) -> None:
    for command, options in (
        ("identify", ["--first-name", "--birthday", "--new-email", "--tag", "--field", "--json"]),
        ("track", ["--add", "--remove"]),
    ):
        with pytest.raises(SystemExit) as caught:
            main([command, "--help"])
        assert caught.value.code == 0
        out = capsys.readouterr().out
        for option in [*options, "--api-key", "--team-id", "--base-url", "SENDX_API_KEY"]:
            assert option in out, (command, option)
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "before or after the command" in out
    for option in ("--api-key", "--team-id", "--base-url", "SENDX_BASE_URL"):
        assert option in out, option

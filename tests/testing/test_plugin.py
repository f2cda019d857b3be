"""The pytest plugin, run in inner pytest sessions (``pytester``) as users run it."""

from __future__ import annotations

import re

import pytest

from sendx.testing import Emulator
from sendx.testing.plugin import SKIP_REASON

FIXTURES_IN_USE = '''
import asyncio
import os

import pytest

import sendx
from sendx.testing import FAST_RETRY, Target

PORTS = []


def test_client_writes_to_the_emulator(sendx_client, sendx_emulator):
    PORTS.append(sendx_emulator.port)
    contact = sendx_client.contacts.identify("ada@example.com", tags=["trial user"])
    assert sendx_emulator.contact("ADA@example.com") == contact
    assert sendx_emulator.contact("nobody@example.com") is None
    assert [c.email for c in sendx_emulator.contacts()] == ["ada@example.com"]
    assert [e["type"] for e in sendx_emulator.events()] == ["contact_created", "tag_added"]
    assert sendx_client.base_url == sendx_emulator.base_url
    assert sendx_client.retry == FAST_RETRY
    # Left behind on purpose: the next test must not see them.
    sendx_emulator.set_faults([{"path": "/api/v1/contact", "status": 500}])
    sendx_emulator.set_rules(
        [{"on": "tag_added", "tag": "x", "webhook": "http://127.0.0.1:9/", "secret": "s"}]
    )


def test_the_next_test_starts_from_a_clean_emulator(sendx_emulator):
    PORTS.append(sendx_emulator.port)
    assert sendx_emulator.contacts() == []
    assert sendx_emulator.events() == []
    assert sendx_emulator.faults() == []
    assert sendx_emulator.rules() == []


def test_env_points_code_that_builds_its_own_client_at_the_emulator(sendx_env, sendx_emulator):
    PORTS.append(sendx_emulator.port)
    assert isinstance(sendx_env, Target) and not sendx_env.live
    assert {name: os.environ[name] for name in sendx_env.env()} == sendx_emulator.env()
    # Two 503s in a row: the client's default policy, with fast backoff, gets through.
    sendx_emulator.set_faults(
        [{"path": "/api/v1/contact/identify", "status": 503, "times": 2}]
    )
    with sendx.SendX() as client:
        assert client.retry == FAST_RETRY
        client.contacts.identify("env@example.com")
    assert sendx_emulator.faults() == []
    assert sendx_emulator.contact("env@example.com") is not None


def test_env_and_defaults_are_restored_after_the_test():
    names = {"SENDX_BASE_URL", "SENDX_REST_BASE_URL", "SENDX_API_KEY", "SENDX_TEAM_ID"}
    assert not names & set(os.environ)
    with pytest.raises(sendx.InvalidRequestError):
        sendx.SendX()
    assert sendx.SendX("k", "t").retry == sendx.RetryPolicy()


def test_async_client_inside_asyncio_run(async_sendx_client, sendx_emulator):
    async def identify():
        return await async_sendx_client.contacts.identify("async@example.com", tags=["a"])

    first = asyncio.run(identify())
    again = asyncio.run(identify())  # another loop: the client reconnects there
    assert first == again == sendx_emulator.contact("async@example.com")


def test_async_client_in_async_with(async_sendx_client):
    async def track():
        async with async_sendx_client as client:
            await client.contacts.identify("with@example.com")
            await client.contacts.track("with@example.com", add_tags=["b"])

    asyncio.run(track())


@pytest.fixture
def loop_of_a_plugin():
    """A loop that outlives the test body, as pytest-asyncio's does."""
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


def test_async_client_left_open_in_a_loop_that_outlives_the_test(
    loop_of_a_plugin, async_sendx_client
):
    loop_of_a_plugin.run_until_complete(async_sendx_client.contacts.identify("x@example.com"))


@pytest.mark.anyio
async def test_async_client_in_an_anyio_test(async_sendx_client, sendx_emulator):
    contact = await async_sendx_client.contacts.identify("anyio@example.com")
    assert sendx_emulator.contacts() == [contact]


def test_one_emulator_for_the_session():
    assert len(PORTS) == 3 and len(set(PORTS)) == 1
'''


def test_fixtures_reset_env_and_async_clients(inner: pytest.Pytester) -> None:
    """The fixtures give a working emulator and clients; state and environment do not
    leak from one test to the next; async clients close in whatever loop ran them."""
    inner.makepyfile(test_fixtures=FIXTURES_IN_USE)
    result = inner.runpytest()
    result.assert_outcomes(passed=9)


MESSAGING_IN_USE = """
import asyncio
import os

import sendx


def test_the_client_fixture_speaks_both_apis(sendx_client, sendx_emulator):
    assert sendx_client.rest_base_url == sendx_emulator.rest_base_url
    sendx_client.contacts.identify("ann@example.com", first_name="Ann")
    [result] = sendx_client.emails.send(
        from_="Shop <shop@example.com>",
        to="Ann <ann@example.com>",
        subject="Welcome, {{firstName}}",
        html_body="<p>Hi</p>",
    )
    sendx_client.events.revenue(identifier="ann@example.com", amount=12.5)
    [message] = sendx_emulator.messages(to="ann@example.com")
    assert message["id"] == result.message_id
    assert message["subject"] == "Welcome, Ann"
    assert sendx_client.contacts.get("ann@example.com").ltv == 1250


def test_messages_do_not_leak_into_the_next_test(sendx_emulator):
    assert sendx_emulator.messages() == []


def test_app_code_sends_through_the_environment(sendx_env, sendx_emulator):
    assert os.environ["SENDX_REST_BASE_URL"] == sendx_emulator.rest_base_url
    sendx_emulator.set_faults([{"path": "/api/v1/rest/send", "status": 503, "times": 1}])
    with sendx.SendX() as client:  # as the app builds it
        client.emails.send(
            from_="shop@example.com", to="bob@example.com", subject="s", html_body="b"
        )
    assert sendx_emulator.faults() == []  # retried once, fast
    assert len(sendx_emulator.messages(to="bob@example.com")) == 1


def test_the_async_client_fixture_sends(async_sendx_client, sendx_emulator):
    async def main():
        return await async_sendx_client.emails.send(
            from_="shop@example.com",
            to=["a@example.com", "b@example.com"],
            subject="s",
            html_body="b",
        )

    results = asyncio.run(main())
    assert [m["id"] for m in sendx_emulator.messages()] == [r.message_id for r in results]


def test_an_outbox_send_is_waited_for(sendx_client, sendx_emulator, tmp_path):
    outbox = sendx_client.outbox(dead_letters=tmp_path / "dead.jsonl")
    outbox.emails.send(from_="shop@example.com", to="cy@example.com", subject="s", html_body="b")
    [message] = sendx_emulator.wait_for_messages(1, to="cy@example.com")
    assert message["subject"] == "s"
    outbox.close(10)
"""


def test_fixtures_serve_the_rest_api_and_show_what_was_sent(inner: pytest.Pytester) -> None:
    """The client fixtures and ``sendx_env`` point at both APIs of the emulator; a
    test asserts on the mail the app sent, and none of it leaks to the next test."""
    inner.makepyfile(test_messaging=MESSAGING_IN_USE)
    result = inner.runpytest()
    result.assert_outcomes(passed=5)


LIVE_TESTS = """
import pytest

import sendx


@pytest.mark.sendx_live
def test_identify_live(sendx_client, sendx_env):
    assert sendx_env.live
    assert sendx_client.base_url == sendx_env.base_url
    assert sendx_client.rest_base_url == sendx_env.rest_base_url
    assert sendx_client.retry == sendx.RetryPolicy()  # production keeps its backoff
    assert sendx_client.contacts.identify("live@example.com").email == "live@example.com"


@pytest.mark.sendx_live
def test_live_with_the_emulator(sendx_emulator):
    pass


def test_unmarked_tests_keep_the_emulator(sendx_client, sendx_emulator):
    assert sendx_client.base_url == sendx_emulator.base_url
    sendx_client.contacts.identify("local@example.com")
"""


def test_live_marker(inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """``sendx_live`` tests are skipped with a reason; ``--sendx-live`` needs
    credentials, then points their fixtures at the configured API (here a second
    emulator standing in for production) and leaves other tests on the emulator."""
    inner.makepyfile(test_live=LIVE_TESTS)

    skipped = inner.runpytest("-rs")
    skipped.assert_outcomes(passed=1, skipped=2)
    skipped.stdout.re_match_lines(
        [f"SKIPPED \\[1\\] test_live.py:{line}: {re.escape(SKIP_REASON)}$" for line in (6, 15)]
    )

    no_credentials = inner.runpytest("--sendx-live")
    assert no_credentials.ret == pytest.ExitCode.USAGE_ERROR
    no_credentials.stderr.fnmatch_lines(
        ["*--sendx-live: live tests need real credentials: set SENDX_API_KEY and SENDX_TEAM_ID*"]
    )

    with Emulator(team_id="prod-team", api_key="prod-key") as production:
        for name, value in production.env().items():
            monkeypatch.setenv(name, value)
        live = inner.runpytest("--sendx-live")
        live.assert_outcomes(passed=2, errors=1)
        live.stdout.fnmatch_lines(
            [
                f"sendx: sendx_live tests run against {production.base_url} as team prod-team",
                "*test_live_with_the_emulator*is marked sendx_live but uses sendx_emulator*",
            ]
        )
        assert [c.email for c in production.contacts()] == ["live@example.com"]


FAILING_TESTS = """
import sendx


def test_contact_as_expected(sendx_client, sendx_emulator, sendx_env):
    sendx_client.contacts.identify(
        "ada@example.com", tags=["trial user"], custom_fields={"Plan": "free"}
    )
    actual = sendx_emulator.contact("ada@example.com")
    expected = sendx.Contact(
        email="ada@example.com",
        company="",
        tags=["paid user"],
        custom_fields={"Plan": "pro"},
        id=actual.id,
        team_id=actual.team_id,
    )
    assert actual == expected


def test_track_of_an_unknown_contact(sendx_client, sendx_emulator):
    sendx_client.contacts.track("nobody@example.com", add_tags=["x"])
"""


def test_failures_are_readable_and_keep_the_key_out(inner: pytest.Pytester) -> None:
    """A failed comparison of contacts names the differing fields; an API error says
    what SendX answered; neither output shows the API key, even with locals shown."""
    inner.makepyfile(test_failing=FAILING_TESTS)
    result = inner.runpytest("--showlocals")
    result.assert_outcomes(failed=2)
    result.stdout.re_match_lines(
        [
            "^E +" + re.escape(line)
            for line in [
                "Differing fields:",
                "  tags: ['trial user'] != ['paid user']",
                "    only on the left: ['trial user']",
                "    only on the right: ['paid user']",
                "  custom_fields: {'Plan': 'free'} != {'Plan': 'pro'}",
                "    'Plan': 'free' != 'pro'",
                "Omitting 7 identical fields, use -v to show",
            ]
        ]
    )
    result.stdout.fnmatch_lines(["*NotFoundError: SendX answered 404: *"])
    result.stdout.fnmatch_lines(["*sendx_emulator = Emulator(http://127.0.0.1:*api_key='***')"])
    output = result.stdout.str() + result.stderr.str()
    assert "test-api-key" not in output


def test_missing_emulator_extra_is_a_clear_error(inner: pytest.Pytester) -> None:
    """Without the ``emulator`` extra the plugin still loads; the fixtures that need an
    emulator fail with the command that installs it."""
    inner.makeconftest(
        """
        import sys
        sys.modules["uvicorn"] = None  # as if sendx-client[emulator] were not installed
        """
    )
    inner.makepyfile(
        test_needs_emulator="def test_it(sendx_client):\n    pass\n",
    )
    result = inner.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.re_match_lines([r"^sendx_emulator: .*pip install 'sendx-client\[emulator\]'$"])

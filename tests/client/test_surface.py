"""The public surface: lazy imports, names, signatures that match, settings from the
environment."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from typing import Any

import pytest
from tests._support.recording_server import RecordingServer
from tests.client.conftest import KEY, TEAM

import sendx
from sendx.resources.contacts import AsyncContacts, Contacts

HEAVY = ["urllib3", "aiohttp", "msgspec", "yarl", "sendx._sync", "sendx._async", "sendx.emulator"]


def _loaded_after(code: str) -> list[str]:
    script = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def test_import_sendx_is_light() -> None:
    """``import sendx`` loads neither urllib3, aiohttp, msgspec nor the emulator."""
    loaded = _loaded_after("import sendx; sendx.__version__")
    assert [name for name in HEAVY if name in loaded] == []


def test_light_names_stay_light() -> None:
    """Policies and errors load without the HTTP libraries."""
    loaded = _loaded_after("import sendx; sendx.Timeout(); sendx.RetryPolicy(); sendx.SendXError")
    assert [name for name in ("urllib3", "aiohttp", "msgspec") if name in loaded] == []


def test_the_sync_client_does_not_load_aiohttp() -> None:
    loaded = _loaded_after("import sendx; sendx.SendX('k', 't').close()")
    assert "urllib3" in loaded
    assert "aiohttp" not in loaded


def test_every_public_name_is_documented_and_reports_module_sendx() -> None:
    for name in sendx.__all__:
        value = getattr(sendx, name)
        if name == "__version__":
            assert isinstance(value, str)
            continue
        assert value.__doc__, name
        assert value.__module__ == "sendx", name
    assert sorted(dir(sendx)) == sorted(sendx.__all__)


def test_unknown_attributes_raise() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        sendx.Nope  # type: ignore[attr-defined]  # noqa: B018


def _parameters(function: Any) -> list[tuple[str, Any, Any, Any]]:
    return [
        (p.name, p.kind, p.default, p.annotation)
        for p in inspect.signature(function).parameters.values()
    ]


def test_sync_and_async_signatures_match() -> None:
    """Same parameters, kinds, defaults and annotations on both clients."""
    assert _parameters(sendx.SendX.__init__) == _parameters(sendx.AsyncSendX.__init__)
    for method in ("identify", "track"):
        assert _parameters(getattr(Contacts, method)) == _parameters(getattr(AsyncContacts, method))
        assert inspect.iscoroutinefunction(getattr(AsyncContacts, method))
        assert not inspect.iscoroutinefunction(getattr(Contacts, method))
    public = {n for n in dir(sendx.SendX) if not n.startswith("_")}
    assert public == {n for n in dir(sendx.AsyncSendX) if not n.startswith("_")}


def test_identify_and_track_take_keywords_after_the_email() -> None:
    for method in (Contacts.identify, Contacts.track):
        kinds = [p.kind for p in inspect.signature(method).parameters.values()][2:]
        assert set(kinds) == {inspect.Parameter.KEYWORD_ONLY}


# -- settings ----------


@pytest.fixture
def no_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("SENDX_API_KEY", "SENDX_TEAM_ID", "SENDX_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize("client_class", [sendx.SendX, sendx.AsyncSendX])
def test_a_missing_key_is_a_clear_error(no_env: Any, client_class: Any) -> None:
    for arguments in ({}, {"team_id": TEAM}, {"api_key": "", "team_id": TEAM}):
        with pytest.raises(sendx.InvalidRequestError) as caught:
            client_class(**arguments)
        assert "api_key" in str(caught.value)
        assert "SENDX_API_KEY" in str(caught.value)
        assert caught.value.field == "api_key"


def test_a_team_id_is_needed_by_the_v1_calls_only(no_env: Any, server: RecordingServer) -> None:
    """A client without a team id is built (the REST API needs only the key); identify
    and track raise before any I/O, saying what to set."""
    with sendx.SendX(KEY, base_url=server.url) as client:
        assert client.team_id is None
        for call in (
            lambda: client.contacts.identify("a@b.co"),
            lambda: client.contacts.track("a@b.co", add_tags=["x"]),
        ):
            with pytest.raises(sendx.InvalidRequestError) as caught:
                call()
            assert "SENDX_TEAM_ID" in str(caught.value)
            assert caught.value.field == "team_id"
    assert server.requests == []


def test_environment_fallbacks(no_env: pytest.MonkeyPatch, server: RecordingServer) -> None:
    no_env.setenv("SENDX_API_KEY", "env-key")
    no_env.setenv("SENDX_TEAM_ID", "env-team")
    no_env.setenv("SENDX_BASE_URL", server.url)
    with sendx.SendX() as client:
        assert client.team_id == "env-team"
        assert client.base_url == server.url
        client.contacts.identify("a@b.co")
    with sendx.SendX("arg-key", "arg-team", base_url=server.url + "/") as client:
        assert client.base_url == server.url
        client.contacts.identify("a@b.co")
    env_request, arg_request = server.requests
    assert env_request.header("api_key") == "env-key"
    assert env_request.query_params == [("team_id", "env-team")]
    assert arg_request.header("api_key") == "arg-key"
    assert arg_request.query_params == [("team_id", "arg-team")]


@pytest.mark.parametrize(
    "url",
    ["ftp://x.io/api", "app.sendx.io/api/v1", "http://", "https://x.io/api?x=1", "http://x.io/#f"],
)
def test_bad_base_urls(no_env: Any, url: str) -> None:
    with pytest.raises(sendx.InvalidRequestError) as caught:
        sendx.SendX(KEY, TEAM, base_url=url)
    assert caught.value.field == "base_url"


def test_clients_are_context_managers(server: RecordingServer) -> None:
    import asyncio

    with sendx.SendX(KEY, TEAM, base_url=server.url) as client:
        assert isinstance(client, sendx.SendX)

    async def run() -> None:
        async with sendx.AsyncSendX(KEY, TEAM, base_url=server.url) as client:
            assert isinstance(client, sendx.AsyncSendX)
            assert KEY not in repr(client)

    asyncio.run(run())


def test_keys_and_ids_are_trimmed(no_env: pytest.MonkeyPatch, server: RecordingServer) -> None:
    """A copied key or team id often ends in a newline: surrounding whitespace goes."""
    no_env.setenv("SENDX_API_KEY", "  the-key\n")
    no_env.setenv("SENDX_TEAM_ID", "the-team\n")
    with sendx.SendX(base_url=server.url) as client:
        client.contacts.identify("a@b.co")
    assert server.requests[0].header("api_key") == "the-key"
    assert server.requests[0].query_params == [("team_id", "the-team")]
    with sendx.SendX(KEY, "  \n", base_url=server.url) as blank:
        assert blank.team_id is None  # blank is missing: a v1 call says what to set


@pytest.mark.parametrize("key", ["KEY\r\nX-Evil: 1", "KEY\x00", "K\u00e9Y", "KEY\u2019"])
def test_keys_that_cannot_be_a_header_are_refused(key: str) -> None:
    """Refused at construction, without echoing the key (the HTTP libraries would
    raise an error quoting it, or send a second header)."""
    with pytest.raises(sendx.InvalidRequestError) as caught:
        sendx.SendX(key, TEAM)
    assert caught.value.field == "api_key"
    assert "KEY" not in str(caught.value)
    assert "K\u00e9Y" not in str(caught.value)


@pytest.mark.parametrize(
    "headers",
    [{"Authorization": "Bearer x"}, {"API_KEY": "other"}, {"Host": "h"}, {"X-A": "a\r\nb"}],
)
def test_extra_headers_cannot_replace_the_clients_own(headers: dict[str, str]) -> None:
    """headers= may add headers, never a second key, an Authorization header, or a
    line break that would split the request."""
    with pytest.raises(sendx.InvalidRequestError) as caught:
        sendx.SendX("k", "t", headers=headers)
    assert caught.value.field == "headers"


def test_credentials_in_base_url_are_refused() -> None:
    """user:password@host would show in reprs and logs; SendX never uses it."""
    with pytest.raises(sendx.InvalidRequestError, match="user name or password") as caught:
        sendx.SendX("k", "t", base_url="http://user:pw@127.0.0.1:1/api/v1")
    assert "pw" not in str(caught.value)


def test_a_missing_key_alone_is_named_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SENDX_API_KEY", raising=False)
    with pytest.raises(sendx.InvalidRequestError) as caught:
        sendx.SendX(None, "t")
    assert "SENDX_API_KEY" in str(caught.value)
    assert "team" not in str(caught.value)

"""The pytest plugin of the testing kit, registered through the ``pytest11`` entry point.

Fixtures:

- ``sendx_emulator`` (session): a running :class:`sendx.testing.Emulator` (free port,
  temporary database, team ``test-team`` with key ``test-api-key``). Every test that
  uses a sendx fixture starts with it reset: no contacts, events, deliveries or faults.
  Under pytest-xdist each worker has its own.
- ``sendx_client`` / ``async_sendx_client`` (function): a ``SendX`` / ``AsyncSendX``
  bound to it for both APIs (v1 and REST), with fast retries; closed after the test.
- ``sendx_env`` (function): ``SENDX_BASE_URL``, ``SENDX_REST_BASE_URL``,
  ``SENDX_API_KEY`` and ``SENDX_TEAM_ID`` point at it for the test (and clients built
  without a retry policy back off fast); returns the :class:`sendx.testing.Target`.

Marker ``sendx_live`` and option ``--sendx-live``: marked tests are skipped unless the
option is given; with it they run against the real SendX (credentials from the
environment) and the client fixtures and ``sendx_env`` point there.

pytest loads this module in every run of everyone who installs sendx-client, so it
imports only pytest and the standard library at load time; the emulator, urllib3 and
aiohttp load when a fixture is first used. ``-p no:sendx`` disables it.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pluggy import Result

    from sendx._client import SendX
    from sendx.testing._clients import LoopBoundAsyncSendX
    from sendx.testing._emulator import Emulator
    from sendx.testing._target import Target

__all__ = [
    "async_sendx_client",
    "sendx_client",
    "sendx_emulator",
    "sendx_env",
]

LIVE_MARKER = "sendx_live"
LIVE_OPTION = "--sendx-live"
SKIP_REASON = (
    f"{LIVE_MARKER}: runs against the real SendX API only with {LIVE_OPTION} "
    "(credentials from SENDX_API_KEY and SENDX_TEAM_ID)"
)
# The fixtures whose tests get a freshly reset emulator.
_FIXTURES = frozenset({"sendx_emulator", "sendx_client", "async_sendx_client", "sendx_env"})

# The running emulators of the session: ours, or a user's override of the fixture.
_RUNNING_KEY = pytest.StashKey[dict["pytest.FixtureDef[Any]", Any]]()
_LIVE_KEY = pytest.StashKey["Target"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("sendx", "SendX testing kit")
    group.addoption(
        LIVE_OPTION,
        action="store_true",
        dest="sendx_live",
        default=False,
        help=(
            f"run the tests marked {LIVE_MARKER} against the real SendX API, with "
            "SENDX_API_KEY, SENDX_TEAM_ID (and SENDX_BASE_URL, SENDX_REST_BASE_URL) from "
            "the environment; "
            "without it they are skipped"
        ),
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{LIVE_MARKER}: the test may run against the real SendX API; skipped unless "
        f"{LIVE_OPTION} is given (sendx-client's testing kit)",
    )
    if config.getoption("sendx_live", False):
        from sendx.testing._target import Target

        try:
            config.stash[_LIVE_KEY] = Target.from_environment()
        except LookupError as exc:
            raise pytest.UsageError(f"{LIVE_OPTION}: {exc}") from None


def pytest_report_header(config: pytest.Config) -> str | None:
    live = config.stash.get(_LIVE_KEY, None)
    if live is None:
        return None
    return f"sendx: {LIVE_MARKER} tests run against {live.base_url} as team {live.team_id}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.stash.get(_LIVE_KEY, None) is not None:
        return
    skip = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if item.get_closest_marker(LIVE_MARKER) is not None:
            item.add_marker(skip)


def _runs_live(node: pytest.Item | pytest.FixtureRequest) -> bool:
    config = node.config
    marked = (node if isinstance(node, pytest.Item) else node.node).get_closest_marker(LIVE_MARKER)
    return marked is not None and config.stash.get(_LIVE_KEY, None) is not None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    names = _FIXTURES.intersection(getattr(item, "fixturenames", ()))
    if not names:
        return
    if _runs_live(item):
        if "sendx_emulator" in names:
            pytest.fail(
                f"{item.nodeid} is marked {LIVE_MARKER} but uses sendx_emulator, which the "
                "real SendX has no counterpart for; under --sendx-live use sendx_client, "
                "async_sendx_client or sendx_env only",
                pytrace=False,
            )
        return
    # Reset here rather than in a fixture, so that a test using only the session
    # fixture (or a fixture of its own built on it) also starts from a clean state.
    # An emulator not started yet is started fresh by its fixture.
    for emulator in item.config.stash.get(_RUNNING_KEY, {}).values():
        emulator.reset()


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
) -> Generator[None, Result[Any], None]:
    outcome = yield
    # Any fixture named sendx_emulator counts, so a user's override is reset too.
    if fixturedef.argname == "sendx_emulator" and outcome.excinfo is None:
        emulator = outcome.get_result()
        if callable(getattr(emulator, "reset", None)):
            request.config.stash.setdefault(_RUNNING_KEY, {})[fixturedef] = emulator


def pytest_fixture_post_finalizer(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
) -> None:
    if fixturedef.argname == "sendx_emulator":
        request.config.stash.get(_RUNNING_KEY, {}).pop(fixturedef, None)


@pytest.fixture(scope="session")
def sendx_emulator() -> Iterator[Emulator]:
    """A local SendX emulator for the session (per xdist worker), reset before each
    test that uses a sendx fixture. See :class:`sendx.testing.Emulator` for its
    helpers: ``contacts()``, ``contact(email)``, ``events()``, ``messages(to=...)``,
    ``deliveries()``, ``set_rules([...])``, ``set_faults([...])``, ``reset()``."""
    from sendx.testing._emulator import Emulator

    problem: str | None = None
    try:
        emulator = Emulator().start()
    except ImportError as exc:
        problem = f"sendx_emulator: {exc}"
    if problem is not None:  # failed outside the except block: no chained traceback
        pytest.fail(problem, pytrace=False)
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def _sendx_target(request: pytest.FixtureRequest) -> Target:
    """Where this test's clients point: the real SendX for a live test, else the
    emulator (started on demand, so live runs need no emulator)."""
    if _runs_live(request):
        return request.config.stash[_LIVE_KEY]
    emulator: Emulator = request.getfixturevalue("sendx_emulator")
    return emulator.target


@pytest.fixture
def sendx_client(_sendx_target: Target) -> Iterator[SendX]:
    """A ``sendx.SendX`` bound to the emulator for both APIs (fast retries), or to the
    real SendX in a ``sendx_live`` test under ``--sendx-live``; closed after the test."""
    from sendx.testing._clients import client_for

    with client_for(_sendx_target) as client:
        yield client


@pytest.fixture
def async_sendx_client(_sendx_target: Target) -> Iterator[LoopBoundAsyncSendX]:
    """A ``sendx.AsyncSendX`` bound like ``sendx_client``; no async plugin needed.

    Use it inside your own loop (``asyncio.run(main(async_sendx_client))``), or in an
    ``async def`` test of pytest-asyncio or anyio. It closes itself when that loop
    shuts down; whatever is still open after the test is closed by the teardown.
    """
    from sendx.testing._clients import async_client_for

    client = async_client_for(_sendx_target)
    yield client
    problem = client.finish()
    if problem is not None:
        pytest.fail(problem, pytrace=False)


@pytest.fixture
def sendx_env(_sendx_target: Target, monkeypatch: pytest.MonkeyPatch) -> Target:
    """Point ``SENDX_BASE_URL``, ``SENDX_REST_BASE_URL``, ``SENDX_API_KEY`` and
    ``SENDX_TEAM_ID`` at the emulator (or the real SendX in a live test) for this test,
    so code that builds its own ``SendX()`` is tested unchanged; returns the
    :class:`sendx.testing.Target`."""
    for name, value in _sendx_target.env().items():
        monkeypatch.setenv(name, value)
    if not _sendx_target.live:
        import sendx._client
        from sendx.testing._clients import FAST_RETRY

        # Clients the code under test builds itself take the default policy: give
        # them the fixtures' fast backoff for this test, as stamina's testing mode does.
        monkeypatch.setattr(sendx._client, "DEFAULT_RETRY_POLICY", FAST_RETRY)
    return _sendx_target


def pytest_assertrepr_compare(
    config: pytest.Config, op: str, left: Any, right: Any
) -> list[str] | None:
    """Field-by-field differences when a test compares two ``sendx.Contact``."""
    if op != "==" or not (_is_contact(left) and _is_contact(right)):
        return None
    from sendx.testing._report import explain_contacts

    return explain_contacts(left, right, verbose=int(config.getoption("verbose", 0)) > 0)


def _is_contact(value: Any) -> bool:
    # By name: importing sendx.models here would load msgspec in every pytest run.
    cls = type(value)
    return cls.__name__ == "Contact" and cls.__module__ == "sendx"

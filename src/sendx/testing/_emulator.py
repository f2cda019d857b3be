"""``sendx.testing.Emulator``: a local SendX for tests, with the helpers to inspect it.

It runs ``sendx.emulator.Emulator`` (a background thread on a free port, temporary
database) for one team with a known API key, and adds the control-plane helpers
(:class:`ControlPlane`) bound to that team, plus clients and environment variables
pointed at it.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

from sendx.testing._control import ControlPlane
from sendx.testing._target import Target

if TYPE_CHECKING:
    from sendx._client import SendX
    from sendx.testing._clients import LoopBoundAsyncSendX

__all__ = ["DEFAULT_API_KEY", "DEFAULT_TEAM_ID", "Emulator", "load_emulator_class"]

#: The team the test emulator accepts, and its key: fixed, so that tests and the
#: environment files of an app can name them.
DEFAULT_TEAM_ID = "test-team"
DEFAULT_API_KEY = "test-api-key"

# The modules that only the ``emulator`` extra installs.
_EXTRA_MODULES = frozenset({"uvicorn", "httptools", "tomli", "sendx.emulator"})
INSTALL_HINT = "install the emulator extra: pip install 'sendx-client[emulator]'"


def load_emulator_class() -> Any:
    """``sendx.emulator.Emulator``; an ``ImportError`` naming the extra when absent."""
    try:
        return importlib.import_module("sendx.emulator").Emulator
    except ImportError as exc:
        better = _missing_extra(exc)
        if better is exc:
            raise
        raise better from exc


def _missing_extra(exc: ImportError) -> ImportError:
    name = exc.name or ""
    if name.split(".")[0] in _EXTRA_MODULES or name.startswith("sendx.emulator"):
        return ImportError(f"the SendX emulator needs {name or 'its server stack'}: {INSTALL_HINT}")
    return exc


class Emulator(ControlPlane):
    """A local SendX emulator for tests and scripts.

    ``Emulator(*, team_id="test-team", api_key="test-api-key", db=None, rules=(),
    latency_ms=0, webhook_attempts=5, webhook_backoff=0.05, host="127.0.0.1", port=0)``

    ``with Emulator() as emu:`` starts it (or call :meth:`start` and :meth:`stop`).
    ``db=None`` is a temporary database removed at exit; ``port=0`` a free port.
    ``rules`` are the automation rules it starts with, and returns to on
    :meth:`reset`. Only ``team_id`` with ``api_key`` is accepted. Failed webhooks are
    retried ``webhook_attempts`` times in all, after ``webhook_backoff`` seconds
    doubled each time (short, for tests). The helpers
    (:meth:`contacts`, :meth:`contact`, :meth:`events`, :meth:`messages`,
    :meth:`deliveries`, :meth:`set_rules`, :meth:`set_faults`, ...) act on that team, over
    both APIs (``base_url`` is v1's, ``rest_base_url`` the REST API's). Starting it raises
    ``ImportError`` when the ``emulator`` extra is not installed.
    """

    def __init__(
        self,
        *,
        team_id: str = DEFAULT_TEAM_ID,
        api_key: str = DEFAULT_API_KEY,
        db: str | None = None,
        rules: Iterable[Mapping[str, Any]] = (),
        latency_ms: float = 0,
        webhook_attempts: int = 5,
        webhook_backoff: float = 0.05,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__("http://unstarted/_emulator", team_id)
        self.api_key = api_key
        """The API key the emulator accepts for :attr:`team_id`."""
        self._initial_rules = [dict(rule) for rule in rules]
        self._options: dict[str, Any] = {
            "db": db,
            "host": host,
            "port": port,
            "latency_ms": latency_ms,
            "webhook_attempts": webhook_attempts,
            "webhook_backoff": webhook_backoff,
        }
        self._server: Any = None

    def __repr__(self) -> str:
        where = self.base_url if self._server is not None else "not started"
        return f"Emulator({where}, team_id={self.team_id!r}, api_key='***')"

    def start(self) -> Emulator:
        """Start serving (a no-op when running); return ``self``."""
        if self._server is not None:
            return self
        cls = load_emulator_class()
        options = dict(self._options)
        db = options.pop("db")
        try:
            server = cls(db, {self.team_id: self.api_key}, None, **options)
            server.start()
        except ImportError as exc:  # the emulator imports its server stack on start
            better = _missing_extra(exc)
            if better is exc:
                raise
            raise better from exc
        self._server = server
        self.control_url = str(server.control_url).rstrip("/")
        if self._initial_rules:
            self.set_rules(self._initial_rules)
        return self

    def stop(self) -> None:
        """Stop serving and remove a temporary database; a no-op when stopped."""
        server, self._server = self._server, None
        if server is not None:
            server.stop()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """Whether :meth:`start` was called and :meth:`stop` not yet."""
        return self._server is not None

    def _running_server(self) -> Any:
        if self._server is None:
            raise RuntimeError("the emulator is not running: call start() or use `with`")
        return self._server

    def _request(self, *args: Any, **kwargs: Any) -> Any:
        self._running_server()  # a clear error instead of a failed DNS lookup
        return super()._request(*args, **kwargs)

    @property
    def base_url(self) -> str:
        """The API's base URL, ``http://127.0.0.1:PORT/api/v1``."""
        return str(self._running_server().base_url)

    @property
    def rest_base_url(self) -> str:
        """The REST API's base URL, ``http://127.0.0.1:PORT/api/v1/rest``."""
        return f"{self.base_url}/rest"

    @property
    def port(self) -> int:
        """The port it listens on."""
        return int(self._running_server().port)

    @property
    def target(self) -> Target:
        """Its base URL and credentials, as one value."""
        return Target(
            base_url=self.base_url,
            team_id=self.team_id,
            api_key=self.api_key,
            rest_base_url=self.rest_base_url,
        )

    def env(self) -> dict[str, str]:
        """``SENDX_BASE_URL``, ``SENDX_REST_BASE_URL``, ``SENDX_API_KEY`` and
        ``SENDX_TEAM_ID`` pointing here."""
        return self.target.env()

    def reset(self, *, all_teams: bool = True) -> None:
        """Back to a fresh emulator: no contacts, events, messages, campaigns or
        deliveries, no faults, and the rules it started with."""
        super().reset(all_teams=all_teams)
        self.set_faults([])
        self.set_rules(self._initial_rules)

    def client(self, **options: Any) -> SendX:
        """A :class:`sendx.SendX` bound to this emulator, with fast retries
        (:data:`FAST_RETRY`); ``options`` are constructor arguments to override."""
        from sendx.testing._clients import client_for

        return client_for(self.target, **options)

    def async_client(self, **options: Any) -> LoopBoundAsyncSendX:
        """An :class:`sendx.AsyncSendX` bound to this emulator, with fast retries,
        that closes itself when its event loop ends (``asyncio.run``)."""
        from sendx.testing._clients import async_client_for

        return async_client_for(self.target, **options)


Emulator.__module__ = "sendx.testing"

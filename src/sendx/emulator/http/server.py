"""The :class:`Emulator`: the ASGI app served by uvicorn on a background thread.

uvicorn with httptools (h11 when httptools is missing) keeps the ``api_key`` header
that nginx and gunicorn drop. The listening socket is bound here, before the server
starts, so ``port=0`` gives a free port that is known at once.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from sendx.emulator.delivery.automations import Rule, parse_rules
from sendx.emulator.http.asgi import Scope
from sendx.emulator.http.auth import check_teams
from sendx.emulator.http.guard import check_allow_hosts

__all__ = ["Emulator", "EmulatorUnavailable"]

_START_TIMEOUT = 30.0
_INSTALL_HINT = "the emulator needs its server stack: pip install 'sendx-client[emulator]'"


class EmulatorUnavailable(ImportError):
    """The ``[emulator]`` extra (uvicorn) is not installed."""


def _protocol_class(registry: dict[Any, Any]) -> type[asyncio.Protocol]:
    """uvicorn's HTTP protocol, extended to find a request's connection by its
    client address, so that a fault can close it without an answer."""
    base: Any
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

        base = HttpToolsProtocol
    except ImportError:  # httptools missing: h11 keeps underscore headers too
        from uvicorn.protocols.http.h11_impl import H11Protocol

        base = H11Protocol

    class Protocol(base):  # type: ignore[misc]
        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            registry[self.client] = transport

        def connection_lost(self, exc: Exception | None) -> None:
            registry.pop(self.client, None)
            super().connection_lost(exc)

    return Protocol


def _server_class(base: Any, app: Any) -> Any:
    """uvicorn's server, which first ends the web page's live streams when it shuts
    down: it waits for open responses to finish, and a stream never would."""

    class Server(base):  # type: ignore[misc]
        async def shutdown(self, sockets: Any = None) -> None:
            app.changes.close()
            await super().shutdown(sockets=sockets)

    return Server


class Emulator:
    """A local SendX API on a background thread.

    ``Emulator(db=None, teams=None, rules=None, *, host="127.0.0.1", port=0,
    latency_ms=0, allow_hosts=(), access_log=False, allow_webhook_hosts=(), members=())``

    - ``db``: a SQLite file (created if missing, kept), or ``None`` for a temporary
      database removed at :meth:`stop`.
    - ``teams``: ``None`` (any non-empty team id, bound to the first API key used
      with it) or a mapping of team id to API key (only those pairs accepted).
    - ``rules``: ``None``, a list of rule objects, or ``{"rules": [...]}``.
    - ``latency_ms``: added to every API request.
    - ``webhook_attempts``, ``webhook_backoff`` (seconds, doubled per retry) and
      ``webhook_timeout`` tune webhook delivery.
    - ``allow_hosts``: host names it answers to besides the loopback ones and
      ``host`` (any other ``Host`` header gets 403).
    - ``access_log``: log one line per request to the logger
      ``sendx.emulator.access`` at INFO.
    - ``allow_webhook_hosts``: hosts that webhooks may reach besides loopback ones
      (any other target is refused without a connection).
    - ``members``: addresses of the team members every team has over REST, besides
      its owner.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`. Then
    ``base_url`` is ``http://HOST:PORT/api/v1``, ``control_url`` the control plane, and
    :meth:`page_url` the web page (``http://HOST:PORT/``).
    """

    def __init__(
        self,
        db: str | os.PathLike[str] | None = None,
        teams: Mapping[str, str] | None = None,
        rules: Sequence[Mapping[str, Any]] | Mapping[str, Any] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        latency_ms: float = 0,
        webhook_attempts: int = 5,
        webhook_backoff: float = 0.5,
        webhook_timeout: float = 5.0,
        allow_hosts: Iterable[str] = (),
        access_log: bool = False,
        allow_webhook_hosts: Sequence[str] = (),
        members: Sequence[str] = (),
    ) -> None:
        from sendx.emulator.rest.team_members import check_members  # REST loads on use

        self._members = check_members(members)
        self._db_path = os.fspath(db) if db is not None else None
        self._allow_hosts = check_allow_hosts(allow_hosts)
        if not isinstance(access_log, bool):
            raise TypeError(f"access_log must be True or False (got {access_log!r})")
        self._access_log = access_log
        self._teams = check_teams(teams)
        self._rules: list[Rule] = (
            parse_rules(list(rules) if isinstance(rules, Sequence) else rules)
            if rules is not None
            else []
        )
        if (
            isinstance(latency_ms, bool)
            or not isinstance(latency_ms, (int, float))
            or latency_ms < 0
        ):
            raise ValueError(f"latency_ms must be a number >= 0 (got {latency_ms!r})")
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
            raise ValueError(f"port must be an int from 0 to 65535 (got {port!r})")
        if (
            isinstance(webhook_attempts, bool)
            or not isinstance(webhook_attempts, int)
            or webhook_attempts < 1
        ):
            raise ValueError(f"webhook_attempts must be an int >= 1 (got {webhook_attempts!r})")
        for name, value, low in (
            ("webhook_backoff", webhook_backoff, 0.0),
            ("webhook_timeout", webhook_timeout, 1e-3),
        ):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= low:
                raise ValueError(f"{name} must be a number of seconds >= {low:g} (got {value!r})")
        self._host = host
        self._port = port
        self._latency_ms = float(latency_ms)
        self._webhook = (webhook_attempts, float(webhook_backoff), float(webhook_timeout))
        if isinstance(allow_webhook_hosts, str) or not all(
            isinstance(host, str) and host for host in allow_webhook_hosts
        ):
            raise ValueError("allow_webhook_hosts must be a list of host names")
        self._webhook_hosts = tuple(allow_webhook_hosts)
        self._lock = threading.Lock()
        self._state = "new"
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._tempdir: str | None = None
        self._store: Any = None
        self._deliveries: Any = None
        self._socket: socket.socket | None = None
        self._bound_port: int | None = None
        self._access: Any = None
        self.app: Any = None
        """The ASGI application (available once started)."""

    @property
    def port(self) -> int:
        """The port listened on (known once started)."""
        if self._bound_port is None:
            raise RuntimeError("the emulator is not started; call start() first")
        return self._bound_port

    @property
    def host(self) -> str:
        """The host listened on."""
        return self._host

    @property
    def root_url(self) -> str:
        """``http://HOST:PORT``."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The API's base URL, ``http://HOST:PORT/api/v1``: give it to a client."""
        return f"{self.root_url}/api/v1"

    @property
    def control_url(self) -> str:
        """The control plane's URL, ``http://HOST:PORT/_emulator``."""
        return f"{self.root_url}/_emulator"

    def page_url(
        self,
        team_id: str | None = None,
        *,
        contact: str | None = None,
        message: str | None = None,
    ) -> str:
        """The web page's URL: of a message (by id), of a team's contact (by email),
        of a team, or (no argument) the home page of every team. Print it in a test's
        failure message: opened while the emulator runs, it shows what the app did."""
        from sendx.emulator.web.links import page_link

        return page_link(self.root_url, team_id, contact=contact, message=message)

    @property
    def db_path(self) -> str:
        """The SQLite file in use (a temporary one when ``db`` was ``None``)."""
        if self._db_path is not None:
            return self._db_path
        if self._tempdir is None:
            raise RuntimeError("the emulator is not started; call start() first")
        return os.path.join(self._tempdir, "emulator.sqlite3")

    def start(self) -> Emulator:
        """Open the database and serve on a background thread; returns ``self``."""
        with self._lock:
            if self._state != "new":
                raise RuntimeError("an Emulator starts once; build a new one to start again")
            self._state = "starting"
        try:
            self._start()
        except BaseException:
            self._cleanup()
            self._state = "stopped"
            raise
        self._state = "running"
        return self

    def _start(self) -> None:
        try:
            import uvicorn
        except ImportError as exc:
            raise EmulatorUnavailable(_INSTALL_HINT) from exc
        from sendx.emulator.app import EmulatorApp
        from sendx.emulator.delivery.automations import DeliveryQueue
        from sendx.emulator.http.access_log import AccessLog
        from sendx.emulator.http.auth import Auth
        from sendx.emulator.http.guard import HostGuard
        from sendx.emulator.store.database import Store

        if self._db_path is None:
            self._tempdir = tempfile.mkdtemp(prefix="sendx-emulator-")
        else:
            Path(self._db_path).parent.mkdir(parents=True, exist_ok=True)
        self._store = Store(self.db_path)
        auth = Auth(self._store, self._teams)
        attempts, backoff, timeout = self._webhook
        self._deliveries = DeliveryQueue(
            attempts=attempts,
            backoff=backoff,
            timeout=timeout,
            allowed_hosts=self._webhook_hosts,
        )
        registry: dict[Any, Any] = {}

        def abort(scope: Scope) -> None:
            transport = registry.get(scope.get("client"))
            if transport is None:  # never for TCP; the server then answers 500
                raise RuntimeError("the connection to drop is unknown")
            transport.abort()

        family = socket.AF_INET6 if ":" in self._host else socket.AF_INET
        # IPPROTO_TCP named explicitly: asyncio sets TCP_NODELAY on accepted sockets
        # only when proto says TCP; without it, Nagle delays each answer by 40 ms.
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._socket = sock
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self._host, self._port))
        self._bound_port = int(sock.getsockname()[1])
        sock.listen(1024)
        sock.setblocking(False)
        self.app = EmulatorApp(
            self._store,
            auth,
            rules=list(self._rules),
            deliveries=self._deliveries,
            latency_ms=self._latency_ms,
            abort=abort,
            guard=HostGuard(self._host, self._allow_hosts, port=self._bound_port),
            members=self._members,
        )
        if self._access_log:
            self._access = AccessLog(self.app)
            self._access.start()
        config = uvicorn.Config(
            self._access if self._access is not None else self.app,
            http=_protocol_class(registry),
            ws="none",
            lifespan="off",
            loop="asyncio",
            log_config=None,
            log_level="warning",
            access_log=False,
            proxy_headers=False,
            server_header=False,
            timeout_graceful_shutdown=5,
            backlog=1024,
        )
        self._server = _server_class(uvicorn.Server, self.app)(config)
        self._thread = threading.Thread(target=self._serve, name="sendx-emulator", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not self._server.started:
            self._thread.join(timeout=0.005)
            if not self._thread.is_alive():
                error = self._error
                raise RuntimeError(f"the emulator failed to start: {error!r}") from error
            if time.monotonic() > deadline:
                self._server.should_exit = True
                self._thread.join()
                raise RuntimeError(f"the emulator did not start within {_START_TIMEOUT:g} s")

    def _serve(self) -> None:
        try:
            self._server.run(sockets=[self._socket])
        except BaseException as exc:  # reported by start(); a thread has no caller
            self._error = exc

    def stop(self) -> None:
        """Finish the requests in flight, stop serving and close the database.
        Idempotent."""
        with self._lock:
            if self._state in ("new", "stopped"):
                self._state = "stopped"
                return
            self._state = "stopped"
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join()
        self._cleanup()

    def _cleanup(self) -> None:
        if self._access is not None:  # after the server: its last requests are logged
            self._access.close()
        if self._deliveries is not None:
            self._deliveries.close()
        if self._store is not None:
            self._store.close()
            self._store = None
        if self._socket is not None:
            self._socket.close()
        if self._tempdir is not None:
            shutil.rmtree(self._tempdir, ignore_errors=True)

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.base_url if self._state == "running" else self._state
        return f"Emulator({where}, db={self._db_path!r})"

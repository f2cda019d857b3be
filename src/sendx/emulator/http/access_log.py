"""The access log: one line per request, ``POST /api/v1/contact/identify 200 1.2ms``.

The method, the path, the status and the time to the end of the answer; never the query
string (``?email=`` holds a contact's address) nor a body. A request answered by no
status (a ``drop`` fault, or a client that left first) shows ``-``. Lines go to the
logger ``sendx.emulator.access`` at INFO: ``sendx emulator`` prints them on stderr
unless ``--quiet``; in Python, ``Emulator(access_log=True)`` sends them and the
program's logging configuration decides where they go.

The log is a wrapper around the application, installed only when asked for, so that
an emulator without it pays nothing per request. With it, the server's loop only notes
each request (an append to a deque); a thread of the log's own makes the records,
every 50 ms, so that neither the logging machinery nor a slow terminal, nor a pipe
nobody reads, holds up the server.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import threading
import time
from collections.abc import Iterator, MutableMapping
from typing import Any, TextIO

from sendx.emulator.http.asgi import Receive, Scope, Send

__all__ = ["LOGGER_NAME", "AccessLog", "printed_on"]

LOGGER_NAME = "sendx.emulator.access"
_FORMAT = "%s %s %s %.1fms"
_MAX_PATH = 200
# Requests noted and not yet logged; past this (a handler that does not keep up), the
# oldest are dropped.
_MAX_WAITING = 10_000
_PERIOD = 0.05  # seconds between two rounds of the log's thread
_now = time.perf_counter

# method, raw path (or path), status, seconds
_Noted = tuple[str, Any, str, float]


def _shown_path(path: Any) -> str:
    # The path as the client sent it (percent-escapes kept): a decoded %0A would
    # start a line of its own in the log.
    text = path.decode("ascii", "backslashreplace") if isinstance(path, bytes) else str(path)
    return text if len(text) <= _MAX_PATH else text[: _MAX_PATH - 3] + "..."


class AccessLog:
    """Wraps an ASGI application; logs each HTTP request it answers, from a thread
    that :meth:`start` starts and :meth:`close` stops (logging what is left)."""

    def __init__(self, app: Any, logger: logging.Logger | None = None) -> None:
        self.app = app
        self.logger = logging.getLogger(LOGGER_NAME) if logger is None else logger
        self._noted: collections.deque[_Noted] = collections.deque(maxlen=_MAX_WAITING)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread that logs the requests noted."""
        self._thread = threading.Thread(target=self._run, name="sendx-emulator-log", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Log what is left and stop the thread. A handler stuck on its stream is
        left behind after a second (the thread is a daemon) rather than holding up
        the caller."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=1.0)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = _now()
        status = "-"

        async def noting_status(message: MutableMapping[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = str(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, noting_status)
        except BaseException:
            if status == "-":
                status = "500"  # the server answers it
            raise
        finally:
            path = scope.get("raw_path") or scope["path"]
            self._noted.append((scope["method"], path, status, _now() - start))

    def _run(self) -> None:
        while True:
            stopping = self._stop.wait(_PERIOD)
            self._log_noted()
            if stopping:
                return

    def _log_noted(self) -> None:
        logger = self.logger
        noted = self._noted
        while noted:
            method, path, status, seconds = noted.popleft()
            if logger.isEnabledFor(logging.INFO):
                args = (method, _shown_path(path), status, seconds * 1000.0)
                # Made here rather than by logger.info(), which looks up its caller's
                # file and line: a third of its cost, and of no use here.
                record = logger.makeRecord(logger.name, logging.INFO, "", 0, _FORMAT, args, None)
                logger.handle(record)


@contextlib.contextmanager
def printed_on(stream: TextIO) -> Iterator[None]:
    """Print the access log's lines on ``stream`` while in the block, as
    ``sendx emulator`` does on stderr."""
    logger = logging.getLogger(LOGGER_NAME)
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)

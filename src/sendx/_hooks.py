"""What the client reports about each attempt: DEBUG log lines and optional hooks.

Events carry the method and the path, never the query string (it holds the contact's
email) nor any header (one holds the API key).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Observer", "RequestEvent", "ResponseEvent", "RetryEvent", "logger"]

logger = logging.getLogger("sendx")


@dataclass(frozen=True, slots=True)
class RequestEvent:
    """An attempt is about to be sent."""

    method: str
    path: str
    attempt: int


@dataclass(frozen=True, slots=True)
class ResponseEvent:
    """An attempt ended: with an HTTP ``status``, or with ``error`` (a short text)."""

    method: str
    path: str
    attempt: int
    status: int | None
    elapsed: float
    error: str | None = None


@dataclass(frozen=True, slots=True)
class RetryEvent:
    """The client will send again after ``delay`` seconds, as ``attempt``."""

    method: str
    path: str
    attempt: int
    delay: float
    reason: str


for _cls in (RequestEvent, ResponseEvent, RetryEvent):
    _cls.__module__ = "sendx"


class Observer:
    """Logs every attempt and calls the user's hooks; shared by both shells."""

    __slots__ = ("on_request", "on_response", "on_retry")

    def __init__(
        self,
        on_request: Callable[[RequestEvent], object] | None = None,
        on_response: Callable[[ResponseEvent], object] | None = None,
        on_retry: Callable[[RetryEvent], object] | None = None,
    ) -> None:
        self.on_request = on_request
        self.on_response = on_response
        self.on_retry = on_retry

    def request(self, method: str, path: str, attempt: int) -> None:
        if self.on_request is not None:
            self.on_request(RequestEvent(method, path, attempt))

    def response(
        self,
        method: str,
        path: str,
        attempt: int,
        status: int | None,
        elapsed: float,
        error: str | None = None,
    ) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            outcome = status if error is None else error
            logger.debug(
                "%s %s -> %s in %.1f ms (attempt %d)",
                method,
                path,
                outcome,
                elapsed * 1000.0,
                attempt,
            )
        if self.on_response is not None:
            self.on_response(ResponseEvent(method, path, attempt, status, elapsed, error))

    def retry(self, method: str, path: str, attempt: int, delay: float, reason: str) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s: retrying in %.2f s as attempt %d (%s)", method, path, delay, attempt, reason
            )
        if self.on_retry is not None:
            self.on_retry(RetryEvent(method, path, attempt, delay, reason))

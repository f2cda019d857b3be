"""The exceptions that sendx raises.

Every exception derives from :class:`SendXError`. Messages say what went wrong and
what to do; they never contain the API key, and never a whole request body (contact
data is personal data). Exceptions keep structured attributes and survive ``pickle``,
so they can cross process boundaries (multiprocessing, task queues).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "InvalidRequestError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "SendXError",
    "UnexpectedResponseError",
    "UnprocessableEntityError",
    "error_for_status",
]


class SendXError(Exception):
    """Base class of every error raised by sendx."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidRequestError(SendXError, ValueError):
    """An argument is invalid; raised before any I/O, so nothing was sent.

    ``field`` names the offending argument (``"email"``, ``"custom_fields['Age']"``, ...).
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, {"field": self.field}))


class APIConnectionError(SendXError):
    """SendX could not be reached, the connection broke before a whole answer came, or
    what answered was not SendX.

    ``request_sent`` tells whether the request may have reached the server: when it is
    true, the server may have applied it even though no answer arrived.
    """

    def __init__(self, message: str, *, request_sent: bool = False) -> None:
        super().__init__(message)
        self.request_sent = request_sent

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, {"request_sent": self.request_sent}))


class APITimeoutError(APIConnectionError):
    """A connect or read timeout expired, or the client's overall deadline passed."""


class UnexpectedResponseError(APIConnectionError):
    """A 2xx answer that is not SendX's JSON: something else answered in SendX's place
    (a proxy, a captive portal, a wrong base URL), or the body cannot be decoded.

    SendX may or may not have applied the call, so ``request_sent`` is true. Attributes:
    ``status`` (int), ``content_type`` (the answer's ``Content-Type``, or ``None``) and
    ``body`` (the answer's first 1,000 characters, for a look at who answered).
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        content_type: str | None = None,
        body: str = "",
        request_sent: bool = True,
    ) -> None:
        super().__init__(message, request_sent=request_sent)
        self.status = status
        self.content_type = content_type
        self.body = body

    def __reduce__(self) -> tuple[Any, ...]:
        state = {
            "status": self.status,
            "content_type": self.content_type,
            "body": self.body,
            "request_sent": self.request_sent,
        }
        return (_rebuild, (type(self), self.message, state))


class APIStatusError(SendXError):
    """SendX answered with a status outside 2xx.

    Attributes: ``status`` (int), ``message`` (the server's message, or the reason
    phrase), ``body`` (the decoded JSON body, or its text), ``headers`` (a dict with
    lower-case names) and ``retry_after`` (seconds, when the server sent
    ``Retry-After``).
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body = body
        self.headers: dict[str, str] = dict(headers or {})
        self.retry_after = retry_after

    def __str__(self) -> str:
        return f"SendX answered {self.status}: {self.message}{_advice(self.status, self.body)}"

    def __reduce__(self) -> tuple[Any, ...]:
        state = {
            "status": self.status,
            "body": self.body,
            "headers": self.headers,
            "retry_after": self.retry_after,
        }
        return (_rebuild, (type(self), self.message, state))


class BadRequestError(APIStatusError):
    """400: SendX rejected the request as malformed."""


class AuthenticationError(APIStatusError):
    """401: the API key or the team id is not valid."""


class PermissionDeniedError(APIStatusError):
    """403: the API key may not do this."""


class NotFoundError(APIStatusError):
    """404: no such contact (track) or no such endpoint."""


class ConflictError(APIStatusError):
    """409: the change conflicts with another contact (e.g. a rename onto a taken email)."""


class UnprocessableEntityError(APIStatusError):
    """422: the request is well-formed but SendX cannot apply it."""


class RateLimitError(APIStatusError):
    """429: too many requests; ``retry_after`` says how long SendX asks to wait."""


class InternalServerError(APIStatusError):
    """5xx: SendX failed; the request may be retried later."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}

_ADVICE: dict[int, str] = {
    401: " (check api_key / SENDX_API_KEY, and for identify and track team_id / SENDX_TEAM_ID)",
    403: " (check that this API key has access to the team)",
    429: " (slow down, or raise max_retries so the client waits as asked)",
}


def _advice(status: int, body: Any) -> str:
    if status >= 500:
        return " (a server-side failure; try again later)"
    if status == 403 and _explains(body):
        # SendX's REST API answers 403 for a name the team already has: its message
        # says so, and advice about the key's access would send the reader astray.
        return ""
    return _ADVICE.get(status, "")


def _explains(body: Any) -> bool:
    """Whether the answer's body holds SendX's own message, more than "Forbidden"."""
    message = body.get("message") if isinstance(body, dict) else None
    if not isinstance(message, str):
        return False
    return message.strip().rstrip(".").lower() not in ("", "forbidden")


def error_for_status(
    status: int,
    message: str,
    *,
    body: Any = None,
    headers: Mapping[str, str] | None = None,
    retry_after: float | None = None,
) -> APIStatusError:
    """The exception for a non-2xx ``status``: the subclass for it, else the base class."""
    cls = _BY_STATUS.get(status)
    if cls is None:
        cls = InternalServerError if status >= 500 else APIStatusError
    return cls(message, status=status, body=body, headers=headers, retry_after=retry_after)


def _rebuild(cls: type[SendXError], message: str, state: dict[str, Any]) -> SendXError:
    return cls(message, **state)


for _cls in (
    SendXError,
    InvalidRequestError,
    APIConnectionError,
    APITimeoutError,
    UnexpectedResponseError,
    APIStatusError,
    *_BY_STATUS.values(),
    InternalServerError,
):
    # Public classes present themselves as ``sendx.X``, the name users import.
    _cls.__module__ = "sendx"

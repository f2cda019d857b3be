"""The sans-I/O core: request building, retry decisions and response handling.

Nothing here touches a socket, a clock or a random source: the shells (``_sync``,
``_async``) pass ``now`` and ``random`` in and carry out the decisions returned
(:class:`Done`, :class:`Wait`, :class:`Fail`). So both clients share one retry policy
that cannot drift, and every decision can be replayed in a test.
"""

from __future__ import annotations

import datetime
import email.utils
import enum
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode, urlsplit

import msgspec

from sendx._config import Settings, missing_team_error
from sendx._policies import NOT_APPLIED_STATUSES, RETRYABLE_STATUSES, RetryPolicy, Timeout
from sendx._version import __version__
from sendx.errors import (
    APIConnectionError,
    APITimeoutError,
    InvalidRequestError,
    SendXError,
    UnexpectedResponseError,
    error_for_status,
)
from sendx.models import NotAnAnswer, envelope_problem

__all__ = [
    "MAX_RESPONSE_BYTES",
    "BodyFailure",
    "body_size_failure",
    "Call",
    "Done",
    "Endpoint",
    "RestEndpoint",
    "Fail",
    "Failure",
    "FailureKind",
    "RetryState",
    "Wait",
    "after_failure",
    "after_response",
    "parse_retry_after",
    "start",
    "user_agent",
]

T = TypeVar("T")


def user_agent() -> str:
    """``sendx-python/<version> (python <version>)``."""
    import platform

    return f"sendx-python/{__version__} (python {platform.python_version()})"


@dataclass(frozen=True, slots=True)
class Call(Generic[T]):
    """One API call, described: built by a resource, sent by a shell.

    ``params`` follow ``team_id`` in the query string (v1) or make it (REST).
    ``idempotent`` says whether the call may be sent twice safely; a call that is not
    is retried only where the server surely did not apply it. ``decode`` turns a 2xx
    body into the result; it raises :class:`~sendx.models.NotAnAnswer` for a body that
    is not SendX's. ``rest`` sends the call to the REST API (``rest_base_url``, the
    ``X-Team-ApiKey`` header, no team id) instead of v1.
    """

    method: str
    path: str
    params: tuple[tuple[str, str], ...]
    body: bytes | None
    idempotent: bool
    decode: Callable[[bytes], T]
    rest: bool = False


#: Headers the client owns: a user's ``headers=`` may not set them, so the key is sent
#: once, only as ``api_key`` (v1) or ``X-Team-ApiKey`` (REST), and no ``Authorization``
#: header is ever sent.
RESERVED_HEADERS = frozenset(
    {
        "api_key",
        "x-team-apikey",
        "authorization",
        "host",
        "content-length",
        "content-type",
        "transfer-encoding",
    }
)


def check_extra_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    """The user's extra headers, refused when they would replace one the client owns or
    could split the request (CR or LF in a name or value)."""
    checked: dict[str, str] = {}
    for name, value in (headers or {}).items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise InvalidRequestError("headers must map strings to strings", field="headers")
        if name.strip().lower() in RESERVED_HEADERS:
            raise InvalidRequestError(
                f"headers may not set {name!r}, a header the client controls; the API "
                "key is sent only as the api_key (v1) or X-Team-ApiKey (REST) header, from "
                "api_key / SENDX_API_KEY",
                field="headers",
            )
        if any(ch in name + value for ch in "\r\n\x00") or not name.strip():
            raise InvalidRequestError(
                f"header {name!r} has an empty name or a line break", field="headers"
            )
        checked[name] = value
    return checked


class Endpoint:
    """The fixed part of every v1 request to one SendX account: URL prefix and headers."""

    __slots__ = ("_team_query", "base_url", "headers", "origin", "path_prefix")

    def __init__(
        self, settings: Settings, *, user_agent: str, extra_headers: Mapping[str, str] | None = None
    ) -> None:
        parts = urlsplit(settings.base_url)
        self.base_url = settings.base_url
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.path_prefix = parts.path
        team = settings.team_id
        self._team_query = None if team is None else urlencode({"team_id": team})
        self.headers: dict[str, str] = {
            "api_key": settings.api_key,
            "Accept": "application/json",
            "Accept-Encoding": "identity",
            "Content-Type": "application/json",
            "User-Agent": user_agent,
            **check_extra_headers(extra_headers),
        }

    def target(self, call: Call[Any]) -> str:
        """Path and query of ``call``: ``/api/v1/contact/track?team_id=T&email=E``,
        form-encoded (``@`` is ``%40``, ``+`` is ``%2B``, a space is ``+``). Raises
        ``InvalidRequestError`` on a client without a team id."""
        query = self._team_query
        if query is None:
            raise missing_team_error()
        if call.params:
            query = f"{query}&{urlencode(call.params)}"
        return f"{self.path_prefix}{call.path}?{query}"


class RestEndpoint:
    """The fixed part of every REST request: URL prefix and headers (the key as
    ``X-Team-ApiKey``; nothing of v1's auth)."""

    __slots__ = ("base_url", "headers", "origin", "path_prefix")

    def __init__(
        self, settings: Settings, *, user_agent: str, extra_headers: Mapping[str, str] | None = None
    ) -> None:
        parts = urlsplit(settings.rest_base_url)
        self.base_url = settings.rest_base_url
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.path_prefix = parts.path
        self.headers: dict[str, str] = {
            "X-Team-ApiKey": settings.api_key,
            "Accept": "application/json",
            "Accept-Encoding": "identity",
            "Content-Type": "application/json",
            "User-Agent": user_agent,
            **check_extra_headers(extra_headers),
        }

    def target(self, call: Call[Any]) -> str:
        """Path and query of ``call``: ``/api/v1/rest/contact?offset=0&limit=100``; the
        path's segments are already quoted by the resource."""
        if call.params:
            return f"{self.path_prefix}{call.path}?{urlencode(call.params)}"
        return f"{self.path_prefix}{call.path}"


#: The largest answer a client reads. SendX's answers are well under a kilobyte; a
#: bigger one means a wrong base URL or a misbehaving proxy, and must not fill memory.
MAX_RESPONSE_BYTES = 4 * 1024 * 1024


class FailureKind(enum.Enum):
    """What went wrong below HTTP, as far as it tells whether the request was sent."""

    CONNECT = "connect"  # no connection was made: the request surely was not sent
    CONNECT_TIMEOUT = "connect timeout"  # likewise
    TLS = "tls"  # the handshake failed: not sent, and retrying will not help
    READ_TIMEOUT = "read timeout"  # sent; the server may have applied it
    DISCONNECTED = "disconnected"  # sent; the server may have applied it
    TOO_LARGE = "answer too large"  # sent; not SendX (its answers are small): no retry

    @property
    def request_sent(self) -> bool:
        return self in (FailureKind.READ_TIMEOUT, FailureKind.DISCONNECTED, FailureKind.TOO_LARGE)


@dataclass(frozen=True, slots=True)
class Failure:
    """A transport failure, described without URLs (they carry personal data)."""

    kind: FailureKind
    detail: str


class BodyFailure(Exception):
    """Raised by a shell while reading an answer that must be cut short because it is
    too large. Carries the :class:`Failure`."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.detail)
        self.failure = failure


def body_size_failure() -> BodyFailure:
    """An answer over :data:`MAX_RESPONSE_BYTES`."""
    return BodyFailure(Failure(FailureKind.TOO_LARGE, f"more than {MAX_RESPONSE_BYTES} bytes"))


@dataclass(frozen=True, slots=True)
class RetryState:
    """Where a call stands: the attempt about to be made and the overall deadline."""

    attempt: int
    deadline_at: float
    policy: RetryPolicy

    def attempt_timeout(self, timeout: Timeout, now: float) -> tuple[float, float] | None:
        """Connect and read timeouts for this attempt, cut to the time left; ``None``
        when the deadline has passed."""
        left = self.deadline_at - now
        if left <= 0:
            return None
        return min(timeout.connect, left), min(timeout.read, left)


@dataclass(frozen=True, slots=True)
class Done(Generic[T]):
    """The call succeeded with ``value``."""

    value: T


@dataclass(frozen=True, slots=True)
class Wait:
    """Send again after ``delay`` seconds, as attempt ``state.attempt``."""

    delay: float
    state: RetryState
    reason: str


@dataclass(frozen=True, slots=True)
class Fail:
    """Give up and raise ``error``."""

    error: SendXError


Outcome = Done[T] | Wait | Fail


def start(policy: RetryPolicy, now: float) -> RetryState:
    """The state of a call about to make its first attempt at ``now`` (monotonic)."""
    return RetryState(attempt=1, deadline_at=now + policy.deadline, policy=policy)


def parse_retry_after(value: str | None, wall_now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date
    (relative to ``wall_now``, a Unix time). ``None`` when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # "-0000": no zone given; HTTP dates are GMT
            when = when.replace(tzinfo=datetime.timezone.utc)
        seconds = when.timestamp() - wall_now
    if math.isnan(seconds):
        return None
    return max(0.0, seconds)


def deadline_error(call: Call[Any], state: RetryState) -> APITimeoutError:
    """The error for a call whose overall deadline passed before it could finish."""
    return APITimeoutError(
        f"{call.method} {call.path} did not complete within the client's deadline of "
        f"{state.policy.deadline:g} s ({state.attempt - 1} attempt(s) made); raise "
        "RetryPolicy(deadline=...) or check that SendX is reachable",
        request_sent=state.attempt > 1,
    )


def _annotate(error: SendXError, note: str) -> SendXError:
    """Add why no retry follows to ``error``'s message (``str()`` and pickle use it)."""
    error.message = f"{error.message}; {note}"
    error.args = (error.message,)
    return error


def _schedule(
    state: RetryState, delay: float, now: float, reason: str, error: SendXError
) -> Wait | Fail:
    if now + delay >= state.deadline_at:
        note = f"no time left for a retry within the deadline of {state.policy.deadline:g} s"
        return Fail(_annotate(error, note))
    return Wait(
        delay=delay,
        state=RetryState(state.attempt + 1, state.deadline_at, state.policy),
        reason=reason,
    )


def after_response(
    state: RetryState,
    call: Call[T],
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: float,
    wall_now: float,
    random: float,
) -> Done[T] | Wait | Fail:
    """Decide what an answer means: a result, another attempt, or an error.

    A 2xx must hold SendX's JSON envelope (204 aside, which has no body): anything
    else came from whatever answered in SendX's place, and raises at once.
    """
    if 200 <= status < 300:
        # A REST answer's decoder checks its shape itself (an object, or an array).
        problem = None if status == 204 or call.rest else envelope_problem(body)
        if problem is None:
            try:
                return Done(call.decode(body))
            except RecursionError:  # past the depth the envelope check got through
                problem = "JSON nested too deeply to decode"
            except NotAnAnswer as exc:
                problem = str(exc)
        return Fail(unexpected_response_error(call, state, status, headers, body, problem))
    retry_after = parse_retry_after(
        headers.get("retry-after") or headers.get("Retry-After"), wall_now
    )
    error = status_error(status, headers, body, retry_after, attempts=state.attempt)
    policy = state.policy
    if (
        status not in RETRYABLE_STATUSES
        or state.attempt > policy.max_retries
        or not (call.idempotent or status in NOT_APPLIED_STATUSES)
    ):
        return Fail(error)
    if retry_after is not None:
        if retry_after > policy.retry_after_max:
            note = (
                f"not retried: SendX asked to wait {retry_after:g} s, more than "
                f"retry_after_max={policy.retry_after_max:g} s"
            )
            return Fail(_annotate(error, note))
        delay = retry_after
    else:
        delay = policy.backoff(state.attempt - 1, random)
    return _schedule(state, delay, now, f"status {status}", error)


def unexpected_response_error(
    call: Call[Any],
    state: RetryState,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    problem: str,
) -> UnexpectedResponseError:
    """The error for a 2xx answer whose body is not SendX's JSON (``problem`` says how)."""
    content_type = headers.get("content-type") or headers.get("Content-Type")
    return UnexpectedResponseError(
        f"the answer to {call.method} {call.path} (HTTP {status}, "
        f"{content_type or 'no Content-Type'}) is not SendX's: {problem}, on attempt "
        f"{state.attempt}. A proxy, a captive portal or a wrong base URL answered in "
        "SendX's place, and SendX may or may not have applied the call, so it is not "
        f"retried; check {_url_setting(call)} and any proxy between this machine and SendX",
        status=status,
        content_type=content_type,
        body=body[:1000].decode("utf-8", "replace"),
    )


def _url_setting(call: Call[Any]) -> str:
    """The setting that says where ``call`` went, for advice."""
    return "rest_base_url / SENDX_REST_BASE_URL" if call.rest else "base_url / SENDX_BASE_URL"


def after_failure(
    state: RetryState, call: Call[Any], failure: Failure, *, now: float, random: float
) -> Wait | Fail:
    """Decide what a transport failure means: another attempt, or an error."""
    kind = failure.kind
    if kind in (FailureKind.CONNECT_TIMEOUT, FailureKind.READ_TIMEOUT) and now >= state.deadline_at:
        # Each wait is cut to the deadline: a timeout past it is the deadline's doing.
        wait = (
            "a connection was made"
            if kind is FailureKind.CONNECT_TIMEOUT
            else "the whole answer came"
        )
        failure = Failure(kind, f"the deadline of {state.policy.deadline:g} s passed before {wait}")
    error_class = (
        APITimeoutError
        if kind in (FailureKind.CONNECT_TIMEOUT, FailureKind.READ_TIMEOUT)
        else APIConnectionError
    )
    if kind.request_sent and not call.idempotent:
        advice = (
            "; not retried because this call is not idempotent (an increment, a rename, "
            "a create, an email or an event) and SendX may already have applied it: "
            "check SendX before sending it again"
        )
    elif kind is FailureKind.TLS:
        advice = "; check the base URL and the machine's CA certificates"
    elif kind is FailureKind.TOO_LARGE:
        advice = f"; SendX's answers are small: check {_url_setting(call)}"
    else:
        advice = f"; check {_url_setting(call)} and the network"
    error = error_class(
        f"{call.method} {call.path} failed ({kind.value}: {failure.detail}) "
        f"on attempt {state.attempt}{advice}",
        request_sent=kind.request_sent,
    )
    if (
        kind in (FailureKind.TLS, FailureKind.TOO_LARGE)
        or state.attempt > state.policy.max_retries
        or (kind.request_sent and not call.idempotent)
    ):
        return Fail(error)
    delay = state.policy.backoff(state.attempt - 1, random)
    return _schedule(state, delay, now, kind.value, error)


def _decode_error_body(body: bytes) -> tuple[Any, str | None]:
    """The body as JSON (any shape) or else as text, and the server's ``message``
    when the body is an object holding a string one."""
    try:
        decoded = msgspec.json.decode(body)
    except (msgspec.DecodeError, RecursionError):  # not JSON, or nested past any use
        return body.decode("utf-8", "replace"), None
    message = decoded.get("message") if isinstance(decoded, dict) else None
    return decoded, message if isinstance(message, str) and message.strip() else None


def _reason(status: int) -> str | None:
    """The standard reason phrase of ``status`` ("Not Found"), if it has one."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return None


def status_error(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    retry_after: float | None,
    *,
    attempts: int = 1,
) -> SendXError:
    """The :class:`APIStatusError` subclass for a non-2xx answer."""
    decoded, message = _decode_error_body(body)
    message = (message or _reason(status) or "no message")[:300]
    if attempts > 1:
        message = f"{message} (after {attempts} attempts)"
    lowered = {k.lower(): v for k, v in headers.items()}
    return error_for_status(status, message, body=decoded, headers=lowered, retry_after=retry_after)

"""Timeouts and retry policies: frozen values with named defaults.

A client holds one of each; a call that needs other values makes a new one
(``dataclasses.replace``), so a policy seen by one call never changes under another.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sendx.errors import InvalidRequestError

__all__ = [
    "DEFAULT_RETRY_POLICY",
    "DEFAULT_TIMEOUT",
    "RetryPolicy",
    "Timeout",
    "RETRYABLE_STATUSES",
]

#: Statuses that are worth another attempt: the server did not (or may not) have handled
#: the request, and says so.
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})

#: Statuses whose answer guarantees that the server did not apply the request, so even a
#: non-idempotent call (an identify holding an increment) may be sent again.
NOT_APPLIED_STATUSES = frozenset({429, 503})


def _check_seconds(name: str, value: float, *, allow_zero: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidRequestError(
            f"{name} must be a number of seconds (got {type(value).__name__} {value!r})",
            field=name,
        )
    if math.isnan(value) or value < 0 or (value == 0 and not allow_zero):
        raise InvalidRequestError(
            f"{name} must be a positive number of seconds (got {value!r}); "
            "use math.inf to wait without limit",
            field=name,
        )
    return float(value)


@dataclass(frozen=True, slots=True)
class Timeout:
    """How long one attempt may take: ``connect`` to open a connection, ``read`` to
    wait for each chunk of the answer. Both in seconds; ``math.inf`` waits forever.

    Clients also accept a plain number (both phases) or a ``(connect, read)`` pair.
    """

    connect: float = 5.0
    read: float = 30.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "connect", _check_seconds("timeout.connect", self.connect))
        object.__setattr__(self, "read", _check_seconds("timeout.read", self.read))

    @classmethod
    def coerce(
        cls, value: Timeout | float | tuple[float, float] | None, default: Timeout
    ) -> Timeout:
        """Accept a ``Timeout``, a number (both phases) or a ``(connect, read)`` pair.

        ``None`` means ``default``: it never disables timeouts.
        """
        if value is None:
            return default
        if isinstance(value, Timeout):
            return value
        if isinstance(value, tuple):
            if len(value) != 2:
                raise InvalidRequestError(
                    f"timeout must be a number or a (connect, read) pair (got {len(value)} items)",
                    field="timeout",
                )
            return cls(value[0], value[1])
        number = _check_seconds("timeout", value)
        return cls(number, number)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When and how long to wait before sending a failed request again.

    - ``max_retries``: attempts after the first one (0 disables retries).
    - ``backoff_initial`` / ``backoff_max``: the n-th retry waits a random time in
      ``[0, min(backoff_max, backoff_initial * 2**n)]`` ("full jitter").
    - ``retry_after_max``: the longest ``Retry-After`` the client honours; a longer
      one ends the retries and raises, so a call never hangs for minutes.
    - ``deadline``: seconds for the whole call, every attempt and wait included.
    """

    max_retries: int = 3
    backoff_initial: float = 0.5
    backoff_max: float = 8.0
    retry_after_max: float = 30.0
    deadline: float = 60.0

    def __post_init__(self) -> None:
        if (
            isinstance(self.max_retries, bool)
            or not isinstance(self.max_retries, int)
            or self.max_retries < 0
        ):
            raise InvalidRequestError(
                f"max_retries must be an int >= 0 (got {self.max_retries!r}); "
                "use 0 to disable retries",
                field="max_retries",
            )
        _check_seconds("backoff_initial", self.backoff_initial, allow_zero=True)
        _check_seconds("backoff_max", self.backoff_max, allow_zero=True)
        _check_seconds("retry_after_max", self.retry_after_max, allow_zero=True)
        _check_seconds("deadline", self.deadline)

    def backoff(self, retry_number: int, random: float) -> float:
        """The wait before retry number ``retry_number`` (0-based), ``random`` in [0, 1)."""
        ceiling = min(self.backoff_max, self.backoff_initial * (2.0**retry_number))
        return ceiling * random


DEFAULT_TIMEOUT = Timeout()
DEFAULT_RETRY_POLICY = RetryPolicy()

Timeout.__module__ = "sendx"
RetryPolicy.__module__ = "sendx"

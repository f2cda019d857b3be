"""Revenue and custom events: ``client.events.revenue`` (``/events/revenue``) and
``client.events.custom`` (``/events/custom``).

The contact is named by ``identifier``: its address, or its id (``contact_...``). An
event is not idempotent (a revenue event sent twice counts twice): it is retried only
where SendX surely did not get it (no connection was made, or a 429 or 503 answered).
"""

from __future__ import annotations

import datetime
import decimal
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import msgspec

from sendx._core import Call
from sendx._policies import Timeout
from sendx._validation import check_email
from sendx.errors import InvalidRequestError
from sendx.resources._rest import (
    Message,
    TimeoutArg,
    body,
    check_id,
    check_text,
    decoder,
    rest_call,
)

if TYPE_CHECKING:
    from sendx._async import AsyncShell
    from sendx._sync import SyncShell
    from sendx.resources._names import NameCache

__all__ = ["AsyncEvents", "Events", "EventTime", "custom_call", "identifier_of", "revenue_call"]

#: When an event happened: an aware ``datetime``, or Unix seconds.
EventTime = datetime.datetime | int | float

_encode = msgspec.json.Encoder().encode


def identifier_of(value: Any, field: str = "identifier") -> str:
    """A contact as an event names it: its address (checked by the one email rule) or
    its id (``contact_`` and 22 letters or digits; the prefix may be left out)."""
    if isinstance(value, str) and "@" in value:
        return check_email(value, field)
    if isinstance(value, str) and "_" not in value and not (len(value) == 22 and value.isalnum()):
        # Most likely an address with a typo: not echoed, it is personal data.
        raise InvalidRequestError(
            f"{field} must be the contact's address or its id (contact_ and 22 letters "
            f"or digits); got {len(value)} characters and no '@'",
            field=field,
        )
    return check_id(value, "contact_", field)


def _amount(value: Any) -> float:
    if isinstance(value, decimal.Decimal):
        number = float(value) if value.is_finite() else math.nan
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    else:
        raise InvalidRequestError(
            f"amount must be a number (got {type(value).__name__}); pass the amount in the "
            "currency's units, e.g. 99.99",
            field="amount",
        )
    if not math.isfinite(number) or number < 0:
        raise InvalidRequestError(
            f"amount must be a finite number >= 0 in the currency's units (got {value!r})",
            field="amount",
        )
    return number


def _time(value: Any) -> int | None:
    """Unix seconds of ``time``: an aware datetime, or seconds (an int or a float)."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidRequestError(
                "time must be an aware datetime (a naive one names no instant); pass "
                "tzinfo=datetime.timezone.utc, or Unix seconds",
                field="time",
            )
        seconds = value.timestamp()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    else:
        raise InvalidRequestError(
            f"time must be an aware datetime or Unix seconds (got {type(value).__name__})",
            field="time",
        )
    if not math.isfinite(seconds) or seconds < 0:
        raise InvalidRequestError(
            f"time must be at or after 1970-01-01 UTC (got {value!r})", field="time"
        )
    return int(seconds)


def _data(value: Any) -> Any:
    """The custom event's data: a mapping of names to JSON values, encoded here so that
    a value JSON cannot hold raises before any I/O."""
    if value is None:
        return None
    if not isinstance(value, Mapping) or not all(isinstance(key, str) for key in value):
        raise InvalidRequestError(
            f"data must be a mapping of string keys to JSON values (got {type(value).__name__})",
            field="data",
        )
    try:
        return msgspec.json.decode(_encode(dict(value)))
    except (TypeError, ValueError, OverflowError) as exc:
        raise InvalidRequestError(
            f"data holds a value JSON cannot carry ({exc}); use strings, numbers, booleans, "
            "lists and mappings",
            field="data",
        ) from None


def revenue_call(
    *,
    identifier: str,
    amount: float | decimal.Decimal,
    source: str | None = None,
    time: EventTime | None = None,
) -> Call[Message]:
    """``POST /events/revenue``; raises ``InvalidRequestError`` before any I/O."""
    properties = {
        "identifier": identifier_of(identifier),
        "amount": _amount(amount),
        "source": check_text(source, "source"),
        "time": _time(time),
    }
    return rest_call(
        "POST", "/events/revenue", decoder(Message), payload=body(properties), idempotent=False
    )


def custom_call(
    *,
    identifier: str,
    name: str,
    data: Mapping[str, Any] | None = None,
    time: EventTime | None = None,
) -> Call[Message]:
    """``POST /events/custom``; raises ``InvalidRequestError`` before any I/O."""
    properties = {
        "identifier": identifier_of(identifier),
        "name": check_text(name, "name", required=True),
        "data": _data(data),
        "time": _time(time),
    }
    return rest_call(
        "POST", "/events/custom", decoder(Message), payload=body(properties), idempotent=False
    )


class Events:
    """``client.events``: revenue and custom events, blocking."""

    def __init__(self, shell: SyncShell, names: NameCache) -> None:
        self._shell = shell

    def revenue(
        self,
        *,
        identifier: str,
        amount: float | decimal.Decimal,
        source: str | None = None,
        time: EventTime | None = None,
        timeout: TimeoutArg = None,
    ) -> Message:
        """Record revenue of the contact ``identifier`` (address or id): ``amount`` in
        the currency's units (SendX adds it to the contact's lifetime value),
        ``source`` where it came from, ``time`` when it happened (an aware datetime or
        Unix seconds; SendX's time of receipt if not given)."""
        call = revenue_call(identifier=identifier, amount=amount, source=source, time=time)
        return self._shell.request(call, Timeout.coerce(timeout, self._shell.timeout))

    def custom(
        self,
        *,
        identifier: str,
        name: str,
        data: Mapping[str, Any] | None = None,
        time: EventTime | None = None,
        timeout: TimeoutArg = None,
    ) -> Message:
        """Record the custom event ``name`` of the contact ``identifier`` (address or
        id), with ``data`` (JSON values) and ``time`` (as for :meth:`revenue`)."""
        call = custom_call(identifier=identifier, name=name, data=data, time=time)
        return self._shell.request(call, Timeout.coerce(timeout, self._shell.timeout))


class AsyncEvents:
    """``client.events``: revenue and custom events, for asyncio."""

    def __init__(self, shell: AsyncShell, names: NameCache) -> None:
        self._shell = shell

    async def revenue(
        self,
        *,
        identifier: str,
        amount: float | decimal.Decimal,
        source: str | None = None,
        time: EventTime | None = None,
        timeout: TimeoutArg = None,
    ) -> Message:
        """Record revenue of the contact ``identifier`` (see :meth:`Events.revenue`)."""
        call = revenue_call(identifier=identifier, amount=amount, source=source, time=time)
        return await self._shell.request(call, Timeout.coerce(timeout, self._shell.timeout))

    async def custom(
        self,
        *,
        identifier: str,
        name: str,
        data: Mapping[str, Any] | None = None,
        time: EventTime | None = None,
        timeout: TimeoutArg = None,
    ) -> Message:
        """Record the custom event ``name`` of the contact ``identifier`` (see
        :meth:`Events.custom`)."""
        call = custom_call(identifier=identifier, name=name, data=data, time=time)
        return await self._shell.request(call, Timeout.coerce(timeout, self._shell.timeout))

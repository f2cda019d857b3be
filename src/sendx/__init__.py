"""sendx: the Python toolkit for the SendX email-marketing API.

Importing this package is cheap: every public name is loaded on first access, so
``import sendx`` pulls in neither urllib3, aiohttp, msgspec nor the emulator's stack.
"""

from __future__ import annotations

import importlib

from sendx._version import __version__

# Not typing.TYPE_CHECKING: importing typing is most of what `import sendx` would cost
# (about 9 ms of 10); mypy takes any constant of this name as true.
TYPE_CHECKING = False

if TYPE_CHECKING:
    from typing import Any

    from sendx._client import AsyncSendX, SendX
    from sendx._hooks import RequestEvent, ResponseEvent, RetryEvent
    from sendx._policies import RetryPolicy, Timeout
    from sendx.errors import (
        APIConnectionError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        ConflictError,
        InternalServerError,
        InvalidRequestError,
        NotFoundError,
        PermissionDeniedError,
        RateLimitError,
        SendXError,
        UnexpectedResponseError,
        UnprocessableEntityError,
    )
    from sendx.models import Contact, Increment, decrement, increment
    from sendx.outbox._async import AsyncOutbox
    from sendx.outbox._sync import Outbox
    from sendx.outbox._types import (
        FlushResult,
        OutboxCall,
        OutboxClosedError,
        OutboxFullError,
        OutboxStats,
        SpoolCorruptError,
        SpoolLockedError,
    )

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncOutbox",
    "AsyncSendX",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "Contact",
    "FlushResult",
    "Increment",
    "InternalServerError",
    "InvalidRequestError",
    "NotFoundError",
    "Outbox",
    "OutboxCall",
    "OutboxClosedError",
    "OutboxFullError",
    "OutboxStats",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestEvent",
    "ResponseEvent",
    "RetryEvent",
    "RetryPolicy",
    "SendX",
    "SendXError",
    "SpoolCorruptError",
    "SpoolLockedError",
    "Timeout",
    "UnexpectedResponseError",
    "UnprocessableEntityError",
    "__version__",
    "decrement",
    "increment",
]

# Where each lazily loaded public name lives.
_LAZY: dict[str, str] = {
    "SendX": "sendx._client",
    "AsyncSendX": "sendx._client",
    "Outbox": "sendx.outbox._sync",
    "AsyncOutbox": "sendx.outbox._async",
    **{
        name: "sendx.outbox._types"
        for name in (
            "FlushResult",
            "OutboxStats",
            "OutboxCall",
            "OutboxFullError",
            "OutboxClosedError",
            "SpoolCorruptError",
            "SpoolLockedError",
        )
    },
    "RetryPolicy": "sendx._policies",
    "Timeout": "sendx._policies",
    "RequestEvent": "sendx._hooks",
    "ResponseEvent": "sendx._hooks",
    "RetryEvent": "sendx._hooks",
    "Contact": "sendx.models",
    "Increment": "sendx.models",
    "increment": "sendx.models",
    "decrement": "sendx.models",
    **{
        name: "sendx.errors"
        for name in (
            "SendXError",
            "APIConnectionError",
            "APITimeoutError",
            "APIStatusError",
            "BadRequestError",
            "AuthenticationError",
            "PermissionDeniedError",
            "NotFoundError",
            "ConflictError",
            "UnprocessableEntityError",
            "RateLimitError",
            "InternalServerError",
            "InvalidRequestError",
            "UnexpectedResponseError",
        )
    },
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'sendx' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later accesses skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)

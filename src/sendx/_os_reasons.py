"""Short, host-free reasons for failures below HTTP, for both I/O shells.

The libraries' own messages name the host, the port and often the whole URL (whose
query holds a contact's email), so the shells describe a failure by its exception class
and this reason only.
"""

from __future__ import annotations

import os
import socket
import ssl

__all__ = ["describe"]


def _innermost_os_error(exc: BaseException) -> OSError | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    found: OSError | None = None
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError):
            found = current
        # aiohttp keeps the OS error in .os_error; urllib3 and asyncio chain it.
        inner = getattr(current, "os_error", None)
        current = (
            inner
            if isinstance(inner, BaseException)
            else (current.__cause__ or current.__context__)
        )
    return found


def describe(exc: BaseException) -> str:
    """``ClassName: reason``, e.g. ``NewConnectionError: Connection refused``,
    ``NameResolutionError: Name or service not known``, ``SSLError:
    WRONG_VERSION_NUMBER``; only the class name when no reason is known."""
    name = type(exc).__name__
    reason = _innermost_os_error(exc)
    if isinstance(reason, ssl.SSLCertVerificationError):
        text = reason.verify_message or "certificate verify failed"
    elif isinstance(reason, ssl.SSLError):
        text = reason.reason or "TLS handshake failed"
    elif isinstance(reason, socket.gaierror):
        # getaddrinfo's own words ("Name or service not known") hold no host name.
        text = reason.strerror or "the host name could not be resolved"
    elif isinstance(reason, OSError) and reason.errno and reason.errno > 0:
        text = os.strerror(reason.errno)
    else:
        return name
    return f"{name}: {text}"

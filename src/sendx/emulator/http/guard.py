"""The Host and Origin guard: what keeps the web pages a developer visits off the emulator.

Loopback does not stop a browser. A page on any site can send a "simple" cross-origin
request (a POST with ``Content-Type: text/plain``, no preflight) to
``http://127.0.0.1:8787``, and a page whose own name resolves to 127.0.0.1 (DNS
rebinding) can read the answers, its requests carrying ``Host: attacker.example``.
So every request must name the emulator by a loopback name, the bound host or a host
given with ``allow_hosts`` (403 otherwise), and a control-plane write must be JSON
(which a page can send elsewhere only after a preflight the emulator never grants)
and, when it has an ``Origin``, come from the emulator's own origin.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

from sendx.emulator.http.asgi import Scope, error_body

__all__ = [
    "HostGuard",
    "check_allow_hosts",
    "host_refused",
    "is_json",
    "not_json",
    "origin_refused",
    "split_host",
    "read_refusal",
    "write_refusal",
]

# A host name: labels of letters, digits, hyphens (and underscores, which container
# names may hold) between dots; no port, no scheme, no path.
_NAME = re.compile(r"[a-z0-9_\-]+(?:\.[a-z0-9_\-]+)*")
# Decisions kept per Host value: clients repeat the same one or two.
_MAX_CACHED = 256


def _normal(name: str) -> str:
    """A host name as compared: lower case, no trailing dot, no IPv6 brackets."""
    name = name.lower()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    return name[:-1] if name.endswith(".") else name


def split_host(value: str) -> tuple[str, str] | None:
    """``(name, port)`` of a ``Host`` header or an origin's authority (``port`` is
    ``""`` when absent); ``None`` when it is not ``name[:port]`` or ``[ipv6][:port]``."""
    if value.startswith("["):
        end = value.find("]")
        if end < 0:
            return None
        name, rest = value[1:end], value[end + 1 :]
        if rest and (not rest.startswith(":") or not rest[1:].isdigit()):
            return None
        return _normal(name), rest[1:]
    name, colon, port = value.partition(":")
    if colon and not (port.isascii() and port.isdigit()):
        return None  # an IPv6 address without brackets, or a bad port
    return _normal(name), port


def _port_number(port: str) -> int:
    return int(port) if port else 80  # http's default


def _is_loopback(name: str) -> bool:
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_allow_hosts(hosts: Iterable[str]) -> tuple[str, ...]:
    """The host names (or IP addresses) given to allow, normalized; ``ValueError``
    for anything else (a port, a scheme, a path)."""
    if isinstance(hosts, str):
        raise TypeError(f"allow_hosts must be a list of host names (got the string {hosts!r})")
    checked = []
    for host in hosts:
        if not isinstance(host, str):
            raise TypeError(f"allow_hosts must hold strings (got {type(host).__name__})")
        name = _normal(host.strip())
        try:
            ipaddress.ip_address(name)
        except ValueError:
            if not _NAME.fullmatch(name):
                raise ValueError(
                    f"allow_hosts: {host!r} is not a host name or IP address; give the "
                    "name alone, as clients put it in their URLs (emulator.internal, "
                    "192.168.1.5), without scheme or port"
                ) from None
        checked.append(name)
    return tuple(checked)


def _shown(value: bytes) -> str:
    text = value.decode("latin-1")
    return repr(text if len(text) <= 100 else text[:97] + "...")


def host_refused(host: bytes) -> bytes:
    """The 403 body for a request whose ``Host`` is not allowed."""
    parts = split_host(host.decode("latin-1").strip())
    try:
        name = check_allow_hosts([parts[0]])[0] if parts else None
    except ValueError:
        name = None
    remedy = (
        f"to use this name, start it with --allow-host {name} "
        "(Emulator(allow_hosts=[...]) in Python)"
        if name
        else "send a Host of the form NAME or NAME:PORT"
    )
    return error_body(
        403,
        f"Host {_shown(host)} is not allowed: the emulator answers to localhost, loopback "
        "addresses and the host it listens on, so that web pages cannot reach it by a "
        f"name of their own (DNS rebinding); {remedy}",
    )


def origin_refused(origin: bytes, own: str) -> bytes:
    """The 403 body for a control-plane write from another origin."""
    return error_body(
        403,
        f"Origin {_shown(origin)} may not write to the control plane: only pages the "
        f"emulator serves ({own}) and clients that send no Origin may",
    )


def not_json(content_type: bytes | None) -> bytes:
    """The 415 body for a control-plane write that is not JSON."""
    got = "none" if content_type is None else _shown(content_type)
    return error_body(
        415,
        f"control-plane writes take JSON: send Content-Type: application/json, "
        f"even with no body (got {got})",
    )


def is_json(content_type: bytes | None) -> bool:
    """Whether a ``Content-Type`` value is ``application/json`` (parameters allowed)."""
    if content_type is None:
        return False
    return content_type.split(b";", 1)[0].strip().lower() == b"application/json"


class HostGuard:
    """Which ``Host`` and ``Origin`` values the emulator answers to.

    Allowed names: the loopback ones (``localhost``, ``*.localhost``, 127.0.0.0/8,
    ``::1``), ``bound_host`` and ``allow_hosts``, with any port. Used from the
    server's loop only.
    """

    def __init__(self, bound_host: str, allow_hosts: Iterable[str] = (), *, port: int) -> None:
        self._names = frozenset({_normal(bound_host), *check_allow_hosts(allow_hosts)})
        self._bound = _normal(bound_host)
        self.port = port
        self._hosts: dict[bytes, bool] = {}

    @property
    def own_origin(self) -> str:
        """``http://HOST:PORT`` of the bound host, for messages."""
        host = f"[{self._bound}]" if ":" in self._bound else self._bound
        return f"http://{host}:{self.port}"

    def allows_name(self, name: str) -> bool:
        """Whether the host name (normalized, without port) is one the emulator
        answers to."""
        return name in self._names or _is_loopback(name)

    def allows(self, host: bytes) -> bool:
        """Whether a request with this ``Host`` header is answered."""
        known = self._hosts.get(host)
        if known is None:
            parts = split_host(host.decode("latin-1").strip())
            known = parts is not None and self.allows_name(parts[0])
            if len(self._hosts) >= _MAX_CACHED:
                self._hosts.clear()
            self._hosts[host] = known
        return known

    def same_origin(self, origin: bytes, host: bytes | None) -> bool:
        """Whether ``Origin`` is the emulator's own: ``http://NAME:PORT`` with an
        allowed name and the emulator's port (or the port the request's ``Host``
        names, behind a port forward)."""
        text = origin.decode("latin-1").strip().lower()
        if not text.startswith("http://"):
            return False  # "null", https://, or anything else: not a page it served
        parts = split_host(text[len("http://") :])
        if parts is None or not self.allows_name(parts[0]):
            return False
        port = _port_number(parts[1])
        if port == self.port:
            return True
        host_parts = None if host is None else split_host(host.decode("latin-1").strip())
        return host_parts is not None and port == _port_number(host_parts[1])


def _headers(scope: Scope) -> tuple[bytes | None, bytes | None, bytes | None]:
    """The request's ``Host``, ``Origin`` and ``Content-Type`` values."""
    host = origin = content_type = None
    for name, value in scope["headers"]:
        if name == b"origin":
            origin = value
        elif name == b"content-type":
            content_type = value
        elif name == b"host":
            host = value
    return host, origin, content_type


def read_refusal(guard: HostGuard, scope: Scope) -> tuple[int, bytes] | None:
    """403 for a read of the page's endpoints from another origin: what the page
    reads (the live stream above all) is for the emulator's own page only."""
    host, origin, _ = _headers(scope)
    if origin is not None and not guard.same_origin(origin, host):
        return 403, error_body(
            403,
            f"Origin {_shown(origin)} may not read this: only pages the emulator serves "
            f"({guard.own_origin}) and clients that send no Origin may",
        )
    return None


def write_refusal(guard: HostGuard, scope: Scope) -> tuple[int, bytes] | None:
    """403 for a control-plane write from another origin, 415 for one that is not
    JSON: a web page can send neither without a preflight the emulator never grants."""
    host, origin, content_type = _headers(scope)
    if origin is not None and not guard.same_origin(origin, host):
        return 403, origin_refused(origin, guard.own_origin)
    if not is_json(content_type):
        return 415, not_json(content_type)
    return None

"""The HTTP layer: ``RESTClientObject``, ``RESTResponse`` and ``ApiException``.

Requests go through sendx's sync transport (``sendx._sync.SyncTransport``: the same
urllib3 pools that ``sendx.SendX`` uses), and a failure below HTTP is classified and
decided by sendx's core (``classify``, ``after_failure``): a connection that could
not be made is tried again at once, up to three more times (what urllib3's default
retries did for the original client); nothing that may have reached the server is
ever sent twice, and HTTP statuses are never retried. Redirects are not followed:
the ``api_key`` header would go with them.
"""

from __future__ import annotations

import io
import json
import logging
import random
import threading
import time
from typing import Any
from urllib.parse import urlencode

import urllib3
from urllib3 import exceptions as u3
from urllib3.filepost import encode_multipart_formdata

from sendx import _core
from sendx._policies import DEFAULT_TIMEOUT, RetryPolicy
from sendx._sync import SyncTransport, classify, urllib3_timeout
from swagger_client._codec import query_string
from swagger_client.configuration import Configuration

__all__ = ["ApiException", "RESTClientObject", "RESTResponse"]

logger = logging.getLogger(__name__)

#: Only failures where nothing was sent are retried (the calls are marked
#: non-idempotent), immediately, like urllib3's default ``Retry(3)`` did.
_CONNECT_RETRIES = RetryPolicy(max_retries=3, backoff_initial=0.0, backoff_max=0.0)

#: The timeout when a call gives none: the original waited forever.
DEFAULT_REQUEST_TIMEOUT = urllib3_timeout(DEFAULT_TIMEOUT.connect, DEFAULT_TIMEOUT.read)

_METHODS = frozenset({"GET", "HEAD", "DELETE", "POST", "PUT", "PATCH", "OPTIONS"})
_WITH_BODY = frozenset({"POST", "PUT", "PATCH", "OPTIONS", "DELETE"})


class RESTResponse(io.IOBase):
    """A read response: ``status``, ``reason``, ``data`` (the body as text) and headers."""

    def __init__(self, resp: Any) -> None:
        self.urllib3_response = resp
        self.status: int = resp.status
        self.reason: str | None = resp.reason
        self.data: Any = resp.data

    def getheaders(self) -> Any:
        """The response headers (urllib3's case-insensitive ``HTTPHeaderDict``)."""
        return self.urllib3_response.headers

    def getheader(self, name: str, default: str | None = None) -> str | None:
        """One response header, or ``default``."""
        value: str | None = self.urllib3_response.headers.get(name, default)
        return value


class ApiException(Exception):
    """A call failed: SendX answered outside 200-205, or no answer came (``status`` 0).

    ``status``, ``reason`` (the reason phrase, or what went wrong below HTTP),
    ``body`` (the answer's text) and ``headers``; ``str()`` is laid out as the
    original's: ``"(401)\\nReason: Unauthorized\\n"``, then headers and body when
    there are some.
    """

    def __init__(self, status: Any = None, reason: Any = None, http_resp: Any = None) -> None:
        super().__init__()
        if http_resp:
            self.status = http_resp.status
            self.reason = http_resp.reason
            self.body = http_resp.data
            self.headers = http_resp.getheaders()
        else:
            self.status = status
            self.reason = reason
            self.body = None
            self.headers = None

    def __str__(self) -> str:
        message = f"({self.status})\nReason: {self.reason}\n"
        if self.headers:
            message += f"HTTP response headers: {self.headers}\n"
        if self.body:
            message += f"HTTP response body: {self.body}\n"
        return message

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.status, self.reason, self.body, self.headers))


def _rebuild(cls: type[ApiException], status: Any, reason: Any, body: Any, headers: Any) -> Any:
    error = cls(status=status, reason=reason)
    error.body, error.headers = body, headers
    return error


def request_timeout(value: Any) -> urllib3.Timeout:
    """``_request_timeout`` as urllib3 takes it.

    A number is the total for the request, a 2-tuple ``(connect, read)`` (either may
    be ``None``: no limit). Anything else, ``None`` and ``0`` included, means the
    default (5 s to connect, 30 s to read), where the original waited without limit.
    """
    if not value or isinstance(value, bool):
        return DEFAULT_REQUEST_TIMEOUT
    if isinstance(value, (int, float)):
        return urllib3.Timeout(total=value)
    if isinstance(value, tuple) and len(value) == 2:
        return urllib3.Timeout(connect=value[0], read=value[1])
    return DEFAULT_REQUEST_TIMEOUT


def _never(raw: bytes) -> None:  # pragma: no cover - a Call needs a decoder; never used
    return None


class RESTClientObject:
    """Connection pools (one per scheme, host and port) and the request logic.

    TLS settings come from ``Configuration()`` when the object is built, as in the
    original. Safe to share between threads.
    """

    def __init__(self, pools_size: int = 4, maxsize: int | None = None) -> None:
        config = Configuration()
        # Connections beyond ``maxsize`` are made and then dropped, never waited for,
        # as the original's pools did.
        self._maxsize = maxsize or 10
        self._tls_kw: dict[str, Any] = {
            "cert_reqs": "CERT_REQUIRED" if config.verify_ssl else "CERT_NONE",
            "ca_certs": config.ssl_ca_cert or _default_ca_bundle(),
            "cert_file": config.cert_file,
            "key_file": config.key_file,
        }
        self.pools_size = pools_size
        self._transports: dict[str, SyncTransport] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close every pooled connection."""
        with self._lock:
            transports, self._transports = list(self._transports.values()), {}
        for transport in transports:
            transport.close()

    def _transport(self, origin: str) -> SyncTransport:
        transport = self._transports.get(origin)
        if transport is None:
            with self._lock:
                transport = self._transports.get(origin)
                if transport is None:
                    tls = self._tls_kw if origin.startswith("https:") else {}
                    transport = SyncTransport(origin, pool_size=self._maxsize, block=False, **tls)
                    self._transports[origin] = transport
        return transport

    def _pool(self, origin: str) -> Any:
        """The urllib3 pool for ``origin`` (its TLS settings show there)."""
        return self._transport(origin)._pool

    def request(
        self,
        method: str,
        url: str,
        query_params: Any = None,
        headers: dict[str, Any] | None = None,
        body: Any = None,
        post_params: Any = None,
        _preload_content: bool = True,
        _request_timeout: Any = None,
    ) -> Any:
        """Send one request; a :class:`RESTResponse` (or, with
        ``_preload_content=False``, urllib3's unread response). Raises
        :class:`ApiException` for a status outside 200-205 or a transport failure.
        """
        method = method.upper()
        if method not in _METHODS:
            raise ValueError(f"http method must be one of {sorted(_METHODS)} (got {method!r})")
        if post_params and body:
            raise ValueError("body parameter cannot be used with post_params parameter.")
        headers = headers or {}
        if "Content-Type" not in headers:
            headers["Content-Type"] = "application/json"
        content_type = headers["Content-Type"]
        if query_params:
            url = f"{url}?{query_string(query_params)}"
        payload: bytes | None = None
        if method in _WITH_BODY:
            if "json" in content_type.lower():
                if body:
                    payload = json.dumps(body).encode()
            elif content_type == "application/x-www-form-urlencoded":
                payload = urlencode(post_params or {}).encode()
            elif content_type == "multipart/form-data":
                payload, headers["Content-Type"] = encode_multipart_formdata(post_params or {})
            elif isinstance(body, str):
                payload = body.encode()
            else:
                raise ApiException(
                    status=0,
                    reason="Cannot prepare a request message for provided arguments. "
                    "Please check that your arguments match declared content type.",
                )
        return self.send(method, url, payload, headers, _preload_content, _request_timeout)

    def send(
        self,
        method: str,
        url: str,
        body: bytes | None,
        headers: dict[str, Any],
        preload_content: bool = True,
        timeout: Any = None,
    ) -> Any:
        """Send a prepared request to ``url`` (query included) and check its status."""
        scheme_end = url.find("://") + 3
        slash = url.find("/", scheme_end)
        if slash < 0:
            origin, target = url, "/"
        else:
            origin, target = url[:slash], url[slash:]
        transport = self._transport(origin)
        limits = request_timeout(timeout)
        # A total is one: urllib3 only shortens the read timeout with it, which a
        # server dripping its answer outlasts; the deadline cuts every wait.
        total = limits.total
        deadline_at = time.monotonic() + total if isinstance(total, (int, float)) else None
        state: _core.RetryState | None = None
        while True:
            try:
                response = transport.send(
                    method,
                    target,
                    body,
                    headers,
                    limits,
                    preload_content=preload_content,
                    deadline_at=deadline_at,
                )
            except u3.HTTPError as exc:
                # Decided here but raised below, outside this block: urllib3's messages
                # hold the URL (a contact's email), so they must not chain into ours.
                failure = classify(exc)
                if state is None:
                    state = _core.start(_CONNECT_RETRIES, time.monotonic())
                path = target.split("?", 1)[0]
                call: _core.Call[None] = _core.Call(method, path, (), body, False, _never)
                outcome = _core.after_failure(
                    state, call, failure, now=time.monotonic(), random=random.random()
                )
            else:
                break
            if isinstance(outcome, _core.Wait):
                # No sleep: the policy has no backoff, as urllib3's default retries had none.
                logger.debug("retrying %s (%s)", method, outcome.reason)
                state = outcome.state
                continue
            attempts = state.attempt
            raise ApiException(
                status=0,
                reason=f"{failure.kind.value} failed ({failure.detail}) after {attempts} "
                "attempt(s); check Configuration().host and the network",
            ) from None
        if preload_content:
            response = RESTResponse(response)
            response.data = response.data.decode("utf8", "replace")
            logger.debug("response status: %s, %d characters", response.status, len(response.data))
        if not 200 <= response.status <= 205:
            error = ApiException(http_resp=response)
            if not preload_content:
                response.release_conn()
            raise error
        return response

    def GET(self, url: str, headers: Any = None, query_params: Any = None, **kw: Any) -> Any:
        """``request("GET", ...)``."""
        return self.request("GET", url, headers=headers, query_params=query_params, **kw)

    def HEAD(self, url: str, headers: Any = None, query_params: Any = None, **kw: Any) -> Any:
        """``request("HEAD", ...)``."""
        return self.request("HEAD", url, headers=headers, query_params=query_params, **kw)

    def OPTIONS(self, url: str, headers: Any = None, query_params: Any = None, **kw: Any) -> Any:
        """``request("OPTIONS", ...)``."""
        return self.request("OPTIONS", url, headers=headers, query_params=query_params, **kw)

    def DELETE(self, url: str, headers: Any = None, query_params: Any = None, **kw: Any) -> Any:
        """``request("DELETE", ...)``."""
        return self.request("DELETE", url, headers=headers, query_params=query_params, **kw)

    def POST(self, url: str, headers: Any = None, query_params: Any = None, **kw: Any) -> Any:
        """``request("POST", ...)``."""
        return self.request("POST", url, headers=headers, query_params=query_params, **kw)

    def PUT(self, url: str, headers: Any = None, query_params: Any = None, **kw: Any) -> Any:
        """``request("PUT", ...)``."""
        return self.request("PUT", url, headers=headers, query_params=query_params, **kw)

    def PATCH(self, url: str, headers: Any = None, query_params: Any = None, **kw: Any) -> Any:
        """``request("PATCH", ...)``."""
        return self.request("PATCH", url, headers=headers, query_params=query_params, **kw)


def _default_ca_bundle() -> str | None:
    """certifi's bundle when it is installed (the original's choice), else ``None``:
    urllib3 then uses the system's certificates."""
    try:
        import certifi
    except ImportError:
        return None
    where: str = certifi.where()
    return where

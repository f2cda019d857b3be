"""Failure reasons below HTTP are short and name no host, port or URL."""

from __future__ import annotations

import errno
import socket
import ssl

from sendx._os_reasons import describe


def _chained(inner: BaseException, outer: BaseException) -> BaseException:
    try:
        try:
            raise inner
        except BaseException as exc:
            raise outer from exc
    except BaseException as caught:
        return caught


def test_errno_reason_from_the_chain() -> None:
    """urllib3 chains the OS error: its strerror-like text is used, not the message
    (which names the host)."""
    error = _chained(ConnectionRefusedError(errno.ECONNREFUSED, "x"), RuntimeError("h:1 down"))
    assert describe(error) == "RuntimeError: Connection refused"


def test_name_resolution_keeps_getaddrinfos_words() -> None:
    """A gaierror has a negative code that os.strerror cannot name ("Unknown error -2");
    getaddrinfo's own text is used instead."""
    error = _chained(socket.gaierror(-2, "Name or service not known"), RuntimeError("a.b"))
    assert describe(error) == "RuntimeError: Name or service not known"


def test_tls_reasons() -> None:
    """An SSL error gives its reason (never errno 1's "Operation not permitted")."""
    handshake = ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number")
    handshake.reason = "WRONG_VERSION_NUMBER"
    assert describe(_chained(handshake, RuntimeError())) == "RuntimeError: WRONG_VERSION_NUMBER"
    cert = ssl.SSLCertVerificationError(1, "verify failed")
    cert.verify_message = "self-signed certificate"
    assert describe(cert) == "SSLCertVerificationError: self-signed certificate"


def test_aiohttp_style_os_error_attribute() -> None:
    """aiohttp keeps the OS error in ``os_error`` rather than chaining it."""

    class ConnectorError(Exception):
        os_error = ConnectionResetError(errno.ECONNRESET, "reset by 10.0.0.1")

    assert describe(ConnectorError("to 10.0.0.1:443")) == "ConnectorError: Connection reset by peer"


def test_no_reason_gives_the_class_name_only() -> None:
    assert describe(RuntimeError("http://h/?email=a%40b.co")) == "RuntimeError"

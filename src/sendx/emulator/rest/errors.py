"""The REST API's error answers: ``{"status": "error", "message": "..."}`` with the HTTP
status carrying the meaning, as SendX answers them (and SendX's SDK expects:
``status`` is the string ``"error"``)."""

from __future__ import annotations

import msgspec

__all__ = [
    "AUTH_MESSAGE",
    "BAD_ID",
    "NOT_FOUND",
    "NOT_PROPER_FORMAT",
    "RestError",
    "error_body",
]

AUTH_MESSAGE = "The Team ID or API Key specified is not valid"
BAD_ID = "Invalid identifier format"
NOT_FOUND = "Resource not found"
NOT_PROPER_FORMAT = "Request body is not in proper format"

_encode = msgspec.json.encode


class RestError(Exception):
    """A request that fails: the HTTP status and SendX's message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error_body(message: str) -> bytes:
    """The body of an error answer."""
    return _encode({"status": "error", "message": message})

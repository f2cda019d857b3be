"""``TrackResponse``: the answer to a track call."""

from __future__ import annotations

from typing import ClassVar

from swagger_client.models._base import Attribute, Model

__all__ = ["TrackResponse"]


class TrackResponse(Model):
    """``status`` (a string, ``"200"``) and ``message``; the wire's ``data`` is dropped."""

    swagger_types: ClassVar[dict[str, str]] = {"status": "str", "message": "str"}
    attribute_map: ClassVar[dict[str, str]] = {"status": "status", "message": "message"}

    status = Attribute[str]("The status, as a string (``'200'``).")
    message = Attribute[str]("A human-readable message (``'OK'``).")

    def __init__(self, status: str | None = None, message: str | None = None) -> None:
        self._status = status
        self._message = message

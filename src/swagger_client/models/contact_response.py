"""``ContactResponse``: the answer to an identify call."""

from __future__ import annotations

from typing import ClassVar

from swagger_client.models._base import Attribute, Model
from swagger_client.models.contact import Contact

__all__ = ["ContactResponse"]


class ContactResponse(Model):
    """``status`` (a string, ``"200"``), ``message`` and ``data``, the merged contact."""

    swagger_types: ClassVar[dict[str, str]] = {"status": "str", "message": "str", "data": "Contact"}
    attribute_map: ClassVar[dict[str, str]] = {
        "status": "status",
        "message": "message",
        "data": "data",
    }

    status = Attribute[str]("The status, as a string (``'200'``).")
    message = Attribute[str]("A human-readable message (``'OK'``).")
    data = Attribute[Contact]("The contact after the merge.")

    def __init__(
        self, status: str | None = None, message: str | None = None, data: Contact | None = None
    ) -> None:
        self._status = status
        self._message = message
        self._data = data

"""The checks that named objects share: a name (or title) is a non-empty string of at
most 255 characters."""

from __future__ import annotations

from typing import Any

from sendx.emulator.rest.errors import RestError

__all__ = ["MAX_NAME", "check_name"]

MAX_NAME = 255


def check_name(properties: dict[str, Any], field: str = "name") -> None:
    """400 when ``properties`` sets ``field`` to a blank or overlong string."""
    value = properties.get(field)
    if value is None:
        return
    if not value.strip():
        raise RestError(400, f"{field} must not be empty")
    if len(value) > MAX_NAME:
        raise RestError(400, f"{field} is longer than {MAX_NAME} characters")

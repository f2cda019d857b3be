"""SendX's ids: ``<prefix>_<22 letters and digits>`` (``contact_``, ``list_``, ``tag_``,
``custom_field_``, ``template_``, ``webhook_``, ``sender_``, ``campaign_``, ``post_``,
``post_category_``, ``post_tag_``, ``member_``, ``message_``).

A path id must look like one (``^[a-z_]+_[a-zA-Z0-9]{22}$``, SendX's pattern), else the
answer is 400 "Invalid identifier format"; one that looks right but names another kind
is simply not found (404). In bodies, SendX's schemas also take the 22 characters
without their prefix. Custom fields have two prefixes: the field itself is
``custom_field_<22>`` while a contact's ``customFields`` are keyed ``field_<22>`` (the
same 22 characters): both are taken wherever a field id is.
"""

from __future__ import annotations

import re

from sendx.emulator.rest.errors import BAD_ID, RestError

__all__ = ["CORE_LENGTH", "PATH_ID_PATTERN", "body_id", "field_key", "is_core", "path_id"]

CORE_LENGTH = 22
#: What a path id must look like (SendX's pattern), else 400.
PATH_ID_PATTERN = r"^[a-z_]+_[a-zA-Z0-9]{22}$"
_PATH_ID = re.compile(PATH_ID_PATTERN[1:-1])
_CORE = re.compile(r"[a-zA-Z0-9]{22}")


def is_core(text: str) -> bool:
    """Whether ``text`` is 22 letters and digits."""
    return _CORE.fullmatch(text) is not None


def _with_prefix(text: str, prefix: str) -> str | None:
    """``text`` as ``prefix`` + core when it is one of the accepted spellings."""
    if text.startswith(prefix):
        return text if is_core(text[len(prefix) :]) else None
    if prefix == "custom_field_" and text.startswith("field_"):
        core = text[len("field_") :]
        return prefix + core if is_core(core) else None
    return prefix + text if is_core(text) else None


def path_id(text: str, prefix: str) -> str | None:
    """The canonical id (``prefix`` + core) named by a path segment, or ``None`` when it
    is a well-formed id of another kind (not found). Raises 400 when it is no id."""
    if _PATH_ID.fullmatch(text) is None:
        raise RestError(400, BAD_ID)
    if text.startswith(prefix):
        return text
    if prefix == "custom_field_" and text.startswith("field_"):
        return prefix + text[len("field_") :]
    return None


def body_id(text: str, prefix: str, where: str) -> str:
    """The canonical id named in a body (with or without its prefix); 400 otherwise."""
    canonical = _with_prefix(text, prefix)
    if canonical is None:
        shown = text if len(text) <= 60 else text[:57] + "..."
        raise RestError(
            400, f"{where}: {shown!r} is not a valid id ({prefix}<22 letters and digits>)"
        )
    return canonical


def field_key(field_id: str) -> str:
    """A contact's ``customFields`` key for the field ``custom_field_<core>``."""
    return "field_" + field_id[len("custom_field_") :]

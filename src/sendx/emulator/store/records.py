"""What the store holds, as Python values: teams, contacts, events, and their ids."""

from __future__ import annotations

import collections
import hashlib
import os
import string
from dataclasses import dataclass, field
from typing import Any, NamedTuple

__all__ = ["ContactRow", "EventRow", "TeamRow", "hash_key", "new_id"]

_ALPHABET = string.ascii_letters + string.digits


# Random bytes map to letters and digits through one translate(): bytes 0..247 land
# evenly on the 62 characters (248 = 4 * 62), the 8 others are dropped, so every
# character is equally likely. secrets.choice per character cost 20% of an identify.
_ID_TABLE = bytes(ord(_ALPHABET[b % 62]) if b < 248 else 0 for b in range(256))
_ID_DROP = bytes(range(248, 256))


# Ids are cut from one large draw of random bytes rather than one draw (a system
# call) each: the characters are as uniform and independent either way. A deque's
# popleft is atomic, so threads never get the same id; a forked child drops the
# parent's ids.
_ids: collections.deque[str] = collections.deque()
_ID_LENGTH = 22
_ID_BATCH = 4096  # random bytes per draw: about 180 ids
os.register_at_fork(after_in_child=_ids.clear)


def new_id() -> str:
    """A random 22-character alphanumeric id, SendX's ``encryptedId`` format."""
    try:
        return _ids.popleft()
    except IndexError:
        chars = os.urandom(_ID_BATCH).translate(_ID_TABLE, _ID_DROP).decode("ascii")
        _ids.extend(
            chars[i : i + _ID_LENGTH] for i in range(0, len(chars) - _ID_LENGTH + 1, _ID_LENGTH)
        )
        return _ids.popleft()


def hash_key(api_key: str | bytes) -> str:
    """How an API key is stored: its SHA-256, hex (the key itself is never kept).
    A ``str`` is hashed as UTF-8, as it travels in the ``api_key`` header."""
    if isinstance(api_key, str):
        api_key = api_key.encode("utf-8", "surrogateescape")
    return hashlib.sha256(api_key).hexdigest()


@dataclass(frozen=True, slots=True)
class TeamRow:
    """A team the emulator knows: its row id, key hash and ``encryptedTeamId``."""

    pk: int
    team_id: str
    key_hash: str
    encrypted_id: str
    configured: bool


@dataclass(slots=True)
class ContactRow:
    """A contact as stored; ``pk`` is ``None`` until it is inserted.

    ``tags`` are names and ``fields`` are keyed by name, as v1 speaks (the REST API
    maps them to ids). ``created`` and ``updated`` are set by the store when it stages
    the contact. ``extra`` holds what only the REST API sets, keyed as on its wire
    (``lists``, ``unsubscribed``, ``bounced``, ``spam``, ``blocked``, ``dropped``,
    ``LTV``, ``lastTrackedIp``, ``contactSource``), ``None`` while all are at their
    defaults; it is replaced, never changed in place. ``deleted`` is the time of a soft
    delete: such a contact is gone from every read.
    """

    pk: int | None
    email: str
    encrypted_id: str
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    birthday: str | None = None
    tags: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    created: str | None = None
    updated: str | None = None
    extra: dict[str, Any] | None = None
    deleted: str | None = None


class EventRow(NamedTuple):
    """One change, as it will be stored (``id`` and ``at`` are set on insert).

    A named tuple, not a frozen dataclass: an identify makes several, and a frozen
    dataclass costs five times as much to build.
    """

    type: str
    email: str
    previous_email: str | None = None
    tag: str | None = None
    field: str | None = None
    value: str | None = None

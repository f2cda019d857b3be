"""What the store holds, as Python values: teams, contacts, events, and their ids."""

from __future__ import annotations

import hashlib
import os
import string
from dataclasses import dataclass, field
from typing import NamedTuple

__all__ = ["ContactRow", "EventRow", "TeamRow", "hash_key", "new_id"]

_ALPHABET = string.ascii_letters + string.digits


# Random bytes map to letters and digits through one translate(): bytes 0..247 land
# evenly on the 62 characters (248 = 4 * 62), the 8 others are dropped, so every
# character is equally likely. secrets.choice per character cost 20% of an identify.
_ID_TABLE = bytes(ord(_ALPHABET[b % 62]) if b < 248 else 0 for b in range(256))
_ID_DROP = bytes(range(248, 256))


def new_id() -> str:
    """A random 22-character alphanumeric id, SendX's ``encryptedId`` format."""
    while True:
        chars = os.urandom(32).translate(_ID_TABLE, _ID_DROP)
        if len(chars) >= 22:  # fails with odds below 1e-6; then draw again
            return chars[:22].decode("ascii")


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
    """A contact as stored; ``pk`` is ``None`` until it is inserted."""

    pk: int | None
    email: str
    encrypted_id: str
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    birthday: str | None = None
    tags: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)


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

"""Client settings: explicit arguments first, then the ``SENDX_*`` environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sendx.errors import InvalidRequestError

__all__ = ["DEFAULT_BASE_URL", "Settings", "check_api_key", "check_base_url", "resolve_settings"]

DEFAULT_BASE_URL = "https://app.sendx.io/api/v1"


@dataclass(frozen=True, slots=True)
class Settings:
    """Where and as whom to talk to SendX. The key is kept out of ``repr``."""

    api_key: str = field(repr=False)
    team_id: str
    base_url: str


def resolve_settings(api_key: str | None, team_id: str | None, base_url: str | None) -> Settings:
    """Settings from arguments, falling back to ``SENDX_API_KEY``, ``SENDX_TEAM_ID`` and
    ``SENDX_BASE_URL``; one error naming everything that is missing."""
    api_key = api_key if api_key is not None else os.environ.get("SENDX_API_KEY")
    team_id = team_id if team_id is not None else os.environ.get("SENDX_TEAM_ID")
    base_url = base_url if base_url is not None else os.environ.get("SENDX_BASE_URL")
    # Surrounding whitespace is never part of a key or id (a copied value often ends in
    # a newline); a blank value is a missing one.
    api_key = str(api_key).strip() if api_key is not None else None
    team_id = str(team_id).strip() if team_id is not None else None
    missing = []
    if not api_key:
        missing.append("the API key (argument api_key or environment variable SENDX_API_KEY)")
    if not team_id:
        missing.append("the team id (argument team_id or environment variable SENDX_TEAM_ID)")
    if not api_key or not team_id:  # i.e. missing is not empty
        where = "both are" if len(missing) == 2 else "it is"
        raise InvalidRequestError(
            "SendX needs " + " and ".join(missing) + f"; {where} in SendX under Settings > API",
            field="api_key" if not api_key else "team_id",
        )
    return Settings(
        api_key=check_api_key(api_key),
        team_id=team_id,
        base_url=check_base_url(base_url),
    )


def check_api_key(api_key: str) -> str:
    """The key, checked: it travels as a header value, so it must be printable ASCII;
    anything else would make the HTTP library fail with an error quoting the key. The
    message never echoes the key."""
    key = api_key.strip()
    if not key.isascii() or not key.isprintable():
        raise InvalidRequestError(
            "the API key holds characters that cannot be sent in a header (non-ASCII or "
            "control characters); copy it again from SendX under Settings > API",
            field="api_key",
        )
    return key


def check_base_url(base_url: str | None) -> str:
    """An ``http(s)://host[:port]/path`` URL without a trailing slash."""
    if not base_url:
        return DEFAULT_BASE_URL
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidRequestError(
            f"base_url must be an http:// or https:// URL such as {DEFAULT_BASE_URL} "
            f"(got {base_url!r})",
            field="base_url",
        )
    if parts.username is not None or parts.password is not None:
        # Credentials in the URL would show in reprs and logs; SendX never uses them.
        raise InvalidRequestError(
            "base_url must not hold a user name or password (user:password@host); "
            "SendX authenticates with the api_key header only",
            field="base_url",
        )
    if parts.query or parts.fragment:
        raise InvalidRequestError(
            f"base_url must not hold a query or fragment (got {base_url!r})", field="base_url"
        )
    return base_url.rstrip("/")

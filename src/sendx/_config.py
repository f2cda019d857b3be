"""Client settings: explicit arguments first, then the ``SENDX_*`` environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sendx.errors import InvalidRequestError

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_REST_BASE_URL",
    "Settings",
    "check_api_key",
    "check_base_url",
    "missing_team_error",
    "resolve_settings",
]

DEFAULT_BASE_URL = "https://app.sendx.io/api/v1"
DEFAULT_REST_BASE_URL = "https://api.sendx.io/api/v1/rest"


@dataclass(frozen=True, slots=True)
class Settings:
    """Where and as whom to talk to SendX. The key is kept out of ``repr``.

    ``team_id`` is needed by the v1 calls only (identify and track): the REST API knows
    the team from the key. ``rest_base_url`` is where the REST API is."""

    api_key: str = field(repr=False)
    team_id: str | None
    base_url: str
    rest_base_url: str = DEFAULT_REST_BASE_URL


def resolve_settings(
    api_key: str | None,
    team_id: str | None,
    base_url: str | None,
    rest_base_url: str | None = None,
) -> Settings:
    """Settings from arguments, falling back to ``SENDX_API_KEY``, ``SENDX_TEAM_ID``,
    ``SENDX_BASE_URL`` and ``SENDX_REST_BASE_URL``. The key is required; a missing team
    id is an error only at a v1 call."""
    api_key = api_key if api_key is not None else os.environ.get("SENDX_API_KEY")
    team_id = team_id if team_id is not None else os.environ.get("SENDX_TEAM_ID")
    base_url = base_url if base_url is not None else os.environ.get("SENDX_BASE_URL")
    if rest_base_url is None:
        rest_base_url = os.environ.get("SENDX_REST_BASE_URL")
    # Surrounding whitespace is never part of a key or id (a copied value often ends in
    # a newline); a blank value is a missing one.
    api_key = str(api_key).strip() if api_key is not None else None
    team_id = str(team_id).strip() if team_id is not None else None
    if not api_key:
        raise InvalidRequestError(
            "SendX needs the API key (argument api_key or environment variable "
            "SENDX_API_KEY); it is in SendX under Settings > API",
            field="api_key",
        )
    return Settings(
        api_key=check_api_key(api_key),
        team_id=team_id or None,
        base_url=check_base_url(base_url),
        rest_base_url=check_base_url(rest_base_url, "rest_base_url", DEFAULT_REST_BASE_URL),
    )


def missing_team_error() -> InvalidRequestError:
    """The error of a v1 call (identify, track) on a client without a team id."""
    return InvalidRequestError(
        "identify and track (SendX's v1 API) need the team id: pass team_id= or set "
        "SENDX_TEAM_ID (it is in SendX under Settings > API); the REST API needs only the key",
        field="team_id",
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


def check_base_url(
    base_url: str | None, field: str = "base_url", default: str = DEFAULT_BASE_URL
) -> str:
    """An ``http(s)://host[:port]/path`` URL without a trailing slash."""
    if not base_url:
        return default
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidRequestError(
            f"{field} must be an http:// or https:// URL such as {default} (got {base_url!r})",
            field=field,
        )
    if parts.username is not None or parts.password is not None:
        # Credentials in the URL would show in reprs and logs; SendX never uses them.
        raise InvalidRequestError(
            f"{field} must not hold a user name or password (user:password@host); "
            "SendX authenticates with the API key header only",
            field=field,
        )
    if parts.query or parts.fragment:
        raise InvalidRequestError(
            f"{field} must not hold a query or fragment (got {base_url!r})", field=field
        )
    return base_url.rstrip("/")

"""Client settings: explicit arguments first, then the ``SENDX_*`` environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sendx.errors import InvalidRequestError

__all__ = ["DEFAULT_BASE_URL", "Settings", "resolve_settings"]

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
    missing = []
    if not api_key:
        missing.append("the API key (argument api_key or environment variable SENDX_API_KEY)")
    if not team_id:
        missing.append("the team id (argument team_id or environment variable SENDX_TEAM_ID)")
    if missing:
        raise InvalidRequestError(
            "SendX needs " + " and ".join(missing) + "; both are in SendX under Settings > API",
            field="api_key" if not api_key else "team_id",
        )
    return Settings(api_key=str(api_key), team_id=str(team_id), base_url=check_base_url(base_url))


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
    if parts.query or parts.fragment:
        raise InvalidRequestError(
            f"base_url must not hold a query or fragment (got {base_url!r})", field="base_url"
        )
    return base_url.rstrip("/")

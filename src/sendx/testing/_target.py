"""Where the fixtures point: a local emulator, or the real SendX under ``--sendx-live``."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["ENV_VARS", "Target"]

#: The variables a ``SendX()`` built without arguments reads.
ENV_VARS = ("SENDX_BASE_URL", "SENDX_REST_BASE_URL", "SENDX_API_KEY", "SENDX_TEAM_ID")


@dataclass(frozen=True, slots=True)
class Target:
    """A SendX API to test against: its base URLs and the credentials for them.

    ``base_url`` is the v1 API's (identify, track), ``rest_base_url`` the REST API's
    (``None``: SendX's own). ``live`` is true for the real SendX (``--sendx-live``),
    false for an emulator. The API key is left out of ``repr``, so it never shows in a
    test report.
    """

    base_url: str
    team_id: str
    api_key: str = field(repr=False)
    live: bool = False
    rest_base_url: str | None = None

    def env(self) -> dict[str, str]:
        """The ``SENDX_*`` environment variables that point a ``SendX()`` here."""
        from sendx._config import DEFAULT_REST_BASE_URL

        return {
            "SENDX_BASE_URL": self.base_url,
            "SENDX_REST_BASE_URL": self.rest_base_url or DEFAULT_REST_BASE_URL,
            "SENDX_API_KEY": self.api_key,
            "SENDX_TEAM_ID": self.team_id,
        }

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Target:
        """The real SendX, as ``SENDX_API_KEY``, ``SENDX_TEAM_ID`` and (optionally)
        ``SENDX_BASE_URL`` and ``SENDX_REST_BASE_URL`` describe it.

        Raises ``LookupError`` naming the missing variables.
        """
        from sendx._config import DEFAULT_BASE_URL, DEFAULT_REST_BASE_URL

        environ = os.environ if environ is None else environ
        missing = [name for name in ("SENDX_API_KEY", "SENDX_TEAM_ID") if not environ.get(name)]
        if missing:
            raise LookupError(
                "live tests need real credentials: set " + " and ".join(missing) + " (from "
                "SendX under Settings > API) in the environment"
            )
        return cls(
            base_url=environ.get("SENDX_BASE_URL") or DEFAULT_BASE_URL,
            team_id=environ["SENDX_TEAM_ID"],
            api_key=environ["SENDX_API_KEY"],
            live=True,
            rest_base_url=environ.get("SENDX_REST_BASE_URL") or DEFAULT_REST_BASE_URL,
        )


Target.__module__ = "sendx.testing"

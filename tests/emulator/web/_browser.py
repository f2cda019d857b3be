"""Headless Chromium for the page's tests: Debian's browser, driven by Playwright.

Never a browser of Playwright's own (no download in CI): ``.ci/run`` installs
``chromium`` from the distribution where it is missing. Screenshots are kept in
``$SENDX_ARTIFACTS/web`` (``.artifacts/web`` by default) for a person to look at.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

# Chromium's own services are off (no network beyond loopback, no first-run work),
# and so are its Private/Local Network Access checks. Chromium 150 lets a loopback page
# fetch its own origin without that flag (the tests pass either way); it stays for later
# versions, whose checks may reach further.
ARGS = [
    "--headless",
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-features=LocalNetworkAccessChecks,PrivateNetworkAccessSendPreflights,"
    "PrivateNetworkAccessRespectPreflightResults",
]


def chromium_path() -> str | None:
    """The system's Chromium, if there is one."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None


def artifacts() -> Path:
    """Where the screenshots go (created)."""
    base = os.environ.get("SENDX_ARTIFACTS")
    folder = (Path(base) if base else ROOT / ".artifacts") / "web"
    folder.mkdir(parents=True, exist_ok=True)
    return folder

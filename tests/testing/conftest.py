"""The testing kit is tested the way its users meet it: through pytest's ``pytester``."""

from __future__ import annotations

import pytest

# Imported before any pytester run: an inline run forgets the modules it imported
# first, and a second copy of sendx.models would make two different Contact classes.
import sendx._client
import sendx.emulator.http.server
import sendx.models
import sendx.testing._clients
import sendx.testing._emulator
import sendx.testing._report
import sendx.testing._unittest
import sendx.testing.plugin  # noqa: F401

pytest_plugins = ["pytester"]

# The settings of the inner runs: warnings fail them, as in this project.
INNER_INI = """
[pytest]
addopts = -p no:cacheprovider
filterwarnings = error
"""


@pytest.fixture
def inner(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A pytester with this project's warning policy and no SENDX_* from outside."""
    for name in ("SENDX_BASE_URL", "SENDX_REST_BASE_URL", "SENDX_API_KEY", "SENDX_TEAM_ID"):
        monkeypatch.delenv(name, raising=False)
    pytester.makeini(INNER_INI)
    return pytester

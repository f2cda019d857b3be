"""``sendx emulator`` warns when it would listen beyond this machine."""

from __future__ import annotations

import pytest

from sendx.cli._emulator import _is_loopback


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.1", "::1", "[::1]", "localhost"])
def test_loopback_hosts_need_no_warning(host: str) -> None:
    assert _is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.5", "example.internal"])
def test_other_hosts_are_warned_about(host: str) -> None:
    """Everything else, host names included, may be reachable from other machines."""
    assert not _is_loopback(host)

"""The emulator's Python surface: a cheap import, safe reprs, clear misuse errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sendx.emulator import Emulator


def test_importing_the_package_loads_no_server_stack() -> None:
    """``import sendx.emulator`` (and naming Emulator) loads neither uvicorn nor the
    app; they load when an emulator starts."""
    code = (
        "import sys, sendx.emulator\n"
        "sendx.emulator.Emulator\n"
        "loaded = [m for m in ('uvicorn', 'httptools', 'sendx.emulator.app') if m in sys.modules]\n"
        "print(loaded)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_repr_never_shows_a_key() -> None:
    """Neither a configured key nor the teams mapping appears in the repr."""
    emu = Emulator(teams={"team": "very-secret-key"})
    assert "very-secret-key" not in repr(emu)
    with emu:
        assert "very-secret-key" not in repr(emu)
        assert emu.base_url in repr(emu)


def test_urls_need_a_started_emulator() -> None:
    """port, base_url and control_url raise until start(); then they name the port."""
    emu = Emulator()
    with pytest.raises(RuntimeError, match="not started"):
        _ = emu.base_url
    with emu:
        assert emu.base_url == f"http://127.0.0.1:{emu.port}/api/v1"
        assert emu.control_url == f"http://127.0.0.1:{emu.port}/_emulator"


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"teams": {"": "k"}}, ValueError),
        ({"teams": {"t": ""}}, ValueError),
        ({"teams": ["t"]}, TypeError),
        ({"latency_ms": -1}, ValueError),
        ({"port": 70000}, ValueError),
        ({"webhook_attempts": 0}, ValueError),
        ({"webhook_backoff": -1}, ValueError),
        ({"webhook_timeout": 0}, ValueError),
    ],
)
def test_invalid_arguments_are_refused_before_starting(
    kwargs: dict[str, object], error: type[Exception]
) -> None:
    """Bad constructor arguments raise at once, naming the argument."""
    with pytest.raises(error):
        Emulator(**kwargs)  # type: ignore[arg-type]

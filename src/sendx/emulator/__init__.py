"""The local SendX emulator: the v1 contact API, persistent, with automations and faults.

``from sendx.emulator import Emulator``; ``with Emulator() as emu:`` serves on a free
loopback port (``emu.base_url``). Importing this package is cheap: the server stack
(uvicorn) loads when an emulator starts. See ``docs/emulator.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sendx.emulator._server import Emulator, EmulatorUnavailable

__all__ = ["Emulator", "EmulatorUnavailable"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from sendx.emulator import _server

        value = getattr(_server, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sendx.emulator' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)

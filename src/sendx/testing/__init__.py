"""The testing kit: run your SendX code against a local emulator, in one line.

- In pytest, nothing to import: installing ``sendx-client[emulator]`` registers the
  fixtures ``sendx_emulator``, ``sendx_client``, ``async_sendx_client`` and
  ``sendx_env`` and the marker ``sendx_live`` (see ``sendx.testing.plugin``).
- In unittest, subclass :class:`SendXTestCase`.
- In a plain script, ``with TestEmulator() as emu:``.

Importing this package is cheap (pytest loads its plugin in every run): each name
loads on first access, and the emulator's server stack only when one starts.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sendx.testing._clients import FAST_RETRY
    from sendx.testing._control import ControlPlane, EmulatorError
    from sendx.testing._emulator import DEFAULT_API_KEY, DEFAULT_TEAM_ID, TestEmulator
    from sendx.testing._target import Target
    from sendx.testing._unittest import SendXTestCase

__all__ = [
    "TestEmulator",
    "SendXTestCase",
    "ControlPlane",
    "EmulatorError",
    "Target",
    "FAST_RETRY",
    "DEFAULT_TEAM_ID",
    "DEFAULT_API_KEY",
]

_LAZY: dict[str, str] = {
    "TestEmulator": "sendx.testing._emulator",
    "DEFAULT_TEAM_ID": "sendx.testing._emulator",
    "DEFAULT_API_KEY": "sendx.testing._emulator",
    "SendXTestCase": "sendx.testing._unittest",
    "ControlPlane": "sendx.testing._control",
    "EmulatorError": "sendx.testing._control",
    "Target": "sendx.testing._target",
    "FAST_RETRY": "sendx.testing._clients",
}


# Old names still answered, with a DeprecationWarning that says what to write instead.
_RENAMED: dict[str, tuple[str, str]] = {
    "Emulator": (
        "TestEmulator",
        "same class, same arguments; sendx.emulator.Emulator is the bare server, "
        "whose arguments differ",
    ),
}


def __getattr__(name: str) -> Any:
    if name in _RENAMED:
        new, note = _RENAMED[name]
        import warnings

        warnings.warn(
            f"sendx.testing.{name} is now sendx.testing.{new} ({note}): rename it; the "
            "old name will be removed in a later release",
            DeprecationWarning,
            stacklevel=2,
        )
        return __getattr__(new)  # not cached, so that every use is reported
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'sendx.testing' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later accesses skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)

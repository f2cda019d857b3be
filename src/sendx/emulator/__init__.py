"""The local SendX emulator: the v1 contact API and the REST API, persistent, with
automations, webhooks, captured email and faults.

``from sendx.emulator import Emulator``; ``with Emulator() as emu:`` serves on a free
loopback port (``emu.base_url``). Importing this package is cheap: the server stack
(uvicorn) loads when an emulator starts. Documentation: ``sendx emulator --help`` names
the page.

The package is in layers, each a folder:

- :mod:`~sendx.emulator.http`: the server (uvicorn on a thread), ASGI helpers and
  limits, who may call (teams and keys), fault injection;
- :mod:`~sendx.emulator.v1`: the v1 API, identify and track, and their merge rules;
- :mod:`~sendx.emulator.rest`: the REST API, a module per family of objects (contacts,
  lists, tags, ..., campaigns, messages, events);
- :mod:`~sendx.emulator.store`: the SQLite store both APIs share, its schema and
  migrations, its rows, and the group commit;
- :mod:`~sendx.emulator.delivery`: webhooks: automation rules, payloads, signatures,
  retries and the delivery record;
- :mod:`~sendx.emulator.control`: the ``/_emulator`` control plane and the OpenAPI
  document;
- :mod:`~sendx.emulator.web`: the web page at ``/``, its reads and its live stream.

:mod:`sendx.emulator.app` ties them together: one ASGI application.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sendx.emulator.http.server import Emulator, EmulatorUnavailable

__all__ = ["Emulator", "EmulatorUnavailable"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from sendx.emulator.http import server

        value = getattr(server, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sendx.emulator' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)

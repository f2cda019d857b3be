"""SendX's REST API (``/api/v1/rest``), served from the store that v1 uses.

- :mod:`.api`: a request from the ASGI call to its answer (key, route, body, group
  commit);
- :mod:`.routing`, :mod:`.request`, :mod:`.errors`, :mod:`.ids`: what every family uses;
- :mod:`.collection`: create, get, update, delete and list of a kind of object, for the
  families that are only that;
- one module per resource family, each with its ``ROUTES``, listed in
  :data:`FAMILIES`. Adding a family means adding its module (and its test file) and
  a line here.
"""

from __future__ import annotations

import importlib

from sendx.emulator.rest.routing import Route

__all__ = ["FAMILIES", "routes"]

#: The resource families, in the order of SendX's documentation.
FAMILIES = (
    "contacts",
    "lists",
    "tags",
    "senders",
    "templates",
    "custom_fields",
    "webhooks",
    "transactional",
    "campaigns",
    "events",
    "reports",
    "posts",
    "post_categories",
    "post_tags",
    "team_members",
)


def routes() -> list[Route]:
    """Every route of every family."""
    found: list[Route] = []
    for family in FAMILIES:
        module = importlib.import_module(f"sendx.emulator.rest.{family}")
        found.extend(module.ROUTES)
    return found

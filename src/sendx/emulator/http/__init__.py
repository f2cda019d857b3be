"""The HTTP layer: the server and what every request meets before a route.

- :mod:`.server`: :class:`~sendx.emulator.http.server.Emulator`, uvicorn on a
  background thread;
- :mod:`.asgi`: bodies in, JSON out, and the limits on sizes;
- :mod:`.auth`: who may call: teams and their API keys;
- :mod:`.faults`: the injected faults (latency, statuses, dropped connections).
"""

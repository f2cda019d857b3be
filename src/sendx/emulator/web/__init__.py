"""The emulator's web page: what the app under test did, at a glance.

- :mod:`~sendx.emulator.web.assets`: the page itself (``/`` and ``/static/*``, files of
  this package), served with a strict Content Security Policy;
- :mod:`~sendx.emulator.web.changes`: the version counter that every commit bumps;
- :mod:`~sendx.emulator.web.stream`: ``GET /_emulator/stream``, server-sent events that
  tell a connected page to fetch again;
- :mod:`~sendx.emulator.web.views`: the reads the page needs that the control plane's
  others do not give (``/_emulator/overview`` and ``/_emulator/timeline``);
- :mod:`~sendx.emulator.web.links`: the page's deep links, for test failure messages.
"""

"""The v1 API (``/api/v1/contact/identify`` and ``/track``): the merge rules in
:mod:`.merge`. The requests themselves run in :mod:`sendx.emulator.app`, on its hot
path.
"""

"""The SQLite store that the APIs share.

- :mod:`.database`: :class:`~sendx.emulator.store.database.Store`, the connection,
  its transactions and queries;
- :mod:`.schema`: the migrations, in order;
- :mod:`.rows`: how rows are written and read;
- :mod:`.records`: the stored values as Python objects, ids and key hashes;
- :mod:`.groups`: the group commit of requests that arrive together.
"""

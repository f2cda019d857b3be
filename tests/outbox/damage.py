"""Helpers of the damaged-spool tests: spools written by another process (closed, or
left by a crash), damaged in place (not tests themselves)."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys
from typing import Any

PAGE = 4096

WRITER = """
import json, os, sys
from sendx.outbox._base import identify_entry, track_entry
from sendx.outbox._spool import Spool
path, calls, how = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
spool = Spool(path)
for kind, email, options in calls:
    if kind == "identify":
        entry = identify_entry(email, None, None, None, None, None, options.get("tags"),
                               options.get("custom_fields"))
    else:
        entry = track_entry(email, options["add"], ())
    spool.insert(entry)
for name, value in json.loads(sys.argv[4]).items():
    spool.insert_marked(None, name, value)
if how == "crash":
    os._exit(0)  # as a kill: the WAL and its index stay, nothing is checkpointed
spool.close()
"""


def write_spool(
    path: pathlib.Path, calls: list[Any], how: str, marks: dict[str, str] | None = None
) -> None:
    """A spool holding ``calls``, written by another process that either closes it
    (``"close"``: one file) or dies (``"crash"``: the calls are in the WAL)."""
    subprocess.run(
        [sys.executable, "-c", WRITER, str(path), json.dumps(calls), how, json.dumps(marks or {})],
        check=True,
        timeout=120,
    )


def contacts_calls(count: int) -> list[Any]:
    return [["identify", f"c{i}@x.io", {"tags": ["t"]}] for i in range(count)]


def overwrite(path: pathlib.Path, offset: int, data: bytes) -> None:
    with open(path, "r+b") as handle:
        handle.seek(offset)
        handle.write(data)


def moved_aside(spool: pathlib.Path) -> list[pathlib.Path]:
    """The main files moved aside (their -wal and -shm sit beside them)."""
    found = spool.parent.glob(spool.name + ".corrupt-*")
    return sorted(path for path in found if not path.name.endswith(("-wal", "-shm")))

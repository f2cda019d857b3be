"""Sending a dead-letter file again (``sendx replay FILE``), resumably.

The replay is built on a spooled outbox (``FILE.replay-spool``), the same way as the
bulk import: the file is renamed to ``FILE.replaying`` (so an outbox still appending to
``FILE`` never races with the replay), its lines are committed to the spool in batches
together with the number of the last line read, and a call leaves the spool only after
a 2xx or after it was written back to ``FILE`` with its new reason. So an interrupted
replay (Ctrl-C, a kill, a crash) is continued by running ``sendx replay FILE`` again:
the calls left in the spool are sent, then the rest of ``FILE.replaying``; no call
confirmed sent is sent again. A non-idempotent call (an increment, a rename) that was
in flight when the process died is written back to ``FILE`` with a "may have applied
it" reason instead of being sent again (the spool's usual recovery). Malformed lines
are put back into ``FILE`` unchanged: nothing is ever lost.

Each contact's calls are sent in the order of the file, and a contact's chain stops at
its first failure: the call that failed is written back with its reason, and every
later call of that contact (following renames) after it, unsent, in order, whether it
was already queued or is read later in the file (or in a resumed run: the contacts set
aside are recorded in the spool). The next replay of ``FILE`` then starts the chain
again from the call that failed.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sendx.errors import SendXError
from sendx.outbox._calls import Entry, entry_from_record, read_dead_letters
from sendx.outbox._dead import ASIDE_MARK
from sendx.outbox._sync import Outbox

if TYPE_CHECKING:
    from sendx.outbox._ports import ClientPort

__all__ = ["ReplayResult", "replay_file"]

WORKING = ".replaying"
SPOOL = ".replay-spool"
_LINE = "replay:line"
#: Lines per spool transaction (one commit per batch, as the import does).
_COMMIT_LINES = 128
#: On Ctrl-C: how long the requests in flight may take to end before the process exits.
_INTERRUPT_WAIT = 10.0


class ReplayOutbox(Outbox):
    """The replay's outbox: a failure stops its contact's chain for the whole file."""

    _stop_chains = True

    def _forget_aside(self) -> None:
        """A new replay: the contacts an earlier one set aside are free again."""
        with self._lock:
            if self._plan.aside is not None:
                self._plan.aside.clear()
        if self._spool is not None:
            self._spool.insert_marked(None, ASIDE_MARK, "[]")


@dataclass(frozen=True, slots=True)
class ReplayResult:
    """``sent`` calls (2xx), ``failed`` again (back in the file), ``malformed`` lines,
    and whether this run ``resumed`` an interrupted replay."""

    sent: int
    failed: int
    malformed: int
    resumed: bool = False


def replay_file(path: str, client: ClientPort, *, concurrency: int = 8) -> ReplayResult:
    """Send every call of the dead-letter file ``path`` again, in order per contact.

    If an earlier replay of ``path`` was interrupted, this continues it instead (and
    leaves any new lines of ``path`` for the next run).
    """
    if path.endswith(WORKING) and os.path.exists(path[: -len(WORKING)] + SPOOL):
        original = path[: -len(WORKING)]
        raise SendXError(
            f"{path!r} belongs to an interrupted replay: continue it with 'sendx replay {original}'"
        )
    working = path + WORKING
    spool_path = path + SPOOL
    if not os.path.exists(working) and not os.path.exists(path):
        raise SendXError(f"no such file: {path!r}")
    # The spool's lock comes first: a second replay of the same file stops here.
    outbox = ReplayOutbox(
        client,
        spool=spool_path,
        workers=concurrency,
        dead_letters=path,
        on_error=lambda call, error: None,  # the new reason is in the file
    )
    spool = outbox._spool
    assert spool is not None
    resumed = os.path.exists(working)
    try:
        if resumed:
            start = int(spool.get_mark(_LINE) or 0)
        else:
            # A spool left by a completed replay holds a stale position and the
            # contacts it set aside: reset them before the file becomes the working copy.
            outbox._forget_aside()
            spool.insert_marked(None, _LINE, "0")
            start = 0
            os.rename(path, working)
        malformed = _load(outbox, working, path, start)
        result = outbox.close(None)
    except BaseException:
        # Requests in flight end (and are recorded); everything else stays in the
        # spool for the next run.
        outbox._shutdown(_INTERRUPT_WAIT, drain=False)
        raise
    if result.pending:  # pragma: no cover - close(None) waits for every call
        raise SendXError(f"{result.pending} call(s) still pending; run the replay again")
    os.remove(working)
    for suffix in ("", "-wal", "-shm", ".lock"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(spool_path + suffix)
    return ReplayResult(
        sent=result.sent, failed=result.failed, malformed=malformed, resumed=resumed
    )


def _load(outbox: Outbox, working: str, path: str, start: int) -> int:
    """Put the lines of ``working`` after line ``start`` into the spooled outbox, each
    batch committed with the number of its last line; the count of malformed lines."""
    spool = outbox._spool
    assert spool is not None
    malformed = 0
    batch: list[Entry] = []
    last = start
    for number, record in read_dead_letters(working):
        if number <= start:
            continue
        last = number
        try:
            if isinstance(record, Exception):
                raise ValueError(str(record))
            batch.append(entry_from_record(record, number))
        except ValueError:
            # Put back before the position passes it: a kill in between repeats an
            # unreadable line at worst, never loses one.
            malformed += 1
            _put_back(working, path, number)
        if len(batch) >= _COMMIT_LINES:
            outbox._put_many(batch, (_LINE, str(last)))
            batch = []
    if batch:
        outbox._put_many(batch, (_LINE, str(last)))
    elif last != start:
        spool.insert_marked(None, _LINE, str(last))
    return malformed


def _put_back(source: str, target: str, number: int) -> None:
    with open(source, "rb") as handle:
        for current, raw in enumerate(handle, 1):
            if current == number:
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
                try:
                    os.write(fd, raw if raw.endswith(b"\n") else raw + b"\n")
                finally:
                    os.close(fd)
                return

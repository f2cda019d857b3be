"""The calls an outbox will not send: written off to the dead-letter file, with the
calls set aside behind them, and handed to ``on_error`` (or logged).

:class:`DeadLetters` is a part of :class:`~sendx.outbox._base.OutboxBase`, kept apart
because it is its own concern: which calls leave together and in which order, with
which reason, what the spool and the counters are told, and who hears of it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence

from sendx.errors import SendXError
from sendx.outbox._calls import (
    DeadLetterFile,
    Entry,
    failure_reason,
    is_transient,
    may_have_applied,
)
from sendx.outbox._plan import Batch, Plan
from sendx.outbox._spool import Spool
from sendx.outbox._types import OutboxCall, SpoolCorruptError

__all__ = [
    "ASIDE_MARK",
    "FOLLOWER_REASON",
    "UNCERTAIN_REASON",
    "DeadLetters",
    "closed_reason",
]

logger = logging.getLogger("sendx.outbox")

UNCERTAIN_REASON = (
    "in flight when the previous process stopped and not idempotent (an increment, a "
    "rename, an email or an event): SendX may have applied it; check the contact (or "
    "whether the email went out), then replay this line if it was not applied"
)
FOLLOWER_REASON = (
    "not sent: an earlier call of the same contact (or of an address renamed to or from "
    "it) was set aside before it in this file; replaying the file sends them in order"
)
#: The contacts a replay has set aside so far (a JSON list of keys), kept in its spool
#: so that a resumed replay goes on setting their later calls aside.
ASIDE_MARK = "outbox:set-aside"


def closed_reason(error: BaseException) -> str:
    """The dead-letter reason of a call whose attempt failed after close() gave up."""
    reason = failure_reason(error)[0]
    return f"the outbox was closed before this call was delivered (last error: {reason})"


class DeadLetters:
    """Writing off the calls that will not be sent (a part of ``OutboxBase``)."""

    # Set by OutboxBase.__init__.
    _dead: DeadLetterFile
    _spool: Spool | None
    _plan: Plan
    _on_error: Callable[[OutboxCall, BaseException], object] | None
    _on_drop: Callable[[OutboxCall], object] | None
    _failed: int
    _sync_dead: bool

    #: False: a call that failed for good leaves its contact's later calls to be sent,
    #: unless SendX may have applied it; then the calls queued behind it are set aside
    #: with it. True (the replay of a file): any failure sets aside the contact's later
    #: calls, those queued and those put afterwards.
    _stop_chains = False

    def _why_aside(self, entry: Entry, unsure: set[int]) -> SendXError:
        """Why a call recovered from the spool is set aside instead of sent, as the
        error ``on_error`` receives (its message is the dead-letter reason)."""
        if id(entry) not in unsure:
            return SendXError(FOLLOWER_REASON)
        spool = self._spool
        recovery = None if spool is None else spool.recovery
        reason = None if recovery is None else recovery.doubtful.get(entry.id)
        if spool is None or recovery is None or reason is None:
            return SendXError(UNCERTAIN_REASON)
        return SpoolCorruptError(reason, path=spool.path, moved_to=recovery.moved_to)

    def _locked_refuse(self, entries: list[Entry]) -> list[tuple[Entry, BaseException]]:
        """Calls the schedule refused (their contact was set aside earlier in a replay)
        go to the dead-letter file, after the calls set aside before them; what to
        pass to ``on_error`` (once the locks are let go)."""
        self._write_off([(entry, FOLLOWER_REASON, None) for entry in entries])
        self._failed += len(entries)
        if self._on_error is None:
            logger.warning(
                "outbox: %d call(s) of contact(s) set aside earlier written to %s",
                len(entries),
                self._dead.path,
            )
        return [(entry, SendXError(FOLLOWER_REASON)) for entry in entries]

    def _sets_aside(self, batch: Batch, error: BaseException) -> bool:
        """Whether a batch that failed for good takes its contacts' later calls along."""
        return self._stop_chains or may_have_applied(error, batch.head.idempotent)

    def _dead_letter(
        self, batch: Batch, error: BaseException, followers: list[Entry] | None = None
    ) -> None:
        """Write the batch's calls to the dead-letter file, then the ``followers`` set
        aside behind them, then drop them all from the spool."""
        reason, status = failure_reason(error)
        if batch.retries and is_transient(error, batch.head.idempotent):
            reason = f"{reason} (gave up after {batch.retries + 1} rounds of retries)"
        for entry in batch.entries:
            entry.attempts = batch.retries + 1
        failures = [(entry, reason, status) for entry in batch.entries]
        failures += [(entry, FOLLOWER_REASON, None) for entry in followers or ()]
        self._write_off(failures)

    def _write_off(self, failures: Sequence[tuple[Entry, str, int | None]]) -> None:
        """Append ``failures`` to the dead-letter file in one write, then delete them
        from the spool (a replay records its set-aside contacts in the same commit)."""
        try:
            self._dead.write_each(failures, sync=self._sync_dead)
        except OSError:
            # Keep the calls in the spool rather than lose them; a new outbox on the
            # spool sends them again (or sets them aside again).
            logger.exception("outbox: cannot write the dead-letter file %s", self._dead.path)
            return
        spool = self._spool
        if spool is not None:
            ids = [entry.id for entry, _, _ in failures]
            aside = self._plan.aside
            if aside is None:
                spool.delete(ids)
            else:
                spool.delete_marked(ids, ASIDE_MARK, json.dumps(sorted(aside)))

    def _save_leftovers(self, entries: list[Entry], reason: str) -> None:
        """Write undelivered calls of an in-memory outbox to the dead-letter file."""
        if not entries:
            return
        self._dead.write(entries, reason, None)
        self._failed += len(entries)
        logger.warning(
            "outbox: %d undelivered call(s) written to %s", len(entries), self._dead.path
        )

    def _locked_give_up(self, in_flight_when: str | None = None, skip: Iterable[int] = ()) -> None:
        """At close, without a spool: write the calls that will not be sent to the
        dead-letter file and forget them, in each contact's order.

        With ``in_flight_when``, the calls in flight (but the batches in ``skip``) are
        written first, as uncertain: their requests will never end. Otherwise a call
        queued behind one in flight is held back, to be written after it (the worker
        calls this again when that request ends), so a replay keeps the order.
        """
        plan = self._plan
        if in_flight_when is not None:
            skipped = set(skip)
            batches = [batch for key, batch in plan.flying.items() if key not in skipped]
            for batch in batches:
                del plan.flying[id(batch)]
            flying = [entry for batch in batches for entry in batch.entries]
            plan.forget(flying)
            self._save_leftovers(
                flying,
                f"in flight when {in_flight_when}: SendX may have applied it; check the "
                "contact, then replay this line if it was not applied",
            )
        candidates = plan.waiting()  # before the deferred batches are forgotten
        candidates += [entry for batch in plan.deferred() for entry in batch.entries]
        plan.clear_deferred()
        held = {key for batch in plan.flying.values() for key in batch.keys}
        free = []
        for entry in sorted(candidates, key=lambda e: e.id):
            if held.intersection(entry.keys):
                held.update(entry.keys)  # a rename holds its other address too
            else:
                free.append(entry)
        plan.forget(free)
        self._save_leftovers(free, "the outbox was closed before this call was delivered")

    def _report_error(
        self, batch: Batch, error: BaseException, followers: list[Entry] | None = None
    ) -> None:
        failures = [(entry, error) for entry in batch.entries]
        if followers:
            follows = SendXError(FOLLOWER_REASON)
            failures += [(entry, follows) for entry in followers]
        if self._on_error is None:
            logger.warning(
                "outbox: %d %s call(s) failed and were dead-lettered to %s: %s%s",
                len(batch.entries),
                batch.head.kind,
                self._dead.path,
                failure_reason(error)[0],
                f"; {len(followers)} later call(s) of the same contact(s) set aside after them"
                if followers
                else "",
            )
        self._report_each(failures)

    def _report_each(self, failures: Sequence[tuple[Entry, BaseException]]) -> None:
        """``on_error`` for each failure (the callers log when there is none)."""
        callback = self._on_error
        if callback is None:
            return
        for entry, error in failures:
            try:
                callback(entry.public(), error)
            except Exception:
                logger.exception("outbox: on_error raised")

    def _report_drop(self, entry: Entry) -> None:
        callback = self._on_drop
        if callback is None:
            return
        try:
            callback(entry.public())
        except Exception:
            logger.exception("outbox: on_drop raised")

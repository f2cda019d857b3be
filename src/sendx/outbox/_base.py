"""What the sync and the async outbox share: options, the spool, the schedule, the
counters, and the decision taken after each request. The two subclasses add only
their locking and their workers (threads or asyncio tasks)."""

from __future__ import annotations

import datetime
import itertools
import logging
import os
import random
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sendx._policies import RetryPolicy
from sendx.errors import InvalidRequestError, SendXError
from sendx.outbox._calls import (
    IDENTIFY,
    TRACK,
    DeadLetterFile,
    Entry,
    failure_reason,
    is_transient,
)
from sendx.outbox._plan import Batch, Plan
from sendx.outbox._spool import Spool
from sendx.outbox._types import FlushResult, OutboxCall, OutboxStats
from sendx.resources.contacts import CustomFieldValue, identify_call, track_call

__all__ = [
    "DEFAULT_OUTBOX_RETRY",
    "OutboxBase",
    "closed_reason",
    "identify_entry",
    "track_entry",
]

logger = logging.getLogger("sendx.outbox")

#: After the client's own retries gave up on a transient failure (SendX down for longer
#: than the client's deadline), the outbox tries again this many times, waiting longer.
DEFAULT_OUTBOX_RETRY = RetryPolicy(max_retries=5, backoff_initial=2.0, backoff_max=120.0)

ON_FULL = ("block", "drop", "raise")

UNCERTAIN_REASON = (
    "in flight when the previous process stopped and not idempotent (an increment, a "
    "rename, an email or an event): SendX may have applied it; check the contact (or "
    "whether the email went out), then replay this line if it was not applied"
)


def identify_entry(
    email: str,
    first_name: str | None,
    last_name: str | None,
    company: str | None,
    birthday: datetime.date | str | None,
    new_email: str | None,
    tags: Iterable[str] | None,
    custom_fields: Mapping[str, CustomFieldValue] | None,
    ref: int | None = None,
) -> Entry:
    """A validated identify; raises ``InvalidRequestError`` in the caller."""
    call = identify_call(
        email,
        first_name=first_name,
        last_name=last_name,
        company=company,
        birthday=birthday,
        new_email=new_email,
        tags=tags,
        custom_fields=custom_fields,
    )
    return Entry(0, IDENTIFY, email, new_email, call.body, call.idempotent, ref)


def track_entry(
    email: str, add_tags: Iterable[str], remove_tags: Iterable[str], ref: int | None = None
) -> Entry:
    """A validated track; raises ``InvalidRequestError`` in the caller."""
    call = track_call(email, add_tags=add_tags, remove_tags=remove_tags)
    return Entry(0, TRACK, email, None, call.body, True, ref)


def closed_reason(error: BaseException) -> str:
    """The dead-letter reason of a call whose attempt failed after close() gave up."""
    reason = failure_reason(error)[0]
    return f"the outbox was closed before this call was delivered (last error: {reason})"


def _check_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidRequestError(f"{name} must be an int >= 1 (got {value!r})", field=name)
    return value


def _check_callback(name: str, value: Any) -> Any:
    if value is not None and not callable(value):
        raise InvalidRequestError(
            f"{name} must be a callable or None (got {type(value).__name__})", field=name
        )
    return value


class OutboxBase:
    """State and decisions common to :class:`Outbox` and :class:`AsyncOutbox`.

    Methods named ``_locked_*`` expect the subclass's lock to be held (the async
    outbox runs them on its event loop, where no lock is needed).
    """

    def __init__(
        self,
        *,
        spool: str | os.PathLike[str] | None,
        workers: int,
        max_pending: int,
        on_full: str,
        on_error: Callable[[OutboxCall, BaseException], object] | None,
        on_drop: Callable[[OutboxCall], object] | None,
        coalesce: bool,
        spool_sync: str,
        dead_letters: str | os.PathLike[str] | None,
        retry: RetryPolicy | None,
    ) -> None:
        self._workers = _check_int("workers", workers)
        self._max_pending = _check_int("max_pending", max_pending)
        if on_full not in ON_FULL:
            raise InvalidRequestError(
                f"on_full must be 'block', 'drop' or 'raise' (got {on_full!r})", field="on_full"
            )
        self._on_full = on_full
        self._on_error = _check_callback("on_error", on_error)
        self._on_drop = _check_callback("on_drop", on_drop)
        if retry is not None and not isinstance(retry, RetryPolicy):
            raise InvalidRequestError(
                f"retry must be a sendx.RetryPolicy (got {type(retry).__name__})", field="retry"
            )
        self._retry = retry or DEFAULT_OUTBOX_RETRY
        self._coalesce = bool(coalesce)
        self._plan = Plan(coalesce=self._coalesce)
        self._spool = None if spool is None else Spool(spool, sync=spool_sync)
        self._sync_dead = spool_sync == "full"
        if dead_letters is None:
            dead_letters = (
                self._spool.path + ".dead.jsonl"
                if self._spool is not None
                else os.path.abspath("sendx-dead-letters.jsonl")
            )
        self._dead = DeadLetterFile(os.fspath(dead_letters))
        self._ids = itertools.count(1)
        self._pid = os.getpid()
        self._closed = False
        self._put_count = self._sent = self._failed = self._dropped = self._retried = 0
        self._flushed_sent = self._flushed_failed = 0
        self._recovered = 0
        if self._spool is not None:
            try:
                self._recover(self._spool)
            except BaseException:
                self._spool.close()
                raise

    @property
    def spool_path(self) -> str | None:
        """The spool's path, ``None`` for an in-memory outbox (and in a forked child)."""
        return None if self._spool is None else self._spool.path

    @property
    def dead_letter_path(self) -> str:
        """Where calls that failed for good are written (created on the first one)."""
        return self._dead.path

    def _recover(self, spool: Spool) -> None:
        ready, uncertain = spool.load()
        if uncertain:
            # Sending these again could apply an increment or a rename twice, or send
            # an email twice.
            self._dead.write(uncertain, UNCERTAIN_REASON, None)
            spool.delete([entry.id for entry in uncertain])
            self._failed += len(uncertain)
            # They failed for good like any other dead-lettered call: on_error hears of
            # them (the import counts its failed rows there).
            callback = self._on_error
            for entry in uncertain if callback is not None else ():
                try:
                    callback(entry.public(), SendXError(UNCERTAIN_REASON))
                except Exception:
                    logger.exception("outbox: on_error raised")
        for entry in ready:
            self._plan.add(entry)
        self._recovered = len(ready)
        if ready or uncertain:
            logger.info(
                "outbox spool: %d pending call(s) recovered, %d uncertain dead-lettered",
                len(ready),
                len(uncertain),
            )

    # -- under the lock ---------------------------------------------------------------

    def _locked_accept(self, entry: Entry, mark: tuple[str, str] | None) -> None:
        """Make ``entry`` durable (if spooled) and schedule it."""
        spool = self._spool
        if spool is None:
            entry.id = next(self._ids)
        elif mark is None:
            entry.id = spool.insert(entry)
        else:
            entry.id = spool.insert_marked(entry, *mark)  # type: ignore[assignment]
        self._plan.add(entry)
        self._put_count += 1

    def _locked_stats(self) -> OutboxStats:
        return OutboxStats(
            put=self._put_count,
            sent=self._sent,
            failed=self._failed,
            dropped=self._dropped,
            retried=self._retried,
            pending=self._plan.pending,
        )

    def _locked_flush_result(self) -> FlushResult:
        result = FlushResult(
            sent=self._sent - self._flushed_sent,
            failed=self._failed - self._flushed_failed,
            pending=self._plan.pending,
        )
        self._flushed_sent, self._flushed_failed = self._sent, self._failed
        return result

    def _locked_sent(self, batch: Batch) -> None:
        self._plan.done(batch)
        self._sent += len(batch.entries)

    # -- outside the lock -------------------------------------------------------------

    def _before_send(self, batch: Batch) -> None:
        """Mark a non-idempotent call as handed to the network, so that after a crash it
        is reported as uncertain instead of being sent twice."""
        if self._spool is not None and not batch.head.idempotent:
            self._spool.started([entry.id for entry in batch.entries])

    def _after_success(self, batch: Batch) -> None:
        if self._spool is not None:
            self._spool.delete([entry.id for entry in batch.entries])

    def _decide(self, batch: Batch, error: BaseException) -> tuple[str, float]:
        """After a failed request: ``("retry", delay)``, ``("split", 0)`` or
        ``("dead", 0)``."""
        idempotent = batch.head.idempotent
        if is_transient(error, idempotent) and batch.retries < self._retry.max_retries:
            ceiling = min(
                self._retry.backoff_max, self._retry.backoff_initial * (2.0**batch.retries)
            )
            # Half fixed, half jitter: a retry never comes at once after a long outage.
            return "retry", ceiling * (0.5 + 0.5 * random.random())
        if len(batch.entries) > 1:
            return "split", 0.0
        return "dead", 0.0

    def _dead_letter(self, batch: Batch, error: BaseException) -> None:
        """Write the batch's calls to the dead-letter file, then drop them from the spool."""
        reason, status = failure_reason(error)
        if batch.retries and is_transient(error, batch.head.idempotent):
            reason = f"{reason} (gave up after {batch.retries + 1} rounds of retries)"
        for entry in batch.entries:
            entry.attempts = batch.retries + 1
        try:
            self._dead.write(batch.entries, reason, status, sync=self._sync_dead)
        except OSError:
            # Keep the call in the spool rather than lose it; it is sent again on restart.
            logger.exception("outbox: cannot write the dead-letter file %s", self._dead.path)
            return
        if self._spool is not None:
            self._spool.delete([entry.id for entry in batch.entries])

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

    def _report_error(self, batch: Batch, error: BaseException) -> None:
        callback = self._on_error
        if callback is None:
            logger.warning(
                "outbox: %d %s call(s) failed and were dead-lettered to %s: %s",
                len(batch.entries),
                batch.head.kind,
                self._dead.path,
                failure_reason(error)[0],
            )
            return
        for entry in batch.entries:
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

    def _reset_after_fork(self) -> None:
        """In a forked child: an empty outbox in memory, never the parent's spool."""
        if self._spool is not None:
            self._spool.abandon()
            self._spool = None
        self._dead = DeadLetterFile(self._dead.path)
        self._plan = Plan(coalesce=self._coalesce)
        self._pid = os.getpid()
        self._put_count = self._sent = self._failed = self._dropped = self._retried = 0
        self._flushed_sent = self._flushed_failed = 0
        self._recovered = 0

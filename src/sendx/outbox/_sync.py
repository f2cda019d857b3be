"""The blocking outbox: calls are put from any thread, worker threads deliver them."""

from __future__ import annotations

import atexit
import datetime
import logging
import os
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from sendx._policies import RetryPolicy
from sendx.outbox._base import OutboxBase, closed_reason, identify_entry, track_entry
from sendx.outbox._calls import Entry, build_call
from sendx.outbox._messaging import OutboxEmails, OutboxEvents
from sendx.outbox._plan import Batch
from sendx.outbox._types import (
    FlushResult,
    OutboxCall,
    OutboxClosedError,
    OutboxFullError,
    OutboxStats,
)
from sendx.resources.contacts import CustomFieldValue

if TYPE_CHECKING:
    from sendx._client import SendX

__all__ = ["Outbox"]

logger = logging.getLogger("sendx.outbox")

_LIVE: weakref.WeakSet[Outbox] = weakref.WeakSet()


def _close_all_at_exit() -> None:
    for outbox in list(_LIVE):
        try:
            outbox.close(outbox.atexit_timeout)
            outbox._rescue_in_flight()
        except Exception:  # pragma: no cover - never fail the interpreter's exit
            logger.exception("outbox: closing at exit failed")


def _reset_all_in_child() -> None:
    for outbox in list(_LIVE):
        outbox._reset_after_fork()


atexit.register(_close_all_at_exit)
os.register_at_fork(after_in_child=_reset_all_in_child)


class Outbox(OutboxBase):
    """Background delivery of identify and track calls, emails (``outbox.emails``) and
    events (``outbox.events``); see ``SendX.outbox()``.

    Each call validates its arguments at once (``InvalidRequestError`` in the caller)
    and returns without waiting for SendX. Worker threads deliver the calls
    through the client (its retries apply), concurrently across contacts and in order
    for each contact. With ``spool=PATH`` each call is committed to a SQLite file
    before ``identify``/``track`` returns and deleted only after a 2xx; a new outbox on
    the same file delivers what a crashed process left. Calls that fail for good go to
    a JSON-lines dead-letter file (``sendx replay FILE`` sends them again).
    """

    def __init__(
        self,
        client: SendX,
        *,
        spool: str | os.PathLike[str] | None = None,
        workers: int = 8,
        max_pending: int = 100_000,
        on_full: str = "block",
        on_error: Callable[[OutboxCall, BaseException], object] | None = None,
        on_drop: Callable[[OutboxCall], object] | None = None,
        coalesce: bool = True,
        spool_sync: str = "normal",
        dead_letters: str | os.PathLike[str] | None = None,
        retry: RetryPolicy | None = None,
        atexit_timeout: float = 5.0,
    ) -> None:
        super().__init__(
            spool=spool,
            workers=workers,
            max_pending=max_pending,
            on_full=on_full,
            on_error=on_error,
            on_drop=on_drop,
            coalesce=coalesce,
            spool_sync=spool_sync,
            dead_letters=dead_letters,
            retry=retry,
        )
        self._client = client
        self._shell: Any = client._shell
        self._own_shell = False
        self.atexit_timeout = atexit_timeout
        """How long the exit hook waits for pending calls (seconds)."""
        self.emails = OutboxEmails(self._put)
        """``send`` and ``send_template``, as ``client.emails`` takes them, queued."""
        self.events = OutboxEvents(self._put)
        """``revenue`` and ``custom``, as ``client.events`` takes them, queued."""
        self._make_sync_state()
        _LIVE.add(self)
        if self._plan.pending:
            with self._lock:
                self._locked_start()

    def _make_sync_state(self) -> None:
        self._lock = threading.Lock()
        self._put_lock = threading.Lock()  # orders puts; never taken by workers
        self._work = threading.Condition(self._lock)  # workers wait for calls
        self._space = threading.Condition(self._lock)  # putters wait for room
        self._drained = threading.Condition(self._lock)  # flush waits for the end
        self._threads: list[threading.Thread] = []
        self._idle = 0
        self._blocked = 0
        self._stopping = False
        self._finishing: set[int] = set()  # batches a worker is dead-lettering

    # -- putting ------------------------------------------------------------------------

    def identify(
        self,
        email: str,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        company: str | None = None,
        birthday: datetime.date | str | None = None,
        new_email: str | None = None,
        tags: Iterable[str] | None = None,
        custom_fields: Mapping[str, CustomFieldValue] | None = None,
    ) -> None:
        """Queue ``client.contacts.identify(...)`` with the same arguments; return at once.

        Raises ``InvalidRequestError`` for bad arguments, ``OutboxFullError`` when full
        and ``on_full="raise"``, ``OutboxClosedError`` after :meth:`close`.
        """
        self._put(
            identify_entry(
                email, first_name, last_name, company, birthday, new_email, tags, custom_fields
            )
        )

    def track(
        self, email: str, *, add_tags: Iterable[str] = (), remove_tags: Iterable[str] = ()
    ) -> None:
        """Queue ``client.contacts.track(...)`` with the same arguments; return at once."""
        self._put(track_entry(email, add_tags, remove_tags))

    def _put(self, entry: Entry, mark: tuple[str, str] | None = None) -> bool:
        """Accept ``entry``; False when it was dropped (``on_full="drop"``)."""
        if self._pid != os.getpid():  # forked by a path that skipped the fork hook
            self._reset_after_fork()
        with self._put_lock:
            with self._lock:
                room = self._locked_room(self._on_full)
                if not room:
                    self._dropped += 1
            if room:
                self._accept([entry], mark)
                return True
        self._report_drop(entry)
        return False

    def _put_many(self, entries: list[Entry], mark: tuple[str, str] | None) -> None:
        """Accept a batch in one spool transaction (the bulk import's group commit).

        Blocks while the outbox is full, whatever ``on_full`` says: the import reads
        no faster than SendX takes its rows.
        """
        with self._put_lock:
            with self._lock:
                self._locked_room("block")
            self._accept(entries, mark)

    def _locked_room(self, on_full: str) -> bool:
        """Wait for room (``"block"``), raise, or return False for ``"drop"``."""
        if self._closed:
            raise OutboxClosedError("this outbox is closed; create a new one with client.outbox()")
        if self._plan.pending < self._max_pending:
            return True
        if on_full == "drop":
            return False
        if on_full == "raise":
            raise OutboxFullError(
                f"the outbox holds max_pending={self._max_pending} calls; SendX is slower "
                "than the calls come in (raise max_pending or use on_full='block')",
                max_pending=self._max_pending,
            )
        self._blocked += 1
        try:
            while self._plan.pending >= self._max_pending and not self._closed:
                self._space.wait()
        finally:
            self._blocked -= 1
        if self._closed:
            raise OutboxClosedError("the outbox was closed while this call waited")
        return True

    def _accept(self, entries: list[Entry], mark: tuple[str, str] | None) -> None:
        # Called under _put_lock only: the spool commit (tens of microseconds, longer
        # when a worker's delete holds the file) happens outside the schedule's lock,
        # so workers are never held up by it, while _put_lock keeps the spool's order
        # and the schedule's order the same.
        spool = self._spool
        if spool is None:
            for entry in entries:
                entry.id = next(self._ids)
        elif len(entries) == 1 and mark is None:
            entries[0].id = spool.insert(entries[0])
        else:
            spool.insert_many(entries, mark)
        with self._lock:
            for entry in entries:
                self._plan.add(entry)
            self._put_count += len(entries)
            if not self._threads:
                self._locked_start()
            elif self._idle:
                self._work.notify(min(self._idle, len(entries)))

    # -- workers ------------------------------------------------------------------------

    def _locked_start(self) -> None:
        if self._threads or self._stopping:
            return
        if self._shell is None:
            from sendx._sync import SyncShell

            shell = self._client._shell
            self._shell = SyncShell(
                shell.endpoint,
                timeout=shell.timeout,
                retry=shell.retry,
                observer=shell.observer,
                pool_size=self._workers,
                rest_endpoint=shell.rest_endpoint,
            )
        for number in range(self._workers):
            thread = threading.Thread(target=self._run, name=f"sendx-outbox-{number}", daemon=True)
            self._threads.append(thread)
            thread.start()

    def _run(self) -> None:
        lock, work, plan = self._lock, self._work, self._plan
        while True:
            with lock:
                while True:
                    if self._stopping:
                        return
                    now = time.monotonic()
                    batch = plan.take(now)
                    if batch is not None:
                        break
                    due = plan.next_due()
                    self._idle += 1
                    work.wait(None if due is None else max(0.0, due - now))
                    self._idle -= 1
            try:
                self._deliver(batch)
            except Exception:  # pragma: no cover - a bug must not kill delivery
                logger.exception("outbox: a worker failed; the call stays pending")

    def _deliver(self, batch: Batch) -> None:
        head = batch.head
        self._before_send(batch)
        call = build_call(head.kind, head.email, batch.body, head.idempotent)
        try:
            self._shell.request(call)
        except Exception as exc:
            self._after_failure(batch, exc)
            return
        self._after_success(batch)
        with self._lock:
            if id(batch) not in self._plan.flying:
                return  # the exit hook already saved it as uncertain
            self._locked_sent(batch)
            self._locked_after_close()
            self._locked_progress()

    def _after_failure(self, batch: Batch, error: BaseException) -> None:
        action, delay = self._decide(batch, error)
        with self._lock:
            # The exit hook may have saved it meanwhile; if not, claim it (it stays in
            # flight, so close() does not take its calls for waiting ones).
            if id(batch) not in self._plan.flying:
                return
            if action != "dead" and self._stopping and self._spool is None:
                # close() has given up on everything else: no retry starts now, and
                # the call goes to the dead-letter file instead of being forgotten.
                action = "closed"
            if action == "retry":
                self._plan.defer(batch, time.monotonic() + delay)
                self._retried += 1
                if self._idle:
                    self._work.notify()  # one idle worker re-arms its timer
                return
            if action == "split":
                self._plan.split(batch)
                self._locked_progress()
                return
            self._finishing.add(id(batch))
        # Written before the call leaves the schedule, so that a flush that sees
        # nothing pending also sees the dead-letter line.
        if action == "dead":
            self._dead_letter(batch, error)
        else:
            self._dead.write(batch.entries, closed_reason(error), None)
        with self._lock:
            self._finishing.discard(id(batch))
            self._plan.done(batch)
            self._failed += len(batch.entries)
            self._locked_after_close()
            self._locked_progress()
        self._report_error(batch, error)

    def _locked_after_close(self) -> None:
        # After close() gave up (in memory): the calls queued behind the one that just
        # ended are written to the dead-letter file now, after it.
        if self._stopping and self._spool is None:
            self._locked_give_up()

    def _locked_progress(self) -> None:
        plan = self._plan
        if self._idle:
            # Wake only as many workers as there are batches to take: waking them all
            # on every answer costs more CPU than the requests themselves.
            ready = plan.ready_count(time.monotonic())
            if ready:
                self._work.notify(min(self._idle, ready))
        if self._blocked and plan.pending < self._max_pending:
            self._space.notify(self._max_pending - plan.pending)
        if plan.pending == 0:
            self._drained.notify_all()

    # -- lifecycle ----------------------------------------------------------------------

    @property
    def stats(self) -> OutboxStats:
        """Counters: put, sent, failed, dropped, retried, pending."""
        with self._lock:
            return self._locked_stats()

    def flush(self, timeout: float | None = None) -> FlushResult:
        """Wait until every pending call is sent or dead-lettered, or ``timeout`` seconds
        pass (``None``: no limit). Returns what was sent and failed since the previous
        flush and what is still pending."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._lock:
            if self._plan.pending and not self._threads:
                self._locked_start()
            while self._plan.pending and not self._stopping:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    break
                self._drained.wait(left)
            return self._locked_flush_result()

    def close(self, timeout: float | None = None) -> FlushResult:
        """Stop taking calls, flush (up to ``timeout`` seconds), stop the workers.

        Idempotent. Calls still pending afterwards stay in the spool for the next outbox;
        without a spool they are written to the dead-letter file, never silently lost.
        """
        return self._shutdown(timeout, drain=True)

    def _shutdown(self, timeout: float | None, *, drain: bool) -> FlushResult:
        # drain=False (the import and the replay when interrupted, or after SendX
        # refused the key): no new request starts; the ones in flight end, and
        # everything else stays pending in the spool. It also stops the workers of an
        # outbox whose close() was interrupted (Ctrl-C while it waited).
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._lock:
            if self._closed and (drain or self._stopping):
                return FlushResult(0, 0, self._plan.pending)
            self._closed = True
            if not drain:
                self._stopping = True
                self._work.notify_all()
            self._space.notify_all()
        result = self.flush(timeout)
        with self._lock:
            self._stopping = True
            self._work.notify_all()
            threads, self._threads = self._threads, []
        for thread in threads:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            thread.join(left)
        alive = any(thread.is_alive() for thread in threads)
        if self._spool is None:
            self._give_up_waiting()
        elif not alive:
            self._spool.close()
        if self._own_shell and self._shell is not None and not alive:
            self._shell.close()
        if not alive:
            _LIVE.discard(self)  # else the exit hook saves what is still in flight
        with self._lock:
            return FlushResult(result.sent, result.failed, self._plan.pending)

    def _give_up_waiting(self) -> None:
        with self._lock:
            self._locked_give_up()

    def _rescue_in_flight(self) -> None:
        """At exit, calls in flight in an in-memory outbox die with the process: save
        them too, as uncertain (SendX may have applied them; losing them would be
        worse). A spool keeps them anyway."""
        if self._spool is None:
            with self._lock:
                self._locked_give_up("the process exited", self._finishing)

    def _reset_after_fork(self) -> None:
        super()._reset_after_fork()
        self._make_sync_state()
        # The parent's pooled sockets must not be shared: the child gets its own pool,
        # built when its first worker starts (many forked children never use it).
        self._shell = None
        self._own_shell = True

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        where = f"spool={self.spool_path!r}" if self._spool is not None else "in memory"
        return f"<Outbox {where} workers={self._workers} pending={self._plan.pending}>"


Outbox.__module__ = "sendx"

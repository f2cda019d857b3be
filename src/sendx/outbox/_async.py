"""The asyncio outbox: calls are put from coroutines, worker tasks deliver them.

Everything runs on one event loop, so no lock guards the schedule. The spool's SQLite
writes are done inline: a commit in WAL mode with ``synchronous=NORMAL`` takes tens of
microseconds, less than handing it to a thread would.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import datetime
import logging
import os
import time
import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from sendx._policies import RetryPolicy
from sendx.outbox._base import OutboxBase, identify_entry, track_entry
from sendx.outbox._calls import Entry, build_call
from sendx.outbox._messaging import AsyncOutboxEmails, AsyncOutboxEvents
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
    from sendx._client import AsyncSendX

__all__ = ["AsyncOutbox"]

logger = logging.getLogger("sendx.outbox")

_LIVE: weakref.WeakSet[AsyncOutbox] = weakref.WeakSet()


def _rescue_all_at_exit() -> None:
    # No event loop runs at interpreter exit: calls held only in memory are written to
    # the dead-letter file rather than lost (spooled ones are already on disk).
    for outbox in list(_LIVE):
        try:
            outbox._give_up_waiting()
        except Exception:  # pragma: no cover - never fail the interpreter's exit
            logger.exception("outbox: saving pending calls at exit failed")


def _reset_all_in_child() -> None:
    for outbox in list(_LIVE):
        outbox._reset_after_fork()


atexit.register(_rescue_all_at_exit)
os.register_at_fork(after_in_child=_reset_all_in_child)


class AsyncOutbox(OutboxBase):
    """The outbox of :class:`AsyncSendX`: the same behaviour as :class:`Outbox`, with
    ``await outbox.identify(...)`` (``await outbox.emails.send(...)``, ...) and worker
    tasks on the running event loop (started by the first call). ``await
    outbox.close()`` before the loop ends; calls held only in memory at interpreter
    exit are written to the dead-letter file."""

    def __init__(
        self,
        client: AsyncSendX,
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
        self.emails = AsyncOutboxEmails(self._put)
        """``send`` and ``send_template``, as ``client.emails`` takes them, queued."""
        self.events = AsyncOutboxEvents(self._put)
        """``revenue`` and ``custom``, as ``client.events`` takes them, queued."""
        self._make_loop_state()
        _LIVE.add(self)
        if self._plan.pending:
            # Calls recovered from the spool go out at once when built inside a
            # running loop; otherwise with the first call or flush.
            try:
                asyncio.get_running_loop()
            except RuntimeError:
                pass
            else:
                self._ensure_started()

    def _make_loop_state(self) -> None:
        self._tasks: list[asyncio.Task[None]] = []
        self._work: asyncio.Event | None = None
        self._space: asyncio.Event | None = None
        self._drained: asyncio.Event | None = None
        self._stopping = False

    # -- putting ------------------------------------------------------------------------

    async def identify(
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
        """Queue ``client.contacts.identify(...)``; returns at once unless the outbox
        is full and ``on_full="block"``."""
        await self._put(
            identify_entry(
                email, first_name, last_name, company, birthday, new_email, tags, custom_fields
            )
        )

    async def track(
        self, email: str, *, add_tags: Iterable[str] = (), remove_tags: Iterable[str] = ()
    ) -> None:
        """Queue ``client.contacts.track(...)``; returns at once unless full."""
        await self._put(track_entry(email, add_tags, remove_tags))

    async def _put(self, entry: Entry, mark: tuple[str, str] | None = None) -> bool:
        if self._pid != os.getpid():
            self._reset_after_fork()
        if self._closed:
            raise OutboxClosedError("this outbox is closed; create a new one with client.outbox()")
        self._ensure_started()
        plan = self._plan
        if plan.pending >= self._max_pending:
            if self._on_full == "drop":
                self._dropped += 1
                self._report_drop(entry)
                return False
            if self._on_full == "raise":
                raise OutboxFullError(
                    f"the outbox holds max_pending={self._max_pending} calls; SendX is "
                    "slower than the calls come in (raise max_pending or use on_full='block')",
                    max_pending=self._max_pending,
                )
            assert self._space is not None
            while plan.pending >= self._max_pending and not self._closed:
                self._space.clear()
                await self._space.wait()
            if self._closed:
                raise OutboxClosedError("the outbox was closed while this call waited")
        self._locked_accept(entry, mark)
        assert self._work is not None
        self._work.set()
        return True

    # -- workers ------------------------------------------------------------------------

    def _ensure_started(self) -> None:
        if self._tasks or self._stopping:
            return
        self._work = asyncio.Event()
        self._space = asyncio.Event()
        self._drained = asyncio.Event()
        if self._shell is None:
            from sendx._async import AsyncShell

            shell = self._client._shell
            self._shell = AsyncShell(
                shell.endpoint,
                timeout=shell.timeout,
                retry=shell.retry,
                observer=shell.observer,
                pool_size=self._workers,
                rest_endpoint=shell.rest_endpoint,
            )
        self._tasks = [asyncio.ensure_future(self._run(number)) for number in range(self._workers)]
        if self._plan.pending:
            self._work.set()

    async def _run(self, number: int) -> None:
        plan, work = self._plan, self._work
        assert work is not None
        while not self._stopping:
            now = time.monotonic()
            batch = plan.take(now)
            if batch is None:
                work.clear()
                due = plan.next_due()
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(
                        work.wait(), None if due is None else max(0.0, due - now)
                    )
                continue
            if plan.has_work(now):
                work.set()  # more is ready: let another worker in
            try:
                await self._deliver(batch)
            except Exception:  # pragma: no cover - a bug must not kill delivery
                logger.exception("outbox: a worker failed; the call stays pending")

    async def _deliver(self, batch: Batch) -> None:
        head = batch.head
        self._before_send(batch)
        call = build_call(head.kind, head.email, batch.body, head.idempotent)
        try:
            await self._shell.request(call)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self._after_failure(batch, exc)
            return
        self._after_success(batch)
        self._locked_sent(batch)
        self._progress()

    def _after_failure(self, batch: Batch, error: BaseException) -> None:
        action, delay = self._decide(batch, error)
        if action == "retry":
            self._plan.defer(batch, time.monotonic() + delay)
            self._retried += 1
            if self._work is not None:
                self._work.set()  # a waiting worker re-arms its timer
            return
        if action == "split":
            self._plan.split(batch)
        else:
            self._dead_letter(batch, error)
            self._plan.done(batch)
            self._failed += len(batch.entries)
        self._progress()
        if action == "dead":
            self._report_error(batch, error)

    def _progress(self) -> None:
        plan = self._plan
        if self._work is not None and plan.has_work(time.monotonic()):
            self._work.set()
        if self._space is not None and plan.pending < self._max_pending:
            self._space.set()
        if self._drained is not None and plan.pending == 0:
            self._drained.set()

    # -- lifecycle ----------------------------------------------------------------------

    @property
    def stats(self) -> OutboxStats:
        """Counters: put, sent, failed, dropped, retried, pending."""
        return self._locked_stats()

    async def flush(self, timeout: float | None = None) -> FlushResult:
        """Wait until every pending call is sent or dead-lettered, or ``timeout``
        seconds pass; the same result as :meth:`Outbox.flush`."""
        if self._plan.pending and not self._closed:
            self._ensure_started()
        deadline = None if timeout is None else time.monotonic() + timeout
        while self._plan.pending and self._tasks and not self._stopping:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                break
            assert self._drained is not None
            self._drained.clear()
            try:
                await asyncio.wait_for(self._drained.wait(), left)
            except asyncio.TimeoutError:
                break
        return self._locked_flush_result()

    async def close(self, timeout: float | None = None) -> FlushResult:
        """Stop taking calls, flush (up to ``timeout`` seconds), stop the worker tasks.

        Idempotent. What is still pending stays in the spool, or (in memory) is written
        to the dead-letter file.
        """
        if self._closed:
            return FlushResult(0, 0, self._plan.pending)
        if self._plan.pending:
            self._ensure_started()
        self._closed = True
        if self._space is not None:
            self._space.set()
        result = await self.flush(timeout)
        self._stopping = True
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        if self._spool is None:
            self._give_up_waiting()
        else:
            self._spool.close()
        if self._own_shell and self._shell is not None:
            await self._shell.close()
        _LIVE.discard(self)
        return FlushResult(result.sent, result.failed, self._plan.pending)

    def _give_up_waiting(self) -> None:
        if self._spool is not None:
            return
        # No task runs any more (they were cancelled, or the loop is gone), so calls
        # "in flight" were interrupted too and must be saved with the rest.
        self._locked_give_up("the outbox was closed")

    def _reset_after_fork(self) -> None:
        super()._reset_after_fork()
        self._make_loop_state()
        self._shell = None  # never share the parent's connections
        self._own_shell = True

    async def __aenter__(self) -> AsyncOutbox:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def __repr__(self) -> str:
        where = f"spool={self.spool_path!r}" if self._spool is not None else "in memory"
        return f"<AsyncOutbox {where} workers={self._workers} pending={self._plan.pending}>"


AsyncOutbox.__module__ = "sendx"

"""The outbox's schedule: which pending call may be sent now, and with which others.

No I/O, no threads and no clock of its own (``now`` is an argument), so the sync and
the async outbox share it and a test can drive it step by step.

Each contact key has a FIFO queue of its calls; a rename sits in the queues of both of
its addresses. A call is *ready* when it heads every queue it is in and none of its
keys is busy, so one contact never has two requests in flight and a rename holds the
later calls of both addresses until it is delivered. A call leaves its queues only
when :meth:`Plan.done` is called for it.

When a call is *set aside* (it failed in a way that leaves the contact's state unknown),
the calls behind it in its queues leave the schedule with it (:meth:`Plan.set_aside`),
and so, through a rename among them, do the later calls of the other address: they are
exactly the calls that would have waited for it.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
from collections import deque

from sendx.outbox._calls import Entry, Merger

__all__ = ["Batch", "Plan"]


class Batch:
    """One request to send: a single call, or consecutive identifies coalesced.

    ``entries`` are the calls it carries, oldest first; ``body`` the request body.
    """

    __slots__ = ("body", "entries", "keys", "retries")

    def __init__(self, entries: list[Entry], body: bytes | None) -> None:
        self.entries = entries
        self.body = body
        self.keys = entries[0].keys
        self.retries = 0

    @property
    def head(self) -> Entry:
        return self.entries[0]


class Plan:
    """Per-contact queues, the ready list, and the batches waiting to be retried."""

    def __init__(self, *, coalesce: bool = True, remember: bool = False) -> None:
        self.coalesce = coalesce
        self.aside: set[str] | None = set() if remember else None
        """With ``remember``: the contact keys set aside so far. A call added later for
        one of them is refused by :meth:`add` (the replay of a file stops a contact's
        chain at its first failure, for the rest of the file)."""
        self._queues: dict[str, deque[Entry]] = {}
        self._busy: set[str] = set()
        self._ready: deque[Entry] = deque()
        self._delayed: list[tuple[float, int, Batch]] = []
        self._tiebreak = itertools.count()
        self.pending = 0
        """Calls added and not yet done (queued, in flight or waiting for a retry)."""
        self.flying: dict[int, Batch] = {}
        """Batches handed out by :meth:`take` and not yet finished, by id()."""

    def add(self, entry: Entry) -> bool:
        """Append a call behind the earlier calls of each of its contacts; False (and
        nothing added) when :attr:`aside` holds one of its contacts: the caller sets it
        aside too."""
        aside = self.aside
        if aside is not None and not aside.isdisjoint(entry.keys):
            aside.update(entry.keys)  # a rename takes its other address along
            return False
        self.pending += 1
        free = True
        queues = self._queues
        for key in entry.keys:
            queue = queues.get(key)
            if queue is None:
                queues[key] = deque((entry,))
            else:
                queue.append(entry)
                free = False
        if free:
            self._ready.append(entry)
        return True

    def has_work(self, now: float) -> bool:
        """Whether :meth:`take` would hand out a batch at ``now``."""
        return bool(self._ready) or bool(self._delayed and self._delayed[0][0] <= now)

    def ready_count(self, now: float) -> int:
        """How many batches :meth:`take` could hand out at ``now`` (at least)."""
        due = 1 if self._delayed and self._delayed[0][0] <= now else 0
        return len(self._ready) + due

    def next_due(self) -> float | None:
        """When the earliest deferred batch becomes due, if any."""
        return self._delayed[0][0] if self._delayed else None

    def take(self, now: float) -> Batch | None:
        """The next batch to send, its contacts marked busy; ``None`` if nothing is ready."""
        delayed = self._delayed
        if delayed and delayed[0][0] <= now:
            batch = heapq.heappop(delayed)[2]
            self.flying[id(batch)] = batch
            return batch
        if not self._ready:
            return None
        entry = self._ready.popleft()
        self._busy.update(entry.keys)
        entries = [entry]
        body = entry.body
        if self.coalesce and entry.mergeable and not entry.solo:
            queue = self._queues[entry.keys[0]]
            if len(queue) > 1:
                merger = Merger(entry)
                for follower in itertools.islice(queue, 1, None):
                    if not merger.add(follower):
                        break
                    entries.append(follower)
                if len(entries) > 1:
                    body = merger.encode()
        batch = Batch(entries, body)
        self.flying[id(batch)] = batch
        return batch

    def defer(self, batch: Batch, due: float) -> None:
        """Send ``batch`` again at ``due``; its contacts stay busy until then."""
        self.flying.pop(id(batch), None)
        batch.retries += 1
        heapq.heappush(self._delayed, (due, next(self._tiebreak), batch))

    def split(self, batch: Batch) -> None:
        """A coalesced batch failed for good: send its calls again one by one, so one
        bad call cannot fail the others and each failure has its own reason."""
        self.flying.pop(id(batch), None)
        for entry in batch.entries:
            entry.solo = True
        self._busy.difference_update(batch.keys)
        self._ready.appendleft(batch.head)

    def done(self, batch: Batch) -> None:
        """``batch`` is finished (sent, or dead-lettered): free its contacts."""
        self.flying.pop(id(batch), None)
        queues = self._queues
        for entry in batch.entries:
            for key in entry.keys:
                queue = queues[key]
                if queue[0] is not entry:  # pragma: no cover - a broken invariant
                    raise RuntimeError("outbox schedule out of order")
                queue.popleft()
        self.pending -= len(batch.entries)
        busy = self._busy
        busy.difference_update(batch.keys)
        woken: list[Entry] = []
        for key in batch.keys:
            rest = queues.get(key)
            if rest is None:
                continue
            if not rest:
                del queues[key]
                continue
            head = rest[0]
            if any(head is other for other in woken):
                continue
            if all(k not in busy and queues[k][0] is head for k in head.keys):
                woken.append(head)
        self._ready.extend(woken)

    def set_aside(self, entries: list[Entry]) -> list[Entry]:
        """The later calls of the contacts of ``entries``, oldest first, taken out of the
        schedule: every call behind one of ``entries`` in a queue, and behind those in
        theirs (a rename among them links its other address). ``entries`` themselves
        stay, for :meth:`done` or :meth:`forget`.

        The calls taken are never ready nor in flight (each waits behind one of
        ``entries``), and in each queue they form its tail, so no other call is woken.
        """
        queues = self._queues
        given = {id(entry) for entry in entries}
        taken: dict[int, Entry] = {}
        cut: dict[str, int] = {}  # key -> where its queue's set-aside tail starts
        todo = list(entries)
        while todo:
            entry = todo.pop()
            for key in entry.keys:
                queue = queues.get(key)
                if queue is None:
                    continue
                stop = cut.get(key, len(queue))
                found = None
                for index, other in enumerate(itertools.islice(queue, stop)):
                    if found is None:
                        if other is entry:
                            found = cut[key] = index
                    elif id(other) not in given and id(other) not in taken:
                        taken[id(other)] = other
                        todo.append(other)
        if self.aside is not None:
            for entry in itertools.chain(entries, taken.values()):
                self.aside.update(entry.keys)
        if not taken:
            return []
        for key in cut:
            queue = queues[key]
            queues[key] = deque(entry for entry in queue if id(entry) not in taken)
            if not queues[key]:
                del queues[key]
        self.pending -= len(taken)
        return sorted(taken.values(), key=lambda entry: entry.id)

    def waiting(self) -> list[Entry]:
        """Every call not in flight nor deferred, oldest first (for giving up at close)."""
        held = {id(e) for b in self.flying.values() for e in b.entries}
        held.update(id(e) for _, _, b in self._delayed for e in b.entries)
        seen: set[int] = set()
        result = []
        for queue in self._queues.values():
            for entry in queue:
                if id(entry) not in held and id(entry) not in seen:
                    seen.add(id(entry))
                    result.append(entry)
        result.sort(key=lambda e: e.id)
        return result

    def deferred(self) -> list[Batch]:
        """The batches waiting for a retry."""
        return [batch for _, _, batch in self._delayed]

    def clear_deferred(self) -> None:
        """Forget the batches waiting for a retry (the outbox gave up on them at close)."""
        self._delayed.clear()

    def forget(self, entries: list[Entry]) -> None:
        """Drop calls that are neither in flight nor deferred (the outbox gave up on
        them at close): out of their queues and the ready list, their contacts free."""
        if not entries:
            return
        gone = {id(entry) for entry in entries}
        queues = self._queues
        for entry in entries:
            for key in entry.keys:
                queue = queues.get(key)
                if queue is None:
                    continue
                with contextlib.suppress(ValueError):
                    queue.remove(entry)
                if not queue:
                    del queues[key]
            self._busy.difference_update(entry.keys)
        self._ready = deque(entry for entry in self._ready if id(entry) not in gone)
        self.pending -= len(entries)

"""One run of an import, step by step: take the spool, open the outbox on it, find
where to start, read the rows into the spool, wait for SendX, close.

Progress is recorded in the spool in the same transaction as each batch of rows, so a
resumed run continues exactly where the last batch was accepted.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import threading
import time
from typing import TYPE_CHECKING

from sendx.bulk._check import entry
from sendx.bulk._counts import Counts, ImportResult
from sendx.bulk._errors import ErrorsFile, RowFinder
from sendx.bulk._progress import Progress
from sendx.bulk._read import FileFormatError, Source
from sendx.errors import APIStatusError, InvalidRequestError, SendXError
from sendx.outbox._calls import Entry, failure_reason
from sendx.outbox._types import OutboxCall

if TYPE_CHECKING:
    from sendx._client import SendX
    from sendx.outbox._spool import Spool
    from sendx.outbox._sync import Outbox

__all__ = ["BulkImportError", "Import"]

_FILE = "import:file"
_PROGRESS = "import:progress"
_FAILED = "import:failed"
#: Rows per spool transaction: one commit per batch instead of one per row, and no row
#: reaches a worker before its batch (and the position after it) is committed. The
#: first batch holds one row per worker, so that they all start sooner.
_COMMIT_ROWS = 128


class BulkImportError(SendXError):
    """The import cannot start or go on: an unreadable file, a spool left by another
    import, a file changed since the interrupted run, SendX refusing every row (the
    key, or the base URL). ``error`` is SendX's answer in the last case."""

    def __init__(self, message: str, *, error: APIStatusError | None = None) -> None:
        super().__init__(message)
        self.error = error


def _stops_everything(status: int | None, call: OutboxCall) -> bool:
    # 401/403: the key or team is refused, every other row would be too. A 404 on
    # identify: SendX never answers it for a contact, so the base URL has no such
    # endpoint (it lacks /api/v1): every other row would get the same.
    return status in (401, 403) or (status == 404 and call.kind == "identify")


class Import:
    """One run of ``import_file`` (see there); :meth:`run` takes its steps in order."""

    def __init__(
        self,
        source: Source,
        client: SendX,
        *,
        spool_path: str,
        resume: bool,
        errors_path: str,
        failed_path: str,
        tags: list[str],
        concurrency: int,
        coalesce: bool,
        progress: Progress,
    ) -> None:
        self.source = source
        self.client = client
        self.spool_path = spool_path
        self.resume = resume
        self.errors_path = errors_path
        self.failed_path = failed_path
        self.tags = tags
        self.concurrency = concurrency
        self.coalesce = coalesce
        self.progress = progress
        self.started = time.monotonic()
        self.size = source.size
        # Where this run starts reading, and what earlier runs counted.
        self.offset = self.line = self.bad_before = self.failed_before = 0
        self.rows = self.bad = self.carried = self.end = 0
        self._failed = 0
        self._lock = threading.Lock()
        self._counting = False  # set once failed_before is known (see _on_error)
        self._stop: APIStatusError | None = None  # SendX's answer that stops everything
        self._stopped = threading.Event()
        self.finder = RowFinder(source)
        self.errors: ErrorsFile
        self.outbox: Outbox

    def run(self) -> ImportResult:
        """Take every step; the result of this run."""
        fresh = self.take_spool()
        earlier_failed = self.set_aside_failed() if fresh else None
        self.errors = ErrorsFile(self.errors_path, append=not fresh)
        try:
            self.open_outbox()
        except BaseException:
            self.errors.close()
            raise
        ending = "failed"
        try:
            self.find_start()
            self.read_into_spool()
            self.wait_for_sendx()
            ending = "stopped" if self._stopped.is_set() else "done"
        except FileFormatError as exc:
            raise BulkImportError(str(exc)) from None
        except KeyboardInterrupt:
            ending = "interrupted"  # pending rows stay in the spool; --resume sends them
            raise
        finally:
            pending = self.close(ending, fresh=fresh)
        self.raise_if_stopped()
        counts = self._counts(pending)
        return ImportResult(
            **{field.name: getattr(counts, field.name) for field in dataclasses.fields(counts)},
            first_line=self.line + 1,
            failed_before=self.failed_before,
            bad_before=self.bad_before,
            errors_path=self.errors_path,
            failed_path=self.failed_path,
            earlier_failed_path=earlier_failed,
        )

    # -- the steps, in order -----------------------------------------------------------

    def take_spool(self) -> bool:
        """Check the spool against ``resume``; whether this is a fresh import."""
        exists = os.path.exists(self.spool_path)
        if exists and not self.resume:
            raise BulkImportError(
                f"an interrupted import left {self.spool_path!r}: continue it with --resume, "
                "or delete that file to start over"
            )
        if self.resume and not exists:
            # Without a spool there is no position: going on would send every row again.
            raise BulkImportError(
                f"nothing to resume: no spool {self.spool_path!r} (the import of "
                f"{self.source.path!r} completed, or never started); to import the file "
                "again from its first row, run the same command without --resume"
            )
        return not exists

    def set_aside_failed(self) -> str | None:
        """A fresh import starts its own failed-calls file: appending to an earlier
        run's would make a replay send that run's rows again. The earlier one is
        renamed ``PATH.N`` (the first free N); its new name, if there was one."""
        path = self.failed_path
        try:
            if os.path.getsize(path) == 0:
                os.remove(path)
                return None
        except FileNotFoundError:
            return None
        number = 1
        while os.path.exists(f"{path}.{number}"):
            number += 1
        os.rename(path, f"{path}.{number}")
        self.progress.note(
            f"sendx import: the failed rows of an earlier import were moved from "
            f"{path} to {path}.{number}"
        )
        return f"{path}.{number}"

    def open_outbox(self) -> None:
        """The outbox on the spool. Rows an interrupted run left there are carried over:
        the outbox sends them at once (or reports the uncertain ones as failed)."""
        from sendx.outbox._sync import Outbox

        self.outbox = Outbox(
            self.client,
            spool=self.spool_path,
            workers=self.concurrency,
            max_pending=max(1000, self.concurrency * 64),
            on_error=self._on_error,
            dead_letters=self.failed_path,
            coalesce=self.coalesce,
        )
        stats = self.outbox.stats
        self.carried = stats.pending + stats.sent + stats.failed  # nothing was put yet

    def find_start(self) -> None:
        """Record the file's identity in a new spool, or check it and read the position
        and the earlier runs' counts from the spool of an interrupted run."""
        spool = self._spool()
        identity = self.source.identity(self.tags)
        recorded = spool.get_mark(_FILE)
        if recorded is None:
            spool.insert_marked(None, _FILE, identity)
        elif json.loads(recorded) != json.loads(identity):
            raise BulkImportError(
                f"{self.source.path!r} (or --format / --tag) changed since the interrupted "
                f"import; delete {self.spool_path!r} to start over"
            )
        else:
            mark = spool.get_mark(_PROGRESS)
            if mark:
                self.offset, self.line, self.bad_before = (int(part) for part in mark.split())
            self.failed_before = int(spool.get_mark(_FAILED) or 0)
        self.end = self.offset
        self.finder.note(self.line, self.offset)
        with self._lock:
            self._counting = True
            if self._failed:  # uncertain rows recovered from the spool
                spool.insert_marked(None, _FAILED, str(self.failed_before + self._failed))

    def read_into_spool(self) -> None:
        """Read the rows from the start position; commit them to the spool in batches,
        each with the position after it; bad rows go to the errors file."""
        batch: list[Entry] = []
        bad_rows: list[tuple[int, str, str | None]] = []
        mark = ""
        size = min(self.concurrency, _COMMIT_ROWS)
        for row in self.source.rows(self.offset, self.line):
            self.rows += 1
            self.end = row.end
            try:
                batch.append(entry(row, self.tags))
            except InvalidRequestError as exc:
                self.bad += 1
                bad_rows.append((row.line, str(exc), row.raw))
            mark = f"{row.end} {row.last} {self.bad_before + self.bad}"
            if len(batch) + len(bad_rows) >= size:
                self._commit(batch, bad_rows, mark)
                size = _COMMIT_ROWS
                self.finder.note(row.last, row.end)
                if self._stopped.is_set():
                    return
                if self.progress.due():
                    self.progress.report(self._counts())
        if (batch or bad_rows) and not self._stopped.is_set():
            self._commit(batch, bad_rows, mark)
        self.end = self.size

    def wait_for_sendx(self) -> None:
        """Wait until every row is sent or failed, reporting progress meanwhile."""
        while not self._stopped.is_set():
            flushed = self.outbox.flush(self.progress.interval)
            self.progress.report(self._counts())
            if not flushed.pending:
                return

    def close(self, ending: str, *, fresh: bool) -> int:
        """Stop the outbox; the rows still pending. ``ending``: ``done`` (drained),
        ``interrupted`` (Ctrl-C: a short drain), ``stopped`` (SendX refused everything)
        or ``failed`` (the file or the spool cannot be used): no new request starts.
        The spool goes when nothing is left in it, unless it holds an interrupted
        run's position that this run did not take up."""
        try:
            if ending in ("stopped", "failed"):
                result = self.outbox._shutdown(30.0, drain=False)
            else:
                result = self.outbox.close(2.0 if ending == "interrupted" else None)
        finally:
            self.errors.close()
        if result.pending == 0 and (ending == "done" or (ending == "failed" and fresh)):
            for suffix in ("", "-wal", "-shm", ".lock"):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(self.spool_path + suffix)
        return result.pending

    def raise_if_stopped(self) -> None:
        """After SendX refused every row: say why, and how to go on."""
        error = self._stop
        if error is None:
            return
        if error.status == 404:
            raise BulkImportError(
                f"{error}: SendX never answers 404 to an identify for a contact, so the "
                f"base URL {self.client.base_url} has no such endpoint; the import stopped. "
                "Fix --base-url / SENDX_BASE_URL, then run the same command with --resume",
                error=error,
            )
        raise BulkImportError(
            "SendX refused the API key or team id (401/403); the import stopped. Fix "
            "--api-key / --team-id, then run the same command with --resume; rows "
            f"refused so far are in {self.failed_path} (send them with sendx replay)",
            error=error,
        )

    # -- helpers -------------------------------------------------------------------------

    def _spool(self) -> Spool:
        spool = self.outbox._spool
        assert spool is not None  # an import always has one
        return spool

    def _commit(
        self, batch: list[Entry], bad_rows: list[tuple[int, str, str | None]], mark: str
    ) -> None:
        # The errors lines first, then rows and position in one transaction: a kill
        # in between repeats a few errors lines at worst, and never skips a row.
        for line, reason, raw in bad_rows:
            self.errors.write(line, reason, raw)
        bad_rows.clear()
        if batch:
            self.outbox._put_many(batch, (_PROGRESS, mark))
            batch.clear()
        else:
            self._spool().insert_marked(None, _PROGRESS, mark)

    def _on_error(self, call: OutboxCall, error: BaseException) -> None:
        """A row SendX refused (or recovered as uncertain): to the errors file, with its
        text, and counted in the spool for a later run's summary."""
        reason, status = failure_reason(error)
        self.errors.write(call.ref, reason, self.finder.find(call.ref), status)
        if isinstance(error, APIStatusError) and _stops_everything(status, call):
            with self._lock:
                if self._stop is None:
                    self._stop = error
            self._stopped.set()
        with self._lock:
            self._failed += 1
            total = self.failed_before + self._failed
            counting = self._counting
        if counting:
            # Rows recovered as uncertain are reported while the outbox is being built,
            # before the earlier runs' count is known: find_start records those.
            self._spool().insert_marked(None, _FAILED, str(total))

    def _counts(self, pending: int | None = None) -> Counts:
        # The outbox's counters, read together under its lock: a failed row is counted
        # there before on_error hears of it, so pending and failed always add up.
        stats = self.outbox.stats
        average = (self.end - self.offset) / self.rows if self.rows else 0.0
        return Counts(
            rows=self.rows,
            carried=self.carried,
            sent=stats.sent,
            failed=stats.failed,
            bad=self.bad,
            pending=stats.pending if pending is None else pending,
            elapsed=time.monotonic() - self.started,
            unread=(self.size - self.end) / average if average else 0.0,
        )

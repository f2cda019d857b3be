"""Bulk import of contacts from CSV or JSON lines, built on the durable outbox.

``import_file(path, client)`` streams the file (memory stays flat), validates each row
with the client's own checks, and puts it into a spooled :class:`sendx.Outbox`; bad
rows go to an errors file with their line number and reason. Progress is recorded in
the spool in the same transaction as each row, so ``resume=True`` after Ctrl-C or a
kill continues exactly where the last row was accepted: no row sent after its 2xx was
recorded is sent again, and none is skipped. See ``docs/import.md``.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sendx.bulk._progress import Progress
from sendx.bulk._read import FORMATS, FileFormatError, Row, guess_format, read_rows
from sendx.errors import InvalidRequestError, SendXError
from sendx.outbox._base import identify_entry
from sendx.outbox._calls import Entry, failure_reason
from sendx.outbox._types import OutboxCall

if TYPE_CHECKING:
    from sendx._client import SendX
    from sendx.outbox._sync import Outbox

__all__ = ["BulkImportError", "ImportResult", "Progress", "import_file"]

_FILE = "import:file"
_PROGRESS = "import:progress"
_FAILED = "import:failed"
#: Rows per spool transaction: one commit per batch instead of one per row, and no row
#: reaches a worker before its batch (and the position after it) is committed.
_COMMIT_ROWS = 128


class BulkImportError(SendXError):
    """The import cannot start or go on: an unreadable file, a spool left by another
    import, a file changed since the interrupted run. Nothing was sent."""


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did in this run (a resumed run counts its own rows).

    ``rows`` read, ``sent`` (2xx), ``failed`` (refused by SendX, in the errors file and
    the failed-calls file for ``sendx replay``), ``bad`` (invalid rows, in the errors
    file), ``pending`` (left in the spool when interrupted), ``first_line`` (where this
    run started reading), ``failed_before``/``bad_before`` (earlier runs of a resumed
    import), ``elapsed`` seconds, ``earlier_failed_path`` (where a fresh import moved
    the failed-calls file of an earlier import, if there was one).
    """

    rows: int
    sent: int
    failed: int
    bad: int
    pending: int
    first_line: int
    failed_before: int
    bad_before: int
    elapsed: float
    errors_path: str
    failed_path: str
    earlier_failed_path: str | None = None

    @property
    def ok(self) -> bool:
        """True when every row of the file (this run and earlier ones) went through."""
        return not (self.failed or self.bad or self.failed_before or self.bad_before)


class _ErrorsFile:
    """JSON lines ``{"line", "reason", ...}``; each written with one ``write`` call."""

    def __init__(self, path: str, *, append: bool) -> None:
        self.path = path
        flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
        self._fd = os.open(path, flags, 0o600)
        if not append:
            os.close(self._fd)
            self._fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        self._lock = threading.Lock()

    def write(self, record: dict[str, Any]) -> None:
        data = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        with self._lock:
            os.write(self._fd, data)

    def close(self) -> None:
        os.close(self._fd)


def _identity(path: str, fmt: str, tags: list[str]) -> str:
    stat = os.stat(path)
    return json.dumps(
        {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "format": fmt, "tags": tags}
    )


def _entry(row: Row, tags: list[str]) -> Entry:
    values = dict(row.values or {})
    email = values.pop("email", None)
    if not isinstance(email, str) or not email.strip():
        raise InvalidRequestError("no email", field="email")
    if tags:
        row_tags = values.get("tags") or []
        values["tags"] = (list(row_tags) if isinstance(row_tags, list) else row_tags) + tags
    return identify_entry(
        email.strip(),
        values.get("first_name"),
        values.get("last_name"),
        values.get("company"),
        values.get("birthday"),
        values.get("new_email"),
        values.get("tags"),
        values.get("custom_fields"),
        ref=row.line,
    )


def _set_aside(path: str) -> str | None:
    """Rename an earlier import's failed file to ``PATH.N`` (the first free N); the
    new name, or ``None`` when there was none (or it was empty)."""
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
    return f"{path}.{number}"


def _remove_spool(path: str) -> None:
    for suffix in ("", "-wal", "-shm", ".lock"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(path + suffix)


def import_file(
    path: str,
    client: SendX | None = None,
    *,
    format: str | None = None,
    concurrency: int = 32,
    spool: str | None = None,
    resume: bool = False,
    errors: str | None = None,
    tags: Iterable[str] = (),
    dry_run: bool = False,
    progress: Progress | None = None,
    coalesce: bool = True,
) -> ImportResult:
    """Import the contacts of ``path`` (CSV or JSON lines) through ``client``.

    ``format`` defaults from the extension. ``spool`` (default ``PATH.sendx-spool``)
    holds pending rows and the progress; it is removed when the import completes.
    ``errors`` (default ``PATH.errors.jsonl``) receives bad and failed rows;
    rows SendX refused also go to ``PATH.failed.jsonl`` for ``sendx replay``.
    ``dry_run`` validates every row and sends nothing (no client needed).
    Raises :class:`BulkImportError` when the import cannot start.
    """
    try:
        fmt = format or guess_format(path)
    except FileFormatError as exc:
        raise BulkImportError(str(exc)) from None
    if fmt not in FORMATS:
        raise BulkImportError(f"unknown format {fmt!r}; use csv or jsonl")
    if not os.path.isfile(path):
        raise BulkImportError(f"no such file: {path!r}")
    extra_tags = list(tags)
    for tag in extra_tags:
        if not isinstance(tag, str) or not tag.strip():
            raise BulkImportError(f"--tag needs a non-empty tag name (got {tag!r})")
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise BulkImportError(f"concurrency must be an int >= 1 (got {concurrency!r})")
    progress = progress or Progress()
    errors_path = errors or path + ".errors.jsonl"
    failed_path = path + ".failed.jsonl"
    spool_path = spool or path + ".sendx-spool"
    size = max(os.path.getsize(path), 1)
    started = time.monotonic()
    if dry_run:
        return _dry_run(path, fmt, extra_tags, errors_path, failed_path, progress, size, started)
    if client is None:
        raise BulkImportError("an import needs a client (or dry_run=True)")

    exists = os.path.exists(spool_path)
    if exists and not resume:
        raise BulkImportError(
            f"an interrupted import left {spool_path!r}: continue it with --resume, "
            "or delete that file to start over"
        )
    if resume and not exists:
        # Without a spool there is no position: going on would send every row again.
        raise BulkImportError(
            f"nothing to resume: no spool {spool_path!r} (the import of {path!r} "
            "completed, or never started); to import the file again from its first "
            "row, run the same command without --resume"
        )
    earlier_failed = None if exists else _set_aside(failed_path)
    if earlier_failed is not None:
        # A fresh import starts its own failed file: appending to an earlier run's
        # would make a replay send that run's rows again.
        progress.note(
            f"sendx import: the failed rows of an earlier import were moved from "
            f"{failed_path} to {earlier_failed}"
        )
    from sendx.outbox._sync import Outbox

    counts = {"failed": 0, "failed_before": 0}
    lock = threading.Lock()
    errors_file = _ErrorsFile(errors_path, append=exists)

    refused = threading.Event()
    # Set once the earlier runs' count is known. Rows recovered as uncertain from the
    # spool are reported while the outbox is being built, before that.
    counting: list[Outbox] = []

    def on_error(call: OutboxCall, error: BaseException) -> None:
        reason, status = failure_reason(error)
        errors_file.write({"line": call.ref, "reason": reason, "status": status})
        if status in (401, 403):
            # Every other row would be refused the same way: stop, keep them pending.
            refused.set()
        with lock:
            counts["failed"] += 1
            total = counts["failed_before"] + counts["failed"]
        if counting:
            counting[0]._spool.insert_marked(None, _FAILED, str(total))  # type: ignore[union-attr]

    try:
        outbox: Outbox = Outbox(
            client,
            spool=spool_path,
            workers=concurrency,
            max_pending=max(1000, concurrency * 64),
            on_error=on_error,
            dead_letters=failed_path,
            coalesce=coalesce,
        )
    except BaseException:
        errors_file.close()
        raise
    spool_db = outbox._spool
    assert spool_db is not None
    offset = line = bad_before = failed_before = 0
    identity = _identity(path, fmt, extra_tags)
    recorded = spool_db.get_mark(_FILE)
    if recorded is None:
        spool_db.insert_marked(None, _FILE, identity)
    else:
        if json.loads(recorded) != json.loads(identity):
            outbox.close(0)
            errors_file.close()
            raise BulkImportError(
                f"{path!r} (or --format / --tag) changed since the interrupted import; "
                f"delete {spool_path!r} to start over"
            )
        mark = spool_db.get_mark(_PROGRESS)
        if mark:
            offset, line, bad_before = (int(part) for part in mark.split())
        failed_before = int(spool_db.get_mark(_FAILED) or 0)
    with lock:
        counts["failed_before"] = failed_before
        counting.append(outbox)
        if counts["failed"]:  # uncertain rows recovered from the spool
            spool_db.insert_marked(None, _FAILED, str(failed_before + counts["failed"]))
    first_line = line + 1
    rows = bad = 0
    interrupted = False
    failure: BulkImportError | None = None
    batch: list[Entry] = []
    bad_rows: list[dict[str, Any]] = []

    def commit(mark: str) -> None:
        # The errors lines first, then rows and position in one transaction: a kill
        # in between repeats a few errors lines at worst, and never skips a row.
        for record in bad_rows:
            errors_file.write(record)
        bad_rows.clear()
        if batch:
            outbox._put_many(batch, (_PROGRESS, mark))
            batch.clear()
        else:
            spool_db.insert_marked(None, _PROGRESS, mark)

    try:
        mark = ""
        for row in read_rows(path, fmt, offset, line):
            rows += 1
            try:
                if row.error is not None:
                    raise InvalidRequestError(row.error)
                batch.append(_entry(row, extra_tags))
            except InvalidRequestError as exc:
                bad += 1
                bad_rows.append({"line": row.line, "reason": str(exc), "row": row.raw})
            mark = f"{row.end} {row.last} {bad_before + bad}"
            if len(batch) + len(bad_rows) >= _COMMIT_ROWS:
                commit(mark)
                if refused.is_set():
                    break
                if progress.due():
                    progress.report_import(outbox.stats, bad, row.end, offset, rows, size)
        if (batch or bad_rows) and not refused.is_set():
            commit(mark)
        while not refused.is_set():
            flushed = outbox.flush(progress.interval)
            progress.report_import(outbox.stats, bad, size, offset, rows, size)
            if not flushed.pending:
                break
    except FileFormatError as exc:
        failure = BulkImportError(str(exc))
    except KeyboardInterrupt:
        # Pending rows stay in the spool; --resume delivers them.
        interrupted = True
        raise
    finally:
        if refused.is_set():
            result = outbox._shutdown(30.0, drain=False)
        else:
            result = outbox.close(2.0 if interrupted else None)
        stats = outbox.stats
        errors_file.close()
        if result.pending == 0 and not interrupted and not refused.is_set():
            _remove_spool(spool_path)
    if failure is not None:
        raise failure
    if refused.is_set():
        raise BulkImportError(
            "SendX refused the API key or team id (401/403); the import stopped. Fix "
            "--api-key / --team-id, then run the same command with --resume; rows "
            f"refused so far are in {failed_path} (send them with sendx replay)"
        )
    return ImportResult(
        rows=rows,
        sent=stats.sent,
        failed=counts["failed"],
        bad=bad,
        pending=result.pending,
        first_line=first_line,
        failed_before=failed_before,
        bad_before=bad_before,
        elapsed=time.monotonic() - started,
        errors_path=errors_path,
        failed_path=failed_path,
        earlier_failed_path=earlier_failed,
    )


def _dry_run(
    path: str,
    fmt: str,
    tags: list[str],
    errors_path: str,
    failed_path: str,
    progress: Progress,
    size: int,
    started: float,
) -> ImportResult:
    rows = bad = 0
    errors_file = _ErrorsFile(errors_path, append=False)
    try:
        for row in read_rows(path, fmt):
            rows += 1
            try:
                if row.error is not None:
                    raise InvalidRequestError(row.error)
                _entry(row, tags)
            except InvalidRequestError as exc:
                bad += 1
                errors_file.write({"line": row.line, "reason": str(exc), "row": row.raw})
            if progress.due():
                progress.report(done=rows - bad, failed=bad, fraction=row.end / size)
    except FileFormatError as exc:
        raise BulkImportError(str(exc)) from None
    finally:
        errors_file.close()
    return ImportResult(
        rows=rows,
        sent=0,
        failed=0,
        bad=bad,
        pending=0,
        first_line=1,
        failed_before=0,
        bad_before=0,
        elapsed=time.monotonic() - started,
        errors_path=errors_path,
        failed_path=failed_path,
    )

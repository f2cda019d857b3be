"""Bulk import of contacts from CSV or JSON lines, built on the durable outbox.

``import_file(path, client)`` streams the file (memory stays flat), validates each row
with the client's own checks, and puts it into a spooled :class:`sendx.Outbox`; bad
rows go to an errors file with their line number and reason. Progress is recorded in
the spool in the same transaction as each batch of rows, so ``resume=True`` after
Ctrl-C or a kill continues exactly where the last batch was accepted: no row sent
after its 2xx was recorded is sent again, and none is skipped. See ``docs/import.md``.

The steps of a run are in ``_import``; reading the file in ``_read``; what a row
becomes (and the dry run) in ``_check``; the errors file in ``_errors``; the counters
shared by the progress line and the summary in ``_counts``; their display in
``_progress``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from sendx.bulk._check import check_file
from sendx.bulk._counts import Counts, ImportResult
from sendx.bulk._errors import ErrorsFile
from sendx.bulk._import import BulkImportError, Import
from sendx.bulk._progress import Progress, summary
from sendx.bulk._read import FileFormatError, open_source

if TYPE_CHECKING:
    from sendx._client import SendX

__all__ = ["BulkImportError", "Counts", "ImportResult", "Progress", "import_file", "summary"]


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
    Raises :class:`BulkImportError` when the import cannot start or go on.
    """
    started = time.monotonic()
    try:
        source = open_source(path, format)
    except FileFormatError as exc:
        raise BulkImportError(str(exc)) from None
    extra_tags = list(tags)
    for tag in extra_tags:
        if not isinstance(tag, str) or not tag.strip():
            raise BulkImportError(f"--tag needs a non-empty tag name (got {tag!r})")
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise BulkImportError(f"concurrency must be an int >= 1 (got {concurrency!r})")
    progress = progress or Progress()
    errors_path = errors or path + ".errors.jsonl"
    failed_path = path + ".failed.jsonl"
    if dry_run:
        errors_file = ErrorsFile(errors_path, append=False)
        try:
            rows, bad = check_file(source, extra_tags, errors_file, progress, started)
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
            elapsed=time.monotonic() - started,
            dry_run=True,
            errors_path=errors_path,
            failed_path=failed_path,
        )
    if client is None:
        raise BulkImportError("an import needs a client (or dry_run=True)")
    return Import(
        source,
        client,
        spool_path=spool or path + ".sendx-spool",
        resume=resume,
        errors_path=errors_path,
        failed_path=failed_path,
        tags=extra_tags,
        concurrency=concurrency,
        coalesce=coalesce,
        progress=progress,
    ).run()

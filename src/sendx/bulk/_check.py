"""What a row becomes: its identify call, or the reason it is bad; and the dry run,
which checks every row that way and sends nothing."""

from __future__ import annotations

import time

from sendx.bulk._counts import Counts
from sendx.bulk._errors import ErrorsFile
from sendx.bulk._progress import Progress
from sendx.bulk._read import Row, Source
from sendx.errors import InvalidRequestError
from sendx.outbox._base import identify_entry
from sendx.outbox._calls import Entry

__all__ = ["check_file", "entry"]


def entry(row: Row, tags: list[str]) -> Entry:
    """The identify call of a row; raises ``InvalidRequestError`` for a bad row."""
    if row.error is not None:
        raise InvalidRequestError(row.error)
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


def check_file(
    source: Source, tags: list[str], errors: ErrorsFile, progress: Progress, started: float
) -> tuple[int, int]:
    """The dry run: every row checked as the import would, bad ones to the errors
    file; ``(rows, bad)``. ``started``: the run's clock, as the summary's."""
    rows = bad = 0
    size = source.size
    for row in source.rows():
        rows += 1
        try:
            entry(row, tags)
        except InvalidRequestError as exc:
            bad += 1
            errors.write(row.line, str(exc), row.raw)
        if progress.due():
            unread = (size - row.end) * rows / row.end
            elapsed = time.monotonic() - started
            progress.report(
                Counts(
                    rows=rows,
                    sent=0,
                    failed=0,
                    bad=bad,
                    pending=0,
                    elapsed=elapsed,
                    unread=unread,
                    dry_run=True,
                )
            )
    return rows, bad

"""Keeps contacts' email addresses out of the HTTP libraries' log records.

urllib3 logs every request line with its query string at DEBUG
(``"POST /api/v1/contact/track?team_id=T&email=j%40x.io HTTP/1.1" 200``) and, at
WARNING, "Failed to parse headers (url=...)" with the whole URL; a track's query holds
the contact's email. The shells put :class:`RedactFilter` on their library's loggers:
it rewrites a record before any handler sees it, every query string becoming ``?...``
and every email address ``...@...``. The API key travels only in a header, which
neither library logs.
"""

from __future__ import annotations

import logging
import re

__all__ = ["RedactFilter", "redact", "redact_library_logs"]

# A query runs to whitespace or a quote (form-encoding escapes both); an email is
# anything around "@" or its escape "%40" up to a separator.
_QUERY = re.compile(r"\?[^\s\"'<>()\[\]]+")
_EMAIL = re.compile(r"[^\s\"'<>()\[\]/?&=:,;]+(?:@|%40)[^\s\"'<>()\[\]/?&=:,;]+", re.IGNORECASE)


def redact(text: str) -> str:
    """``text`` without query strings and email addresses."""
    return _EMAIL.sub("...@...", _QUERY.sub("?...", text))


class RedactFilter(logging.Filter):
    """Rewrites a record's message (and its traceback text) without query strings or
    email addresses; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a format that does not fit its arguments: keep the format
            message, record.args = str(record.msg), None
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            text = logging.Formatter().formatException(record.exc_info)
            clean = redact(text)
            if clean != text:
                # Handlers print exc_text when set; the exception objects, which may
                # hold the URL, no longer travel with the record.
                record.exc_text, record.exc_info = clean, None
        return True


def redact_library_logs(library: str) -> None:
    """Put a :class:`RedactFilter` on ``library``'s logger and on those of its modules
    loaded so far (a logger's filters see only the records made on that logger)."""
    manager = logging.Logger.manager
    names = [library, *(name for name in manager.loggerDict if name.startswith(library + "."))]
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, RedactFilter) for existing in logger.filters):
            logger.addFilter(RedactFilter())

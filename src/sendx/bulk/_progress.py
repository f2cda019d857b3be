"""The import's progress display: a bar redrawn in place on a terminal, a plain line
every few seconds otherwise (logs, CI), and the closing summary."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from sendx.outbox._types import OutboxStats

__all__ = ["Progress"]


def _clock(seconds: float) -> str:
    seconds = int(max(0, seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """Reports ``done``/``failed`` rows against the share of the file finished.

    ``stream`` defaults to stderr; ``tty`` (default: whether the stream is a terminal)
    chooses the bar; ``interval`` is the seconds between plain lines.
    """

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        tty: bool | None = None,
        interval: float = 5.0,
        enabled: bool = True,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.interval = 0.2 if self.tty else interval
        self.enabled = enabled
        self.started = time.monotonic()
        self._last = self.started
        self._drawn = False

    def due(self) -> bool:
        """Whether it is time to report again."""
        return self.enabled and time.monotonic() - self._last >= self.interval

    def report(self, *, done: int, failed: int, fraction: float | None, start: float = 0.0) -> None:
        """Draw the bar (terminal) or print one line.

        ``fraction`` is the share of the file finished (rows confirmed, failed or bad,
        not merely read); ``start`` the share an earlier run had finished, so the time
        left is estimated from this run's pace.
        """
        if not self.enabled:
            return
        now = time.monotonic()
        self._last = now
        elapsed = max(now - self.started, 1e-9)
        rate = done / elapsed
        eta = ""
        if fraction is not None and start < fraction < 1 and done:
            eta = f" ETA {_clock(elapsed * (1 - fraction) / (fraction - start))}"
        share = "" if fraction is None else f"{fraction * 100:5.1f}% "
        text = f"{share}{done:,} done, {failed:,} failed, {rate:,.0f} rows/s{eta}"
        if self.tty:
            width = 24
            filled = int(width * (fraction or 0))
            bar = "#" * filled + "." * (width - filled)
            self.stream.write(f"\r[{bar}] {text}\x1b[K")
            self._drawn = True
        else:
            self.stream.write(f"sendx import: {text}\n")
        self.stream.flush()

    def report_import(
        self, stats: OutboxStats, bad: int, end: int, offset: int, rows: int, size: int
    ) -> None:
        """Report the rows finished, not the rows read (the import reads up to
        ``max_pending`` rows ahead): the share finished is the bytes read, ``end``,
        less those of the rows still pending at this run's average row size."""
        average = (end - offset) / rows if rows else 0.0
        finished = min(end, max(offset, end - stats.pending * average))
        self.report(
            done=stats.sent,
            failed=stats.failed + bad,
            fraction=finished / size,
            start=offset / size,
        )

    def note(self, text: str) -> None:
        """Print one line of information (on its own line, even mid-bar)."""
        if not self.enabled:
            return
        if self._drawn:
            self.stream.write("\n")
            self._drawn = False
        self.stream.write(text + "\n")
        self.stream.flush()

    def finish(self, summary: str) -> None:
        """End the bar's line and print the summary."""
        if self._drawn:
            self.stream.write("\n")
        self.stream.write(summary + "\n")
        self.stream.flush()

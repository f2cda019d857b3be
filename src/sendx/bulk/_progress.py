"""The import's progress display: a bar redrawn in place on a terminal, a plain line
every few seconds otherwise (logs, CI), and the closing summary: both from the same
:class:`Counts`, in the same words."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from sendx.bulk._counts import Counts, ImportResult

__all__ = ["Progress", "summary"]


def _clock(seconds: float) -> str:
    seconds = int(max(0, seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _outcome(counts: Counts) -> str:
    """The rows by what became of them: the words of the progress line and the summary."""
    if counts.dry_run:
        return f"{counts.rows:,} rows checked, {counts.bad:,} bad"
    return f"{counts.sent:,} sent, {counts.failed:,} failed, {counts.bad:,} bad"


def summary(result: ImportResult) -> str:
    """The closing lines of an import: what became of its rows, and where to look."""
    rate = f"in {result.elapsed:.1f} s ({result.rate:,.0f} rows/s)"
    if result.dry_run:
        text = f"sendx import --dry-run: {_outcome(result)}, {rate}"
    else:
        read = f"{result.rows:,} rows read"
        if result.first_line > 1:
            read += f" (resumed at line {result.first_line:,})"
        if result.carried:
            read += f" and {result.carried:,} left pending by the interrupted run"
        text = f"sendx import: {read}: {_outcome(result)}, {rate}"
        if result.failed_before or result.bad_before:
            text += f"; earlier runs: {result.failed_before:,} failed, {result.bad_before:,} bad"
    if result.bad or result.failed or result.bad_before or result.failed_before:
        text += f"\n  errors (line, reason and row): {result.errors_path}"
    if result.failed or result.failed_before:
        text += f"\n  send refused rows again: sendx replay {result.failed_path}"
    if result.earlier_failed_path:
        text += f"\n  failed rows of an earlier import: {result.earlier_failed_path}"
    return text


class Progress:
    """Reports the import's :class:`Counts` as it goes.

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
        self._last = time.monotonic()
        self._drawn = False

    def due(self) -> bool:
        """Whether it is time to report again."""
        return self.enabled and time.monotonic() - self._last >= self.interval

    def report(self, counts: Counts) -> None:
        """Draw the bar (terminal) or print one line: the share of this run's rows
        finished, what became of them, the rate and the time left."""
        if not self.enabled:
            return
        self._last = time.monotonic()
        eta = counts.eta
        left = f", ETA {_clock(eta)}" if eta is not None and counts.fraction < 1 else ""
        text = f"{counts.fraction * 100:5.1f}% {_outcome(counts)}, {counts.rate:,.0f} rows/s{left}"
        if self.tty:
            width = 24
            filled = int(width * counts.fraction)
            bar = "#" * filled + "." * (width - filled)
            self.stream.write(f"\r[{bar}] {text}\x1b[K")
            self._drawn = True
        else:
            self.stream.write(f"sendx import: {text}\n")
        self.stream.flush()

    def note(self, text: str) -> None:
        """Print one line of information (on its own line, even mid-bar)."""
        if not self.enabled:
            return
        if self._drawn:
            self.stream.write("\n")
            self._drawn = False
        self.stream.write(text + "\n")
        self.stream.flush()

    def finish(self, result: ImportResult) -> None:
        """End the bar's line and print the :func:`summary` (even when disabled: the
        summary is the import's answer, not its progress)."""
        if self._drawn:
            self.stream.write("\n")
            self._drawn = False
        self.stream.write(summary(result) + "\n")
        self.stream.flush()

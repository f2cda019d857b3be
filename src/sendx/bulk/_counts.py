"""The import's counters: one set, read by the progress line and the summary alike.

A run finishes every row it reads and every row an interrupted run left in the spool
(``carried``): ``rows + carried == sent + failed + bad + pending``. The rate and the
time left are those of rows finished, on the import's one clock.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Counts", "ImportResult"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Counts:
    """The rows of this run so far.

    ``rows`` read from the file, ``carried`` (left pending in the spool by an
    interrupted run), ``sent`` (2xx), ``failed`` (refused by SendX), ``bad`` (invalid,
    never sent), ``pending`` (not finished yet), ``elapsed`` seconds since the run
    started, ``unread`` (rows of the file not read yet, estimated from the bytes left
    at the average row's size so far), ``dry_run`` (rows are checked, not sent).
    """

    rows: int
    carried: int = 0
    sent: int
    failed: int
    bad: int
    pending: int
    elapsed: float
    unread: float = 0.0
    dry_run: bool = False

    @property
    def finished(self) -> int:
        """Rows this run is done with: sent, failed or bad (checked, in a dry run)."""
        if self.dry_run:
            return self.rows
        return self.sent + self.failed + self.bad

    @property
    def rate(self) -> float:
        """Rows finished per second, since the run started."""
        return self.finished / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def fraction(self) -> float:
        """The share of this run's rows finished (those read, carried and unread)."""
        total = self.rows + self.carried + self.unread
        return min(1.0, self.finished / total) if total else 1.0

    @property
    def eta(self) -> float | None:
        """Seconds left at :attr:`rate`; ``None`` before the first row is finished."""
        if not self.finished:
            return None
        left = self.rows + self.carried + self.unread - self.finished
        return max(0.0, left) / self.rate


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportResult(Counts):
    """What an import did in this run: the final :class:`Counts` (a resumed run counts
    its own rows, and the rows it ``carried`` over from the interrupted one), and

    ``first_line`` (where this run started reading), ``failed_before``/``bad_before``
    (earlier runs of a resumed import), ``errors_path``, ``failed_path`` (the calls
    SendX refused, for ``sendx replay``), ``earlier_failed_path`` (where a fresh import
    moved the failed-calls file of an earlier import, if there was one).
    """

    first_line: int = 1
    failed_before: int = 0
    bad_before: int = 0
    errors_path: str
    failed_path: str
    earlier_failed_path: str | None = None

    @property
    def ok(self) -> bool:
        """True when every row of the file (this run and earlier ones) went through."""
        return not (self.failed or self.bad or self.failed_before or self.bad_before)

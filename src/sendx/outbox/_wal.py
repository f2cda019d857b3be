"""Whether SQLite will drop commits of a spool's write-ahead log, seen before it opens it.

SQLite replays a WAL up to the first frame whose salt or checksum is wrong and ignores
the rest without an error, so a damaged or cut WAL silently loses every commit after
the damage. Two records tell how far the WAL should reach, and are read before SQLite
opens the database (opening it rewrites the index and, at the last close, deletes the
WAL):

- the frame headers: a commit frame carrying the WAL's current salts, before the last
  frame of the file, was written by a transaction that committed;
- the WAL index (``-shm``) left by the process that wrote the WAL, when its header is
  intact and names the same WAL: ``mxFrame``, the last frame it had committed.

Once SQLite has opened the database and replayed the WAL, the index it rebuilt says how
many frames it kept (:func:`frames_in_index`); fewer than expected means commits were
lost. Formats:
https://www.sqlite.org/fileformat2.html#walformat and
https://www.sqlite.org/walformat.html#the_wal_index_file_format

What this cannot see, when no ``-shm`` of the writer is left beside the WAL (after a
crash it is): a WAL cut short (it looks like a shorter WAL), and damage confined to its
last frame (it looks like a write the process did not finish).
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from typing import BinaryIO

__all__ = ["WalState", "frames_in_index", "read_wal"]

_MAGIC = (0x377F0682, 0x377F0683)  # the low bit: checksums of big-endian words
_VERSION = 3007000
_WAL_HEADER = 32
_FRAME_HEADER = 24
_INDEX_HEADER = 48  # stored twice at the start of the -shm file


def _checksum(data: bytes, big_endian: bool, s0: int = 0, s1: int = 0) -> tuple[int, int]:
    """SQLite's WAL checksum of ``data`` (a multiple of 8 bytes)."""
    words = struct.unpack(f"{'>' if big_endian else '<'}{len(data) // 4}I", data)
    for index in range(0, len(words), 2):
        s0 = (s0 + words[index] + s1) & 0xFFFFFFFF
        s1 = (s1 + words[index + 1] + s0) & 0xFFFFFFFF
    return s0, s1


@dataclass(frozen=True, slots=True)
class WalState:
    """What a WAL file says of itself before SQLite reads it."""

    size: int
    """Its length in bytes."""
    header_size = _WAL_HEADER
    readable: bool
    """Whether its header is intact (else SQLite ignores the whole file)."""
    page_size: int | None
    """The database's page size, from an intact header."""
    committed: int
    """The last frame known to belong to a committed transaction (0: none known)."""
    writer_knew: int | None
    """``mxFrame`` from the writer's index, when that index is intact and matches."""
    salts: bytes | None = None
    """The salts of an intact header: every frame written since the last reset
    carries them."""

    def lost(self, kept: int) -> str | None:
        """What SQLite dropped, given the ``kept`` frames it replayed; None if nothing."""
        if not self.readable:
            if self.size <= _WAL_HEADER and not self.writer_knew:
                return None
            return (
                f"the header of its write-ahead log ({self.size:,} bytes) is damaged, so "
                "SQLite ignores the whole log, and with it the calls committed since the "
                "last checkpoint"
            )
        expected = max(self.committed, self.writer_knew or 0)
        if expected <= kept:
            return None
        witness = (
            "the index left by the process that wrote it"
            if (self.writer_knew or 0) > kept
            else "the frame headers after the damage"
        )
        return (
            f"SQLite keeps {kept:,} frame(s) of its write-ahead log, but {witness} shows "
            f"{expected:,} committed: the log is damaged or cut after frame {kept:,}, and "
            "the calls committed after it are lost"
        )


def read_wal(db_path: str) -> WalState | None:
    """The state of ``db_path``'s WAL, or None when there is none (a spool closed
    cleanly has no WAL)."""
    try:
        with open(db_path + "-wal", "rb") as wal:
            header = wal.read(_WAL_HEADER)
            size = os.fstat(wal.fileno()).st_size
            if size == 0:
                return None
            parsed = _parse_header(header)
            if parsed is None:
                return WalState(size, False, None, 0, _index_frames(db_path, None, None))
            page_size, salts = parsed
            committed = _last_commit(wal, size, page_size, salts)
    except FileNotFoundError:
        return None
    writer_knew = _index_frames(db_path, salts, page_size)
    return WalState(size, True, page_size, committed, writer_knew, salts)


def frames_in_index(db_path: str, state: WalState) -> int | None:
    """The frames the WAL index says are committed (``mxFrame``), if it is intact and
    belongs to the WAL described by ``state``: read while a connection has the
    database open, the frames SQLite replayed."""
    return _index_frames(db_path, state.salts, state.page_size)


def _parse_header(header: bytes) -> tuple[int, bytes] | None:
    if len(header) < _WAL_HEADER:
        return None
    magic, version, page_size, _, _, _, sum0, sum1 = struct.unpack(">8I", header)
    if magic not in _MAGIC or version != _VERSION:
        return None
    if page_size < 512 or page_size > 65536 or page_size & (page_size - 1):
        return None
    if _checksum(header[:24], big_endian=magic & 1 == 1) != (sum0, sum1):
        return None
    return page_size, header[16:24]


def _last_commit(wal: BinaryIO, size: int, page_size: int, salts: bytes) -> int:
    """The last commit frame with the current salts, the file's last such frame aside
    (a process killed between writing a frame's header and its page leaves one that
    SQLite rightly ignores). Only headers are read: SQLite verifies the checksums."""
    frame = _FRAME_HEADER + page_size
    count = (size - _WAL_HEADER) // frame
    current: list[tuple[int, bool]] = []
    for number in range(1, count + 1):
        wal.seek(_WAL_HEADER + (number - 1) * frame)
        head = wal.read(_FRAME_HEADER)
        if head[8:16] == salts:
            current.append((number, head[4:8] != b"\0\0\0\0"))
    return max((number for number, commit in current[:-1] if commit), default=0)


def _index_frames(db_path: str, salts: bytes | None, page_size: int | None) -> int | None:
    """``mxFrame`` of the WAL index, if the index is intact and belongs to this WAL
    (same salts and page size; with a damaged WAL header, any intact index)."""
    try:
        with open(db_path + "-shm", "rb") as shm:
            data = shm.read(2 * _INDEX_HEADER)
    except FileNotFoundError:
        return None
    if len(data) < 2 * _INDEX_HEADER or data[:_INDEX_HEADER] != data[_INDEX_HEADER:]:
        return None
    # The index is shared memory: native byte order, as the C structure lays it out.
    version, _, _, initialized, _, stored_page, last_frame = struct.unpack("=3I2BHI", data[:20])
    if version != _VERSION or initialized != 1:
        return None
    words = data[:40]
    s0 = s1 = 0
    for index in range(0, 40, 8):
        x0, x1 = struct.unpack("=2I", words[index : index + 8])
        s0 = (s0 + x0 + s1) & 0xFFFFFFFF
        s1 = (s1 + x1 + s0) & 0xFFFFFFFF
    if struct.unpack("=2I", data[40:48]) != (s0, s1):
        return None
    if salts is not None and data[32:40] != salts:
        return None
    index_page = 65536 if stored_page == 1 else stored_page
    if page_size is not None and index_page != page_size:
        return None
    return int(last_frame)

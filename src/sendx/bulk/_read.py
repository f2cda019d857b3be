"""Reading import files row by row: CSV with a header, or JSON lines.

:func:`open_source` checks the file and its format once; the :class:`Source` it
returns reads the rows. They stream from a binary file, so memory stays flat whatever
the file's size, and each row knows its line number and the byte offset just after
it: a resumed import seeks there. A bad row (bad UTF-8, a wrong column count,
malformed JSON) comes back with its reason instead of stopping the import; a position
in a reason is within the row's line (the line itself is the row's ``line``).
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

__all__ = [
    "FORMATS",
    "FileFormatError",
    "Row",
    "Source",
    "guess_format",
    "open_source",
    "read_rows",
]

FORMATS = ("csv", "jsonl")

# Known columns / keys, compared without case, "_", "-" or spaces.
_KNOWN = {
    "email": "email",
    "firstname": "first_name",
    "lastname": "last_name",
    "company": "company",
    "birthday": "birthday",
    "newemail": "new_email",
    "tags": "tags",
}
_JSON_FIELDS = {"customfields": "custom_fields"}


class FileFormatError(ValueError):
    """The file cannot be imported at all (no header, no email column, ...)."""


@dataclass(slots=True)
class Row:
    """One record: ``line`` is its first line (1-based), ``end`` the byte offset after
    it; ``values`` are identify's arguments, or ``error`` says why the row is bad."""

    line: int
    end: int
    values: dict[str, Any] | None
    error: str | None = None
    raw: str | None = None
    last: int = 0
    """The row's last line (a quoted CSV cell may span lines)."""


def _norm(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch not in "_- ")


def guess_format(path: str) -> str:
    """``csv`` or ``jsonl`` from the extension (``.csv``/``.txt``, ``.jsonl``/``.ndjson``)."""
    lowered = path.lower()
    for suffix in (".gz", ".bz2"):
        if lowered.endswith(suffix):
            raise FileFormatError(f"compressed files are not supported: decompress {path!r} first")
    if lowered.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if lowered.endswith((".csv", ".txt")):
        return "csv"
    raise FileFormatError(
        f"cannot tell the format of {path!r} from its extension; pass --format csv or jsonl"
    )


def _tags(value: Any) -> list[str] | Any:
    if isinstance(value, str):
        return [tag.strip() for tag in value.split(";") if tag.strip()]
    return value


class _Lines:
    """Decoded lines of a binary file, counting lines and bytes, noting bad UTF-8;
    ``taken`` holds the lines of the row being read, its text as in the file."""

    def __init__(self, handle: BinaryIO, offset: int, line: int) -> None:
        self.handle = handle
        self.offset = offset
        self.line = line
        self.bad_utf8: str | None = None
        self.taken: list[str] = []

    def __iter__(self) -> Iterator[str]:
        for raw in self.handle:
            self.offset += len(raw)
            self.line += 1
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                if self.bad_utf8 is None:
                    self.bad_utf8 = f"invalid UTF-8 (byte {exc.start + 1} of line {self.line})"
                text = raw.decode("utf-8", "replace")
            self.taken.append(text)
            yield text

    def row_text(self) -> str:
        """The text of the row just read, without its line break."""
        return "".join(self.taken).rstrip("\r\n")


def _row(lines: _Lines, start: int, values: dict[str, Any] | None, error: str | None) -> Row:
    return Row(start, lines.offset, values, error, lines.row_text(), lines.line)


def read_header(handle: BinaryIO) -> tuple[list[str], int, int]:
    """The CSV header's column names, the byte offset after it and its line count."""
    lines = _Lines(handle, 0, 0)
    reader = csv.reader(iter(lines))
    for record in reader:
        if not record or not any(cell.strip() for cell in record):
            continue
        if lines.bad_utf8:
            raise FileFormatError(f"the header row has {lines.bad_utf8}")
        names = [cell.strip() for cell in record]
        names[0] = names[0].lstrip("\ufeff")
        return names, lines.offset, lines.line
    raise FileFormatError("the file is empty: a CSV import needs a header row")


def _csv_plan(names: list[str]) -> list[tuple[str, str]]:
    """For each column: ("known", argument) or ("field", custom field name)."""
    plan: list[tuple[str, str]] = []
    seen: set[str] = set()
    for name in names:
        if not name:
            raise FileFormatError("the header has an empty column name")
        key = _KNOWN.get(_norm(name))
        target = key or f"field:{name}"
        if target in seen:
            raise FileFormatError(f"the header names the column {name!r} twice")
        seen.add(target)
        plan.append(("known", key) if key else ("field", name))
    if "email" not in seen:
        raise FileFormatError(f"the header has no 'email' column (columns: {', '.join(names)})")
    return plan


def read_csv(path: str, offset: int = 0, line: int = 0) -> Generator[Row, None, None]:
    """Rows of a CSV file with a header; from ``offset`` (after line ``line``) when
    resuming. Empty cells are left out; ``tags`` are separated by ``;``; unknown
    columns are custom fields."""
    with open(path, "rb") as handle:
        names, header_end, header_lines = read_header(handle)
        plan = _csv_plan(names)
        if offset < header_end:
            offset, line = header_end, header_lines
        handle.seek(offset)
        lines = _Lines(handle, offset, line)
        reader = csv.reader(iter(lines), strict=True)
        width = len(plan)
        while True:
            start = lines.line + 1
            lines.taken.clear()
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield _row(lines, start, None, f"malformed CSV: {exc}")
                # csv.reader cannot go on after an error: start a fresh one.
                reader = csv.reader(iter(lines), strict=True)
                continue
            bad, lines.bad_utf8 = lines.bad_utf8, None
            if not record or (len(record) == 1 and not record[0].strip()):
                continue
            if bad:
                yield _row(lines, start, None, bad)
                continue
            if len(record) != width:
                reason = f"expected {width} columns as in the header, found {len(record)}"
                yield _row(lines, start, None, reason)
                continue
            values: dict[str, Any] = {}
            fields: dict[str, str] = {}
            for (kind, target), cell in zip(plan, record, strict=True):
                if kind == "field":
                    if cell != "":
                        fields[target] = cell
                elif cell.strip():
                    values[target] = _tags(cell) if target == "tags" else cell.strip()
            if fields:
                values["custom_fields"] = fields
            yield _row(lines, start, values, None)


def read_jsonl(path: str, offset: int = 0, line: int = 0) -> Generator[Row, None, None]:
    """Rows of a JSON-lines file: one identify object per line, camelCase or
    snake_case keys, ``tags`` a list (or a ``;``-separated string)."""
    with open(path, "rb") as handle:
        handle.seek(offset)
        for raw in handle:
            offset += len(raw)
            line += 1
            if not raw.strip():
                continue
            try:
                text = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError as exc:
                reason = f"invalid UTF-8 (byte {exc.start + 1} of line {line})"
                yield Row(line, offset, None, reason, raw.decode("utf-8", "replace"), last=line)
                continue
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                # json's own "line 1 column 6 (char 5)" counts within this line only.
                reason = f"malformed JSON: {exc.msg} (character {exc.pos + 1} of line {line})"
                yield Row(line, offset, None, reason, text, last=line)
                continue
            except RecursionError:  # "[[[[..." deeper than the interpreter's stack
                yield Row(line, offset, None, "malformed JSON: nested too deeply", text, last=line)
                continue
            if not isinstance(data, dict):
                yield Row(line, offset, None, "not a JSON object", text, last=line)
                continue
            values: dict[str, Any] = {}
            problem = None
            for key, value in data.items():
                name = _KNOWN.get(_norm(key)) or _JSON_FIELDS.get(_norm(key))
                if name is None:
                    problem = f"unknown key {key!r}"
                    break
                if value is None:
                    continue
                values[name] = _tags(value) if name == "tags" else value
            if problem is None and "email" not in values:
                problem = "no email"
            if problem:
                yield Row(line, offset, None, problem, text, last=line)
                continue
            yield Row(line, offset, values, None, text, last=line)


def read_rows(path: str, fmt: str, offset: int = 0, line: int = 0) -> Iterator[Row]:
    """Rows of ``path`` in format ``fmt`` (``csv`` or ``jsonl``)."""
    return open_source(path, fmt).rows(offset, line)


@dataclass(frozen=True, slots=True)
class Source:
    """A file to import, checked: it exists, and its format is known."""

    path: str
    format: str

    def rows(self, offset: int = 0, line: int = 0) -> Generator[Row, None, None]:
        """The rows, from ``offset`` (just after line ``line``) when resuming."""
        read = read_csv if self.format == "csv" else read_jsonl
        return read(self.path, offset, line)

    @property
    def size(self) -> int:
        """The file's size in bytes (at least 1: a share of it is never a division by 0)."""
        return max(os.path.getsize(self.path), 1)

    def identity(self, tags: list[str]) -> str:
        """What a resumed import must find unchanged: the file (size and modification
        time), its format and the tags added to every row."""
        stat = os.stat(self.path)
        return json.dumps(
            {
                "size": stat.st_size,
                "mtime_ns": stat.st_mtime_ns,
                "format": self.format,
                "tags": tags,
            }
        )


def open_source(path: str, fmt: str | None = None) -> Source:
    """The file ``path`` in format ``fmt`` (default: from the extension); raises
    :class:`FileFormatError` for an unknown format or a missing file."""
    fmt = fmt or guess_format(path)
    if fmt not in FORMATS:
        raise FileFormatError(f"unknown format {fmt!r}; use csv or jsonl")
    if not os.path.isfile(path):
        raise FileFormatError(f"no such file: {path!r}")
    return Source(path, fmt)

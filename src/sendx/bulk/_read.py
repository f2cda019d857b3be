"""Reading import files row by row: CSV with a header, or JSON lines.

Rows stream from a binary file, so memory stays flat whatever the file's size, and
each row knows its line number and the byte offset just after it: a resumed import
seeks there. A bad row (bad UTF-8, a wrong column count, malformed JSON) comes back
with its reason instead of stopping the import.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

__all__ = ["FORMATS", "FileFormatError", "Row", "guess_format", "read_rows"]

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
    """Decoded lines of a binary file, counting lines and bytes, noting bad UTF-8."""

    def __init__(self, handle: BinaryIO, offset: int, line: int) -> None:
        self.handle = handle
        self.offset = offset
        self.line = line
        self.bad_utf8: str | None = None

    def __iter__(self) -> Iterator[str]:
        for raw in self.handle:
            self.offset += len(raw)
            self.line += 1
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                if self.bad_utf8 is None:
                    self.bad_utf8 = f"invalid UTF-8 (byte {exc.start + 1} of line {self.line})"
                yield raw.decode("utf-8", "replace")


def _row(
    lines: _Lines,
    start: int,
    values: dict[str, Any] | None,
    error: str | None,
    raw: str | None = None,
) -> Row:
    return Row(start, lines.offset, values, error, raw, lines.line)


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


def read_csv(path: str, offset: int = 0, line: int = 0) -> Iterator[Row]:
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
            raw = ",".join(record)
            if bad:
                yield _row(lines, start, None, bad, raw)
                continue
            if len(record) != width:
                yield _row(
                    lines,
                    start,
                    None,
                    f"expected {width} columns as in the header, found {len(record)}",
                    raw,
                )
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
            yield _row(lines, start, values, None, raw)


def read_jsonl(path: str, offset: int = 0, line: int = 0) -> Iterator[Row]:
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
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield Row(line, offset, None, f"invalid UTF-8 (byte {exc.start + 1})", last=line)
                continue
            try:
                data = json.loads(text)
            except ValueError as exc:
                yield Row(
                    line, offset, None, f"malformed JSON: {exc}", text.rstrip("\n"), last=line
                )
                continue
            if not isinstance(data, dict):
                yield Row(line, offset, None, "not a JSON object", text.rstrip("\n"), last=line)
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
                yield Row(line, offset, None, problem, text.rstrip("\n"), last=line)
                continue
            yield Row(line, offset, values, None, text.rstrip("\n"), last=line)


def read_rows(path: str, fmt: str, offset: int = 0, line: int = 0) -> Iterator[Row]:
    """Rows of ``path`` in format ``fmt`` (``csv`` or ``jsonl``)."""
    if not os.path.isfile(path):
        raise FileFormatError(f"no such file: {path!r}")
    if fmt == "csv":
        return read_csv(path, offset, line)
    if fmt == "jsonl":
        return read_jsonl(path, offset, line)
    raise FileFormatError(f"unknown format {fmt!r}; use csv or jsonl")

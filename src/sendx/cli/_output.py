"""How the REST commands print what SendX answered: a table for people, JSON lines for
programs.

The same output whether or not stdout is a terminal: a script that pipes a command
gets what its author saw while writing it, and asks for JSON lines with ``--json``
(a table never changes shape under a pipe, as gh's does). A table of many objects is
printed once every page has come, to align its columns; JSON lines are written as the
pages come, one object per line, so ``| head`` stops the paging early.

Objects are the client's models (msgspec Structs), read by their attribute names: the
JSON keys are those of the Python API (``first_name``), not the wire's
(``firstName``). Nothing here imports msgspec: ``sendx --help`` stays quick.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

__all__ = [
    "MAX_CELL",
    "Column",
    "cell",
    "pipe_closed",
    "plain",
    "print_json",
    "print_object",
    "print_table",
]

#: The longest text a table cell shows (an HTML body would fill the screen); longer
#: text ends with "..." and ``--json`` shows it whole.
MAX_CELL = 100

#: A column of a list's table: an attribute's name, or a header and how to read it.
Column = str | tuple[str, Callable[[Any], Any]]


def _fields(value: Any) -> tuple[str, ...] | None:
    """The public attribute names of a model (a msgspec Struct), else ``None``."""
    names = getattr(type(value), "__struct_fields__", None)
    if names is None:
        return None
    return tuple(name for name in names if not name.startswith("_"))


def plain(value: Any) -> Any:
    """``value`` as JSON-ready data: models become objects keyed by attribute name,
    timestamps ISO 8601 text, and the rest as they are (recursively)."""
    names = _fields(value)
    if names is not None:
        return {name: plain(getattr(value, name)) for name in names}
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return value


def _printable(text: str) -> str:
    # A line break or a tab inside a name would break the table's rows and columns.
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def cell(value: Any) -> str:
    """One value as table text: nothing for ``None``, yes/no, ISO timestamps to the
    second, lists and mappings on one line, at most :data:`MAX_CELL` characters."""
    text = _cell(value)
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 3] + "..."


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{_cell(key)}={_cell(item)}" for key, item in value.items())
    if _fields(value) is not None:
        return _cell(plain(value))
    return _printable(str(value))


def _aligned(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[index]) for row in rows) for index in range(len(rows[0]))]
    return [
        "  ".join(text.ljust(width) for text, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def print_table(items: Iterable[Any], columns: Sequence[Column]) -> int:
    """Objects as a table with a header (the column names in capitals); returns how
    many rows it printed."""
    readers = [
        (column.upper(), lambda item, name=column: getattr(item, name, None))
        if isinstance(column, str)
        else (column[0].upper(), column[1])
        for column in columns
    ]
    rows = [[header for header, _ in readers]]
    rows.extend([cell(read(item)) for _, read in readers] for item in items)
    print("\n".join(_aligned(rows)))
    return len(rows) - 1


def print_object(value: Any) -> None:
    """One object as a two-column table, one attribute a row; a mapping's entries
    (a contact's custom fields) follow its row, indented."""
    rows: list[list[str]] = []
    for name in _fields(value) or ():
        item = getattr(value, name)
        if isinstance(item, dict):
            rows.append([name, "" if item else "(none)"])
            rows.extend([f"  {cell(key)}", cell(entry)] for key, entry in sorted(item.items()))
        else:
            rows.append([name, cell(item)])
    print("\n".join(_aligned(rows)))


def print_json(items: Iterable[Any]) -> int:
    """Each object as one line of JSON, written as it comes; returns how many."""
    count = 0
    for item in items:
        sys.stdout.write(json.dumps(plain(item), ensure_ascii=False) + "\n")
        count += 1
    sys.stdout.flush()
    return count


def pipe_closed() -> None:
    """What to do when the reader of stdout went away (``| head``): stop quietly.
    Python would report the broken pipe again when it flushes stdout at exit, so
    stdout is pointed at the null device first (as the ``signal`` module's
    documentation advises)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # a replaced stdout (tests) has no descriptor
        pass
    finally:
        os.close(devnull)

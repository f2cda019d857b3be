"""What the REST command groups share (``sendx lists get ...``): how a group and its
commands are declared, how a command calls the client and prints the answer, and the
argument types they have in common.

A group (``sendx lists``) holds one command per operation (``list``, ``get``,
``create``, ``update``, ``delete``). Every command takes ``--json`` and the connection
options, which the group takes too, so that they work anywhere on the line
(``sendx --api-key K lists list``, ``sendx lists --api-key K list``, ...).
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sendx.cli._common import (
    add_connection_options,
    explain_not_found,
    make_client,
    run_api_command,
)
from sendx.cli._output import Column, pipe_closed, print_json, print_object, print_table

__all__ = [
    "add_command",
    "add_group",
    "add_list_options",
    "positive",
    "run",
    "show_done",
    "show_many",
    "show_one",
    "text_file",
    "usage_error",
]

#: Turns a client into the answer of one command (an object, a pager, ...).
Request = Callable[[Any], Any]
#: Prints an answer for ``args``; returns the exit code.
Show = Callable[[Any, argparse.Namespace], int]


def add_group(subparsers: Any, name: str, *, help: str, description: str) -> Any:
    """Add the group ``sendx NAME``; returns what its commands are added to. Without a
    command, the group prints its help on stderr and exits 2."""
    group = subparsers.add_parser(name, help=help, description=description)
    add_connection_options(group)
    commands = group.add_subparsers(title="commands", metavar="COMMAND", dest="operation")

    def usage(args: argparse.Namespace) -> int:
        group.print_help(sys.stderr)
        return 2

    group.set_defaults(handler=usage)
    return commands


def add_command(
    group: Any, name: str, *, help: str, description: str, handler: Callable[..., int]
) -> argparse.ArgumentParser:
    """Add the command ``name`` to ``group``, with ``--json`` and the connection
    options; the caller adds its own arguments."""
    parser: argparse.ArgumentParser = group.add_parser(name, help=help, description=description)
    parser.add_argument(
        "--json", action="store_true", help="print JSON lines (one object a line), not a table"
    )
    add_connection_options(parser)
    parser.set_defaults(handler=handler)
    return parser


def positive(text: str) -> int:
    """An argument that is a whole number from 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number (got {text!r})") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 (got {value})")
    return value


def add_list_options(parser: argparse.ArgumentParser) -> None:
    """``--limit N`` of a list command."""
    parser.add_argument(
        "--limit", type=positive, metavar="N", help="print at most N (default: every one)"
    )


def usage_error(prog: str, message: str) -> int:
    """A usage error found after parsing (two options that contradict each other): one
    line on stderr, as the parser's own; exit code 2."""
    print(f"{prog}: error: {message} (see '{prog} --help')", file=sys.stderr)
    return 2


def text_file(path: str) -> str:
    """An argument naming a UTF-8 text file (``-``: standard input); its text."""
    try:
        if path == "-":
            return sys.stdin.read()
        with open(path, encoding="utf-8") as file:
            return file.read()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise argparse.ArgumentTypeError(f"cannot read {path!r}: {reason}") from None


def run(args: argparse.Namespace, request: Request, show: Show) -> int:
    """Call the API with a client made from the connection options, print the answer
    with ``show``; errors become one line on stderr and exit code 1 (2 for bad
    arguments). A reader of stdout that went away (``| head``) ends the command
    quietly, with exit code 0, and no more pages are fetched."""

    def action() -> int:
        with make_client(args) as client, explain_not_found(client.rest_base_url, rest=True):
            answer = request(client)
            try:
                return show(answer, args)
            except BrokenPipeError:
                pipe_closed()
                return 0

    return run_api_command(action)


def show_one(answer: Any, args: argparse.Namespace) -> int:
    """One object: a two-column table, or one JSON line."""
    if args.json:
        print_json([answer])
    else:
        print_object(answer)
    return 0


def show_many(columns: Sequence[Column]) -> Show:
    """Objects of a list (a pager, fetched as the printing goes): a table of these
    columns, or JSON lines; at most ``--limit`` of them."""

    def show(answer: Iterable[Any], args: argparse.Namespace) -> int:
        limit = getattr(args, "limit", None)
        if limit is not None:
            answer = itertools.islice(answer, limit)
        if args.json:
            print_json(answer)
        else:
            print_table(answer, columns)
        return 0

    return show


def show_done(what: Callable[[argparse.Namespace], str]) -> Show:
    """The answer of a delete or an unsubscribe: with ``--json``, SendX's answer as a
    JSON line; else ``what`` happened, on stderr (stdout stays empty, as for track)."""

    def show(answer: Any, args: argparse.Namespace) -> int:
        if args.json:
            print_json([answer])
        else:
            print(what(args), file=sys.stderr)
        return 0

    return show

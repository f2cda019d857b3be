"""The ``sendx`` command.

Each sub-command lives in its own module with a ``register(subparsers)`` function
that adds its parser and sets ``handler``; this module only assembles them, and adds
the connection options before the command too (``sendx --api-key K import F``, as
aws, gh and kubectl take them). Exit codes: 0 success, 1 an API or network error,
2 bad arguments.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from sendx._version import __version__
from sendx.cli._common import Parser, add_connection_options, connection_given

__all__ = ["main"]

# Sub-command modules, in the order their commands appear in --help.
_COMMANDS = (
    "sendx.cli._contacts",
    "sendx.cli._rest_contacts",
    "sendx.cli._catalog",
    "sendx.cli._templates",
    "sendx.cli._webhooks",
    "sendx.cli._send",
    "sendx.cli._emulator",
    "sendx.cli._import",
    "sendx.cli._replay",
)


def build_parser() -> argparse.ArgumentParser:
    """The full ``sendx`` argument parser."""
    parser = Parser(
        prog="sendx",
        description="The SendX toolkit: the v1 contact API and the REST API, a local "
        "emulator, bulk import.",
    )
    parser.add_argument("--version", action="version", version=f"sendx {__version__}")
    add_connection_options(parser)
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", dest="command")
    for name in _COMMANDS:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    given = connection_given(args)
    if given and not _takes_connection(parser, args.command):
        parser.error(f"{given[0]} is for the commands that call the API, not for {args.command}")
    try:
        return int(handler(args))
    except KeyboardInterrupt:
        print("sendx: interrupted", file=sys.stderr)
        return 130


def _takes_connection(parser: argparse.ArgumentParser, command: str) -> bool:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            chosen = action.choices[command]
            return any("--api-key" in option.option_strings for option in chosen._actions)
    return False


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""The ``sendx`` command.

Each sub-command lives in its own module with a ``register(subparsers)`` function
that adds its parser and sets ``handler``; this module only assembles them. Exit
codes: 0 success, 1 an API or network error, 2 bad arguments.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from sendx._version import __version__
from sendx.cli._common import Parser

__all__ = ["main"]

# Sub-command modules, in the order their commands appear in --help.
_COMMANDS = (
    "sendx.cli._contacts",
    "sendx.cli._emulator",
    "sendx.cli._import",
    "sendx.cli._replay",
)


def build_parser() -> argparse.ArgumentParser:
    """The full ``sendx`` argument parser."""
    parser = Parser(
        prog="sendx",
        description="The SendX toolkit: the contact API, a local emulator, bulk import.",
    )
    parser.add_argument("--version", action="version", version=f"sendx {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
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
    try:
        return int(handler(args))
    except KeyboardInterrupt:
        print("sendx: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""What every API command shares: the connection options and error reporting."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any, NoReturn

from sendx.errors import InvalidRequestError, SendXError

__all__ = ["add_connection_options", "make_client", "Parser", "run_api_command"]


class Parser(argparse.ArgumentParser):
    """An argument parser that reports a usage error as one line on stderr (exit 2),
    pointing at ``--help`` instead of printing the whole usage. Sub-parsers made with
    ``add_parser`` are of the same class, so every command behaves alike."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def add_connection_options(parser: argparse.ArgumentParser) -> None:
    """``--api-key``, ``--team-id`` and ``--base-url``, with the SENDX_* fallbacks."""
    group = parser.add_argument_group("connection (default: the SENDX_* environment variables)")
    group.add_argument("--api-key", help="API key (default: $SENDX_API_KEY)")
    group.add_argument("--team-id", help="team id (default: $SENDX_TEAM_ID)")
    group.add_argument(
        "--base-url",
        help="API base URL (default: $SENDX_BASE_URL, else https://app.sendx.io/api/v1)",
    )


def make_client(args: argparse.Namespace, **options: Any) -> Any:
    """A :class:`sendx.SendX` from the connection options."""
    from sendx import SendX

    return SendX(args.api_key, args.team_id, base_url=args.base_url, **options)


def run_api_command(action: Callable[[], int]) -> int:
    """Run ``action``; turn sendx errors into one line on stderr and an exit code."""
    try:
        return action()
    except InvalidRequestError as exc:
        print(f"sendx: error: {exc}", file=sys.stderr)
        return 2
    except SendXError as exc:
        print(f"sendx: error: {exc}", file=sys.stderr)
        return 1

"""``sendx replay FILE``: send the calls of an outbox dead-letter file again."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sendx.cli._common import add_connection_options, make_client, run_api_command

__all__ = ["register"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "replay",
        help="send the calls of an outbox dead-letter file again",
        description=(
            "Send every call of FILE (a dead-letter file of the outbox or of "
            "'sendx import') again, in order per contact. Calls that fail again are "
            "written back to FILE with their new reason, each followed by the later "
            "calls of its contact, unsent and in order; exit code 1 if any were. "
            "If a replay of FILE was interrupted, the same command continues it "
            "without sending any call twice."
        ),
    )
    parser.add_argument("file", metavar="FILE")
    parser.add_argument(
        "--concurrency", type=int, default=8, metavar="N", help="requests in flight (default: 8)"
    )
    add_connection_options(parser)
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from sendx.outbox._replay import replay_file

    def action() -> int:
        with make_client(args, max_connections=max(1, args.concurrency)) as client:
            try:
                result = replay_file(args.file, client, concurrency=max(1, args.concurrency))
            except KeyboardInterrupt:
                print(
                    "sendx replay: interrupted; the calls not yet sent are kept: run "
                    f"'sendx replay {args.file}' again to continue (calls already sent "
                    "are not sent again)",
                    file=sys.stderr,
                )
                return 130
        print(
            f"sendx replay: {result.sent:,} sent, {result.failed:,} failed again"
            + (f", {result.malformed:,} unreadable line(s) kept" if result.malformed else "")
            + (f" (back in {args.file})" if result.failed or result.malformed else "")
            + ("; an interrupted replay was finished" if result.resumed else ""),
            file=sys.stderr,
        )
        return 0 if not (result.failed or result.malformed) else 1

    return run_api_command(action)

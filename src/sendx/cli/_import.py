"""``sendx import FILE``: bulk import of contacts (CSV or JSON lines) via the outbox."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sendx.cli._common import add_connection_options, make_client

__all__ = ["register"]


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number (got {text!r})") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 (got {value})")
    return value


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "import",
        help="import contacts from a CSV or JSON-lines file (resumable)",
        description=(
            "Identify every row of FILE. CSV: a header row with 'email' (required), "
            "first_name, last_name, company, birthday, new_email, tags (separated by ';'); "
            "any other column is a custom field. JSONL: one identify object per line. "
            "Bad rows go to the errors file with their line number and reason; the exit "
            "code is 1 if any row failed. After Ctrl-C or a crash, run the same command "
            "with --resume."
        ),
    )
    parser.add_argument("file", metavar="FILE")
    parser.add_argument(
        "--format", choices=("csv", "jsonl"), help="file format (default: from the extension)"
    )
    parser.add_argument(
        "--concurrency",
        type=_positive,
        default=32,
        metavar="N",
        help="requests in flight (default: 32)",
    )
    parser.add_argument(
        "--spool", metavar="PATH", help="the progress and pending rows (default: FILE.sendx-spool)"
    )
    parser.add_argument(
        "--resume", action="store_true", help="continue an interrupted import of FILE"
    )
    parser.add_argument(
        "--errors", metavar="PATH", help="where bad rows go (default: FILE.errors.jsonl)"
    )
    parser.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="T",
        help="add this tag to every row (repeatable)",
    )
    parser.add_argument("--dry-run", action="store_true", help="check every row, send nothing")
    parser.add_argument(
        "--no-coalesce",
        action="store_true",
        help="send each row as its own request, even consecutive rows of one contact",
    )
    add_connection_options(parser)
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from sendx.bulk import BulkImportError, import_file
    from sendx.errors import InvalidRequestError

    client = None
    try:
        if not args.dry_run:
            client = make_client(args, max_connections=args.concurrency)
        result = import_file(
            args.file,
            client,
            format=args.format,
            concurrency=args.concurrency,
            spool=args.spool,
            resume=args.resume,
            errors=args.errors,
            tags=args.tag,
            dry_run=args.dry_run,
            coalesce=not args.no_coalesce,
        )
    except (BulkImportError, InvalidRequestError) as exc:
        print(f"sendx: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        spool = args.spool or args.file + ".sendx-spool"
        print(
            f"sendx import: interrupted; pending rows are kept in {spool}: "
            "run the same command with --resume to continue",
            file=sys.stderr,
        )
        return 130
    finally:
        if client is not None:
            client.close()
    print(_summary(result, dry_run=args.dry_run), file=sys.stderr)
    return 0 if result.ok else 1


def _summary(result: Any, *, dry_run: bool) -> str:
    rate = result.rows / result.elapsed if result.elapsed > 0 else 0.0
    start = f" (resumed at line {result.first_line})" if result.first_line > 1 else ""
    if dry_run:
        text = (
            f"sendx import --dry-run: {result.rows:,} rows checked, {result.bad:,} bad "
            f"in {result.elapsed:.1f} s"
        )
    else:
        text = (
            f"sendx import: {result.rows:,} rows read{start}, {result.sent:,} sent, "
            f"{result.failed:,} failed, {result.bad:,} bad, in {result.elapsed:.1f} s "
            f"({rate:,.0f} rows/s)"
        )
        if result.failed_before or result.bad_before:
            text += f"; earlier runs: {result.failed_before:,} failed, {result.bad_before:,} bad"
    if result.bad or result.failed or result.bad_before or result.failed_before:
        text += f"\n  errors (line and reason): {result.errors_path}"
    if result.failed or result.failed_before:
        text += f"\n  send refused rows again: sendx replay {result.failed_path}"
    if result.earlier_failed_path:
        text += f"\n  failed rows of an earlier import: {result.earlier_failed_path}"
    return text

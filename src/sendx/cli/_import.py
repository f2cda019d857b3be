"""``sendx import FILE``: bulk import of contacts (CSV or JSON lines) via the outbox."""

from __future__ import annotations

import argparse
from typing import Any

from sendx.cli._common import add_connection_options, endpoint_hint, make_client

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
    from sendx.bulk import BulkImportError, Progress, import_file
    from sendx.errors import InvalidRequestError

    progress = Progress()
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
            progress=progress,
            coalesce=not args.no_coalesce,
        )
    except BulkImportError as exc:
        progress.note(f"sendx: error: {_explained(exc, client)}")
        return 2
    except InvalidRequestError as exc:
        progress.note(f"sendx: error: {exc}")
        return 2
    except KeyboardInterrupt:
        spool = args.spool or args.file + ".sendx-spool"
        progress.note(
            f"sendx import: interrupted; pending rows are kept in {spool}: "
            "run the same command with --resume to continue"
        )
        return 130
    finally:
        if client is not None:
            client.close()
    progress.finish(result)
    return 0 if result.ok else 1


def _explained(exc: Any, client: Any) -> str:
    """The import's error; when SendX answered 404 to every identify, what is probably
    wrong with the base URL instead of the library's general words."""
    from sendx.errors import NotFoundError

    if client is None or not isinstance(exc.error, NotFoundError):
        return str(exc)
    hint = endpoint_hint(exc.error, client.base_url, identify=True)
    return (
        f"{exc.error}{hint}; the import stopped and kept the rows not sent: run the same "
        "command with --resume once the base URL is right"
    )

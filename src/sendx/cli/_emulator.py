"""``sendx emulator``: serve the local SendX API until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import contextlib
import errno
import importlib.util
import ipaddress
import os
import signal
import sys
import threading
from typing import Any

from sendx._docs import page

__all__ = ["register"]

_MISSING_EXTRA = (
    "sendx: error: the emulator needs its server stack; "
    "install it with: pip install 'sendx-client[emulator]'"
)


def _team(text: str) -> tuple[str, str]:
    team_id, sep, key = text.partition(":")
    if not sep or not team_id or not key:
        raise argparse.ArgumentTypeError("expected TEAM_ID:API_KEY")
    return team_id, key


def _latency(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number of milliseconds (got {text!r})"
        ) from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0 (got {text!r})")
    return value


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "emulator",
        help="run a local SendX API (persistent, with automations and faults)",
        description="Serve SendX's v1 contact API (/api/v1) and REST API (/api/v1/rest) "
        "locally, with its control plane under "
        f"/_emulator, until SIGINT or SIGTERM. Documentation: {page('emulator.md')}",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default: %(default)s)"
    )
    parser.add_argument(
        "--port", type=int, default=8787, help="port (default: %(default)s; 0: any free port)"
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="SQLite file, created if missing and kept (default: a temporary one, removed at exit)",
    )
    parser.add_argument(
        "--team",
        action="append",
        type=_team,
        default=[],
        metavar="TEAM_ID:API_KEY",
        help="accept only these pairs (repeatable; default: any team id, bound to its first key)",
    )
    parser.add_argument(
        "--rules", metavar="FILE", help="automation rules, JSON or TOML ([[rules]])"
    )
    parser.add_argument(
        "--latency-ms",
        type=_latency,
        default=0.0,
        metavar="N",
        help="add N ms to every API request",
    )
    parser.add_argument(
        "--webhook-attempts",
        type=int,
        default=5,
        metavar="N",
        help="attempts per webhook (default: 5)",
    )
    parser.add_argument(
        "--webhook-backoff",
        type=_latency,
        default=500.0,
        metavar="MS",
        help="wait before the first retry, doubled for each next one (default: 500)",
    )
    parser.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="HOST",
        help="answer requests naming this host too (repeatable; loopback names and --host "
        "always); any other Host header gets 403",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no access log (one line per request on stderr)"
    )
    parser.add_argument(
        "--allow-webhook-host",
        action="append",
        default=[],
        metavar="HOST",
        help="a host that webhooks may reach besides this machine's loopback addresses "
        "(repeatable); others are refused, never connected to",
    )
    parser.add_argument(
        "--member",
        action="append",
        default=[],
        metavar="EMAIL",
        help="a team member every team has over REST, besides its owner (repeatable)",
    )
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    if importlib.util.find_spec("uvicorn") is None:
        print(_MISSING_EXTRA, file=sys.stderr)
        return 2
    import sqlite3

    from sendx.emulator import Emulator
    from sendx.emulator.delivery.automations import RuleError, load_rules_file
    from sendx.emulator.http.access_log import printed_on
    from sendx.emulator.store.database import StoreError

    try:
        rules = [rule.to_json() for rule in load_rules_file(args.rules)] if args.rules else None
    except (OSError, RuleError) as exc:
        print(f"sendx: error: --rules: {exc}", file=sys.stderr)
        return 2
    teams = dict(args.team) if args.team else None
    try:
        emulator = Emulator(
            args.db,
            teams,
            rules,
            host=args.host,
            port=args.port,
            latency_ms=args.latency_ms,
            webhook_attempts=args.webhook_attempts,
            webhook_backoff=args.webhook_backoff / 1000.0,
            allow_hosts=args.allow_host,
            access_log=not args.quiet,
            allow_webhook_hosts=args.allow_webhook_host,
            members=args.member,
        )
    except (TypeError, ValueError) as exc:
        print(f"sendx: error: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    logs = contextlib.ExitStack()
    if not args.quiet:
        logs.enter_context(printed_on(sys.stderr))
    try:
        created = _not_yet_there(args.db)
        try:
            emulator.start()
        except (OSError, StoreError, sqlite3.Error) as exc:
            _remove(created)
            print(f"sendx: error: cannot start the emulator: {_why(exc, args)}", file=sys.stderr)
            return 1
        accepted = ", ".join(sorted(teams)) if teams else "any team id (bound to its first API key)"
        print(f"sendx emulator: {emulator.base_url} (teams: {accepted})", flush=True)
        print(f"sendx emulator: the web page: {emulator.page_url()}", flush=True)
        if not _is_loopback(args.host):
            print(
                f"sendx emulator: warning: listening on {args.host}, beyond this machine; "
                "the control plane under /_emulator has no authentication; requests must "
                "name it by that address, a loopback name or an --allow-host name",
                file=sys.stderr,
                flush=True,
            )
        while not stop.wait(1.0):
            pass
        emulator.stop()
        print("sendx emulator: stopped", file=sys.stderr, flush=True)
        return 0
    finally:
        emulator.stop()
        logs.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _why(exc: BaseException, args: argparse.Namespace) -> str:
    """The start failure in words, with what to do for the usual ones."""
    code = exc.errno if isinstance(exc, OSError) else None
    if code == errno.EADDRINUSE:
        return (
            f"port {args.port} of {args.host} is in use; stop what listens there, "
            "or pass --port 0 for a free port"
        )
    if code == errno.EACCES:
        return (
            f"no permission to listen on port {args.port} of {args.host} (ports below "
            "1024 need privileges); pass --port 0 for a free port"
        )
    if code == errno.EADDRNOTAVAIL:
        return f"{args.host} is not an address of this machine; check --host"
    return str(exc)


def _not_yet_there(db: str | None) -> list[str]:
    """The files (the database, its journals and its lock file) and folders that
    starting on ``db`` would create, deepest first; a failed start removes them, and
    so leaves nothing behind that was not there before."""
    if db is None:
        return []  # a temporary database: the emulator removes its own folder
    paths = [db + suffix for suffix in ("", "-wal", "-shm", "-journal", ".lock")]
    missing = [path for path in paths if not os.path.lexists(path)]
    folder = os.path.dirname(os.path.abspath(db))
    while not os.path.exists(folder):
        missing.append(folder)
        folder = os.path.dirname(folder)
    return missing


def _remove(paths: list[str]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):  # never there, or a folder someone filled
            if os.path.isdir(path) and not os.path.islink(path):
                os.rmdir(path)
            else:
                os.remove(path)


def _is_loopback(host: str) -> bool:
    """Whether ``host`` names only this machine (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost: may be reachable from outside
